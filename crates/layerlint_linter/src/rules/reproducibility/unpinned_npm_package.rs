use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, NPM, NPM_ADD};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports packages named in `npm install` (`npm i`, `npm add`) without a version:
    /// `npm install -g typescript` rather than `typescript@5.6.3`.
    ///
    /// ## Why is this bad?
    /// Without a version (or with the `@latest` tag), npm installs the latest release on
    /// the day of the build: two builds of the same Dockerfile can differ, and a new
    /// major release can break the image without a change in the repository.
    ///
    /// Not reported: `npm ci` and `npm install` without package arguments (they install
    /// what `package-lock.json` says), `pkg@version` or a range (`pkg@^5`), git URLs with
    /// a `#ref`, tarballs (`.tgz`, `.tar.gz`), local folders (`./lib`, `/src`), and
    /// packages given by a variable.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// RUN npm install -g typescript
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20
    /// RUN npm install -g typescript@5.6.3
    /// ```
    ///
    /// ```dockerfile
    /// FROM node:20
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which version to pin is for the author to choose.
    pub(crate) struct UnpinnedNpmPackage {
        code: "LL406",
        name: "unpinned-npm-package",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        summary: "an npm package installed without a pinned version",
        equivalents: [Hadolint("DL3016")],
    }
}

impl Check for UnpinnedNpmPackage {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&NPM]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for found in pm::uses(&scripts, &NPM) {
            if !found.is_any(&NPM, NPM_ADD) {
                continue;
            }
            let unpinned: Vec<_> = found
                .operands(&NPM)
                .filter(|w| w.value().is_some_and(unpinned))
                .collect();
            pm::report_unpinned(
                cx,
                &unpinned,
                [
                    "npm package without a pinned version",
                    "npm packages without a pinned version",
                ],
                "`package@<version>`",
            );
        }
    }
}

/// Tags that move: not a pin.
const MOVING_TAGS: [&str; 3] = ["latest", "next", "canary"];

/// A package spec without a version: `pkg`, `@scope/pkg`, `pkg@latest`, a git repository
/// without `#ref`.
fn unpinned(spec: &str) -> bool {
    if spec.is_empty() {
        return false;
    }
    let git = [
        "git+",
        "git://",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
    ]
    .iter()
    .any(|p| spec.starts_with(p));
    if git {
        return !spec.contains('#');
    }
    if spec.contains("://")
        || [".tgz", ".tar.gz", ".tar"]
            .iter()
            .any(|e| spec.ends_with(e))
        || spec.starts_with(['.', '/', '~'])
    {
        return false; // A tarball URL or file, a folder.
    }
    // `@scope/name[@version]`, `name[@version]`, `alias@npm:name@version`.
    let (name, version) = match spec.strip_prefix('@') {
        Some(rest) => match rest.split_once('@') {
            Some((name, version)) => (name, Some(version)),
            None => (rest, None),
        },
        None => match spec.split_once('@') {
            Some((name, version)) => (name, Some(version)),
            None => (spec, None),
        },
    };
    match version {
        Some(version) => version.is_empty() || MOVING_TAGS.contains(&version),
        // `user/repo` is a GitHub repository: pinned by `#ref` only.
        None => !name.contains('/') || spec.starts_with('@') || !spec.contains('#'),
    }
}

#[cfg(test)]
mod tests {
    use super::unpinned;

    #[test]
    fn specs() {
        for spec in [
            "typescript",
            "@angular/cli",
            "pnpm@latest",
            "user/repo",
            "git+https://x/y.git",
        ] {
            assert!(unpinned(spec), "{spec}");
        }
        for spec in [
            "typescript@5.6.3",
            "@angular/cli@17",
            "pnpm@^9",
            "user/repo#v1",
            "git+https://x/y.git#v2",
            "./lib",
            "/src/pkg",
            "pkg.tgz",
            "https://x/pkg.tgz",
            "alias@npm:react@18",
        ] {
            assert!(!unpinned(spec), "{spec}");
        }
    }
}
