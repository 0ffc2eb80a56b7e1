//! Lexical path cleaning with the rules of Go's `path/filepath.Clean` on Unix.
//!
//! Docker cleans every `.dockerignore` pattern (and BuildKit every walked path) with
//! `filepath.Clean`, and the cleaning changes what a pattern means (`a/*/../b` is `a/b`), so the
//! rules are reproduced exactly: repeated separators collapse, `.` elements go, an inner `..`
//! removes the element before it, a `..` at the start of a rooted path goes, a trailing separator
//! goes, and the empty result is `.`. The separator is `/` only; `\` is an ordinary character.

use std::borrow::Cow;

/// `filepath.Clean(path)`, borrowing when `path` is already clean.
pub(crate) fn clean(path: &str) -> Cow<'_, str> {
    if is_clean(path) {
        Cow::Borrowed(path)
    } else {
        Cow::Owned(clean_owned(path))
    }
}

fn clean_owned(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                // `/..` is `/`.
                _ if rooted => {}
                _ => parts.push(".."),
            },
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// Whether `clean(path) == path`, without allocating.
fn is_clean(path: &str) -> bool {
    if path == "." || path == "/" {
        return true;
    }
    if path.is_empty() || path.ends_with('/') {
        return false;
    }
    let rooted = path.starts_with('/');
    let body = if rooted { &path[1..] } else { path };
    // Leading `..` elements are kept in a relative path; anywhere else they go.
    let mut only_dotdot_so_far = !rooted;
    for part in body.split('/') {
        match part {
            "" | "." => return false,
            ".." if !only_dotdot_so_far => return false,
            ".." => {}
            _ => only_dotdot_so_far = false,
        }
    }
    true
}

/// `filepath.Dir` of a path that is already clean: everything before the last `/`, `/` for a
/// child of the root, `.` without a `/`.
pub(crate) fn dir_of_clean(path: &str) -> &str {
    match path.rfind('/') {
        None => ".",
        Some(0) => "/",
        Some(i) => &path[..i],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_matches_go() {
        // Cases from Go's path/filepath tests (Unix).
        let cases = [
            ("abc", "abc"),
            ("abc/def", "abc/def"),
            ("a/b/c", "a/b/c"),
            (".", "."),
            ("..", ".."),
            ("../..", "../.."),
            ("../../abc", "../../abc"),
            ("/abc", "/abc"),
            ("/", "/"),
            ("", "."),
            ("abc/", "abc"),
            ("abc/def/", "abc/def"),
            ("a/b/c/", "a/b/c"),
            ("./", "."),
            ("../", ".."),
            ("../../", "../.."),
            ("/abc/", "/abc"),
            ("abc//def//ghi", "abc/def/ghi"),
            ("//abc", "/abc"),
            ("///abc", "/abc"),
            ("//abc//", "/abc"),
            ("abc//", "abc"),
            ("abc/./def", "abc/def"),
            ("/./abc/def", "/abc/def"),
            ("abc/.", "abc"),
            ("abc/def/ghi/../jkl", "abc/def/jkl"),
            ("abc/def/../ghi/../jkl", "abc/jkl"),
            ("abc/def/..", "abc"),
            ("abc/def/../..", "."),
            ("/abc/def/../..", "/"),
            ("abc/def/../../..", ".."),
            ("/abc/def/../../..", "/"),
            ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"),
            ("/../abc", "/abc"),
            ("abc/./../def", "def"),
            ("abc//./../def", "def"),
            ("abc/../../././../def", "../../def"),
            ("./build/", "build"),
            ("a/*/../b", "a/b"),
            (r"a\/b", r"a\/b"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "clean({input:?})");
            assert_eq!(clean_owned(input), want, "clean_owned({input:?})");
            assert_eq!(is_clean(input), input == want, "is_clean({input:?})");
        }
    }

    #[test]
    fn dir_of_clean_paths() {
        assert_eq!(dir_of_clean("a"), ".");
        assert_eq!(dir_of_clean("a/b"), "a");
        assert_eq!(dir_of_clean("a/b/c"), "a/b");
        assert_eq!(dir_of_clean("/"), "/");
        assert_eq!(dir_of_clean("/a"), "/");
        assert_eq!(dir_of_clean("/a/b"), "/a");
    }
}
