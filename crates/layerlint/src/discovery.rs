//! Finding the Dockerfiles to check: files named on the command line, and Dockerfiles
//! found by walking directories (honouring `.gitignore`, `.ignore` and `exclude`).

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::ConfigResolver;
use crate::listing::{LIST_FROM, Listings};

/// Directories never walked into (a file inside one can still be named explicitly).
pub const SKIPPED_DIRS: [&str; 4] = [".git", ".hg", ".svn", "node_modules"];

pub use layerlint_linter::is_dockerfile_name;

/// One Dockerfile to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// The path as reports show it (as given, or as found below a given directory);
    /// for standard input, `--stdin-filename` or `-`.
    pub display: PathBuf,
    /// The absolute path (for configuration lookup and the build context).
    pub absolute: PathBuf,
    pub stdin: bool,
    /// For a file found by walking a directory: that directory (absolute). `--fix` writes
    /// through a symbolic link only to a file inside it; a file named on the command line
    /// (`None`) is written wherever its link points.
    pub walked_from: Option<PathBuf>,
}

/// What discovery found.
#[derive(Debug, Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    /// One-line problems (`path: No such file or directory`).
    pub errors: Vec<String>,
    /// Directories given that hold no Dockerfile.
    pub empty_dirs: Vec<PathBuf>,
    /// Files named on the command line that `--force-exclude` skipped.
    pub force_excluded: usize,
    /// Standard input's path (absolute), when `--force-exclude` skipped it.
    pub stdin_excluded: Option<PathBuf>,
}

/// The directory discovery will list ([`Listings::list_early`]), seen on the command line
/// before it is parsed: when the last [`LIST_FROM`] arguments are paths in one directory
/// (`xargs`, pre-commit, a shell glob), discovery lists it. `None` otherwise.
pub fn likely_listed_dir(args: &[OsString]) -> Option<PathBuf> {
    let last = args.get(args.len().checked_sub(LIST_FROM)?..)?;
    // The same directory is the same bytes up to the name (the last `/` included).
    fn dir_of(arg: &OsString) -> Option<&[u8]> {
        let bytes = arg.as_encoded_bytes();
        let start = memchr::memrchr(b'/', bytes).map_or(0, |slash| slash + 1);
        (bytes.first() != Some(&b'-')).then_some(&bytes[..start])
    }
    let dir = dir_of(last.first()?)?;
    if !last.iter().all(|arg| dir_of(arg) == Some(dir)) {
        return None;
    }
    // As the configuration resolver takes it, for discovery's absolute paths.
    let cwd = std::env::current_dir().ok()?;
    let absolute = normalize(join(&cwd, Path::new(last.last()?)));
    parent_and_name(&absolute).map(|(dir, _)| dir.to_owned())
}

/// Finds the Dockerfiles of `paths` (`.` when empty).
pub fn discover(
    paths: &[PathBuf],
    stdin_filename: Option<&Path>,
    force_exclude: bool,
    resolver: &Arc<ConfigResolver>,
    listings: &Listings,
) -> Discovered {
    discover_with(
        paths,
        stdin_filename,
        force_exclude,
        resolver,
        listings,
        true,
    )
}

/// [`discover`]; `named_first`: whether many named paths are first taken for files (what
/// the tests compare with taking them one by one).
fn discover_with(
    paths: &[PathBuf],
    stdin_filename: Option<&Path>,
    force_exclude: bool,
    resolver: &Arc<ConfigResolver>,
    listings: &Listings,
    named_first: bool,
) -> Discovered {
    let mut found = Discovered::default();
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    // Absolute paths already taken, by their bytes (normalized, so equal paths are equal
    // bytes; hashing a `Path` goes component by component).
    let mut seen: HashSet<OsString> = HashSet::with_capacity(paths.len());
    let cwd = resolver.cwd().to_owned();
    // A normal directory joined with a relative path of plain elements is normal: only the
    // path named is looked at (the directory once), not the whole of each joined path.
    let cwd_is_normal = cwd == Path::new("/") || is_normal(&cwd);
    let absolute = |p: &Path| {
        let joined = join(&cwd, p);
        if cwd_is_normal && is_plain_relative(p) {
            joined
        } else {
            normalize(joined)
        }
    };
    // Each named path made absolute once.
    let absolutes: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            if p.as_os_str() == "-" {
                PathBuf::new()
            } else {
                absolute(p)
            }
        })
        .collect();
    // Whether each named path is a directory: from the listing of its directory when many
    // paths share one (`xargs`, pre-commit on a big commit), else from a `stat`.
    let mut per_dir: HashMap<&std::ffi::OsStr, usize> = HashMap::new();
    for (path, abs) in paths.iter().zip(&absolutes) {
        if path.as_os_str() != "-"
            && let Some((dir, _)) = parent_and_name(abs)
        {
            *per_dir.entry(dir.as_os_str()).or_default() += 1;
        }
    }
    // Many paths named (`xargs`, pre-commit) are files, as a rule: they are made into
    // inputs while their directory's listing is still being read (see
    // `Listings::list_early`), and the listing only confirms that each is a file.
    let named_files =
        (named_first && paths.len() >= LIST_FROM && !paths.iter().any(|p| p.as_os_str() == "-"))
            .then(|| NamedFiles::new(paths, &absolutes, force_exclude, resolver));
    for (dir, count) in &per_dir {
        if *count >= LIST_FROM {
            listings.list(Path::new(dir));
        }
    }
    // The last directory's listing: named paths come grouped by directory.
    let mut last_dir: Option<(PathBuf, Option<Arc<crate::listing::Listing>>)> = None;
    let mut is_dir = |path: &Path, abs: &Path| -> std::io::Result<bool> {
        let parent_and_name = parent_and_name(abs);
        // Normalized paths: equal paths are equal bytes.
        let listing = parent_and_name.and_then(|(dir, _)| match &last_dir {
            Some((known, listing)) if known.as_os_str() == dir.as_os_str() => listing.clone(),
            _ => {
                let listing = listings.get(dir);
                last_dir = Some((dir.to_owned(), listing.clone()));
                listing
            }
        });
        let known =
            listing.and_then(|listing| parent_and_name.and_then(|(_, name)| listing.kind(name)));
        match known {
            Some(Some(is_dir)) => Ok(is_dir),
            Some(None) | None => std::fs::metadata(path).map(|m| m.is_dir()),
        }
    };
    if let Some(named) = named_files
        && paths
            .iter()
            .zip(&absolutes)
            .all(|(path, abs)| matches!(is_dir(path, abs), Ok(false)))
    {
        found.force_excluded = named.force_excluded;
        found.inputs = named.into_inputs(absolutes);
        return found;
    }
    for (path, abs) in paths.iter().zip(absolutes) {
        if path.as_os_str() == "-" {
            let display = stdin_filename.map_or_else(|| PathBuf::from("-"), Path::to_owned);
            let abs = stdin_filename.map_or_else(|| cwd.join("Dockerfile"), &absolute);
            if force_exclude && stdin_filename.is_some() && excluded(resolver, &abs) {
                found.force_excluded += 1;
                found.stdin_excluded = Some(abs);
                continue;
            }
            found.inputs.push(Input {
                display,
                absolute: abs,
                stdin: true,
                walked_from: None,
            });
            continue;
        }
        let dir = match is_dir(path, &abs) {
            Ok(dir) => dir,
            Err(err) => {
                found
                    .errors
                    .push(format!("{}: {}", shown(path), io_message(&err)));
                continue;
            }
        };
        if !dir {
            if force_exclude && excluded(resolver, &abs) {
                found.force_excluded += 1;
                continue;
            }
            if seen.insert(abs.as_os_str().to_owned()) {
                found.inputs.push(Input {
                    display: clean_display(path),
                    absolute: abs,
                    stdin: false,
                    walked_from: None,
                });
            }
            continue;
        }
        let before = found.inputs.len();
        walk(path, &abs, resolver, &mut seen, &mut found);
        if found.inputs.len() == before {
            found.empty_dirs.push(path.clone());
        }
    }
    // Dockerfiles found by walking that share a directory share its build context (see
    // `listing::Contexts`), which takes the directory's listing: one `readdir` here instead
    // of a context, and a listing, per Dockerfile. A lone Dockerfile is not listed (that
    // costs a process linting one file in a big directory milliseconds).
    let mut walked: HashMap<&Path, usize> = HashMap::new();
    for input in found.inputs.iter().filter(|i| i.walked_from.is_some()) {
        if let Some(dir) = input.absolute.parent() {
            *walked.entry(dir).or_default() += 1;
        }
    }
    for (dir, count) in walked {
        if count >= 2 && listings.get(dir).is_none() {
            listings.list(dir);
        }
    }
    found
}

/// The inputs of named paths that are all files: what the loop over the paths in
/// [`discover`] makes of them when none is a directory or standard input.
struct NamedFiles {
    /// The index of each path kept (the first of equal paths, not excluded), in order,
    /// and how it is shown.
    kept: Vec<(usize, PathBuf)>,
    force_excluded: usize,
}

impl NamedFiles {
    fn new(
        paths: &[PathBuf],
        absolutes: &[PathBuf],
        force_exclude: bool,
        resolver: &ConfigResolver,
    ) -> NamedFiles {
        let mut seen: HashSet<&std::ffi::OsStr> = HashSet::with_capacity(paths.len());
        let mut named = NamedFiles {
            kept: Vec::with_capacity(paths.len()),
            force_excluded: 0,
        };
        for (i, (path, abs)) in paths.iter().zip(absolutes).enumerate() {
            if force_exclude && excluded(resolver, abs) {
                named.force_excluded += 1;
                continue;
            }
            if seen.insert(abs.as_os_str()) {
                named.kept.push((i, clean_display(path)));
            }
        }
        named
    }

    /// The inputs, taking the kept paths' absolute paths out of `absolutes`.
    fn into_inputs(self, mut absolutes: Vec<PathBuf>) -> Vec<Input> {
        self.kept
            .into_iter()
            .map(|(i, display)| Input {
                display,
                absolute: std::mem::take(&mut absolutes[i]),
                stdin: false,
                walked_from: None,
            })
            .collect()
    }
}

fn excluded(resolver: &ConfigResolver, abs: &Path) -> bool {
    let dir = abs.parent().unwrap_or(abs);
    resolver
        .for_dir(dir)
        .is_ok_and(|resolved| resolved.is_excluded(abs))
}

fn walk(
    root: &Path,
    root_abs: &Path,
    resolver: &Arc<ConfigResolver>,
    seen: &mut HashSet<OsString>,
    found: &mut Discovered,
) {
    let filter_resolver = Arc::clone(resolver);
    let root_display = root.to_owned();
    let root_abs_filter = root_abs.to_owned();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .parents(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .ignore(true)
        .sort_by_file_name(std::cmp::Ord::cmp)
        .filter_entry(move |entry| {
            // Lossy, so that a name with bytes that are not UTF-8 (`Dockerfile.\xff`)
            // still matches on the rest.
            let name = entry.file_name().to_string_lossy();
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if is_dir && entry.depth() > 0 && SKIPPED_DIRS.contains(&&*name) {
                return false;
            }
            if !is_dir && !is_dockerfile_name(&name) {
                return false;
            }
            if entry.depth() == 0 {
                return true;
            }
            let relative = entry
                .path()
                .strip_prefix(&root_display)
                .unwrap_or(entry.path());
            let abs = root_abs_filter.join(relative);
            let dir = if is_dir {
                abs.as_path()
            } else {
                abs.parent().unwrap_or(&abs)
            };
            filter_resolver
                .for_dir(dir)
                .map_or(true, |resolved| !resolved.is_excluded(&abs))
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                found.errors.push(walk_error(&err));
                continue;
            }
        };
        // Only files: a named pipe, socket or device with a Dockerfile's name (or a link
        // to one, or to a directory) is not read, as reading a pipe would wait forever.
        // A dangling link is kept, for its read error. A file named on the command line
        // is read whatever it is (`<(…)` is a pipe).
        let is_file = match entry.file_type() {
            Some(t) if t.is_file() => true,
            Some(t) if t.is_symlink() => {
                std::fs::metadata(entry.path()).map_or(true, |m| m.is_file())
            }
            _ => false,
        };
        if !is_file {
            continue;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let abs = root_abs.join(relative);
        // Normalized like named paths, so that the bytes compare as the paths would.
        if seen.insert(normalize(abs.clone()).into_os_string()) {
            found.inputs.push(Input {
                display: clean_display(entry.path()),
                absolute: abs,
                stdin: false,
                walked_from: Some(root_abs.to_owned()),
            });
        }
    }
}

/// A path as an error line names it: on that one line, whatever the name holds.
fn shown(path: &Path) -> String {
    crate::report::line_path(&path.display().to_string()).into_owned()
}

fn walk_error(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { path, err } => format!("{}: {err}", shown(path)),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err)
        }
        ignore::Error::Io(err) => io_message(err),
        other => other.to_string(),
    }
}

/// `No such file or directory` without Rust's ` (os error 2)`.
pub fn io_message(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// `./a/Dockerfile` → `a/Dockerfile`.
fn clean_display(path: &Path) -> PathBuf {
    // Only a path starting with `.` can start with a `.` element (most do not).
    if !path.as_os_str().as_encoded_bytes().starts_with(b".") {
        return path.to_owned();
    }
    path.strip_prefix(".").unwrap_or(path).to_owned()
}

/// The parent directory and the name of a normalized absolute path (see [`is_normal`]):
/// what [`Path::parent`] and [`Path::file_name`] give, found from the last `/` instead of
/// by parsing components (on Unix, where a path is bytes).
fn parent_and_name(abs: &Path) -> Option<(&Path, &std::ffi::OsStr)> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let bytes = abs.as_os_str().as_bytes();
        if let Some(slash) = memchr::memrchr(b'/', bytes)
            && slash + 1 < bytes.len()
        {
            let dir = if slash == 0 {
                &b"/"[..]
            } else {
                &bytes[..slash]
            };
            let name = &bytes[slash + 1..];
            return Some((
                Path::new(std::ffi::OsStr::from_bytes(dir)),
                std::ffi::OsStr::from_bytes(name),
            ));
        }
    }
    abs.parent().zip(abs.file_name())
}

/// `dir.join(path)`, made at its size rather than grown to it (and on Unix without parsing
/// either path into elements: named paths come by the thousand).
fn join(dir: &Path, path: &Path) -> PathBuf {
    #[cfg(unix)]
    if !path.is_absolute() {
        let (dir, path) = (dir.as_os_str(), path.as_os_str());
        let mut joined = std::ffi::OsString::with_capacity(dir.len() + 1 + path.len());
        joined.push(dir);
        if !dir.as_encoded_bytes().ends_with(b"/") && !dir.is_empty() {
            joined.push("/");
        }
        joined.push(path);
        return joined.into();
    }
    dir.join(path)
}

/// Removes `.` and resolves `..` lexically (no file-system access).
fn normalize(path: PathBuf) -> PathBuf {
    if is_normal(&path) {
        return path;
    }
    normalize_components(&path)
}

fn normalize_components(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether [`normalize`] would give `path` back as it is: an absolute path of plain
/// elements, without an empty, `.` or `..` one and without a trailing `/`.
/// Looked at from each `/`: the element after it (what the text starts with there), a
/// step per element where splitting the path into elements costs one per byte.
fn is_normal(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    bytes.len() > 1
        && bytes[0] == b'/'
        && memchr::memchr_iter(b'/', bytes).all(|i| {
            let rest = &bytes[i + 1..];
            let element_is = |name: &[u8]| {
                rest.strip_prefix(name)
                    .is_some_and(|after| after.is_empty() || after[0] == b'/')
            };
            !(element_is(b"") || element_is(b".") || element_is(b".."))
        })
}

/// Whether `path` is relative and made of plain elements (none empty, `.` or `..`): joined
/// to a normal directory, it gives a normal path (see [`is_normal`]).
fn is_plain_relative(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    let plain_from = |at: usize| {
        let rest = &bytes[at..];
        let element = &rest[..memchr::memchr(b'/', rest).unwrap_or(rest.len())];
        !matches!(element, b"" | b"." | b"..")
    };
    plain_from(0) && memchr::memchr_iter(b'/', bytes).all(|i| plain_from(i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_and_name_of_normal_paths() {
        for path in ["/", "/a", "/a/b", "/a/b.c", "/ä/ö", "/a/.b/c"] {
            let path = Path::new(path);
            assert!(path == Path::new("/") || is_normal(path));
            assert_eq!(
                parent_and_name(path),
                path.parent().zip(path.file_name()),
                "{}",
                path.display()
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt as _;
            for bytes in [&b"/a/\xff"[..], b"/\xfe/b", b"/\xff"] {
                let path = Path::new(std::ffi::OsStr::from_bytes(bytes));
                assert!(is_normal(path));
                assert_eq!(parent_and_name(path), path.parent().zip(path.file_name()));
            }
        }
    }

    #[test]
    fn the_directory_listed_early_is_that_of_many_paths_at_the_end() {
        let cwd = std::env::current_dir().unwrap();
        let args = |dir: &str, last: &str| -> Vec<OsString> {
            let mut args: Vec<OsString> = ["layerlint", "check"].map(OsString::from).into();
            args.extend((1..LIST_FROM).map(|i| OsString::from(format!("{dir}{i}.Dockerfile"))));
            args.push(last.into());
            args
        };
        assert_eq!(likely_listed_dir(&args("d/", "d/x")), Some(cwd.join("d")));
        assert_eq!(likely_listed_dir(&args("", "x")), Some(cwd.clone()));
        // As discovery makes paths absolute.
        assert_eq!(
            likely_listed_dir(&args("./d/../e/", "./d/../e/x")),
            Some(cwd.join("e"))
        );
        #[cfg(unix)]
        assert_eq!(
            likely_listed_dir(&args("/abs/", "/abs/x")),
            Some(PathBuf::from("/abs"))
        );
        // Paths in several directories; an option among them; too few of them.
        assert_eq!(likely_listed_dir(&args("d/", "e/x")), None);
        assert_eq!(likely_listed_dir(&args("d/", "x")), None);
        assert_eq!(likely_listed_dir(&args("", "/x")), None);
        assert_eq!(likely_listed_dir(&args("", "--quiet")), None);
        assert_eq!(likely_listed_dir(&args("", "-")), None);
        assert_eq!(likely_listed_dir(&args("d/", "d/x")[3..]), None);
    }

    #[test]
    fn clean_display_drops_a_leading_dot() {
        for path in ["a", "./a", ".//a", ".", "..", "../a", ".a", "/a", "a/./b"] {
            let path = Path::new(path);
            let expected = path.strip_prefix(".").unwrap_or(path);
            assert_eq!(clean_display(path), expected, "{}", path.display());
        }
    }

    /// Every path of up to six bytes from `/`, `.`, `a`.
    fn short_paths() -> Vec<String> {
        let mut paths = vec![String::new()];
        for _ in 0..6 {
            paths = paths
                .iter()
                .flat_map(|p| ["/", ".", "a"].map(|b| format!("{p}{b}")))
                .chain(paths.iter().cloned())
                .collect();
            paths.sort();
            paths.dedup();
        }
        paths
    }

    #[test]
    fn normal_paths_are_those_without_empty_dot_or_dot_dot_elements() {
        let by_elements = |path: &str| {
            path.len() > 1
                && path.starts_with('/')
                && path[1..]
                    .split('/')
                    .all(|part| !matches!(part, "" | "." | ".."))
        };
        let paths = short_paths();
        assert!(paths.len() > 1000);
        for path in paths
            .iter()
            .map(String::as_str)
            .chain(["/a/.b/c..", "/ä/..ö/"])
        {
            assert_eq!(is_normal(Path::new(path)), by_elements(path), "{path:?}");
        }
    }

    #[test]
    fn plain_relative_paths_join_normal_directories_into_normal_paths() {
        // Joined to normal directories.
        let paths = short_paths();
        for path in paths.iter().map(String::as_str).chain(["ä/.b", "a/..b/"]) {
            let plain = is_plain_relative(Path::new(path));
            assert_eq!(
                plain,
                !path.starts_with('/')
                    && path.split('/').all(|part| !matches!(part, "" | "." | "..")),
                "{path:?}"
            );
            for dir in ["/", "/d", "/d/e"] {
                let joined = join(Path::new(dir), Path::new(path));
                if plain {
                    assert!(is_normal(&joined), "{dir:?} + {path:?}");
                }
            }
        }
    }

    #[test]
    fn join_is_path_join() {
        for dir in ["/", "/a", "/a/", "", "a", "/a//"] {
            for path in ["", "b", "b/", "./b", "../b", "/b", "b//c", "ä"] {
                let (dir, path) = (Path::new(dir), Path::new(path));
                assert_eq!(join(dir, path).as_os_str(), dir.join(path).as_os_str());
            }
        }
    }

    #[test]
    fn normal_paths_are_kept_as_they_are() {
        for path in [
            "/", "/a", "/a/b", "/a/", "/a//b", "/a/./b", "/a/../b", "/.", "/..", "/a/.", "/a/..",
            "a/b", "./a", "/a/.b", "/a/b..", "/a/...",
        ] {
            let path = Path::new(path);
            if is_normal(path) {
                let slow = normalize_components(path);
                assert_eq!(slow.as_os_str(), path.as_os_str(), "{}", path.display());
            }
        }
        assert!(is_normal(Path::new("/a/b")) && is_normal(Path::new("/a/.b")));
        assert!(!is_normal(Path::new("/a/./b")) && !is_normal(Path::new("/a/")));
    }

    #[test]
    fn names() {
        for yes in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.dev",
            "Dockerfile-prod",
            "api.Dockerfile",
            "api.dockerfile",
            "Containerfile",
            "Containerfile.arm64",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "Dockerfile.dockerignore",
            "Containerfile.containerignore",
            ".dockerignore",
            ".dockerfile",
            "DOCKERFILE",
            "Dockerfiles",
            "docker-compose.yml",
            "README.md",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }

    #[test]
    fn normalizing() {
        assert_eq!(
            normalize(PathBuf::from("/a/./b/../c")),
            PathBuf::from("/a/c")
        );
    }

    /// A directory of Dockerfiles for [`named_files_are_found_as_one_by_one`]: files
    /// `Dockerfile.0` … `Dockerfile.19` (`Dockerfile.3` excluded by the configuration), a
    /// directory `sub` holding a Dockerfile and one named `Dockerfile.dir`.
    fn named_tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temporary directory");
        for i in 0..20 {
            std::fs::write(dir.path().join(format!("Dockerfile.{i}")), "FROM scratch\n")
                .expect("written");
        }
        for sub in ["sub", "Dockerfile.dir"] {
            std::fs::create_dir(dir.path().join(sub)).expect("made");
            std::fs::write(dir.path().join(sub).join("Dockerfile"), "FROM scratch\n")
                .expect("written");
        }
        std::fs::write(
            dir.path().join("layerlint.toml"),
            "exclude = [\"Dockerfile.3\"]\n",
        )
        .expect("written");
        dir
    }

    /// What a path named in the test stands for: a file of [`named_tree`] (by number), a
    /// directory of it, a file that is not there, or one written with `.` and `..`.
    fn named_path(root: &Path, pick: u8) -> PathBuf {
        match pick {
            0..=21 => root.join(format!("Dockerfile.{pick}")), // 20, 21: not there
            22 => root.join("sub"),
            23 => root.join("Dockerfile.dir"),
            24 => root.join("sub/../Dockerfile.5"),
            _ => root.join(format!("./Dockerfile.{}", pick % 20)),
        }
    }

    /// The resolver of a run without configuration options.
    fn default_resolver() -> Arc<ConfigResolver> {
        Arc::new(
            ConfigResolver::new(
                &crate::cli::CheckArgs::default(),
                crate::config::Overrides::default(),
            )
            .expect("a resolver"),
        )
    }

    fn compare(root: &Path, picks: &[u8], force_exclude: bool) {
        let resolver = default_resolver();
        let paths: Vec<PathBuf> = picks.iter().map(|&p| named_path(root, p)).collect();
        let run = |named_first| {
            let listings = Listings::default();
            discover_with(
                &paths,
                None,
                force_exclude,
                &resolver,
                &listings,
                named_first,
            )
        };
        let (first, one_by_one) = (run(true), run(false));
        assert_eq!(first.inputs, one_by_one.inputs, "{picks:?}");
        assert_eq!(first.errors, one_by_one.errors, "{picks:?}");
        assert_eq!(first.empty_dirs, one_by_one.empty_dirs, "{picks:?}");
        assert_eq!(first.force_excluded, one_by_one.force_excluded, "{picks:?}");
    }

    #[test]
    fn named_files_are_found_as_one_by_one() {
        let tree = named_tree();
        let root = tree.path();
        // Every file once, then with repeats, exclusions and the other kinds of path.
        let all: Vec<u8> = (0..20).collect();
        let mut repeated = all.clone();
        repeated.extend([7, 3, 0, 25, 24, 19]);
        for picks in [all, repeated] {
            for force_exclude in [false, true] {
                compare(root, &picks, force_exclude);
            }
        }
        let resolver = default_resolver();
        // Taken for files, the named paths are found without a `stat` or a listing: a
        // directory among them sends discovery back to taking them one by one.
        let mut with_dir: Vec<PathBuf> = (0..20).map(|i| named_path(root, i)).collect();
        with_dir.push(named_path(root, 22));
        let found = discover(&with_dir, None, false, &resolver, &Listings::default());
        assert_eq!(found.inputs.len(), 21);
        assert_eq!(found.inputs[20].display, root.join("sub/Dockerfile"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn named_paths_of_every_kind_are_found_as_one_by_one(
            picks in proptest::collection::vec(0u8..30, 14..40),
            force_exclude: bool,
        ) {
            let tree = named_tree();
            compare(tree.path(), &picks, force_exclude);
        }
    }
}
