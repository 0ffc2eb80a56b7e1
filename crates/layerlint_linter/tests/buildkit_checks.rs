//! BuildKit conformance: every case of `../shared/conformance/buildkit-checks/` (BuildKit's
//! own build-check tests, see its `NOTICE.md`) must give the findings BuildKit expects on
//! its check path (`docker build --check`: every stage) — the same rules, matched through
//! their BuildKit alias, at the same lines.
//!
//! * Settings are the defaults, plus what the case asks for: the file's `# check=`
//!   directive, or the `BUILDKIT_DOCKERFILE_CHECK` build argument that replaces it, and
//!   the other `build-arg:NAME` values of `frontend_attrs`.
//! * The build context holds `Dockerfile` and the case's `context_files`.
//! * Lines: BuildKit reports at the instruction. A finding matches when its line is
//!   BuildKit's, or else when BuildKit's line falls within the lines of the instruction
//!   the finding is in (BuildKit puts `NoEmptyContinuation` at the instruction's last line,
//!   we put it at the empty line).
//! * Cases about `CopyIgnoredFile` are pending until a rule has that alias (it belongs to
//!   the build-context work); they are counted apart.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use layerlint_linter::{
    BuildContext, Equivalent, Rule, Settings, Target, instruction_at, lint_target,
};
use layerlint_text::LineIndex;
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    warnings: Vec<Warning>,
    check_warnings: Option<Vec<Warning>>,
    frontend_attrs: Option<BTreeMap<String, String>>,
    context_files: Option<BTreeMap<String, String>>,
}

#[derive(Clone, Deserialize)]
struct Warning {
    rule: String,
    line: u32,
    detail: String,
}

/// One of our findings, as BuildKit would name it.
#[derive(Debug)]
struct Found {
    rule: &'static str,
    line: u32,
    /// The lines of the instruction the finding is in.
    span: (u32, u32),
    message: String,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/buildkit-checks")
}

fn buildkit_alias(rule: &layerlint_linter::RuleMeta) -> Option<&'static str> {
    rule.equivalents.iter().find_map(|e| match e {
        Equivalent::BuildKit(id) => Some(*id),
        _ => None,
    })
}

fn findings(dir: &Path, expected: &Expected) -> Vec<Found> {
    let source = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
    let mut settings = Settings::default();
    for (key, value) in expected.frontend_attrs.iter().flatten() {
        if let Some(name) = key.strip_prefix("build-arg:") {
            settings.build_args.insert(name.to_owned(), value.clone());
        }
    }
    let mut files: Vec<(String, String)> = vec![("Dockerfile".to_owned(), source.clone())];
    files.extend(expected.context_files.clone().unwrap_or_default());
    let context = BuildContext::in_memory(files);
    let path = dir.join("Dockerfile");
    let target = Target {
        path: Some(&path),
        context: Some(&context),
    };
    let result = lint_target(&source, &target, &settings);
    let index = LineIndex::new(&source);
    let line = |offset| index.position(offset, &source).line;
    let file = &result.parse.file;
    result
        .diagnostics
        .iter()
        .filter_map(|d| {
            let rule = buildkit_alias(d.rule)?;
            let at = line(d.range.start());
            let span = instruction_at(file, d.range.start()).map_or((at, at), |i| {
                let range = file.instructions()[i].range;
                (line(range.start()), line(range.end()))
            });
            Some(Found {
                rule,
                line: at,
                span,
                message: d.message.clone(),
            })
        })
        .collect()
}

/// Pairs expected warnings with findings: exact lines first, then lines within the
/// finding's instruction. Returns what is left on each side.
fn compare(expected: &[Warning], found: Vec<Found>) -> (Vec<Warning>, Vec<Found>) {
    let mut left: Vec<Option<Found>> = found.into_iter().map(Some).collect();
    let mut missing = Vec::new();
    let mut pending: Vec<&Warning> = Vec::new();
    for warning in expected {
        let slot = left.iter_mut().find(|f| {
            f.as_ref()
                .is_some_and(|f| f.rule == warning.rule && f.line == warning.line)
        });
        match slot {
            Some(slot) => *slot = None,
            None => pending.push(warning),
        }
    }
    for warning in pending {
        let slot = left.iter_mut().find(|f| {
            f.as_ref().is_some_and(|f| {
                f.rule == warning.rule && f.span.0 <= warning.line && warning.line <= f.span.1
            })
        });
        match slot {
            Some(slot) => *slot = None,
            None => missing.push(warning.clone()),
        }
    }
    (missing, left.into_iter().flatten().collect())
}

#[test]
fn buildkit_check_cases() {
    let root = root();
    let Ok(entries) = std::fs::read_dir(&root) else {
        eprintln!(
            "skipped: no BuildKit check cases at {} (the shared field data is absent)",
            root.display()
        );
        return;
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("expected.json").is_file())
        .collect();
    dirs.sort();
    let copy_ignored_rule = !Rule::from_alias("CopyIgnoredFile").is_empty();
    let (mut passed, mut pending) = (Vec::new(), Vec::new());
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let expected: Expected =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap())
                .unwrap_or_else(|e| panic!("{name}/expected.json: {e}"));
        let wanted = expected
            .check_warnings
            .clone()
            .unwrap_or_else(|| expected.warnings.clone());
        let dockerfile = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
        let about_copy_ignored = wanted.iter().any(|w| w.rule == "CopyIgnoredFile")
            || dockerfile.contains("CopyIgnoredFile")
            || name.starts_with("TestCopyIgnoredFileContextRoot");
        if about_copy_ignored && !copy_ignored_rule {
            pending.push(name);
            continue;
        }
        let (missing, extra) = compare(&wanted, findings(dir, &expected));
        if missing.is_empty() && extra.is_empty() {
            passed.push(name);
            continue;
        }
        let mut report = format!("{name}:\n");
        for w in &missing {
            report.push_str(&format!(
                "  missing {} at line {}: {}\n",
                w.rule, w.line, w.detail
            ));
        }
        for f in &extra {
            report.push_str(&format!(
                "  extra   {} at line {}: {}\n",
                f.rule, f.line, f.message
            ));
        }
        failures.push(report);
    }
    eprintln!(
        "BuildKit check cases: {} passed, {} pending (CopyIgnoredFile: {}), {} failed, {} total",
        passed.len(),
        pending.len(),
        pending.join(", "),
        failures.len(),
        dirs.len()
    );
    assert!(failures.is_empty(), "{}", failures.join(""));
    assert_eq!(passed.len() + pending.len(), dirs.len());
    assert!(pending.len() <= 5, "pending: {pending:?}");
    assert_eq!(dirs.len(), 87, "the suite has 87 cases");
}
