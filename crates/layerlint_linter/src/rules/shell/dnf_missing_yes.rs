use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, DNF, MICRODNF, YesFix};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `dnf` or `microdnf` command that installs, updates or removes packages
    /// without `-y` (`--assumeyes`).
    ///
    /// ## Why is this bad?
    /// `dnf` asks "Is this ok [y/N]" before it changes anything, and so does `microdnf`
    /// since version 3.8 (UBI 9 and later). A build has no terminal to answer: the
    /// question reads the end of its input, the operation is aborted and the build fails.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install httpd && dnf clean all
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// ## Fix safety
    /// Safe for `dnf`: the fix adds `-y` after the subcommand. Unsafe for `microdnf`:
    /// versions before 3.8 (older UBI 8 minimal images) do not know `-y` and stop with an
    /// error, and there the command did not need it.
    pub(crate) struct DnfMissingYes {
        code: "LL509",
        name: "dnf-missing-yes",
        category: Shell,
        severity: Warning,
        fix: Sometimes,
        summary: "`dnf` or `microdnf` without `-y` aborts at its confirmation prompt",
        equivalents: [Hadolint("DL3038")],
    }
}

impl Check for DnfMissingYes {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&DNF, &MICRODNF]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        pm::report_missing_yes(
            cx,
            node,
            &[&DNF, &MICRODNF],
            YesFix::AfterSubcommand("-y"),
            &["microdnf"],
        );
    }
}
