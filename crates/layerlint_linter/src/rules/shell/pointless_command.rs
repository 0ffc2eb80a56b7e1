use layerlint_shell::Separator;
use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::run_support::commands;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports commands that do nothing useful in a `RUN`: `ssh`, `vim`, `shutdown`,
    /// `service`, `ps`, `free`, `top`, `kill`, `mount` and `ifconfig` (also behind `sudo`
    /// and inside `sh -c '…'`).
    ///
    /// Two uses that do work are not reported: `service <name> start` followed by more
    /// commands in the same `RUN` (a database started to load a schema during the build),
    /// and `kill` in a `RUN` that started a background job (`server & … kill $!`).
    ///
    /// ## Why is this bad?
    /// A `RUN` runs once, in a throw-away container, and keeps only the files it changed.
    /// A service it starts stops when the `RUN` ends; there is no system to shut down, no
    /// terminal for `vim` or `top`, no process for `kill` from an earlier `RUN`; `mount`
    /// and `ifconfig` change a container that no longer exists afterwards (and need
    /// privileges the build does not have). Start services in `CMD` or an entrypoint.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends nginx \
    ///     && service nginx start
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends nginx
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## Fix safety
    /// No fix: removing the command may break a script that tests its exit status.
    pub(crate) struct PointlessCommand {
        code: "LL519",
        name: "pointless-command",
        category: Shell,
        severity: Info,
        fix: None,
        summary: "a command that does nothing useful in a RUN (`service`, `vim`, `shutdown`, …)",
        equivalents: [Hadolint("DL3001")],
    }
}

impl Check for PointlessCommand {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::named(&[
        "ssh", "vim", "shutdown", "service", "ps", "free", "top", "kill", "mount", "ifconfig",
    ]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        let background_job = scripts
            .iter()
            .flat_map(|s| s.script.commands())
            .any(|c| c.separator() == Separator::Background);
        for command in commands(&scripts) {
            let Some(name) = command.name() else { continue };
            let Some(reason) = reason(name) else { continue };
            if name == "kill" && background_job {
                continue;
            }
            if name == "service" && starts_a_service_used_later(command) {
                continue;
            }
            let Some(word) = command.name_word() else {
                continue;
            };
            cx.report(word.range(), format!("`{name}` in a RUN: {reason}"));
        }
    }
}

fn reason(name: &str) -> Option<&'static str> {
    Some(match name {
        "ssh" => {
            "a build has no keys or terminal for a remote session, and nothing it does reaches the image"
        }
        "vim" => "it is interactive and a build has no terminal",
        "shutdown" => "there is no system to shut down in a build",
        "service" => "the service stops when the RUN ends",
        "ps" | "free" | "top" => "it reports on a throw-away build container",
        "kill" => "each RUN starts without the processes of earlier ones",
        "mount" | "ifconfig" => "the change ends with the RUN's container",
        _ => return None,
    })
}

/// `service <name> start|restart` with more commands after it in the same script.
fn starts_a_service_used_later(command: layerlint_shell::Command<'_>) -> bool {
    let starts = command
        .args()
        .nth(1)
        .is_some_and(|w| matches!(w.value_lossy(), "start" | "restart"));
    let script = command.script();
    starts
        && script
            .commands()
            .any(|c| c.id() > command.id() && c.name().is_some_and(|n| n != "service"))
}
