use layerlint_syntax::InstructionKind;
use layerlint_syntax::semantic::Stage;

use super::multiple_cmd::report_overridden;
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports an `ENTRYPOINT` that a later `ENTRYPOINT` in the same stage overrides.
    ///
    /// ## Why is this bad?
    /// Only the last `ENTRYPOINT` of a stage takes effect; the earlier ones are dead code
    /// that misleads readers about what the container runs.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENTRYPOINT ["python", "-m", "app"]
    /// ENTRYPOINT ["gunicorn", "app:app"]
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENTRYPOINT ["gunicorn"]
    /// CMD ["app:app"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix deletes the overridden `ENTRYPOINT`s, which never take effect.
    /// (An `ENTRYPOINT` clears a `CMD` inherited from the base image, but the last
    /// `ENTRYPOINT` that remains does the same.)
    pub(crate) struct MultipleEntrypoint {
        code: "LL104",
        name: "multiple-entrypoint",
        category: Correctness,
        severity: Warning,
        fix: Always,
        summary: "more than one `ENTRYPOINT` in a stage: only the last one takes effect",
        equivalents: [
            BuildKit("MultipleInstructionsDisallowed"),
            Hadolint("DL4004"),
            Trivy("DS-0007"),
        ],
    }
}

impl Check for MultipleEntrypoint {
    type State = Vec<usize>;
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Entrypoint]);

    fn instruction(&self, _cx: &mut Context<'_>, seen: &mut Vec<usize>, node: &Node<'_>) {
        seen.push(node.index);
    }

    fn end_stage(&self, cx: &mut Context<'_>, seen: &mut Vec<usize>, _stage: &Stage) {
        report_overridden(cx, seen, InstructionKind::Entrypoint);
    }
}
