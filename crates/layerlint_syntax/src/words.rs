//! How BuildKit's parser cuts a logical line into words.
//!
//! Three different splitters, each used by some instructions (BuildKit's
//! `extractBuilderFlags`, `parseWords` and `reWhitespace`). Each returns the words with
//! their byte offsets in the logical line, so the caller can map them into the source.

/// Go's `unicode.IsSpace`: the same set as Rust's `char::is_whitespace`.
#[inline]
pub(crate) fn is_space(ch: char) -> bool {
    ch.is_whitespace()
}

/// BuildKit's `reWhitespace`: `[\t\v\f\r ]`.
#[inline]
pub(crate) fn is_split_space(byte: u8) -> bool {
    matches!(byte, b'\t' | 0x0b | 0x0c | b'\r' | b' ')
}

/// A word cut from a logical line: its text as BuildKit builds it, and its byte range
/// in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawWord {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Go's `unicode.IsSpace` for an ASCII byte: `\t`, `\n`, `\v`, `\f`, `\r` and space.
#[inline]
const fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// Whether `byte` is an ASCII character other than whitespace: text that trimming stops at.
#[inline]
pub(crate) fn is_ascii_text(byte: u8) -> bool {
    byte.is_ascii() && !is_ascii_space(byte)
}

/// The length of the leading whitespace of `text` (Go's `unicode.IsSpace`), byte by byte
/// while the text is ASCII.
pub(crate) fn leading_space(text: &str) -> usize {
    leading_space_in(text, 0, text.len())
}

/// [`leading_space`] of `text[start..end]` (character boundaries), without slicing the
/// text first: the Dockerfile parser asks it of every line, and inlined there.
#[inline(always)]
pub(crate) fn leading_space_in(text: &str, start: usize, end: usize) -> usize {
    let bytes = &text.as_bytes()[start..end];
    let mut pos = 0;
    // Indentation (half the lines of real files, four to eight spaces in most) is mostly
    // spaces: eight at a time, the first byte that is no space found in the word. The
    // walk below goes on from there (tabs, other whitespace, the last few bytes).
    if bytes.first() == Some(&b' ') {
        const SPACES: u64 = u64::from_ne_bytes([b' '; 8]);
        while let Some(chunk) = bytes[pos..].first_chunk::<8>() {
            let other = u64::from_le_bytes(*chunk) ^ SPACES;
            if other != 0 {
                pos += other.trailing_zeros() as usize / 8;
                break;
            }
            pos += 8;
        }
    }
    while pos < bytes.len() {
        let byte = bytes[pos];
        if byte.is_ascii() {
            if !is_ascii_space(byte) {
                break;
            }
            pos += 1;
        } else {
            // A character does not cross `end` (a boundary): decoding from `start + pos`
            // in the whole text reads the same one.
            let ch = text[start + pos..].chars().next().unwrap_or(' ');
            if !is_space(ch) {
                break;
            }
            pos += ch.len_utf8();
        }
    }
    pos
}

/// Whether `test` holds for some byte of `bytes`.
///
/// For a test of each byte on its own (no branch on the bytes before), this runs sixteen
/// bytes at a time, a fold the compiler turns into vector compares, the last sixteen
/// overlapping the ones before (a byte tested twice changes no answer); fewer than sixteen
/// byte by byte (testing eight at a time the same way cost more). For words and values
/// that most often have none of the bytes looked for, all of which is read.
#[inline(always)]
pub(crate) fn any_byte(bytes: &[u8], test: impl Fn(u8) -> bool + Copy) -> bool {
    let Some(last) = bytes.last_chunk::<16>() else {
        return bytes.iter().any(|&b| test(b));
    };
    let (chunks, _) = bytes.as_chunks::<16>();
    chunks.iter().any(|chunk| in_chunk(chunk, test)) || in_chunk(last, test)
}

/// Whether a byte of `chunk` passes `test`: all sixteen tested, without a branch per byte,
/// which the compiler turns into vector compares.
#[inline(always)]
pub(crate) fn in_chunk(chunk: &[u8; 16], test: impl Fn(u8) -> bool) -> bool {
    chunk.iter().fold(0u8, |any, &b| any | u8::from(test(b))) != 0
}

/// Go's `strings.TrimSpace`: the offsets of the trimmed part.
#[inline]
pub(crate) fn trim_space(text: &str, start: usize, end: usize) -> (usize, usize) {
    // Nothing to trim (most calls): no call to the walk.
    let bytes = text.as_bytes();
    if start < end && is_ascii_text(bytes[start]) && is_ascii_text(bytes[end - 1]) {
        return (start, end);
    }
    trim_space_walk(text, start, end)
}

fn trim_space_walk(text: &str, start: usize, end: usize) -> (usize, usize) {
    // ASCII whitespace first, without slicing: what is left starts and ends with an ASCII
    // byte that is no space in most lines (else the general walk below decides).
    let bytes = text.as_bytes();
    let mut left = start;
    while left < end && is_ascii_space(bytes[left]) {
        left += 1;
    }
    let mut right = end;
    while right > left && is_ascii_space(bytes[right - 1]) {
        right -= 1;
    }
    if left == right || (bytes[left].is_ascii() && bytes[right - 1].is_ascii()) {
        return (left, right);
    }
    // A non-ASCII character at an end (rare): the standard library's trim, which is
    // Go's `unicode.IsSpace` too.
    let slice = &text[start..end];
    let left = slice.len() - slice.trim_start().len();
    let right = left + slice[left..].trim_end().len();
    (start + left, start + right)
}

/// BuildKit's `reWhitespace.Split(text, -1)` with owned texts; see [`whitespace_spans`].
#[cfg(test)]
pub(crate) fn split_whitespace(text: &str, start: usize, end: usize) -> Vec<RawWord> {
    whitespace_spans(text, start, end)
        .map(|(start, end)| RawWord {
            text: text[start..end].to_owned(),
            start,
            end,
        })
        .collect()
}

/// BuildKit's `reWhitespace.Split(text, -1)` over `text[start..end]`, which the caller has
/// trimmed: the byte range of each word. Empty input gives no words.
pub(crate) fn whitespace_spans(
    text: &str,
    start: usize,
    end: usize,
) -> impl Iterator<Item = (usize, usize)> + '_ {
    // `None` once the last word is out.
    let mut next = (start < end).then_some(start);
    std::iter::from_fn(move || {
        let word_start = next?;
        let (word_end, rest) = split_first(text, word_start, end);
        next = rest;
        Some((word_start, word_end))
    })
}

/// BuildKit's `reWhitespace.Split(text, 2)`: the first word, and the start of the rest
/// (after the run of whitespace), if there is whitespace.
///
/// The searches run over the slice (no bounds check per byte): every instruction's keyword
/// is cut here.
pub(crate) fn split_first(text: &str, start: usize, end: usize) -> (usize, Option<usize>) {
    let bytes = &text.as_bytes()[start..end];
    let Some(first_end) = bytes.iter().position(|&b| is_split_space(b)) else {
        return (end, None);
    };
    let blanks = bytes[first_end..]
        .iter()
        .position(|&b| !is_split_space(b))
        .unwrap_or(bytes.len() - first_end);
    (start + first_end, Some(start + first_end + blanks))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Spaces,
    Word,
    Quote,
}

/// What ends a run of plain bytes in a word, by byte: [`WORD_STOP`] for non-ASCII bytes,
/// whitespace and quotes; [`BACKSLASH`] and [`BACKTICK`] for the two escape characters.
static WORD_STOPS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut at = 0;
    while at < 256 {
        let byte = at as u8;
        table[at] = if !byte.is_ascii() || is_ascii_space(byte) || byte == b'\'' || byte == b'"' {
            WORD_STOP
        } else if byte == b'\\' {
            BACKSLASH
        } else if byte == b'`' {
            BACKTICK
        } else {
            0
        };
        at += 1;
    }
    table
};
const WORD_STOP: u8 = 1;
const BACKSLASH: u8 = 2;
const BACKTICK: u8 = 4;

/// Where the run of bytes from `pos` that changes nothing in `phase` ends: in a word,
/// ASCII that is neither whitespace, a quote nor the escape; in quotes, all but the
/// closing quote and the escape; between words, nothing (`pos` itself).
///
/// In a word, a table look-up a byte (the values of ENV, LABEL and ARG are read here)
/// instead of a test for each kind of byte that stops the run.
fn plain_run_end(bytes: &[u8], mut pos: usize, phase: Phase, quote: char, escape: u8) -> usize {
    match phase {
        Phase::Word => {
            let stops = match escape {
                b'\\' => WORD_STOP | BACKSLASH,
                b'`' => WORD_STOP | BACKTICK,
                _ => 0,
            };
            if stops != 0 {
                return bytes[pos..]
                    .iter()
                    .position(|&b| WORD_STOPS[usize::from(b)] & stops != 0)
                    .map_or(bytes.len(), |run| pos + run);
            }
            while pos < bytes.len() {
                let byte = bytes[pos];
                if !byte.is_ascii()
                    || is_ascii_space(byte)
                    || matches!(byte, b'\'' | b'"')
                    || byte == escape
                {
                    break;
                }
                pos += 1;
            }
        }
        Phase::Quote => {
            while pos < bytes.len()
                && u32::from(bytes[pos]) != u32::from(quote)
                && bytes[pos] != escape
            {
                pos += 1;
            }
        }
        Phase::Spaces => {}
    }
    pos
}

/// A word of [`parse_word_spans`]: its text is a slice of the line (no allocation), and
/// its byte range in the line. The text ends before `end` only when a final escape
/// character was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WordSpan<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
}

/// The character at `pos` of `text` and its width, decoding only when it is not ASCII.
#[inline]
fn char_at(text: &str, pos: usize) -> (char, usize) {
    let byte = text.as_bytes()[pos];
    if byte.is_ascii() {
        return (char::from(byte), 1);
    }
    let ch = text[pos..]
        .chars()
        .next()
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    (ch, ch.len_utf8())
}

/// BuildKit's `parseWords` (ENV, LABEL, ARG) with owned texts; see [`parse_word_spans`].
#[cfg(test)]
pub(crate) fn parse_words(text: &str, start: usize, end: usize, escape: char) -> Vec<RawWord> {
    parse_word_spans(text, start, end, escape)
        .into_iter()
        .map(|w| RawWord {
            text: w.text.to_owned(),
            start: w.start,
            end: w.end,
        })
        .collect()
}

/// BuildKit's `parseWords` (ENV, LABEL, ARG): words separated by whitespace, quotes
/// grouping, the escape character protecting the next character. Quotes and escapes
/// stay in the text; an escape character at the very end is dropped.
///
/// Every character of a word is kept but that last escape, so a word's text is its slice
/// of the source: the walk only finds where words end (building the text a character at a
/// time made this a fifth of parsing ENV and LABEL). The walk goes byte by byte and
/// decodes only non-ASCII characters (the escape and the quotes are ASCII).
pub(crate) fn parse_word_spans(
    text: &str,
    start: usize,
    end: usize,
    escape: char,
) -> Vec<WordSpan<'_>> {
    let rest = &text[start..end];
    // Room for the few words of most ENV, LABEL and ARG lines without growing from empty.
    let mut words = Vec::with_capacity(4);
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut word_start = 0usize;
    // Whether the escape at the very end was dropped.
    let mut dropped_end = false;
    let bytes = rest.as_bytes();
    // The escape is `\\` or `` ` `` (the directive allows nothing else): a byte.
    debug_assert!(escape.is_ascii());
    let escape_byte = escape as u8;
    let mut pos = 0usize;
    loop {
        // Runs of bytes that change nothing are skipped at once.
        pos = plain_run_end(bytes, pos, phase, quote, escape_byte);
        if pos >= rest.len() {
            if phase != Phase::Spaces {
                let text_end = if dropped_end {
                    rest.len() - escape.len_utf8()
                } else {
                    rest.len()
                };
                if blank_ok || text_end > word_start {
                    words.push(WordSpan {
                        text: &rest[word_start..text_end],
                        start: start + word_start,
                        end,
                    });
                }
            }
            break;
        }
        let (ch, width) = char_at(rest, pos);
        let at = pos;
        pos += width;
        let at_last = pos == rest.len();
        if phase == Phase::Spaces {
            if is_space(ch) {
                continue;
            }
            phase = Phase::Word;
            word_start = at;
        }
        match phase {
            Phase::Word => {
                if is_space(ch) {
                    phase = Phase::Spaces;
                    if blank_ok || at > word_start {
                        words.push(WordSpan {
                            text: &rest[word_start..at],
                            start: start + word_start,
                            end: start + at,
                        });
                    }
                    blank_ok = false;
                    continue;
                }
                if ch == '\'' || ch == '"' {
                    quote = ch;
                    blank_ok = true;
                    phase = Phase::Quote;
                }
                if ch == escape {
                    if at_last {
                        dropped_end = true;
                    } else {
                        // The escaped character, whatever it is, belongs to the word.
                        pos += char_at(rest, pos).1;
                    }
                }
            }
            Phase::Quote => {
                if ch == quote {
                    phase = Phase::Word;
                }
                if ch == escape && quote != '\'' {
                    if at_last {
                        phase = Phase::Word;
                        dropped_end = true;
                    } else {
                        pos += char_at(rest, pos).1;
                    }
                }
            }
            Phase::Spaces => unreachable!("handled above"),
        }
    }
    words
}

/// The flags BuildKit's `extractBuilderFlags` takes from the start of an instruction's
/// arguments, and the offset where the remaining arguments start.
pub(crate) struct ExtractedFlags {
    pub flags: Vec<RawWord>,
    /// Where the arguments after the flags begin (`end` when nothing follows).
    pub rest: usize,
}

/// BuildKit's `extractBuilderFlags` over `text[start..end]`: leading words that start with
/// `--`, quotes removed and escapes processed; a bare `--` ends the flags and is dropped.
///
/// The walk goes by byte offsets and copies a run of characters that change nothing (in a
/// word: ASCII other than whitespace, quotes and the escape; in quotes: all but the
/// closing quote and the escape) at once, instead of pushing them one at a time.
pub(crate) fn extract_flags(text: &str, start: usize, end: usize, escape: char) -> ExtractedFlags {
    let line = &text[start..end];
    let bytes = line.as_bytes();
    // The escape is `\` or `` ` `` (the directive allows nothing else): a byte.
    debug_assert!(escape.is_ascii());
    let escape_byte = escape as u8;
    let mut flags = Vec::new();
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut buf = String::new();
    let mut word_start = 0usize;
    let mut pos = 0usize;
    loop {
        let run_start = pos;
        pos = plain_run_end(bytes, pos, phase, quote, escape_byte);
        buf.push_str(&line[run_start..pos]);
        if pos >= line.len() {
            if phase != Phase::Spaces && buf != "--" && (blank_ok || !buf.is_empty()) {
                flags.push(RawWord {
                    text: buf,
                    start: start + word_start,
                    end,
                });
            }
            return ExtractedFlags { flags, rest: end };
        }
        let (ch, width) = char_at(line, pos);
        let at = pos;
        pos += width;
        let at_last = pos == line.len();
        if phase == Phase::Spaces {
            if is_space(ch) {
                continue;
            }
            if ch != '-' || !line[at + 1..].starts_with('-') {
                return ExtractedFlags {
                    flags,
                    rest: start + at,
                };
            }
            phase = Phase::Word;
            word_start = at;
            // Room for the rest of the line: one allocation, not one per doubling.
            buf.reserve(line.len() - at);
        }
        match phase {
            Phase::Word => {
                if is_space(ch) {
                    phase = Phase::Spaces;
                    if buf == "--" {
                        return ExtractedFlags {
                            flags,
                            rest: start + at,
                        };
                    }
                    if blank_ok || !buf.is_empty() {
                        flags.push(RawWord {
                            text: std::mem::take(&mut buf),
                            start: start + word_start,
                            end: start + at,
                        });
                    }
                    buf.clear();
                    blank_ok = false;
                    continue;
                }
                if ch == '\'' || ch == '"' {
                    quote = ch;
                    blank_ok = true;
                    phase = Phase::Quote;
                    continue;
                }
                if ch == escape {
                    if !at_last {
                        let (next, width) = char_at(line, pos);
                        buf.push(next);
                        pos += width;
                    }
                    continue;
                }
                buf.push(ch);
            }
            Phase::Quote => {
                if ch == quote {
                    phase = Phase::Word;
                    continue;
                }
                if ch == escape {
                    if at_last {
                        phase = Phase::Word;
                        continue;
                    }
                    let (next, width) = char_at(line, pos);
                    buf.push(next);
                    pos += width;
                    continue;
                }
                buf.push(ch);
            }
            Phase::Spaces => unreachable!("handled above"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(words: &[RawWord]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    /// `parse_words` as it was written first, building each word a character at a time:
    /// the oracle for the slicing one.
    fn parse_words_char_by_char(
        text: &str,
        start: usize,
        end: usize,
        escape: char,
    ) -> Vec<RawWord> {
        let rest = &text[start..end];
        let mut words = Vec::new();
        let mut phase = Phase::Spaces;
        let mut quote = '\0';
        let mut blank_ok = false;
        let mut buf = String::new();
        let mut word_start = 0usize;
        let mut chars = rest.char_indices().peekable();
        loop {
            let Some((pos, ch)) = chars.next() else {
                if phase != Phase::Spaces && (blank_ok || !buf.is_empty()) {
                    words.push(RawWord {
                        text: std::mem::take(&mut buf),
                        start: start + word_start,
                        end,
                    });
                }
                break;
            };
            let at_last = pos + ch.len_utf8() == rest.len();
            if phase == Phase::Spaces {
                if is_space(ch) {
                    continue;
                }
                phase = Phase::Word;
                word_start = pos;
            }
            match phase {
                Phase::Word => {
                    if is_space(ch) {
                        phase = Phase::Spaces;
                        if blank_ok || !buf.is_empty() {
                            words.push(RawWord {
                                text: std::mem::take(&mut buf),
                                start: start + word_start,
                                end: start + pos,
                            });
                        }
                        buf.clear();
                        blank_ok = false;
                        continue;
                    }
                    if ch == '\'' || ch == '"' {
                        quote = ch;
                        blank_ok = true;
                        phase = Phase::Quote;
                    }
                    if ch == escape {
                        if at_last {
                            continue;
                        }
                        buf.push(ch);
                        if let Some((_, next)) = chars.next() {
                            buf.push(next);
                        }
                        continue;
                    }
                    buf.push(ch);
                }
                Phase::Quote => {
                    if ch == quote {
                        phase = Phase::Word;
                    }
                    if ch == escape && quote != '\'' {
                        if at_last {
                            phase = Phase::Word;
                            continue;
                        }
                        buf.push(ch);
                        if let Some((_, next)) = chars.next() {
                            buf.push(next);
                        }
                        continue;
                    }
                    buf.push(ch);
                }
                Phase::Spaces => unreachable!("handled above"),
            }
        }
        words
    }

    /// `extract_flags` as it was written first, a character at a time: the oracle for the
    /// one that copies runs.
    fn extract_flags_char_by_char(
        text: &str,
        start: usize,
        end: usize,
        escape: char,
    ) -> (Vec<RawWord>, usize) {
        let line = &text[start..end];
        let mut flags = Vec::new();
        let mut phase = Phase::Spaces;
        let mut quote = '\0';
        let mut blank_ok = false;
        let mut buf = String::new();
        let mut word_start = 0usize;
        let mut chars = line.char_indices().peekable();
        loop {
            let Some((pos, ch)) = chars.next() else {
                if phase != Phase::Spaces && buf != "--" && (blank_ok || !buf.is_empty()) {
                    flags.push(RawWord {
                        text: std::mem::take(&mut buf),
                        start: start + word_start,
                        end,
                    });
                }
                return (flags, end);
            };
            let at_last = pos + ch.len_utf8() == line.len();
            if phase == Phase::Spaces {
                if is_space(ch) {
                    continue;
                }
                if ch != '-' || !line[pos + 1..].starts_with('-') {
                    return (flags, start + pos);
                }
                phase = Phase::Word;
                word_start = pos;
                // Room for the rest of the line: one allocation, not one per doubling.
                buf.reserve(line.len() - pos);
            }
            match phase {
                Phase::Word => {
                    if is_space(ch) {
                        phase = Phase::Spaces;
                        if buf == "--" {
                            return (flags, start + pos);
                        }
                        if blank_ok || !buf.is_empty() {
                            flags.push(RawWord {
                                text: std::mem::take(&mut buf),
                                start: start + word_start,
                                end: start + pos,
                            });
                        }
                        buf.clear();
                        blank_ok = false;
                        continue;
                    }
                    if ch == '\'' || ch == '"' {
                        quote = ch;
                        blank_ok = true;
                        phase = Phase::Quote;
                        continue;
                    }
                    if ch == escape {
                        if at_last {
                            continue;
                        }
                        if let Some((_, next)) = chars.next() {
                            buf.push(next);
                        }
                        continue;
                    }
                    buf.push(ch);
                }
                Phase::Quote => {
                    if ch == quote {
                        phase = Phase::Word;
                        continue;
                    }
                    if ch == escape {
                        if at_last {
                            phase = Phase::Word;
                            continue;
                        }
                        if let Some((_, next)) = chars.next() {
                            buf.push(next);
                        }
                        continue;
                    }
                    buf.push(ch);
                }
                Phase::Spaces => unreachable!("handled above"),
            }
        }
    }

    /// The table gives, for every byte and both escapes (and an escape it does not
    /// know), where a run in a word ends as the test for each kind of byte does.
    #[test]
    fn word_runs_stop_where_the_tests_stop() {
        let stops_by_test = |byte: u8, escape: u8| {
            !byte.is_ascii()
                || is_ascii_space(byte)
                || matches!(byte, b'\'' | b'"')
                || byte == escape
        };
        for escape in [b'\\', b'`', b'^'] {
            for byte in 0..=u8::MAX {
                let input = [b'a', byte, b'a'];
                let expected = if stops_by_test(byte, escape) { 1 } else { 3 };
                assert_eq!(
                    plain_run_end(&input, 0, Phase::Word, '\0', escape),
                    expected,
                    "byte {byte:#x}, escape {escape:#x}"
                );
            }
        }
    }

    proptest::proptest! {
        /// Copying runs gives the flags and the rest that the walk a character at a time
        /// gave: quotes, escapes (both escape characters), Unicode spaces and letters, a bare
        /// `--`, and escapes at the very end.
        #[test]
        fn extract_flags_copies_like_it_pushed(
            input in "(--[ab=\"'\\\\` \t\u{a0}\u{2003}é€-]{0,10} ?){0,3}[ab -]{0,3}",
            backtick: bool,
        ) {
            let escape = if backtick { '`' } else { '\\' };
            let fast = extract_flags(&input, 0, input.len(), escape);
            proptest::prop_assert_eq!(
                (fast.flags, fast.rest),
                extract_flags_char_by_char(&input, 0, input.len(), escape)
            );
        }

        /// Slicing words out of the source gives what building them a character at a time
        /// gave: quotes, escapes (both escape characters), Unicode spaces and letters, and
        /// escapes at the very end.
        #[test]
        fn parse_words_slices_like_it_built(
            input in "[ab=\"'\\\\` \t\u{a0}\u{2003}é€]{0,16}",
            backtick: bool,
            from in 0usize..4,
        ) {
            let escape = if backtick { '`' } else { '\\' };
            let start = input.char_indices().map(|(i, _)| i).nth(from).unwrap_or(input.len());
            proptest::prop_assert_eq!(
                parse_words(&input, start, input.len(), escape),
                parse_words_char_by_char(&input, start, input.len(), escape)
            );
        }
    }

    /// Go's `unicode.IsSpace` prefix, a character at a time.
    fn leading_space_char_by_char(text: &str) -> usize {
        text.len() - text.trim_start_matches(is_space).len()
    }

    /// `reWhitespace.Split` a byte at a time, as `whitespace_spans` walked it before it
    /// used `split_first`.
    fn whitespace_spans_byte_by_byte(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
        let bytes = text.as_bytes();
        let mut spans = Vec::new();
        let mut next = (start < end).then_some(start);
        while let Some(word_start) = next {
            let mut pos = word_start;
            while pos < end && !is_split_space(bytes[pos]) {
                pos += 1;
            }
            spans.push((word_start, pos));
            if pos == end {
                next = None;
            } else {
                while pos < end && is_split_space(bytes[pos]) {
                    pos += 1;
                }
                next = Some(pos);
            }
        }
        spans
    }

    proptest::proptest! {
        /// The test by blocks of bytes finds what a test byte by byte finds, at any place in
        /// inputs of every length up to a few blocks (a wanted byte or none).
        #[test]
        fn any_byte_finds_what_bytes_find(
            input in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'a', b'a', b'a', b'a', b'a', b'$', 0xa4, 0x00]),
                0..50,
            ),
        ) {
            let test = |b: u8| b == b'$';
            proptest::prop_assert_eq!(any_byte(&input, test), input.iter().any(|&b| test(b)));
        }

        /// The slice search for leading whitespace agrees with trimming a character at a
        /// time: ASCII and Unicode spaces (U+0085 and U+00A0 among them), other letters.
        #[test]
        fn leading_space_agrees_with_trimming(
            input in "[ \t\n\x0b\x0c\r\u{85}\u{a0}\u{2003}aé€#]{0,12}",
        ) {
            proptest::prop_assert_eq!(leading_space(&input), leading_space_char_by_char(&input));
        }

        /// Splitting through `split_first` gives the spans of the byte-by-byte walk,
        /// trailing whitespace (an empty last word) included.
        #[test]
        fn whitespace_spans_agree_with_the_walk(
            input in "[ab\t\x0b\x0c\r \n\u{a0}é]{0,12}",
            from in 0usize..4,
        ) {
            let start = input.char_indices().map(|(i, _)| i).nth(from).unwrap_or(input.len());
            proptest::prop_assert_eq!(
                whitespace_spans(&input, start, input.len()).collect::<Vec<_>>(),
                whitespace_spans_byte_by_byte(&input, start, input.len())
            );
        }
    }

    #[test]
    fn parse_words_keeps_quotes_and_escapes() {
        let line = r#"name="value value1" b=c\ d 'e f' x\"#;
        let words = parse_words(line, 0, line.len(), '\\');
        assert_eq!(
            texts(&words),
            [r#"name="value value1""#, r"b=c\ d", "'e f'", "x"]
        );
        assert_eq!(&line[words[1].start..words[1].end], r"b=c\ d");
        let empty = parse_words(r#"a="" """#, 0, 7, '\\');
        assert_eq!(texts(&empty), [r#"a="""#, r#""""#]);
    }

    #[test]
    fn flags_stop_at_first_argument_or_double_dash() {
        let line = r#"--mount=type=cache,target="/a b" --link -- --not-a-flag x"#;
        let out = extract_flags(line, 0, line.len(), '\\');
        assert_eq!(
            texts(&out.flags),
            ["--mount=type=cache,target=/a b", "--link"]
        );
        assert_eq!(&line[out.rest..], " --not-a-flag x");
        let line = "--from=build /a /b";
        let out = extract_flags(line, 0, line.len(), '\\');
        assert_eq!(&line[out.rest..], "/a /b");
        assert_eq!((out.flags[0].start, out.flags[0].end), (0, 12));
        let line = "--doit";
        let out = extract_flags(line, 0, line.len(), '\\');
        assert_eq!(texts(&out.flags), ["--doit"]);
        assert_eq!(out.rest, line.len());
        let out = extract_flags("--", 0, 2, '\\');
        assert!(out.flags.is_empty());
    }

    #[test]
    fn whitespace_splits() {
        let line = "a \t b\x0bc";
        assert_eq!(
            texts(&split_whitespace(line, 0, line.len())),
            ["a", "b", "c"]
        );
        assert_eq!(split_first("key  value x", 0, 12), (3, Some(5)));
        assert_eq!(split_first("key", 0, 3), (3, None));
        assert_eq!(trim_space("  a b \u{a0}", 0, 8), (2, 5));
    }
}
