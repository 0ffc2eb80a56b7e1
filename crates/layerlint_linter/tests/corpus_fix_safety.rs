//! `--fix --unsafe-fixes` on every real Dockerfile of `../shared/corpus/real` (read in place,
//! skipped when absent; `LAYERLINT_CORPUS` points elsewhere), every rule on but ShellCheck,
//! with the build context `CONTEXT.tsv` records for the file. For each file:
//!
//! - the output parses (when the input did), and the fixes converge;
//! - a second fix run changes nothing;
//! - no finding appears that was not there before (per rule; but see [`REVEALED`]);
//! - line endings (LF, CRLF) and the byte-order mark are unchanged;
//! - the optimizer's rewrites (the fixes of `dependency-install-after-source-copy`, LL201,
//!   applied alone) pass its image-equivalence checker. (The other cache rules' fixes change
//!   RUN commands on purpose: adding a cache mount, moving a cleanup.)
//!
//! A failing file is a bug to fix, not an exclusion. The files run in parallel (rayon).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use layerlint_cache::{BuildContext, equivalence};
use layerlint_linter::fix::fix_file;
use layerlint_linter::settings::ShellcheckSetting;
use layerlint_linter::{Applicability, Rule, Settings, Target};
use rayon::prelude::*;

// The corpus and its build contexts, read as the optimizer's corpus test reads them.
#[path = "../../layerlint_cache/tests/support/context_tsv.rs"]
mod context_tsv;
use context_tsv::{contexts, corpus};

#[derive(Debug, PartialEq, Eq)]
enum Endings {
    None,
    Lf,
    Crlf,
    Mixed,
}

fn endings(text: &str) -> Endings {
    let crlf = text.matches("\r\n").count();
    let lf = text.matches('\n').count() - crlf;
    match (lf, crlf) {
        (0, 0) => Endings::None,
        (_, 0) => Endings::Lf,
        (0, _) => Endings::Crlf,
        _ => Endings::Mixed,
    }
}

/// New findings that a fix may reveal without having done anything wrong: they are
/// counted and printed, not failed. Each is a rule about the file's shape that a correct
/// fix can newly satisfy the conditions of.
const REVEALED: [(&str, &str); 2] = [
    (
        "LL526",
        "consecutive-run counts commands and compares flags: dropping `apk update &&` or \
         adding the cache mount the next RUN already has makes two RUNs joinable",
    ),
    (
        "LL129",
        "the optimizer's manifest copy goes to the same relative destination (no WORKDIR) as \
         the copy of the sources it is split from",
    ),
];

/// Findings per rule. (Not per message: a fix may rightly change the text a message
/// quotes, or the line numbers it names.)
fn findings(diagnostics: &[layerlint_linter::Diagnostic]) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for d in diagnostics {
        *out.entry(d.rule.code).or_default() += 1;
    }
    out
}

fn check_file(
    name: &str,
    source: &str,
    context: Option<&BuildContext>,
    all: &Settings,
    cache: &Settings,
    revealed: &mut Vec<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let path = PathBuf::from(name.rsplit("__").next().unwrap_or(name));
    let target = Target {
        path: Some(&path),
        context,
    };
    let before = layerlint_linter::lint_target(source, &target, all);
    let outcome = fix_file(source, &target, all, Applicability::Unsafe);
    let fixed = &outcome.source;
    if before.parse.parser_accepts() && !outcome.remaining.parse.parser_accepts() {
        problems.push("the fixed file does not parse".to_owned());
    }
    if let Some(rules) = &outcome.not_converged {
        problems.push(format!("the fixes do not converge: {rules:?}"));
    }
    if !outcome.dropped.is_empty() {
        problems.push(format!(
            "fixes dropped as they broke the parse: {:?}",
            outcome.dropped
        ));
    }
    let again = fix_file(fixed, &target, all, Applicability::Unsafe);
    if again.source != *fixed {
        problems.push(format!("a second run changes the file ({:?})", again.fixed));
    }
    let old = findings(&before.diagnostics);
    for (key, count) in findings(&outcome.remaining.diagnostics) {
        let had = old.get(&key).copied().unwrap_or(0);
        if count > had {
            if REVEALED.iter().any(|(code, _)| *code == key) {
                revealed.push(format!("{name}: {key} ({had} → {count})"));
                continue;
            }
            let new: Vec<&str> = outcome
                .remaining
                .diagnostics
                .iter()
                .filter(|d| d.rule.code == key)
                .map(|d| d.message.as_str())
                .collect();
            problems.push(format!("new finding {key} ({had} → {count}): {new:?}"));
        }
    }
    let (was, is) = (endings(source), endings(fixed));
    if was != is && !(was == Endings::None && is == Endings::Lf) {
        problems.push(format!("line endings {was:?} became {is:?}"));
    }
    if source.starts_with('\u{feff}') != fixed.starts_with('\u{feff}') {
        problems.push("the byte-order mark changed".to_owned());
    }
    // The layer-cache rules' fixes (the optimizer's rewrites) keep the image.
    let cached = fix_file(source, &target, cache, Applicability::Unsafe);
    if cached.source != source
        && let Err(differences) = equivalence::check(source, &cached.source, context)
    {
        problems.push(format!(
            "the cache fixes change the image: {}",
            differences.join("; ")
        ));
    }
    problems
        .into_iter()
        .map(|p| format!("{name}: {p}"))
        .collect()
}

#[test]
fn fixes_are_safe_on_every_real_dockerfile() {
    let Some(dir) = corpus() else {
        eprintln!("skipped: no corpus at ../shared/corpus/real (or $LAYERLINT_CORPUS)");
        return;
    };
    let started = Instant::now();
    let contexts = contexts(&dir);
    let mut all = Settings::all();
    all.options.shellcheck = ShellcheckSetting::Off;
    let cache_rules: Vec<Rule> = Rule::ALL
        .iter()
        .copied()
        .filter(|r| *r == Rule::DependencyInstallAfterSourceCopy)
        .collect();
    let cache = Settings::only(&cache_rules);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_file()
                && !matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("tsv" | "json" | "md")
                )
        })
        .collect();
    files.sort();
    let results: Vec<(bool, Vec<String>, Vec<String>)> = files
        .par_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let Ok(source) = std::fs::read_to_string(path) else {
                return (false, Vec::new(), Vec::new());
            };
            let mut revealed = Vec::new();
            let problems = check_file(
                &name,
                &source,
                contexts.get(&name),
                &all,
                &cache,
                &mut revealed,
            );
            (true, problems, revealed)
        })
        .collect();
    let checked = results.iter().filter(|(read, ..)| *read).count();
    let mut problems = Vec::new();
    for (_, p, revealed) in results {
        problems.extend(p);
        for line in revealed {
            eprintln!("revealed by a fix (allowed): {line}");
        }
    }
    eprintln!(
        "{checked} files fixed (--fix --unsafe-fixes, every rule but ShellCheck), {} with a build context, in {:.1?}; {} problems",
        files
            .iter()
            .filter(|p| contexts.contains_key(&*p.file_name().unwrap().to_string_lossy()))
            .count(),
        started.elapsed(),
        problems.len()
    );
    assert!(checked >= 1000, "only {checked} corpus files read");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
