//! The build context: the files `docker build` sends, on disk or given in memory (tests,
//! the language server's fixtures), with the `.dockerignore` that applies.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::dockerignore::{DockerIgnore, load_ignore_file};

/// Where the context's files come from.
#[derive(Clone, Debug)]
enum Files {
    Disk(PathBuf),
    Memory(BTreeMap<String, String>),
}

/// A build context.
#[derive(Clone, Debug)]
pub struct BuildContext {
    files: Files,
    ignore: Option<DockerIgnore>,
    /// The ignore file that applies, relative to the context (or absolute when outside).
    ignore_path: Option<PathBuf>,
    ignore_error: Option<String>,
}

/// A context path as Docker sees it: `/`-separated, no leading `./` or `/`.
fn clean(path: &str) -> String {
    let path = path.trim_start_matches("./").trim_start_matches('/');
    path.trim_end_matches('/').to_owned()
}

impl BuildContext {
    /// The directory `root` as the context of `dockerfile` (whose `<name>.dockerignore`
    /// wins over `root/.dockerignore`).
    pub fn on_disk(root: &Path, dockerfile: Option<&Path>) -> BuildContext {
        let default_dockerfile = root.join("Dockerfile");
        let dockerfile = dockerfile.unwrap_or(&default_dockerfile);
        let (ignore, ignore_path, ignore_error) = match load_ignore_file(dockerfile, root) {
            Ok(Some(file)) => (Some(file.ignore), Some(file.path), None),
            Ok(None) => (None, None, None),
            Err(err) => (None, None, Some(err.to_string())),
        };
        BuildContext {
            files: Files::Disk(root.to_owned()),
            ignore,
            ignore_path,
            ignore_error,
        }
    }

    /// A context of the given files (`path`, contents). A `.dockerignore` among them
    /// applies.
    pub fn in_memory<I, P, C>(files: I) -> BuildContext
    where
        I: IntoIterator<Item = (P, C)>,
        P: AsRef<str>,
        C: Into<String>,
    {
        let files: BTreeMap<String, String> = files
            .into_iter()
            .map(|(p, c)| (clean(p.as_ref()), c.into()))
            .collect();
        let (ignore, ignore_path, ignore_error) = match files.get(".dockerignore") {
            Some(text) => match DockerIgnore::parse(text) {
                Ok(ignore) => (Some(ignore), Some(PathBuf::from(".dockerignore")), None),
                Err(err) => (
                    None,
                    Some(PathBuf::from(".dockerignore")),
                    Some(err.to_string()),
                ),
            },
            None => (None, None, None),
        };
        BuildContext {
            files: Files::Memory(files),
            ignore,
            ignore_path,
            ignore_error,
        }
    }

    /// The context directory, when the context is on disk.
    pub fn root(&self) -> Option<&Path> {
        match &self.files {
            Files::Disk(root) => Some(root),
            Files::Memory(_) => None,
        }
    }

    /// Whether `path` (a file or directory, context-relative) exists.
    pub fn exists(&self, path: &str) -> bool {
        let path = clean(path);
        match &self.files {
            Files::Disk(root) => root.join(&path).exists(),
            Files::Memory(files) => {
                path.is_empty()
                    || files.contains_key(&path)
                    || files.keys().any(|f| f.starts_with(&format!("{path}/")))
            }
        }
    }

    /// The text of a file of the context.
    pub fn read(&self, path: &str) -> Option<String> {
        let path = clean(path);
        match &self.files {
            Files::Disk(root) => std::fs::read_to_string(root.join(path)).ok(),
            Files::Memory(files) => files.get(&path).cloned(),
        }
    }

    /// The names in a directory of the context (`""` for the root), sorted.
    pub fn list(&self, dir: &str) -> Vec<String> {
        let dir = clean(dir);
        match &self.files {
            Files::Disk(root) => {
                let mut names: Vec<String> = std::fs::read_dir(root.join(&dir))
                    .map(|entries| {
                        entries
                            .filter_map(Result::ok)
                            .map(|e| e.file_name().to_string_lossy().into_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                names.sort();
                names
            }
            Files::Memory(files) => {
                let prefix = if dir.is_empty() {
                    String::new()
                } else {
                    format!("{dir}/")
                };
                let mut names: Vec<String> = files
                    .keys()
                    .filter_map(|f| f.strip_prefix(&prefix))
                    .map(|rest| rest.split('/').next().unwrap_or(rest).to_owned())
                    .collect();
                names.dedup();
                names
            }
        }
    }

    /// The `.dockerignore` that applies, if any.
    pub fn dockerignore(&self) -> Option<&DockerIgnore> {
        self.ignore.as_ref()
    }

    /// The path of the ignore file that applies.
    pub fn dockerignore_path(&self) -> Option<&Path> {
        self.ignore_path.as_deref()
    }

    /// Why the ignore file could not be read, when it could not.
    pub fn dockerignore_error(&self) -> Option<&str> {
        self.ignore_error.as_deref()
    }

    /// Whether Docker leaves `path` out of the context.
    pub fn is_ignored(&self, path: &str) -> bool {
        self.ignore.as_ref().is_some_and(|i| i.matches(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_context() {
        let context = BuildContext::in_memory([
            ("package.json", "{}"),
            ("src/index.ts", ""),
            (".dockerignore", "node_modules\n*.log\n"),
        ]);
        assert!(context.exists("src"));
        assert!(context.exists("./package.json"));
        assert!(!context.exists("yarn.lock"));
        assert_eq!(context.list(""), [".dockerignore", "package.json", "src"]);
        assert!(context.is_ignored("node_modules/x"));
        assert!(!context.is_ignored("src/index.ts"));
        assert_eq!(context.read("package.json").as_deref(), Some("{}"));
    }
}
