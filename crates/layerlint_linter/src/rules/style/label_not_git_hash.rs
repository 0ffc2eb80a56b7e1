use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::style::labels::{check_format, is_git_hash};
use crate::settings::LabelType;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `LABEL` whose key `label-schema` types as `hash` and whose value is not
    /// a git commit hash. Values with a variable that has no default are not checked; empty values
    /// are `empty-label`'s. Without `label-schema` the rule reports nothing.
    ///
    /// ## Options
    /// ```toml
    /// [label-schema]
    /// "org.opencontainers.image.revision" = "hash"
    /// ```
    ///
    /// ## Why is this bad?
    /// `org.opencontainers.image.revision` ties the image to the commit it was built from.
/// A branch name (`main`) or a tag moves; only a hash identifies the source. Accepted:
/// lower-case hexadecimal of 7 to 40 digits (abbreviated or full SHA-1) or 64 (SHA-256);
/// hadolint accepts exactly 7 or 40.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.revision="main"
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.revision="3f786850e387550fdab836ed7e6dc881de23001b"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the right value is not in the Dockerfile.
    pub(crate) struct LabelNotGitHash {
        code: "LL614",
        name: "label-not-git-hash",
        category: Style,
        severity: Warning,
        fix: None,
        summary: "a label that `label-schema` types as a git hash holds something else",
        equivalents: [Hadolint("DL3055")],
    }
}

impl Check for LabelNotGitHash {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Label]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        check_format(cx, node, LabelType::Hash, is_git_hash, "a git commit hash");
    }
}
