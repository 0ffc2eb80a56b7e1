use layerlint_diagnostics::{Edit, Fix};
use layerlint_text::{TextRange, TextSize};

use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports a whitespace-only line inside a line continuation.
    ///
    /// ## Why is this bad?
    /// BuildKit skips the line and joins the instruction across it, with a warning that
    /// empty continuation lines "will become errors in a future release". To a reader the
    /// blank line looks like the end of the instruction, so the next line looks like a new
    /// one.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache \
    ///
    ///     curl
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache \
    ///     curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe: deleting the line gives BuildKit the same instruction.
    pub(crate) struct EmptyContinuationLine {
        code: "LL006",
        name: "empty-continuation-line",
        category: Syntax,
        severity: Warning,
        fix: Always,
        summary: "an empty line inside a line continuation",
        equivalents: [BuildKit("NoEmptyContinuation")],
    }
}

impl Check for EmptyContinuationLine {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        let source = cx.source();
        for &line in cx.file.empty_continuation_lines() {
            // The whole line with its line ending.
            let end = line.end().to_usize();
            let with_newline = source[end..]
                .find('\n')
                .map_or(source.len(), |i| end + i + 1);
            let whole = TextRange::new(line.start(), TextSize::from_usize(with_newline));
            cx.report(line, "empty continuation line").fix(Fix::safe(
                "Delete the empty line",
                vec![Edit::delete(whole)],
            ));
        }
    }
}
