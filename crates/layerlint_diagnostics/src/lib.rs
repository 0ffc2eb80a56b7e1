//! What a rule reports: a [`Diagnostic`] (rule, message, range, severity) with an optional
//! [`Fix`] — byte [`Edit`]s with an [`Applicability`] that says whether `--fix` may apply
//! them on its own.

mod fix;
mod rule;

pub use fix::{Applicability, Edit, FileChange, FileEdit, Fix, FixSet, apply_edits};
pub use rule::{Category, Equivalent, FixAvailability, RuleMeta, Severity};

use layerlint_text::TextRange;

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    /// A code that refines the rule's, when one rule reports many codes (ShellCheck's
    /// `SC2086` under the ShellCheck rule).
    pub subcode: Option<String>,
    /// What is wrong, in one sentence (lower-case start, no final period).
    pub message: String,
    pub range: TextRange,
    /// The severity after configuration.
    pub severity: Severity,
    pub fix: Option<Fix>,
    /// A second place that explains the finding (the earlier `CMD` that is overridden).
    pub related: Vec<Related>,
    /// Extra explanation: why there is no fix, what to do instead.
    pub note: Option<String>,
}

/// A secondary location of a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub range: TextRange,
    pub message: String,
}

impl Diagnostic {
    pub fn new(rule: &'static RuleMeta, range: TextRange, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            subcode: None,
            message: message.into(),
            range,
            severity: rule.severity,
            fix: None,
            related: Vec::new(),
            note: None,
        }
    }

    /// The code shown to people: the subcode when there is one, else the rule's code.
    pub fn code(&self) -> &str {
        self.subcode.as_deref().unwrap_or(self.rule.code)
    }

    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    #[must_use]
    pub fn with_related(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.related.push(Related {
            range,
            message: message.into(),
        });
        self
    }

    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SHELLCHECK: RuleMeta = RuleMeta {
        code: "LL528",
        name: "shellcheck",
        category: Category::Shell,
        summary: "",
        severity: Severity::Warning,
        default_enabled: true,
        fix: FixAvailability::None,
        equivalents: &[],
        docs: "",
    };

    /// People see the rule's code, or the refining code of a rule that reports many.
    #[test]
    fn shown_code() {
        let diagnostic = Diagnostic::new(&SHELLCHECK, TextRange::default(), "quote this");
        assert_eq!(diagnostic.code(), "LL528");
        assert_eq!(diagnostic.severity, Severity::Warning);
        let refined = Diagnostic {
            subcode: Some("SC2086".to_owned()),
            ..diagnostic
        };
        assert_eq!(refined.code(), "SC2086");
    }
}
