use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::style::labels::{check_format, is_url};
use crate::settings::LabelType;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `LABEL` whose key `label-schema` types as `url` and whose value is not
    /// a URL. Values with a variable that has no default are not checked; empty values
    /// are `empty-label`'s. Without `label-schema` the rule reports nothing.
    ///
    /// ## Options
    /// ```toml
    /// [label-schema]
    /// "org.opencontainers.image.source" = "url"
    /// ```
    ///
    /// ## Why is this bad?
    /// Tools read these labels: a registry links `org.opencontainers.image.source` to the
/// repository, a scanner follows `org.opencontainers.image.url`. A value like
/// `github.com/acme/app` (no scheme) is not a URL they can open.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="github.com/acme/app"
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the right value is not in the Dockerfile.
    pub(crate) struct LabelNotUrl {
        code: "LL611",
        name: "label-not-url",
        category: Style,
        severity: Warning,
        fix: None,
        summary: "a label that `label-schema` types as a URL holds something else",
        equivalents: [Hadolint("DL3052")],
    }
}

impl Check for LabelNotUrl {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Label]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        check_format(cx, node, LabelType::Url, is_url, "a URL");
    }
}
