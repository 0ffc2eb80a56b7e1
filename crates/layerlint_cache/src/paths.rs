//! Paths as the builder sees them: `/`-separated, cleaned like Go's `path.Clean`, and the
//! wildcards of `COPY` sources (Go's `filepath.Match`, one path element per `*`).

/// Cleans a `/`-separated path like Go's `path.Clean` (`a/./b/../c/` → `a/c`; `""` → `.`).
pub fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let rooted = path.starts_with('/');
    if is_clean(path, rooted) {
        return path.to_owned();
    }
    clean_elements(path, rooted)
}

/// The elements of `path` written into the result as they come: `..` takes back the
/// element before it, unless it is a leading `..` of a relative path (kept).
fn clean_elements(path: &str, rooted: bool) -> String {
    let mut out = String::with_capacity(path.len() + 1);
    if rooted {
        out.push('/');
    }
    // Where the elements start, and where those a `..` can take back start.
    let start = out.len();
    let mut kept = start;
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.len() > kept {
                    let cut = out[kept..].rfind('/').map_or(kept, |i| kept + i);
                    out.truncate(cut);
                } else if !rooted {
                    if out.len() > start {
                        out.push('/');
                    }
                    out.push_str("..");
                    kept = out.len();
                }
            }
            other => {
                if out.len() > start {
                    out.push('/');
                }
                out.push_str(other);
            }
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

/// Whether [`clean`] would return `path` as it is: no empty, `.` or `..` element, and no
/// trailing `/` (but `/` itself).
fn is_clean(path: &str, rooted: bool) -> bool {
    if path == "/" {
        return true;
    }
    let rest = if rooted {
        &path.as_bytes()[1..]
    } else {
        path.as_bytes()
    };
    rest.split(|&b| b == b'/')
        .all(|part| !matches!(part, b"" | b"." | b".."))
}

/// `base` joined with `path` (which wins when absolute), cleaned.
pub fn join(base: &str, path: &str) -> String {
    if path.starts_with('/') {
        clean(path)
    } else {
        // A trailing `/` and a leading `./` (`COPY . ./`, `src/`) go in the cleaning; taken
        // off first, the join is mostly clean as it is.
        let mut path = path.trim_end_matches('/');
        while let Some(rest) = path.strip_prefix("./") {
            path = rest;
        }
        if !base.is_empty() && (path.is_empty() || path == ".") {
            return clean(base);
        }
        let mut joined = String::with_capacity(base.len() + 1 + path.len());
        joined.push_str(base);
        // `/` and `app` make `/app`, which is clean as it is (`//app` is not).
        if !base.ends_with('/') {
            joined.push('/');
        }
        joined.push_str(path);
        if is_clean(&joined, joined.starts_with('/')) {
            joined
        } else {
            clean(&joined)
        }
    }
}

/// A context-relative path: cleaned, without a leading `/` or `./`; `""` for the root.
pub fn context_path(path: &str) -> String {
    let cleaned = clean(path);
    let trimmed = cleaned.trim_start_matches('/');
    if trimmed == "." {
        String::new()
    } else if trimmed.len() == cleaned.len() {
        // Relative already (most sources): the cleaned path itself, not a copy of it.
        cleaned
    } else {
        trimmed.to_owned()
    }
}

/// [`context_path`] of a path the caller owns: the path itself, not a copy, when it is
/// relative and clean already (most `COPY` sources).
pub fn into_context_path(path: String) -> String {
    if !path.starts_with('/') && path != "." && !path.is_empty() && is_clean(&path, false) {
        return path;
    }
    context_path(&path)
}

/// Whether `path` is `dir` or below it (both cleaned the same way; `""` is the root of a
/// relative tree, `/` of an absolute one).
pub fn is_within(path: &str, dir: &str) -> bool {
    if dir.is_empty() || dir == "/" || dir == "." {
        return true;
    }
    path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// `path` relative to `dir`, when it is within it (`""` when equal).
pub fn relative_to<'a>(path: &'a str, dir: &str) -> Option<&'a str> {
    if dir.is_empty() || dir == "." {
        return Some(path);
    }
    if path == dir {
        return Some("");
    }
    if dir == "/" {
        return path.strip_prefix('/');
    }
    path.strip_prefix(dir)?.strip_prefix('/')
}

/// The last element of a path (`a/b/` → `b`).
pub fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    // Byte by byte: paths are short, and `/` is ASCII.
    match trimmed.bytes().rposition(|b| b == b'/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

/// The directory part of a cleaned path (`a/b` → `a`, `b` → `""`, `/b` → `/`).
pub fn parent(path: &str) -> &str {
    match path.trim_end_matches('/').rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => "",
    }
}

/// Whether a `COPY` source has wildcards (`*`, `?`, `[`), as BuildKit's `containsWildcards`.
pub fn has_wildcards(path: &str) -> bool {
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'*' | b'?' | b'[' => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Go's `path.Match`: `*` matches within one element, `?` one character other than `/`,
/// `[...]` a class (`^` negates), `\` escapes. A malformed pattern matches nothing.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    Glob::new(pattern).matches(name)
}

/// A [`glob_match`] pattern looked at once, to be matched against many names (the names
/// of a directory): where its first special character is, and whether it is a star and a
/// literal suffix (`*.csproj`), are found once, not per name.
pub struct Glob<'p> {
    pattern: &'p str,
    /// The literal head before the first special character; all of a pattern without one.
    head: &'p str,
    shape: Shape<'p>,
}

enum Shape<'p> {
    /// No special character: the name is the pattern.
    Literal,
    /// `*` and a literal suffix.
    StarSuffix(&'p str),
    General,
}

impl<'p> Glob<'p> {
    pub fn new(pattern: &'p str) -> Glob<'p> {
        let Some(special) = first_special(pattern) else {
            return Glob {
                pattern,
                head: pattern,
                shape: Shape::Literal,
            };
        };
        let shape = match pattern.strip_prefix('*') {
            Some(suffix) if first_special(suffix).is_none() => Shape::StarSuffix(suffix),
            _ => Shape::General,
        };
        Glob {
            pattern,
            head: &pattern[..special],
            shape,
        }
    }

    /// Whether `name` matches: [`glob_match`] of the pattern and `name`.
    pub fn matches(&self, name: &str) -> bool {
        // The literal head before the first special character must start the name (asked
        // of many names per pattern, most of which differ there).
        match self.shape {
            Shape::Literal => self.pattern == name,
            // `*.csproj`: a star, then a literal suffix; the star takes what is before it,
            // within one element.
            Shape::StarSuffix(suffix) => name
                .strip_suffix(suffix)
                .is_some_and(|head| !head.contains('/')),
            Shape::General => {
                if !name.starts_with(self.head) {
                    return false;
                }
                // Without allocating for the usual ASCII names; characters otherwise.
                if self.pattern.is_ascii() && name.is_ascii() {
                    return glob(self.pattern.as_bytes(), name.as_bytes()).unwrap_or(false);
                }
                let pattern: Vec<char> = self.pattern.chars().collect();
                let name: Vec<char> = name.chars().collect();
                glob(&pattern, &name).unwrap_or(false)
            }
        }
    }
}

/// The literal head of a [`glob_match`] pattern, before its first special character: a
/// name it matches starts with it (`package` for `package*.json`; all of a pattern without
/// one).
pub fn literal_head(pattern: &str) -> &str {
    &pattern[..first_special(pattern).unwrap_or(pattern.len())]
}

/// Where the first character special to [`glob_match`] (`*`, `?`, `[`, `\`) is, byte by
/// byte (all four are ASCII; a pattern is short, and asked of many names).
fn first_special(pattern: &str) -> Option<usize> {
    pattern
        .bytes()
        .position(|b| matches!(b, b'*' | b'?' | b'[' | b'\\'))
}

/// A unit of text [`glob`] matches on: a byte of ASCII text, or a character.
trait Unit: Copy + Ord {
    fn is(self, ascii: u8) -> bool;
}

impl Unit for u8 {
    fn is(self, ascii: u8) -> bool {
        self == ascii
    }
}

impl Unit for char {
    fn is(self, ascii: u8) -> bool {
        self == char::from(ascii)
    }
}

fn glob<C: Unit>(pattern: &[C], name: &[C]) -> Option<bool> {
    let (mut p, mut n) = (0, 0);
    // Backtracking point for the last `*`: (pattern index after it, name index).
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pattern.len() {
            let c = pattern[p];
            if c.is(b'*') {
                star = Some((p + 1, n));
                p += 1;
                continue;
            } else if c.is(b'?') {
                if n < name.len() && !name[n].is(b'/') {
                    p += 1;
                    n += 1;
                    continue;
                }
            } else if c.is(b'[') {
                if n < name.len() && !name[n].is(b'/') {
                    let (matched, next) = class(pattern, p, name[n])?;
                    if matched {
                        p = next;
                        n += 1;
                        continue;
                    }
                }
            } else if c.is(b'\\') {
                if p + 1 < pattern.len() && n < name.len() && pattern[p + 1] == name[n] {
                    p += 2;
                    n += 1;
                    continue;
                }
            } else if n < name.len() && c == name[n] {
                p += 1;
                n += 1;
                continue;
            }
        } else if n == name.len() {
            return Some(true);
        }
        // Mismatch: let the last `*` take one more character (never a `/`).
        match star {
            Some((sp, sn)) if sn < name.len() && !name[sn].is(b'/') => {
                star = Some((sp, sn + 1));
                p = sp;
                n = sn + 1;
            }
            _ => return Some(false),
        }
    }
}

/// Matches `c` against the class starting at `pattern[start] == '['`: whether it matched and
/// the index after the class; `None` when the class is malformed.
fn class<C: Unit>(pattern: &[C], start: usize, c: C) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negated = pattern.get(i).is_some_and(|c| c.is(b'^'));
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let &ch = pattern.get(i)?;
        if ch.is(b']') && !first {
            i += 1;
            break;
        }
        first = false;
        let lo = if ch.is(b'\\') {
            i += 1;
            *pattern.get(i)?
        } else {
            ch
        };
        i += 1;
        let mut hi = lo;
        if pattern.get(i).is_some_and(|c| c.is(b'-'))
            && pattern.get(i + 1).is_some_and(|c| !c.is(b']'))
        {
            i += 1;
            hi = if pattern[i].is(b'\\') {
                i += 1;
                *pattern.get(i)?
            } else {
                pattern[i]
            };
            i += 1;
        }
        if lo <= c && c <= hi {
            matched = true;
        }
    }
    Some((matched != negated, i))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every string of up to `up_to` units, each written after `separator` (`""` first).
    pub(crate) fn every_string(units: &[&str], separator: &str, up_to: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = all.clone();
        for _ in 0..up_to {
            last = last
                .iter()
                .flat_map(|t| units.iter().map(move |u| format!("{t}{separator}{u}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    /// The owned context path is the borrowed one, for every path of up to four units over
    /// {a, ., ..} separated by `/`, with and without a leading `/`.
    #[test]
    fn into_context_path_agrees() {
        for path in every_string(&["a", ".", "..", ""], "/", 4) {
            for path in [path.clone(), path.trim_start_matches('/').to_owned()] {
                assert_eq!(
                    into_context_path(path.clone()),
                    context_path(&path),
                    "{path:?}"
                );
            }
        }
    }

    /// The shortcut for a star and a literal suffix agrees with the general matcher, for
    /// every suffix and name of up to three units over {a, ., /, é}.
    #[test]
    fn star_suffix_shortcut() {
        let texts = every_string(&["a", ".", "/", "é"], "", 3);
        for suffix in &texts {
            let pattern = format!("*{suffix}");
            let chars: Vec<char> = pattern.chars().collect();
            for name in &texts {
                let general = glob(&chars, &name.chars().collect::<Vec<char>>()).unwrap_or(false);
                assert_eq!(glob_match(&pattern, name), general, "{pattern} {name}");
            }
        }
    }

    #[test]
    fn already_clean_paths_are_returned_as_they_are() {
        // Every path of up to four elements from a small alphabet: the shortcut agrees
        // with the element-by-element cleaning.
        let paths = every_string(&["", ".", "..", "a", "bc"], "/", 4);
        for path in paths
            .iter()
            .flat_map(|p| [p.clone(), p[1.min(p.len())..].to_owned()])
        {
            if path.is_empty() {
                continue;
            }
            let rooted = path.starts_with('/');
            assert_eq!(clean(&path), clean_elements(&path, rooted), "{path:?}");
        }
    }

    /// [`clean_elements`] as first written (a `Vec` joined, then formatted): the oracle.
    fn clean_by_joining(path: &str) -> String {
        if path.is_empty() {
            return ".".to_owned();
        }
        let rooted = path.starts_with('/');
        let mut parts: Vec<&str> = Vec::new();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.last().is_some_and(|p| *p != "..") {
                        parts.pop();
                    } else if !rooted {
                        parts.push("..");
                    }
                }
                other => parts.push(other),
            }
        }
        let joined = parts.join("/");
        match (rooted, joined.is_empty()) {
            (true, _) => format!("/{joined}"),
            (false, true) => ".".to_owned(),
            (false, false) => joined,
        }
    }

    /// Joining and cleaning agree with cleaning `base/path` the first way, for every pair of
    /// short paths, rooted or not, with or without a trailing `/`.
    #[test]
    fn join_and_clean_agree_with_the_oracle() {
        let paths: Vec<String> = every_string(&["", ".", "..", "a", "bc"], "/", 3)
            .iter()
            .flat_map(|p| [p.clone(), p[1.min(p.len())..].to_owned()])
            .collect();
        for base in &paths {
            assert_eq!(clean(base), clean_by_joining(base), "{base:?}");
            for path in &paths {
                let expected = if path.starts_with('/') {
                    clean_by_joining(path)
                } else {
                    clean_by_joining(&format!("{base}/{path}"))
                };
                assert_eq!(join(base, path), expected, "{base:?} + {path:?}");
            }
        }
    }

    #[test]
    fn cleaning() {
        assert_eq!(clean("a/./b/../c/"), "a/c");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(clean(""), ".");
        assert_eq!(clean("./"), ".");
        assert_eq!(join("/app", "./src"), "/app/src");
        assert_eq!(join("/app", "/opt"), "/opt");
        assert_eq!(join("/app", "."), "/app");
        assert_eq!(context_path("./a/b/"), "a/b");
        assert_eq!(context_path("."), "");
        assert_eq!(context_path("/"), "");
    }

    #[test]
    fn within() {
        assert!(is_within("/app/src", "/app"));
        assert!(is_within("/app", "/app"));
        assert!(!is_within("/apple", "/app"));
        assert!(is_within("src/a", ""));
        assert_eq!(relative_to("/app/src/x", "/app"), Some("src/x"));
        assert_eq!(relative_to("/app", "/app"), Some(""));
        assert_eq!(relative_to("/x", "/"), Some("x"));
        assert_eq!(relative_to("src/x", ""), Some("src/x"));
        assert_eq!(relative_to("/b", "/app"), None);
        assert_eq!(base_name("a/b/"), "b");
        assert_eq!(parent("a/b"), "a");
        assert_eq!(parent("b"), "");
        assert_eq!(parent("/b"), "/");
    }

    #[test]
    fn globs() {
        assert!(glob_match("package*.json", "package.json"));
        assert!(glob_match("package*.json", "package-lock.json"));
        assert!(!glob_match("package*.json", "src/package.json"));
        assert!(glob_match("*.txt", "requirements.txt"));
        assert!(glob_match("requirements*.txt", "requirements-dev.txt"));
        assert!(glob_match("yarn.lock*", "yarn.lock"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "a/c"));
        assert!(glob_match("[a-c]x", "bx"));
        assert!(!glob_match("[^a-c]x", "bx"));
        assert!(glob_match("src/*", "src/a"));
        assert!(!glob_match("src/*", "src/a/b"));
        assert!(glob_match(r"a\*", "a*"));
        assert!(!glob_match("[", "a"));
        assert!(has_wildcards("a*"));
        assert!(!has_wildcards(r"a\*"));
        assert!(!has_wildcards("a/b"));
    }
}
