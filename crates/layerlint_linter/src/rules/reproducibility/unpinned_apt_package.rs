use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, APT_FAMILY};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports packages installed with `apt-get install` (or `apt install`) without a
    /// version: `curl` rather than `curl=7.88.1-10+deb12u8`.
    ///
    /// ## Why is this bad?
    /// Without a version, the package is whatever the mirror holds on the day of the
    /// build, so two builds of the same Dockerfile can differ, and a rebuild can break
    /// or change behaviour without a change in the repository. A pinned version makes the
    /// change visible: it is a diff, and a tool like Renovate can propose it.
    ///
    /// The other side: Debian and Ubuntu drop superseded versions from their mirrors, so a
    /// pinned build fails when a security update replaces the pinned version. Pin when
    /// reproducible builds matter more than that; otherwise disable the rule (`ignore =
    /// ["unpinned-apt-package"]`), as many projects do.
    ///
    /// Not reported, because they are pinned or cannot be checked: `pkg=version` (also
    /// `pkg=${VERSION}`), local `.deb` files and paths, `pkg/release` (a release pin),
    /// packages given by a variable or a substitution (`$PACKAGES`, `$(cat list)`), and
    /// the value of `-t`/`--target-release`.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:bookworm
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:bookworm
    /// RUN apt-get update \
    ///     && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which version to pin is for the author to choose (`apt-cache policy curl`
    /// shows the candidates).
    pub(crate) struct UnpinnedAptPackage {
        code: "LL403",
        name: "unpinned-apt-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        summary: "an apt package installed without a pinned version",
        equivalents: [Hadolint("DL3008")],
    }
}

impl Check for UnpinnedAptPackage {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&APT_FAMILY);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for manager in APT_FAMILY {
            for found in pm::uses(&scripts, manager) {
                if !found.is_any(manager, &["install"]) {
                    continue;
                }
                let unpinned: Vec<_> = found
                    .operands(manager)
                    .filter(|w| w.value().is_some_and(unpinned))
                    .collect();
                pm::report_unpinned(
                    cx,
                    &unpinned,
                    [
                        "apt package without a pinned version",
                        "apt packages without a pinned version",
                    ],
                    "`package=<version>`",
                );
            }
        }
    }
}

/// A package name without `=version`, not a file, not `pkg/release`.
fn unpinned(package: &str) -> bool {
    !package.contains(['=', '/']) && !package.ends_with(".deb") && !package.is_empty()
}
