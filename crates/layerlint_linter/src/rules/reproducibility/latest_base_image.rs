use layerlint_syntax::semantic::Stage;

use super::base_image::base_image;
use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports `FROM image:latest`, also when the tag comes from a global ARG's default
    /// (`ARG TAG=latest` / `FROM node:${TAG}`). A digest pins the image even with
    /// `:latest` (`node:latest@sha256:…`), so that is not reported; `scratch` and
    /// earlier stages are not images.
    ///
    /// ## Why is this bad?
    /// `latest` is only the tag pushed last: the same Dockerfile builds a different image
    /// next month — a new major version of the runtime, a different libc — and every
    /// cached layer is invalidated when the tag moves.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM ubuntu:latest
    /// RUN apt-get update
    /// ```
    ///
    /// ```dockerfile
    /// ARG TAG=latest
    /// FROM python:${TAG}
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// ARG TAG=3.12-slim
    /// FROM python:${TAG}
    /// FROM ubuntu:latest@sha256:8a37d68f4f73ebf3d4efafbcf66379bf3728902a8038616808f04e34a9ab63ee
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which version to pin needs a registry lookup.
    pub(crate) struct LatestBaseImage {
        code: "LL402",
        name: "latest-base-image",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        summary: "a base image tagged `latest`",
        equivalents: [Hadolint("DL3007"), Trivy("DS-0001"), Checkov("CKV_DOCKER_7")],
    }
}

impl Check for LatestBaseImage {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn start_stage(&self, cx: &mut Context<'_>, _state: &mut (), stage: &Stage) {
        let Some(base) = base_image(cx, stage) else {
            return;
        };
        if base.image.tag.as_deref() != Some("latest") || base.image.digest.is_some() {
            return;
        }
        let mut report = cx
            .report(
                base.word.range,
                format!(
                    "base image {} uses the `latest` tag, which moves with every push",
                    base.describe()
                ),
            )
            .note("pin a version tag (`ubuntu:24.04`), or a digest for a build that never changes");
        for (name, range) in &base.args {
            if let Some(range) = range {
                report = report.related(*range, format!("`{name}` gets its default here"));
            }
        }
    }
}
