//! Every report format on the same inputs, as snapshots; SARIF validated against the
//! SARIF 2.1.0 JSON schema; GitLab fingerprints stable when lines move.

mod common;

use common::{Scratch, TUTORIAL, stdout};

/// The rules the snapshots use: fixed, so that new rules do not change them.
const RULES: &str = "LL001,LL002,LL003,LL004,LL005,LL006,LL101";

fn scratch() -> Scratch {
    let s = Scratch::new();
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    for name in ["app.Dockerfile", "crlf.Dockerfile", "clean.Dockerfile"] {
        s.file(name, std::fs::read(data.join(name)).unwrap());
    }
    s.file("tutorial/Dockerfile", TUTORIAL);
    s
}

fn report(s: &Scratch, format: &str) -> String {
    let out = s
        .layerlint()
        .args(["check", "--select", RULES, "--format", format, "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    stdout(&out).replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

#[test]
fn every_format() {
    let s = scratch();
    for format in [
        "text",
        "concise",
        "json",
        "sarif",
        "checkstyle",
        "junit",
        "github",
        "gitlab",
    ] {
        insta::assert_snapshot!(format, report(&s, format));
    }
}

/// A run with one report of per-file parts renders each file's part as the file is
/// checked; with a second report, both are rendered at the end, from the findings: the
/// parts, the summary and the exit status must not tell the two apart.
#[test]
fn parts_rendered_as_files_are_checked_are_the_parts_rendered_at_the_end() {
    let s = scratch();
    for format in [
        &["text"][..],
        &["text", "--color", "always"],
        &["concise"],
        &["github"],
    ] {
        let run = |also_json: bool| {
            let mut command = s.layerlint();
            // ShellCheck off: its findings come after every file is checked, and the parts
            // of the files it checks are rendered then.
            command
                .args(["check", "--select", "ALL", "--shellcheck=off", "--format"])
                .args(format);
            if also_json {
                command.args(["--format", "json", "--output", "report.json"]);
            }
            command.arg(".").output().unwrap()
        };
        let (early, late) = (run(false), run(true));
        assert!(!stdout(&early).is_empty(), "{format:?}: findings to show");
        assert_eq!(stdout(&early), stdout(&late), "{format:?}");
        assert_eq!(common::stderr(&early), common::stderr(&late), "{format:?}");
        assert_eq!(early.status.code(), late.status.code(), "{format:?}");
    }
}

#[test]
fn json_and_sarif_parse_and_agree() {
    let s = scratch();
    let json: serde_json::Value = serde_json::from_str(&report(&s, "json")).unwrap();
    let sarif: serde_json::Value = serde_json::from_str(&report(&s, "sarif")).unwrap();
    let findings = json.as_array().unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(findings.len(), results.len());
    for (finding, result) in findings.iter().zip(results) {
        assert_eq!(finding["code"], result["ruleId"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(finding["line"], region["startLine"]);
        assert_eq!(finding["column"], region["startColumn"]);
        assert_eq!(finding["end_column"], region["endColumn"]);
    }
}

/// The SARIF 2.1.0 schema as the `serde-sarif` crate (from crates.io) ships it.
fn sarif_schema() -> Option<serde_json::Value> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = std::process::Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    let manifest = metadata["packages"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == "serde-sarif")?["manifest_path"]
        .as_str()?
        .to_owned();
    let schema = std::path::Path::new(&manifest)
        .parent()?
        .join("src/schema.json");
    serde_json::from_str(&std::fs::read_to_string(schema).ok()?).ok()
}

#[test]
fn sarif_is_valid_against_the_schema() {
    let Some(schema) = sarif_schema() else {
        eprintln!("skipped: serde-sarif's schema.json not found through `cargo metadata`");
        return;
    };
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    let validator = jsonschema::validator_for(&schema).unwrap();
    let s = scratch();
    // With every rule, fixes and related locations included.
    let out = s
        .layerlint()
        .args(["check", "--select", "ALL", "--format", "sarif", "."])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["fixes"].is_array()),
        "a fix is exported"
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(
        rules
            .iter()
            .all(|r| r["helpUri"].is_string() && r["help"]["markdown"].is_string())
    );
    // An empty run is valid too.
    let clean = s
        .layerlint()
        .args(["check", "--format", "sarif", "clean.Dockerfile"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&clean.stdout).unwrap();
    assert!(validator.is_valid(&sarif));
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

#[test]
fn gitlab_fingerprints_survive_moved_lines() {
    let s = scratch();
    let fingerprints = |s: &Scratch| -> Vec<String> {
        let report: serde_json::Value = serde_json::from_str(&report(s, "gitlab")).unwrap();
        report
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = fingerprints(&s);
    let mut unique = before.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), before.len(), "fingerprints are unique");
    let moved = format!("# syntax=docker/dockerfile:1\n\n# a new header\n{TUTORIAL}");
    s.file("tutorial/Dockerfile", moved);
    assert_eq!(before, fingerprints(&s));
}

/// A file that could not be checked is an error in the formats CI systems show: JUnit (not
/// a passing test case), Checkstyle, GitHub annotations, and SARIF's tool notifications
/// (the invocation not successful).
#[test]
fn files_not_checked_are_errors_in_ci_formats() {
    let s = Scratch::new();
    s.file("clean.Dockerfile", common::CLEAN);
    s.file("binary.Dockerfile", b"FROM \x00\x01");
    s.file("broken/Dockerfile", common::CLEAN);
    s.file("broken/layerlint.toml", "fix = \"yes\"\n");
    let run = |format: &str| {
        let out = s
            .layerlint()
            .args(["check", "--format", format, "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
        stdout(&out).replace(&s.path().display().to_string(), "[SCRATCH]")
    };
    insta::assert_snapshot!("junit_errors", run("junit"));
    insta::assert_snapshot!("checkstyle_errors", run("checkstyle"));
    insta::assert_snapshot!("github_errors", run("github"));
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notified: Vec<(&str, &str)> = invocation["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap(),
                n["level"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        notified,
        [
            ("binary.Dockerfile", "error"),
            ("broken/Dockerfile", "error")
        ]
    );
    if let Some(schema) = sarif_schema() {
        assert!(jsonschema::validator_for(&schema).unwrap().is_valid(&sarif));
    }
}

/// On Unix a backslash is part of a file name, not a separator: `a\b.Dockerfile` is not
/// `b.Dockerfile` in directory `a`.
#[cfg(unix)]
#[test]
fn a_backslash_in_a_file_name_is_kept() {
    let s = Scratch::new();
    s.file("a\\b.Dockerfile", TUTORIAL);
    let gitlab: serde_json::Value = serde_json::from_str(&report(&s, "gitlab")).unwrap();
    assert_eq!(gitlab[0]["location"]["path"], "a\\b.Dockerfile");
    let sarif: serde_json::Value = serde_json::from_str(&report(&s, "sarif")).unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "a%5Cb.Dockerfile");
}
