//! Fixture tests: every `fixtures/rules/<rule-name>/*.Dockerfile` and every
//! `fixtures/seed/*/Dockerfile`.
//!
//! * Inline expectations: a comment `# expect: rule-name[, rule-name]` says the next
//!   instruction (or the one whose continuation lines hold the comment) has those findings.
//!   For the rule under test (the folder's name) and every rule named in an expectation,
//!   the findings must be exactly the expected ones — a careless snapshot update cannot
//!   hide a missing or extra finding.
//! * A snapshot shows every finding (default rules plus the rule under test) and the file
//!   after applying all fixes, safe and unsafe.
//! * Fixing converges, the fixed file parses, fixing again changes nothing, and no finding
//!   of the rule under test with an always-available fix remains.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use layerlint_linter::fix::fix_file;
use layerlint_linter::settings::ShellcheckSetting;
use layerlint_linter::{
    Applicability, BuildContext, FixAvailability, Rule, Settings, Target, instruction_at,
    lint_target,
};
use layerlint_text::LineIndex;

/// The default rules plus the rule under test, with the options of `<case>.toml` beside
/// the fixture when there is one. ShellCheck runs only for its own fixtures (its findings
/// depend on the installed version).
fn settings_for(rule: Option<Rule>, path: &Path) -> Settings {
    let options = path.with_extension("toml");
    let mut settings = if options.is_file() {
        Settings::from_file(&options).unwrap_or_else(|e| panic!("{e}"))
    } else {
        Settings::default()
    };
    if let Some(rule) = rule {
        settings.set_enabled(rule, true);
    }
    if rule != Some(Rule::Shellcheck) {
        settings.options.shellcheck = ShellcheckSetting::Off;
    }
    settings
}

/// The instruction an offset belongs to: the one holding it, else the next one (a comment
/// before an instruction — an expectation, a suppression — belongs to it).
fn owner(file: &layerlint_syntax::Dockerfile, offset: layerlint_text::TextSize) -> Option<usize> {
    instruction_at(file, offset).or_else(|| {
        file.instructions()
            .iter()
            .position(|i| i.range.start() >= offset)
    })
}

/// (instruction index, rule name) → count, from `# expect:` comments.
fn expectations(source: &str) -> BTreeMap<(usize, String), usize> {
    let parsed = layerlint_syntax::parse(source);
    let file = &parsed.file;
    let mut expected = BTreeMap::new();
    for &comment in file.comments() {
        let text = file.text(comment);
        let Some(list) = text.trim_start_matches('#').trim().strip_prefix("expect:") else {
            continue;
        };
        let index = owner(file, comment.start()).expect("an instruction after the expectation");
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            assert!(
                Rule::from_code_or_name(name).is_some(),
                "unknown rule {name} in expectation"
            );
            *expected.entry((index, name.to_owned())).or_default() += 1;
        }
    }
    expected
}

fn render(source: &str, target: &Target<'_>, settings: &Settings) -> String {
    let result = lint_target(source, target, settings);
    let index = LineIndex::new(source);
    let mut out = String::from("## findings\n");
    for d in &result.diagnostics {
        let start = index.position(d.range.start(), source);
        let end = index.position(d.range.end(), source);
        let _ = write!(
            out,
            "{}:{}-{}:{} {} {} {}: {}",
            start.line,
            start.column,
            end.line,
            end.column,
            d.code(),
            d.rule.name,
            d.severity,
            d.message
        );
        if let Some(fix) = &d.fix {
            let _ = write!(
                out,
                " [fix ({}): {}]",
                fix.applicability.as_str(),
                fix.title
            );
        }
        out.push('\n');
    }
    let outcome = fix_file(source, target, settings, Applicability::Unsafe);
    out.push_str("## fixed (safe and unsafe fixes)\n");
    out.push_str(&outcome.source);
    for (path, text) in &outcome.files {
        let _ = write!(
            out,
            "\n## {} (written by the fixes)\n{text}",
            path.display()
        );
    }
    out
}

/// The build context of a fixture: a seed's own folder, or `<name>.context/` beside a rule
/// fixture.
fn context_of(path: &Path, seed: bool) -> Option<BuildContext> {
    if seed {
        return Some(BuildContext::on_disk(path.parent()?, Some(path)));
    }
    let dir = path.with_extension("context");
    dir.is_dir()
        .then(|| BuildContext::on_disk(&dir, Some(path)))
}

fn check_fixture(path: &Path, rule: Option<Rule>) -> String {
    let source = std::fs::read_to_string(path).unwrap();
    let settings = settings_for(rule, path);
    let context = context_of(path, rule.is_none());
    let target = Target {
        path: Some(path),
        context: context.as_ref(),
    };
    let result = lint_target(&source, &target, &settings);
    let expected = expectations(&source);
    let mut tested: Vec<String> = expected.keys().map(|(_, name)| name.clone()).collect();
    if let Some(rule) = rule {
        tested.push(rule.name().to_owned());
    }
    let mut actual: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for d in &result.diagnostics {
        if !tested.iter().any(|t| t == d.rule.name || t == d.rule.code) {
            continue;
        }
        let index = owner(&result.parse.file, d.range.start()).unwrap_or(usize::MAX);
        *actual.entry((index, d.rule.name.to_owned())).or_default() += 1;
    }
    let expected: BTreeMap<(usize, String), usize> = expected
        .into_iter()
        .map(|((i, name), n)| {
            let name = Rule::from_code_or_name(&name).unwrap().name().to_owned();
            ((i, name), n)
        })
        .collect();
    assert_eq!(
        actual,
        expected,
        "{}: findings (instruction index, rule) differ",
        path.display()
    );

    let outcome = fix_file(&source, &target, &settings, Applicability::Unsafe);
    assert!(
        outcome.not_converged.is_none(),
        "{}: fixes did not converge",
        path.display()
    );
    assert!(
        layerlint_syntax::parse(&outcome.source).parser_accepts()
            || !layerlint_syntax::parse(&source).parser_accepts(),
        "{}: the fixed file does not parse",
        path.display()
    );
    let fixed_context = context.as_ref().map(|c| {
        c.with_files(
            outcome
                .files
                .iter()
                .map(|(p, t)| (p.to_string_lossy().into_owned(), t.clone())),
        )
    });
    let fixed_target = Target {
        path: Some(path),
        context: fixed_context.as_ref().or(context.as_ref()),
    };
    let again = fix_file(
        &outcome.source,
        &fixed_target,
        &settings,
        Applicability::Unsafe,
    );
    assert_eq!(
        again.source,
        outcome.source,
        "{}: fixing is not idempotent",
        path.display()
    );
    assert!(
        again.files.is_empty(),
        "{}: fixing again changes {:?}",
        path.display(),
        again.files.keys().collect::<Vec<_>>()
    );
    if let Some(rule) = rule.filter(|r| r.meta().fix == FixAvailability::Always) {
        let left = outcome
            .remaining
            .diagnostics
            .iter()
            .filter(|d| d.rule.code == rule.code())
            .count();
        assert_eq!(
            left,
            0,
            "{}: findings of {} remain after fixing",
            path.display(),
            rule.name()
        );
    }
    render(&source, &target, &settings)
}

#[test]
fn rule_fixtures() {
    insta::glob!("../../../fixtures/rules", "*/*.Dockerfile", |path| {
        let folder = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy();
        let rule = Rule::from_code_or_name(&folder)
            .unwrap_or_else(|| panic!("fixtures/rules/{folder} is not a rule name"));
        if rule == Rule::Shellcheck
            && layerlint_linter::shellcheck::status(&settings_for(Some(rule), path))
                .binary()
                .is_none()
        {
            eprintln!("skipping {}: no shellcheck binary", path.display());
            return;
        }
        insta::assert_snapshot!(check_fixture(path, Some(rule)));
    });
}

#[test]
fn seed_fixtures() {
    insta::glob!("../../../fixtures/seed", "*/Dockerfile", |path| {
        insta::assert_snapshot!(check_fixture(path, None));
    });
}

#[test]
fn every_rule_has_a_fixture_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/rules");
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .map(|r| r.name())
        .filter(|name| {
            let dir = root.join(name);
            !std::fs::read_dir(&dir).is_ok_and(|mut entries| entries.next().is_some())
        })
        .collect();
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
}
