//! `layerlint cache`: the layer report of the tutorial seed, as text and JSON.

use assert_cmd::Command;

fn seed() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/seed/node-cache/Dockerfile")
}

#[test]
fn text_report_of_the_seed() {
    let output = Command::cargo_bin("layerlint")
        .unwrap()
        .args(["cache"])
        .arg(seed())
        .args(["--changed", "src/index.ts", "package.json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("changed: src/index.ts"), "{text}");
    assert!(text.contains("changed: package.json"), "{text}");
    assert!(text.contains("dependency installs re-run: 1"), "{text}");
    assert!(text.contains("dependency installs re-run: 0"), "{text}");
}

#[test]
fn json_report_of_the_seed() {
    let output = Command::cargo_bin("layerlint")
        .unwrap()
        .args(["cache", "--format", "json"])
        .arg(seed())
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("\"installs_rerun\": 1"), "{text}");
    assert!(text.contains("\"path\": \"src/index.ts\""), "{text}");
}

#[test]
fn missing_file_is_a_usage_error() {
    Command::cargo_bin("layerlint")
        .unwrap()
        .args(["cache", "no/such/Dockerfile"])
        .assert()
        .code(2);
}
