use layerlint_syntax::{Body, InstructionKind};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `ONBUILD ONBUILD …`, `ONBUILD FROM …` and `ONBUILD MAINTAINER …`.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses all three: `Chaining ONBUILD via ONBUILD ONBUILD isn't allowed`,
    /// `FROM isn't allowed as an ONBUILD trigger`, `MAINTAINER isn't allowed as an
    /// ONBUILD trigger`. A trigger runs as an instruction of the child image's first
    /// stage; it cannot start a stage or add further triggers.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// ONBUILD ONBUILD COPY . /app
    /// ```
    ///
    /// ```dockerfile
    /// FROM node:20
    /// ONBUILD FROM node:20-slim
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20
    /// ONBUILD COPY . /app
    /// ONBUILD RUN npm ci
    /// ```
    ///
    /// ## Fix safety
    /// No fix: what the trigger was meant to do is not known.
    pub(crate) struct OnbuildInvalidTrigger {
        code: "LL126",
        name: "onbuild-invalid-trigger",
        category: Correctness,
        severity: Error,
        fix: None,
        summary: "`ONBUILD` triggering `ONBUILD`, `FROM` or `MAINTAINER`",
        equivalents: [Hadolint("DL3043")],
    }
}

impl Check for OnbuildInvalidTrigger {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Onbuild]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let Body::Onbuild(Some(trigger)) = &node.instruction.body else {
            return;
        };
        let message = match trigger.kind {
            InstructionKind::Onbuild => {
                "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_owned()
            }
            InstructionKind::From | InstructionKind::Maintainer => {
                format!("{} isn't allowed as an ONBUILD trigger", trigger.kind)
            }
            _ => return,
        };
        cx.report(trigger.keyword, message);
    }
}
