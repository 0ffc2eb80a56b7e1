use layerlint_syntax::InstructionKind;

use super::stage_refs::{Resolved, resolve, stage_refs};
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=…` (and `RUN --mount=from=…`) naming the stage it is in, by
    /// name or by index.
    ///
    /// ## Why is this bad?
    /// A stage cannot take files from itself: BuildKit stops with
    /// `circular dependency detected on stage`. Usually the `AS` name was copied from
    /// the stage above, or the instruction belongs to the next stage.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20 AS build
    /// RUN npm ci && npm run build
    /// COPY --from=build /app/dist /srv/www
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20 AS build
    /// RUN npm ci && npm run build
    ///
    /// FROM nginx:1.27
    /// COPY --from=build /app/dist /usr/share/nginx/html
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which stage was meant is not known.
    pub(crate) struct CopyFromOwnStage {
        code: "LL121",
        name: "copy-from-own-stage",
        category: Correctness,
        severity: Error,
        fix: None,
        summary: "`COPY --from` names the stage it is in",
        equivalents: [Hadolint("DL3023"), Trivy("DS-0006")],
    }
}

impl Check for CopyFromOwnStage {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Copy, InstructionKind::Run]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let Some(current) = node.stage else { return };
        for reference in stage_refs(node.instruction) {
            if resolve(cx.semantic, &reference) != Resolved::Stage(current.index) {
                continue;
            }
            let what = if reference.mount {
                "RUN cannot mount files from the stage it is in"
            } else {
                "COPY cannot take files from the stage it is in"
            };
            let report = cx.report(
                reference.range,
                format!("{what}: `{}` is this stage", reference.name),
            );
            if let Some(range) = current.name_range {
                report.related(range, "this stage");
            }
        }
    }
}
