//! The real-Dockerfile corpus (`../shared/corpus/real`, read in place; `LAYERLINT_CORPUS`
//! points elsewhere) and the build contexts its `CONTEXT.tsv` records: shared by the corpus
//! tests of `layerlint_cache` and `layerlint_linter` (included by path).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use layerlint_cache::BuildContext;

/// The corpus directory, when it is there.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("LAYERLINT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real")
        });
    dir.is_dir().then_some(dir)
}
/// Names without an extension that are files, not directories.
const FILE_NAMES: [&str; 30] = [
    "Dockerfile",
    "Makefile",
    "Gemfile",
    "Rakefile",
    "Procfile",
    "Pipfile",
    "LICENSE",
    "README",
    "CHANGELOG",
    "VERSION",
    "Jenkinsfile",
    "Vagrantfile",
    "mvnw",
    "gradlew",
    "Brewfile",
    "Caddyfile",
    "Justfile",
    "Taskfile",
    "CODEOWNERS",
    "AUTHORS",
    "NOTICE",
    "COPYING",
    "CONTRIBUTING",
    "Containerfile",
    "Guardfile",
    "Capfile",
    "Berksfile",
    "Podfile",
    "Earthfile",
    "Tiltfile",
];

/// Dot-names that are directories.
const DOT_DIRS: [&str; 18] = [
    ".mvn",
    ".yarn",
    ".github",
    ".vscode",
    ".idea",
    ".git",
    ".husky",
    ".devcontainer",
    ".circleci",
    ".storybook",
    ".next",
    ".venv",
    ".cargo",
    ".bundle",
    ".config",
    ".gradle",
    ".docker",
    ".gitlab",
];

fn is_dir(name: &str) -> bool {
    if name.starts_with('.') {
        return DOT_DIRS.contains(&name);
    }
    !name.contains('.')
        && !FILE_NAMES.iter().any(|f| name.starts_with(f))
        && !name.starts_with("Dockerfile")
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// file → in-memory build context (its `.dockerignore` and the names at the top of the
/// context, files empty), from `CONTEXT.tsv`.
pub fn contexts(dir: &Path) -> BTreeMap<String, BuildContext> {
    let Ok(text) = std::fs::read_to_string(dir.join("CONTEXT.tsv")) else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < 4 {
            continue;
        }
        let ignore = unescape(fields[2]);
        let mut files: Vec<(String, String)> = Vec::new();
        for name in fields[3].split(',').filter(|n| !n.is_empty()) {
            if name == ".dockerignore" {
                files.push((name.to_owned(), ignore.clone()));
            } else if is_dir(name) {
                files.push((
                    format!("{name}/.layerlint-probe-placeholder"),
                    String::new(),
                ));
            } else {
                files.push((name.to_owned(), String::new()));
            }
        }
        out.insert(fields[0].to_owned(), BuildContext::in_memory(files));
    }
    out
}
