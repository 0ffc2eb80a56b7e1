use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::style::labels::labels;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a label key that does not follow Docker's guidelines for keys: it must
    /// start with a lower-case letter and end with a lower-case letter or digit, hold only
    /// lower-case letters, digits, `.`, `-` (and `_`, `/`, which hadolint also accepts),
    /// not repeat `.` or `-`, and not use the namespaces Docker reserves (`com.docker.*`,
    /// `io.docker.*`, `org.dockerproject.*`). Keys with a variable that has no default are
    /// not checked.
    ///
    /// ## Why is this bad?
    /// Labels are read by tools (registries, scanners, orchestrators) that expect the
    /// reverse-DNS, lower-case convention (`org.opencontainers.image.source`). `Version`
    /// and `version` are two different labels, and a key in Docker's namespaces may clash
    /// with what Docker itself sets.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL Maintainer="platform@example.com"
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.authors="platform@example.com"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: tools may already read the label under its current key.
    pub(crate) struct InvalidLabelKey {
        code: "LL607",
        name: "invalid-label-key",
        category: Style,
        severity: Style,
        fix: None,
        summary: "a label key that breaks Docker's key conventions",
        equivalents: [Hadolint("DL3048")],
    }
}

impl Check for InvalidLabelKey {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Label]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        for label in labels(node, cx.file.escape()) {
            let Some(key) = &label.key else { continue };
            if let Some(problem) = problem(key) {
                cx.report(label.pair.key.range, format!("label key `{key}` {problem}"));
            }
        }
    }
}

fn problem(key: &str) -> Option<&'static str> {
    let first = key.chars().next()?;
    let last = key.chars().last()?;
    if !first.is_ascii_lowercase() {
        return Some("should start with a lower-case letter");
    }
    if !(last.is_ascii_lowercase() || last.is_ascii_digit()) {
        return Some("should end with a lower-case letter or a digit");
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_/".contains(c))
    {
        return Some("should hold only lower-case letters, digits, `.`, `-`, `_` and `/`");
    }
    if key.contains("..") || key.contains("--") {
        return Some("should not repeat `.` or `-`");
    }
    if ["com.docker.", "io.docker.", "org.dockerproject."]
        .iter()
        .any(|p| key.starts_with(p))
    {
        return Some("is in a namespace Docker reserves");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn keys() {
        assert_eq!(problem("org.opencontainers.image.source"), None);
        assert_eq!(problem("maintainer"), None);
        assert_eq!(problem("build_date"), None);
        assert!(problem("Maintainer").is_some());
        assert!(problem("version.").is_some());
        assert!(problem("a..b").is_some());
        assert!(problem("com.docker.compose.project").is_some());
        assert!(problem("a b").is_some());
    }
}
