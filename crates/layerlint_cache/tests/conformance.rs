//! The shared `.dockerignore` conformance cases (`shared/conformance/dockerignore/cases.json`,
//! next to the repository): every case must pass. Skipped, with a message, when the directory
//! is absent.

use std::path::PathBuf;

use layerlint_cache::DockerIgnore;
use serde_json::Value;

fn cases_file() -> PathBuf {
    // crates/layerlint_cache -> workspace root -> ../shared
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join("../shared/conformance/dockerignore/cases.json")
}

#[test]
fn shared_dockerignore_cases() {
    let path = cases_file();
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: no conformance cases at {}", path.display());
        return;
    };
    let cases: Vec<Value> = serde_json::from_str(&text).expect("cases.json is a JSON array");
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let patterns: Vec<&str> = case["patterns"]
            .as_array()
            .expect("patterns is an array")
            .iter()
            .map(|p| p.as_str().expect("a pattern is a string"))
            .collect();
        let path = case["path"].as_str().expect("path is a string");
        let expect = case["expect"].as_bool().expect("expect is a boolean");
        let src = case["src"].as_str().unwrap_or("?");
        match DockerIgnore::parse(&patterns.join("\n")) {
            Ok(ignore) => {
                let got = ignore.matches(path);
                if got != expect {
                    failures.push(format!(
                        "case {i} ({src}): {patterns:?} on {path:?}: expected {expect}, got {got}"
                    ));
                }
            }
            Err(e) => failures.push(format!("case {i} ({src}): {patterns:?}: {e}")),
        }
    }
    println!(
        "dockerignore conformance: {} of {} cases pass",
        cases.len() - failures.len(),
        cases.len()
    );
    assert_eq!(cases.len(), 82, "cases.json should hold 82 cases");
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );
}
