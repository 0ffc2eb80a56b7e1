//! Every real Dockerfile of `../shared/corpus/real` parses without panicking and prints
//! back byte for byte; the files with errors are listed (BuildKit rejects each of them
//! too: see `KNOWN_REJECTED`).

use std::path::{Path, PathBuf};

use layerlint_syntax::parse;

/// Corpus files with a problem BuildKit also refuses, and why.
const KNOWN_REJECTED: &[(&str, &str)] = &[
    (
        "BretFisher__docker-mastery-for-nodejs__assignment-dockerfile__Dockerfile",
        "a worksheet of bare keywords: `FROM` without an image, `COPY` without a destination",
    ),
    (
        "BretFisher__docker-mastery-for-nodejs__sample-result-orchestration__tests__Dockerfile",
        "a line ends without `\\`, so the next line starts with the instruction `&&`",
    ),
    (
        "BretFisher__udemy-docker-mastery__compose-assignment-2__Dockerfile",
        "only comments: BuildKit's `file with no instructions`",
    ),
    (
        "BretFisher__udemy-docker-mastery__dockerfile-assignment-1__Dockerfile",
        "only comments: BuildKit's `file with no instructions`",
    ),
    (
        "BretFisher__udemy-docker-mastery__dockerfiles__entrypoint__assignment01__apachebench__Dockerfile",
        "only comments: BuildKit's `file with no instructions`",
    ),
    (
        "BretFisher__udemy-docker-mastery__dockerfiles__entrypoint__assignment02__Dockerfile",
        "only comments: BuildKit's `file with no instructions`",
    ),
    (
        "GoogleContainerTools__skaffold__docs-v1__content__en__samples__builders__artifact-dependencies__Dockerfile.app",
        "documentation snippet with a literal `...` line: unknown instruction",
    ),
    (
        "docker__compose__pkg__e2e__fixtures__wrong-composefile__service1__Dockerfile",
        "a deliberately broken test fixture: unknown instruction `WRONG`",
    ),
    (
        "vimagick__dockerfiles__obs-web-arm__Dockerfile",
        "`COPY --from build`: BuildKit's `missing a value on flag: --from`",
    ),
];

fn corpus_files() -> Option<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real");
    if !dir.is_dir() {
        eprintln!("skipping: {} is absent", dir.display());
        return None;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.ends_with(".tsv") && !name.ends_with(".json") && !name.ends_with(".md")
        })
        .collect();
    files.sort();
    Some(files)
}

#[test]
fn corpus_round_trips_and_errors_are_known() {
    let Some(files) = corpus_files() else { return };
    assert!(files.len() >= 1952, "{} files", files.len());
    let mut unexpected = Vec::new();
    let mut with_errors = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let source = String::from_utf8_lossy(&bytes);
        let parsed = parse(&source);
        assert_eq!(parsed.file.print(), source, "{}", path.display());
        if parsed.errors.is_empty() {
            continue;
        }
        with_errors += 1;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !KNOWN_REJECTED.iter().any(|(file, _)| *file == name) {
            let messages: Vec<String> = parsed
                .errors
                .iter()
                .map(|e| format!("{:?}: {}", e.kind, e.message))
                .collect();
            unexpected.push(format!("{name}: {}", messages.join("; ")));
        }
    }
    eprintln!("{} files, {with_errors} with errors", files.len());
    assert_eq!(
        with_errors,
        KNOWN_REJECTED.len(),
        "a known rejected file now parses"
    );
    assert!(
        unexpected.is_empty(),
        "unexpected errors:\n{}",
        unexpected.join("\n")
    );
}
