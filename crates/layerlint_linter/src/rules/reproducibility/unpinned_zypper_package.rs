use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, ZYPPER};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports packages installed with `zypper install` (`zypper in`) without a version:
    /// `curl` rather than `curl=8.6.0` or `'curl>=8'`.
    ///
    /// ## Why is this bad?
    /// Without a version, the package is whatever the repositories hold on the day of the
    /// build: two builds of the same Dockerfile can differ, and a rebuild can break
    /// without a change in the repository.
    ///
    /// Not reported: `pkg=version`, `pkg>=version`, `pkg<version`, `.rpm` files and paths,
    /// patterns and other types (`-t pattern`, `pattern:devel_basis`), packages given by a
    /// variable.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install curl && zypper clean --all
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper -n install curl=8.6.0 && zypper clean --all
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which version to pin is for the author to choose.
    pub(crate) struct UnpinnedZypperPackage {
        code: "LL409",
        name: "unpinned-zypper-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        summary: "a zypper package installed without a pinned version",
        equivalents: [Hadolint("DL3037")],
    }
}

impl Check for UnpinnedZypperPackage {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&ZYPPER]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for found in pm::uses(&scripts, &ZYPPER) {
            let typed = found
                .command
                .flag_values(&["-t", "--type"])
                .any(|t| t.as_str() != "package");
            if !found.is_any(&ZYPPER, &["install", "in"]) || typed {
                continue;
            }
            let unpinned: Vec<_> = found
                .operands(&ZYPPER)
                .filter(|w| {
                    w.value().is_some_and(|p| {
                        !p.is_empty()
                            && !p.contains(['=', '<', '>', '/', ':'])
                            && !p.ends_with(".rpm")
                    })
                })
                .collect();
            pm::report_unpinned(
                cx,
                &unpinned,
                [
                    "zypper package without a pinned version",
                    "zypper packages without a pinned version",
                ],
                "`package=<version>`",
            );
        }
    }
}
