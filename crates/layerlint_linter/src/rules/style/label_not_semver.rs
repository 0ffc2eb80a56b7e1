use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::style::labels::{check_format, is_semver};
use crate::settings::LabelType;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `LABEL` whose key `label-schema` types as `semver` and whose value is not
    /// a semantic version. Values with a variable that has no default are not checked; empty values
    /// are `empty-label`'s. Without `label-schema` the rule reports nothing.
    ///
    /// ## Options
    /// ```toml
    /// [label-schema]
    /// "org.opencontainers.image.version" = "semver"
    /// ```
    ///
    /// ## Why is this bad?
    /// A version label that follows SemVer 2.0.0 (`1.4.2`, `2.0.0-rc.1`) can be compared and
/// sorted by tools; `v1.4`, `1.4` or `latest` cannot.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version="v1.4"
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version="1.4.2"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the right value is not in the Dockerfile.
    pub(crate) struct LabelNotSemver {
        code: "LL615",
        name: "label-not-semver",
        category: Style,
        severity: Warning,
        fix: None,
        summary: "a label that `label-schema` types as a semantic version holds something else",
        equivalents: [Hadolint("DL3056")],
    }
}

impl Check for LabelNotSemver {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Label]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        check_format(cx, node, LabelType::Semver, is_semver, "a semantic version");
    }
}
