//! BuildKit's CopyIgnoredFile cases (`../shared/conformance/buildkit-checks/`,
//! `TestCopyIgnoredFiles-*` and `TestCopyIgnoredFileContextRoot-*`), run with their build
//! context (`context_files` plus the Dockerfile itself): LL206 must report the same
//! sources, with the same verb, on the same lines.

use std::path::Path;

use layerlint_linter::{BuildContext, Settings, Target, lint_target};
use layerlint_text::LineIndex;
use serde_json::Value;

fn cases() -> Option<Vec<std::path::PathBuf>> {
    let root =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/buildkit-checks");
    let entries = std::fs::read_dir(&root).ok()?;
    let mut cases: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("TestCopyIgnoredFile"))
        })
        .collect();
    cases.sort();
    Some(cases)
}

/// (line, verb, path) from BuildKit's detail `Attempting to Copy file "x" that is …`.
fn expected(case: &Path) -> Vec<(u32, String, String)> {
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(case.join("expected.json")).unwrap())
            .unwrap();
    let warnings = match &json["check_warnings"] {
        Value::Null => &json["warnings"],
        other => other,
    };
    let lines: Vec<u32> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["line"].as_u64().unwrap() as u32)
        .collect();
    warnings
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, w)| w["rule"] == "CopyIgnoredFile")
        .map(|(i, w)| {
            let detail = w["detail"].as_str().unwrap();
            let verb = detail
                .strip_prefix("Attempting to ")
                .and_then(|d| d.split(' ').next())
                .unwrap()
                .to_uppercase();
            let path = detail.split('"').nth(1).unwrap().to_owned();
            let line = w["line"].as_u64().map_or(lines[i], |l| l as u32);
            (line, verb, path)
        })
        .collect()
}

fn actual(case: &Path) -> Vec<(u32, String, String)> {
    let source = std::fs::read_to_string(case.join("Dockerfile")).unwrap();
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(case.join("expected.json")).unwrap())
            .unwrap();
    let mut files = vec![("Dockerfile".to_owned(), source.clone())];
    if let Some(extra) = json["context_files"].as_object() {
        for (name, content) in extra {
            files.push((name.clone(), content.as_str().unwrap().to_owned()));
        }
    }
    let context = BuildContext::in_memory(files);
    let target = Target {
        path: None,
        context: Some(&context),
    };
    let result = lint_target(&source, &target, &Settings::default());
    let index = LineIndex::new(&source);
    result
        .diagnostics
        .iter()
        .filter(|d| d.rule.name == "copy-ignored-file")
        .map(|d| {
            let instruction =
                layerlint_linter::instruction_at(&result.parse.file, d.range.start()).unwrap();
            let start = result.parse.file.instructions()[instruction].range.start();
            let line = index.position(start, &source).line;
            let path = d.message.split('`').nth(1).unwrap().to_owned();
            let verb = if d.message.contains("so ADD") {
                "ADD"
            } else {
                "COPY"
            }
            .to_owned();
            (line, verb, path)
        })
        .collect()
}

#[test]
fn buildkit_copy_ignored_file_cases() {
    let Some(cases) = cases() else {
        eprintln!("skipped: ../shared/conformance/buildkit-checks is not there");
        return;
    };
    assert!(
        cases.len() >= 8,
        "expected the 8 CopyIgnoredFile cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let (want, got) = (expected(case), actual(case));
        if want != got {
            failures.push(format!(
                "{}: expected {want:?}, got {got:?}",
                case.display()
            ));
        }
    }
    eprintln!(
        "CopyIgnoredFile: {} of {} cases pass",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
