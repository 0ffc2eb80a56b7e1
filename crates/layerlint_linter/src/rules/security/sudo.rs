use layerlint_diagnostics::{Edit, Fix};
use layerlint_shell::{Command, OptionSpec};
use layerlint_syntax::InstructionKind;
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::shell::run_support::{is_root_user, user_before, wrapper_chain};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `sudo` in a `RUN` command (also behind `env`, inside `sh -c '…'` and in
    /// heredoc scripts).
    ///
    /// ## Why is this bad?
    /// A `RUN` runs as the stage's `USER`, root unless you changed it. As root, `sudo` is
    /// useless (and often not installed, so the build fails); as another user it only works
    /// when the image grants password-less sudo, which leaves a privilege escalation in the
    /// final image and a TTY-dependent, unpredictable behaviour in the build. Switch with
    /// `USER root` … `USER app` around the steps that need root, and use `gosu` or
    /// `su-exec` in an entrypoint that must drop privileges at run time.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN sudo apt-get update
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update
    /// USER app
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes `sudo` and its options, leaving the command it ran. It is offered
    /// only when the RUN runs as root — after `USER root` or `USER 0`, or when no `USER` in
    /// the file applies (the base image's user, root for nearly every image) — and when the
    /// options do not change the user, group, directory or login environment (`-u`, `-g`,
    /// `-i`, `-s`, `-D`, `-b`). It is unsafe because the base image's user cannot be read
    /// from the Dockerfile, and `sudo` resets some environment variables that the command
    /// then keeps.
    pub(crate) struct Sudo {
        code: "LL304",
        name: "sudo",
        category: Security,
        severity: Warning,
        fix: Sometimes,
        summary: "`sudo` in a RUN command",
        equivalents: [Hadolint("DL3004"), Trivy("DS-0010"), Checkov("CKV2_DOCKER_1")],
    }
}

/// sudo's options that take a value.
const SUDO: OptionSpec<'static> = OptionSpec::new(&[
    "-u",
    "-g",
    "-h",
    "-p",
    "-C",
    "-D",
    "-r",
    "-t",
    "-U",
    "-T",
    "--user",
    "--group",
    "--host",
    "--prompt",
    "--close-from",
    "--chdir",
    "--role",
    "--type",
    "--other-user",
    "--command-timeout",
]);

impl Check for Sudo {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        let runs_as_root = node.onbuild.is_none()
            && user_before(cx.file, cx.semantic, node.index).is_none_or(|u| is_root_user(&u));
        for script in scripts.iter() {
            for command in script.script.commands() {
                let chain = wrapper_chain(command);
                for (i, link) in chain.iter().enumerate() {
                    if !link.is("sudo") {
                        continue;
                    }
                    let Some(name) = link.name_word() else {
                        continue;
                    };
                    let fix = if runs_as_root {
                        chain
                            .get(i + 1)
                            .and_then(|wrapped| removal(cx, *link, *wrapped))
                    } else {
                        None
                    };
                    cx.report(name.range(), "`sudo` in a RUN command")
                        .maybe_fix(fix)
                        .note(
                            "RUN runs as the stage's USER: switch with `USER` around the steps \
                             that need root, or use `gosu`/`su-exec` at run time",
                        );
                }
            }
        }
    }
}

/// Deletes `sudo [options] ` before the command it runs, when the options keep the user,
/// group, directory and environment.
fn removal(cx: &Context<'_>, sudo: Command<'_>, wrapped: Command<'_>) -> Option<Fix> {
    for arg in sudo.options(SUDO) {
        let Some(option) = arg.option() else {
            // The wrapped command's name: the options are over.
            break;
        };
        let changes_context = ["-i", "--login", "-s", "--shell", "-D", "--chdir", "-b"]
            .iter()
            .any(|f| option.is(f))
            || ["-u", "--user", "-g", "--group"].iter().any(|f| {
                option.is(f)
                    && option
                        .value
                        .as_ref()
                        .is_none_or(|v| !is_root_user(v.as_str()))
            });
        if changes_context {
            return None;
        }
    }
    let start = sudo.name_word()?.range().start();
    let end = wrapped.name_word()?.range().start();
    if end <= start {
        return None;
    }
    let range = TextRange::new(start, end);
    let text = cx.text(range);
    if !text.starts_with("sudo") || text.contains(['\n', '\\', '\'', '"', '#', '$']) {
        return None;
    }
    Some(Fix::unsafe_edits(
        "Remove `sudo`",
        vec![Edit::delete(range)],
    ))
}
