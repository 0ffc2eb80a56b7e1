//! Real Dockerfiles that build (`../shared/corpus/real`) must not get findings from the
//! rules that say "this does not build": each one there would be a false positive — except
//! in the few files that, read by hand, really do not build (`KNOWN_BROKEN`).
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

/// Corpus files with a real build error, each read by hand: (file, rule, what is wrong).
/// The test checks that they are still reported.
const KNOWN_BROKEN: [(&str, &str, &str); 3] = [
    (
        "0789oleh__Event-management-system__Dockerfile",
        "copy-from-unknown-stage",
        "`COPY --from=builder` in a file with one unnamed stage: `docker.io/library/builder` \
         does not exist",
    ),
    (
        "docker__compose__Dockerfile",
        "copy-from-unknown-stage",
        "the `license-update` stage copies `--from=set`; the stage is `license-set` (the \
         target fails; the default one does not need it)",
    ),
    (
        "docker__buildx__vendor__github.com__docker__cli-docs-tool__Dockerfile",
        "copy-from-unknown-stage",
        "the same `--from=set` for `license-set` in the `license-update` stage",
    ),
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
    let mut known = Vec::new();
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
            if !BUILD_ERRORS.contains(&d.rule.name) {
                continue;
            }
            if KNOWN_BROKEN
                .iter()
                .any(|(file, rule, _)| *file == name && *rule == d.rule.name)
            {
                known.push((name.to_string(), d.rule.name));
            } else {
                findings.push(format!("{name}: {} {}", d.rule.name, d.message));
            }
        }
    }
    assert!(files > 1000, "only {files} corpus files");
    assert!(findings.is_empty(), "{}", findings.join("\n"));
    for (file, rule, why) in KNOWN_BROKEN {
        assert!(
            known.iter().any(|(f, r)| f == file && *r == rule),
            "{file} is no longer reported by {rule} ({why})"
        );
    }
}
