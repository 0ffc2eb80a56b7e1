use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, DNF, MICRODNF, YUM};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that installs or updates packages with `yum` and does not run
    /// `yum clean all` (or remove `/var/cache/yum`) after it in the same RUN.
    ///
    /// ## Why is this bad?
    /// yum keeps the repository metadata it downloads (and, with `keepcache`, the
    /// packages) in `/var/cache/yum`: often more than a hundred megabytes, committed with
    /// the layer. Cleaning in a later RUN does not help — the files stay in the earlier
    /// layer.
    ///
    /// Not reported when the RUN mounts a cache or tmpfs over `/var/cache/yum` (or
    /// `/var/cache/dnf`): then the cache is kept outside the image on purpose.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM centos:7
    /// RUN --mount=type=cache,target=/var/cache/yum yum install -y httpd
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix appends `&& yum clean all` right after the RUN's last yum command;
    /// the packages stay installed, only downloaded files and metadata go. It is offered
    /// when that command is followed by `&&`, `;`, a newline or nothing.
    pub(crate) struct YumMissingClean {
        code: "LL508",
        name: "yum-missing-clean",
        category: Shell,
        severity: Warning,
        fix: Sometimes,
        summary: "`yum install` without `yum clean all` keeps the yum cache in the layer",
        equivalents: [Hadolint("DL3032"), Trivy("DS-0015")],
    }
}

impl Check for YumMissingClean {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&YUM]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        pm::report_missing_clean(cx, node, &[&YUM], &[&YUM, &DNF, &MICRODNF]);
    }
}
