//! What a `.dockerignore` should leave out of a build context: version-control data,
//! installed dependencies, build output and caches that the image makes itself, logs and
//! local environment files — never a path the Dockerfile copies by name.

use foldhash::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use crate::{BuildContext, DockerIgnore};

/// An entry for `.dockerignore`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The pattern, as written in the file.
    pub pattern: String,
    /// The top-level path it is about, when it exists in the context.
    pub present: Option<String>,
    /// Why, in a few words.
    pub why: &'static str,
}

/// What the Dockerfile does that matters here.
#[derive(Clone, Debug, Default)]
pub struct Usage<'a> {
    /// The context paths COPY and ADD name (never left out).
    pub sources: &'a [String],
    /// The Dockerfile's path inside the context, when it is inside.
    pub dockerfile: Option<&'a str>,
    /// The image builds the project (`npm run build`, `tsc`): build output in the context
    /// is not needed.
    pub builds: bool,
}

/// The directories (top level) worth leaving out when they exist, with why.
const DIRECTORIES: [(&str, &str); 17] = [
    (".git", "version-control history"),
    ("node_modules", "dependencies the image installs"),
    ("__pycache__", "Python bytecode caches"),
    (".venv", "a local virtual environment"),
    ("venv", "a local virtual environment"),
    (".tox", "test environments"),
    (".pytest_cache", "test caches"),
    (".mypy_cache", "type-checker caches"),
    ("coverage", "test coverage output"),
    (".gradle", "Gradle's local caches"),
    (".idea", "editor settings"),
    (".vscode", "editor settings"),
    (".terraform", "Terraform plugins and state"),
    ("target", "build output"),
    ("dist", "build output the image rebuilds"),
    ("build", "build output the image rebuilds"),
    (".next", "build output the image rebuilds"),
];

fn has_any(context: &BuildContext, names: &[&str]) -> bool {
    names.iter().any(|n| context.exists(n))
}

fn is_python(context: &BuildContext) -> bool {
    context.remembered("suggest::is_python", || is_python_uncached(context))
}

fn is_python_uncached(context: &BuildContext) -> bool {
    has_any(
        context,
        &[
            "requirements.txt",
            "pyproject.toml",
            "setup.py",
            "Pipfile",
            "setup.cfg",
        ],
    ) || context.names("").iter().any(|n| n.ends_with(".py"))
}

fn is_dotnet(context: &BuildContext) -> bool {
    context.remembered("suggest::is_dotnet", || {
        context
            .names("")
            .iter()
            .any(|n| n.ends_with(".csproj") || n.ends_with(".sln") || n.ends_with(".fsproj"))
    })
}

/// Whether a directory entry applies to this context at all.
fn applies(name: &str, context: &BuildContext, usage: &Usage<'_>) -> bool {
    match name {
        "target" => has_any(context, &["Cargo.toml", "pom.xml"]),
        "dist" | "build" | ".next" => usage.builds && context.exists("package.json"),
        _ => true,
    }
}

/// `text` (a few ignore-file lines) parsed, once per process: every Dockerfile of a context
/// without a `.dockerignore` checks the same suggested entries. `None` when it does not
/// parse.
fn compiled(text: &str) -> Option<Arc<DockerIgnore>> {
    /// Suggested entries and their combinations are few; past this, parse without keeping.
    const MAX_CACHED: usize = 1024;
    type Cache = HashMap<String, Option<Arc<DockerIgnore>>>;
    static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Default::default);
    if let Some(found) = CACHE.lock().ok().and_then(|c| c.get(text).cloned()) {
        return found;
    }
    let parsed = DockerIgnore::parse(text).ok().map(Arc::new);
    if let Ok(mut cache) = CACHE.lock()
        && cache.len() < MAX_CACHED
    {
        cache.insert(text.to_owned(), parsed.clone());
    }
    parsed
}

/// Whether `pattern` would leave out something the Dockerfile copies by name.
fn conflicts(pattern: &str, usage: &Usage<'_>) -> bool {
    let Some(ignore) = compiled(pattern) else {
        return true;
    };
    usage.sources.iter().any(|source| {
        !source.is_empty()
            && (ignore.matches(source)
                || ignore
                    .patterns()
                    .iter()
                    .any(|p| crate::paths::is_within(p.pattern(), source) && !p.is_exclusion()))
    })
}

/// Whether `path`, written as a line of an ignore file, leaves out that path and no other:
/// not a comment (`#`), an exception (`!`), a name that trimming changes (leading or
/// trailing spaces), several lines, a wildcard or an escape (`*`, `?`, `[`, `\`, whose
/// meaning also differs on Windows).
fn is_literal(path: &str) -> bool {
    !path.contains(['*', '?', '[', ']', '\\'])
        && compiled(path).is_some_and(
            |ignore| matches!(ignore.patterns(), [p] if !p.is_exclusion() && p.pattern() == path),
        )
}

/// The entries for a new `.dockerignore` (LL204): the directories above that exist, and
/// the usual ones for the ecosystems the context shows.
pub fn for_new_file(context: &BuildContext, usage: &Usage<'_>) -> Vec<Suggestion> {
    let mut out: Vec<Suggestion> = Vec::new();
    let mut push = |pattern: &str, present: Option<String>, why: &'static str| {
        if !out.iter().any(|s| s.pattern == pattern) && !conflicts(pattern, usage) {
            out.push(Suggestion {
                pattern: pattern.to_owned(),
                present,
                why,
            });
        }
    };
    push(
        ".git",
        context.exists(".git").then(|| ".git".to_owned()),
        "version-control history",
    );
    if context.exists("package.json") || context.exists("node_modules") {
        push(
            "**/node_modules",
            context
                .exists("node_modules")
                .then(|| "node_modules".to_owned()),
            "dependencies the image installs",
        );
    }
    if is_python(context) || context.exists("__pycache__") {
        push("**/__pycache__", None, "Python bytecode caches");
        push("**/*.py[cod]", None, "Python bytecode");
        push(
            ".venv",
            context.exists(".venv").then(|| ".venv".to_owned()),
            "a local virtual environment",
        );
    }
    if is_dotnet(context) {
        push("**/bin", None, "build output");
        push("**/obj", None, "build output");
    }
    for (name, why) in DIRECTORIES {
        if context.is_dir(name) && applies(name, context, usage) {
            push(name, Some(name.to_owned()), why);
        }
    }
    // A directory an earlier entry already covers (`**/node_modules`) is not repeated.
    let mut kept: Vec<Suggestion> = Vec::new();
    for entry in out {
        let text: String = kept.iter().map(|e| format!("{}\n", e.pattern)).collect();
        let covered = compiled(&text).is_some_and(|i| i.matches(&entry.pattern));
        if covered {
            if let Some(present) = entry.present
                && let Some(previous) = kept
                    .iter_mut()
                    .find(|e| compiled(&e.pattern).is_some_and(|i| i.matches(&present)))
            {
                previous.present.get_or_insert(present);
            }
        } else {
            kept.push(entry);
        }
    }
    let mut out = kept;
    let mut push = |pattern: &str, present: Option<String>, why: &'static str| {
        if !out.iter().any(|s| s.pattern == pattern) && !conflicts(pattern, usage) {
            out.push(Suggestion {
                pattern: pattern.to_owned(),
                present,
                why,
            });
        }
    };
    push("**/*.log", None, "logs");
    push(
        ".env",
        context.exists(".env").then(|| ".env".to_owned()),
        "local secrets",
    );
    push(".env.*", None, "local secrets");
    if context.exists(".env.example") && out.iter().any(|s| s.pattern == ".env.*") {
        out.push(Suggestion {
            pattern: "!.env.example".to_owned(),
            present: None,
            why: "an example, often copied",
        });
    }
    if let Some(dockerfile) = usage.dockerfile {
        for pattern in [dockerfile, ".dockerignore"] {
            if is_literal(pattern) && !conflicts(pattern, usage) {
                out.push(Suggestion {
                    pattern: pattern.to_owned(),
                    present: None,
                    why: "the build reads it on its own",
                });
            }
        }
    }
    out
}

/// The directories an existing `.dockerignore` misses (LL205): they exist in the context,
/// are not left out, and the Dockerfile does not copy them by name.
pub fn missing_entries(context: &BuildContext, usage: &Usage<'_>) -> Vec<Suggestion> {
    // A directory of the context that the ignore file lets through, not on purpose, and
    // that the Dockerfile does not copy by name.
    let missing = |name: &str| {
        context.is_dir(name)
            && !context.is_ignored(name)
            && !re_included(context, name)
            && !conflicts(name, usage)
    };
    let dotnet = if is_dotnet(context) {
        &[("bin", "build output"), ("obj", "build output")][..]
    } else {
        &[]
    };
    DIRECTORIES
        .iter()
        .filter(|(name, _)| {
            !matches!(*name, ".idea" | ".vscode") && missing(name) && applies(name, context, usage)
        })
        .chain(dotnet.iter().filter(|(name, _)| missing(name)))
        .map(|&(name, why)| Suggestion {
            pattern: name.to_owned(),
            present: Some(name.to_owned()),
            why,
        })
        .collect()
}

/// Whether the ignore file lets `dir` (or a path written under it) through on purpose:
/// an exception that matches it (`!node_modules`, `!**/node_modules`) or names a path in
/// it (`!target/release/app`), which an entry appended after it would undo (the last
/// matching line decides). Exceptions about files anywhere (`!**/README.md`) do not count.
fn re_included(context: &BuildContext, dir: &str) -> bool {
    context.dockerignore().is_some_and(|ignore| {
        ignore.patterns().iter().any(|p| {
            p.is_exclusion()
                && (p.matches_exactly(dir)
                    || p.pattern()
                        .strip_prefix(dir)
                        .is_some_and(|rest| rest.starts_with('/')))
        })
    })
}

/// The text of a `.dockerignore` with `entries`, with the file's line ending.
pub fn render(entries: &[Suggestion], newline: &str) -> String {
    let mut out = String::new();
    for entry in entries {
        out.push_str(&entry.pattern);
        out.push_str(newline);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_file_for_a_node_context() {
        let context = BuildContext::in_memory([
            ("package.json", "{}"),
            ("src/index.ts", ""),
            ("dist/index.js", ""),
            (".env", "SECRET=1"),
        ]);
        let sources = vec![String::new()];
        let usage = Usage {
            sources: &sources,
            dockerfile: Some("Dockerfile"),
            builds: true,
        };
        let entries: Vec<String> = for_new_file(&context, &usage)
            .into_iter()
            .map(|s| s.pattern)
            .collect();
        assert_eq!(
            entries,
            [
                ".git",
                "**/node_modules",
                "dist",
                "**/*.log",
                ".env",
                ".env.*",
                "Dockerfile",
                ".dockerignore"
            ]
        );
        // A directory the Dockerfile copies by name stays.
        let sources = vec![String::new(), "dist".to_owned(), ".env".to_owned()];
        let usage = Usage {
            sources: &sources,
            dockerfile: None,
            builds: true,
        };
        let entries: Vec<String> = for_new_file(&context, &usage)
            .into_iter()
            .map(|s| s.pattern)
            .collect();
        assert!(!entries.contains(&"dist".to_owned()));
        assert!(!entries.contains(&".env".to_owned()));
    }

    /// The Dockerfile is left out only when its name, as a line of the file, means that name
    /// and no other: `#x` is a comment, `!x` an exception, ` x` is `x`, `x[1]` is `x1`.
    #[test]
    fn dockerfile_entry_only_when_literal() {
        let context = BuildContext::in_memory([("src/index.ts", "")]);
        let sources = vec![String::new()];
        for (name, written) in [
            ("Dockerfile", true),
            ("sub dir/Dockerfile.dev", true),
            ("#Dockerfile", false),
            ("!Dockerfile", false),
            (" Dockerfile", false),
            ("Dockerfile ", false),
            ("Dockerfile[1]", false),
            ("Docker*file", false),
            ("Docker?file", false),
            ("Docker\\file", false),
            ("Docker\nfile", false),
            ("sub/../Dockerfile", false),
        ] {
            let usage = Usage {
                sources: &sources,
                dockerfile: Some(name),
                builds: false,
            };
            let entries: Vec<String> = for_new_file(&context, &usage)
                .into_iter()
                .map(|s| s.pattern)
                .collect();
            assert_eq!(entries.iter().any(|e| e == name), written, "{name:?}");
            let about_it = entries.iter().filter(|e| e.contains("file")).count();
            assert_eq!(about_it, usize::from(written), "{name:?}: {entries:?}");
            assert!(entries.contains(&".dockerignore".to_owned()), "{name:?}");
        }
    }

    #[test]
    fn missing_directories() {
        let context = BuildContext::in_memory([
            (".dockerignore", ".git\n"),
            ("package.json", "{}"),
            ("node_modules/x/index.js", ""),
            (".git/HEAD", ""),
            ("src/index.ts", ""),
        ]);
        assert_eq!(missing_for_whole_copy(&context), ["node_modules"]);
    }

    /// [`missing_entries`] for a Dockerfile that copies the whole context and builds nothing.
    fn missing_for_whole_copy(context: &BuildContext) -> Vec<String> {
        let sources = vec![String::new()];
        let usage = Usage {
            sources: &sources,
            dockerfile: None,
            builds: false,
        };
        missing_entries(context, &usage)
            .into_iter()
            .map(|s| s.pattern)
            .collect()
    }

    /// A directory the ignore file re-includes, or re-includes part of, is not appended:
    /// the appended line, coming last, would undo the exception.
    #[test]
    fn re_included_directories_are_left_alone() {
        for (ignore, missing) in [
            (".git\n!node_modules\n", vec![".venv"]),
            (".git\nnode_modules\n!node_modules/keep\n", vec![".venv"]),
            (".git\n!.venv/bin/tool\n", vec!["node_modules"]),
            (".git\n!**/README.md\n", vec!["node_modules", ".venv"]),
            (".git\n!**/node_modules\n", vec![".venv"]),
            (".git\n!src\n", vec!["node_modules", ".venv"]),
        ] {
            let context = BuildContext::in_memory([
                (".dockerignore", ignore),
                ("package.json", "{}"),
                ("node_modules/keep/index.js", ""),
                (".venv/bin/tool", ""),
                (".git/HEAD", ""),
                ("src/index.ts", ""),
            ]);
            assert_eq!(missing_for_whole_copy(&context), missing, "{ignore:?}");
        }
    }
}
