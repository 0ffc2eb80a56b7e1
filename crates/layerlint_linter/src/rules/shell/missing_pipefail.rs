use layerlint_diagnostics::{Edit, Fix};
use layerlint_shell::{Command, Script};
use layerlint_syntax::InstructionKind;
use layerlint_syntax::semantic::Stage;
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::shell::run_support::{
    ImageShell, base_image, image_shell, insert_instruction_before,
};
use crate::shell::{POSIX_SHELLS, ScriptSource, shebang_interpreter};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` with a pipe (`curl … | tar xz`) when nothing turns on `pipefail`
    /// for it. `pipefail` is on when:
    ///
    /// * the `SHELL` in effect passes `-o pipefail` (any shell: `["/bin/bash", "-o",
    ///   "pipefail", "-c"]`, `/usr/bin/bash`, `bash`, `["/bin/ash", "-eo", "pipefail",
    ///   "-c"]` — a `SHELL` whose shell lacks the option fails the build loudly instead);
    /// * or the script runs `set -o pipefail` (`set -euo pipefail`, …) before the pipe.
    ///
    /// A heredoc with its own `#!` line runs as a file, not through `SHELL`: only its own
    /// `set -o pipefail` counts (hadolint #806). Pipes inside `sh -c '…'` strings belong to
    /// another shell and are not reported. `ONBUILD` triggers run in another build and
    /// exec-form `RUN`s have no shell: neither is checked.
    ///
    /// ## Why is this bad?
    /// A pipeline's status is the status of its last command. In
    /// `RUN curl -fsSL https://example.com/app.tgz | tar xz`, a failed download gives
    /// `tar` an empty input; `tar` may succeed or not, and with `… | sh` the build goes on
    /// with half an install — and the layer cache keeps the broken result.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt
    /// ```
    ///
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN set -o pipefail && wget -qO- https://example.com/app.tgz | tar -xz -C /opt
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts a `SHELL` with `-o pipefail` before the first such `RUN` of the stage
    /// (above its comments), or changes the stage's own `SHELL` when it set the shell in
    /// effect: the `SHELL` in effect with `-o pipefail` added when it is bash,
    /// zsh, ksh or ash; otherwise `["/bin/bash", "-o", "pipefail", "-c"]`, or
    /// `["/bin/ash", "-o", "pipefail", "-c"]` when the stage is built on Alpine or BusyBox
    /// (which have no bash). It is unsafe: whether the image has that shell cannot be read
    /// from the Dockerfile, every later `RUN` of the stage (and of stages built on it) then
    /// runs with that shell (bash's `echo` does not read `\n` as dash's does), and a pipe
    /// whose first command fails on purpose (`yes | …`) now fails the build. No fix is
    /// offered for a heredoc with a `#!` line, a stage whose base image is unknown or has no
    /// shell (scratch, distroless, Windows).
    pub(crate) struct MissingPipefail {
        code: "LL523",
        name: "missing-pipefail",
        category: Shell,
        severity: Warning,
        fix: Sometimes,
        summary: "a RUN with a pipe and without `pipefail`",
        equivalents: [Hadolint("DL4006")],
    }
}

/// The fix of the stage: a `SHELL` before its first RUN with an unprotected pipe.
#[derive(Default)]
pub(crate) struct StageFix {
    fix: Option<Option<Fix>>,
}

impl Check for MissingPipefail {
    type State = StageFix;
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]);

    fn start_stage(&self, _cx: &mut Context<'_>, state: &mut StageFix, _stage: &Stage) {
        state.fix = None;
    }

    fn instruction(&self, cx: &mut Context<'_>, state: &mut StageFix, node: &Node<'_>) {
        let scripts = cx.scripts(node);
        let shell_pipefail = has_pipefail_option(node.shell);
        // The command line's reader of heredocs (`RUN bash -o pipefail <<EOF`).
        let mut reader_pipefail = None;
        for script in scripts.iter() {
            let through_shell;
            let protected = match script.source {
                ScriptSource::ShellForm => {
                    if let Some(first) = script.script.commands().next()
                        && first.name().is_some_and(|n| POSIX_SHELLS.contains(&n))
                    {
                        reader_pipefail = Some(command_has_pipefail_option(first));
                    }
                    through_shell = true;
                    shell_pipefail
                }
                ScriptSource::Heredoc(_) => {
                    let own_shebang = shebang_interpreter(script.script.text()).is_some();
                    through_shell = !own_shebang && reader_pipefail.is_none();
                    if own_shebang {
                        false
                    } else {
                        reader_pipefail.unwrap_or(shell_pipefail)
                    }
                }
            };
            if protected {
                continue;
            }
            let Some(pipe) = unprotected_pipe(&script.script) else {
                continue;
            };
            let fix = if through_shell {
                state.fix.get_or_insert_with(|| stage_fix(cx, node)).clone()
            } else {
                None
            };
            cx.report(
                pipe,
                "a pipe without `pipefail`: the RUN succeeds when a command before the last `|` fails",
            )
            .maybe_fix(fix)
            .note(
                "add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN (or \
                 `/bin/ash` on Alpine), or start the script with `set -o pipefail`",
            );
            return;
        }
    }
}

/// Whether exec-form `SHELL` words pass `-o pipefail` (`-o`, `pipefail` or a cluster
/// ending in `o`, such as `-eo`, then `pipefail`).
fn has_pipefail_option(words: &[String]) -> bool {
    passes_pipefail(words.iter().map(String::as_str))
}

/// Whether `words` hold `-o pipefail` (or a cluster ending in `o`, then `pipefail`).
fn passes_pipefail<'a>(words: impl Iterator<Item = &'a str>) -> bool {
    let mut previous = "";
    for word in words {
        if word == "pipefail"
            && previous.starts_with('-')
            && previous.ends_with('o')
            && !previous.starts_with("--")
        {
            return true;
        }
        previous = word;
    }
    false
}

fn command_has_pipefail_option(command: Command<'_>) -> bool {
    passes_pipefail(command.args().map(|w| w.value_lossy()))
}

/// The first pipe (a pipeline of two or more commands) that no earlier `set -o pipefail`
/// in the script covers; pipes inside `sh -c` strings are another shell's.
fn unprotected_pipe(script: &Script) -> Option<TextRange> {
    let pipefail_at = script
        .find("set")
        .filter(|c| {
            let context = c.context();
            !context.in_shell_string() && !context.in_subshell() && !context.in_substitution()
        })
        .find(|c| command_has_pipefail_option(*c))
        .map(|c| c.range().start());
    script
        .pipelines()
        .filter(|p| p.is_piped() && !p.context().in_shell_string())
        .find(|p| pipefail_at.is_none_or(|at| p.range().start() < at))
        .map(|p| p.range())
}

/// The `SHELL` with `-o pipefail` to insert before the RUN: `None` when the image's shell
/// cannot be chosen.
fn stage_fix(cx: &Context<'_>, node: &Node<'_>) -> Option<Fix> {
    if node.onbuild.is_some() {
        return None;
    }
    let program = node
        .shell
        .first()
        .map(|p| p.rsplit('/').next().unwrap_or(p));
    let words: Vec<String> = match program {
        Some("bash" | "zsh" | "ksh" | "mksh" | "ash") => {
            let mut words = vec![node.shell[0].clone(), "-o".into(), "pipefail".into()];
            words.extend(node.shell[1..].iter().cloned());
            words
        }
        _ => {
            let image = node.stage.and_then(|s| base_image(cx.semantic, s.index))?;
            let shell = match image_shell(image) {
                ImageShell::Busybox => "/bin/ash",
                ImageShell::Other => "/bin/bash",
                ImageShell::NoPosixShell => return None,
            };
            vec![shell.into(), "-o".into(), "pipefail".into(), "-c".into()]
        }
    };
    let array: Vec<String> = words
        .iter()
        .map(|w| serde_json::to_string(w).unwrap_or_default())
        .collect();
    let array = ["[", array.join(", ").as_str(), "]"].concat();
    let title = ["Set `SHELL ", array.as_str(), "`"].concat();
    // The stage's own SHELL, when it set the shell in effect: change it in place.
    if let Some(stage) = node.stage {
        let own_shell = cx.file.instructions()[stage.from + 1..node.index]
            .iter()
            .rev()
            .find(|i| i.kind == InstructionKind::Shell);
        if let Some(shell) = own_shell {
            let Some(layerlint_syntax::CommandLine::Exec(exec)) = shell.command() else {
                return None;
            };
            return Some(Fix::unsafe_edits(
                title,
                vec![Edit::replace(exec.range, array)],
            ));
        }
    }
    Some(Fix::unsafe_edits(
        title,
        vec![insert_instruction_before(
            cx,
            node.instruction,
            "SHELL",
            &array,
        )],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_options() {
        let words = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(has_pipefail_option(&words(&[
            "/bin/bash",
            "-o",
            "pipefail",
            "-c"
        ])));
        assert!(has_pipefail_option(&words(&[
            "bash", "-euxo", "pipefail", "-c"
        ])));
        assert!(!has_pipefail_option(&words(&["/bin/bash", "-c"])));
        assert!(!has_pipefail_option(&words(&[
            "/bin/bash",
            "-c",
            "pipefail"
        ])));
        let script = layerlint_shell::parse_str("set -euo pipefail; curl x | tar xz");
        assert_eq!(unprotected_pipe(&script), None);
        let script = layerlint_shell::parse_str("curl x | tar xz; set -o pipefail");
        assert!(unprotected_pipe(&script).is_some());
        let script = layerlint_shell::parse_str("bash -c 'a | b'");
        assert_eq!(unprotected_pipe(&script), None);
    }
}
