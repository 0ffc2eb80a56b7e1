use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, DNF, MICRODNF, YUM};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports packages installed with `yum`, `dnf` or `microdnf` without a version:
    /// `httpd` rather than `httpd-2.4.57`, and modules without a stream (`nodejs` rather
    /// than `nodejs:20` in `dnf module install`).
    ///
    /// ## Why is this bad?
    /// Without a version, the package is whatever the repositories hold on the day of the
    /// build: two builds of the same Dockerfile can differ, and a rebuild can break
    /// without a change in the repository.
    ///
    /// A version is a `-` followed by a part that starts with a digit, with at most a
    /// release after it (`nodejs-18.19.0`, `openssl-1.1.1k-12.el8`); a number inside the
    /// name is not one (`java-17-openjdk`, `python3.11-pip`). Not reported: `.rpm` files,
    /// paths and URLs, groups (`@development`), and packages given by a variable.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN dnf install -y httpd-2.4.57 && dnf clean all
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which version to pin is for the author to choose.
    pub(crate) struct UnpinnedRpmPackage {
        code: "LL408",
        name: "unpinned-rpm-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        summary: "a yum/dnf package installed without a pinned version",
        equivalents: [Hadolint("DL3033"), Hadolint("DL3041")],
    }
}

impl Check for UnpinnedRpmPackage {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&YUM, &DNF, &MICRODNF]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for manager in [&YUM, &DNF, &MICRODNF] {
            for found in pm::uses(&scripts, manager) {
                let mut operands = found.command.positionals(manager.spec);
                match operands.next().and_then(|w| w.value()) {
                    Some("install") => {
                        let unpinned: Vec<_> = operands
                            .filter(|w| w.value().is_some_and(unpinned_package))
                            .collect();
                        pm::report_unpinned(
                            cx,
                            &unpinned,
                            [
                                "rpm package without a pinned version",
                                "rpm packages without a pinned version",
                            ],
                            "`package-<version>`",
                        );
                    }
                    Some("module") if operands.next().is_some_and(|w| w.is("install")) => {
                        let unpinned: Vec<_> = operands
                            .filter(|w| w.value().is_some_and(|m| !m.contains([':', '/'])))
                            .collect();
                        pm::report_unpinned(
                            cx,
                            &unpinned,
                            ["module without a stream", "modules without a stream"],
                            "`module:<stream>`",
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}

/// A package without `-version[-release]`, not a file, group or capability.
fn unpinned_package(package: &str) -> bool {
    if package.is_empty()
        || package.starts_with('@')
        || package.ends_with(".rpm")
        || package.contains(['/', '=', '<', '>', '(', '*'])
    {
        return false;
    }
    !has_version(package)
}

/// `name-1.2.3` or `name-1.2.3-4.el9` (with an optional `epoch:`): from some `-` on,
/// at most two parts (version, release), each starting with a digit and made of version
/// characters.
fn has_version(package: &str) -> bool {
    let parts: Vec<&str> = package.split('-').collect();
    (1..parts.len()).any(|start| {
        let tail = &parts[start..];
        tail.len() <= 2
            && tail.iter().all(|part| {
                let part = part.split_once(':').map_or(*part, |(_, v)| v);
                part.starts_with(|c: char| c.is_ascii_digit())
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".~^_+".contains(c))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::unpinned_package;

    #[test]
    fn versions() {
        for p in [
            "httpd",
            "java-17-openjdk",
            "python3.11-pip",
            "gcc-c++",
            "epel-release",
        ] {
            assert!(unpinned_package(p), "{p}");
        }
        for p in [
            "httpd-2.4.57",
            "openssl-1.1.1k-12.el8",
            "java-17-openjdk-17.0.9",
            "nodejs-1:18.19.0",
            "/tmp/x.rpm",
            "@development",
            "https://x/y.rpm",
        ] {
            assert!(!unpinned_package(p), "{p}");
        }
    }
}
