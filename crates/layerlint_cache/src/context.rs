//! The build context: the files `docker build` sends, on disk or given in memory (tests,
//! the language server's fixtures), with the `.dockerignore` that applies.
//!
//! A context can carry an *overlay*: files written on top of it without touching the disk
//! (what the fix loop uses when a fix creates or extends `.dockerignore`).

use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use foldhash::HashMap;

use crate::dockerignore::{DOCKERIGNORE, DockerIgnore, load_ignore_file};

/// Where the context's files come from.
#[derive(Clone, Debug)]
enum Files {
    Disk(PathBuf),
    Memory(BTreeMap<String, String>),
}

/// How many files [`BuildContext::files`] lists at most (a guard against huge directories).
pub const MAX_LISTED_FILES: usize = 20_000;

/// Directories whose contents [`BuildContext::files`] does not descend into: version-control
/// internals and installed dependencies. The directory itself is still listed (as `name/`).
pub const OPAQUE_DIRS: [&str; 4] = [".git", "node_modules", ".hg", ".svn"];

/// A build context.
#[derive(Clone, Debug)]
pub struct BuildContext {
    files: Files,
    /// Files written over the context (context-relative path → content).
    overlay: BTreeMap<String, String>,
    ignore: Option<DockerIgnore>,
    /// The ignore file that applies, relative to the context (or absolute when outside).
    ignore_path: Option<PathBuf>,
    ignore_error: Option<String>,
    /// What was read from disk, when the context remembers it ([`BuildContext::cached`]);
    /// shared by the clones.
    cache: Option<Arc<DiskCache>>,
    /// The context directory with symbolic links resolved, once asked for.
    canonical_root: OnceLock<Option<PathBuf>>,
}

/// What an on-disk context has read: listings, file types, the walk. A linter run asks the
/// same questions for every Dockerfile of a directory (many per file), so a context shared
/// by them answers each once.
#[derive(Debug, Default)]
struct DiskCache {
    /// Directory → its names, sorted (no overlay); the root's are in `root`.
    lists: Mutex<HashMap<String, Arc<[String]>>>,
    /// The root's names, once listed: asked about for most paths (see
    /// [`BuildContext::stat`]), without a lock.
    root: OnceLock<RootNames>,
    /// The root's names that are, or may be, symbolic links, when whoever listed it said
    /// ([`BuildContext::with_root_links`]); sorted.
    root_links: OnceLock<Arc<[String]>>,
    /// Path → `None` when it does not exist, else whether it is a directory (following
    /// symbolic links, as [`Path::exists`] and [`Path::is_dir`] do).
    stats: Mutex<HashMap<String, Option<bool>>>,
    /// The walk of [`BuildContext::files`] (no overlay).
    walk: OnceLock<Arc<[String]>>,
    /// (directory, pattern) → the names there that match (no overlay).
    globs: Mutex<GlobCache>,
    /// Facts about the whole context ([`BuildContext::remembered`]).
    facts: Mutex<HashMap<&'static str, bool>>,
}

/// The names of the context's root: sorted, and as a set of hashes, which tells at once
/// that a name is absent (a hash that is not there), or that it may be there.
#[derive(Debug)]
struct RootNames {
    sorted: Arc<[String]>,
    hashes: foldhash::HashSet<u64>,
    state: foldhash::fast::FixedState,
}

impl RootNames {
    fn new(sorted: Arc<[String]>) -> RootNames {
        let state = foldhash::fast::FixedState::default();
        let hashes = sorted
            .iter()
            .map(|name| state.hash_one(name.as_str()))
            .collect();
        RootNames {
            sorted,
            hashes,
            state,
        }
    }

    /// `false` when `name` is not in the root; `true` when it may be (it is, but for a
    /// collision of hashes).
    fn may_contain(&self, name: &str) -> bool {
        self.hashes.contains(&self.state.hash_one(name))
    }
}

impl DiskCache {
    /// The listing of `dir` (clean), if known.
    fn list(&self, dir: &str) -> Option<Arc<[String]>> {
        if dir.is_empty() {
            return self.root.get().map(|root| Arc::clone(&root.sorted));
        }
        self.lists.lock().expect("not poisoned").get(dir).cloned()
    }

    /// Keeps `names` as the listing of `dir` (clean); the root's first listing stays.
    fn remember_list(&self, dir: &str, names: Arc<[String]>) {
        if dir.is_empty() {
            if self.root.get().is_none() {
                let _ = self.root.set(RootNames::new(names));
            }
        } else {
            self.lists
                .lock()
                .expect("not poisoned")
                .insert(dir.to_owned(), names);
        }
    }
}

/// (directory, pattern) → names.
type GlobCache = HashMap<(String, String), Arc<[String]>>;

/// A context path as Docker sees it: `/`-separated, no leading `./` or `/`. A part of
/// `path` (asked for every lookup: no copy).
fn clean(path: &str) -> &str {
    let mut path = path;
    // A leading `./` and a leading `/` cannot both apply: each step is forced.
    while let Some(rest) = path.strip_prefix("./").or_else(|| path.strip_prefix('/')) {
        path = rest;
    }
    let path = path.trim_end_matches('/');
    if path == "." { "" } else { path }
}

impl BuildContext {
    /// The directory `root` as the context of `dockerfile` (whose `<name>.dockerignore`
    /// wins over `root/.dockerignore`).
    pub fn on_disk(root: &Path, dockerfile: Option<&Path>) -> BuildContext {
        let default_dockerfile = root.join("Dockerfile");
        let dockerfile = dockerfile.unwrap_or(&default_dockerfile);
        let (ignore, ignore_path, ignore_error) = match load_ignore_file(dockerfile, root) {
            Ok(Some(file)) => {
                let path = file
                    .path
                    .strip_prefix(root)
                    .map(Path::to_path_buf)
                    .unwrap_or(file.path);
                (Some(file.ignore), Some(path), None)
            }
            Ok(None) => (None, None, None),
            Err(err) => (None, None, Some(err.to_string())),
        };
        BuildContext {
            files: Files::Disk(root.to_owned()),
            overlay: BTreeMap::new(),
            ignore,
            ignore_path,
            ignore_error,
            cache: None,
            canonical_root: OnceLock::new(),
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
            .map(|(p, c)| (clean(p.as_ref()).to_owned(), c.into()))
            .collect();
        let mut context = BuildContext {
            files: Files::Memory(files),
            overlay: BTreeMap::new(),
            ignore: None,
            ignore_path: None,
            ignore_error: None,
            cache: None,
            canonical_root: OnceLock::new(),
        };
        if let Some(text) = context.read(DOCKERIGNORE) {
            context.set_ignore(PathBuf::from(DOCKERIGNORE), &text);
        }
        context
    }

    /// This context, remembering what it reads from disk (listings, whether paths exist and
    /// are directories, the walk of [`BuildContext::files`]) instead of asking the file
    /// system again: for a run in which the context does not change on disk (the command
    /// line), shared by the Dockerfiles that see it. Clones share what it remembers.
    #[must_use]
    pub fn cached(mut self) -> BuildContext {
        if matches!(self.files, Files::Disk(_)) {
            self.cache = Some(Arc::default());
        }
        self
    }

    /// This context (cached, see [`BuildContext::cached`]) taking `names` as what is in
    /// `dir` (context-relative) on disk: the caller has just listed it, so the context does
    /// not list it again.
    #[must_use]
    pub fn with_listing(self, dir: &str, names: impl IntoIterator<Item = String>) -> BuildContext {
        if self.cache.is_none() {
            return self;
        }
        let mut names: Vec<String> = names.into_iter().collect();
        names.sort();
        names.dedup();
        self.with_sorted_listing(dir, names.into())
    }

    /// [`BuildContext::with_listing`] with `names` already sorted, without duplicates.
    #[must_use]
    pub fn with_sorted_listing(self, dir: &str, names: Arc<[String]>) -> BuildContext {
        debug_assert!(
            names.is_sorted_by(|a, b| a < b),
            "sorted, without duplicates"
        );
        if let Some(cache) = &self.cache {
            cache.remember_list(clean(dir), names);
        }
        self
    }

    /// This context (cached, given its root's names with [`BuildContext::with_listing`])
    /// also knowing which of them are, or may be, symbolic links (`links`: sorted): then
    /// [`BuildContext::plain_root_entry`] answers without asking the disk.
    #[must_use]
    pub fn with_root_links(self, links: Arc<[String]>) -> BuildContext {
        debug_assert!(links.is_sorted(), "sorted");
        if let Some(cache) = &self.cache {
            let _ = cache.root_links.set(links);
        }
        self
    }

    /// Whether `name` is in the context directory on disk and is not a symbolic link, from
    /// the names and links given ([`BuildContext::with_root_links`]); `None` when they were
    /// not given.
    pub fn plain_root_entry(&self, name: &str) -> Option<bool> {
        let cache = self.cache.as_ref()?;
        let (root, links) = (cache.root.get()?, cache.root_links.get()?);
        let listed = |names: &[String]| names.binary_search_by(|n| n.as_str().cmp(name)).is_ok();
        Some(listed(&root.sorted) && !listed(links))
    }

    /// Whether `path` (clean, context-relative) is known not to exist on disk: the root's
    /// names are known, and its first element is not among them. Most paths asked about
    /// (COPY sources, ecosystem markers) are absent, and each `stat` is a system call.
    /// Takes no lock. The first element is found byte by byte: it is short, and a searcher
    /// for `/` cost more to set up than the search.
    fn not_in_root(&self, path: &str) -> bool {
        let first = path
            .bytes()
            .position(|b| b == b'/')
            .map_or(path, |slash| &path[..slash]);
        !matches!(first, "" | "." | "..")
            && self
                .cache
                .as_ref()
                .and_then(|cache| cache.root.get())
                .is_some_and(|root| !root.may_contain(first))
    }

    /// `None` when `path` (clean, context-relative) does not exist on disk, else whether it
    /// is a directory.
    fn stat(&self, root: &Path, path: &str) -> Option<bool> {
        let ask = || std::fs::metadata(root.join(path)).ok().map(|m| m.is_dir());
        let Some(cache) = &self.cache else {
            return ask();
        };
        if self.not_in_root(path) {
            return None;
        }
        if let Some(&known) = cache.stats.lock().expect("not poisoned").get(path) {
            return known;
        }
        let answer = ask();
        cache
            .stats
            .lock()
            .expect("not poisoned")
            .insert(path.to_owned(), answer);
        answer
    }

    /// The names in `dir` (clean) on disk, sorted.
    fn disk_names(&self, root: &Path, dir: &str) -> Arc<[String]> {
        let ask = || -> Arc<[String]> {
            let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            names.dedup();
            names.into()
        };
        let Some(cache) = &self.cache else {
            return ask();
        };
        if let Some(known) = cache.list(dir) {
            return known;
        }
        let names = ask();
        cache.remember_list(dir, Arc::clone(&names));
        names
    }

    fn set_ignore(&mut self, path: PathBuf, text: &str) {
        match DockerIgnore::parse(text) {
            Ok(ignore) => {
                self.ignore = Some(ignore);
                self.ignore_error = None;
            }
            Err(err) => {
                self.ignore = None;
                self.ignore_error = Some(err.to_string());
            }
        }
        self.ignore_path = Some(path);
    }

    /// This context with `files` (context-relative path, full new content) written over it,
    /// in memory. When one of them is the ignore file that applies (or `.dockerignore` when
    /// none applies yet), its patterns are read again.
    #[must_use]
    pub fn with_files<I, P, C>(&self, files: I) -> BuildContext
    where
        I: IntoIterator<Item = (P, C)>,
        P: AsRef<str>,
        C: Into<String>,
    {
        let mut context = self.clone();
        for (path, content) in files {
            let path = clean(path.as_ref()).to_owned();
            let content = content.into();
            let is_ignore_file = match &context.ignore_path {
                Some(ignore) => ignore.to_str().is_some_and(|p| clean(p) == path),
                None => path == DOCKERIGNORE,
            };
            if is_ignore_file {
                context.set_ignore(PathBuf::from(&path), &content);
            }
            context.overlay.insert(path, content);
        }
        context
    }

    /// The context directory, when the context is on disk.
    pub fn root(&self) -> Option<&Path> {
        match &self.files {
            Files::Disk(root) => Some(root),
            Files::Memory(_) => None,
        }
    }

    /// The context directory with symbolic links resolved ([`std::fs::canonicalize`]),
    /// when the context is on disk and the directory can be resolved; asked once.
    pub fn canonical_root(&self) -> Option<&Path> {
        self.canonical_root
            .get_or_init(|| {
                self.root()
                    .and_then(|root| std::fs::canonicalize(root).ok())
            })
            .as_deref()
    }

    /// Whether `path` (a file or directory, context-relative) exists.
    pub fn exists(&self, path: &str) -> bool {
        let path = clean(path);
        if self.overlay_has(path) {
            return true;
        }
        match &self.files {
            Files::Disk(root) => self.stat(root, path).is_some(),
            Files::Memory(files) => path.is_empty() || memory_has(files, path),
        }
    }

    /// Whether `path` is a directory of the context (the root is one).
    pub fn is_dir(&self, path: &str) -> bool {
        let path = clean(path);
        if path.is_empty() {
            return true;
        }
        if has_under(&self.overlay, path) {
            return true;
        }
        match &self.files {
            Files::Disk(root) => self.stat(root, path) == Some(true),
            Files::Memory(files) => has_under(files, path),
        }
    }

    fn overlay_has(&self, path: &str) -> bool {
        path.is_empty() || memory_has(&self.overlay, path)
    }

    /// The text of a file of the context.
    pub fn read(&self, path: &str) -> Option<String> {
        String::from_utf8(self.head(path, usize::MAX)?).ok()
    }

    /// The first `len` bytes of a file of the context (all of it when shorter); `None`
    /// when it is not a regular file of the context ([`BuildContext::read`] reads it all).
    pub fn head(&self, path: &str, len: usize) -> Option<Vec<u8>> {
        let path = clean(path);
        let prefix = |text: &str| text.as_bytes()[..len.min(text.len())].to_vec();
        if let Some(text) = self.overlay.get(path) {
            return Some(prefix(text));
        }
        match &self.files {
            Files::Disk(root) => {
                use std::io::Read;
                // Regular files only: opening a named pipe waits for a writer.
                if self.not_in_root(path) {
                    return None;
                }
                let path = root.join(path);
                if !path.is_file() {
                    return None;
                }
                let mut bytes = Vec::new();
                std::fs::File::open(path)
                    .ok()?
                    .take(len as u64)
                    .read_to_end(&mut bytes)
                    .ok()?;
                Some(bytes)
            }
            Files::Memory(files) => files.get(path).map(|text| prefix(text)),
        }
    }

    /// The names in a directory of the context (`""` for the root), sorted.
    pub fn list(&self, dir: &str) -> Vec<String> {
        self.names(dir).to_vec()
    }

    /// The names in a directory of the context (`""` for the root), sorted, shared: what
    /// [`BuildContext::list`] returns, without a copy when the context remembers it.
    pub fn names(&self, dir: &str) -> Arc<[String]> {
        let dir = clean(dir);
        let overlay = memory_list(&self.overlay, dir);
        let mut names: Vec<String> = match &self.files {
            Files::Disk(root) => {
                let names = self.disk_names(root, dir);
                if overlay.is_empty() {
                    return names;
                }
                names.to_vec()
            }
            Files::Memory(files) => memory_list(files, dir),
        };
        names.extend(overlay);
        names.sort();
        names.dedup();
        names.into()
    }

    /// A fact about the context's files (`key` names it), computed once per run when the
    /// context remembers what it reads and has no overlay: for questions every Dockerfile
    /// of a directory asks (is this a Python project? — a scan of every name there).
    pub fn remembered(&self, key: &'static str, compute: impl FnOnce() -> bool) -> bool {
        let Some(cache) = self.cache.as_ref().filter(|_| self.overlay.is_empty()) else {
            return compute();
        };
        if let Some(&known) = cache.facts.lock().expect("not poisoned").get(key) {
            return known;
        }
        let fact = compute();
        cache.facts.lock().expect("not poisoned").insert(key, fact);
        fact
    }

    /// The names in a directory of the context that match `pattern` (Go's `path.Match`,
    /// see [`crate::paths::glob_match`]), sorted.
    pub fn glob(&self, dir: &str, pattern: &str) -> Arc<[String]> {
        let matching = || -> Arc<[String]> {
            // A name that matches starts with the pattern's literal head: only the sorted
            // names from there are tried (a directory of thousands, a pattern per COPY).
            let names = self.names(dir);
            let head = crate::paths::literal_head(pattern);
            let from = names.partition_point(|name| name.as_str() < head);
            // The pattern looked at once, not per name.
            let glob = crate::paths::Glob::new(pattern);
            names[from..]
                .iter()
                .take_while(|name| name.starts_with(head))
                .filter(|name| glob.matches(name))
                .cloned()
                .collect()
        };
        let Some(cache) = self.cache.as_ref().filter(|_| self.overlay.is_empty()) else {
            return matching();
        };
        let key = (clean(dir).to_owned(), pattern.to_owned());
        if let Some(known) = cache.globs.lock().expect("not poisoned").get(&key) {
            return Arc::clone(known);
        }
        let found = matching();
        cache
            .globs
            .lock()
            .expect("not poisoned")
            .insert(key, Arc::clone(&found));
        found
    }

    /// Every file of the context, context-relative and sorted, with directories that hold
    /// nothing listed as `name/`. Does not descend into [`OPAQUE_DIRS`] (listed as `name/`)
    /// and stops after [`MAX_LISTED_FILES`]. Ignored files are included: ask
    /// [`BuildContext::is_ignored`].
    pub fn files(&self) -> Vec<String> {
        let mut out: Vec<String> = match &self.files {
            Files::Disk(root) => match &self.cache {
                Some(cache) => cache
                    .walk
                    .get_or_init(|| {
                        let mut out = Vec::new();
                        walk(root, "", &mut out);
                        out.into()
                    })
                    .to_vec(),
                None => {
                    let mut out = Vec::new();
                    walk(root, "", &mut out);
                    out
                }
            },
            Files::Memory(files) => files.keys().cloned().collect(),
        };
        out.extend(self.overlay.keys().cloned());
        out.sort();
        out.dedup();
        out
    }

    /// The `.dockerignore` that applies, if any.
    pub fn dockerignore(&self) -> Option<&DockerIgnore> {
        self.ignore.as_ref()
    }

    /// The path of the ignore file that applies: relative to the context when it is inside
    /// it, else absolute.
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

fn memory_has(files: &BTreeMap<String, String>, path: &str) -> bool {
    files.contains_key(path) || has_under(files, path)
}

/// Whether a file of `files` is under the directory `dir`. (The overlay asked here first is
/// nearly always empty: no string is built for it.)
fn has_under(files: &BTreeMap<String, String>, dir: &str) -> bool {
    use std::ops::Bound;
    if files.is_empty() {
        return false;
    }
    let prefix = format!("{dir}/");
    files
        .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
        .next()
        .is_some_and(|(f, _)| f.starts_with(&prefix))
}

fn memory_list(files: &BTreeMap<String, String>, dir: &str) -> Vec<String> {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    let mut names: Vec<String> = files
        .keys()
        .filter_map(|f| f.strip_prefix(&prefix))
        .filter(|rest| !rest.is_empty())
        .map(|rest| rest.split('/').next().unwrap_or(rest).to_owned())
        .collect();
    names.dedup();
    names
}

fn walk(root: &Path, dir: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return;
    };
    let mut entries: Vec<(String, bool)> = entries
        .filter_map(Result::ok)
        .map(|e| {
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            (e.file_name().to_string_lossy().into_owned(), is_dir)
        })
        .collect();
    entries.sort();
    if entries.is_empty() && !dir.is_empty() {
        out.push(format!("{dir}/"));
    }
    for (name, is_dir) in entries {
        if out.len() >= MAX_LISTED_FILES {
            return;
        }
        let path = if dir.is_empty() {
            name.clone()
        } else {
            format!("{dir}/{name}")
        };
        if is_dir {
            if OPAQUE_DIRS.contains(&name.as_str()) {
                out.push(format!("{path}/"));
            } else {
                walk(root, &path, out);
            }
        } else {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_tries_the_names_from_the_literal_head() {
        let names = [
            "Dockerfile",
            "a",
            "a.json",
            "ab",
            "abc.txt",
            "b*",
            "b[1]",
            "ba",
            "package.json",
            "package-lock.json",
            "pnpm-lock.yaml",
            "x\\y",
            "ä.txt",
        ];
        let context = BuildContext::in_memory(names.iter().map(|n| (*n, "")));
        for pattern in [
            "*",
            "a*",
            "a?",
            "ab*",
            "package*.json",
            "p*",
            "b\\*",
            "b[*",
            "b[1]",
            "b\\[1]",
            "[ab]*",
            "?",
            "ä*",
            "x\\\\y",
            "*.json",
            "Dockerfile",
            "nothing*",
            "",
        ] {
            let expected: Vec<String> = context
                .list("")
                .into_iter()
                .filter(|name| crate::paths::glob_match(pattern, name))
                .collect();
            assert_eq!(context.glob("", pattern).to_vec(), expected, "{pattern}");
        }
    }

    #[test]
    fn in_memory_context() {
        let context = BuildContext::in_memory([
            ("package.json", "{}"),
            ("src/index.ts", ""),
            (".dockerignore", "node_modules\n*.log\n"),
        ]);
        assert!(context.exists("src"));
        assert!(context.is_dir("src"));
        assert!(!context.is_dir("package.json"));
        assert!(context.exists("./package.json"));
        assert!(!context.exists("yarn.lock"));
        assert_eq!(context.list(""), [".dockerignore", "package.json", "src"]);
        assert!(context.is_ignored("node_modules/x"));
        assert!(!context.is_ignored("src/index.ts"));
        assert_eq!(context.read("package.json").as_deref(), Some("{}"));
        assert_eq!(
            context.files(),
            [".dockerignore", "package.json", "src/index.ts"]
        );
    }

    #[test]
    fn overlay_adds_an_ignore_file() {
        let context = BuildContext::in_memory([("package.json", "{}"), ("src/a.ts", "")]);
        assert!(context.dockerignore().is_none());
        let with = context.with_files([(".dockerignore", "src\n")]);
        assert!(with.is_ignored("src/a.ts"));
        assert_eq!(with.dockerignore_path(), Some(Path::new(".dockerignore")));
        assert!(with.exists(".dockerignore"));
        assert_eq!(with.list(""), [".dockerignore", "package.json", "src"]);
        assert!(!context.is_ignored("src/a.ts"));
    }

    #[test]
    fn on_disk_walk_and_overlay() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src/lib")).unwrap();
        std::fs::create_dir_all(root.join("node_modules/x")).unwrap();
        std::fs::create_dir_all(root.join("empty")).unwrap();
        std::fs::write(root.join("src/lib/a.rs"), "").unwrap();
        std::fs::write(root.join("node_modules/x/i.js"), "").unwrap();
        std::fs::write(root.join("Dockerfile"), "FROM a\n").unwrap();
        let context = BuildContext::on_disk(root, None);
        assert_eq!(
            context.files(),
            ["Dockerfile", "empty/", "node_modules/", "src/lib/a.rs"]
        );
        assert!(context.is_dir("src/lib"));
        std::fs::write(root.join(".dockerignore"), "node_modules\n").unwrap();
        let context = BuildContext::on_disk(root, None);
        assert_eq!(
            context.dockerignore_path(),
            Some(Path::new(".dockerignore"))
        );
        let extended = context.with_files([(".dockerignore", "node_modules\nsrc\n")]);
        assert!(extended.is_ignored("src/lib/a.rs"));
        assert!(!context.is_ignored("src/lib/a.rs"));
    }

    #[test]
    fn a_listing_given_is_taken_instead_of_reading_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("Dockerfile"), "FROM a\n").unwrap();
        std::fs::write(root.join("on-disk"), "").unwrap();
        let names = ["b", "a", "b"].map(String::from);
        // Cached: the names given answer (sorted, without duplicates), not the disk.
        let given = BuildContext::on_disk(root, None)
            .cached()
            .with_listing("./", names.clone());
        assert_eq!(given.list(""), ["a", "b"]);
        // A path outside the names given does not exist, nor anything below it, without
        // asking the disk; one among them is still asked about.
        assert!(!given.exists("on-disk") && !given.exists("on-disk/x"));
        assert_eq!(given.head("on-disk", 4), None);
        assert!(!given.exists("a") && !given.is_dir("b"));
        // `..` is not a name of the directory: asked about.
        assert!(given.exists("..") && given.is_dir(".."));
        // Which names are links is not known until said.
        assert_eq!(given.plain_root_entry("a"), None);
        let linked = given
            .clone()
            .with_root_links(Arc::from([String::from("b")]));
        assert_eq!(linked.plain_root_entry("a"), Some(true));
        assert_eq!(linked.plain_root_entry("b"), Some(false));
        assert_eq!(linked.plain_root_entry("on-disk"), Some(false));
        // Overlaid files still show over the names given.
        assert_eq!(given.with_files([("c", "")]).list(""), ["a", "b", "c"]);
        // A context that does not remember what it reads keeps reading the disk.
        let uncached = BuildContext::on_disk(root, None).with_listing("", names);
        assert_eq!(uncached.list(""), ["Dockerfile", "on-disk"]);
        assert!(uncached.exists("on-disk"));
        assert_eq!(uncached.head("on-disk", 4), Some(Vec::new()));
    }
}
