use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports a suppression comment that cannot be read: `# layerlint ignore` without
    /// `=`, an empty code, free text after the codes, `# check=` with an unknown option,
    /// a stage suppression that is not right before a `FROM`, and a `# hadolint ignore=`
    /// that is not on the line right above its instruction (hadolint reads it there only:
    /// above a blank line, another comment or another pragma it applies to nothing).
    ///
    /// ## Why is this bad?
    /// A suppression that cannot be read suppresses nothing, silently (hadolint ignores
    /// such pragmas without a word). Put a reason after `#`:
    /// `# layerlint ignore=LL401  # pinned by digest elsewhere`.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// # layerlint ignore=LL101 the shell form is intended
    /// CMD ["node", "index.js", ]
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20
    /// # layerlint ignore=LL101  # the shell form is intended
    /// CMD ["node", "index.js", ]
    /// ```
    ///
    /// ## Fix safety
    /// There is no fix. (Detected by the engine's suppression pass, `src/suppression.rs`.)
    pub(crate) struct InvalidSuppression {
        code: "LL003",
        name: "invalid-suppression",
        category: Syntax,
        severity: Warning,
        fix: None,
        summary: "a suppression comment that cannot be read",
    }
}

impl Check for InvalidSuppression {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;
}
