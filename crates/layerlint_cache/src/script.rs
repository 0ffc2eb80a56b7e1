//! The shell scripts a RUN executes, for the layer model and the optimizer.
//!
//! The same choice as the linter's `shell` module (which sits above this crate): the
//! shell-form text, and each heredoc body that a POSIX shell runs; nothing under a `SHELL`
//! that is not a POSIX shell. An exec-form RUN is read as the command it runs (its words
//! quoted back into one line), so its command can still be recognised.

use foldhash::HashMap;
use std::cell::RefCell;
use std::rc::Rc;

use layerlint_shell::{Command, Script, TextId};
use layerlint_syntax::{CommandLine, Dockerfile, Instruction};

/// The shell scripts of one file's RUNs, each parsed once and shared: the planner and every
/// rule of the linter read the same scripts (parsing them twice was a twentieth of a lint).
/// Keyed by the instruction (its address: the file is borrowed while this lives) and the
/// part of it: its shell-form text or heredoc `n`.
#[derive(Default)]
pub struct ParsedScripts {
    parsed: RefCell<HashMap<(usize, Part), Rc<Script>>>,
}

/// Which text of a RUN a script is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Part {
    ShellForm,
    Heredoc(usize),
}

impl ParsedScripts {
    fn get(&self, run: &Instruction, part: Part, parse: impl FnOnce() -> Script) -> Rc<Script> {
        let key = (std::ptr::from_ref(run) as usize, part);
        if let Some(found) = self.parsed.borrow().get(&key) {
            return Rc::clone(found);
        }
        let script = Rc::new(parse());
        self.parsed.borrow_mut().insert(key, Rc::clone(&script));
        script
    }

    /// The shell-form text of `run`, parsed. `None` for the exec form.
    pub fn shell_form(&self, run: &Instruction) -> Option<Rc<Script>> {
        match run.command()? {
            CommandLine::Shell(form) => {
                Some(self.get(run, Part::ShellForm, || layerlint_shell::parse(&form.text)))
            }
            CommandLine::Exec(_) => None,
        }
    }

    /// Heredoc `index` of `run` (a RUN of `file`), parsed as a shell script.
    pub fn heredoc(&self, file: &Dockerfile, run: &Instruction, index: usize) -> Rc<Script> {
        self.get(run, Part::Heredoc(index), || {
            layerlint_shell::parse(&run.heredocs[index].content(file.source()))
        })
    }
}

/// The shells whose scripts layerlint reads (by basename).
pub const POSIX_SHELLS: [&str; 5] = ["sh", "bash", "dash", "ash", "ksh"];

/// The program a script's `#!` line names, by basename (`#!/usr/bin/env bash` → `bash`);
/// `None` without a `#!` line. A `#!` line that names no program (`#!` or
/// `#!/usr/bin/env` alone) gives `Some("")`: no shell runs that body either.
pub fn shebang_interpreter(body: &str) -> Option<&str> {
    let line = body.strip_prefix("#!")?.lines().next().unwrap_or("");
    let mut words = line.split_whitespace();
    let program = words.next().unwrap_or("");
    let name = program.rsplit('/').next().unwrap_or(program);
    if name == "env" {
        return Some(words.find(|w| !w.starts_with('-')).unwrap_or(""));
    }
    Some(name)
}

/// Whether a `SHELL` (exec form, first element the program) runs a POSIX shell.
pub fn is_posix_shell(shell: &[String]) -> bool {
    shell.first().is_none_or(|program| {
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        let name = name.strip_suffix(".exe").unwrap_or(name);
        POSIX_SHELLS.contains(&name)
    })
}

/// The parsed scripts of a RUN under `shell`. `None` when they cannot be read: a
/// non-POSIX `SHELL`, or a RUN without a command.
pub fn run_scripts(
    file: &Dockerfile,
    run: &Instruction,
    shell: &[String],
    parsed: &ParsedScripts,
) -> Option<Vec<Rc<Script>>> {
    if !is_posix_shell(shell) {
        return None;
    }
    match run.command()? {
        CommandLine::Exec(exec) => {
            // The words quoted back into a command line, each mapped to its JSON string
            // (so that ranges stay inside the instruction; approximate within a word).
            let mut text = layerlint_text::MappedText::new();
            for (i, word) in exec.args.iter().enumerate() {
                if i > 0 {
                    text.push(" ", word.range.start());
                }
                let quoted = quote(&word.text);
                let start = if quoted == word.text {
                    word.range.start() + layerlint_text::TextSize::from_usize(1)
                } else {
                    word.range.start()
                };
                text.push(&quoted, start);
            }
            Some(vec![Rc::new(layerlint_shell::parse(&text))])
        }
        CommandLine::Shell(_) => {
            let main = parsed.shell_form(run)?;
            let executed = executed_heredocs(run, &main);
            let mut scripts = vec![main];
            for (index, heredoc) in run.heredocs.iter().enumerate() {
                let body = &file.source()[heredoc.body];
                let interpreter_ok =
                    shebang_interpreter(body).is_none_or(|name| POSIX_SHELLS.contains(&name));
                if executed[index] && interpreter_ok {
                    scripts.push(parsed.heredoc(file, run, index));
                } else {
                    // A heredoc fed to another program (python, a file): unknown reads.
                    return None;
                }
            }
            Some(scripts)
        }
    }
}

/// Which heredocs of `run` (a shell-form RUN whose command line parsed as `main`) a
/// shell runs as its script, by index. A command line that is one marker alone
/// (`RUN <<EOF`) runs that body, as BuildKit does; in any other line the shell gets the
/// bodies as the input of the command each marker belongs to, so a body is a script only
/// when that command is a POSIX shell reading its script from standard input (`bash
/// <<EOF`, `sudo sh -s -- a <<EOF`), not `sh -c '…' <<EOF`, `sh file.sh <<EOF`, `cat
/// <<EOF`, or a second marker of `RUN <<A <<B` (which runs nothing). (Whether a `#!`
/// line names another interpreter is the caller's question.)
pub fn executed_heredocs(run: &Instruction, main: &Script) -> Vec<bool> {
    let count = run.heredocs.len();
    if count == 0 {
        // Most RUNs: nothing to look for in the commands.
        return Vec::new();
    }
    let mut commands = main.commands();
    let first = commands.next();
    if let Some(only) = first
        && commands.next().is_none()
        && count == 1
        && only.words().len() == 0
        && only.assignments().len() == 0
        && only.redirects().len() == 1
        && only.redirects().all(|r| r.op().is_heredoc())
    {
        return vec![true];
    }
    // The markers in the order they are written, each with its command.
    let mut markers: Vec<(layerlint_text::TextSize, bool)> = main
        .commands()
        .flat_map(|command| {
            command
                .redirects()
                .filter(|r| {
                    r.op().is_heredoc() && r.target().is_some_and(|t| t.text_id() == TextId::ROOT)
                })
                .map(move |r| {
                    (
                        r.range().start(),
                        r.effective_fd() == 0 && shell_reads_stdin(command),
                    )
                })
        })
        .collect();
    if markers.len() != count {
        return vec![false; count];
    }
    markers.sort_by_key(|(at, _)| *at);
    markers.into_iter().map(|(_, script)| script).collect()
}

/// Whether `command` (through its wrappers) is a POSIX shell that reads its script from
/// standard input: no `-c`, and no script file operand (operands after `-s` are
/// arguments of the script).
fn shell_reads_stdin(command: Command<'_>) -> bool {
    let shell = command.unwrapped();
    if !shell
        .name()
        .is_some_and(|name| POSIX_SHELLS.contains(&name))
    {
        return false;
    }
    let mut args = shell.args();
    while let Some(arg) = args.next() {
        let Some(value) = arg.value() else {
            return false;
        };
        if value == "--" || value == "-" {
            return args.next().is_none();
        }
        if let Some(long) = value.strip_prefix("--") {
            if matches!(long, "rcfile" | "init-file") {
                args.next();
            }
            continue;
        }
        let Some(cluster) = value.strip_prefix(['-', '+']) else {
            // A script file.
            return false;
        };
        if cluster.contains('c') {
            return false;
        }
        if cluster.contains('s') {
            return true;
        }
        if cluster.ends_with('o') || cluster.ends_with('O') {
            args.next();
        }
    }
    true
}

/// Single-quotes a word for the shell unless it is plain.
fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,".contains(&b))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(source: &str) -> Option<Vec<String>> {
        let file = layerlint_syntax::parse(source).file;
        let run = &file.instructions()[1];
        run_scripts(&file, run, &[], &ParsedScripts::default()).map(|scripts| {
            scripts
                .iter()
                .flat_map(|s| s.commands().filter_map(|c| c.name()).map(str::to_owned))
                .collect()
        })
    }

    #[test]
    fn scripts_of_runs() {
        assert_eq!(
            names("FROM a\nRUN npm ci && npm run build\n").unwrap(),
            ["npm", "npm"]
        );
        assert_eq!(names("FROM a\nRUN [\"npm\", \"ci\"]\n").unwrap(), ["npm"]);
        let source = "FROM a\nRUN [\"npm\", \"install\"]\n";
        let file = layerlint_syntax::parse(source).file;
        let parsed = ParsedScripts::default();
        let scripts = run_scripts(&file, &file.instructions()[1], &[], &parsed).unwrap();
        let command = scripts[0].commands().next().unwrap();
        assert_eq!(&source[command.range()], "npm\", \"install");
        assert_eq!(
            names("FROM a\nRUN <<EOF\nnpm ci\nnpm test\nEOF\n").unwrap(),
            ["npm", "npm"]
        );
        assert_eq!(names("FROM a\nRUN <<EOF python3\nprint(1)\nEOF\n"), None);
        assert_eq!(
            names("FROM a\nRUN bash <<EOF\nnpm ci\nEOF\n").unwrap(),
            ["bash", "npm"]
        );
        // The body is what `cat` writes, not a script.
        assert_eq!(
            names("FROM a\nRUN sh -c 'cat > /x' <<EOF\nnpm ci\nEOF\n"),
            None
        );
        assert!(!is_posix_shell(&["powershell".into()]));
    }
}
