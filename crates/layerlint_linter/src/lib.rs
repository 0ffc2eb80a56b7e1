//! The linter: rules, the engine that runs them, settings, suppression comments and the
//! fix loop.
//!
//! ```
//! use layerlint_linter::{Settings, lint};
//!
//! let result = lint("FROM node:20\nCMD [\"node\", \"index.js\", ]\n", None, &Settings::default());
//! assert!(result.diagnostics.iter().any(|d| d.rule.name == "invalid-json-exec-form"));
//! ```

mod checker;
pub mod docs;
pub mod fix;
pub mod ignore;
mod programs;
mod registry;
pub mod rule;
mod rules;
mod search;
mod selector;
pub mod settings;
pub mod shell;
pub mod shellcheck;
mod suppression;

use std::path::Path;

pub use checker::{Context, Node, Report};
pub use layerlint_diagnostics::{
    Applicability, Category, Diagnostic, Edit, Equivalent, Fix, FixAvailability, RuleMeta, Severity,
};
pub use registry::Rule;
pub use selector::{
    Selection, levenshtein, resolve_selection, resolve_selector, shellcheck_code, suggest,
};
pub use settings::{ConfigError, FailureThreshold, Settings};

pub use layerlint_cache::BuildContext;
use layerlint_syntax::semantic::Semantic;
use layerlint_syntax::{Dockerfile, Parse};
use layerlint_text::TextSize;

/// A parsed file and its findings.
#[derive(Debug)]
pub struct LintResult {
    pub parse: Parse,
    pub diagnostics: Vec<Diagnostic>,
}

/// What is being checked besides its text: where the Dockerfile is, and its build context.
#[derive(Clone, Copy, Debug, Default)]
pub struct Target<'a> {
    pub path: Option<&'a Path>,
    pub context: Option<&'a BuildContext>,
}

impl<'a> Target<'a> {
    pub fn path(path: &'a Path) -> Self {
        Target {
            path: Some(path),
            context: None,
        }
    }
}

/// Parses and checks a Dockerfile (without a build context).
pub fn lint(source: &str, path: Option<&Path>, settings: &Settings) -> LintResult {
    lint_target(
        source,
        &Target {
            path,
            context: None,
        },
        settings,
    )
}

/// Parses and checks a Dockerfile.
pub fn lint_target(source: &str, target: &Target<'_>, settings: &Settings) -> LintResult {
    let parse = layerlint_syntax::parse(source);
    let diagnostics = check(&parse, target, settings);
    LintResult { parse, diagnostics }
}

/// Checks a parsed Dockerfile: runs the enabled rules (ShellCheck too, one process for
/// the file, when the `shellcheck` rule is enabled and a binary is found), applies
/// suppression comments and severities, and sorts the findings by position.
pub fn check(parse: &Parse, target: &Target<'_>, settings: &Settings) -> Vec<Diagnostic> {
    check_with(parse, target, settings, true)
}

/// [`check`] without running ShellCheck: for callers that run it over many files at once
/// with a [`shellcheck::Batch`] and add its findings.
pub fn check_without_shellcheck(
    parse: &Parse,
    target: &Target<'_>,
    settings: &Settings,
) -> Vec<Diagnostic> {
    check_with(parse, target, settings, false)
}

fn check_with(
    parse: &Parse,
    target: &Target<'_>,
    settings: &Settings,
    run_shellcheck: bool,
) -> Vec<Diagnostic> {
    let file = &parse.file;
    let semantic = Semantic::new(file);
    let check_override = settings
        .build_args
        .get(suppression::CHECK_BUILD_ARG)
        .map(String::as_str);
    let mut suppressions = suppression::Suppressions::collect(file, &semantic, check_override);
    let mut rules: Vec<Rule> = Vec::with_capacity(Rule::ALL.len());
    rules.extend(settings.enabled_rules());
    for rule in &suppressions.experimental {
        if !rules.contains(rule) {
            rules.push(*rule);
        }
    }
    let walk = checker::run(file, &semantic, &parse.errors, settings, target, &rules);
    let mut diagnostics = walk.diagnostics;
    let mut shellcheck_ran = false;
    if run_shellcheck
        && rules.contains(&Rule::Shellcheck)
        && let shellcheck::Status::Found(binary) = shellcheck::status(settings)
        && let Ok(found) =
            shellcheck::check_jobs(&binary, &walk.shellcheck_jobs, file.source(), settings)
    {
        diagnostics.extend(found);
        shellcheck_ran = true;
    }
    diagnostics.retain(|diagnostic| {
        let Some(rule) = Rule::from_meta(diagnostic.rule) else {
            return true;
        };
        let instruction = instruction_at(file, diagnostic.range.start());
        let stage = instruction.and_then(|i| semantic.stage_of(i));
        !suppressions.suppresses(rule, diagnostic.subcode.as_deref(), instruction, stage)
    });
    drop_fixes_on_refused_instructions(file, &parse.errors, &mut diagnostics);
    diagnostics.extend(suppressions.report(file, settings, shellcheck_ran));
    for diagnostic in &mut diagnostics {
        diagnostic.severity = settings.severity_of(diagnostic);
    }
    if suppressions.error_on_warning {
        suppression::apply_error_on_warning(&mut diagnostics);
    }
    sort_diagnostics(&mut diagnostics);
    diagnostics
}

/// A fix on an instruction whose flags BuildKit refuses (`COPY --from build /a /b`: a flag
/// without its value) rests on a misreading of its arguments — there `build` looks like a
/// second source — so the finding stays but its fix goes, with a note: the flag is to be
/// fixed first. (Other errors keep their fixes: LL101's fix is what repairs `SHELL` in
/// shell form.)
fn drop_fixes_on_refused_instructions(
    file: &Dockerfile,
    errors: &[layerlint_syntax::ParseError],
    diagnostics: &mut [Diagnostic],
) {
    if errors.is_empty() {
        return;
    }
    for diagnostic in diagnostics.iter_mut().filter(|d| d.fix.is_some()) {
        let Some(index) = instruction_at(file, diagnostic.range.start()) else {
            continue;
        };
        let range = file.instructions()[index].range;
        if let Some(error) = errors.iter().find(|e| {
            e.kind == layerlint_syntax::ParseErrorKind::InvalidFlag && range.contains_range(e.range)
        }) {
            diagnostic.fix = None;
            diagnostic.note.get_or_insert_with(|| {
                format!(
                    "no fix while BuildKit refuses a flag of this instruction ({})",
                    error.message
                )
            });
        }
    }
}

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Dockerfile.*`, `Dockerfile-*`,
/// `*.Dockerfile`, `*.dockerfile`, `Containerfile`, `Containerfile.*`, `dockerfile` (but
/// not `Dockerfile.dockerignore` and the like). What the CLI checks in a directory, and
/// what the language server lints whatever language the editor gives the document.
pub fn is_dockerfile_name(name: &str) -> bool {
    if name.ends_with(".dockerignore") || name.ends_with(".containerignore") {
        return false;
    }
    matches!(name, "Dockerfile" | "dockerfile" | "Containerfile")
        || name.starts_with("Dockerfile.")
        || name.starts_with("Dockerfile-")
        || name.starts_with("Containerfile.")
        || (name.len() > ".dockerfile".len()
            && (name.ends_with(".Dockerfile") || name.ends_with(".dockerfile")))
}

/// Sorts findings by position (then code), as [`check`] returns them.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.range.start(), a.range.end(), a.code()).cmp(&(b.range.start(), b.range.end(), b.code()))
    });
}

/// The number of a rule code (`LL105` → 105).
fn code_number(code: &str) -> Option<usize> {
    let digits = code.strip_prefix("LL")?;
    if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The index of the instruction holding `offset`.
pub fn instruction_at(file: &Dockerfile, offset: TextSize) -> Option<usize> {
    let instructions = file.instructions();
    let index = instructions.partition_point(|i| i.range.end() < offset);
    instructions
        .get(index)
        .filter(|i| i.range.contains_inclusive(offset))
        .map(|_| index)
}

impl Rule {
    /// The rule with this code, exactly (`LL105`).
    pub fn from_code(code: &str) -> Option<Rule> {
        // A code is `LL` and three digits (build.rs checks): the number indexes a table
        // of the rules. Every finding asks, more than once.
        static BY_NUMBER: std::sync::LazyLock<Vec<Option<Rule>>> = std::sync::LazyLock::new(|| {
            let mut table = vec![None; 1000];
            for &rule in Rule::ALL {
                if let Some(number) = code_number(rule.meta().code) {
                    table[number] = Some(rule);
                }
            }
            table
        });
        BY_NUMBER[code_number(code)?]
    }

    /// The rule a diagnostic's metadata belongs to.
    pub fn from_meta(meta: &RuleMeta) -> Option<Rule> {
        Rule::from_code(meta.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule is found by its code, and nothing else is.
    #[test]
    fn rules_by_code() {
        for &rule in Rule::ALL {
            assert_eq!(Rule::from_code(rule.code()), Some(rule));
            assert_eq!(Rule::from_meta(rule.meta()), Some(rule));
        }
        for code in [
            "", "LL", "LL1", "LL1055", "ll105", "LL-05", "LL999", "SC2086", "LL٠٠١",
        ] {
            assert_eq!(Rule::from_code(code), None, "{code}");
        }
    }
}
