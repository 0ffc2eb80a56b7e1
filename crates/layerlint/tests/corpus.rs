//! The command line over the real-Dockerfile corpus (`../shared/corpus/real`, skipped when
//! absent): every file is checked without an error, the reports agree, `--fix` on a
//! scratch copy converges, leaves nothing fixable and is idempotent, and `--add-ignore`
//! hides every finding a comment may hide, once. ShellCheck is off: it
//! has its own corpus test, and one process per file would take minutes here.

mod common;

use std::path::PathBuf;

use common::{stderr, stdout};

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = common::root().join("../shared/corpus/real");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: no corpus at {}", dir.display());
        return None;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && !p
                    .extension()
                    .is_some_and(|e| e == "tsv" || e == "json" || e == "md")
        })
        .collect();
    files.sort();
    Some(files)
}

/// The files copied into a scratch directory (removed when the first value is dropped).
fn scratch_copies(files: &[PathBuf]) -> (tempfile::TempDir, Vec<PathBuf>) {
    let scratch = tempfile::tempdir().unwrap();
    let copies = files
        .iter()
        .map(|file| {
            let copy = scratch.path().join(file.file_name().unwrap());
            std::fs::copy(file, &copy).unwrap();
            copy
        })
        .collect();
    (scratch, copies)
}

fn layerlint() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("layerlint").unwrap();
    command.env("NO_COLOR", "1");
    command
}

#[test]
fn the_whole_corpus_in_one_run() {
    let Some(files) = corpus() else { return };
    let started = std::time::Instant::now();
    let out = layerlint()
        .args(["check", "--shellcheck", "off", "--format", "concise"])
        .args(&files)
        .output()
        .unwrap();
    eprintln!(
        "{} files in {:?} (debug build)",
        files.len(),
        started.elapsed()
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    assert!(!stderr(&out).contains("error:"), "{}", stderr(&out));
    let concise = stdout(&out).lines().count();
    let out = layerlint()
        .args(["check", "--shellcheck", "off", "--format", "json"])
        .args(&files)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), concise);
}

#[test]
fn fixing_the_corpus_converges_and_is_idempotent() {
    let Some(files) = corpus() else { return };
    let (_scratch, copies) = scratch_copies(&files);
    let out = layerlint()
        .args([
            "check",
            "--isolated",
            "--shellcheck",
            "off",
            "--fix",
            "--unsafe-fixes",
            "--exit-zero",
        ])
        .args(&copies)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("did not converge"), "{err}");
    assert!(!err.contains("error:"), "{err}");
    // Nothing left to fix: the diff is empty and a second --fix changes nothing.
    let out = layerlint()
        .args([
            "check",
            "--isolated",
            "--shellcheck",
            "off",
            "--diff",
            "--unsafe-fixes",
        ])
        .args(&copies)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
}

/// `--add-ignore` on a scratch copy: no file is refused (the command checks each result
/// before writing it), what is left are the findings no comment may hide, and a second run
/// adds nothing.
#[test]
fn add_ignore_on_the_corpus_leaves_only_what_comments_may_not_hide() {
    let Some(files) = corpus() else { return };
    let (_scratch, copies) = scratch_copies(&files);
    let args = [
        "check",
        "--isolated",
        "--shellcheck",
        "off",
        "--format",
        "json",
        "--add-ignore",
    ];
    let add_ignore = || layerlint().args(args).args(&copies).output().unwrap();
    let out = add_ignore();
    let err = stderr(&out);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{err}");
    assert!(
        !err.contains("warning:") && !err.contains("error:"),
        "{err}"
    );
    assert!(err.contains("Hid "), "{err}");
    let left: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for finding in left.as_array().unwrap() {
        let code = finding["code"].as_str().unwrap();
        assert!(
            matches!(code, "LL001" | "LL002" | "LL003" | "LL004" | "LL005"),
            "{finding}"
        );
    }
    let out = add_ignore();
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "No suppression comments to add in {} files.",
            copies.len()
        )),
        "{err}"
    );
}
