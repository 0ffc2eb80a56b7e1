use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, YesFix, ZYPPER};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `zypper` command that installs, updates or removes packages without
    /// `-n` (`--non-interactive`) or the command's `-y` (`--no-confirm`).
    ///
    /// ## Why is this bad?
    /// `zypper` asks "Continue? [y/n/v/...? shows all options] (y)" before it changes
    /// anything. In a build there is nobody to answer; depending on the version zypper
    /// aborts or waits, and the build fails or hangs.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install curl && zypper clean --all
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install curl && zypper clean --all
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix adds the global option `-n` (`--non-interactive`) after `zypper`,
    /// which every zypper command accepts and which answers every question with its
    /// default.
    pub(crate) struct ZypperMissingYes {
        code: "LL511",
        name: "zypper-missing-yes",
        category: Shell,
        severity: Warning,
        fix: Sometimes,
        summary: "`zypper` without `-n` stops at its confirmation prompt",
        equivalents: [Hadolint("DL3034")],
    }
}

impl Check for ZypperMissingYes {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&ZYPPER]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        pm::report_missing_yes(cx, node, &[&ZYPPER], YesFix::AfterName("-n"), &[]);
    }
}
