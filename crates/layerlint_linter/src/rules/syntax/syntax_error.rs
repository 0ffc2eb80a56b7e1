use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports text that BuildKit's parser cannot read: an unterminated heredoc, a JSON
    /// array with something other than strings, `ENV` without a value, a second `escape`
    /// directive, a line over 64 KiB, a file with no instructions.
    ///
    /// ## Why is this bad?
    /// `docker build` stops at the first of these before running anything. layerlint reads
    /// on past the error, so every other instruction is still checked.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN <<EOF
    /// echo "the terminator is missing"
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN <<EOF
    /// echo "terminated"
    /// EOF
    /// ```
    ///
    /// ## Fix safety
    /// There is no fix: what was meant cannot be known.
    pub(crate) struct SyntaxError {
        code: "LL001",
        name: "syntax-error",
        category: Syntax,
        severity: Error,
        fix: None,
        summary: "the file is not a Dockerfile BuildKit can parse",
    }
}

impl Check for SyntaxError {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        for error in cx.parse_errors.iter().filter(|e| e.kind.is_parser_level()) {
            cx.report(error.range, error.message.clone());
        }
    }
}
