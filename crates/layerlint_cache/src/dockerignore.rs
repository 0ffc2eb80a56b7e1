//! `.dockerignore` files, with the semantics of Docker and BuildKit.
//!
//! Reading follows moby/patternmatcher's `ignorefile.ReadAll`, matching its `PatternMatcher`
//! with `MatchesOrParentMatches`, which is how `docker build` (BuildKit and the classic builder
//! alike) decides what goes into the build context:
//!
//! - The file is read line by line (`\n`, with one `\r` before it dropped); a UTF-8 byte order
//!   mark at the start of the file is dropped. A line of 64 KiB or more makes Docker's reader fail.
//! - A line whose *first* character is `#` is a comment (`  # x` is the pattern `# x`). Blank
//!   lines are skipped; surrounding whitespace is trimmed.
//! - A leading `!` makes an exception (an exclusion of the exclusion); whitespace after it is
//!   trimmed. A lone `!` is an error.
//! - Each pattern is cleaned like Go's `filepath.Clean` (`./a/` is `a`, `a/*/../b` is `a/b`) and
//!   one leading `/` is dropped: patterns are anchored at the context root (`foo` does not match
//!   `dir/foo`, `*.log` does not match `sub/a.log`).
//! - `*` matches within one path element, `?` one character other than `/`, `[...]` a class
//!   (`^` negates, `!` does not), `\` escapes, `{}` are not alternatives, and `**` matches any
//!   number of directories: `**/x`, `x/**`, and glued forms like `**.go` (any path ending in
//!   `.go`) and `a**b` (`a`, then any directories, then `b`).
//! - Patterns are checked in order and the last one that matches decides; a pattern also matches
//!   every path below a directory it matches, so `!dir` re-includes all of `dir`.
//!
//! Patterns compile once, when the file is parsed; an empty or missing file compiles nothing.
//!
//! Exactness includes Docker's oddities. moby turns a pattern with a wildcard, class or escape
//! into a Go regular expression whose syntax is then Go's: `[*]` matches `]`, `\d` a digit,
//! `\a` a bell character; and it fails to escape `|`, `{` and `}`, so `a|b*` matches every path
//! starting with `a` and `x{2}*` means `xx*`. (Without a wildcard the pattern is compared as
//! text, and `a|b` is just a name.) Checked against moby/patternmatcher itself on 100,000
//! generated files; the one known difference is Go's, not moby's: `\pl` (lower case) is valid
//! since Go 1.25, which current Docker releases are built with, and an error before.
//!
//! Not modelled: BuildKit's context walker asks `MatchesUsingParentResults`, which differs from
//! `MatchesOrParentMatches` when an ordinary pattern matches only a parent of a path and was
//! skipped for that parent because the parent was already excluded (`build`, `!build/keep`,
//! `build`: the walker sends `build/keep`, this module calls it excluded).

mod clean;
mod glob;
mod goregex;

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};

use self::clean::{clean, dir_of_clean};
use self::glob::Translation;

/// The name of the context-wide ignore file.
pub const DOCKERIGNORE: &str = ".dockerignore";

/// Docker's reader (`bufio.Scanner`) gives up on a line of this many bytes or more.
const MAX_LINE_BYTES: usize = 64 * 1024;

/// Limits for one translated pattern's compiled expression, well above what any real pattern
/// needs: a 64 KiB pattern of `?`s must still compile.
const REGEX_SIZE_LIMIT: usize = 64 << 20;
const REGEX_NEST_LIMIT: u32 = 1000;

/// Why an ignore file could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IgnoreError {
    /// A pattern Docker rejects.
    #[error("line {line}: {kind}: `{text}`")]
    InvalidPattern {
        /// 1-based line number.
        line: usize,
        /// The line as written, without its line ending.
        text: String,
        kind: PatternErrorKind,
    },
    /// A line Docker's reader cannot read ("bufio.Scanner: token too long").
    #[error(
        "line {line}: line of {len} bytes is too long (Docker reads lines of less than 64 KiB)"
    )]
    LineTooLong { line: usize, len: usize },
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl IgnoreError {
    /// The 1-based line the error is about, if it is about one.
    pub fn line(&self) -> Option<usize> {
        match self {
            IgnoreError::InvalidPattern { line, .. } | IgnoreError::LineTooLong { line, .. } => {
                Some(*line)
            }
            IgnoreError::Io { .. } => None,
        }
    }
}

/// What is wrong with an invalid pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PatternErrorKind {
    /// A `!` with nothing after it (Docker: `illegal exclusion pattern: "!"`).
    IllegalExclusion,
    /// Go's `filepath.Match` rejects the pattern (an unclosed `[`, a trailing `\`, `[]`,
    /// `[-x]`, ...); Docker refuses the whole file with "syntax error in pattern".
    Syntax,
    /// The pattern passes that check, but the regular expression Docker translates it into does
    /// not compile (a reversed range like `[z-a]`, an escape like `\y`); Docker fails the build
    /// with "syntax error in pattern" as soon as it consults the pattern. The message is about
    /// the translated expression.
    Regexp(String),
}

impl fmt::Display for PatternErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatternErrorKind::IllegalExclusion => f.write_str("illegal exclusion pattern \"!\""),
            PatternErrorKind::Syntax => f.write_str("syntax error in pattern"),
            PatternErrorKind::Regexp(message) => {
                write!(
                    f,
                    "syntax error in pattern (its regular expression: {message})"
                )
            }
        }
    }
}

/// One pattern of an ignore file.
#[derive(Debug, Clone)]
pub struct Pattern {
    line: usize,
    text: String,
    pattern: String,
    exclusion: bool,
    matcher: Matcher,
}

#[derive(Debug, Clone)]
enum Matcher {
    /// The path equals `pattern`.
    Exact,
    /// The path starts with `pattern` less its last two bytes (`**`).
    Prefix,
    /// The path ends with `pattern` less its first two bytes (`**`), or is that suffix less its
    /// leading `/`.
    Suffix,
    Regex {
        regex: Regex,
        /// The parsed Go expression, for [`DockerIgnore::excludes_dir_entirely`].
        nodes: goregex::Alternation,
        /// The prefixes of what `regex` matches, compiled on first use; `None` when too large.
        prefixes: OnceLock<Option<Regex>>,
    },
}

impl Pattern {
    /// The 1-based line number in the ignore file.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The line as written (without its line ending).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The pattern as Docker uses it: trimmed, cleaned, without `!` and the leading `/`.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Whether this is a `!` exception, which re-includes what it matches.
    pub fn is_exclusion(&self) -> bool {
        self.exclusion
    }

    /// Whether this one pattern matches `path` itself (not through a parent directory), with
    /// `path` taken as it is: context-relative, `/`-separated and clean.
    pub fn matches_exactly(&self, path: &str) -> bool {
        let path = path.as_bytes();
        let pattern = self.pattern.as_bytes();
        match &self.matcher {
            Matcher::Exact => path == pattern,
            Matcher::Prefix => path.starts_with(&pattern[..pattern.len() - 2]),
            Matcher::Suffix => {
                let suffix = &pattern[2..];
                path.ends_with(suffix) || suffix.first() == Some(&b'/') && path == &suffix[1..]
            }
            Matcher::Regex { regex, .. } => regex.is_match(path),
        }
    }

    /// The one path this pattern matches when it has no wildcard, class or escape (`.npmrc`,
    /// `web/node_modules`).
    pub fn literal(&self) -> Option<&str> {
        matches!(self.matcher, Matcher::Exact).then_some(self.pattern.as_str())
    }

    /// Whether this pattern might match a path below `dir/` (over-approximated: `false` is sure).
    fn may_match_below(&self, dir: &str) -> bool {
        let pattern = self.pattern.as_bytes();
        let below = format!("{dir}/");
        let below = below.as_bytes();
        match &self.matcher {
            Matcher::Exact => pattern.len() > below.len() && pattern.starts_with(below),
            Matcher::Prefix => {
                let prefix = &pattern[..pattern.len() - 2];
                prefix.starts_with(below) || below.starts_with(prefix)
            }
            // `**` then text: `dir/` followed by that text always matches.
            Matcher::Suffix => true,
            Matcher::Regex {
                nodes, prefixes, ..
            } => {
                let prefixes = prefixes.get_or_init(|| {
                    let source = goregex::to_rust_prefixes(nodes)?;
                    build_regex(&source).ok()
                });
                prefixes.as_ref().is_none_or(|re| re.is_match(below))
            }
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.exclusion {
            f.write_str("!")?;
        }
        f.write_str(&self.pattern)
    }
}

fn build_regex(source: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(source)
        .size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(REGEX_NEST_LIMIT)
        .build()
}

/// How Docker treats one path.
#[derive(Debug, Clone, Copy)]
pub struct Verdict<'a> {
    /// Whether the path is left out of the build context.
    pub excluded: bool,
    /// The last pattern that matched (through the path or a parent directory) and so decided:
    /// an ordinary pattern when `excluded`, a `!` exception when not, `None` when no pattern
    /// matched.
    pub decided_by: Option<&'a Pattern>,
}

/// A parsed `.dockerignore` file.
#[derive(Debug, Clone, Default)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
}

impl DockerIgnore {
    /// Parses the text of an ignore file, compiling every pattern.
    pub fn parse(text: &str) -> Result<DockerIgnore, IgnoreError> {
        let (text, bom_len) = match text.strip_prefix('\u{FEFF}') {
            Some(rest) => (rest, '\u{FEFF}'.len_utf8()),
            None => (text, 0),
        };
        // In Docker's order, so that the same error wins: reading every line, then checking
        // every pattern, then compiling (which Docker does when it first uses a pattern).
        let mut lines_read = Vec::new();
        for (index, raw) in lines(text).enumerate() {
            let line = index + 1;
            // The byte order mark was still part of the first line when Docker measured it.
            let len = raw.len() + if line == 1 { bom_len } else { 0 };
            if len >= MAX_LINE_BYTES {
                return Err(IgnoreError::LineTooLong { line, len });
            }
            lines_read.push((line, raw.strip_suffix('\r').unwrap_or(raw)));
        }
        let mut checked = Vec::new();
        for (line, text) in lines_read {
            if let Some(pattern) = Self::parse_line(line, text)? {
                checked.push(pattern);
            }
        }
        Self::compiled(checked)
    }

    /// Patterns given one by one, as `COPY --exclude=<pattern>` gives them to BuildKit:
    /// `patternmatcher.New`'s processing only, so `#` starts no comment and a leading `/`
    /// stays (and then matches no relative path). An error's line is the pattern's 1-based
    /// position.
    pub fn from_patterns<'a>(
        patterns: impl IntoIterator<Item = &'a str>,
    ) -> Result<DockerIgnore, IgnoreError> {
        let mut checked = Vec::new();
        for (index, pattern) in patterns.into_iter().enumerate() {
            if let Some(pattern) = Self::check_pattern(index + 1, pattern, pattern)? {
                checked.push(pattern);
            }
        }
        Self::compiled(checked)
    }

    /// The checked patterns compiled, in order (what Docker does when it first uses them).
    fn compiled(checked: Vec<Checked<'_>>) -> Result<DockerIgnore, IgnoreError> {
        let patterns = checked
            .into_iter()
            .map(Checked::compile)
            .collect::<Result<_, _>>()?;
        Ok(DockerIgnore { patterns })
    }

    /// One line: `ignorefile.ReadAll`'s processing, then `patternmatcher.New`'s.
    fn parse_line(line: usize, text: &str) -> Result<Option<Checked<'_>>, IgnoreError> {
        // ReadAll: comments are recognised before trimming.
        if text.starts_with('#') {
            return Ok(None);
        }
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let (invert, body) = match trimmed.strip_prefix('!') {
            Some(rest) => (true, rest.trim()),
            None => (false, trimmed),
        };
        let mut read = String::with_capacity(body.len() + 1);
        if invert {
            read.push('!');
        }
        if !body.is_empty() {
            let cleaned = clean(body);
            match cleaned.strip_prefix('/') {
                Some(rest) if !rest.is_empty() => read.push_str(rest),
                _ => read.push_str(&cleaned),
            }
        }

        // New: trim and clean again (which can matter: `a/../ b` became ` b`, `a/ /.` `a/ `).
        Self::check_pattern(line, text, &read)
    }

    /// `patternmatcher.New`'s processing of one pattern: trimmed and cleaned, a leading `!`
    /// makes an exception, and the syntax is checked. `text` is the line as written, for
    /// errors.
    fn check_pattern<'a>(
        line: usize,
        text: &'a str,
        read: &str,
    ) -> Result<Option<Checked<'a>>, IgnoreError> {
        let read = read.trim();
        if read.is_empty() {
            return Ok(None);
        }
        let cleaned = clean(read);
        let invalid = |kind| IgnoreError::InvalidPattern {
            line,
            text: text.to_owned(),
            kind,
        };
        let (exclusion, pattern) = match cleaned.strip_prefix('!') {
            Some("") => return Err(invalid(PatternErrorKind::IllegalExclusion)),
            Some(rest) => (true, rest),
            None => (false, &*cleaned),
        };
        if glob::check_syntax(pattern).is_err() {
            return Err(invalid(PatternErrorKind::Syntax));
        }
        Ok(Some(Checked {
            line,
            text,
            pattern: pattern.to_owned(),
            exclusion,
        }))
    }
}

/// A pattern that passed Docker's checks, not yet compiled.
struct Checked<'a> {
    line: usize,
    text: &'a str,
    pattern: String,
    exclusion: bool,
}

impl Checked<'_> {
    fn compile(self) -> Result<Pattern, IgnoreError> {
        let invalid = |kind| IgnoreError::InvalidPattern {
            line: self.line,
            text: self.text.to_owned(),
            kind,
        };
        let matcher = match glob::translate(&self.pattern) {
            Translation::Exact => Matcher::Exact,
            Translation::Prefix => Matcher::Prefix,
            Translation::Suffix => Matcher::Suffix,
            Translation::Regex(go) => {
                let nodes =
                    goregex::parse(&go).map_err(|e| invalid(PatternErrorKind::Regexp(e)))?;
                let regex = build_regex(&goregex::to_rust(&nodes))
                    .map_err(|e| invalid(PatternErrorKind::Regexp(e.to_string())))?;
                Matcher::Regex {
                    regex,
                    nodes,
                    prefixes: OnceLock::new(),
                }
            }
        };
        Ok(Pattern {
            line: self.line,
            text: self.text.to_owned(),
            pattern: self.pattern,
            exclusion: self.exclusion,
            matcher,
        })
    }
}

impl DockerIgnore {
    /// Reads and parses an ignore file. Bytes that are not UTF-8 are replaced (U+FFFD).
    pub fn read(path: &Path) -> Result<DockerIgnore, IgnoreError> {
        let bytes = std::fs::read(path).map_err(|source| IgnoreError::Io {
            path: path.to_owned(),
            source,
        })?;
        DockerIgnore::parse(&String::from_utf8_lossy(&bytes))
    }

    /// The patterns, in file order (comments and blank lines left out).
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Whether there are no patterns: nothing is excluded.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether any pattern is a `!` exception.
    pub fn has_exclusions(&self) -> bool {
        self.patterns.iter().any(|p| p.exclusion)
    }

    /// Whether Docker leaves `path` out of the build context.
    ///
    /// `path` is relative to the context root and `/`-separated; it is cleaned first, and one
    /// leading `/` is dropped (`./a`, `/a`, `a/` and `a//b/..` are all `a`). The root itself
    /// (`.`, the empty path) is never excluded.
    pub fn matches(&self, path: &str) -> bool {
        self.evaluate(path).excluded
    }

    /// The pattern that excludes `path`, if it is excluded; for a finding like "COPY of a file
    /// excluded by `.dockerignore` line 3".
    pub fn matched_by(&self, path: &str) -> Option<&Pattern> {
        let verdict = self.evaluate(path);
        if verdict.excluded {
            verdict.decided_by
        } else {
            None
        }
    }

    /// Whether `path` is excluded, and which pattern decided (see [`DockerIgnore::matches`] for
    /// how `path` is read). moby's `MatchesOrParentMatches`.
    pub fn evaluate(&self, path: &str) -> Verdict<'_> {
        let mut verdict = Verdict {
            excluded: false,
            decided_by: None,
        };
        if self.patterns.is_empty() {
            return verdict;
        }
        let path = normalize(path);
        let path: &str = &path;
        if path == "." {
            return verdict;
        }
        let parent = dir_of_clean(path);
        for pattern in &self.patterns {
            // An ordinary pattern cannot change an excluded path, an exception an included one.
            if pattern.exclusion != verdict.excluded {
                continue;
            }
            let matched = pattern.matches_exactly(path)
                || parent != "." && ancestors(parent).any(|dir| pattern.matches_exactly(dir));
            if matched {
                verdict = Verdict {
                    excluded: !pattern.exclusion,
                    decided_by: Some(pattern),
                };
            }
        }
        verdict
    }

    /// An ordinary pattern that might exclude `dir` or a path below it, if there is one
    /// (over-approximated: `None` is sure). `dir` is read like [`DockerIgnore::matches`]'s
    /// path; for the context root, every ordinary pattern might.
    pub fn may_exclude_below(&self, dir: &str) -> Option<&Pattern> {
        let dir = normalize(dir);
        let dir: &str = &dir;
        if let Some(pattern) = self.matched_by(dir) {
            return Some(pattern);
        }
        let root = dir == "." || dir == "/";
        self.patterns
            .iter()
            .find(|p| !p.exclusion && (root || p.may_match_below(dir)))
    }

    /// Whether the directory `dir` and everything that could ever be below it are excluded,
    /// so that `COPY dir/ ...` copies nothing; `false` when some path below might be
    /// re-included by a `!` exception, or when `dir` itself is not excluded.
    ///
    /// `dir` is read like [`DockerIgnore::matches`]'s path; for the context root (`.`, `/`) the
    /// answer is `false`. A `true` is certain; a `false` can be cautious for exotic exceptions (a `**`
    /// suffix exception like `!**/keep` may match below any directory, and is taken to).
    pub fn excludes_dir_entirely(&self, dir: &str) -> bool {
        let dir = normalize(dir);
        let dir: &str = &dir;
        // `/` is kept as `/` for moby's sake, but as a directory it is the root too.
        if dir == "." || dir == "/" || !self.matches(dir) {
            return false;
        }
        // Were no exception to match a path strictly below `dir` (or a directory on the way
        // to it), every such path would be excluded: each ordinary pattern matching `dir`
        // matches it too, and each exception treats both alike.
        !self
            .patterns
            .iter()
            .any(|p| p.exclusion && p.may_match_below(dir))
    }
}

/// Splits like Go's `bufio.ScanLines`: on `\n`, with no empty line after a final `\n`.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let empty = text.is_empty();
    body.split('\n').filter(move |_| !empty)
}

/// Cleans a context-relative path and drops one leading `/` (but keeps `/` itself, as moby
/// would see it).
fn normalize(path: &str) -> Cow<'_, str> {
    match clean(path) {
        Cow::Borrowed(p) => Cow::Borrowed(match p.strip_prefix('/') {
            Some(rest) if !rest.is_empty() => rest,
            _ => p,
        }),
        Cow::Owned(p) => match p.strip_prefix('/') {
            Some(rest) if !rest.is_empty() => Cow::Owned(rest.to_owned()),
            _ => Cow::Owned(p),
        },
    }
}

/// The directories leading to and including `parent` (which is clean and not `.`), outermost
/// first: `a`, `a/b`, `a/b/c` for `a/b/c`. As moby splits and re-joins it, `/` gives `` and `/`.
fn ancestors(parent: &str) -> impl Iterator<Item = &str> {
    parent
        .match_indices('/')
        .map(move |(i, _)| &parent[..i])
        .chain(std::iter::once(parent))
}

/// The ignore file Docker (BuildKit) uses for `dockerfile` with the context directory
/// `context`: `<Dockerfile name>.dockerignore` next to the Dockerfile if there is one (for
/// `Dockerfile.dev`, `Dockerfile.dev.dockerignore`), otherwise `.dockerignore` at the root of the
/// context, otherwise none.
///
/// A Dockerfile named `dockerfile` (lower case) also finds `Dockerfile.dockerignore`: that is
/// what BuildKit looks for when it falls back to `dockerfile` for the default name. The classic
/// builder (`DOCKER_BUILDKIT=0`) only ever reads `<context>/.dockerignore`.
pub fn find_ignore_file(dockerfile: &Path, context: &Path) -> Option<PathBuf> {
    if let Some(name) = dockerfile.file_name() {
        let mut own = name.to_os_string();
        own.push(".dockerignore");
        let mut candidates = vec![dockerfile.with_file_name(own)];
        if name == "dockerfile" {
            candidates.push(dockerfile.with_file_name("Dockerfile.dockerignore"));
        }
        if let Some(found) = candidates.into_iter().find(|c| c.is_file()) {
            return Some(found);
        }
    }
    let shared = context.join(DOCKERIGNORE);
    shared.is_file().then_some(shared)
}

/// An ignore file found for a Dockerfile, and its patterns.
#[derive(Debug, Clone)]
pub struct IgnoreFile {
    pub path: PathBuf,
    pub ignore: DockerIgnore,
}

/// [`find_ignore_file`], then [`DockerIgnore::read`]; `Ok(None)` when there is no ignore file.
pub fn load_ignore_file(
    dockerfile: &Path,
    context: &Path,
) -> Result<Option<IgnoreFile>, IgnoreError> {
    let Some(path) = find_ignore_file(dockerfile, context) else {
        return Ok(None);
    };
    let ignore = DockerIgnore::read(&path)?;
    Ok(Some(IgnoreFile { path, ignore }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shareable_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<DockerIgnore>();
        assert_send_sync::<IgnoreError>();
    }

    #[test]
    fn normalize_paths() {
        for (input, want) in [
            ("a", "a"),
            ("./a", "a"),
            ("/a", "a"),
            ("a/", "a"),
            ("//a//b/", "a/b"),
            ("/", "/"),
            ("", "."),
            ("./", "."),
        ] {
            assert_eq!(normalize(input), want, "{input:?}");
        }
        assert!(matches!(normalize("a/b"), Cow::Borrowed(_)));
        assert!(matches!(normalize("/a/b"), Cow::Borrowed(_)));
    }

    /// `COPY --exclude` patterns reach `patternmatcher.New` without the ignore file's
    /// reading: `#` starts no comment, a leading `/` stays.
    #[test]
    fn patterns_given_one_by_one() {
        let ignore =
            DockerIgnore::from_patterns(["#notes", "/abs", " docs/ ", "", "!docs/keep"]).unwrap();
        assert!(ignore.matches("#notes"));
        assert!(!ignore.matches("abs"));
        assert!(ignore.matches("docs/a.md"));
        assert!(!ignore.matches("docs/keep"));
        assert_eq!(ignore.patterns()[0].literal(), Some("#notes"));
        let err = DockerIgnore::from_patterns(["x", "!"]).unwrap_err();
        assert_eq!(err.line(), Some(2));
        // What might be left out below a directory.
        let ignore = DockerIgnore::from_patterns(["prisma/*.db", "*.md"]).unwrap();
        assert_eq!(
            ignore.may_exclude_below("prisma").map(Pattern::text),
            Some("prisma/*.db")
        );
        assert!(ignore.may_exclude_below("src").is_none());
        assert_eq!(
            ignore.may_exclude_below(".").map(Pattern::text),
            Some("prisma/*.db")
        );
        assert_eq!(ignore.patterns()[1].literal(), None);
    }

    #[test]
    fn ancestors_like_moby() {
        assert_eq!(
            ancestors("a/b/c").collect::<Vec<_>>(),
            ["a", "a/b", "a/b/c"]
        );
        assert_eq!(ancestors("a").collect::<Vec<_>>(), ["a"]);
        assert_eq!(ancestors("/").collect::<Vec<_>>(), ["", "/"]);
    }
}
