use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::style::labels::{check_format, is_spdx};
use crate::settings::LabelType;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `LABEL` whose key `label-schema` types as `spdx` and whose value is not
    /// an SPDX license expression. Values with a variable that has no default are not checked; empty values
    /// are `empty-label`'s. Without `label-schema` the rule reports nothing.
    ///
    /// ## Options
    /// ```toml
    /// [label-schema]
    /// "org.opencontainers.image.licenses" = "spdx"
    /// ```
    ///
    /// ## Why is this bad?
    /// `org.opencontainers.image.licenses` is an SPDX license expression; license scanners
/// and registries match it against the SPDX list. `Apache 2` or `MTI` match nothing.
/// Expressions (`Apache-2.0 OR MIT`) and `LicenseRef-…` are valid (hadolint accepts a
/// single identifier only).
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.licenses="Apache 2"
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.licenses="Apache-2.0"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the right value is not in the Dockerfile.
    pub(crate) struct LabelNotSpdx {
        code: "LL613",
        name: "label-not-spdx",
        category: Style,
        severity: Warning,
        fix: None,
        summary: "a label that `label-schema` types as an SPDX license holds something else",
        equivalents: [Hadolint("DL3054")],
    }
}

impl Check for LabelNotSpdx {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Label]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        check_format(
            cx,
            node,
            LabelType::Spdx,
            is_spdx,
            "an SPDX license expression",
        );
    }
}
