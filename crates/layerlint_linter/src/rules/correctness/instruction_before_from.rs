use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports the first instruction before the first `FROM` that is not an `ARG`
    /// (comments and parser directives may come first; so may `ARG`, which declares the
    /// variables `FROM` lines use).
    ///
    /// ## Why is this bad?
    /// Every other instruction works on a build stage, and there is none before `FROM`:
    /// BuildKit stops with `no build stage in current context`. Usually a `FROM` was
    /// deleted, or the file is a fragment meant to be appended to another one.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// ENV NODE_ENV=production
    /// FROM node:20
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// ARG NODE_VERSION=20
    /// FROM node:${NODE_VERSION}
    /// ENV NODE_ENV=production
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// No fix: where the instruction belongs is not known.
    pub(crate) struct InstructionBeforeFrom {
        code: "LL123",
        name: "instruction-before-from",
        category: Correctness,
        severity: Error,
        fix: None,
        summary: "an instruction other than ARG before the first FROM",
        equivalents: [Hadolint("DL3061")],
    }
}

impl Check for InstructionBeforeFrom {
    /// Whether the first one was reported.
    type State = bool;
    const WANTS: Wants = Wants::ALL;

    fn instruction(&self, cx: &mut Context<'_>, reported: &mut bool, node: &Node<'_>) {
        let kind = node.kind();
        // Unknown keywords are reported as such; a template's placeholder is not a FROM.
        if *reported
            || node.stage.is_some()
            || matches!(
                kind,
                InstructionKind::Arg | InstructionKind::From | InstructionKind::Unknown
            )
        {
            return;
        }
        *reported = true;
        let has_from = cx
            .file
            .instructions()
            .iter()
            .any(|i| i.kind == InstructionKind::From);
        let message = if has_from {
            format!("{kind} before the first FROM: only ARG may come before it")
        } else {
            format!("{kind} without a FROM: this file has no build stage")
        };
        cx.report(node.instruction.keyword, message).note(
            "BuildKit stops with `no build stage in current context`; start the file with FROM (after any global ARGs)",
        );
    }
}
