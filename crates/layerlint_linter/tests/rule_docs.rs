//! Meta-tests over every rule: its documentation has the expected sections, its examples
//! behave as documented (each invalid example gives exactly one finding of the rule, each
//! valid one none), its fix resolves the finding, and its metadata follows the house style.

use layerlint_linter::fix::fix_file;
use layerlint_linter::settings::ShellcheckSetting;
use layerlint_linter::{Applicability, FixAvailability, Rule, Settings, docs, lint};

/// Every rule enabled, with the options of the rule's `## Options` block; ShellCheck runs
/// only for the ShellCheck rule's own examples.
fn settings_for(rule: Rule) -> Settings {
    let mut settings = match docs::example_options(rule.meta()) {
        Some(toml) => Settings::from_toml(&toml, std::path::Path::new("layerlint.toml"))
            .unwrap_or_else(|e| panic!("{}: `## Options`: {e}", rule.code())),
        None => Settings::default(),
    };
    for &other in Rule::ALL {
        settings.set_enabled(other, true);
    }
    if rule != Rule::Shellcheck {
        settings.options.shellcheck = ShellcheckSetting::Off;
    }
    settings
}

/// Whether the rule's examples can be checked here (ShellCheck's need the binary).
fn checkable(rule: Rule) -> bool {
    let ok = rule != Rule::Shellcheck
        || layerlint_linter::shellcheck::status(&settings_for(rule))
            .binary()
            .is_some();
    if !ok {
        eprintln!(
            "skipping the examples of {}: no shellcheck binary",
            rule.code()
        );
    }
    ok
}

fn findings(rule: Rule, code: &str) -> Vec<String> {
    lint(code, None, &settings_for(rule))
        .diagnostics
        .iter()
        .filter(|d| d.rule.code == rule.code())
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn documentation_sections() {
    let mut problems = Vec::new();
    for rule in Rule::ALL {
        let meta = rule.meta();
        let markdown = docs::docs_markdown(meta);
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Examples",
            "## Fix safety",
        ] {
            if !markdown.contains(section) {
                problems.push(format!("{}: no `{section}`", meta.code));
            }
        }
        let examples = docs::examples(meta);
        if !examples.iter().any(|e| e.invalid) || !examples.iter().any(|e| !e.invalid) {
            problems.push(format!(
                "{}: needs at least one invalid and one valid example",
                meta.code
            ));
        }
        let name_ok = meta.name.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        if !name_ok {
            problems.push(format!(
                "{}: name `{}` is not kebab-case",
                meta.code, meta.name
            ));
        }
        if meta.summary.ends_with('.') || meta.summary.starts_with(char::is_uppercase) {
            problems.push(format!(
                "{}: summary should start lower-case and not end with a period",
                meta.code
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn examples_behave_as_documented() {
    let mut problems = Vec::new();
    let mut count = 0;
    for &rule in Rule::ALL {
        if !checkable(rule) {
            continue;
        }
        for example in docs::examples(rule.meta()) {
            count += 1;
            let found = findings(rule, &example.code);
            let expected = usize::from(example.invalid);
            if found.len() != expected {
                problems.push(format!(
                    "{} {}: {} finding(s) instead of {expected} in\n{}{:?}",
                    rule.code(),
                    if example.invalid { "invalid" } else { "valid" },
                    found.len(),
                    example.code,
                    found
                ));
            }
            for message in &found {
                let first = message.chars().next().unwrap_or('a');
                let second = message.chars().nth(1).unwrap_or('a');
                if (first.is_uppercase() && !second.is_uppercase()) || message.ends_with('.') {
                    problems.push(format!(
                        "{}: message should start lower-case and not end with a period: {message}",
                        rule.code()
                    ));
                }
            }
        }
    }
    assert!(count > 0);
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn fixes_resolve_the_invalid_examples() {
    let mut problems = Vec::new();
    for &rule in Rule::ALL {
        if rule.meta().fix == FixAvailability::None || !checkable(rule) {
            continue;
        }
        for example in docs::examples(rule.meta())
            .into_iter()
            .filter(|e| e.invalid)
        {
            let settings = settings_for(rule);
            let outcome = fix_file(
                &example.code,
                &layerlint_linter::Target::default(),
                &settings,
                Applicability::Unsafe,
            );
            if outcome.not_converged.is_some() {
                problems.push(format!(
                    "{}: fixes did not converge on\n{}",
                    rule.code(),
                    example.code
                ));
                continue;
            }
            if !layerlint_syntax::parse(&outcome.source).parser_accepts() {
                problems.push(format!(
                    "{}: fixed text does not parse:\n{}",
                    rule.code(),
                    outcome.source
                ));
            }
            let again = fix_file(
                &outcome.source,
                &layerlint_linter::Target::default(),
                &settings,
                Applicability::Unsafe,
            );
            if again.source != outcome.source {
                problems.push(format!(
                    "{}: fixing twice differs from fixing once",
                    rule.code()
                ));
            }
            if rule.meta().fix == FixAvailability::Always
                && !findings(rule, &outcome.source).is_empty()
            {
                problems.push(format!(
                    "{}: the finding remains after fixing:\n{}",
                    rule.code(),
                    outcome.source
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
