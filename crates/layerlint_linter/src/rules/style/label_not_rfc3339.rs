use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::style::labels::{check_format, is_rfc3339};
use crate::settings::LabelType;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `LABEL` whose key `label-schema` types as `rfc3339` and whose value is not
    /// an RFC 3339 date-time. Values with a variable that has no default are not checked; empty values
    /// are `empty-label`'s. Without `label-schema` the rule reports nothing.
    ///
    /// ## Options
    /// ```toml
    /// [label-schema]
    /// "org.opencontainers.image.created" = "rfc3339"
    /// ```
    ///
    /// ## Why is this bad?
    /// `org.opencontainers.image.created` is defined as an RFC 3339 date-time
/// (`2024-05-01T12:30:00Z`); tools that sort or compare images by it cannot read
/// `May 1 2024` or a date without a time zone.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.created="2024-05-01"
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.created="2024-05-01T12:30:00Z"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the right value is not in the Dockerfile.
    pub(crate) struct LabelNotRfc3339 {
        code: "LL612",
        name: "label-not-rfc3339",
        category: Style,
        severity: Warning,
        fix: None,
        summary: "a label that `label-schema` types as an RFC 3339 date-time holds something else",
        equivalents: [Hadolint("DL3053")],
    }
}

impl Check for LabelNotRfc3339 {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Label]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        check_format(
            cx,
            node,
            LabelType::Rfc3339,
            is_rfc3339,
            "an RFC 3339 date-time",
        );
    }
}
