//! Real Dockerfiles that build (`../shared/corpus/real`) must not get findings from the
//! rules that say "this does not build": each one there would be a false positive.
//! Skipped, with a message, when the corpus is absent.

use std::path::Path;

use layerlint_linter::{Settings, lint};

/// Rules whose findings mean BuildKit refuses the file.
const BUILD_ERRORS: [&str; 6] = [
    "copy-from-unknown-stage",
    "copy-from-own-stage",
    "copy-from-later-stage",
    "instruction-before-from",
    "invalid-expose-port",
    "onbuild-invalid-trigger",
];

#[test]
fn no_build_error_findings_on_real_dockerfiles() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipping: {} is absent", dir.display());
        return;
    };
    let mut files = 0;
    let mut findings = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.ends_with(".tsv") || name.ends_with(".json") || name.ends_with(".md") {
            continue;
        }
        let Ok(source) = std::fs::read_to_string(&path) else {
            continue;
        };
        files += 1;
        for d in lint(&source, Some(&path), &Settings::default()).diagnostics {
            if BUILD_ERRORS.contains(&d.rule.name) {
                findings.push(format!("{name}: {} {}", d.rule.name, d.message));
            }
        }
    }
    assert!(files > 1000, "only {files} corpus files");
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}
