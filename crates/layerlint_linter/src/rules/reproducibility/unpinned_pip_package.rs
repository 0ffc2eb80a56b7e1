use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, PIP};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports packages installed with `pip install` (also `pip3`, `python -m pip`)
    /// without a version: `flask` rather than `flask==3.0.3`.
    ///
    /// ## Why is this bad?
    /// Without a version, pip installs the latest release on the day of the build: two
    /// builds of the same Dockerfile can differ, and a new major release can break the
    /// image without a change in the repository. A pinned version makes the change a
    /// visible diff.
    ///
    /// Not reported, because they are pinned or say where the versions come from: any
    /// version specifier (`==`, `~=`, `>=`, `<`, `!=`, ...), a requirements or constraints
    /// file (`-r`, `-c`: the whole command counts as pinned), a direct reference
    /// (`name @ https://...`, `git+https://...@v1.2`), a local path, archive or wheel
    /// (`.`, `./pkg`, `dist/app.whl`, `https://.../pkg.tar.gz`), an editable install
    /// (`-e`), and packages given by a variable.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask gunicorn
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask==3.0.3 gunicorn==22.0.0
    /// ```
    ///
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which version to pin is for the author to choose.
    pub(crate) struct UnpinnedPipPackage {
        code: "LL405",
        name: "unpinned-pip-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        summary: "a pip package installed without a pinned version",
        equivalents: [Hadolint("DL3013")],
    }
}

impl Check for UnpinnedPipPackage {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&PIP]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for found in pm::uses(&scripts, &PIP) {
            if !found.is_any(&PIP, &["install"])
                || found.has_any_flag(&["-r", "--requirement", "-c", "--constraint"])
            {
                continue;
            }
            let unpinned: Vec<_> = found
                .operands(&PIP)
                .filter(|w| w.value().is_some_and(unpinned))
                .collect();
            pm::report_unpinned(
                cx,
                &unpinned,
                [
                    "pip package without a pinned version",
                    "pip packages without a pinned version",
                ],
                "`package==<version>` or a requirements file",
            );
        }
    }
}

/// Version control schemes pip installs from (`git+https://...@ref`).
const VCS: [&str; 4] = ["git+", "hg+", "svn+", "bzr+"];

/// A requirement without a version: not a specifier, not a direct reference, not a file.
fn unpinned(requirement: &str) -> bool {
    let requirement = requirement.trim();
    if requirement.is_empty() || requirement.contains(['=', '<', '>', '~', '@']) {
        // `==`, `~=`, `>=`, `!=`, `<`, `name @ url`, `vcs+url@ref`.
        return false;
    }
    if VCS.iter().any(|scheme| requirement.starts_with(scheme)) || requirement.starts_with("git:") {
        return true; // A repository without a ref: its default branch, today.
    }
    let archive = [".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2"]
        .iter()
        .any(|ext| requirement.ends_with(ext));
    let path = requirement.starts_with(['.', '/', '~']) || requirement.contains('/');
    !archive && !path
}
