use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports a code in a `# layerlint ignore=` comment that names no rule (codes, rule
    /// names and the hadolint/BuildKit/Trivy ids rules list as equivalents are known).
    /// hadolint `DL`/`SC` codes and BuildKit names we do not implement are not reported.
    ///
    /// ## Why is this bad?
    /// A typo in a suppression leaves the finding it meant to silence, and hides that the
    /// comment does nothing.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// # layerlint ignore=invalid-json-exec-fom
    /// CMD ["node", "index.js", ]
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20
    /// # layerlint ignore=invalid-json-exec-form
    /// CMD ["node", "index.js", ]
    /// ```
    ///
    /// ## Fix safety
    /// There is no fix; the message suggests the nearest known name. (Detected by the
    /// engine's suppression pass, `src/suppression.rs`.)
    pub(crate) struct UnknownSuppressedRule {
        code: "LL004",
        name: "unknown-suppressed-rule",
        category: Syntax,
        severity: Warning,
        fix: None,
        summary: "a suppression names a rule that does not exist",
    }
}

impl Check for UnknownSuppressedRule {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;
}
