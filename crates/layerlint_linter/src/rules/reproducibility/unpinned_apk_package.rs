use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, APK};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports packages installed with `apk add` without a version constraint: `curl`
    /// rather than `curl=8.9.1-r1` or `curl~8.9`.
    ///
    /// ## Why is this bad?
    /// Without a version, the package is whatever the repository holds on the day of the
    /// build, so two builds of the same Dockerfile can differ, and a rebuild can break
    /// without a change in the repository. Alpine keeps only the latest revision of a
    /// package in a branch, so `~8.9` (any 8.9 revision) usually pins better than
    /// `=8.9.1-r1`, which fails the build once `-r2` replaces it.
    ///
    /// Not reported: `pkg=version`, `pkg~version`, `pkg>version`, `pkg<version`, `.apk`
    /// files and paths, capabilities (`so:libc.musl-x86_64.so.1`, `cmd:sh`), packages
    /// given by a variable (`$DEPS`), and the name given to `--virtual`/`-t`.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl~8.9
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which version to pin is for the author to choose.
    pub(crate) struct UnpinnedApkPackage {
        code: "LL404",
        name: "unpinned-apk-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        summary: "an apk package installed without a version constraint",
        equivalents: [Hadolint("DL3018")],
    }
}

impl Check for UnpinnedApkPackage {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&APK]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for found in pm::uses(&scripts, &APK) {
            if !found.is_any(&APK, &["add"]) {
                continue;
            }
            let unpinned: Vec<_> = found
                .operands(&APK)
                .filter(|w| w.value().is_some_and(unpinned))
                .collect();
            pm::report_unpinned(
                cx,
                &unpinned,
                [
                    "apk package without a pinned version",
                    "apk packages without a pinned version",
                ],
                "`package=<version>` or `package~<version>`",
            );
        }
    }
}

/// A package name without a version constraint, not a file.
fn unpinned(package: &str) -> bool {
    !package.is_empty()
        && !package.contains(['=', '~', '<', '>', '/', ':'])
        && !package.ends_with(".apk")
}
