//! Applying fixes to a fixed point.
//!
//! Each pass lints, applies every applicable fix that does not overlap one already taken,
//! and starts again, until no fix applies (bounded: not converging is reported with the
//! rules involved). A pass whose output no longer parses, when the input did, is redone
//! fix by fix, dropping the fixes that break the parse.

use std::collections::BTreeMap;

use layerlint_diagnostics::{Applicability, Diagnostic, Edit, apply_edits};

use crate::{LintResult, Rule, Settings, Target, lint_target};

/// How many passes before giving up.
pub const MAX_ITERATIONS: usize = 20;

/// The result of fixing a file.
#[derive(Debug)]
pub struct FixOutcome {
    /// The fixed text (the input when nothing applied).
    pub source: String,
    /// Fixes applied, per rule.
    pub fixed: BTreeMap<Rule, usize>,
    /// The lint of the fixed text: what remains.
    pub remaining: LintResult,
    /// `None` when the fixes converged; else the rules still fixing at the last pass.
    pub not_converged: Option<Vec<Rule>>,
    /// Rules whose fix was dropped because the result no longer parsed.
    pub dropped: Vec<Rule>,
}

impl FixOutcome {
    pub fn fix_count(&self) -> usize {
        self.fixed.values().sum()
    }

    pub fn changed(&self, original: &str) -> bool {
        self.source != original
    }
}

/// Applies the fixes of at least `required` applicability until nothing changes.
pub fn fix_file(
    source: &str,
    target: &Target<'_>,
    settings: &Settings,
    required: Applicability,
) -> FixOutcome {
    let mut current = source.to_owned();
    let mut fixed: BTreeMap<Rule, usize> = BTreeMap::new();
    let mut dropped = Vec::new();
    let mut result = lint_target(&current, target, settings);
    // The first lint's parse tells, without parsing the file a second time.
    let original_parses = result.parse.parser_accepts();
    for _ in 0..MAX_ITERATIONS {
        let candidates: Vec<&Diagnostic> = result
            .diagnostics
            .iter()
            .filter(|d| d.fix.as_ref().is_some_and(|f| f.applies(required)))
            .collect();
        if candidates.is_empty() {
            return FixOutcome {
                source: current,
                fixed,
                remaining: result,
                not_converged: None,
                dropped,
            };
        }
        let (mut next, mut applied) = apply_non_overlapping(&current, &candidates);
        if original_parses && !layerlint_syntax::parse(&next).parser_accepts() {
            (next, applied) = apply_each_checked(&current, &candidates, &mut dropped);
        }
        if next == current {
            return FixOutcome {
                source: current,
                fixed,
                remaining: result,
                not_converged: None,
                dropped,
            };
        }
        for rule in applied {
            *fixed.entry(rule).or_default() += 1;
        }
        current = next;
        result = lint_target(&current, target, settings);
    }
    let still: Vec<Rule> = result
        .diagnostics
        .iter()
        .filter(|d| d.fix.as_ref().is_some_and(|f| f.applies(required)))
        .filter_map(|d| Rule::from_meta(d.rule))
        .collect();
    FixOutcome {
        source: current,
        fixed,
        remaining: result,
        not_converged: Some(still),
        dropped,
    }
}

/// Applies the fixes in order of position, skipping any that overlaps one already taken;
/// an edit identical to one already taken counts as applied (two findings sharing a fix).
pub fn apply_non_overlapping(source: &str, diagnostics: &[&Diagnostic]) -> (String, Vec<Rule>) {
    let mut order: Vec<&Diagnostic> = diagnostics.to_vec();
    order.sort_by_key(|d| {
        let range = d.fix.as_ref().and_then(|f| f.range());
        range.map(|r| (r.start(), r.end()))
    });
    let mut taken: Vec<Edit> = Vec::new();
    let mut applied = Vec::new();
    for diagnostic in order {
        let Some(fix) = &diagnostic.fix else { continue };
        if fix.edits.is_empty() {
            continue;
        }
        if fix.edits.iter().all(|e| taken.contains(e)) {
            applied.extend(Rule::from_meta(diagnostic.rule));
            continue;
        }
        let overlaps = fix.edits.iter().any(|edit| {
            taken.iter().any(|t| {
                edit.range.overlaps(t.range)
                    || (edit.range.is_empty() && t.range.contains(edit.range.start()))
                    || (t.range.is_empty() && edit.range.contains(t.range.start()))
                    || (edit.range.is_empty() && t.range.is_empty() && edit.range == t.range)
            })
        });
        if overlaps {
            continue;
        }
        taken.extend(fix.edits.iter().cloned());
        applied.extend(Rule::from_meta(diagnostic.rule));
    }
    taken.sort_by_key(|e| (e.range.start(), e.range.end()));
    taken.dedup();
    (apply_edits(source, &taken), applied)
}

/// Applies fixes one at a time, keeping only those after which the file still parses.
fn apply_each_checked(
    source: &str,
    diagnostics: &[&Diagnostic],
    dropped: &mut Vec<Rule>,
) -> (String, Vec<Rule>) {
    let mut order: Vec<&Diagnostic> = diagnostics.to_vec();
    order.sort_by_key(|d| d.fix.as_ref().and_then(|f| f.range()).map(|r| r.start()));
    // Apply from the end so earlier offsets stay valid.
    let mut current = source.to_owned();
    let mut applied = Vec::new();
    let mut taken: Vec<layerlint_text::TextRange> = Vec::new();
    for diagnostic in order.into_iter().rev() {
        let Some(fix) = &diagnostic.fix else { continue };
        let Some(range) = fix.range() else { continue };
        if taken
            .iter()
            .any(|t| t.overlaps(range) || t.start() < range.end())
        {
            continue;
        }
        let candidate = apply_edits(&current, &fix.edits);
        if layerlint_syntax::parse(&candidate).parser_accepts() {
            current = candidate;
            taken.push(range);
            applied.extend(Rule::from_meta(diagnostic.rule));
        } else {
            dropped.extend(Rule::from_meta(diagnostic.rule));
        }
    }
    (current, applied)
}
