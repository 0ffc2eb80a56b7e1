//! The ShellCheck integration: positions mapped back to the Dockerfile, the per-file and
//! batched runs agreeing, suppressions and selection by ShellCheck code, and a missing
//! binary. Tests that need ShellCheck skip with a message when no `shellcheck` is on PATH.

use std::path::{Path, PathBuf};

use layerlint_linter::settings::ShellcheckSetting;
use layerlint_linter::shellcheck::{Batch, Status, status};
use layerlint_linter::{Diagnostic, Settings, Severity, Target, check, check_without_shellcheck};

fn shellcheck_available() -> bool {
    let found = status(&Settings::default()).binary().is_some();
    if !found {
        eprintln!("skipping: no shellcheck on PATH");
    }
    found
}

fn shellcheck_findings(source: &str, settings: &Settings) -> Vec<Diagnostic> {
    let parse = layerlint_syntax::parse(source);
    check(&parse, &Target::default(), settings)
        .into_iter()
        .filter(|d| d.rule.name == "shellcheck" || d.rule.name == "unused-suppression")
        .collect()
}

/// `(code, text of the range)` of each finding.
fn located(source: &str, findings: &[Diagnostic]) -> Vec<(String, String)> {
    findings
        .iter()
        .map(|d| (d.code().to_owned(), source[d.range].to_owned()))
        .collect()
}

#[test]
fn positions_map_through_continuations_heredocs_and_crlf() {
    if !shellcheck_available() {
        return;
    }
    let source = "FROM debian:12\r\nARG dir=/opt\r\nRUN mkdir -p $dir \\\r\n    && cp  $SRC \"$dir\"\r\nRUN <<EOF\r\n#!/bin/bash\r\necho $undefined_thing\r\nEOF\r\n";
    let findings = shellcheck_findings(source, &Settings::default());
    assert_eq!(
        located(source, &findings),
        [
            ("SC2086".to_owned(), "$SRC".to_owned()),
            ("SC2086".to_owned(), "$undefined_thing".to_owned()),
            ("SC2154".to_owned(), "$undefined_thing".to_owned()),
        ]
    );
    // The exported ARG keeps `$dir` quiet (its value has no spaces: no SC2086 either).
    assert!(findings.iter().all(|d| d.severity <= Severity::Warning));
}

#[test]
fn codes_select_ignore_suppress_and_take_severities() {
    if !shellcheck_available() {
        return;
    }
    let source = "FROM debian:12\n# hadolint ignore=SC2046\nRUN echo `date` $HOME\n# layerlint ignore=SC2164\nRUN echo $HOME\n";
    let all = shellcheck_findings(source, &Settings::default());
    let codes: Vec<&str> = all.iter().map(Diagnostic::code).collect();
    // SC2046 is suppressed; the SC2164 suppression suppresses nothing.
    assert_eq!(codes, ["SC2006", "SC2086", "LL005", "SC2086"]);

    let settings = Settings::from_toml(
        "ignore = [\"SC2006\"]\n[severity]\nSC2086 = \"error\"\n",
        Path::new("layerlint.toml"),
    )
    .unwrap();
    let found = shellcheck_findings(source, &settings);
    let codes: Vec<(&str, Severity)> = found.iter().map(|d| (d.code(), d.severity)).collect();
    assert_eq!(
        codes,
        [
            ("SC2086", Severity::Error),
            ("LL005", Severity::Warning),
            ("SC2086", Severity::Error),
        ]
    );
}

#[test]
fn a_missing_binary_gives_no_findings_and_no_error() {
    let mut settings = Settings::default();
    settings.options.shellcheck =
        ShellcheckSetting::Path(PathBuf::from("/nonexistent/bin/shellcheck"));
    let Status::Missing(note) = status(&settings) else {
        panic!("expected a missing binary");
    };
    assert!(note.contains("/nonexistent/bin/shellcheck"), "{note}");
    // No findings, and a ShellCheck suppression is not called unused.
    let source = "FROM debian:12\n# hadolint ignore=SC2086\nRUN echo $HOME\n";
    assert!(shellcheck_findings(source, &settings).is_empty());

    let mut batch = Batch::new(&settings);
    batch.add("a", &layerlint_syntax::parse(source), &Target::default());
    let outcome = batch.run();
    assert!(outcome.findings["a"].is_empty());
    assert!(outcome.note.is_some());

    settings.options.shellcheck = ShellcheckSetting::Off;
    assert_eq!(status(&settings), Status::Off);
}

#[test]
fn the_batch_agrees_with_the_per_file_run() {
    if !shellcheck_available() {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rules");
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for folder in std::fs::read_dir(&root).unwrap().filter_map(Result::ok) {
        for file in std::fs::read_dir(folder.path())
            .unwrap()
            .filter_map(Result::ok)
        {
            let path = file.path();
            if path.extension().is_some_and(|e| e == "Dockerfile") {
                let text = std::fs::read_to_string(&path).unwrap();
                files.push((path, text));
            }
        }
    }
    files.sort();
    let settings = Settings::default();
    let parses: Vec<_> = files
        .iter()
        .map(|(_, text)| layerlint_syntax::parse(text))
        .collect();
    let mut batch = Batch::new(&settings);
    let mut combined = Vec::new();
    for (i, ((path, _), parse)) in files.iter().zip(&parses).enumerate() {
        let target = Target::path(path);
        combined.push(check_without_shellcheck(parse, &target, &settings));
        batch.add(i, parse, &target);
    }
    let outcome = batch.run();
    assert!(outcome.note.is_none(), "{:?}", outcome.note);
    let mut total = 0;
    for (i, found) in outcome.findings {
        total += found.len();
        combined[i].extend(found);
        layerlint_linter::sort_diagnostics(&mut combined[i]);
    }
    assert!(total > 10, "the fixtures have ShellCheck findings");
    for (((path, _), parse), batched) in files.iter().zip(&parses).zip(&combined) {
        let per_file = check(parse, &Target::path(path), &settings);
        assert_eq!(&per_file, batched, "{}", path.display());
    }
}

#[test]
fn only_the_names_shellcheck_can_use_are_exported_and_findings_stay() {
    // The names exported before a script are those it names and those ShellCheck could
    // suggest for a name it reads. Its suggestions are what every name exported gives:
    // APP_HOMES for APP_HOME, my_var for my_vars, FAR_AWAY_ONE for FAR_AWAY_ON; for ABCD
    // none, because ABC (too short to be suggested) is as near as ABCDE and comes first.
    // Unrelated ARGs are not exported (with every name exported, a RUN after thousands
    // took ShellCheck seconds and gigabytes).
    if !shellcheck_available() {
        return;
    }
    let mut source = String::from(
        "FROM debian:12\nARG APP_HOMES=/a\nARG ABC=1\nARG ABCDE=2\nARG my_var=1\nARG FAR_AWAY_ONE=1\n",
    );
    for i in 0..300 {
        source.push_str(&format!("ARG UNRELATED_{i}=x\n"));
    }
    source.push_str("RUN echo \"$APP_HOME\" \"$ABCD\" \"$my_vars\" \"$FAR_AWAY_ON\"\n");
    let messages: Vec<String> = shellcheck_findings(&source, &Settings::default())
        .iter()
        .map(|d| format!("{} {}", d.code(), d.message))
        .collect();
    assert_eq!(
        messages,
        [
            "SC2153 possible misspelling: APP_HOME may not be assigned. Did you mean APP_HOMES?",
            "SC2154 my_vars is referenced but not assigned (did you mean 'my_var'?)",
            "SC2153 possible misspelling: FAR_AWAY_ON may not be assigned. Did you mean FAR_AWAY_ONE?",
        ]
    );
}

/// A ShellCheck that counts its runs: a script logging a line, then running the real one.
#[cfg(unix)]
fn counting_shellcheck(dir: &Path) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt as _;
    let real = match status(&Settings::default()) {
        Status::Found(path) => path,
        other => panic!("no shellcheck: {other:?}"),
    };
    let log = dir.join("runs.log");
    let script = dir.join("shellcheck");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho run >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            real.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script, log)
}

/// Settings with a ShellCheck that counts its runs ([`counting_shellcheck`]), and the runs
/// it made since last asked.
#[cfg(unix)]
fn counted_shellcheck(dir: &Path) -> (Settings, impl Fn() -> usize) {
    let (script, log) = counting_shellcheck(dir);
    let mut settings = Settings::default();
    settings.options.shellcheck = ShellcheckSetting::Path(script);
    let runs = move || {
        let runs = std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .count();
        std::fs::remove_file(&log).ok();
        runs
    };
    (settings, runs)
}

/// `--fix` (safe fixes) runs ShellCheck once, on the fixed text, when ShellCheck can bring
/// no safe fix (its own are unsafe): not once per pass. A suppression of a ShellCheck code
/// that suppresses nothing is still removed (ShellCheck runs on until no fix applies), and
/// the findings left are ShellCheck's too.
#[cfg(unix)]
#[test]
fn safe_fixes_run_shellcheck_once_unless_it_brings_a_fix() {
    use layerlint_linter::Applicability;
    use layerlint_linter::fix::fix_file;
    if !shellcheck_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (settings, runs) = counted_shellcheck(dir.path());
    // A safe fix (`MAINTAINER` to a label), so the file is linted before and after it
    // (ShellCheck ran at both); a finding of ShellCheck's that stays.
    let source = "FROM debian:12\nMAINTAINER a@b.c\nRUN echo $HOME/`date`\n";
    let outcome = fix_file(source, &Target::default(), &settings, Applicability::Safe);
    assert_ne!(outcome.source, source);
    assert_eq!(runs(), 1);
    let left: Vec<&str> = outcome
        .remaining
        .diagnostics
        .iter()
        .map(|d| d.code())
        .collect();
    assert!(left.contains(&"SC2006"), "{left:?}");

    let source =
        "FROM debian:12\n# layerlint ignore=SC2086\nRUN echo \"$HOME\"\nMAINTAINER a@b.c\n";
    let outcome = fix_file(source, &Target::default(), &settings, Applicability::Safe);
    assert!(
        !outcome.source.contains("ignore=SC2086"),
        "{}",
        outcome.source
    );
    assert!(!outcome.source.contains("MAINTAINER"), "{}", outcome.source);
    assert!(runs() >= 2);
}

/// `--fix --unsafe-fixes` runs ShellCheck once the passes without it converge, not at every
/// pass: a file whose fixes take several passes runs it twice (once to find its fix, once
/// on the result), and ends as when it ran at every pass (its fix applied, no finding
/// left that a fix takes).
#[cfg(unix)]
#[test]
fn unsafe_fixes_run_shellcheck_when_the_passes_converge() {
    use layerlint_linter::Applicability;
    use layerlint_linter::fix::fix_file;
    if !shellcheck_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (settings, runs) = counted_shellcheck(dir.path());
    // Fixes of its own (`MAINTAINER` to a label, `-y` and `--no-install-recommends` for
    // apt-get), and ShellCheck's of the backquotes: three runs when it ran at every pass.
    let source = "FROM debian:12\nMAINTAINER a@b.c\nRUN apt-get update\nRUN apt-get install curl\nRUN echo `date`\n";
    let outcome = fix_file(source, &Target::default(), &settings, Applicability::Unsafe);
    let runs = runs();
    assert!(outcome.source.contains("$(date)"), "{}", outcome.source);
    assert!(
        outcome.fixed.values().sum::<usize>() >= 3,
        "{:?}",
        outcome.fixed
    );
    assert_eq!(runs, 2, "{:?}", outcome.fixed);
    assert!(outcome.not_converged.is_none());
    let fixable: Vec<&str> = outcome
        .remaining
        .diagnostics
        .iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applies(Applicability::Unsafe))
        })
        .map(|d| d.code())
        .collect();
    assert!(fixable.is_empty(), "{fixable:?}");
}
