//! Applying fixes to a fixed point.
//!
//! Each pass lints, applies every applicable fix that does not overlap one already taken,
//! and starts again, until no fix applies (bounded: not converging is reported with the
//! rules involved). A pass whose output no longer parses, when the input did, is redone
//! fix by fix, dropping the fixes that break the parse. In an input the parser rejects,
//! only fixes before the first rejected instruction apply ([`FixOutcome::held_back`]).
//!
//! A fix may also change another file of the build context (create or extend
//! `.dockerignore`: [`layerlint_diagnostics::FileEdit`]). Those changes are not written
//! here: they are kept in [`FixOutcome::files`] and laid over the build context for the
//! next passes, so the rules see the file as it will be. The caller writes them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use layerlint_cache::BuildContext;
use layerlint_diagnostics::{Applicability, Diagnostic, FileEdit, FixSet, apply_edits};

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
    /// When the input does not parse: the 1-based line (in the input) of the first
    /// instruction BuildKit's parser rejects, with the rules whose fixes were held back for
    /// reaching it or a line after it (empty when none were).
    pub held_back: Option<(usize, Vec<Rule>)>,
    /// Other files the fixes change, with their whole new content: path relative to the
    /// build context (absolute when outside it). The caller writes them.
    pub files: BTreeMap<PathBuf, String>,
}

impl FixOutcome {
    pub fn fix_count(&self) -> usize {
        self.fixed.values().sum()
    }

    pub fn changed(&self, original: &str) -> bool {
        self.source != original || !self.files.is_empty()
    }
}

/// The current text of a file a [`FileEdit`] names.
fn read_other(
    path: &Path,
    files: &BTreeMap<PathBuf, String>,
    context: &BuildContext,
) -> Option<String> {
    if let Some(text) = files.get(path) {
        return Some(text.clone());
    }
    if path.is_absolute() {
        return std::fs::read_to_string(path).ok();
    }
    context.read(&path.to_string_lossy())
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
    let mut files: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut overlay: Option<BuildContext> = None;
    // ShellCheck runs as a process, and its findings bring few fixes (its own, which are
    // unsafe, and the removal of suppressions of its codes found unused): the passes lint
    // without it until the fixes converge, then it runs on the result, and when that
    // brings a fix, the passes after that one go without it again until they converge.
    // Most files need it once, not once per pass.
    let defer_shellcheck = settings.is_enabled(Rule::Shellcheck);
    let mut with_shellcheck = !defer_shellcheck;
    let lint_now = |text: &str, overlay: &Option<BuildContext>, with_shellcheck: bool| {
        let target = Target {
            path: target.path,
            context: overlay.as_ref().or(target.context),
        };
        if with_shellcheck {
            lint_target(text, &target, settings)
        } else {
            let parse = layerlint_syntax::parse(text);
            let diagnostics = crate::check_without_shellcheck(&parse, &target, settings);
            LintResult { parse, diagnostics }
        }
    };
    let mut result = lint_now(&current, &overlay, with_shellcheck);
    // The first lint's parse tells, without parsing the file a second time.
    let original_parses = result.parse.parser_accepts();
    // A file the parser rejects is fixed only before the instruction it stops at: what
    // follows may be read otherwise once the error is mended (an unterminated heredoc
    // takes in every line after it, an instruction moved there included).
    let mut held_back: Vec<Rule> = Vec::new();
    let mut stop_line = None;
    let mut passes = 0;
    while passes < MAX_ITERATIONS {
        let stop = (!result.parse.parser_accepts()).then(|| parse_stop(&result.parse));
        if let Some(stop) = stop
            && stop_line.is_none()
        {
            // As the file was (the input parses or not from the first pass on): fixes
            // before the stop may add or remove lines.
            stop_line = Some(current[..stop].matches('\n').count() + 1);
        }
        let candidates: Vec<&Diagnostic> = result
            .diagnostics
            .iter()
            .filter(|d| d.fix.as_ref().is_some_and(|f| f.applies(required)))
            .filter(|d| match stop {
                Some(stop) if !before(d, stop) => {
                    held_back.extend(Rule::from_meta(d.rule));
                    false
                }
                _ => true,
            })
            .collect();
        if candidates.is_empty() && !with_shellcheck {
            with_shellcheck = true;
            result = lint_now(&current, &overlay, true);
            continue;
        }
        if candidates.is_empty() {
            let held_back = stop_line.map(|line| (line, rules_once(held_back)));
            return FixOutcome {
                source: current,
                fixed,
                remaining: result,
                not_converged: None,
                dropped,
                held_back,
                files,
            };
        }
        let (mut next, mut applied, mut taken) = apply_taking(&current, &candidates);
        if original_parses && !layerlint_syntax::parse(&next).parser_accepts() {
            (next, applied) = apply_each_checked(&current, &candidates, &mut dropped);
            // Which fixes survived is not tracked here: only fixes that change nothing
            // in the Dockerfile change other files in this pass.
            taken.clear();
        }
        // Other files: from fixes that change nothing else, or whose edits were taken.
        let mut files_changed = false;
        if let Some(context) = target.context {
            let mut done: Vec<&FileEdit> = Vec::new();
            for (i, diagnostic) in candidates.iter().enumerate() {
                let Some(fix) = &diagnostic.fix else { continue };
                if fix.files.is_empty() || (!fix.edits.is_empty() && !taken.contains(&i)) {
                    continue;
                }
                let mut any = false;
                for edit in &fix.files {
                    if done.contains(&edit) {
                        any = true;
                        continue;
                    }
                    let before = read_other(&edit.path, &files, context);
                    if let Some(after) = edit.apply(before.as_deref()) {
                        files.insert(edit.path.clone(), after);
                        done.push(edit);
                        any = true;
                        files_changed = true;
                    }
                }
                if any && fix.edits.is_empty() {
                    applied.extend(Rule::from_meta(diagnostic.rule));
                }
            }
            if files_changed {
                overlay = Some(
                    context.with_files(
                        files
                            .iter()
                            .map(|(p, c)| (p.to_string_lossy().into_owned(), c.clone())),
                    ),
                );
            }
        }
        if next == current && !files_changed && !with_shellcheck {
            with_shellcheck = true;
            result = lint_now(&current, &overlay, true);
            continue;
        }
        if next == current && !files_changed {
            let held_back = stop_line.map(|line| (line, rules_once(held_back)));
            return FixOutcome {
                source: current,
                fixed,
                remaining: result,
                not_converged: None,
                dropped,
                held_back,
                files,
            };
        }
        for rule in applied {
            *fixed.entry(rule).or_default() += 1;
        }
        current = next;
        // Without ShellCheck again, when it waits for the passes to converge.
        with_shellcheck = !defer_shellcheck;
        result = lint_now(&current, &overlay, with_shellcheck);
        passes += 1;
    }
    if !with_shellcheck {
        result = lint_now(&current, &overlay, true);
    }
    let still: Vec<Rule> = result
        .diagnostics
        .iter()
        .filter(|d| d.fix.as_ref().is_some_and(|f| f.applies(required)))
        .filter_map(|d| Rule::from_meta(d.rule))
        .collect();
    let held_back = stop_line.map(|line| (line, rules_once(held_back)));
    FixOutcome {
        source: current,
        fixed,
        remaining: result,
        not_converged: Some(still),
        dropped,
        held_back,
        files,
    }
}

/// Whether [`fix_file`] leaves `diagnostic`'s fix out: the parser rejects the file, and the
/// finding or an edit of its fix lies at or after the first instruction it stops at (what
/// follows is read differently once the error is mended). For fixes offered one at a time
/// (the language server's quick fixes).
pub fn fix_held_back(parse: &layerlint_syntax::Parse, diagnostic: &Diagnostic) -> bool {
    !parse.parser_accepts() && !before(diagnostic, parse_stop(parse))
}

/// Where a file the parser rejects stops being fixable: the start of the first instruction
/// holding a parser-level error (of the error's line when no instruction holds it).
fn parse_stop(parse: &layerlint_syntax::Parse) -> usize {
    let source = parse.file.source();
    parse
        .errors
        .iter()
        .filter(|e| e.kind.is_parser_level())
        .map(|e| {
            let at = e.range.start();
            match crate::instruction_at(&parse.file, at) {
                Some(index) => parse.file.instructions()[index].range.start().to_usize(),
                None => source
                    .get(..at.to_usize())
                    .and_then(|before| before.rfind('\n'))
                    .map_or(0, |n| n + 1),
            }
        })
        .min()
        .unwrap_or(0)
}

fn rules_once(mut rules: Vec<Rule>) -> Vec<Rule> {
    rules.sort();
    rules.dedup();
    rules
}

/// Whether a finding and every edit of its fix lie before `stop`.
fn before(diagnostic: &Diagnostic, stop: usize) -> bool {
    diagnostic.range.end().to_usize() <= stop
        && diagnostic
            .fix
            .as_ref()
            .is_none_or(|f| f.edits.iter().all(|e| e.range.end().to_usize() <= stop))
}

/// Applies the fixes in order of position, skipping any that overlaps one already taken;
/// an edit identical to one already taken counts as applied (two findings sharing a fix).
pub fn apply_non_overlapping(source: &str, diagnostics: &[&Diagnostic]) -> (String, Vec<Rule>) {
    let (text, applied, _) = apply_taking(source, diagnostics);
    (text, applied)
}

/// [`apply_non_overlapping`], also returning the positions (in `diagnostics`) of the fixes
/// whose edits were taken.
fn apply_taking(source: &str, diagnostics: &[&Diagnostic]) -> (String, Vec<Rule>, Vec<usize>) {
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    order.sort_by_key(|&i| {
        let range = diagnostics[i].fix.as_ref().and_then(|f| f.range());
        range.map(|r| (r.start(), r.end()))
    });
    let mut set = FixSet::default();
    let mut applied = Vec::new();
    let mut taken_fixes = Vec::new();
    for i in order {
        let diagnostic = diagnostics[i];
        let Some(fix) = &diagnostic.fix else { continue };
        if !fix.edits.is_empty() && set.take(fix) {
            applied.extend(Rule::from_meta(diagnostic.rule));
            taken_fixes.push(i);
        }
    }
    (apply_edits(source, &set.edits()), applied, taken_fixes)
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

#[cfg(test)]
mod tests {
    use super::*;
    use layerlint_diagnostics::Edit;
    use layerlint_diagnostics::Fix;
    use layerlint_text::{TextRange, TextSize};

    fn finding(rule: Rule, edits: Vec<Edit>) -> Diagnostic {
        Diagnostic::new(rule.meta(), TextRange::default(), "x").with_fix(Fix::safe("x", edits))
    }

    fn rules() -> (Rule, Rule, Rule) {
        (Rule::ALL[0], Rule::ALL[1], Rule::ALL[2])
    }

    /// Changes that only touch are applied together; an insertion inside or at either end
    /// of a taken change (computed against the text it replaces), or a change over a taken
    /// insertion, waits for the next pass; the same edit from two findings is made once
    /// and counts for both.
    #[test]
    fn one_pass_takes_what_does_not_conflict() {
        let (a, b, c) = rules();
        let source = "0123456789";
        let delete = finding(a, vec![Edit::delete(TextRange::from_usize(2, 5))]);
        let touching = finding(b, vec![Edit::delete(TextRange::from_usize(5, 7))]);
        let at_end = finding(c, vec![Edit::insert(TextSize::new(5), "x")]);
        let (text, applied) = apply_non_overlapping(source, &[&delete, &touching, &at_end]);
        assert_eq!(text, "01789");
        assert_eq!(applied, vec![a, b]);
        let inside = finding(c, vec![Edit::insert(TextSize::new(3), "y")]);
        let (text, applied) = apply_non_overlapping(source, &[&delete, &at_end, &inside]);
        assert_eq!(text, "0156789");
        assert_eq!(applied, vec![a]);

        let insert = finding(a, vec![Edit::insert(TextSize::new(0), "x")]);
        let later = finding(b, vec![Edit::delete(TextRange::from_usize(2, 5))]);
        let over = finding(c, vec![Edit::delete(TextRange::from_usize(0, 1))]);
        let (text, applied) = apply_non_overlapping(source, &[&insert, &later, &over]);
        assert_eq!(text, "x0156789");
        assert_eq!(applied, vec![a, b]);

        let same = finding(b, vec![Edit::delete(TextRange::from_usize(2, 5))]);
        let (text, applied) = apply_non_overlapping(source, &[&delete, &same]);
        assert_eq!(text, "0156789");
        assert_eq!(applied, vec![a, b]);
    }

    /// Fix by fix, a fix after which the file no longer parses is dropped and the others
    /// are kept; fixes that conflict with one already kept wait, as in a normal pass.
    #[test]
    fn checked_pass_drops_fixes_that_break_the_parse() {
        let (a, b, c) = rules();
        let source = "FROM alpine\nRUN true\n";
        let end = TextSize::of(source);
        let breaks = finding(a, vec![Edit::insert(end, "RUN <<EOF\n")]);
        let renames = finding(
            b,
            vec![Edit::replace(TextRange::from_usize(5, 11), "debian")],
        );
        let mut dropped = Vec::new();
        let (text, applied) = apply_each_checked(source, &[&breaks, &renames], &mut dropped);
        assert_eq!(text, "FROM debian\nRUN true\n");
        assert_eq!((applied, std::mem::take(&mut dropped)), (vec![b], vec![a]));

        // Deleting "RUN ": an insertion inside it or at its start is kept first (going
        // from the end) and the deletion waits; one where it ends does not conflict.
        let delete = finding(a, vec![Edit::delete(TextRange::from_usize(12, 16))]);
        let inside = finding(b, vec![Edit::insert(TextSize::new(14), "x")]);
        let (text, applied) = apply_each_checked(source, &[&delete, &inside], &mut dropped);
        assert_eq!(
            (text.as_str(), applied),
            ("FROM alpine\nRUxN true\n", vec![b])
        );
        let at_start = finding(b, vec![Edit::insert(TextSize::new(12), "x")]);
        let (text, applied) = apply_each_checked(source, &[&delete, &at_start], &mut dropped);
        assert_eq!(
            (text.as_str(), applied),
            ("FROM alpine\nxRUN true\n", vec![b])
        );
        let after = finding(c, vec![Edit::insert(TextSize::new(16), "echo ")]);
        let (text, applied) = apply_each_checked(source, &[&delete, &after], &mut dropped);
        assert_eq!(
            (text.as_str(), applied),
            ("FROM alpine\necho true\n", vec![c, a])
        );
        assert!(dropped.is_empty());
    }

    fn fix(source: &str, context: &BuildContext, required: Applicability) -> FixOutcome {
        let target = Target {
            path: None,
            context: Some(context),
        };
        fix_file(source, &target, &Settings::default(), required)
    }

    /// What a fix run reports: fixes counted per rule, other files changed with their
    /// content, and "changed" when only another file changes. Fixing again changes
    /// nothing.
    #[test]
    fn counts_and_other_files() {
        let source =
            "FROM alpine:3.20\nrun echo a\nrun echo b\nRUN echo c\nRUN echo d\nCOPY . /app\n";
        let context = BuildContext::in_memory([("Dockerfile", source), ("app.py", "")]);
        let outcome = fix(source, &context, Applicability::Unsafe);
        assert_eq!(
            outcome.source,
            "FROM alpine:3.20\nRUN echo a\nRUN echo b\nRUN echo c\nRUN echo d\nCOPY . /app\n"
        );
        let fixed: Vec<(&str, usize)> = outcome
            .fixed
            .iter()
            .map(|(rule, n)| (rule.meta().name, *n))
            .collect();
        assert_eq!(
            fixed,
            [
                ("missing-dockerignore", 1),
                ("inconsistent-instruction-casing", 2)
            ]
        );
        assert_eq!(outcome.fix_count(), 3);
        let ignore = &outcome.files[Path::new(".dockerignore")];
        assert!(ignore.starts_with(".git\n"), "{ignore}");
        assert!(outcome.changed(source));
        assert_eq!(outcome.not_converged, None);

        // The same Dockerfile already fixed: only the other file changes.
        let fixed_source = outcome.source.clone();
        let outcome = fix(&fixed_source, &context, Applicability::Unsafe);
        assert_eq!(outcome.source, fixed_source);
        assert_eq!(outcome.fix_count(), 1);
        assert!(outcome.changed(&fixed_source));
        // Safe fixes only: creating a .dockerignore is unsafe, so nothing changes.
        let outcome = fix(&fixed_source, &context, Applicability::Safe);
        assert!(outcome.files.is_empty());
        assert_eq!(outcome.fix_count(), 0);
        assert!(!outcome.changed(&fixed_source));
        assert!(outcome.changed("FROM scratch\n"));
        // With the .dockerignore written, nothing is left to fix.
        let written = BuildContext::in_memory([
            ("Dockerfile", fixed_source.as_str()),
            ("app.py", ""),
            (".dockerignore", ignore.as_str()),
        ]);
        let outcome = fix(&fixed_source, &written, Applicability::Unsafe);
        assert_eq!(outcome.fix_count(), 0);
        assert!(!outcome.changed(&fixed_source));
    }

    #[test]
    fn a_file_that_does_not_parse_is_fixed_only_before_the_error() {
        // An unterminated heredoc takes in every line after it: moving the ARG below it
        // (volatile-arg-before-expensive-step) would make the ARG part of the script.
        let broken = "FROM debian:12\nARG BUILD_DATE\nrun apt-get install -y curl\nRUN <<EOF\napt-get update\napt-get install -y make\n";
        let context = BuildContext::in_memory([(".dockerignore", ".git\n")]);
        let outcome = fix(broken, &context, Applicability::Unsafe);
        let held: Vec<&str> = outcome
            .held_back
            .as_ref()
            .expect("held back")
            .1
            .iter()
            .map(|r| r.code())
            .collect();
        assert_eq!(outcome.held_back.as_ref().map(|h| h.0), Some(4));
        assert!(
            held.contains(&"LL209") && held.contains(&"LL503"),
            "{held:?}"
        );
        // Before the heredoc, fixes apply; from it on, nothing changes.
        assert!(
            outcome
                .source
                .starts_with("FROM debian:12\nARG BUILD_DATE\nRUN "),
            "{}",
            outcome.source
        );
        assert!(
            outcome
                .source
                .ends_with("\nRUN <<EOF\napt-get update\napt-get install -y make\n"),
            "{}",
            outcome.source
        );
        assert!(
            outcome.fixed.keys().any(|r| r.code() == "LL603"),
            "{:?}",
            outcome.fixed
        );
        assert!(outcome.dropped.is_empty() && outcome.not_converged.is_none());

        // An error outside any instruction (a bad directive) stops fixes from its line.
        let directive = "# escape=xx\nFROM debian:12\nrun echo hi\n";
        let outcome = fix(directive, &context, Applicability::Unsafe);
        assert_eq!(outcome.source, directive);
        let held = outcome.held_back.expect("held back");
        assert_eq!(held.0, 1);
        assert!(held.1.iter().any(|r| r.code() == "LL603"), "{held:?}");

        // Terminated, the same file is fixed throughout, and nothing is held back.
        let whole = format!("{broken}EOF\n");
        let outcome = fix(&whole, &context, Applicability::Unsafe);
        assert_eq!(outcome.held_back, None);
        assert!(
            !outcome.source.starts_with("FROM debian:12\nARG"),
            "{}",
            outcome.source
        );
        assert!(
            outcome.source.contains("--no-install-recommends -y make"),
            "{}",
            outcome.source
        );
    }
}
