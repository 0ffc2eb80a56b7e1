use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::style::labels::labels;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a label of `label-schema` set to an empty value (`LABEL
    /// org.opencontainers.image.version=""`). A value with a variable that has no default
    /// is not reported (a build argument may fill it). Without `label-schema` the rule
    /// reports nothing: an empty label is also how a Dockerfile clears a label inherited
    /// from its base image.
    ///
    /// ## Options
    /// ```toml
    /// [label-schema]
    /// "org.opencontainers.image.version" = "semver"
    /// ```
    ///
    /// ## Why is this bad?
    /// The schema says the label matters; an empty value satisfies `missing-label` while
    /// telling tools nothing.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version=""
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG VERSION
    /// LABEL org.opencontainers.image.version="${VERSION}"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the value is not in the Dockerfile.
    pub(crate) struct EmptyLabel {
        code: "LL610",
        name: "empty-label",
        category: Style,
        severity: Warning,
        fix: None,
        summary: "a label required by `label-schema` has an empty value",
        equivalents: [Hadolint("DL3051")],
    }
}

impl Check for EmptyLabel {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Label]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        if cx.options().label_schema.is_empty() {
            return;
        }
        for label in labels(node, cx.file.escape()) {
            let (Some(key), Some(value)) = (&label.key, &label.value) else {
                continue;
            };
            if value.trim().is_empty() && cx.options().label_schema.contains_key(key) {
                cx.report(label.pair.range, format!("label `{key}` is empty"));
            }
        }
    }
}
