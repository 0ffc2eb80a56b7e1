//! BuildKit's own parser test vectors (`../shared/conformance/buildkit-parser`): every
//! `testfiles/*/Dockerfile` must dump exactly as its `result`, every
//! `testfiles-negative/*/Dockerfile` must be rejected, and `testfile-line` must give
//! BuildKit's line numbers.

use std::path::{Path, PathBuf};

use layerlint_syntax::{buildkit, parse};
use layerlint_text::LineIndex;

fn conformance_dir() -> Option<PathBuf> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/buildkit-parser");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} is absent", dir.display());
        None
    }
}

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn testfiles_dump_like_buildkit() {
    let Some(dir) = conformance_dir() else { return };
    let cases = cases(&dir.join("testfiles"));
    assert_eq!(cases.len(), 33);
    let mut failures = Vec::new();
    for case in &cases {
        let source = std::fs::read_to_string(case.join("Dockerfile")).unwrap();
        let expected = std::fs::read_to_string(case.join("result"))
            .unwrap()
            .replace("\r\n", "\n");
        let parsed = parse(&source);
        assert_eq!(parsed.file.print(), source, "{}: lossless", case.display());
        if !parsed.parser_accepts() {
            failures.push(format!("{}: rejected: {:?}", case.display(), parsed.errors));
            continue;
        }
        let dumped = buildkit::dump(&parsed.file);
        if dumped != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- got\n{dumped}",
                case.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn negative_testfiles_are_rejected() {
    let Some(dir) = conformance_dir() else { return };
    let cases = cases(&dir.join("testfiles-negative"));
    assert_eq!(cases.len(), 4);
    for case in &cases {
        let source = std::fs::read_to_string(case.join("Dockerfile")).unwrap();
        let parsed = parse(&source);
        let first = parsed.errors.iter().find(|e| e.kind.is_parser_level());
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expected = match name.as_str() {
            "empty_dockerfile" | "only_comments" => "file with no instructions",
            "env_no_value" => "ENV must have two arguments",
            "shykes-nested-json" => {
                "when using JSON array syntax, arrays must be comprised of strings only"
            }
            other => panic!("unexpected case {other}"),
        };
        assert_eq!(first.map(|e| e.message.as_str()), Some(expected), "{name}");
        assert_eq!(parsed.file.print(), source);
    }
}

#[test]
fn testfile_line_numbers() {
    let Some(dir) = conformance_dir() else { return };
    let source = std::fs::read_to_string(dir.join("testfile-line/Dockerfile")).unwrap();
    let parsed = parse(&source);
    let index = LineIndex::new(&source);
    let lines: Vec<(u32, u32)> = parsed
        .file
        .instructions()
        .iter()
        .map(|i| {
            (
                index.line_of(i.range.start()) + 1,
                index.line_of(i.range.end()) + 1,
            )
        })
        .collect();
    assert_eq!(lines, [(5, 5), (11, 12), (17, 31)]);
}
