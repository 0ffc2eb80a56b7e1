use layerlint_syntax::InstructionKind;

use super::stage_refs::{Resolved, describe, resolve, stage_refs};
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=…` (and `RUN --mount=from=…`) naming a stage that comes
    /// later in the file, by name or by index.
    ///
    /// ## Why is this bad?
    /// Stages are built in file order, so a later stage's files do not exist yet.
    /// BuildKit resolves the name to that later stage and stops with
    /// `cannot copy from stage "assets", it needs to be defined before current stage`
    /// (for a mount: `stage needs to be defined before current command`), or with
    /// `circular dependency detected` when the later stage depends on this one. When a
    /// name is used twice, the reference means the *last* stage of that name — a later
    /// one, even when an earlier stage has the same name.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY --from=assets /out /usr/share/nginx/html
    ///
    /// FROM node:20 AS assets
    /// RUN npm ci && npm run build
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20 AS assets
    /// RUN npm ci && npm run build
    ///
    /// FROM nginx:1.27
    /// COPY --from=assets /out /usr/share/nginx/html
    /// ```
    ///
    /// ## Fix safety
    /// No fix: moving stages around is a decision about the whole file.
    pub(crate) struct CopyFromLaterStage {
        code: "LL122",
        name: "copy-from-later-stage",
        category: Correctness,
        severity: Error,
        fix: None,
        summary: "`COPY --from` names a stage defined later in the file",
    }
}

impl Check for CopyFromLaterStage {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Copy, InstructionKind::Run]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let Some(current) = node.stage else { return };
        for reference in stage_refs(node.instruction) {
            let Resolved::Stage(target) = resolve(cx.semantic, &reference) else {
                continue;
            };
            if target <= current.index {
                continue;
            }
            let stage = &cx.semantic.stages[target];
            let shadowed = stage.name.as_deref().is_some_and(|name| {
                cx.semantic.stages[..current.index]
                    .iter()
                    .any(|s| s.name.as_deref() == Some(name))
            });
            let message = if shadowed {
                format!(
                    "stage {} is defined again later, and `--from` takes the last stage of a name: that one is built after this stage",
                    describe(cx.semantic, target, &reference)
                )
            } else {
                format!(
                    "stage {} is defined later in the file: stages are built in order, so its files do not exist yet",
                    describe(cx.semantic, target, &reference)
                )
            };
            let from_range = cx.file.instructions()[stage.from].range;
            cx.report(reference.range, message)
                .related(stage.name_range.unwrap_or(from_range), "defined here");
        }
    }
}
