use layerlint_syntax::InstructionKind;
use layerlint_syntax::semantic::Stage;

use super::multiple_cmd::report_overridden;
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `HEALTHCHECK` (including `HEALTHCHECK NONE`) that a later `HEALTHCHECK`
    /// in the same stage overrides.
    ///
    /// ## Why is this bad?
    /// An image has one health check: only the last `HEALTHCHECK` of a stage counts. The
    /// earlier ones are dead code, and the probe you read first is not the one that runs.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK CMD curl -f http://localhost/ || exit 1
    /// HEALTHCHECK --interval=30s CMD curl -f http://localhost/health || exit 1
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK --interval=30s CMD curl -f http://localhost/health || exit 1
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix deletes the overridden `HEALTHCHECK`s, which never take effect.
    pub(crate) struct MultipleHealthcheck {
        code: "LL105",
        name: "multiple-healthcheck",
        category: Correctness,
        severity: Warning,
        fix: Always,
        summary: "more than one `HEALTHCHECK` in a stage: only the last one takes effect",
        equivalents: [
            BuildKit("MultipleInstructionsDisallowed"),
            Hadolint("DL3012"),
            Trivy("DS-0023"),
        ],
    }
}

impl Check for MultipleHealthcheck {
    type State = Vec<usize>;
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Healthcheck]);

    fn instruction(&self, _cx: &mut Context<'_>, seen: &mut Vec<usize>, node: &Node<'_>) {
        seen.push(node.index);
    }

    fn end_stage(&self, cx: &mut Context<'_>, seen: &mut Vec<usize>, _stage: &Stage) {
        report_overridden(cx, seen, InstructionKind::Healthcheck);
    }
}
