//! Reading ignore files: lines, comments, whitespace, `!`, line endings, byte order marks,
//! errors; and finding the file that applies to a Dockerfile.

use std::fs;
use std::path::Path;

use layerlint_cache::{
    DockerIgnore, IgnoreError, PatternErrorKind, find_ignore_file, load_ignore_file,
};

/// (line, pattern as Docker uses it, is exception) for every pattern of `text`.
fn read(text: &str) -> Vec<(usize, String, bool)> {
    DockerIgnore::parse(text)
        .unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
        .patterns()
        .iter()
        .map(|p| (p.line(), p.pattern().to_owned(), p.is_exclusion()))
        .collect()
}

fn p(line: usize, pattern: &str, exclusion: bool) -> (usize, String, bool) {
    (line, pattern.to_owned(), exclusion)
}

#[test]
fn moby_read_all_example() {
    let text =
        "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n";
    assert_eq!(
        read(text),
        [
            p(1, "test1", false),
            p(2, "test2", false),
            p(3, "a/file/here", false),
            p(5, "lastfile", false),
            p(7, "inverted/abs/path", true),
        ]
    );
    // The same file ending in lone `!`s, as moby's test has it, is an error for the matcher.
    let err = DockerIgnore::parse(&format!("{text}!\n! ")).unwrap_err();
    assert!(matches!(
        err,
        IgnoreError::InvalidPattern {
            line: 8,
            kind: PatternErrorKind::IllegalExclusion,
            ..
        }
    ));
}

#[test]
fn comments_only_at_the_start_of_a_line() {
    assert_eq!(read("# comment\n#*.go\n"), []);
    // Docker checks for `#` before trimming: an indented `#` starts a pattern.
    assert_eq!(read("  # not a comment"), [p(1, "# not a comment", false)]);
    assert_eq!(
        read("a # not a comment"),
        [p(1, "a # not a comment", false)]
    );
    assert_eq!(read("!#x"), [p(1, "#x", true)]);
}

#[test]
fn whitespace_is_trimmed() {
    assert_eq!(
        read("  a  \n\t\tb\t\n \n\t\n"),
        [p(1, "a", false), p(2, "b", false)]
    );
    assert_eq!(read("!  a"), [p(1, "a", true)]);
    assert_eq!(read("  !a"), [p(1, "a", true)]);
    // Unicode spaces too, as Go's strings.TrimSpace does.
    assert_eq!(read("\u{a0}a\u{3000}"), [p(1, "a", false)]);
    // Inner spaces are part of the pattern.
    assert_eq!(read("my file.txt"), [p(1, "my file.txt", false)]);
}

#[test]
fn patterns_are_cleaned() {
    assert_eq!(
        read("./a/\n/b//c/\nd/./e\nf/../g\n/\n../h\n!./i/"),
        [
            p(1, "a", false),
            p(2, "b/c", false),
            p(3, "d/e", false),
            p(4, "g", false),
            p(5, "/", false),
            p(6, "../h", false),
            p(7, "i", true),
        ]
    );
    // Cleaning can leave a `!` at the front, which Docker then reads as an exception.
    assert_eq!(read("x/../!y"), [p(1, "y", true)]);
    // ... or whitespace at an end, which Docker then trims.
    assert_eq!(read("a/ /.\nx/../ y"), [p(1, "a", false), p(2, "y", false)]);
    assert_eq!(read("x/../ /."), []);
}

#[test]
fn line_endings() {
    assert_eq!(read("a\r\nb\r\n"), [p(1, "a", false), p(2, "b", false)]);
    assert_eq!(read("a\nb"), [p(1, "a", false), p(2, "b", false)]);
    assert_eq!(
        read("a\r\n\r\n# c\r\nb"),
        [p(1, "a", false), p(4, "b", false)]
    );
    // A lone `\r` does not end a line; a `\r` before `# ...` hides the comment marker.
    assert_eq!(read("a\rb"), [p(1, "a\rb", false)]);
    let ignore = DockerIgnore::parse("*.log\r\n").unwrap();
    assert!(ignore.matches("x.log"));
    assert_eq!(ignore.patterns()[0].text(), "*.log");
}

#[test]
fn byte_order_mark() {
    assert_eq!(read("\u{feff}a\nb"), [p(1, "a", false), p(2, "b", false)]);
    assert_eq!(read("\u{feff}# comment\na"), [p(2, "a", false)]);
    // Only at the start of the file: elsewhere it is part of the pattern.
    assert_eq!(
        read("a\n\u{feff}b"),
        [p(1, "a", false), p(2, "\u{feff}b", false)]
    );
    let ignore = DockerIgnore::parse("a\n\u{feff}b").unwrap();
    assert!(!ignore.matches("b"));
    assert!(ignore.matches("\u{feff}b"));
}

#[test]
fn empty_files() {
    assert_eq!(read(""), []);
    assert_eq!(read("\n\n\n"), []);
    assert_eq!(read("# only comments\n"), []);
    assert_eq!(read("\u{feff}"), []);
}

#[test]
fn errors_name_their_line() {
    let err = DockerIgnore::parse("# header\n\nnode_modules\n!\n").unwrap_err();
    assert_eq!(err.line(), Some(4));
    assert_eq!(
        err.to_string(),
        "line 4: illegal exclusion pattern \"!\": `!`"
    );

    let err = DockerIgnore::parse("a\r\n  src/[ab\r\n").unwrap_err();
    match &err {
        IgnoreError::InvalidPattern { line, text, kind } => {
            assert_eq!(
                (*line, text.as_str(), kind),
                (2, "  src/[ab", &PatternErrorKind::Syntax)
            );
        }
        other => panic!("{other:?}"),
    }

    let err = DockerIgnore::parse("ok\ncache/[z-a]*\n").unwrap_err();
    assert!(matches!(
        err,
        IgnoreError::InvalidPattern {
            line: 2,
            kind: PatternErrorKind::Regexp(_),
            ..
        }
    ));
    assert!(
        err.to_string()
            .starts_with("line 2: syntax error in pattern")
    );
}

#[test]
fn errors_are_reported_in_dockers_order() {
    // Docker reads every line, then checks every pattern, then compiles them: a later syntax
    // error wins over an earlier regexp error, an overlong line over everything.
    let err = DockerIgnore::parse("a[z-a]*\n[\n").unwrap_err();
    assert!(matches!(
        err,
        IgnoreError::InvalidPattern {
            line: 2,
            kind: PatternErrorKind::Syntax,
            ..
        }
    ));
    let err = DockerIgnore::parse(&format!("[\n{}", "a".repeat(70_000))).unwrap_err();
    assert!(matches!(err, IgnoreError::LineTooLong { line: 2, .. }));
    let err = DockerIgnore::parse("ok\nb[z-a]*\nc[z-a]*").unwrap_err();
    assert_eq!(err.line(), Some(2));
}

#[test]
fn overlong_lines_fail_like_docker() {
    let just_fits = "a".repeat(65_535);
    assert_eq!(read(&format!("x\n{just_fits}\ny")).len(), 3);
    let too_long = "a".repeat(65_536);
    let err = DockerIgnore::parse(&format!("x\n{too_long}\ny")).unwrap_err();
    assert!(matches!(
        err,
        IgnoreError::LineTooLong {
            line: 2,
            len: 65_536
        }
    ));
    // The byte order mark counts towards the first line.
    let err = DockerIgnore::parse(&format!("\u{feff}{}", "a".repeat(65_533))).unwrap_err();
    assert!(matches!(err, IgnoreError::LineTooLong { line: 1, .. }));
    // So does a `\r`.
    let err = DockerIgnore::parse(&format!("{just_fits}\r\n")).unwrap_err();
    assert_eq!(err.line(), Some(1));
}

#[test]
fn reading_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".dockerignore");
    fs::write(
        &path,
        b"\xef\xbb\xbftarget\r\n*.log\r\n!keep.log\r\nbad\xff\n",
    )
    .unwrap();
    let ignore = DockerIgnore::read(&path).unwrap();
    assert_eq!(ignore.patterns().len(), 4);
    assert!(ignore.matches("target/x"));
    assert!(!ignore.matches("keep.log"));
    assert_eq!(ignore.patterns()[3].pattern(), "bad\u{fffd}");

    let missing = dir.path().join("nope");
    let err = DockerIgnore::read(&missing).unwrap_err();
    assert!(matches!(err, IgnoreError::Io { .. }));
    assert_eq!(err.line(), None);
}

fn touch(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, text).unwrap();
}

#[test]
fn dockerfile_specific_ignore_file_wins() {
    let ctx = tempfile::tempdir().unwrap();
    let root = ctx.path();
    touch(&root.join("Dockerfile"), "FROM scratch\n");
    touch(&root.join("Dockerfile.dev"), "FROM scratch\n");
    touch(&root.join(".dockerignore"), "shared\n");
    touch(&root.join("Dockerfile.dockerignore"), "own\n");

    let found = find_ignore_file(&root.join("Dockerfile"), root);
    assert_eq!(
        found.as_deref(),
        Some(root.join("Dockerfile.dockerignore").as_path())
    );
    // `Dockerfile.dev` has no ignore file of its own: the context's applies.
    let found = find_ignore_file(&root.join("Dockerfile.dev"), root);
    assert_eq!(found.as_deref(), Some(root.join(".dockerignore").as_path()));

    touch(&root.join("Dockerfile.dev.dockerignore"), "dev\n");
    let loaded = load_ignore_file(&root.join("Dockerfile.dev"), root)
        .unwrap()
        .unwrap();
    assert_eq!(loaded.path, root.join("Dockerfile.dev.dockerignore"));
    assert!(loaded.ignore.matches("dev/x"));
    assert!(!loaded.ignore.matches("shared"));

    // An empty Dockerfile-specific file still applies (and excludes nothing).
    touch(&root.join("Dockerfile.dev.dockerignore"), "");
    let loaded = load_ignore_file(&root.join("Dockerfile.dev"), root)
        .unwrap()
        .unwrap();
    assert_eq!(loaded.path, root.join("Dockerfile.dev.dockerignore"));
    assert!(loaded.ignore.is_empty());
}

#[test]
fn dockerfile_outside_the_context() {
    let tmp = tempfile::tempdir().unwrap();
    let dockerfile = tmp.path().join("docker/app.Dockerfile");
    let context = tmp.path().join("src");
    touch(&dockerfile, "FROM scratch\n");
    touch(&context.join(".dockerignore"), "x\n");
    assert_eq!(
        find_ignore_file(&dockerfile, &context),
        Some(context.join(".dockerignore"))
    );
    // The Dockerfile's own ignore file sits next to it, not in the context.
    touch(&context.join("app.Dockerfile.dockerignore"), "y\n");
    assert_eq!(
        find_ignore_file(&dockerfile, &context),
        Some(context.join(".dockerignore"))
    );
    touch(
        &tmp.path().join("docker/app.Dockerfile.dockerignore"),
        "y\n",
    );
    assert_eq!(
        find_ignore_file(&dockerfile, &context),
        Some(tmp.path().join("docker/app.Dockerfile.dockerignore"))
    );
}

#[test]
fn lookup_edge_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    touch(&root.join("Dockerfile"), "FROM scratch\n");
    assert_eq!(find_ignore_file(&root.join("Dockerfile"), root), None);
    assert!(
        load_ignore_file(&root.join("Dockerfile"), root)
            .unwrap()
            .is_none()
    );

    // A directory with the name is not an ignore file.
    fs::create_dir(root.join("Dockerfile.dockerignore")).unwrap();
    fs::create_dir(root.join(".dockerignore")).unwrap();
    assert_eq!(find_ignore_file(&root.join("Dockerfile"), root), None);

    // Lower-case `dockerfile` (BuildKit's fallback for the default name) also finds
    // `Dockerfile.dockerignore`.
    let sub = root.join("sub");
    touch(&sub.join("dockerfile"), "FROM scratch\n");
    touch(&sub.join("Dockerfile.dockerignore"), "a\n");
    assert_eq!(
        find_ignore_file(&sub.join("dockerfile"), &sub),
        Some(sub.join("Dockerfile.dockerignore"))
    );
    touch(&sub.join("dockerfile.dockerignore"), "b\n");
    let found = find_ignore_file(&sub.join("dockerfile"), &sub).unwrap();
    assert!(
        found.ends_with("dockerfile.dockerignore"),
        "{}",
        found.display()
    );

    // A broken ignore file is an error from load_ignore_file.
    let other = root.join("other");
    touch(&other.join("Dockerfile"), "FROM scratch\n");
    touch(&other.join(".dockerignore"), "ok\n[\n");
    let err = load_ignore_file(&other.join("Dockerfile"), &other).unwrap_err();
    assert_eq!(err.line(), Some(2));
}
