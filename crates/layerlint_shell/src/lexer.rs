//! Byte classes and small scanning helpers shared by the parser.
//!
//! Everything here looks at ASCII bytes only. Bytes of a multi-byte UTF-8 character are
//! all `>= 0x80`, so they are always [`PLAIN`]: the scanner never stops inside a
//! character, and every offset it reports is a char boundary.

/// A byte that is part of a word and needs no attention.
pub(crate) const PLAIN: u8 = 0;
/// Ends a word: blanks, newline and the operator characters `; & | ( ) < >`.
pub(crate) const BREAK: u8 = 1;
/// `'`, `"` or `` ` ``.
pub(crate) const QUOTE: u8 = 2;
/// `$`.
pub(crate) const DOLLAR: u8 = 3;
/// `\`.
pub(crate) const BACKSLASH: u8 = 4;
/// `*`, `?` or `[`: globbing.
pub(crate) const GLOB: u8 = 5;
/// `{`, `}` or `~`: brace expansion and tilde expansion.
pub(crate) const BRACE: u8 = 6;

pub(crate) static CLASS: [u8; 256] = {
    let mut table = [PLAIN; 256];
    let breaks = b" \t\r\n;&|()<>";
    let mut i = 0;
    while i < breaks.len() {
        table[breaks[i] as usize] = BREAK;
        i += 1;
    }
    table[b'\'' as usize] = QUOTE;
    table[b'"' as usize] = QUOTE;
    table[b'`' as usize] = QUOTE;
    table[b'$' as usize] = DOLLAR;
    table[b'\\' as usize] = BACKSLASH;
    table[b'*' as usize] = GLOB;
    table[b'?' as usize] = GLOB;
    table[b'[' as usize] = GLOB;
    table[b'{' as usize] = BRACE;
    table[b'}' as usize] = BRACE;
    table[b'~' as usize] = BRACE;
    table
};

/// The bytes that end a run of text inside double quotes (non-zero): `"`, `\`, `$` and
/// `` ` ``.
pub(crate) static DOUBLE_QUOTED_STOP: [u8; 256] = {
    let mut table = [0; 256];
    table[b'"' as usize] = 1;
    table[b'\\' as usize] = 1;
    table[b'$' as usize] = 1;
    table[b'`' as usize] = 1;
    table
};

/// The end of the run of [`PLAIN`] bytes starting at `i` in `bytes`: the offset of the
/// first byte that needs attention, or `bytes.len()`.
///
/// Words are mostly plain bytes, so this is the scanner's innermost loop.
#[inline]
pub(crate) fn plain_run_end(bytes: &[u8], i: usize) -> usize {
    run_end(&CLASS, bytes, i)
}

/// The end of the run of bytes starting at `i` in `bytes` whose entry in `table` is zero:
/// the offset of the first byte with a non-zero entry, or `bytes.len()`. It looks at eight
/// bytes per bounds check.
#[inline]
pub(crate) fn run_end(table: &[u8; 256], bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        for (k, &b) in chunk.iter().enumerate() {
            if table[b as usize] != 0 {
                return i + k;
            }
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if table[b as usize] != 0 {
            break;
        }
        i += 1;
    }
    i
}

/// Blanks separate words without ending a command. `\r` counts as one, so that scripts
/// with Windows line endings read as their authors meant.
#[inline]
pub(crate) const fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

#[inline]
pub(crate) fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// Whether a byte may be part of a name (`[A-Za-z0-9_]`), by byte: a table, as names are
/// scanned for every command's first word (is it an assignment?) and every `$NAME`.
static NAME_CHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    table
};

#[inline]
pub(crate) fn is_name_char(b: u8) -> bool {
    NAME_CHAR[b as usize]
}

/// The length of a valid assignment prefix `NAME=`, `NAME+=` or `NAME[...]=` at the start of
/// `raw`, including the `=`; `None` when `raw` does not start with one.
pub(crate) fn assignment_prefix(raw: &[u8]) -> Option<(usize, bool)> {
    let first = *raw.first()?;
    if !is_name_start(first) {
        return None;
    }
    let mut i = 1;
    while i < raw.len() && is_name_char(raw[i]) {
        i += 1;
    }
    if raw.get(i) == Some(&b'[') {
        let close = raw[i..].iter().position(|&b| b == b']')?;
        i += close + 1;
    }
    match raw.get(i..i + 2) {
        Some(b"+=") => Some((i + 2, true)),
        _ if raw.get(i) == Some(&b'=') => Some((i + 1, false)),
        _ => None,
    }
}

/// A quick test for membership in a small set of names (commands the parser looks for
/// among every command's names): for each first byte, the lengths of the names that start
/// with it, as bits. One look rejects almost every other name, where a search of the list
/// compared it with each entry; a name it lets through is still looked up in the list.
pub(crate) struct NameFilter([u32; 256]);

impl NameFilter {
    pub(crate) const EMPTY: NameFilter = NameFilter([0; 256]);

    /// The filter with `name` added (names are at most 31 bytes long).
    pub(crate) const fn with(mut self, name: &str) -> NameFilter {
        let bytes = name.as_bytes();
        assert!(!bytes.is_empty() && bytes.len() < 32);
        self.0[bytes[0] as usize] |= 1 << bytes.len();
        self
    }

    /// The filter with every name of `names` added.
    pub(crate) const fn with_all(mut self, names: &[&str]) -> NameFilter {
        let mut i = 0;
        while i < names.len() {
            self = self.with(names[i]);
            i += 1;
        }
        self
    }

    /// False when `name` is in none of the names added; true when it may be.
    #[inline]
    pub(crate) fn may_contain(&self, name: &str) -> bool {
        let len = name.len();
        len < 32
            && name
                .as_bytes()
                .first()
                .is_some_and(|&b| self.0[b as usize] & (1 << len) != 0)
    }
}

/// The length in bytes of the character starting at `b` (1 for ASCII and stray bytes).
#[inline]
pub(crate) fn utf8_len(b: u8) -> usize {
    match b {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

/// The value of an ANSI-C escape (`$'...'`) starting after the backslash at `bytes[0]`, and
/// the number of bytes it takes (not counting the backslash). `None` for an unknown escape,
/// which is kept as written.
pub(crate) fn ansi_c_escape(bytes: &[u8]) -> Option<(char, usize)> {
    let first = *bytes.first()?;
    let simple = match first {
        b'n' => Some('\n'),
        b't' => Some('\t'),
        b'r' => Some('\r'),
        b'a' => Some('\u{7}'),
        b'b' => Some('\u{8}'),
        b'e' | b'E' => Some('\u{1b}'),
        b'f' => Some('\u{c}'),
        b'v' => Some('\u{b}'),
        b'\\' => Some('\\'),
        b'\'' => Some('\''),
        b'"' => Some('"'),
        b'?' => Some('?'),
        _ => None,
    };
    if let Some(ch) = simple {
        return Some((ch, 1));
    }
    let (radix, max, skip) = match first {
        b'x' => (16, 2, 1),
        b'u' => (16, 4, 1),
        b'U' => (16, 8, 1),
        b'0'..=b'7' => (8, 3, 0),
        b'c' => {
            let ctl = *bytes.get(1)?;
            if !ctl.is_ascii() {
                return None;
            }
            return Some((char::from(ctl & 0x1f), 2));
        }
        _ => return None,
    };
    let digits = &bytes[skip..];
    let count = digits
        .iter()
        .take(max)
        .take_while(|b| char::from(**b).is_digit(radix))
        .count();
    if count == 0 {
        return None;
    }
    let mut value = 0u32;
    for &d in &digits[..count] {
        value = value * radix + (d as char).to_digit(radix).unwrap_or(0);
    }
    let ch = char::from_u32(value & 0x10_ffff).unwrap_or('\u{fffd}');
    Some((ch, skip + count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignment_prefixes() {
        assert_eq!(assignment_prefix(b"FOO=bar"), Some((4, false)));
        assert_eq!(assignment_prefix(b"FOO+=bar"), Some((5, true)));
        assert_eq!(assignment_prefix(b"a[1]=x"), Some((5, false)));
        assert_eq!(assignment_prefix(b"_x="), Some((3, false)));
        assert_eq!(assignment_prefix(b"1x=y"), None);
        assert_eq!(assignment_prefix(b"--opt=y"), None);
        assert_eq!(assignment_prefix(b"FOO"), None);
    }

    #[test]
    fn name_filter() {
        let filter = NameFilter::EMPTY.with_all(&["sh", "bash", "su-exec"]);
        for name in ["sh", "bash", "su-exec"] {
            assert!(filter.may_contain(name), "{name}");
        }
        for name in [
            "",
            "s",
            "bas",
            "dash",
            "apt-get",
            "shh",
            "é",
            &"s".repeat(40),
        ] {
            assert!(!filter.may_contain(name), "{name}");
        }
        // The same first byte and length: let through, for the list to decide.
        assert!(filter.may_contain("sx"));
    }

    #[test]
    fn ansi_c_escapes() {
        assert_eq!(ansi_c_escape(b"n"), Some(('\n', 1)));
        assert_eq!(ansi_c_escape(b"x41z"), Some(('A', 3)));
        assert_eq!(ansi_c_escape(b"101"), Some(('A', 3)));
        assert_eq!(ansi_c_escape(b"u00e9"), Some(('é', 5)));
        assert_eq!(ansi_c_escape(b"q"), None);
        assert_eq!(ansi_c_escape(b"x"), None);
    }
}
