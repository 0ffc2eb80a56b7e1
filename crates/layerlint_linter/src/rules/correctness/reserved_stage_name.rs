use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a stage named `scratch` or `context` (in any case).
    ///
    /// ## Why is this bad?
    /// Both names already mean something to BuildKit: `scratch` is the empty image and
    /// `context` is the build context that `--build-context` can replace. A stage with
    /// one of these names is confusing at best: `FROM scratch` and `COPY --from=context`
    /// do not say which one they mean.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20 AS context
    /// RUN echo hello > /greeting
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20 AS base
    /// RUN echo hello > /greeting
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the new name, and the references to rename with it, are the author's to
    /// choose.
    pub(crate) struct ReservedStageName {
        code: "LL107",
        name: "reserved-stage-name",
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "a stage is named `scratch` or `context`, names BuildKit reserves",
        equivalents: [BuildKit("ReservedStageName"), Hadolint("DL3063")],
    }
}

impl Check for ReservedStageName {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::From]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let Some(stage) = node.stage else { return };
        let (Some(name), Some(range)) = (&stage.name, stage.name_range) else {
            return;
        };
        let meaning = match name.as_str() {
            "scratch" => "the empty base image",
            "context" => "the build context",
            _ => return,
        };
        cx.report(
            range,
            format!("`{name}` is reserved for {meaning} and should not name a stage"),
        );
    }
}
