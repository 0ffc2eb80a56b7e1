use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports an instruction BuildKit refuses although the file parses: an unknown
    /// keyword, a flag the instruction does not take (or without its value), too few or
    /// too many arguments, an invalid stage name, a HEALTHCHECK duration without a unit,
    /// a `RUN --mount` with an unknown type or option, `ONBUILD ONBUILD`.
    ///
    /// ## Why is this bad?
    /// The build fails on this instruction, after the ones before it have run.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20 AS build
    /// COPY --from build /out /out
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20 AS build
    /// COPY --from=build /out /out
    /// ```
    ///
    /// ## Fix safety
    /// There is no fix.
    pub(crate) struct InvalidInstruction {
        code: "LL002",
        name: "invalid-instruction",
        category: Syntax,
        severity: Error,
        fix: None,
        summary: "an instruction BuildKit refuses: unknown keyword, flag or arguments",
    }
}

impl Check for InvalidInstruction {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        for error in cx.parse_errors.iter().filter(|e| !e.kind.is_parser_level()) {
            cx.report(error.range, error.message.clone());
        }
    }
}
