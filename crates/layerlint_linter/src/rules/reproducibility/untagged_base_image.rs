use layerlint_syntax::semantic::Stage;

use super::base_image::base_image;
use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports `FROM image` without a tag or digest. The reference is resolved through
    /// the defaults of global ARGs, as BuildKit resolves it: `FROM ${BASE}` is fine when
    /// `ARG BASE=node:20-alpine`, and reported when `ARG BASE=node`. A variable without
    /// a default (its value comes from `--build-arg`) hides the tag only where it is
    /// written: `FROM ${BASE}` and `FROM app:${TAG}` are not reported,
    /// `FROM ${REGISTRY}/app` is. `scratch` and earlier stages are not images.
    ///
    /// ## Why is this bad?
    /// An image without a tag means `:latest`: whatever was pushed last. The same
    /// Dockerfile builds a different image next month — a new major version of the
    /// runtime, a different libc — and every cached layer is invalidated when the tag
    /// moves.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ```dockerfile
    /// ARG BASE=python
    /// FROM ${BASE}
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// ARG BASE=node:20-alpine
    /// FROM ${BASE} AS build
    /// FROM build
    /// FROM scratch
    /// COPY --from=build /app /app
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which version to pin needs a registry lookup.
    pub(crate) struct UntaggedBaseImage {
        code: "LL401",
        name: "untagged-base-image",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        summary: "a base image without a tag or digest",
        equivalents: [Hadolint("DL3006"), Trivy("DS-0001"), Checkov("CKV_DOCKER_7")],
    }
}

impl Check for UntaggedBaseImage {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn start_stage(&self, cx: &mut Context<'_>, _state: &mut (), stage: &Stage) {
        let Some(base) = base_image(cx, stage) else {
            return;
        };
        if base.image.tag.is_some() || base.image.digest.is_some() {
            return;
        }
        let mut report = cx
            .report(
                base.word.range,
                format!(
                    "base image {} has no tag, so it is `:latest` — whatever was pushed last",
                    base.describe()
                ),
            )
            .note("pin a version tag (`node:20.18-alpine`), or a digest for a build that never changes");
        for (name, range) in &base.args {
            if let Some(range) = range {
                report = report.related(*range, format!("`{name}` gets its default here"));
            }
        }
    }
}
