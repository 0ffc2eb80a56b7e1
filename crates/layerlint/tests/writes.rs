//! What `--fix` writes, and what it leaves alone: unchanged files keep their inode and
//! modification time; a symbolic link found by walking is written through only to a file
//! inside the walked directory; a writer killed before its rename leaves the old file whole,
//! and its temporary file is never taken for a Dockerfile.

#![cfg(unix)]

mod common;

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{Scratch, stderr, stdout};

const FIXABLE: &str = "FROM alpine:3.20\nCMD [\"echo\", \"hi\", ]\n";
const FIXED: &str = "FROM alpine:3.20\nCMD [\"echo\", \"hi\"]\n";

fn identity(path: &Path) -> (u64, i64, i64) {
    let m = std::fs::symlink_metadata(path).unwrap();
    (m.ino(), m.mtime(), m.mtime_nsec())
}

fn fix(s: &Scratch, args: &[&str]) -> std::process::Output {
    s.layerlint()
        .args(["--isolated", "--shellcheck", "off", "--fix"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn files_without_changes_are_not_touched() {
    let s = Scratch::bare();
    // No finding; a finding without a fix; a fixable one.
    let clean = s.file(
        "clean/Dockerfile",
        "FROM alpine:3.20\nCMD [\"echo\", \"hi\"]\n",
    );
    let unfixable = s.file(
        "unfixable/Dockerfile",
        "FROM alpine\nCMD [\"echo\", \"hi\"]\n",
    );
    let fixable = s.file("fixable/Dockerfile", FIXABLE);
    let before = [identity(&clean), identity(&unfixable), identity(&fixable)];
    // Later than the files' times, at the file system's resolution.
    std::thread::sleep(Duration::from_millis(20));
    let out = fix(&s, &["."]);
    assert!(
        stdout(&out).contains("unfixable/Dockerfile:1:6: LL401 "),
        "{}",
        stdout(&out)
    );
    assert_eq!(identity(&clean), before[0], "a clean file was rewritten");
    assert_eq!(
        identity(&unfixable),
        before[1],
        "a file without fixes was rewritten"
    );
    assert_ne!(identity(&fixable), before[2]);
    assert_eq!(std::fs::read_to_string(&fixable).unwrap(), FIXED);
    // Fixed already: a second run writes nothing.
    let again = identity(&fixable);
    std::thread::sleep(Duration::from_millis(20));
    fix(&s, &["."]);
    assert_eq!(identity(&fixable), again);
}

#[test]
fn mode_bits_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::bare();
    let path = s.file("Dockerfile", FIXABLE);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o750)).unwrap();
    let out = fix(&s, &["Dockerfile"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FIXED);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o750);
}

/// Fixes that change the build context's `.dockerignore`: creating one is an unsafe fix
/// (plain `--fix` leaves the context alone), written 0644 beside the Dockerfile; extending
/// one keeps its mode and its first lines; a second run changes nothing.
#[test]
fn ignore_files_are_created_and_extended() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::bare();
    let dockerfile = "FROM node:20\nWORKDIR /app\nCOPY . .\n";
    s.file("created/Dockerfile", dockerfile);
    s.file("created/package.json", "{}");
    let created = s.path().join("created/.dockerignore");
    let out = fix(&s, &["created/Dockerfile"]);
    assert!(!created.exists(), "{}", stderr(&out));
    let out = fix(&s, &["--unsafe-fixes", "created/Dockerfile"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&created).unwrap();
    assert!(
        text.starts_with(".git\n") && text.contains("node_modules"),
        "{text}"
    );
    let mode = std::fs::metadata(&created).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o644);

    s.file("extended/Dockerfile", dockerfile);
    s.file("extended/package.json", "{}");
    s.file("extended/node_modules/x/index.js", "");
    let ignore = s.file("extended/.dockerignore", "*.log");
    std::fs::set_permissions(&ignore, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = fix(&s, &["--unsafe-fixes", "extended/Dockerfile"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&ignore).unwrap(),
        "*.log\nnode_modules\n"
    );
    let mode = std::fs::metadata(&ignore).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o600);

    let before = [identity(&created), identity(&ignore)];
    std::thread::sleep(Duration::from_millis(20));
    let out = fix(
        &s,
        &[
            "--unsafe-fixes",
            "created/Dockerfile",
            "extended/Dockerfile",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!([identity(&created), identity(&ignore)], before);
}

#[test]
fn walked_symlinks_out_of_the_tree_are_not_written() {
    let s = Scratch::bare();
    let outside = s.file("outside/Dockerfile", FIXABLE);
    let inside = s.file("tree/real.Dockerfile", FIXABLE);
    std::os::unix::fs::symlink("../outside/Dockerfile", s.path().join("tree/Dockerfile")).unwrap();
    std::os::unix::fs::symlink("real.Dockerfile", s.path().join("tree/Dockerfile.dev")).unwrap();
    let out = fix(&s, &["tree"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.lines().any(
            |l| l.starts_with("error: tree/Dockerfile: a symbolic link to ")
                && l.ends_with(
                    ", outside the directory checked; not written (name the file to fix it)"
                )
        ),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), FIXABLE);
    // The link inside the tree is written through (its target is), and stays a link.
    assert_eq!(std::fs::read_to_string(&inside).unwrap(), FIXED);
    assert!(
        s.path()
            .join("tree/Dockerfile.dev")
            .symlink_metadata()
            .unwrap()
            .is_symlink()
    );
    // Named explicitly, the link is followed.
    let out = fix(&s, &["tree/Dockerfile"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), FIXED);
    assert!(
        s.path()
            .join("tree/Dockerfile")
            .symlink_metadata()
            .unwrap()
            .is_symlink()
    );
}

/// The writer pauses after writing and syncing its temporary file, before the rename (debug
/// builds, `LAYERLINT_TEST_PAUSE_BEFORE_RENAME`); killed there, it leaves the old file whole.
#[test]
fn a_writer_killed_before_the_rename_leaves_the_old_file() {
    let s = Scratch::bare();
    let path = s.file("Dockerfile", FIXABLE);
    let marker = s.path().join("pause");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("layerlint"))
        .current_dir(s.path())
        .args(["--isolated", "--shellcheck", "off", "--fix", "Dockerfile"])
        .env("LAYERLINT_TEST_PAUSE_BEFORE_RENAME", &marker)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let ready = s.path().join("pause.ready");
    let started = Instant::now();
    while !ready.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the writer never paused"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), FIXABLE);
    let temps: Vec<String> = std::fs::read_dir(s.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".layerlint-"))
        .collect();
    assert_eq!(
        temps.len(),
        1,
        "the killed writer's temporary file: {temps:?}"
    );
    let temp = std::fs::read_to_string(s.path().join(&temps[0])).unwrap();
    assert_eq!(
        temp, FIXED,
        "the temporary file was complete before the rename"
    );
    // A later run checks the Dockerfile only: the stray file is not a Dockerfile's name.
    let out = s
        .layerlint()
        .args(["--isolated", "--shellcheck", "off", "--format", "json", "."])
        .output()
        .unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert!(!files.is_empty(), "{}", stdout(&out));
    assert!(files.iter().all(|f| *f == "Dockerfile"), "{files:?}");
    assert!(stderr(&out).contains("in 1 of 1 file"), "{}", stderr(&out));
}
