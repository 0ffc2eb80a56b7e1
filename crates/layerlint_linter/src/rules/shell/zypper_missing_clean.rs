use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, ZYPPER};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that installs or updates packages with `zypper` and does not run
    /// `zypper clean` (`zypper cc`, or remove `/var/cache/zypp`) after it in the same RUN.
    ///
    /// ## Why is this bad?
    /// zypper keeps downloaded packages and repository metadata in `/var/cache/zypp`,
    /// committed with the layer. Cleaning in a later RUN does not help — the files stay in
    /// the earlier layer.
    ///
    /// Not reported when the RUN mounts a cache or tmpfs over `/var/cache/zypp`.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install curl
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install curl && zypper clean --all
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix appends `&& zypper clean --all` right after the RUN's last zypper
    /// command; the packages stay installed, only downloaded files and metadata go. It is
    /// offered when that command is followed by `&&`, `;`, a newline or nothing.
    pub(crate) struct ZypperMissingClean {
        code: "LL512",
        name: "zypper-missing-clean",
        category: Shell,
        severity: Warning,
        fix: Sometimes,
        summary: "`zypper install` without `zypper clean` keeps the zypper cache in the layer",
        equivalents: [Hadolint("DL3036"), Trivy("DS-0020")],
    }
}

impl Check for ZypperMissingClean {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&ZYPPER]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        pm::report_missing_clean(cx, node, &[&ZYPPER], &[&ZYPPER]);
    }
}
