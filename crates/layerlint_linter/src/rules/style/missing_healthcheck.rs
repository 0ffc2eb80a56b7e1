use layerlint_syntax::InstructionKind;
use layerlint_syntax::semantic::Base;

use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports an image without `HEALTHCHECK`: neither the final stage nor the stages it is
    /// built on has one (`HEALTHCHECK NONE` counts: it is a decision). Reported once, at
    /// the final stage's `FROM`. Off by default: many images are run by orchestrators with
    /// their own probes, and the base image's health check cannot be seen.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker and Compose only know whether the process runs, not
    /// whether it works: a deadlocked server stays "up", and `depends_on: condition:
    /// service_healthy` cannot wait for it.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// HEALTHCHECK --interval=30s CMD curl -fsS http://localhost/ || exit 1
    /// ```
    ///
    /// ## Fix safety
    /// No fix: what "healthy" means depends on the application.
    pub(crate) struct MissingHealthcheck {
        code: "LL616",
        name: "missing-healthcheck",
        category: Style,
        severity: Info,
        fix: None,
        default: false,
        summary: "the image has no HEALTHCHECK",
        equivalents: [Hadolint("DL3057"), Trivy("DS-0026"), Checkov("CKV_DOCKER_2")],
    }
}

impl Check for MissingHealthcheck {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        let Some(last) = cx.semantic.final_stage() else {
            return;
        };
        let instructions = cx.file.instructions();
        let mut stage = last.index;
        for _ in 0..cx.semantic.stages.len() {
            let current = &cx.semantic.stages[stage];
            if current
                .body()
                .any(|i| instructions[i].kind == InstructionKind::Healthcheck)
            {
                return;
            }
            match current.base {
                Base::Stage(parent) if parent < stage => stage = parent,
                _ => break,
            }
        }
        cx.report(
            instructions[last.from].keyword,
            "the image has no HEALTHCHECK",
        );
    }
}
