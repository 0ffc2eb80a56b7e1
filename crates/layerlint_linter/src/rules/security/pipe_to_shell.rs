use layerlint_shell::known::{CURL, WGET};
use layerlint_shell::{Command, OptionSpec};
use layerlint_syntax::InstructionKind;
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::run_support::innermost;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a download run as code without being saved and checked first:
    /// `curl … | sh`, `wget -qO- … | sudo bash -s --`, `curl … | python3 -`,
    /// `sh -c "$(curl …)"`, `bash <(curl …)`, `eval "$(wget -O- …)"`.
    ///
    /// Interpreters: `sh`, `bash`, `dash`, `ash`, `zsh`, `ksh`, `python`, `perl`, `ruby`,
    /// `node`, `php`, when they read their program from the pipe (no script argument, or
    /// `-`, or `-s`). A download into a file (`curl -o`, `wget` without `-O -`) is not
    /// reported, nor a pipe into a tool that is not an interpreter (`| tar xz`).
    ///
    /// ## Why is this bad?
    /// Whatever the server sends at build time runs as root in the build: a compromised or
    /// changed install script, or a truncated download (the shell runs the part it got).
    /// Nothing pins what was run, so two builds of the same Dockerfile can install
    /// different things, and the layer cache hides the difference until the cache is
    /// cleared. Download to a file, check it against a known checksum, then run it.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
    ///     && echo "3f1c…  /tmp/install.sh" | sha256sum -c - \
    ///     && sh /tmp/install.sh
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the checksum has to come from the publisher or a reviewed download.
    pub(crate) struct PipeToShell {
        code: "LL308",
        name: "pipe-to-shell",
        category: Security,
        severity: Warning,
        fix: None,
        summary: "a download piped into a shell or interpreter runs unverified code",
    }
}

const SHELLS: [&str; 7] = ["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"];

impl Check for PipeToShell {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::named(&["curl", "wget"]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        let mut found: Vec<(TextRange, String)> = Vec::new();
        for script in scripts.iter() {
            for command in script.script.commands() {
                let download = innermost(command);
                let Some(tool) = download.name().filter(|_| writes_to_stdout(download)) else {
                    continue;
                };
                if let Some(pipeline) = command.pipeline()
                    && let Some(at) = command.pipe_index()
                {
                    let runner = pipeline
                        .elements()
                        .skip(at + 1)
                        .filter_map(|e| e.command())
                        .map(innermost)
                        .find(|c| reads_program_from_stdin(*c));
                    if let Some(runner) = runner.and_then(|c| c.name()) {
                        found.push((
                            pipeline.range(),
                            format!("`{tool}` output piped into `{runner}` runs a download without checking it"),
                        ));
                        continue;
                    }
                }
                let context = command.context();
                if (context.in_substitution() || context.in_process_substitution())
                    && let Some(parent) = command.parent()
                {
                    let runner = innermost(parent);
                    if let Some(name) = runner.name().filter(|n| runs_its_arguments(n)) {
                        found.push((
                            parent.range(),
                            format!("`{name}` runs what `{tool}` downloads without checking it"),
                        ));
                    }
                }
            }
        }
        found.sort_by_key(|(r, _)| (r.start(), r.end()));
        found.dedup_by_key(|(r, _)| *r);
        for (range, message) in found {
            cx.report(range, message).note(
                "download to a file, check it against a known checksum (`sha256sum -c`), then \
                 run it",
            );
        }
    }
}

/// `curl` without `-o FILE`/`-O`, or `wget -O -`: the download goes to standard output.
fn writes_to_stdout(command: Command<'_>) -> bool {
    match command.name() {
        Some("curl") => {
            let mut to_stdout = true;
            for arg in command.options(CURL) {
                let Some(option) = arg.option() else { continue };
                if option.is("-o") || option.is("--output") {
                    to_stdout = option.value.as_ref().is_some_and(|v| v.as_str() == "-");
                } else if option.is("-O")
                    || option.is("--remote-name")
                    || option.is("--remote-name-all")
                {
                    to_stdout = false;
                }
            }
            to_stdout
        }
        Some("wget") => wget_output(command).as_deref() == Some("-"),
        _ => false,
    }
}

/// The file `wget -O` writes to (`-O FILE`, `-qO-`, `--output-document=FILE`).
pub(crate) fn wget_output(command: Command<'_>) -> Option<String> {
    let words: Vec<_> = command.args().collect();
    let mut output = None;
    let mut i = 0;
    while i < words.len() {
        let value = words[i].value_lossy();
        i += 1;
        if value == "--" {
            break;
        }
        if let Some(long) = value.strip_prefix("--") {
            if let Some(file) = long.strip_prefix("output-document=") {
                output = Some(file.to_owned());
            } else if long == "output-document" {
                output = words.get(i).map(|w| w.value_lossy().to_owned());
                i += 1;
            } else if WGET.with_value().contains(&value) {
                i += 1;
            }
            continue;
        }
        let Some(cluster) = value.strip_prefix('-').filter(|c| !c.is_empty()) else {
            continue;
        };
        for (at, letter) in cluster.char_indices() {
            let flag = format!("-{letter}");
            if !WGET.with_value().contains(&flag.as_str()) {
                continue;
            }
            let rest = &cluster[at + letter.len_utf8()..];
            let taken = if rest.is_empty() {
                i += 1;
                words.get(i - 1).map(|w| w.value_lossy().to_owned())
            } else {
                Some(rest.to_owned())
            };
            if letter == 'O' {
                output = taken;
            }
            break;
        }
    }
    output
}

fn is_interpreter(name: &str) -> bool {
    SHELLS.contains(&name)
        || ["python", "perl", "ruby", "node", "nodejs", "php"]
            .iter()
            .any(|p| {
                name.strip_prefix(p)
                    .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
            })
}

/// An interpreter reading its program from standard input: no script operand, `-`, or a
/// shell's `-s`.
fn reads_program_from_stdin(command: Command<'_>) -> bool {
    let Some(name) = command.name() else {
        return false;
    };
    if !is_interpreter(name) {
        return false;
    }
    let shell = SHELLS.contains(&name);
    let spec = if shell {
        OptionSpec::new(&["-o", "-O", "+o", "+O"])
    } else {
        OptionSpec::new(&["-W", "-X", "-I", "-r", "--require", "-d", "-n"])
    };
    for arg in command.options(spec) {
        if let Some(option) = arg.option() {
            if shell && option.is("-s") {
                return true;
            }
            // A program given on the command line, or a module.
            let program_given = option.is("-c")
                || (!shell && (option.is("-e") || option.is("-m") || option.is("-E")));
            if program_given {
                return false;
            }
            continue;
        }
        return match arg.positional() {
            Some(word) => word.value_lossy() == "-",
            // `--` ends the options; a shell still reads stdin when no operand follows.
            None => true,
        };
    }
    true
}

/// A command that runs a string or file it is given: an interpreter (`sh -c "$(curl …)"`,
/// `bash <(curl …)`), `eval`, `source`, `.`.
fn runs_its_arguments(name: &str) -> bool {
    is_interpreter(name) || matches!(name, "eval" | "source" | ".")
}

#[cfg(test)]
mod tests {
    use layerlint_shell::parse_str;

    use super::*;

    #[test]
    fn stdin_readers() {
        let reads =
            |text: &str| reads_program_from_stdin(parse_str(text).commands().next().unwrap());
        assert!(reads("sh"));
        assert!(reads("bash -s -- --version 1.2"));
        assert!(reads("python3 -"));
        assert!(reads("bash -e"));
        assert!(!reads("sh -c 'cat > /x'"));
        assert!(!reads("python3 script.py"));
        assert!(!reads("tar xz"));
        let stdout = |text: &str| writes_to_stdout(parse_str(text).commands().next().unwrap());
        assert!(stdout("curl -fsSL https://x"));
        assert!(stdout("curl -o - https://x"));
        assert!(!stdout("curl -fsSLo /tmp/x https://x"));
        assert!(!stdout("curl -O https://x"));
        assert!(stdout("wget -qO- https://x"));
        assert!(stdout("wget -O - https://x"));
        assert!(!stdout("wget https://x"));
        assert!(!stdout("wget -O /tmp/x https://x"));
    }
}
