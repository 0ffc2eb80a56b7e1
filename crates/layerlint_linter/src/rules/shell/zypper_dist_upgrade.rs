use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, ZYPPER};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `zypper dist-upgrade` (`zypper dup`) in a RUN.
    ///
    /// ## Why is this bad?
    /// A distribution upgrade moves every package to whatever the configured repositories
    /// hold now, removing and replacing packages as needed — on Leap it can move the image
    /// to the next release. The image a build produces then depends on the day it ran,
    /// and two builds of the same Dockerfile differ. Start from a newer base image instead,
    /// and use `zypper patch` or `zypper update` for fixes within the release.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n dist-upgrade && zypper clean --all
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n patch && zypper clean --all
    /// ```
    ///
    /// ## Fix safety
    /// No fix: whether to update, patch or change the base image is the author's call.
    pub(crate) struct ZypperDistUpgrade {
        code: "LL513",
        name: "zypper-dist-upgrade",
        category: Shell,
        severity: Warning,
        fix: None,
        summary: "`zypper dist-upgrade` makes the image depend on the day it was built",
        equivalents: [Hadolint("DL3035")],
    }
}

impl Check for ZypperDistUpgrade {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&ZYPPER]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for found in pm::uses(&scripts, &ZYPPER) {
            if found.is_any(&ZYPPER, &["dist-upgrade", "dup"]) {
                cx.report(
                    found.head_range(&ZYPPER),
                    format!(
                        "`{}` upgrades the whole distribution to whatever the repositories hold \
                         at build time",
                        found.head(&ZYPPER)
                    ),
                );
            }
        }
    }
}
