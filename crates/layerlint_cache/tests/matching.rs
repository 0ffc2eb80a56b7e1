//! Matching behaviour, as tables: moby/patternmatcher's `TestMatches` and Go's `filepath.Match`
//! cases restated, and the semantics the module documents.

use layerlint_cache::{DockerIgnore, IgnoreError, PatternErrorKind};

fn ignore(patterns: &[&str]) -> DockerIgnore {
    DockerIgnore::parse(&patterns.join("\n"))
        .unwrap_or_else(|e| panic!("patterns {patterns:?} should parse: {e}"))
}

#[track_caller]
fn check(table: &[(&[&str], &str, bool)]) {
    let mut failures = Vec::new();
    for &(patterns, path, want) in table {
        let got = ignore(patterns).matches(path);
        if got != want {
            failures.push(format!("{patterns:?} on {path:?}: want {want}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn error_kind(text: &str) -> Option<(usize, PatternErrorKind)> {
    match DockerIgnore::parse(text) {
        Ok(_) => None,
        Err(IgnoreError::InvalidPattern { line, kind, .. }) => Some((line, kind)),
        Err(e) => panic!("unexpected error {e}"),
    }
}

#[test]
fn moby_test_matches() {
    // Single patterns, then several: a path also matches when a parent directory does.
    check(&[
        (&["**"], "file", true),
        (&["**"], "file/", true),
        (&["**/"], "file", true),
        (&["**/"], "file/", true),
        (&["**"], "/", true),
        (&["**/"], "/", true),
        (&["**"], "dir/file", true),
        (&["**/"], "dir/file", true),
        (&["**"], "dir/file/", true),
        (&["**/"], "dir/file/", true),
        (&["**/**"], "dir/file", true),
        (&["**/**"], "dir/file/", true),
        (&["dir/**"], "dir/file", true),
        (&["dir/**"], "dir/file/", true),
        (&["dir/**"], "dir/dir2/file", true),
        (&["dir/**"], "dir/dir2/file/", true),
        (&["**/dir"], "dir", true),
        (&["**/dir"], "dir/file", true),
        (&["**/dir2/*"], "dir/dir2/file", true),
        (&["**/dir2/*"], "dir/dir2/file/", true),
        (&["**/dir2/**"], "dir/dir2/dir3/file", true),
        (&["**/dir2/**"], "dir/dir2/dir3/file/", true),
        (&["**file"], "file", true),
        (&["**file"], "dir/file", true),
        (&["**/file"], "dir/file", true),
        (&["**file"], "dir/dir/file", true),
        (&["**/file"], "dir/dir/file", true),
        (&["**/file*"], "dir/dir/file", true),
        (&["**/file*"], "dir/dir/file.txt", true),
        (&["**/file*txt"], "dir/dir/file.txt", true),
        (&["**/file*.txt"], "dir/dir/file.txt", true),
        (&["**/file*.txt*"], "dir/dir/file.txt", true),
        (&["**/**/*.txt"], "dir/dir/file.txt", true),
        (&["**/**/*.txt2"], "dir/dir/file.txt", false),
        (&["**/*.txt"], "file.txt", true),
        (&["**/**/*.txt"], "file.txt", true),
        (&["a**/*.txt"], "a/file.txt", true),
        (&["a**/*.txt"], "a/dir/file.txt", true),
        (&["a**/*.txt"], "a/dir/dir/file.txt", true),
        (&["a/*.txt"], "a/dir/file.txt", false),
        (&["a/*.txt"], "a/file.txt", true),
        (&["a/*.txt**"], "a/file.txt", true),
        (&["a[b-d]e"], "ae", false),
        (&["a[b-d]e"], "ace", true),
        (&["a[b-d]e"], "aae", false),
        (&["a[^b-d]e"], "aze", true),
        (&[".*"], ".foo", true),
        (&[".*"], "foo", false),
        (&["abc.def"], "abcdef", false),
        (&["abc.def"], "abc.def", true),
        (&["abc.def"], "abcZdef", false),
        (&["abc?def"], "abcZdef", true),
        (&["abc?def"], "abcdef", false),
        (&[r"a\\"], r"a\", true),
        (&["**/foo/bar"], "foo/bar", true),
        (&["**/foo/bar"], "dir/foo/bar", true),
        (&["**/foo/bar"], "dir/dir2/foo/bar", true),
        (&["abc/**"], "abc", false),
        (&["abc/**"], "abc/def", true),
        (&["abc/**"], "abc/def/ghi", true),
        (&["**/.foo"], ".foo", true),
        (&["**/.foo"], "bar.foo", false),
        (&["a(b)c/def"], "a(b)c/def", true),
        (&["a(b)c/def"], "a(b)c/xyz", false),
        (&["a.|)$(}+{bc"], "a.|)$(}+{bc", true),
        (
            &["dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"],
            "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            true,
        ),
        (
            &["dist/*.whl"],
            "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            true,
        ),
        (&[r"a\*b"], "a*b", true),
        (&["**", "!util/docker/web"], "util/docker/web/foo", false),
        (
            &["**", "!util/docker/web", "util/docker/web/foo"],
            "util/docker/web/foo",
            true,
        ),
        (
            &[
                "**",
                "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            ],
            "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            false,
        ),
        (
            &["**", "!dist/*.whl"],
            "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            false,
        ),
    ]);
}

#[test]
fn moby_small_tests() {
    check(&[
        (&["*"], "fileutils.go", true),
        (&["*.go"], "fileutils.go", true),
        (&["!fileutils.go", "*.go"], "fileutils.go", true),
        (&["docs", "!docs/README.md"], "docs/README.md", false),
        (&["docs/", "!docs/README.md"], "docs/README.md", false),
        (&["docs/*", "!docs/README.md"], "docs/README.md", false),
        (&["*.go", "!fileutils.go"], "fileutils.go", false),
        (&["*.go"], ".", false),
        (&[], "any/path/there", false),
    ]);
}

#[test]
fn go_filepath_match_cases() {
    // Go's filepath.Match table as moby runs it (with parent directories matching too).
    check(&[
        (&["abc"], "abc", true),
        (&["*"], "abc", true),
        (&["*c"], "abc", true),
        (&["a*"], "a", true),
        (&["a*"], "abc", true),
        (&["a*"], "ab/c", true),
        (&["a*/b"], "abc/b", true),
        (&["a*/b"], "a/c/b", false),
        (&["a*b*c*d*e*/f"], "axbxcxdxe/f", true),
        (&["a*b*c*d*e*/f"], "axbxcxdxexxx/f", true),
        (&["a*b*c*d*e*/f"], "axbxcxdxe/xxx/f", false),
        (&["a*b*c*d*e*/f"], "axbxcxdxexxx/fff", false),
        (&["a*b?c*x"], "abxbbxdbxebxczzx", true),
        (&["a*b?c*x"], "abxbbxdbxebxczzy", false),
        (&["ab[c]"], "abc", true),
        (&["ab[b-d]"], "abc", true),
        (&["ab[e-g]"], "abc", false),
        (&["ab[^c]"], "abc", false),
        (&["ab[^b-d]"], "abc", false),
        (&["ab[^e-g]"], "abc", true),
        (&[r"a\*b"], "a*b", true),
        (&[r"a\*b"], "ab", false),
        (&["a?b"], "a☺b", true),
        (&["a[^a]b"], "a☺b", true),
        (&["a???b"], "a☺b", false),
        (&["a[^a][^a][^a]b"], "a☺b", false),
        (&["[a-ζ]*"], "α", true),
        (&["*[a-ζ]"], "A", false),
        (&["a?b"], "a/b", false),
        (&["a*b"], "a/b", false),
        (&[r"[\]a]"], "]", true),
        (&[r"[\-]"], "-", true),
        (&[r"[x\-]"], "x", true),
        (&[r"[x\-]"], "-", true),
        (&[r"[x\-]"], "z", false),
        (&[r"[\-x]"], "x", true),
        (&[r"[\-x]"], "-", true),
        (&[r"[\-x]"], "a", false),
        (&["*x"], "xxx", true),
    ]);
    for bad in [
        "[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "[^", "[^bc", "a[", "a[b",
    ] {
        assert_eq!(
            error_kind(bad),
            Some((1, PatternErrorKind::Syntax)),
            "{bad:?}"
        );
    }
}

#[test]
fn anchored_at_the_context_root() {
    check(&[
        (&["foo"], "foo", true),
        (&["foo"], "dir/foo", false),
        (&["foo"], "foo/bar", true),
        (&["*.log"], "a.log", true),
        (&["*.log"], "sub/a.log", false),
        (&["*/*.log"], "sub/a.log", true),
        (&["**/*.log"], "sub/deep/a.log", true),
        (&["*"], "sub/file", true),
        (&["/build"], "build/x", true),
        (&["./build/"], "build/x", true),
        (&["build/."], "build/x", true),
        (&["a/*/../b"], "a/b", true),
        (&["a/*/../b"], "a/x/b", false),
        (&["../a"], "a", false),
        (&["/"], "a", false),
        (&["."], "a", false),
    ]);
}

#[test]
fn double_star_forms() {
    check(&[
        // Glued to text: a suffix match, not "directories then text".
        (&["**.go"], "main.go", true),
        (&["**.go"], "cmd/x/main.go", true),
        (&["**.go"], "go", false),
        (&["**foo"], "barfoo", true),
        // Not at the start: `a`, any directories, then `b`.
        (&["a**b"], "ab", true),
        (&["a**b"], "a/x/b", true),
        (&["a**b"], "axb", false),
        (&["a**b"], "a/xb", false),
        (&["a**"], "abc/d", true),
        (&["a**"], "b", false),
        (&["**/x/**"], "x/y", true),
        (&["**/x/**"], "a/x/y", true),
        (&["**/x/**"], "x", false),
        (&["***"], "a/b", true),
    ]);
}

#[test]
fn classes_escapes_and_literal_braces() {
    check(&[
        // `^` negates, `!` is an ordinary member.
        (&["[!a]"], "!", true),
        (&["[!a]"], "a", true),
        (&["[!a]"], "b", false),
        (&["[^a]"], "b", true),
        (&["[^a]"], "/", true),
        (&["[a-c]x"], "bx", true),
        // Braces are literal.
        (&["{a,b}"], "{a,b}", true),
        (&["{a,b}"], "a", false),
        (&["*.{js,ts}"], "x.{js,ts}", true),
        (&["*.{js,ts}"], "x.js", false),
        // moby means to escape `|{}` but does not (its bitmap has no room for them), so in a
        // pattern with a wildcard they are Go regexp syntax: `a|b*` is `^a` or `b[^/]*$`...
        (&["a|b*"], "abc", true),
        (&["a|b*"], "x/bc", true),
        (&["a|b*"], "x/b/c", true),
        (&["a|b*"], "c/d", false),
        // ... and `x{2}` is `xx`; without a wildcard they are plain text.
        (&["x{2}*"], "xx1", true),
        (&["x{2}*"], "x1", false),
        (&["x{2}"], "x{2}", true),
        (&["a|b"], "a|b", true),
        (&["a|b"], "a", false),
        // Escapes.
        (&[r"\[a\]"], "[a]", true),
        (&[r"a\?"], "a?", true),
        (&[r"a\?"], "ab", false),
        (&[r"\#x"], "#x", true),
        (&[r"\!x"], "!x", true),
        // Docker hands the escape to Go's regexp: `\d` is a digit, `\a` a bell character.
        (&[r"v\d"], "v7", true),
        (&[r"v\d"], "vd", false),
        (&[r"\a"], "\x07", true),
        (&[r"\a"], "a", false),
        // ... and brackets follow Go's regexp syntax: moby turns `[*]` into `[[^/]*]`.
        (&["[*]"], "]", true),
        (&["[*]"], "*", false),
        (&["[**/]"], "?", true),
        (&["[[:digit:]]x"], "1x", true),
        // A `^` outside brackets is a regexp anchor once the pattern has a wildcard.
        (&["a^b"], "a^b", true),
        (&["a^b*"], "a^b", false),
        // POSIX and Unicode classes.
        (&[r"[\pL]*"], "жук", true),
        (&[r"\pL*"], "жук", true),
    ]);
}

#[test]
fn exceptions_and_order() {
    check(&[
        (&["*.md", "!README.md"], "README.md", false),
        (&["*.md", "!README.md"], "CHANGES.md", true),
        (&["!README.md", "*.md"], "README.md", true),
        (&["*", "!README.md"], "README.md", false),
        (&["**/*.md", "!docs/**"], "docs/a.md", false),
        (&["**/*.md", "!docs/**"], "src/a.md", true),
        // An exception for a directory re-includes everything below it...
        (
            &["node_modules", "!node_modules/keep"],
            "node_modules/keep/x",
            false,
        ),
        (
            &["node_modules", "!node_modules/keep"],
            "node_modules/other",
            true,
        ),
        // ... until a later pattern excludes again.
        (&["a", "!a/b", "a/b/c"], "a/b/c/d", true),
        (&["a", "!a/b", "a/b/c"], "a/b/x", false),
        // An exception cannot re-include what nothing excluded, nor undo a later pattern.
        (&["!x", "x"], "x", true),
        // Whitespace around `!`.
        (&["*.txt", "  ! keep.txt  "], "keep.txt", false),
    ]);
}

#[test]
fn paths_are_cleaned() {
    check(&[
        (&["a"], "./a", true),
        (&["a"], "/a", true),
        (&["a"], "a/", true),
        (&["a"], "a//b", true),
        (&["a"], "b/../a", true),
        (&["a/b"], "a/./b", true),
        (&["**"], ".", false),
        (&["**"], "", false),
        (&["**"], "./", false),
        // `/` stays `/`, and moby matches its "parent directory" `` against the pattern.
        (&["*"], "/", true),
        (&["a"], "/", false),
    ]);
}

#[test]
fn decided_by_names_the_pattern() {
    let text = "# build output\n\ntarget\n*.log\n!keep.log\n";
    let ignore = DockerIgnore::parse(text).unwrap();
    let by = ignore.matched_by("target/debug/x").expect("excluded");
    assert_eq!(
        (by.line(), by.text(), by.pattern()),
        (3, "target", "target")
    );
    let by = ignore.matched_by("a.log").expect("excluded");
    assert_eq!(by.line(), 4);
    assert!(ignore.matched_by("keep.log").is_none());
    let verdict = ignore.evaluate("keep.log");
    assert!(!verdict.excluded);
    let exception = verdict.decided_by.expect("the exception decided");
    assert_eq!((exception.line(), exception.is_exclusion()), (5, true));
    assert_eq!(exception.to_string(), "!keep.log");
    let verdict = ignore.evaluate("src/main.rs");
    assert!(!verdict.excluded && verdict.decided_by.is_none());
}

#[test]
fn directories_excluded_entirely() {
    let cases: &[(&[&str], &str, bool)] = &[
        (&["node_modules"], "node_modules", true),
        (&["node_modules"], "node_modules/pkg", true),
        (&["node_modules"], "src", false),
        (
            &["node_modules", "!node_modules/keep"],
            "node_modules",
            false,
        ),
        (
            &["node_modules", "!node_modules/keep"],
            "node_modules/other",
            true,
        ),
        (
            &["node_modules", "!node_modules/keep"],
            "node_modules/keep",
            false,
        ),
        (&["docs", "!docs/*.md"], "docs", false),
        (&["docs", "!docs/*.md"], "docs/img", true),
        (&["docs", "!docs/**/*.md"], "docs/img", false),
        (&["src", "!src/*.c"], "src/sub", true),
        (&["src", "!src/*.c"], "src", false),
        (&["src", "!**/keep"], "src", false),
        (&["src", "!lib"], "src", true),
        (&["src", "!src/a**"], "src/b", true),
        (&["src", "!src/a**"], "src/abc", false),
        (&["src", "!s*"], "src", false),
        (&["*", "!README.md"], "docs", true),
        (&["*", "!*.md"], "docs", true),
        (&["*", "!*/*.md"], "docs", false),
        (&["**"], ".", false),
        (&["**"], "/", false),
        (&["/", "]"], "/", false),
        (&["build/**"], "build", false),
        (&["build/**"], "build/x", true),
        (&["a", "!a/b", "a/b/c"], "a/b/c", true),
    ];
    let mut failures = Vec::new();
    for &(patterns, dir, want) in cases {
        let got = ignore(patterns).excludes_dir_entirely(dir);
        if got != want {
            failures.push(format!("{patterns:?} on {dir:?}: want {want}, got {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn invalid_patterns_name_their_line() {
    assert_eq!(
        error_kind("ok\n!\n"),
        Some((2, PatternErrorKind::IllegalExclusion))
    );
    assert_eq!(
        error_kind("ok\n  !  \n"),
        Some((2, PatternErrorKind::IllegalExclusion))
    );
    assert_eq!(
        error_kind("!/"),
        Some((1, PatternErrorKind::IllegalExclusion))
    );
    assert_eq!(
        error_kind("# c\n\n[abc\n"),
        Some((3, PatternErrorKind::Syntax))
    );
    assert_eq!(error_kind("a\\"), Some((1, PatternErrorKind::Syntax)));
    // Pass Go's filepath.Match check, fail when Docker compiles the regular expression.
    for (text, line) in [
        ("x\n[z-a]", 2),
        ("[Local-Only]/", 1),
        (r"\y*", 1),
        (r"a\é*", 1),
    ] {
        match error_kind(text) {
            Some((l, PatternErrorKind::Regexp(_))) if l == line => {}
            other => panic!("{text:?}: {other:?}"),
        }
    }
    let err = DockerIgnore::parse("a\n[").unwrap_err();
    assert_eq!(err.line(), Some(2));
    assert_eq!(err.to_string(), "line 2: syntax error in pattern: `[`");
}

#[test]
fn no_patterns_no_work() {
    let empty = DockerIgnore::parse("").unwrap();
    assert!(empty.is_empty());
    assert!(!empty.matches("anything"));
    assert!(!empty.excludes_dir_entirely("anything"));
    assert!(!empty.has_exclusions());
    assert!(ignore(&["a", "!b"]).has_exclusions());
}
