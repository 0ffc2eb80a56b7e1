use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports a code in a `# layerlint ignore=` or `# hadolint ignore=` comment that
    /// suppressed nothing: the rule it names is enabled but found nothing there.
    ///
    /// ## Why is this bad?
    /// Stale suppressions pile up and hide new findings of the same rule later.
    /// (`# check=skip=` directives are configuration and are not reported.)
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// # layerlint ignore=invalid-json-exec-form
    /// CMD ["node", "index.js"]
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20
    /// CMD ["node", "index.js"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix removes the code from the comment, or the comment line when it was
    /// the only code. A comment that ends the parser directives at the top of the file
    /// leaves an empty line when another comment follows it, which would otherwise become
    /// a directive (`# escape=`). (Detected by the engine's suppression pass,
    /// `src/suppression.rs`.)
    pub(crate) struct UnusedSuppression {
        code: "LL005",
        name: "unused-suppression",
        category: Syntax,
        severity: Warning,
        fix: Always,
        summary: "a suppression that suppresses nothing",
    }
}

impl Check for UnusedSuppression {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;
}
