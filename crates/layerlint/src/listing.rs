//! Directory listings, read once and shared: when many Dockerfiles sit in one directory
//! (a monorepo's `docker/`, a corpus), one `readdir` answers "is this a file?" and "is
//! there a `<name>.dockerignore?`" for all of them, instead of a `stat` each.

use foldhash::HashMap;
use std::ffi::{OsStr, OsString};
use std::hash::BuildHasher;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use layerlint_linter::BuildContext;

/// The entries of one directory.
#[derive(Debug, Default)]
pub struct Listing {
    /// The names, one after another (as [`OsStr::as_encoded_bytes`] gives them): one
    /// buffer for the thousands of names a corpus directory holds, not a string each.
    bytes: Vec<u8>,
    entries: Vec<Entry>,
    /// The indices of `entries`, by name.
    table: hashbrown::HashTable<u32>,
    hasher: foldhash::fast::RandomState,
    /// The entries whose names are not UTF-8 (rare), with their lossy conversion
    /// ([`OsStr::to_string_lossy`]), made as they are read.
    lossy: Vec<(u32, String)>,
    /// The names as a build context takes them, made once.
    names: OnceLock<Arc<[String]>>,
}

/// An entry of a [`Listing`].
#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Where its name is in [`Listing::bytes`].
    start: u32,
    end: u32,
    /// Whether it is a directory (`None`: a symbolic link or unknown, to be asked with
    /// `stat`).
    kind: Option<bool>,
}

impl Listing {
    /// Reads `dir`; `None` when it cannot be read.
    fn read(dir: &Path) -> Option<Listing> {
        let mut listing = Listing {
            // Room for the names of a directory of a few thousand files without growing
            // (each growth copies, and touches fresh memory).
            bytes: Vec::with_capacity(1 << 16),
            entries: Vec::with_capacity(1 << 11),
            ..Listing::default()
        };
        for_each_entry(dir, |name, kind| listing.push(name, kind))??;
        // Made at its size: a table grown to the names hashes every one again at each
        // doubling.
        let mut table = hashbrown::HashTable::with_capacity(listing.entries.len());
        for (index, entry) in listing.entries.iter().enumerate() {
            let hash = listing.hasher.hash_one(listing.name(entry));
            let index = u32::try_from(index).ok()?;
            table.insert_unique(hash, index, |&other| {
                listing
                    .hasher
                    .hash_one(listing.name(&listing.entries[other as usize]))
            });
        }
        listing.table = table;
        Some(listing)
    }

    /// Adds an entry; `None` when the names outgrow the offsets (4 GiB of names).
    fn push(&mut self, name: &OsStr, kind: Option<bool>) -> Option<()> {
        let index = u32::try_from(self.entries.len()).ok()?;
        let start = u32::try_from(self.bytes.len()).ok()?;
        self.bytes.extend_from_slice(name.as_encoded_bytes());
        let end = u32::try_from(self.bytes.len()).ok()?;
        self.entries.push(Entry { start, end, kind });
        if name.to_str().is_none() {
            self.lossy
                .push((index, name.to_string_lossy().into_owned()));
        }
        Some(())
    }

    fn name(&self, entry: &Entry) -> &[u8] {
        self.bytes
            .get(entry.start as usize..entry.end as usize)
            .unwrap_or_default()
    }

    /// The name of entry `index` as a build context takes it: as UTF-8 (lossy).
    fn utf8_name(&self, index: usize, entry: &Entry) -> String {
        match std::str::from_utf8(self.name(entry)) {
            Ok(name) => name.to_owned(),
            Err(_) => self
                .lossy
                .iter()
                .find(|(i, _)| *i as usize == index)
                .map_or_else(
                    || String::from_utf8_lossy(self.name(entry)).into_owned(),
                    |(_, name)| name.clone(),
                ),
        }
    }

    fn entry(&self, name: &OsStr) -> Option<&Entry> {
        let name = name.as_encoded_bytes();
        self.table
            .find(self.hasher.hash_one(name), |&index| {
                self.name(&self.entries[index as usize]) == name
            })
            .map(|&index| &self.entries[index as usize])
    }

    /// `None` when `name` is not in the directory; else whether it is a directory (`None`:
    /// a symbolic link or unknown).
    pub fn kind(&self, name: &OsStr) -> Option<Option<bool>> {
        self.entry(name).map(|entry| entry.kind)
    }

    /// Whether `name` is in the directory.
    pub fn contains(&self, name: &OsStr) -> bool {
        self.entry(name).is_some()
    }

    /// The names that are, or may be, symbolic links (those whose type the directory did not
    /// tell, and those that are not UTF-8, whose names the context only has lossily), as a
    /// build context takes them ([`BuildContext::with_root_links`]): sorted.
    pub fn links(&self) -> Arc<[String]> {
        let mut links: Vec<String> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, entry)| {
                entry.kind.is_none() || std::str::from_utf8(self.name(entry)).is_err()
            })
            .map(|(index, entry)| self.utf8_name(index, entry))
            .collect();
        links.sort_unstable();
        links.into()
    }

    /// The names as a build context takes them ([`BuildContext::with_sorted_listing`]):
    /// as UTF-8 (lossy), sorted, without duplicates.
    pub fn names(&self) -> Arc<[String]> {
        let names = self.names.get_or_init(|| {
            let mut names: Vec<String> = self
                .entries
                .iter()
                .enumerate()
                .map(|(index, entry)| self.utf8_name(index, entry))
                .collect();
            names.sort_unstable();
            names.dedup();
            names.into()
        });
        Arc::clone(names)
    }
}

/// Calls `each` with the entries of `dir` but `.` and `..`: each name, and whether it is
/// a directory (`None`: a symbolic link, or a file system that does not say), until it
/// returns `None`. `None` when `dir` cannot be read (`Some(None)`: `each` stopped).
///
/// On Linux each name is lent from the directory stream; [`std::fs::read_dir`] makes two
/// strings of each (its entry's, and the name it returns).
#[cfg(target_os = "linux")]
fn for_each_entry(
    dir: &Path,
    mut each: impl FnMut(&OsStr, Option<bool>) -> Option<()>,
) -> Option<Option<()>> {
    use nix::dir::{Dir, Type};
    use nix::fcntl::OFlag;
    use nix::sys::stat::Mode;
    use std::os::unix::ffi::OsStrExt;
    let mut stream = Dir::open(
        dir,
        OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )
    .ok()?;
    for entry in stream.iter() {
        // A stream that fails stops there, as `std::fs::read_dir` does.
        let Ok(entry) = entry else { break };
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let kind = match entry.file_type() {
            Some(Type::Directory) => Some(true),
            Some(Type::Symlink) | None => None,
            Some(_) => Some(false),
        };
        if each(OsStr::from_bytes(name), kind).is_none() {
            return Some(None);
        }
    }
    Some(Some(()))
}

#[cfg(not(target_os = "linux"))]
fn for_each_entry(
    dir: &Path,
    mut each: impl FnMut(&OsStr, Option<bool>) -> Option<()>,
) -> Option<Option<()>> {
    for entry in std::fs::read_dir(dir).ok()? {
        let Ok(entry) = entry else { break };
        let kind = entry
            .file_type()
            .ok()
            .filter(|t| !t.is_symlink())
            .map(|t| t.is_dir());
        if each(&entry.file_name(), kind).is_none() {
            return Some(None);
        }
    }
    Some(Some(()))
}

/// Listings of the directories that hold many of the paths checked.
#[derive(Default)]
pub struct Listings {
    dirs: Mutex<HashMap<PathBuf, Arc<Listing>>>,
    /// A directory being listed on another thread before anyone asked for it
    /// ([`Listings::list_early`]), until it is asked for: whoever comes first reads it.
    early: Mutex<Option<Early>>,
}

/// A listing begun early, and what is to run once it is read (or, if someone waits for
/// it first, while they wait).
struct Early {
    dir: PathBuf,
    /// `None` inside when the directory cannot be read.
    listing: Arc<OnceLock<Option<Arc<Listing>>>>,
    then: Arc<Then>,
}

/// Work to run once, by whichever thread comes to it first.
type Then = Mutex<Option<Box<dyn FnOnce() + Send>>>;

fn run_once(then: &Then) {
    let work = then.lock().expect("not poisoned").take();
    if let Some(work) = work {
        work();
    }
}

/// How many named paths in one directory make listing it cheaper than a `stat` each.
pub const LIST_FROM: usize = 16;

impl Listings {
    /// Begins listing `dir` (absolute and normal, as discovery asks for it) on another
    /// thread, on another CPU (see [`crate::pool::spawn_elsewhere`]), while the command
    /// line is parsed; then runs `then`, there or in discovery if it asks for the listing
    /// before it is read (so that a thread waiting for it does `then` meanwhile); then
    /// makes the names for the build context. Discovery, asking for `dir`, takes the
    /// listing (waiting for it if need be); one nobody asks for is left to the exit.
    pub fn list_early(&self, dir: PathBuf, then: impl FnOnce() + Send + 'static) {
        let early = Early {
            dir,
            listing: Arc::default(),
            then: Arc::new(Mutex::new(Some(Box::new(then)))),
        };
        let (dir, slot, then) = (
            early.dir.clone(),
            Arc::clone(&early.listing),
            Arc::clone(&early.then),
        );
        *self.early.lock().expect("not poisoned") = Some(early);
        let spawned = crate::pool::spawn_elsewhere(move || {
            // Discovery waits for the entries only, then for `then`: the names for the
            // build context are made after both (a file's check waits for them if need
            // be), a third of a millisecond that used to come first.
            let listing = slot.get_or_init(|| Listing::read(&dir).map(Arc::new));
            run_once(&then);
            if let Some(listing) = listing {
                listing.names();
            }
        });
        if spawned.is_err() {
            // Read when asked for, as any other directory.
            self.early.lock().expect("not poisoned").take();
        }
    }

    /// Lists `dir` (once); `None` when it cannot be read.
    pub fn list(&self, dir: &Path) -> Option<Arc<Listing>> {
        if let Some(found) = self.get(dir) {
            return Some(found);
        }
        let listing = Arc::new(Listing::read(dir)?);
        self.dirs
            .lock()
            .expect("not poisoned")
            .insert(dir.to_owned(), Arc::clone(&listing));
        Some(listing)
    }

    /// The listing of `dir`, if it was listed (or is being listed early).
    pub fn get(&self, dir: &Path) -> Option<Arc<Listing>> {
        let early = {
            let mut early = self.early.lock().expect("not poisoned");
            match &*early {
                Some(Early { dir: listed, .. }) if listed == dir => early.take(),
                _ => None,
            }
        };
        if let Some(Early { dir, listing, then }) = early {
            if listing.get().is_none() {
                run_once(&then);
            }
            if let Some(listing) = listing.get_or_init(|| Listing::read(&dir).map(Arc::new)) {
                self.dirs
                    .lock()
                    .expect("not poisoned")
                    .insert(dir, Arc::clone(listing));
            }
        }
        self.dirs.lock().expect("not poisoned").get(dir).cloned()
    }
}

/// Whether `listing` holds an ignore file Docker would take for the Dockerfile `name`
/// before the context's own `.dockerignore`: `<name>.dockerignore` (or
/// `Dockerfile.dockerignore` for `dockerfile`).
fn has_own_ignore_file(listing: &Listing, name: &OsStr) -> bool {
    const SUFFIX: &str = ".dockerignore";
    let mut own = OsString::with_capacity(name.len() + SUFFIX.len());
    own.push(name);
    own.push(SUFFIX);
    listing.contains(&own)
        || (name == "dockerfile" && listing.contains(OsStr::new("Dockerfile.dockerignore")))
}

/// A file's path with its directory and its name ([`Path::parent`], [`Path::file_name`]),
/// split once: each of those parses the path's last component again, and a file checked
/// asks for both more than once (its configuration, its build context).
#[derive(Clone, Copy, Debug)]
pub struct FilePath<'a> {
    pub path: &'a Path,
    /// [`Path::parent`].
    pub dir: Option<&'a Path>,
    /// [`Path::file_name`].
    pub name: Option<&'a OsStr>,
}

impl<'a> FilePath<'a> {
    pub fn new(path: &'a Path) -> Self {
        // What `Path::parent` and `Path::file_name` do, from one parse of the last component.
        let mut components = path.components();
        let last = components.next_back();
        let dir = match last {
            Some(Component::Normal(_) | Component::CurDir | Component::ParentDir) => {
                Some(components.as_path())
            }
            _ => None,
        };
        let name = match last {
            Some(Component::Normal(name)) => Some(name),
            _ => None,
        };
        FilePath { path, dir, name }
    }
}

/// Build contexts, shared by the Dockerfiles of a context root that have no ignore file of
/// their own (all of them see the same files and the same `.dockerignore`).
#[derive(Default)]
pub struct Contexts {
    /// Context root → its context, made by the first Dockerfile to ask (the others wait
    /// for it rather than reading the same directory at the same time).
    shared: Mutex<HashMap<PathBuf, Slot>>,
}

/// Where the context shared by the Dockerfiles of a root is made, once.
pub type Slot = Arc<OnceLock<Arc<BuildContext>>>;

impl Contexts {
    /// The build context `root` for the Dockerfile at `dockerfile` (absolute), whose
    /// directory discovery listed as `listing` (if it did). `slot` keeps the root's shared
    /// slot for the caller's next Dockerfile with the same root (`None` the first time):
    /// it is then not looked up again.
    pub fn get(
        &self,
        root: &Path,
        dockerfile: FilePath<'_>,
        listing: Option<&Listing>,
        slot: &mut Option<Slot>,
    ) -> Arc<BuildContext> {
        let shareable = match (listing, dockerfile.name) {
            (Some(listing), Some(name)) => !has_own_ignore_file(listing, name),
            _ => false,
        };
        if !shareable {
            return Arc::new(BuildContext::on_disk(root, Some(dockerfile.path)).cached());
        }
        let slot = slot.get_or_insert_with(|| {
            Arc::clone(
                self.shared
                    .lock()
                    .expect("not poisoned")
                    .entry(root.to_owned())
                    .or_default(),
            )
        });
        let context = slot.get_or_init(|| {
            let context = BuildContext::on_disk(root, Some(dockerfile.path)).cached();
            // The context is the directory discovery listed: its names are known.
            Arc::new(match listing {
                Some(listing) if dockerfile.dir == Some(root) => context
                    .with_sorted_listing("", listing.names())
                    .with_root_links(listing.links()),
                _ => context,
            })
        });
        Arc::clone(context)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Listing {
        /// Each name with its kind, sorted by name.
        fn sorted_entries(&self) -> Vec<(Vec<u8>, Option<bool>)> {
            let mut entries: Vec<(Vec<u8>, Option<bool>)> = self
                .entries
                .iter()
                .map(|entry| (self.name(entry).to_vec(), entry.kind))
                .collect();
            entries.sort();
            entries
        }
    }

    #[test]
    fn a_directory_listed_early_is_the_directory_listed() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.Dockerfile", "a.Dockerfile", "sub/"] {
            match name.strip_suffix('/') {
                Some(sub) => std::fs::create_dir(dir.path().join(sub)).unwrap(),
                None => std::fs::write(dir.path().join(name), "x\n").unwrap(),
            }
        }
        let other = tempfile::tempdir().unwrap();
        std::fs::write(other.path().join("c"), "").unwrap();
        let (done, ran) = std::sync::mpsc::channel();
        let listings = Listings::default();
        listings.list_early(dir.path().to_owned(), move || done.send(()).unwrap());
        ran.recv().unwrap();
        // Another directory is read when asked for, the early one left waiting.
        let c = listings.list(other.path()).unwrap();
        assert_eq!(c.names().as_ref(), ["c"]);
        let early = listings.get(dir.path()).expect("listed early");
        let plain = Listings::default().list(dir.path()).unwrap();
        assert_eq!(early.sorted_entries(), plain.sorted_entries());
        assert_eq!(
            early.names().as_ref(),
            ["a.Dockerfile", "b.Dockerfile", "sub"]
        );
        assert_eq!(early.kind(OsStr::new("sub")), Some(Some(true)));
        assert_eq!(early.kind(OsStr::new("a.Dockerfile")), Some(Some(false)));
        assert_eq!(early.kind(OsStr::new("missing")), None);
        // Taken once, kept.
        assert!(Arc::ptr_eq(&early, &listings.list(dir.path()).unwrap()));
        // A directory that cannot be read gives no listing, early or not.
        let gone = dir.path().join("gone");
        let listings = Listings::default();
        listings.list_early(gone.clone(), || {});
        assert!(listings.get(&gone).is_none() && listings.list(&gone).is_none());
    }

    /// The names a build context is told may be symbolic links: the links, not the files
    /// or the directories (and, on Unix, the names that are not UTF-8).
    #[cfg(unix)]
    #[test]
    fn the_links_of_a_listing() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Dockerfile"), "").unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::os::unix::fs::symlink("Dockerfile", dir.path().join("to-file")).unwrap();
        std::os::unix::fs::symlink("sub", dir.path().join("to-dir")).unwrap();
        let odd = OsStr::from_bytes(b"odd\xff");
        std::fs::write(dir.path().join(odd), "").unwrap();
        let listing = Listings::default().list(dir.path()).unwrap();
        assert_eq!(
            listing.links().as_ref(),
            ["odd\u{fffd}", "to-dir", "to-file"]
        );
    }

    #[test]
    fn file_paths_split_as_parent_and_file_name() {
        for path in [
            "", "/", "a", "/a", "a/b", "/a/b/c", "/a/b/", "a/.", "a/..", ".", "..", "./a", "/a//b",
            "a/./b", "//a", "/a/b/.", "/..",
        ] {
            let path = Path::new(path);
            let split = FilePath::new(path);
            assert_eq!(split.dir, path.parent(), "{path:?}");
            assert_eq!(split.name, path.file_name(), "{path:?}");
        }
    }

    #[test]
    fn contexts_are_shared_unless_a_dockerfile_has_its_own_ignore_file() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "a.Dockerfile",
            "b.Dockerfile",
            "c.Dockerfile",
            "c.Dockerfile.dockerignore",
        ] {
            std::fs::write(dir.path().join(name), "x\n").unwrap();
        }
        std::fs::write(dir.path().join(".dockerignore"), "secret\n").unwrap();
        let listings = Listings::default();
        listings.list(dir.path()).unwrap();
        let contexts = Contexts::default();
        let a = contexts.get(
            dir.path(),
            FilePath::new(&dir.path().join("a.Dockerfile")),
            listings.get(dir.path()).as_deref(),
            &mut None,
        );
        let b = contexts.get(
            dir.path(),
            FilePath::new(&dir.path().join("b.Dockerfile")),
            listings.get(dir.path()).as_deref(),
            &mut None,
        );
        let c = contexts.get(
            dir.path(),
            FilePath::new(&dir.path().join("c.Dockerfile")),
            listings.get(dir.path()).as_deref(),
            &mut None,
        );
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        assert!(a.is_ignored("secret"));
        assert!(!c.is_ignored("secret"), "c has its own ignore file");
    }

    #[test]
    fn a_shared_context_takes_the_listing_discovery_made() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.Dockerfile", "b.Dockerfile"] {
            std::fs::write(dir.path().join(name), "x\n").unwrap();
        }
        let listings = Listings::default();
        listings.list(dir.path()).unwrap();
        // Written after the listing: a context that read the directory again would see it.
        std::fs::write(dir.path().join("later"), "").unwrap();
        let contexts = Contexts::default();
        let a = contexts.get(
            dir.path(),
            FilePath::new(&dir.path().join("a.Dockerfile")),
            listings.get(dir.path()).as_deref(),
            &mut None,
        );
        assert_eq!(a.list(""), ["a.Dockerfile", "b.Dockerfile"]);
        // The context of another directory than the Dockerfile's lists its own.
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("c"), "").unwrap();
        let other = contexts.get(
            &sub,
            FilePath::new(&dir.path().join("b.Dockerfile")),
            listings.get(dir.path()).as_deref(),
            &mut None,
        );
        assert_eq!(other.list(""), ["c"]);
    }
}
