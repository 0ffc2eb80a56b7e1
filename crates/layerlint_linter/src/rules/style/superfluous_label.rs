use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::style::labels::labels;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// With `strict-labels = true`, reports each label whose key is not in
    /// `label-schema`. Keys with a variable that has no default are not checked.
    ///
    /// ## Options
    /// ```toml
    /// strict-labels = true
    /// [label-schema]
    /// "org.opencontainers.image.source" = "url"
    /// ```
    ///
    /// ## Why is this bad?
    /// A strict schema keeps the labels a team relies on consistent: an ad-hoc
    /// `maintainer` next to `org.opencontainers.image.authors` says the same thing twice,
    /// and the next image will say it a third way.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app" \
    ///       maintainer="platform@example.com"
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the label may belong in the schema instead.
    pub(crate) struct SuperfluousLabel {
        code: "LL609",
        name: "superfluous-label",
        category: Style,
        severity: Info,
        fix: None,
        summary: "a label that is not in `label-schema` (with `strict-labels`)",
        equivalents: [Hadolint("DL3050")],
    }
}

impl Check for SuperfluousLabel {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Label]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        if !cx.options().strict_labels {
            return;
        }
        for label in labels(node, cx.file.escape()) {
            let Some(key) = &label.key else { continue };
            if !cx.options().label_schema.contains_key(key) {
                cx.report(
                    label.pair.key.range,
                    format!("label `{key}` is not in the label schema"),
                );
            }
        }
    }
}
