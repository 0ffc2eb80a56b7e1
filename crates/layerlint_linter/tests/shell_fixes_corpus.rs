//! The fixes of the shell-hygiene rules on real Dockerfiles (`../shared/corpus/real`):
//! applied to a fixed point (safe and unsafe), they converge, keep a file BuildKit accepts
//! acceptable, and a second pass changes nothing. Skips with a message when the corpus is
//! absent.

use std::path::Path;

use layerlint_linter::fix::fix_file;
use layerlint_linter::settings::ShellcheckSetting;
use layerlint_linter::{Applicability, Rule, Settings, Target};

const RULES: [Rule; 6] = [
    Rule::Sudo,
    Rule::CdInsteadOfWorkdir,
    Rule::WgetWithoutProgress,
    Rule::UseraddWithoutNoLogInit,
    Rule::MissingPipefail,
    Rule::RunInsideRun,
];

#[test]
fn fixes_on_the_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real");
    let Ok(entries) = std::fs::read_dir(&root) else {
        eprintln!("skipping: no corpus at {}", root.display());
        return;
    };
    let mut settings = Settings::only(&RULES);
    settings.options.shellcheck = ShellcheckSetting::Off;
    let mut problems = Vec::new();
    let mut fixed = std::collections::BTreeMap::new();
    let mut files = 0;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.ends_with(".json") || name.ends_with(".tsv") || name.ends_with(".md") {
            continue;
        }
        let Ok(source) = std::fs::read_to_string(&path) else {
            continue;
        };
        files += 1;
        let target = Target::path(&path);
        let outcome = fix_file(&source, &target, &settings, Applicability::Unsafe);
        for (rule, n) in &outcome.fixed {
            *fixed.entry(rule.code()).or_insert(0) += n;
        }
        if outcome.not_converged.is_some() {
            problems.push(format!("{name}: fixes did not converge"));
            continue;
        }
        if !outcome.dropped.is_empty() {
            problems.push(format!("{name}: fixes dropped: {:?}", outcome.dropped));
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
    }
    eprintln!("{files} files; fixes applied: {fixed:?}");
    assert!(files > 0);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
