//! Reading Dockerfiles (refusing binary and non-UTF-8 files with a clear reason) and
//! writing fixed ones atomically.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

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
    #[error("binary file (NUL byte at offset {0}), not a Dockerfile")]
    Binary(usize),
    #[error("not UTF-8 text (invalid byte at line {line}, column {column})")]
    NotUtf8 { line: usize, column: usize },
}

/// Reads a Dockerfile from disk.
pub fn read_dockerfile(path: &Path) -> Result<SourceFile, ReadError> {
    let mut file = std::fs::File::open(path)?;
    let metadata = file.metadata()?;
    if metadata.is_dir() {
        return Err(ReadError::Directory);
    }
    // Read into a buffer sized from the metadata: `read_to_end` would ask for the size
    // again (two more system calls per file).
    let mut bytes = vec![0; usize::try_from(metadata.len()).unwrap_or(0) + 1];
    let mut filled = 0;
    loop {
        if filled == bytes.len() {
            bytes.resize(bytes.len() * 2, 0);
        }
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err.into()),
        }
    }
    bytes.truncate(filled);
    Ok(SourceFile {
        text: decode(bytes)?,
        modified: metadata.modified().ok(),
    })
}

/// Reads a Dockerfile from standard input.
pub fn read_stdin() -> Result<SourceFile, ReadError> {
    let mut bytes = Vec::new();
    std::io::stdin().lock().read_to_end(&mut bytes)?;
    Ok(SourceFile {
        text: decode(bytes)?,
        modified: None,
    })
}

/// Text from bytes: a NUL byte in the first 8 KiB means a binary file, as git and grep
/// decide; then it must be UTF-8 (a byte-order mark is kept and handled by the parser).
pub fn decode(bytes: Vec<u8>) -> Result<String, ReadError> {
    let head = &bytes[..bytes.len().min(8192)];
    if let Some(at) = memchr_nul(head) {
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

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

/// Why a fixed file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("changed on disk while it was being fixed; not written")]
    Changed,
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
}

/// Replaces the file at `path` with `text`, atomically: a temporary file in the same
/// directory, with the original's permissions, renamed over it. Refuses when the file on
/// disk is no longer `original` (another program wrote it since it was read). A symbolic
/// link is followed: its target is replaced, the link stays.
pub fn write_atomic(path: &Path, original: &SourceFile, text: &str) -> Result<(), WriteError> {
    let target = resolve_symlink(path)?;
    let metadata = std::fs::metadata(&target)?;
    let unchanged_time = match (original.modified, metadata.modified().ok()) {
        (Some(then), Some(now)) => then == now,
        _ => true,
    };
    if !unchanged_time || std::fs::read(&target)? != original.text.as_bytes() {
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
    temp.as_file().sync_all()?;
    std::fs::set_permissions(temp.path(), metadata.permissions())?;
    // Last look before the rename: the window left is the rename itself.
    if std::fs::read(&target)? != original.text.as_bytes() {
        return Err(WriteError::Changed);
    }
    temp.persist(&target).map_err(|e| WriteError::Io(e.error))?;
    Ok(())
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

fn resolve_symlink(path: &Path) -> std::io::Result<PathBuf> {
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        std::fs::canonicalize(path)
    } else {
        Ok(path.to_owned())
    }
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
        let err = decode(b"FROM a\nRUN \xe9\n".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not UTF-8 text (invalid byte at line 2, column 5)"
        );
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
        write_atomic(&path, &original, "FROM b\r\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "FROM b\r\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        // `original` is now stale: the file says `FROM b`.
        assert!(matches!(
            write_atomic(&path, &original, "FROM c\r\n"),
            Err(WriteError::Changed)
        ));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "FROM b\r\n");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left behind");
    }
}
