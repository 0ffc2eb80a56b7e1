//! Parity with hadolint on the real-Dockerfile corpus (`../shared/corpus/real`), and the
//! package-manager fixes applied to every file of it. Skipped, with a message, when the
//! corpus is absent.
//!
//! `cargo run --release -p layerlint_linter --example parity` writes `fixtures/real/PARITY.md`;
//! `cargo test -p layerlint_linter --test parity -- --ignored` checks it is up to date and
//! that no difference of any mapped hadolint code is unexplained.

#[path = "support/parity.rs"]
mod parity;
#[path = "support/parity_reasons.rs"]
mod parity_reasons;

use std::path::Path;

use layerlint_linter::fix::fix_file;
use layerlint_linter::{Applicability, Rule, Settings, Target};

/// The package-manager rules: `LL403`–`LL410` and `LL501`–`LL516`.
fn package_manager_rules() -> Vec<Rule> {
    Rule::ALL
        .iter()
        .copied()
        .filter(|r| {
            let n: u32 = r.code()[2..].parse().unwrap_or(0);
            (403..=410).contains(&n) || (501..=516).contains(&n)
        })
        .collect()
}

#[test]
fn package_manager_rules_explain_every_difference_with_hadolint() {
    let Some(dir) = parity::corpus_dir() else {
        eprintln!("skipped: no corpus at ../shared/corpus/real (or $LAYERLINT_CORPUS)");
        return;
    };
    let ours = package_manager_rules();
    assert_eq!(ours.len(), 24, "the package-manager rules");
    let report = parity::run(&dir);
    let mut problems = Vec::new();
    for row in &report.rows {
        if !row.rules.iter().all(|r| ours.contains(r)) {
            continue;
        }
        for (kind, list) in [("dropped", &row.dropped), ("added", &row.added)] {
            for ((file, line), why) in list {
                if *why == parity::UNEXPLAINED {
                    problems.push(format!("{}: {kind} {file}:{line}", row.name()));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "unexplained differences with hadolint (fix the rule, or name the reason in \
         tests/support/parity_reasons.rs):\n{}",
        problems.join("\n")
    );
}

#[test]
#[ignore = "run when rules change: every mapped code, and PARITY.md up to date"]
fn parity_report_is_up_to_date_and_explained() {
    let Some(dir) = parity::corpus_dir() else {
        eprintln!("skipped: no corpus");
        return;
    };
    let report = parity::run(&dir);
    let unexplained: Vec<String> = report
        .rows
        .iter()
        .filter(|r| r.unexplained() > 0)
        .map(|r| format!("{}: {}", r.name(), r.unexplained()))
        .collect();
    assert!(unexplained.is_empty(), "unexplained: {unexplained:?}");
    let written = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/real/PARITY.md");
    let expected = parity::markdown(&report);
    assert_eq!(
        std::fs::read_to_string(&written).unwrap_or_default(),
        expected,
        "fixtures/real/PARITY.md is stale: cargo run --release -p layerlint_linter --example parity"
    );
}

#[test]
fn package_manager_fixes_on_the_corpus_converge_parse_and_are_idempotent() {
    let Some(dir) = parity::corpus_dir() else {
        eprintln!("skipped: no corpus");
        return;
    };
    let settings = Settings::only(&package_manager_rules());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.ends_with(".tsv") && !name.ends_with(".json") && !name.ends_with(".md")
        })
        .collect();
    files.sort();
    let mut problems = Vec::new();
    let mut changed = 0;
    for path in &files {
        let Ok(source) = std::fs::read_to_string(path) else {
            continue;
        };
        let target = Target::path(path);
        let outcome = fix_file(&source, &target, &settings, Applicability::Unsafe);
        let name = path.file_name().unwrap().to_string_lossy();
        if outcome.not_converged.is_some() {
            problems.push(format!("{name}: fixes did not converge"));
            continue;
        }
        if !outcome.dropped.is_empty() {
            problems.push(format!(
                "{name}: fixes broke the parse: {:?}",
                outcome.dropped
            ));
        }
        if layerlint_syntax::parse(&source).parser_accepts()
            && !layerlint_syntax::parse(&outcome.source).parser_accepts()
        {
            problems.push(format!("{name}: the fixed file does not parse"));
        }
        let again = fix_file(&outcome.source, &target, &settings, Applicability::Unsafe);
        if again.source != outcome.source {
            problems.push(format!("{name}: fixing twice differs from fixing once"));
        }
        changed += usize::from(outcome.changed(&source));
    }
    assert!(
        changed > 100,
        "only {changed} files changed: are the fixes offered?"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
