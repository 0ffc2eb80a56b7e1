use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::semantic::Base;
use layerlint_syntax::{CommandLine, InstructionKind, ShellForm};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `CMD` or `ENTRYPOINT` written in shell form (`CMD node server.js`) rather
    /// than exec form (`CMD ["node", "server.js"]`). Like BuildKit, it stays quiet when a
    /// `SHELL` instruction (of the stage, or of a stage it is built on) chose the shell:
    /// then the shell form is deliberate. A Windows stage without a `SHELL` runs the shell
    /// form with `cmd /S /C`, and is reported as BuildKit reports it.
    ///
    /// ## Why is this bad?
    /// The shell form runs `/bin/sh -c "node server.js"`: the shell is PID 1, and `sh`
    /// does not pass signals on. `docker stop` sends `SIGTERM` to the shell, the program
    /// never sees it, and after ten seconds the container is killed with `SIGKILL` — no
    /// graceful shutdown, no flushed logs, slow deploys. A shell-form `ENTRYPOINT` also
    /// ignores `CMD` and the arguments of `docker run`.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// CMD node server.js
    /// ```
    ///
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENTRYPOINT ./start.sh --port 8080
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ```dockerfile
    /// FROM alpine:3.20
    /// SHELL ["/bin/ash", "-c"]
    /// CMD echo "$HOSTNAME" && exec ./server
    /// ```
    ///
    /// ## Fix safety
    /// The fix is offered only when the command has no shell syntax at all — no `$`,
    /// quotes, escapes, `&&`, `|`, `;`, redirections, globs, `~`, assignments or shell
    /// builtins, nor `%` in a Windows stage (`cmd` expands `%VAR%`) — so that splitting it
    /// at spaces gives exactly the words the shell would have run; nor, in a Windows
    /// stage, for `cmd`'s internal commands (`echo`, `dir`, `copy`), which are no
    /// programs there. It is unsafe all the same: the program becomes PID 1 (it now
    /// receives signals, and must reap children), and an exec-form `ENTRYPOINT` takes
    /// `CMD` and `docker run` arguments as extra arguments where the shell form ignored
    /// them.
    pub(crate) struct ShellFormCmd {
        code: "LL102",
        name: "shell-form-cmd",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        summary: "`CMD` or `ENTRYPOINT` in shell form runs under `/bin/sh -c`, which does not pass signals on",
        equivalents: [BuildKit("JSONArgsRecommended"), Hadolint("DL3025")],
    }
}

impl Check for ShellFormCmd {
    type State = ();
    const WANTS: Wants =
        Wants::kinds(&[InstructionKind::Cmd, InstructionKind::Entrypoint]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let windows = node.stage.is_some_and(|s| s.windows);
        if !node.shell.is_empty() && (!windows || shell_instruction_before(cx, node)) {
            return;
        }
        let Some(CommandLine::Shell(shell)) = node.instruction.command() else {
            return;
        };
        if shell.as_str().trim().is_empty() || broken_exec_form(shell.as_str()) {
            // `invalid-json-exec-form` reports a broken array better.
            return;
        }
        let keyword = node.instruction.kind.as_str();
        let runner = if windows { "cmd /S /C" } else { "/bin/sh -c" };
        let fix = exec_form(cx, shell, windows).map(|json| {
            Fix::unsafe_edits(
                "Convert to exec form",
                vec![Edit::replace(shell.range, json)],
            )
        });
        cx.report(
            shell.range,
            format!("{keyword} in shell form runs under `{runner}`, which does not pass signals to the program"),
        )
        .maybe_fix(fix)
        .note(format!(
            "write it as a JSON array, `{keyword} [\"executable\", \"arg\"]`, or use a wrapper script that ends with `exec`"
        ));
    }
}

/// Whether a `SHELL` instruction comes before the node in its stage or in the stages it
/// is built on (a Windows stage's default `cmd /S /C` is not one).
fn shell_instruction_before(cx: &Context<'_>, node: &Node<'_>) -> bool {
    let instructions = cx.file.instructions();
    let Some(mut stage) = node.stage else {
        return false;
    };
    let mut end = node.index;
    for _ in 0..=cx.semantic.stages.len() {
        if instructions[stage.from + 1..end]
            .iter()
            .any(|i| i.kind == InstructionKind::Shell)
        {
            return true;
        }
        match stage.base {
            Base::Stage(parent) if parent < stage.index => {
                stage = &cx.semantic.stages[parent];
                end = stage.end;
            }
            _ => return false,
        }
    }
    false
}

/// Text that was meant as an exec-form array but is not valid JSON.
fn broken_exec_form(text: &str) -> bool {
    let Some(rest) = text.trim_start().strip_prefix('[') else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with('"') || rest.starts_with('\'') || rest.starts_with(']')
}

/// Shell builtins with no program of the same name: as the first word of an exec form
/// they would fail.
const BUILTINS: &[&str] = &[
    "exec", "cd", "export", "set", "unset", "source", ".", "eval", "trap", "ulimit", "umask",
    "wait", "shift", "alias", "read", "return", "exit", "readonly", "local", "command", "type",
    "hash", "times", "getopts", "jobs", "fg", "bg", "builtin", "declare", "typeset", "let", "if",
    "for", "while", "until", "case", "!", "{", "(",
];

/// `cmd`'s internal commands, which are no programs on Windows (`echo` is one there).
const CMD_BUILTINS: &[&str] = &[
    "assoc", "break", "call", "cd", "chdir", "cls", "color", "copy", "date", "del", "dir", "echo",
    "endlocal", "erase", "exit", "for", "ftype", "goto", "if", "md", "mkdir", "mklink", "move",
    "path", "pause", "popd", "prompt", "pushd", "rd", "rem", "ren", "rename", "rmdir", "set",
    "setlocal", "shift", "start", "time", "title", "type", "ver", "verify", "vol",
];

/// The exec form of a shell command that has no shell syntax, or `None`.
fn exec_form(cx: &Context<'_>, shell: &ShellForm, windows: bool) -> Option<String> {
    // Comment lines inside the continuation would be lost.
    if cx.text(shell.range).contains('#') {
        return None;
    }
    let words: Vec<&str> = shell.as_str().split_whitespace().collect();
    let first = words.first()?;
    if BUILTINS.contains(first) || first.contains('=') {
        return None;
    }
    if windows && CMD_BUILTINS.contains(&first.to_ascii_lowercase().as_str()) {
        return None;
    }
    let plain = |word: &&str| {
        !word.starts_with('~')
            && word.bytes().all(|b| {
                b.is_ascii_alphanumeric()
                    || matches!(
                        b,
                        b'_' | b'-' | b'.' | b'/' | b':' | b'=' | b'@' | b'%' | b'+' | b','
                    )
            })
    };
    // `cmd` expands `%VAR%`.
    if !words.iter().all(plain) || (windows && words.iter().any(|w| w.contains('%'))) {
        return None;
    }
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    Some(format!("[{}]", quoted.join(", ")))
}
