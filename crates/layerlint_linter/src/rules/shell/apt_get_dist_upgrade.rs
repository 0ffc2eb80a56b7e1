use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, APT_FAMILY, APT_GET};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get dist-upgrade` (also `full-upgrade`, and `apt dist-upgrade`) in a
    /// RUN.
    ///
    /// ## Why is this bad?
    /// `dist-upgrade` may install and remove packages to upgrade everything to what the
    /// repositories hold now; if the sources name a newer release it moves the image to
    /// it. The result depends on the day the build ran, not on the Dockerfile. Start from
    /// a newer base image (Debian and Ubuntu images are rebuilt for every point release
    /// and security update).
    ///
    /// `apt-get upgrade` is not reported: within a release it only installs fixes, and
    /// Docker's own best-practice guide stopped advising against it (hadolint removed its
    /// `DL3005` for the same reason). Trivy's `DS-0024` is deprecated upstream; this rule
    /// keeps its concern for the one command that deserves it.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:bookworm
    /// RUN apt-get update && apt-get dist-upgrade -y && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:bookworm
    /// RUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// No fix: whether to upgrade or change the base image is the author's call.
    pub(crate) struct AptGetDistUpgrade {
        code: "LL514",
        name: "apt-get-dist-upgrade",
        category: Shell,
        severity: Info,
        fix: None,
        summary: "`apt-get dist-upgrade` makes the image depend on the day it was built",
        equivalents: [Trivy("DS-0024")],
    }
}

impl Check for AptGetDistUpgrade {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&APT_FAMILY);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for found in APT_FAMILY.iter().flat_map(|m| pm::uses(&scripts, m)) {
            if found.is_any(&APT_GET, &["dist-upgrade", "full-upgrade"]) {
                cx.report(
                    found.head_range(&APT_GET),
                    format!(
                        "`{}` upgrades the whole distribution to whatever the repositories \
                         hold at build time",
                        found.head(&APT_GET)
                    ),
                );
            }
        }
    }
}
