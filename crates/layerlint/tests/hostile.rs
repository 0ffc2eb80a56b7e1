//! Hostile and odd input, run as a user runs it: each case next to an ordinary Dockerfile
//! (`ok/Dockerfile`, one LL101 finding), which must still be checked. Each case gives a
//! one-line error (exit 2) or diagnostics, in bounded time. The release-build times and peak
//! memory are in `docs/hardening.md`; the bounds here are loose, for debug builds on a busy
//! machine.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{Scratch, stderr, stdout};

const OK: &str = "FROM alpine:3.20\nCMD [\"echo\", \"hi\", ]\n";
const OK_FINDING: &str = "ok/Dockerfile:2:5: LL101 ";
const BOUND: Duration = Duration::from_secs(60);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `layerlint --isolated --shellcheck off ARGS ok/Dockerfile` in the scratch directory.
fn run(s: &Scratch, args: &[&str]) -> Run {
    let started = Instant::now();
    let out = s
        .layerlint()
        .args(["--isolated", "--shellcheck", "off", "--format", "concise"])
        .args(args)
        .arg("ok/Dockerfile")
        .timeout(BOUND * 2)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert!(elapsed < BOUND, "{args:?} took {elapsed:?}");
    let run = Run {
        code: out.status.code(),
        stdout: stdout(&out),
        stderr: stderr(&out),
    };
    assert!(
        run.stdout.contains(OK_FINDING),
        "{args:?}: the other file was not checked:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    run
}

fn scratch() -> Scratch {
    let s = Scratch::bare();
    s.file("ok/Dockerfile", OK);
    s
}

/// The one `error:` line of standard error.
fn error_line(run: &Run) -> &str {
    let errors: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{}", run.stderr);
    errors[0]
}

#[test]
fn empty_and_comment_only_files_get_a_finding() {
    let s = scratch();
    s.file("empty.Dockerfile", "");
    s.file("comments.Dockerfile", "# nothing here\n# at all\n");
    let r = run(&s, &["empty.Dockerfile", "comments.Dockerfile"]);
    assert_eq!(r.code, Some(1));
    assert!(
        r.stdout
            .contains("empty.Dockerfile:1:1: LL001 [syntax-error] file with no instructions")
    );
    assert!(
        r.stdout
            .contains("comments.Dockerfile:3:1: LL001 [syntax-error] file with no instructions")
    );
}

#[test]
fn binary_latin1_and_utf16_files_are_refused_by_name() {
    for (name, bytes, message) in [
        (
            "binary.Dockerfile",
            b"\x7fELF\x02\x01\x01\x00\x00\x00".to_vec(),
            "error: binary.Dockerfile: binary file (NUL byte at offset 7), not a Dockerfile",
        ),
        (
            "latin1.Dockerfile",
            b"FROM alpine\nLABEL author=\"Jos\xe9\"\n".to_vec(),
            "error: latin1.Dockerfile: not UTF-8 text (invalid byte at line 2, column 18)",
        ),
        (
            "utf16.Dockerfile",
            [0xFF, 0xFE]
                .into_iter()
                .chain("FROM alpine\n".encode_utf16().flat_map(u16::to_le_bytes))
                .collect(),
            "error: utf16.Dockerfile: UTF-16LE text (byte-order mark); Dockerfiles are UTF-8: convert it, e.g. with iconv",
        ),
        (
            "utf16be.Dockerfile",
            [0xFE, 0xFF]
                .into_iter()
                .chain("FROM alpine\n".encode_utf16().flat_map(u16::to_be_bytes))
                .collect(),
            "error: utf16be.Dockerfile: UTF-16BE text (byte-order mark); Dockerfiles are UTF-8: convert it, e.g. with iconv",
        ),
    ] {
        let s = scratch();
        s.file(name, bytes);
        let r = run(&s, &[name]);
        assert_eq!(r.code, Some(2), "{name}");
        assert_eq!(error_line(&r), message);
    }
}

#[test]
fn a_50_mb_file_is_refused_without_being_read() {
    let s = scratch();
    let line = "RUN echo hello world && apt-get install -y curl\n";
    let text = format!(
        "FROM alpine:3.20\n{}",
        line.repeat(50 * 1024 * 1024 / line.len())
    );
    s.file("huge.Dockerfile", &text);
    let started = Instant::now();
    let r = run(&s, &["huge.Dockerfile"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(r.code, Some(2));
    assert_eq!(
        error_line(&r),
        "error: huge.Dockerfile: too large (50.0 MiB; the limit is 2 MiB), not checked"
    );
    // Standard input too.
    let out = s
        .layerlint()
        .args(["--isolated", "--shellcheck", "off", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("error: -: too large (2.0 MiB; the limit is 2 MiB), not checked"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn long_continuations_long_lines_heredocs_and_onbuild_chains() {
    let s = scratch();
    // 100,000 continuation lines: one RUN.
    let mut cont = String::from("FROM alpine:3.20\nRUN echo start \\\n");
    for _ in 0..100_000 {
        cont.push_str("  && echo x \\\n");
    }
    cont.push_str("  && echo end\n");
    s.file("continued.Dockerfile", &cont);
    // A 1 MB line: BuildKit's limit is 64 KiB per line.
    s.file(
        "long.Dockerfile",
        format!("FROM alpine:3.20\nRUN echo {}\n", "x".repeat(1 << 20)),
    );
    // 20,000 heredoc RUNs, and one RUN with 5,000 heredocs.
    let mut heredocs = String::from("FROM alpine:3.20\n");
    for i in 0..20_000 {
        heredocs.push_str(&format!("RUN <<EOF{i}\necho {i}\nEOF{i}\n"));
    }
    s.file("heredocs.Dockerfile", &heredocs);
    let mut many = String::from("FROM alpine:3.20\nRUN");
    for i in 0..5_000 {
        many.push_str(&format!(" <<E{i}"));
    }
    many.push('\n');
    for i in 0..5_000 {
        many.push_str(&format!("echo {i}\nE{i}\n"));
    }
    s.file("many-heredocs.Dockerfile", &many);
    // ONBUILD ONBUILD … 5,000 deep.
    s.file(
        "onbuild.Dockerfile",
        format!(
            "FROM alpine:3.20\n{}RUN echo hi\n",
            "ONBUILD ".repeat(5_000)
        ),
    );
    let r = run(
        &s,
        &[
            "continued.Dockerfile",
            "long.Dockerfile",
            "heredocs.Dockerfile",
            "many-heredocs.Dockerfile",
            "onbuild.Dockerfile",
        ],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    for expected in [
        "long.Dockerfile:2:1: LL001 [syntax-error] dockerfile line greater than max allowed size of 65535",
        "onbuild.Dockerfile:2:9: LL126 [onbuild-invalid-trigger] chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
        "onbuild.Dockerfile:2:129: LL001 [syntax-error] ONBUILD nested too deeply",
    ] {
        assert!(
            r.stdout.contains(expected),
            "missing `{expected}` in:\n{}",
            r.stdout
        );
    }
    for clean in ["continued", "heredocs", "many-heredocs"] {
        assert!(
            !r.stdout.contains(&format!("{clean}.Dockerfile:")),
            "{clean}:\n{}",
            r.stdout
        );
    }
    assert!(!r.stderr.contains("error:"), "{}", r.stderr);
}

#[test]
fn a_directory_named_dockerfile() {
    let s = scratch();
    std::fs::create_dir_all(s.path().join("Dockerfile")).unwrap();
    let r = run(&s, &["Dockerfile"]);
    assert_eq!(r.code, Some(2));
    assert!(
        error_line(&r).starts_with("error: Dockerfile: no Dockerfile found (looked for "),
        "{}",
        r.stderr
    );
    // Walked, it is a directory like any other.
    s.file("Dockerfile/Dockerfile", OK);
    let out = s
        .layerlint()
        .args(["--isolated", "--shellcheck", "off", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("Dockerfile/Dockerfile:2:5: LL101 "));
    assert!(stdout(&out).contains(OK_FINDING));
}

#[cfg(unix)]
#[test]
fn an_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let s = scratch();
    let path = s.file("secret.Dockerfile", "FROM alpine:3.20\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        eprintln!("skipping: running as root, which reads a mode-000 file anyway");
        return;
    }
    let r = run(&s, &["secret.Dockerfile"]);
    assert_eq!(r.code, Some(2));
    assert_eq!(
        error_line(&r),
        "error: secret.Dockerfile: Permission denied"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_in_a_walked_directory() {
    let s = scratch();
    let tree = s.path().join("tree");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::os::unix::fs::symlink("Dockerfile.self", tree.join("Dockerfile.self")).unwrap();
    std::os::unix::fs::symlink("..", tree.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("../sub", tree.join("sub/again")).unwrap();
    std::fs::write(tree.join("sub/Dockerfile"), OK).unwrap();
    let r = run(&s, &["tree"]);
    assert_eq!(r.code, Some(2));
    assert_eq!(
        error_line(&r),
        "error: tree/Dockerfile.self: Too many levels of symbolic links"
    );
    assert!(
        r.stdout.contains("tree/sub/Dockerfile:2:5: LL101 "),
        "{}",
        r.stdout
    );
    // Directory links are not followed: the file is checked once.
    assert_eq!(
        r.stdout.matches("sub/Dockerfile:2:5").count(),
        1,
        "{}",
        r.stdout
    );
}

/// A walk reads files only: a named pipe with a Dockerfile's name would block the run for
/// ever, and a link to a directory is no Dockerfile. A name that is not UTF-8 still
/// matches on the rest of it.
#[cfg(unix)]
#[test]
fn a_walk_reads_files_only_and_names_that_are_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let s = scratch();
    let tree = s.path().join("tree");
    std::fs::create_dir_all(tree.join("dir")).unwrap();
    mkfifo(&tree.join("Dockerfile"));
    std::os::unix::fs::symlink("dir", tree.join("Dockerfile.d")).unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"Dockerfile.\xff");
    std::fs::write(tree.join(odd), OK).unwrap();
    let r = run(&s, &["tree"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    // No error: the pipe and the link are not read.
    assert!(
        r.stderr
            .starts_with("Found 2 findings (2 error) in 2 of 2 files."),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("tree/Dockerfile.\u{fffd}:2:5: LL101 "),
        "{}",
        r.stdout
    );
    assert_eq!(r.stdout.matches(": LL101 ").count(), 2, "{}", r.stdout);
}

/// A name with a line break (or another control character) is written in quotes with C
/// escapes by the line formats, so that each finding stays on its line; the structured
/// formats carry it as it is.
#[cfg(unix)]
#[test]
fn names_with_a_line_break_keep_each_finding_on_its_line() {
    let s = scratch();
    s.file("tree/a\nb\t\"c\".Dockerfile", OK);
    let r = run(&s, &["tree"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    let lines: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.contains(": LL101 "))
        .collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(r#""tree/a\nb\t\"c\".Dockerfile":2:5: LL101 "#)),
        "{}",
        r.stdout
    );
    let report = |format: &str| {
        let args = [
            "--isolated",
            "--shellcheck",
            "off",
            "--format",
            format,
            "tree",
        ];
        s.layerlint().args(args).output().unwrap().stdout
    };
    // The text format's frame names the file the same way.
    let text = String::from_utf8(report("text")).unwrap();
    assert!(
        text.contains(r#"┌─ "tree/a\nb\t\"c\".Dockerfile":2:5"#),
        "{text}"
    );
    // JSON holds the name itself.
    let json: serde_json::Value = serde_json::from_slice(&report("json")).unwrap();
    assert_eq!(json[0]["file"], "tree/a\nb\t\"c\".Dockerfile", "{json}");
    // An error names such a file on its one line too.
    let s = scratch();
    s.file("x\ny.Dockerfile", b"\x7fELF\x02\x01\x01\x00\x00\x00");
    let r = run(&s, &["x\ny.Dockerfile"]);
    assert_eq!(r.code, Some(2));
    assert_eq!(
        error_line(&r),
        r#"error: "x\ny.Dockerfile": binary file (NUL byte at offset 7), not a Dockerfile"#
    );
    // And so does the error about a name given that is not there.
    let r = run(&s, &["no\nsuch.Dockerfile"]);
    assert_eq!(r.code, Some(2));
    assert_eq!(
        error_line(&r),
        r#"error: "no\nsuch.Dockerfile": No such file or directory"#
    );
}

/// The files of the build context the rules read (`package.json`, `go.mod`, …) are read
/// only when they are files: a named pipe in their place would block the run for ever.
#[cfg(unix)]
#[test]
fn build_context_pipes_are_not_read() {
    let s = scratch();
    s.file(
        "app/Dockerfile",
        "FROM node:20\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY . .\n",
    );
    for name in [
        "package.json",
        "package-lock.json",
        ".dockerignore",
        "go.mod",
    ] {
        mkfifo(&s.path().join("app").join(name));
    }
    let r = run(&s, &["app/Dockerfile"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stdout.contains("app/Dockerfile:"), "{}", r.stdout);
}

/// Makes a named pipe at `path`.
#[cfg(unix)]
fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

/// Waits for the writer's `<marker>.ready`.
fn wait_ready(marker: &Path) {
    let ready = marker.with_extension("ready");
    let started = Instant::now();
    while !ready.exists() {
        assert!(started.elapsed() < BOUND, "the writer never paused");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A file changed or deleted between the read and the `--fix` write is not written (the
/// writer pauses there, in debug builds, when `LAYERLINT_TEST_PAUSE_BEFORE_WRITE` names a
/// marker file).
#[test]
fn a_file_changed_or_deleted_before_the_fix_is_written_is_left_alone() {
    for deleted in [false, true] {
        let s = scratch();
        let path = s.file("Dockerfile", OK);
        let marker = s.path().join("pause");
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("layerlint"))
            .current_dir(s.path())
            .args(["--isolated", "--shellcheck", "off", "--fix", "Dockerfile"])
            .env("NO_COLOR", "1")
            .env("LAYERLINT_TEST_PAUSE_BEFORE_WRITE", &marker)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        wait_ready(&marker);
        let edited = "FROM alpine:3.21\nCMD [\"echo\", \"edited\", ]\n";
        if deleted {
            std::fs::remove_file(&path).unwrap();
        } else {
            std::fs::write(&path, edited).unwrap();
        }
        std::fs::write(marker.with_extension("go"), "").unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let expected = if deleted {
            "error: Dockerfile: deleted while it was being fixed; not written"
        } else {
            "error: Dockerfile: changed on disk while it was being fixed; not written"
        };
        assert!(stderr(&out).contains(expected), "{}", stderr(&out));
        if deleted {
            assert!(!path.exists(), "the deleted file was recreated");
        } else {
            assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
        }
        let names: Vec<String> = std::fs::read_dir(s.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            !names.iter().any(|n| n.starts_with(".layerlint-")),
            "temporary file left: {names:?}"
        );
    }
}

/// ShellCheck (run by default when installed) is not given scripts it would choke on: a RUN
/// of 3,000 `&&` would take it minutes and gigabytes.
#[test]
fn a_huge_run_is_not_given_to_shellcheck() {
    let s = scratch();
    let mut text = String::from("FROM alpine:3.20\nRUN echo start \\\n");
    for _ in 0..3_000 {
        text.push_str("  && echo x \\\n");
    }
    text.push_str("  && echo end\n");
    s.file("chain.Dockerfile", &text);
    let started = Instant::now();
    let out = s
        .layerlint()
        .args([
            "--isolated",
            "--shellcheck",
            "auto",
            "chain.Dockerfile",
            "ok/Dockerfile",
        ])
        .timeout(BOUND * 2)
        .output()
        .unwrap();
    assert!(started.elapsed() < BOUND, "{:?}", started.elapsed());
    assert!(stdout(&out).contains(OK_FINDING), "{}", stdout(&out));
}
