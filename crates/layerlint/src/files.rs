//! Reading Dockerfiles (refusing binary and non-UTF-8 files with a clear reason) and
//! writing fixed ones atomically.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The largest file checked: 2 MiB. Real Dockerfiles are kilobytes (the biggest of the
/// 1,952 of the test corpus is 25 KB); a bigger file is generated or not a Dockerfile.
/// At the limit, a file of 45,000 RUNs takes about 2 s and 200 MB (release build).
pub const MAX_FILE_SIZE: u64 = 2 << 20;

/// A Dockerfile as read, with what is needed to write it back safely.
#[derive(Debug)]
pub struct SourceFile {
    pub text: String,
    /// The modification time when read (`None` for standard input).
    pub modified: Option<SystemTime>,
}

/// Why a file could not be read as a Dockerfile: the part of the one-line message after
/// the file name.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("is a directory")]
    Directory,
    #[error(
        "too large ({:.1} MiB; the limit is {} MiB), not checked",
        *.0 as f64 / f64::from(1 << 20),
        MAX_FILE_SIZE >> 20
    )]
    TooLarge(u64),
    #[error("binary file (NUL byte at offset {0}), not a Dockerfile")]
    Binary(usize),
    #[error("{0} text (byte-order mark); Dockerfiles are UTF-8: convert it, e.g. with iconv")]
    Utf16(&'static str),
    #[error("not UTF-8 text (invalid byte at line {line}, column {column})")]
    NotUtf8 { line: usize, column: usize },
}

/// Reads a Dockerfile from disk, with its modification time (for [`write_atomic`]).
pub fn read_dockerfile(path: &Path) -> Result<SourceFile, ReadError> {
    read(path, true)
}

/// Reads a Dockerfile from disk that will not be written back: no modification time,
/// so no `stat` (a tenth of the system time of a run over many small files).
pub fn read_dockerfile_only(path: &Path) -> Result<SourceFile, ReadError> {
    read(path, false)
}

fn read(path: &Path, with_modified: bool) -> Result<SourceFile, ReadError> {
    let mut file = std::fs::File::open(path)?;
    let metadata = if with_modified {
        let metadata = file.metadata()?;
        if metadata.is_dir() {
            return Err(ReadError::Directory);
        }
        if metadata.len() > MAX_FILE_SIZE {
            return Err(ReadError::TooLarge(metadata.len()));
        }
        Some(metadata)
    } else {
        None
    };
    // Read into a buffer sized from the metadata when there is one, else one that holds a
    // typical Dockerfile; through `take`, which reads into the spare capacity without
    // asking for the size again (as `File::read_to_end` does: two more system calls).
    let capacity = metadata
        .as_ref()
        .map_or(8 << 10, |m| usize::try_from(m.len()).unwrap_or(0) + 1);
    let mut bytes = Vec::with_capacity(capacity);
    match (&mut file).take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes) {
        Ok(_) => {}
        Err(err) if err.kind() == std::io::ErrorKind::IsADirectory => {
            return Err(ReadError::Directory);
        }
        Err(err) => return Err(err.into()),
    }
    if bytes.len() as u64 > MAX_FILE_SIZE {
        // It grew since the `stat`, the size was wrong (a special file), or there was no
        // `stat`: say how big it is when that is known.
        let size = file
            .metadata()
            .map_or(bytes.len() as u64, |m| m.len().max(bytes.len() as u64));
        return Err(ReadError::TooLarge(size));
    }
    Ok(SourceFile {
        text: decode(bytes)?,
        modified: metadata.and_then(|m| m.modified().ok()),
    })
}

/// Reads a Dockerfile from standard input.
pub fn read_stdin() -> Result<SourceFile, ReadError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(SourceFile {
        text: decode(bytes)?,
        modified: None,
    })
}

/// Text from bytes: a NUL byte in the first 8 KiB means a binary file, as git and grep
/// decide; then it must be UTF-8 (a byte-order mark is kept and handled by the parser).
pub fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    // UTF-16 (as Windows tools write) would otherwise be a binary file: say what it is.
    match bytes.get(..2) {
        Some([0xFF, 0xFE]) => return Err(ReadError::Utf16("UTF-16LE")),
        Some([0xFE, 0xFF]) => return Err(ReadError::Utf16("UTF-16BE")),
        _ => {}
    }
    let head = &bytes[..bytes.len().min(8192)];
    if let Some(at) = memchr::memchr(0, head) {
        return Err(ReadError::Binary(at));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let before = &bytes[..valid];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        ReadError::NotUtf8 { line, column }
    })
}

/// Why a fixed file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("changed on disk while it was being fixed; not written")]
    Changed,
    #[error("deleted while it was being fixed; not written")]
    Deleted,
    #[error(
        "a symbolic link to {0}, outside the directory checked; not written (name the file to fix it)"
    )]
    LinkOutside(PathBuf),
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
}

/// Replaces the file at `path` with `text`, atomically: a temporary file in the same
/// directory, with the original's permissions (and owner and group, where permitted),
/// renamed over it. Refuses when the file on disk is no longer `original` (another program
/// wrote or deleted it since it was read).
///
/// A symbolic link is followed (its target is replaced, the link stays) when the file was
/// named explicitly (`walked_from` is `None`); for a file found by walking `walked_from`,
/// only when the target lies inside that directory.
pub fn write_atomic(
    path: &Path,
    original: &SourceFile,
    text: &str,
    walked_from: Option<&Path>,
) -> Result<(), WriteError> {
    test_hook::pause("LAYERLINT_TEST_PAUSE_BEFORE_WRITE");
    let gone = |err: std::io::Error| {
        if err.kind() == std::io::ErrorKind::NotFound {
            WriteError::Deleted
        } else {
            WriteError::Io(err)
        }
    };
    let target = resolve_symlink(path, walked_from).map_err(|err| match err {
        WriteError::Io(io) => gone(io),
        other => other,
    })?;
    let metadata = std::fs::metadata(&target).map_err(gone)?;
    let unchanged_time = match (original.modified, metadata.modified().ok()) {
        (Some(then), Some(now)) => then == now,
        _ => true,
    };
    if !unchanged_time || std::fs::read(&target).map_err(gone)? != original.text.as_bytes() {
        return Err(WriteError::Changed);
    }
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".layerlint-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    keep_owner(temp.as_file(), &metadata);
    std::fs::set_permissions(temp.path(), metadata.permissions())?;
    temp.as_file().sync_all()?;
    test_hook::pause("LAYERLINT_TEST_PAUSE_BEFORE_RENAME");
    // Last look before the rename: the window left is the rename itself.
    if std::fs::read(&target).map_err(gone)? != original.text.as_bytes() {
        return Err(WriteError::Changed);
    }
    temp.persist(&target).map_err(|e| WriteError::Io(e.error))?;
    Ok(())
}

/// Gives the temporary file the original's owner and group. Only root (or the owner, for a
/// group it belongs to) may: otherwise the file keeps the writer's, as any editor's save would.
fn keep_owner(file: &std::fs::File, original: &std::fs::Metadata) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let _ = std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()));
        // Without the right to give the file away, at least keep the group.
        let _ = std::os::unix::fs::fchown(file, None, Some(original.gid()));
    }
    #[cfg(not(unix))]
    let _ = (file, original);
}

/// Writes `text` to `path` (a file a fix creates or extends, such as a `.dockerignore`),
/// atomically, keeping the permissions of a file already there; nothing is written when
/// the file already has this text.
pub fn write_new_or_changed(path: &Path, text: &str) -> Result<(), WriteError> {
    let existing = std::fs::metadata(path).ok();
    if existing.is_some() && std::fs::read(path)? == text.as_bytes() {
        return Ok(());
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".layerlint-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    if let Some(metadata) = existing {
        std::fs::set_permissions(temp.path(), metadata.permissions())?;
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o644))?;
        }
    }
    temp.persist(path).map_err(|e| WriteError::Io(e.error))?;
    Ok(())
}

fn resolve_symlink(path: &Path, walked_from: Option<&Path>) -> Result<PathBuf, WriteError> {
    if !std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Ok(path.to_owned());
    }
    let target = std::fs::canonicalize(path)?;
    if let Some(root) = walked_from {
        let root = std::fs::canonicalize(root)?;
        if !target.starts_with(&root) {
            return Err(WriteError::LinkOutside(target));
        }
    }
    Ok(target)
}

/// Test-only pauses in the writer, to make races and crashes deterministic in the CLI tests
/// (debug builds only: a release binary ignores these variables). With
/// `NAME=/some/marker` set, the writer creates `/some/marker.ready` at that point and waits
/// until `/some/marker.go` exists (at most a minute).
mod test_hook {
    #[cfg(debug_assertions)]
    pub fn pause(name: &str) {
        let Some(marker) = std::env::var_os(name) else {
            return;
        };
        let marker = std::path::PathBuf::from(marker);
        let with = |ext: &str| {
            let mut path = marker.clone().into_os_string();
            path.push(ext);
            std::path::PathBuf::from(path)
        };
        let _ = std::fs::write(with(".ready"), b"");
        let go = with(".go");
        let start = std::time::Instant::now();
        while !go.exists() && start.elapsed() < std::time::Duration::from_secs(60) {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    #[cfg(not(debug_assertions))]
    pub fn pause(_name: &str) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding() {
        assert_eq!(decode(b"FROM a\n".to_vec()).unwrap(), "FROM a\n");
        assert!(matches!(
            decode(b"\x7fELF\x00\x01".to_vec()),
            Err(ReadError::Binary(4))
        ));
        let err = decode(b"\xff\xfeF\x00R\x00".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "UTF-16LE text (byte-order mark); Dockerfiles are UTF-8: convert it, e.g. with iconv"
        );
        let err = decode(b"FROM a\nRUN \xe9\n".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not UTF-8 text (invalid byte at line 2, column 5)"
        );
    }

    /// A file of exactly the size limit is read, with or without its modification time;
    /// one byte more is refused, with its size.
    #[test]
    fn size_limit_is_inclusive() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        let limit = usize::try_from(MAX_FILE_SIZE).unwrap();
        let mut text = "FROM a\n".to_owned();
        text.push_str(&"#".repeat(limit - text.len()));
        std::fs::write(&path, &text).unwrap();
        for read in [read_dockerfile, read_dockerfile_only] {
            assert_eq!(read(&path).unwrap().text.len(), limit);
        }
        text.push('#');
        std::fs::write(&path, &text).unwrap();
        for read in [read_dockerfile, read_dockerfile_only] {
            assert!(matches!(read(&path), Err(ReadError::TooLarge(n)) if n == MAX_FILE_SIZE + 1));
        }
    }

    #[test]
    fn atomic_write_keeps_permissions_and_refuses_changed_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, "FROM a\r\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        let original = read_dockerfile(&path).unwrap();
        write_atomic(&path, &original, "FROM b\r\n", None).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "FROM b\r\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        // `original` is now stale: the file says `FROM b`.
        assert!(matches!(
            write_atomic(&path, &original, "FROM c\r\n", None),
            Err(WriteError::Changed)
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "FROM b\r\n");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left behind");
        // Rewritten with its modification time put back (as some tools do): the text
        // still tells.
        let current = read_dockerfile(&path).unwrap();
        std::fs::write(&path, "FROM d\r\n").unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(current.modified.unwrap()).unwrap();
        assert!(matches!(
            write_atomic(&path, &current, "FROM e\r\n", None),
            Err(WriteError::Changed)
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "FROM d\r\n");
    }

    #[test]
    fn a_deleted_file_is_not_recreated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, "FROM a\n").unwrap();
        let original = read_dockerfile(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let err = write_atomic(&path, &original, "FROM b\n", None).unwrap_err();
        assert!(matches!(err, WriteError::Deleted), "{err}");
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn walked_links_are_written_only_inside_the_walked_directory() {
        let outside = tempfile::tempdir().unwrap();
        let tree = tempfile::tempdir().unwrap();
        let far = outside.path().join("Dockerfile");
        std::fs::write(&far, "FROM a\n").unwrap();
        let near = tree.path().join("real.Dockerfile");
        std::fs::write(&near, "FROM a\n").unwrap();
        let to_far = tree.path().join("Dockerfile");
        let to_near = tree.path().join("Dockerfile.dev");
        std::os::unix::fs::symlink(&far, &to_far).unwrap();
        std::os::unix::fs::symlink("real.Dockerfile", &to_near).unwrap();

        let original = read_dockerfile(&to_far).unwrap();
        let err = write_atomic(&to_far, &original, "FROM b\n", Some(tree.path())).unwrap_err();
        assert!(matches!(err, WriteError::LinkOutside(_)), "{err}");
        assert_eq!(std::fs::read_to_string(&far).unwrap(), "FROM a\n");
        // Named explicitly, it is written (through the link, which stays a link).
        write_atomic(&to_far, &original, "FROM b\n", None).unwrap();
        assert_eq!(std::fs::read_to_string(&far).unwrap(), "FROM b\n");
        assert!(to_far.symlink_metadata().unwrap().file_type().is_symlink());

        let original = read_dockerfile(&to_near).unwrap();
        write_atomic(&to_near, &original, "FROM c\n", Some(tree.path())).unwrap();
        assert_eq!(std::fs::read_to_string(&near).unwrap(), "FROM c\n");
        assert!(to_near.symlink_metadata().unwrap().file_type().is_symlink());
    }

    /// Root may give the file its owner back; anyone else keeps their own (skipped).
    #[cfg(unix)]
    #[test]
    fn owner_and_group_are_kept_where_permitted() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Dockerfile");
        std::fs::write(&path, "FROM a\n").unwrap();
        if std::os::unix::fs::chown(&path, Some(4321), Some(4322)).is_err() {
            eprintln!("skipping: not allowed to chown (not root)");
            return;
        }
        let original = read_dockerfile(&path).unwrap();
        write_atomic(&path, &original, "FROM b\n", None).unwrap();
        let metadata = std::fs::metadata(&path).unwrap();
        assert_eq!((metadata.uid(), metadata.gid()), (4321, 4322));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "FROM b\n");
    }
}
