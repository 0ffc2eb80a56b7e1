//! The two steps moby/patternmatcher takes with a cleaned pattern:
//!
//! 1. a syntax check, Go's `filepath.Match(pattern, ".")` returning `ErrBadPattern` or not
//!    ([`check_syntax`]); Docker refuses an ignore file with such a pattern up front;
//! 2. the translation into a match kind ([`translate`]): plain text compares for equality, text
//!    followed by a final `**` compares as a prefix, `**` followed by plain text as a suffix, and
//!    everything else becomes a Go regular expression (`*` is `[^/]*`, `?` is `[^/]`, `**` is
//!    `(.*/)?` or, at the end, `.*`; `.+()|{}$` are escaped; `\x` is copied as `\x`; `[`, `]` and
//!    every other character are copied unchanged).
//!
//! The regular expression is then Go's regexp syntax, parsed as such by [`super::goregex`]; that
//! is what gives Docker's character classes and escapes their exact (sometimes odd) meaning.

/// How a pattern matches a path (moby's `matchType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Translation {
    /// The path equals the cleaned pattern.
    Exact,
    /// The path starts with the cleaned pattern less its final `**`.
    Prefix,
    /// The path ends with the cleaned pattern less its leading `**`.
    Suffix,
    /// The path matches this Go regular expression.
    Regex(String),
}

/// Whether Go's `filepath.Match(pattern, name)` reports `ErrBadPattern` for some name.
///
/// Since Go 1.16 `Match` checks the whole pattern whatever the name, so this is a property of
/// the pattern: every chunk between unbracketed `*`s must be well formed. The rules, on bytes:
/// a `\` must be followed by something; a `[` opens a class that may start with `^`, needs at
/// least one item before its `]`, whose items are a possibly `\`-escaped character or a range
/// `lo-hi`, where neither `lo` nor `hi` may be a bare `-` or `]`, and the class must be closed.
pub(crate) fn check_syntax(pattern: &str) -> Result<(), ()> {
    let mut rest = pattern.as_bytes();
    while !rest.is_empty() {
        let (star, chunk, after) = scan_chunk(rest);
        if star && chunk.is_empty() {
            // A trailing `*`: Match returns at once, and nothing is left to check.
            return Ok(());
        }
        check_chunk(chunk)?;
        rest = after;
    }
    Ok(())
}

/// Go's `scanChunk`: skip leading `*`s, then take bytes up to the next `*` outside brackets.
fn scan_chunk(pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut pattern = pattern;
    let mut star = false;
    while let [b'*', rest @ ..] = pattern {
        pattern = rest;
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            // Skip the escaped byte (a trailing `\` is caught by `check_chunk`).
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// The error checks of Go's `matchChunk`, which it makes whether or not the name matches.
fn check_chunk(chunk: &[u8]) -> Result<(), ()> {
    let mut chunk = chunk;
    while let Some(&first) = chunk.first() {
        match first {
            b'[' => {
                chunk = &chunk[1..];
                if chunk.first() == Some(&b'^') {
                    chunk = &chunk[1..];
                }
                let mut ranges = 0;
                loop {
                    if chunk.first() == Some(&b']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    chunk = class_char(chunk)?;
                    if chunk[0] == b'-' {
                        chunk = class_char(&chunk[1..])?;
                    }
                    ranges += 1;
                }
            }
            b'\\' => {
                // The escaped byte is then compared like any other.
                if chunk.len() < 2 {
                    return Err(());
                }
                chunk = &chunk[2..];
            }
            _ => chunk = &chunk[1..],
        }
    }
    Ok(())
}

/// Go's `getEsc`: one possibly escaped character of a class, which must not be the last byte.
fn class_char(chunk: &[u8]) -> Result<&[u8], ()> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some(b'-' | b']') => return Err(()),
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(());
            }
        }
        Some(_) => {}
    }
    // The slices always start on a character boundary of valid UTF-8 here.
    let width = utf8_width(chunk[0]);
    let rest = chunk.get(width..).unwrap_or_default();
    if rest.is_empty() {
        return Err(());
    }
    Ok(rest)
}

fn utf8_width(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// moby's `shouldEscape`. It means to escape `.+()|{}$`, but its bitmap (`1 << (b / 8)` in a
/// byte) has no room for characters from 64 on, so `|`, `{` and `}` reach Go's regexp as they
/// are: `|` separates alternatives there, and `{n,m}` counts repetitions.
fn should_escape(ch: char) -> bool {
    matches!(ch, '.' | '+' | '(' | ')' | '$')
}

/// moby's `Pattern.compile` for `/` as the separator: the match kind, and for
/// [`Translation::Regex`] the Go regular expression.
pub(crate) fn translate(pattern: &str) -> Translation {
    #[derive(PartialEq, Eq, Clone, Copy)]
    enum Kind {
        Exact,
        Prefix,
        Suffix,
        Regex,
    }

    let mut re = String::with_capacity(pattern.len() + 8);
    re.push('^');
    let mut kind = Kind::Exact;
    let mut chars = pattern.chars().peekable();
    // Go's text/scanner drops a byte order mark at the very start of its input.
    if chars.peek() == Some(&'\u{FEFF}') {
        chars.next();
    }
    let mut first = true;
    while let Some(ch) = chars.next() {
        match ch {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                // `**/` is `**`.
                if chars.peek() == Some(&'/') {
                    chars.next();
                }
                if chars.peek().is_none() {
                    // A final `**` matches everything below.
                    if kind == Kind::Exact {
                        kind = Kind::Prefix;
                    } else {
                        re.push_str(".*");
                        kind = Kind::Regex;
                    }
                } else {
                    // Any number of directories, none included.
                    re.push_str("(.*/)?");
                    kind = Kind::Regex;
                }
                if first {
                    kind = Kind::Suffix;
                }
            }
            '*' => {
                re.push_str("[^/]*");
                kind = Kind::Regex;
            }
            '?' => {
                re.push_str("[^/]");
                kind = Kind::Regex;
            }
            c if should_escape(c) => {
                re.push('\\');
                re.push(c);
            }
            '\\' => match chars.next() {
                Some(next) => {
                    re.push('\\');
                    re.push(next);
                    kind = Kind::Regex;
                }
                None => re.push('\\'),
            },
            '[' | ']' => {
                re.push(ch);
                kind = Kind::Regex;
            }
            c => re.push(c),
        }
        first = false;
    }
    match kind {
        Kind::Exact => Translation::Exact,
        Kind::Prefix => Translation::Prefix,
        Kind::Suffix => Translation::Suffix,
        Kind::Regex => {
            re.push('$');
            Translation::Regex(re)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_check_matches_go() {
        // Go's filepath.Match error cases and some valid ones.
        let bad = [
            "[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "[^", "[^bc", "a[", "[a", "a\\",
            "[\\", "[^]", "[]", "*[", "[a-", "[]]", "[^]]",
        ];
        for p in bad {
            assert_eq!(check_syntax(p), Err(()), "{p:?} should be bad");
        }
        let good = [
            "abc",
            "*",
            "*c",
            "a*/b",
            "ab[c]",
            "ab[^b-d]",
            "a\\*b",
            "[\\]a]",
            "[\\-]",
            "[x\\-]",
            "[a-ζ]*",
            "[z-a]",
            "[Local-Only]",
            "[*]",
            "[**/]",
            "a*",
            "**",
            "\\*",
            "[!a]",
            "é",
            "[é]",
            "[é-ü]x",
            "[a]]",
            "[\\]]",
        ];
        for p in good {
            assert_eq!(check_syntax(p), Ok(()), "{p:?} should be good");
        }
    }

    #[test]
    fn translation_matches_moby_compile_tests() {
        // moby/patternmatcher's TestCompile table (slash separator).
        let cases: &[(&str, Translation)] = &[
            ("*", Translation::Regex("^[^/]*$".into())),
            ("file*", Translation::Regex("^file[^/]*$".into())),
            ("*file", Translation::Regex("^[^/]*file$".into())),
            ("a*/b", Translation::Regex("^a[^/]*/b$".into())),
            ("**", Translation::Suffix),
            ("**/**", Translation::Regex("^(.*/)?.*$".into())),
            ("dir/**", Translation::Prefix),
            ("**/dir", Translation::Suffix),
            ("**/dir2/*", Translation::Regex("^(.*/)?dir2/[^/]*$".into())),
            ("**/dir2/**", Translation::Regex("^(.*/)?dir2/.*$".into())),
            ("**file", Translation::Suffix),
            (
                "**/file*txt",
                Translation::Regex("^(.*/)?file[^/]*txt$".into()),
            ),
            (
                "**/**/*.txt",
                Translation::Regex(r"^(.*/)?(.*/)?[^/]*\.txt$".into()),
            ),
            ("a[b-d]e", Translation::Regex("^a[b-d]e$".into())),
            (".*", Translation::Regex(r"^\.[^/]*$".into())),
            ("abc.def", Translation::Exact),
            ("abc?def", Translation::Regex("^abc[^/]def$".into())),
            ("**/foo/bar", Translation::Suffix),
            ("a(b)c/def", Translation::Exact),
            ("a.|)$(}+{bc", Translation::Exact),
            (
                "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
                Translation::Exact,
            ),
        ];
        for (pattern, want) in cases {
            assert_eq!(&translate(pattern), want, "translate({pattern:?})");
        }
    }

    #[test]
    fn translation_edge_cases() {
        assert_eq!(translate("a\\*b"), Translation::Regex(r"^a\*b$".into()));
        assert_eq!(translate("a**b"), Translation::Regex("^a(.*/)?b$".into()));
        assert_eq!(translate("a**"), Translation::Prefix);
        assert_eq!(translate("**.go"), Translation::Suffix);
        assert_eq!(translate("[**/]"), Translation::Regex("^[(.*/)?]$".into()));
        assert_eq!(translate("{a,b}"), Translation::Exact);
        assert_eq!(
            translate("*.{js,ts}"),
            Translation::Regex(r"^[^/]*\.{js,ts}$".into())
        );
        assert_eq!(translate("a|b*"), Translation::Regex("^a|b[^/]*$".into()));
        assert_eq!(
            translate("\u{FEFF}a*"),
            Translation::Regex("^a[^/]*$".into())
        );
        assert_eq!(translate("\u{FEFF}**x"), Translation::Suffix);
    }
}
