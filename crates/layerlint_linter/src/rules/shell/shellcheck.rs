use layerlint_syntax::semantic::{PROXY_ARGS, Scope};
use layerlint_syntax::{Heredoc, InstructionKind};
use layerlint_text::{MappedText, TextSize};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::shell::{POSIX_SHELLS, ScriptSource, shebang_interpreter};
use crate::shellcheck::{Dialect, Job};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Runs [ShellCheck](https://www.shellcheck.net) on the script of every `RUN` (its
    /// shell form, and heredoc bodies a POSIX shell runs) and reports its findings at
    /// their exact place in the Dockerfile, each with its ShellCheck code (`SC2086`).
    ///
    /// It runs when a `shellcheck` binary is on `PATH` (the Debian and Ubuntu package
    /// `shellcheck`), or the one configured with `shellcheck = "/path/to/shellcheck"`;
    /// `shellcheck = "off"` turns it off. Without a binary there are no ShellCheck findings
    /// and no error (`--verbose` says so).
    ///
    /// As hadolint does, each script is checked as the shell that runs it (`SHELL`, or the
    /// heredoc's `#!` line; `sh` by default), with the stage's `ARG` and `ENV` names and
    /// the proxy variables exported first, so ShellCheck knows they are set (no SC2154).
    /// Only the names that can change ShellCheck's findings are exported: those the script
    /// names, and those ShellCheck could suggest for a name it reads (within two edits).
    /// The findings are the same as with every name exported, but ShellCheck's time and
    /// memory grow with the square of the exported names (a `RUN` after 50,000 `ARG`s
    /// took it 111 s and 24 GB).
    /// SC1090 and SC1091 (a `source`d file cannot be followed) and SC2187 (ash is checked
    /// as dash) are never reported. Scripts under a non-POSIX `SHELL` (PowerShell, cmd) and
    /// exec-form `RUN`s are not checked, nor scripts over 16 KiB or with more than 256
    /// `&&`/`||` lists: ShellCheck's time and memory grow much faster than the script (a
    /// chain of 2,000 `&&` takes it 14 s and 2 GB; 8,000 exhaust a machine), and no real
    /// `RUN` comes near (the biggest of 1,952 real Dockerfiles has 3 KB and 21 `&&`). Nor
    /// are the scripts of a file after its 500th (each takes ShellCheck about 4 ms).
    ///
    /// ShellCheck codes work everywhere rule codes do: `ignore = ["SC2086"]`,
    /// `select = ["SC2086"]` (only that code), `[severity] SC2046 = "error"`, and
    /// `# layerlint ignore=SC2086` or `# hadolint ignore=SC2086` before an instruction.
    /// A finding's severity is ShellCheck's (error, warning, info, style) unless
    /// configured.
    ///
    /// ## Why is this bad?
    /// A `RUN` script is a shell script: unquoted variables split and glob, `cd` that fails
    /// carries on in the wrong directory, bashisms fail under `/bin/sh`. ShellCheck knows
    /// hundreds of these mistakes; a Dockerfile hides its scripts from it.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN rm -rf $BUILD_DIR/cache
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN rm -rf "$BUILD_DIR/cache"
    /// ```
    ///
    /// ## Fix safety
    /// Where ShellCheck suggests a fix (quoting a variable, `$(...)` for backticks) and
    /// every replaced range maps back to one unbroken piece of the Dockerfile, the finding
    /// carries it as an unsafe fix: quoting changes what the shell does when the word
    /// splitting was wanted (`$PACKAGES` holding several names).
    pub(crate) struct Shellcheck {
        code: "LL528",
        name: "shellcheck",
        category: Shell,
        severity: Warning,
        fix: Sometimes,
        summary: "findings of ShellCheck in the scripts RUN runs",
    }
}

impl Check for Shellcheck {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        // `shellcheck = "off"`: no job would run, so none is prepared.
        if cx.shellcheck_jobs.len() >= MAX_SCRIPTS
            || cx.settings.options.shellcheck == crate::settings::ShellcheckSetting::Off
        {
            return;
        }
        let scripts = cx.scripts(node);
        if scripts.is_empty() {
            return;
        }
        let Some(shell) = node
            .shell
            .first()
            .map_or(Some(Dialect::Sh), |program| Dialect::of_program(program))
        else {
            return;
        };
        let exports = exported_names(node.scope);
        let stage = node.stage.map(|s| s.index);
        let source = cx.source();
        let instruction = node.instruction;
        // The shell the command line runs heredocs with (`RUN bash <<EOF`).
        let mut reader = shell;
        for script in scripts.iter() {
            let (text, dialect) = match script.source {
                ScriptSource::ShellForm => {
                    if let Some(name) = script.script.commands().next().and_then(|c| c.name())
                        && POSIX_SHELLS.contains(&name)
                    {
                        reader = Dialect::of_program(name).unwrap_or(shell);
                    }
                    if instruction.heredocs.is_empty() {
                        (script.script.mapped().clone(), shell)
                    } else if script.script.commands().all(|c| c.name().is_none()) {
                        // `RUN <<EOF`: BuildKit runs the body itself.
                        continue;
                    } else {
                        (
                            with_heredocs(script.script.mapped(), &instruction.heredocs, source),
                            shell,
                        )
                    }
                }
                ScriptSource::Heredoc(index) => {
                    let Some(heredoc) = instruction.heredocs.get(index) else {
                        continue;
                    };
                    let text = without_carriage_returns(&heredoc.content(source));
                    let dialect = match shebang_interpreter(text.as_str()) {
                        Some(interpreter) => match Dialect::of_program(interpreter) {
                            Some(dialect) => dialect,
                            None => continue,
                        },
                        None => reader,
                    };
                    (text, dialect)
                }
            };
            if text.as_str().trim().is_empty() || too_big_for_shellcheck(text.as_str()) {
                continue;
            }
            if cx.shellcheck_jobs.len() >= MAX_SCRIPTS {
                return;
            }
            let exports = exports_for(&exports, text.as_str());
            cx.shellcheck_jobs
                .push(Job::new(node.index, stage, dialect, text, &exports));
        }
    }
}

/// The most scripts of one file given to ShellCheck (about 2 s of ShellCheck).
const MAX_SCRIPTS: usize = 500;
/// The largest script given to ShellCheck.
const MAX_SCRIPT_LEN: usize = 16 << 10;
/// The most `&&` and `||` lists in a script given to ShellCheck.
const MAX_LISTS: usize = 256;

/// Whether ShellCheck would take too long (or too much memory) on `script`.
fn too_big_for_shellcheck(script: &str) -> bool {
    script.len() > MAX_SCRIPT_LEN
        || script.matches("&&").count() + script.matches("||").count() > MAX_LISTS
}

/// The names hadolint exports before a script: the stage's ARGs and ENVs, and the proxy
/// variables every RUN gets.
fn exported_names(scope: &Scope) -> Vec<String> {
    let mut names: Vec<String> = scope
        .names()
        .chain(PROXY_ARGS)
        .filter(|name| is_identifier(name))
        .map(str::to_owned)
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The names of `exports` that can change what ShellCheck says about `script`: those the
/// script names, and those ShellCheck could suggest for a name it reads but no one sets
/// (SC2153's "possible misspelling", SC2154's "did you mean"). ShellCheck suggests the
/// set name nearest to the read one, and only at a distance of 1 or 2 (a name differing
/// only in case is at 1, else the Levenshtein distance), so a name farther than 2 from
/// every word of the script changes nothing. Exporting every name, as hadolint does, cost
/// ShellCheck time and memory with the square of their number: a RUN after 1,000 `ARG`s
/// took it 1.7 s and 790 MB, after 50,000 (a 1 MB file) 111 s and 24 GB.
fn exports_for<'e>(exports: &'e [String], script: &str) -> Vec<&'e str> {
    if exports.is_empty() {
        return Vec::new();
    }
    let mut words: Vec<&str> = script
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty())
        .collect();
    words.sort_unstable_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    words.dedup();
    exports
        .iter()
        .map(String::as_str)
        .filter(|name| {
            // The words of a length ShellCheck could take for `name`'s: at most 2 more or fewer.
            let from = words.partition_point(|w| w.len() + 2 < name.len());
            words[from..]
                .iter()
                .take_while(|w| w.len() <= name.len() + 2)
                .any(|word| could_suggest(name, word))
        })
        .collect()
}

/// Whether ShellCheck could suggest the set name `name` for the read name `word` (or
/// `word` is `name`): their distance is at most 2 (callers compare only names whose
/// lengths differ by 2 at most).
fn could_suggest(name: &str, word: &str) -> bool {
    name.eq_ignore_ascii_case(word) || crate::levenshtein(name, word) <= 2
}

fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The shell form with its heredocs appended, as BuildKit hands a command with heredocs to
/// the shell: the command line, then each body and its terminator.
fn with_heredocs(form: &MappedText, heredocs: &[Heredoc], source: &str) -> MappedText {
    let mut text = MappedText::with_capacity(form.len().to_usize() + 64);
    for (range, start) in form.pieces() {
        text.push(&form.as_str()[range], start);
    }
    for heredoc in heredocs {
        let newline_at = heredoc.body.start().to_usize().saturating_sub(1);
        text.push("\n", TextSize::from_usize(newline_at));
        let body = MappedText::contiguous(&source[heredoc.body], heredoc.body.start());
        let body = without_carriage_returns(&body);
        for (range, start) in body.pieces() {
            text.push(&body.as_str()[range], start);
        }
        if let Some(terminator) = heredoc.terminator {
            text.push(&source[terminator], terminator.start());
        }
    }
    text.push("\n", form.to_source_end(form.len()));
    text
}

/// The text without the `\r` of `\r\n` line endings (BuildKit reads lines without them).
fn without_carriage_returns(text: &MappedText) -> MappedText {
    if !text.as_str().contains('\r') {
        return text.clone();
    }
    let mut out = MappedText::with_capacity(text.len().to_usize());
    for (range, start) in text.pieces() {
        let piece = &text.as_str()[range];
        let mut from = 0;
        for (i, _) in piece.match_indices("\r\n") {
            out.push(&piece[from..i], start + TextSize::from_usize(from));
            from = i + 1;
        }
        out.push(&piece[from..], start + TextSize::from_usize(from));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_only_what_shellcheck_can_use() {
        let exports: Vec<String> = [
            "APP_HOME",
            "APP_HOMES",
            "ABCDEFGH",
            "ABCDEFXY",
            "ABCDXYZW",
            "HTTP_PROXY",
            "NODE_ENV",
            "Node_Env",
            "UNUSED_NAME",
            "ZZZZ",
            "Y",
        ]
        .map(str::to_owned)
        .to_vec();
        let script = "cd $APP_HOME && echo ${ABCDEFGH:-x} $NODE_ENV-$http_proxy";
        // Named: APP_HOME, ABCDEFGH, NODE_ENV. Near a word: APP_HOMES (one insertion),
        // ABCDEFXY (two substitutions), Node_Env (case), HTTP_PROXY (`http_proxy`, case),
        // and Y (`x`): ShellCheck suggests no name of 3 letters or fewer, but one at the
        // head of its list of nearest names hides the longer ones behind it. ABCDXYZW is
        // four edits from ABCDEFGH; ZZZZ and UNUSED_NAME are far from every word.
        assert_eq!(
            exports_for(&exports, script),
            [
                "APP_HOME",
                "APP_HOMES",
                "ABCDEFGH",
                "ABCDEFXY",
                "HTTP_PROXY",
                "NODE_ENV",
                "Node_Env",
                "Y",
            ]
        );
        assert!(exports_for(&exports, "").is_empty());
        assert!(exports_for(&[], script).is_empty());
    }

    #[test]
    fn carriage_returns_go() {
        let text = MappedText::contiguous("a\r\nb\r\n", TextSize::new(10));
        let out = without_carriage_returns(&text);
        assert_eq!(out.as_str(), "a\nb\n");
        assert_eq!(out.to_source(TextSize::new(2)), TextSize::new(13));
        assert!(is_identifier("HTTP_PROXY"));
        assert!(!is_identifier("1X"));
        assert!(!is_identifier("a-b"));
    }
}
