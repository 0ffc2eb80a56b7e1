use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::style::labels::{check_format, is_email};
use crate::settings::LabelType;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `LABEL` whose key `label-schema` types as `email` and whose value is not
    /// an email address. Values with a variable that has no default are not checked; empty values
    /// are `empty-label`'s. Without `label-schema` the rule reports nothing.
    ///
    /// ## Options
    /// ```toml
    /// [label-schema]
    /// "maintainer" = "email"
    /// ```
    ///
    /// ## Why is this bad?
    /// A contact label is only useful when mail reaches it: the value must be an address
/// (RFC 5322 `addr-spec`, `team@example.com`), not a name with an address in angle
/// brackets or a URL.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="Platform Team <platform@example.com>"
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="platform@example.com"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the right value is not in the Dockerfile.
    pub(crate) struct LabelNotEmail {
        code: "LL617",
        name: "label-not-email",
        category: Style,
        severity: Warning,
        fix: None,
        summary: "a label that `label-schema` types as an email address holds something else",
        equivalents: [Hadolint("DL3058")],
    }
}

impl Check for LabelNotEmail {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Label]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        check_format(cx, node, LabelType::Email, is_email, "an email address");
    }
}
