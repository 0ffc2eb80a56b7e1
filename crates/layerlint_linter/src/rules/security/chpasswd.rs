use layerlint_shell::known::USERADD;
use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::run_support::commands;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports passwords set or removed in a `RUN`: `chpasswd`, `passwd --stdin`,
    /// `passwd -d`, and `useradd` / `usermod` with `-p` / `--password` (other than a
    /// locked `'*'` or `'!'`, or a random password generated in the command that nobody
    /// knows, `--password "$(head -c32 /dev/urandom | base64)"`).
    ///
    /// ## Why is this bad?
    /// The password, or its hash, is written in the Dockerfile, in the image's history
    /// (`docker history` shows every RUN command) and in `/etc/shadow` of a layer that
    /// every copy of the image carries. Anyone who can pull the image can read or crack
    /// it, and every container from the image shares it. `passwd -d` leaves an account
    /// without a password. Containers rarely need passwords: run the process as a user
    /// without one, and give secrets at run time (environment, mounted files) or at build
    /// time with `RUN --mount=type=secret`.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -m app && echo 'app:changeme' | chpasswd
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -m app
    /// USER app
    /// ```
    ///
    /// ## Fix safety
    /// No fix: what the password was for (SSH, a database superuser, `su`) decides what
    /// replaces it.
    pub(crate) struct Chpasswd {
        code: "LL307",
        name: "chpasswd",
        category: Security,
        severity: Warning,
        fix: None,
        summary: "a password set in an image layer",
        equivalents: [Checkov("CKV2_DOCKER_17")],
    }
}

/// What a password generated in the command is read from.
const RANDOM_SOURCES: [&str; 5] = [
    "/dev/urandom",
    "/dev/random",
    "openssl rand",
    "pwgen",
    "uuidgen",
];

impl Check for Chpasswd {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs =
        Programs::named(&["chpasswd", "chgpasswd", "passwd", "useradd", "usermod"]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for command in commands(&scripts) {
            let Some(name) = command.name() else { continue };
            let Some(name_word) = command.name_word() else {
                continue;
            };
            match name {
                "chpasswd" | "chgpasswd" => {
                    cx.report(
                        name_word.range(),
                        format!("`{name}` sets a password in an image layer"),
                    );
                }
                "passwd" => {
                    if command.has_flag("--stdin") {
                        cx.report(
                            name_word.range(),
                            "`passwd --stdin` sets a password in an image layer",
                        );
                    } else if command.has_any_flag(&["-d", "--delete"]) {
                        cx.report(
                            name_word.range(),
                            "`passwd -d` leaves an account without a password",
                        );
                    }
                }
                "useradd" | "usermod" => {
                    let password = command
                        .options(USERADD)
                        .filter_map(|arg| arg.option())
                        .find(|o| o.is("-p") || o.is("--password"));
                    if let Some(option) = password {
                        let value = option.value.as_ref().map_or("", |v| v.as_str());
                        let locked = matches!(value, "*" | "!" | "!!" | "x");
                        // `--password "$(head -c32 /dev/urandom | base64)"`: nobody knows it.
                        let generated = option
                            .value
                            .as_ref()
                            .and_then(layerlint_shell::OptValue::word)
                            .is_some_and(|w| {
                                w.flags().has_command_substitution()
                                    && RANDOM_SOURCES.iter().any(|r| w.text().contains(r))
                            });
                        if !locked && !generated {
                            cx.report(
                                option.word.range(),
                                format!("`{name} -p` sets a password in an image layer"),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
}
