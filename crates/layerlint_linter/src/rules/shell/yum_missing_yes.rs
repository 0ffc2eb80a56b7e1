use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, YUM, YesFix};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `yum` command that installs, updates or removes packages without `-y`
    /// (`--assumeyes`).
    ///
    /// ## Why is this bad?
    /// `yum` asks "Is this ok [y/d/N]" before it changes anything. A build has no terminal
    /// to answer, so yum reads the end of its input, prints "Exiting on user command" and
    /// the build fails.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install httpd && yum clean all
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix adds `-y` after the subcommand, which answers the question the build
    /// cannot answer.
    pub(crate) struct YumMissingYes {
        code: "LL507",
        name: "yum-missing-yes",
        category: Shell,
        severity: Warning,
        fix: Sometimes,
        summary: "`yum` without `-y` aborts at its confirmation prompt",
        equivalents: [Hadolint("DL3030")],
    }
}

impl Check for YumMissingYes {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&YUM]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        pm::report_missing_yes(cx, node, &[&YUM], YesFix::AfterSubcommand("-y"), &[]);
    }
}
