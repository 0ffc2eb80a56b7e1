use layerlint_shell::OptionSpec;
use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::run_support::commands;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `ln` replacing `/bin/sh` (`ln -sf /bin/bash /bin/sh`), the link being the
    /// last operand. Linking *to* `/bin/sh` from elsewhere is not reported.
    ///
    /// ## Why is this bad?
    /// It changes the shell of every later `RUN` behind the reader's back, and of every
    /// script in the image that starts with `#!/bin/sh` — including the distribution's own
    /// maintainer scripts, written for a POSIX shell. `SHELL ["/bin/bash", "-c"]` changes
    /// the shell of `RUN`, `CMD` and `ENTRYPOINT` in shell form only, and says so where the
    /// reader looks.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN ln -sf /bin/bash /bin/sh
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// ```
    ///
    /// ## Fix safety
    /// No fix: scripts in the image may rely on `/bin/sh` being bash after the link.
    pub(crate) struct LnShInsteadOfShell {
        code: "LL524",
        name: "ln-sh-instead-of-shell",
        category: Shell,
        severity: Warning,
        fix: None,
        summary: "`ln` replaces `/bin/sh` instead of a `SHELL` instruction",
        equivalents: [Hadolint("DL4005")],
    }
}

/// `ln` options that take a value.
const LN: OptionSpec<'static> = OptionSpec::new(&["-S", "--suffix", "-t", "--target-directory"]);

impl Check for LnShInsteadOfShell {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::named(&["ln"]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for command in commands(&scripts) {
            if !command.is("ln") {
                continue;
            }
            let operands: Vec<_> = command.positionals(LN).collect();
            let [_, .., link] = operands.as_slice() else {
                continue;
            };
            if matches!(link.value_lossy(), "/bin/sh" | "/usr/bin/sh") {
                cx.report(
                    command.range(),
                    format!(
                        "`ln` replaces `{}`; set the RUN shell with `SHELL`",
                        link.value_lossy()
                    ),
                );
            }
        }
    }
}
