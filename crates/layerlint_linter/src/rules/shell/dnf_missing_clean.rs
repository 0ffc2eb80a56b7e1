use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, DNF, MICRODNF, YUM};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that installs or updates packages with `dnf` or `microdnf` and does
    /// not run `dnf clean all` (`microdnf clean all`, or remove `/var/cache/dnf`) after it
    /// in the same RUN.
    ///
    /// ## Why is this bad?
    /// dnf keeps the repository metadata it downloads in `/var/cache/dnf`
    /// (`/var/cache/libdnf5` for dnf5): tens to hundreds of megabytes, committed with the
    /// layer. Cleaning in a later RUN does not help — the files stay in the earlier layer.
    ///
    /// Not reported when the RUN mounts a cache or tmpfs over the cache directory
    /// (`/var/cache/dnf`, `/var/cache/libdnf5`, `/var/cache/yum`).
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y httpd
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// ```dockerfile
    /// FROM registry.access.redhat.com/ubi9/ubi-minimal
    /// RUN microdnf install -y shadow-utils && microdnf clean all
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix appends `&& dnf clean all` (`microdnf clean all`) right after the
    /// RUN's last dnf command; the packages stay installed, only downloaded files and
    /// metadata go. It is offered when that command is followed by `&&`, `;`, a newline
    /// or nothing.
    pub(crate) struct DnfMissingClean {
        code: "LL510",
        name: "dnf-missing-clean",
        category: Shell,
        severity: Warning,
        fix: Sometimes,
        summary: "`dnf install` without `dnf clean all` keeps the dnf cache in the layer",
        equivalents: [Hadolint("DL3040"), Trivy("DS-0019"), Trivy("DS-0027")],
    }
}

impl Check for DnfMissingClean {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&DNF, &MICRODNF]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        pm::report_missing_clean(cx, node, &[&DNF, &MICRODNF], &[&YUM, &DNF, &MICRODNF]);
    }
}
