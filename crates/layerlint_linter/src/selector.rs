//! Turning the names people write (`LL101`, `LL1`, `multiple-cmd`, `DL4003`,
//! `MultipleInstructionsDisallowed`, `security`, `ALL`) into rules.

use crate::Rule;

impl Rule {
    /// The rule with this code (`LL105`) or name (`multiple-cmd`), any case.
    pub fn from_code_or_name(text: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|rule| {
            let meta = rule.meta();
            meta.code.eq_ignore_ascii_case(text) || meta.name.eq_ignore_ascii_case(text)
        })
    }

    /// The rules that list `id` as an equivalent (a hadolint, BuildKit, Trivy or Checkov
    /// id), any case.
    pub fn from_alias(id: &str) -> Vec<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .filter(|rule| {
                rule.meta()
                    .equivalents
                    .iter()
                    .any(|e| e.id().eq_ignore_ascii_case(id))
            })
            .collect()
    }

    pub fn code(self) -> &'static str {
        self.meta().code
    }

    pub fn name(self) -> &'static str {
        self.meta().name
    }
}

/// What a selector names: rules, or one ShellCheck code reported by the
/// [`shellcheck`](crate::shellcheck) rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    Rules(Vec<Rule>),
    /// A ShellCheck code, spelled `SC` and four digits (`SC2086`).
    ShellCheck(String),
}

/// Resolves one selector to rules or a ShellCheck code; `None` when it names nothing.
pub fn resolve_selection(selector: &str) -> Option<Selection> {
    if let Some(code) = shellcheck_code(selector) {
        return Some(Selection::ShellCheck(code));
    }
    resolve_selector(selector).map(Selection::Rules)
}

/// `SC2086` (any case) as ShellCheck spells it; `None` for anything else.
pub fn shellcheck_code(text: &str) -> Option<String> {
    let text = text.trim();
    let digits = text
        .get(..2)
        .filter(|p| p.eq_ignore_ascii_case("sc"))
        .and(text.get(2..))?;
    (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| format!("SC{digits}"))
}

/// Resolves one selector to the rules it names; `None` when it names nothing. ShellCheck
/// codes are not rules: see [`resolve_selection`].
pub fn resolve_selector(selector: &str) -> Option<Vec<Rule>> {
    let selector = selector.trim();
    if selector.eq_ignore_ascii_case("all") {
        return Some(Rule::ALL.to_vec());
    }
    if let Some(rule) = Rule::from_code_or_name(selector) {
        return Some(vec![rule]);
    }
    let upper = selector.to_ascii_uppercase();
    if upper.starts_with("LL") && upper.len() < 5 && upper.len() > 2 {
        let rules: Vec<Rule> = Rule::ALL
            .iter()
            .copied()
            .filter(|r| r.code().starts_with(&upper))
            .collect();
        if !rules.is_empty() {
            return Some(rules);
        }
    }
    if let Some(category) = layerlint_diagnostics::Category::ALL
        .iter()
        .find(|c| c.slug().eq_ignore_ascii_case(selector))
    {
        return Some(
            Rule::ALL
                .iter()
                .copied()
                .filter(|r| r.meta().category == *category)
                .collect(),
        );
    }
    let aliased = Rule::from_alias(selector);
    if !aliased.is_empty() {
        return Some(aliased);
    }
    None
}

/// The closest known code or name to an unknown one, for "did you mean".
pub fn suggest(unknown: &str) -> Option<&'static str> {
    let lower = unknown.to_ascii_lowercase();
    let mut best: Option<(usize, &'static str)> = None;
    for rule in Rule::ALL {
        let meta = rule.meta();
        let candidates = std::iter::once(meta.name)
            .chain(std::iter::once(meta.code))
            .chain(meta.equivalents.iter().map(|e| e.id()));
        for candidate in candidates {
            let distance = levenshtein(&lower, &candidate.to_ascii_lowercase());
            let limit = (candidate.len() / 3).max(1);
            if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
                best = Some((distance, candidate));
            }
        }
    }
    best.map(|(_, name)| name)
}

/// Edit distance between two strings (by characters).
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("PAHT", "PATH"), 2);
    }

    #[test]
    fn shellcheck_codes() {
        assert_eq!(shellcheck_code("sc2086").as_deref(), Some("SC2086"));
        assert_eq!(shellcheck_code("SC208"), None);
        assert_eq!(shellcheck_code("DL3008"), None);
        assert_eq!(
            resolve_selection("SC1000"),
            Some(Selection::ShellCheck("SC1000".into()))
        );
        assert_eq!(
            resolve_selection("shellcheck"),
            Some(Selection::Rules(vec![Rule::Shellcheck]))
        );
    }
}
