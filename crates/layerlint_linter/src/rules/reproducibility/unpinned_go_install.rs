use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, GO};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `go install` and `go get` of a remote package without a version, or with
    /// a moving one: `go install golang.org/x/tools/gopls@latest` rather than
    /// `...gopls@v0.16.2`.
    ///
    /// ## Why is this bad?
    /// `@latest`, `@master` or no version at all (in GOPATH mode, or `go get` in a module)
    /// fetch whatever is newest on the day of the build: two builds of the same Dockerfile
    /// can differ, and a new release can break the image without a change in the
    /// repository.
    ///
    /// Not reported: `pkg@v1.2.3` (or a commit), local packages (`.`, `./cmd/app`,
    /// `./...`), `go install tool` (Go 1.24 tools, pinned by `go.mod`), and `go run`,
    /// whose arguments after the package belong to the program (hadolint reports them,
    /// hadolint#1134).
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM golang:1.23
    /// RUN go install golang.org/x/tools/gopls@latest
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM golang:1.23
    /// RUN go install golang.org/x/tools/gopls@v0.16.2
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which version to pin is for the author to choose.
    pub(crate) struct UnpinnedGoInstall {
        code: "LL410",
        name: "unpinned-go-install",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        summary: "`go install` of a package without a pinned version",
        equivalents: [Hadolint("DL3062")],
    }
}

/// Versions that move.
const MOVING: [&str; 6] = ["latest", "master", "main", "HEAD", "upgrade", "patch"];

impl Check for UnpinnedGoInstall {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&GO]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for found in pm::uses(&scripts, &GO) {
            if !found.is_any(&GO, &["install", "get"]) {
                continue;
            }
            let operands: Vec<_> = found.operands(&GO).collect();
            if operands.iter().any(|w| w.is("tool")) {
                continue;
            }
            let unpinned: Vec<_> = operands
                .into_iter()
                .filter(|w| {
                    w.value().is_some_and(|package| {
                        let local = package.starts_with(['.', '/']) || !package.contains('.');
                        let moving = match package.rsplit_once('@') {
                            Some((_, version)) => MOVING.contains(&version),
                            None => true,
                        };
                        !local && moving
                    })
                })
                .collect();
            pm::report_unpinned(
                cx,
                &unpinned,
                [
                    "`go` package without a pinned version",
                    "`go` packages without a pinned version",
                ],
                "`package@<version>`",
            );
        }
    }
}
