use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::expand::double_quoted;
use layerlint_syntax::{Body, InstructionKind};
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports the `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13. It sets the image's `Author`
    /// field, which registries and scanners hardly read; the standard place for the
    /// authors is the OCI label `org.opencontainers.image.authors`.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix writes the same text as the label's value, quoted so that BuildKit
    /// reads it back exactly (`"`, `$` and the escape character are escaped, because
    /// `LABEL` expands variables and `MAINTAINER` does not). What changes is where the
    /// image keeps it: the label instead of the deprecated `Author` field.
    pub(crate) struct MaintainerDeprecated {
        code: "LL601",
        name: "maintainer-deprecated",
        category: Style,
        severity: Info,
        fix: Sometimes,
        summary: "`MAINTAINER` is deprecated: use the label `org.opencontainers.image.authors`",
        equivalents: [
            BuildKit("MaintainerDeprecated"),
            Hadolint("DL4000"),
            Trivy("DS-0022"),
            Checkov("CKV_DOCKER_6"),
        ],
    }
}

impl Check for MaintainerDeprecated {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Maintainer]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let instruction = node.instruction;
        let fix = match &instruction.body {
            Body::Maintainer(Some(word)) if !word.text.trim().is_empty() => {
                let keyword = if cx
                    .text(instruction.keyword)
                    .bytes()
                    .any(|b| b.is_ascii_uppercase())
                {
                    "LABEL"
                } else {
                    "label"
                };
                let value = double_quoted(&word.text, cx.file.escape());
                let range = TextRange::new(instruction.keyword.start(), instruction.range.end());
                Some(Fix::safe(
                    "Replace with `LABEL org.opencontainers.image.authors`",
                    vec![Edit::replace(
                        range,
                        format!("{keyword} org.opencontainers.image.authors={value}"),
                    )],
                ))
            }
            _ => None,
        };
        cx.report(instruction.keyword, "MAINTAINER is deprecated")
            .maybe_fix(fix)
            .note("set the label `org.opencontainers.image.authors` instead");
    }
}
