use crate::{TextRange, TextSize};

/// How a column is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum PositionEncoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the language server protocol's default).
    #[default]
    Utf16,
    /// Unicode scalar values ("characters"; what the JSON report calls a column).
    Utf32,
}

/// A zero-based line and a zero-based column counted in some [`PositionEncoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// A one-based line and column, for people (and for most report formats).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourcePosition {
    pub line: u32,
    pub column: u32,
}

/// The start offset of every line of a text, for turning offsets into lines and columns
/// and back. Lines end at `\n`; a `\r` before it belongs to the line's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<TextSize>,
    len: TextSize,
    ascii: bool,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 40 + 1);
        line_starts.push(TextSize::ZERO);
        line_starts.extend(
            memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| TextSize::from_usize(i + 1)),
        );
        LineIndex {
            line_starts,
            len: TextSize::of(text),
            ascii: text.is_ascii(),
        }
    }

    /// The number of lines: one more than the number of `\n`.
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The zero-based line holding `offset` (an offset past the end is on the last line).
    pub fn line_of(&self, offset: TextSize) -> u32 {
        let offset = offset.min(self.len);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        };
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    /// The offset where zero-based `line` starts; past the last line, the end of the text.
    pub fn line_start(&self, line: u32) -> TextSize {
        self.line_starts
            .get(line as usize)
            .copied()
            .unwrap_or(self.len)
    }

    /// The range of zero-based `line`, including its `\n` if it has one.
    pub fn line_range(&self, line: u32) -> TextRange {
        let start = self.line_start(line);
        let end = self.line_start(line.saturating_add(1));
        TextRange::new(start, end.max(start))
    }

    /// The range of zero-based `line` without its line ending (`\n` or `\r\n`).
    pub fn line_content_range(&self, line: u32, text: &str) -> TextRange {
        let range = self.line_range(line);
        let content = &text[range];
        let trimmed = content
            .strip_suffix('\n')
            .map(|s| s.strip_suffix('\r').unwrap_or(s))
            .unwrap_or(content);
        TextRange::at(range.start(), TextSize::of(trimmed))
    }

    /// The zero-based line and column of `offset`, columns counted in `encoding`.
    /// An offset inside a multi-byte character counts as that character's start.
    pub fn line_col(&self, offset: TextSize, text: &str, encoding: PositionEncoding) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let col = if self.ascii || encoding == PositionEncoding::Utf8 {
            (offset - start).to_u32()
        } else {
            let prefix = line_prefix(text, start.to_usize(), offset.to_usize());
            let units = match encoding {
                PositionEncoding::Utf16 => prefix.encode_utf16().count(),
                _ => prefix.chars().count(),
            };
            u32::try_from(units).unwrap_or(u32::MAX)
        };
        LineCol { line, col }
    }

    /// One-based line and column (characters), as people and most report formats count.
    pub fn position(&self, offset: TextSize, text: &str) -> SourcePosition {
        let LineCol { line, col } = self.line_col(offset, text, PositionEncoding::Utf32);
        SourcePosition {
            line: line + 1,
            column: col + 1,
        }
    }

    /// The offset of a zero-based line and column. Never fails: a line past the end gives
    /// the end of the text, a column past the end of its line gives the end of the line
    /// (before its line ending), and a UTF-16 column inside a surrogate pair gives the
    /// start of that character.
    pub fn offset(&self, position: LineCol, text: &str, encoding: PositionEncoding) -> TextSize {
        if position.line as usize >= self.line_starts.len() {
            return self.len;
        }
        let content = self.line_content_range(position.line, text);
        let line_text = &text[content];
        let wanted = position.col as usize;
        let byte = if self.ascii || encoding == PositionEncoding::Utf8 {
            let mut byte = wanted.min(line_text.len());
            while !line_text.is_char_boundary(byte) {
                byte -= 1;
            }
            byte
        } else {
            let mut units = 0usize;
            let mut byte = line_text.len();
            for (index, ch) in line_text.char_indices() {
                let width = match encoding {
                    PositionEncoding::Utf16 => ch.len_utf16(),
                    _ => 1,
                };
                if units + width > wanted {
                    byte = index;
                    break;
                }
                units += width;
                if units == wanted {
                    byte = index + ch.len_utf8();
                    break;
                }
            }
            if wanted == 0 { 0 } else { byte }
        };
        content.start() + TextSize::from_usize(byte)
    }
}

/// One-based positions ([`LineIndex::position`]'s) of a few offsets of a text, without a
/// line table: the line feeds between one offset asked and the next are counted. For a
/// file's findings (a handful of offsets, asked in about increasing order) this costs a
/// fraction of indexing every line of the file first.
#[derive(Clone, Debug)]
pub struct PositionCursor<'a> {
    text: &'a str,
    /// The last offset asked, the zero-based line it is on, and where that line starts.
    offset: usize,
    line: u32,
    line_start: usize,
}

impl<'a> PositionCursor<'a> {
    pub fn new(text: &'a str) -> Self {
        PositionCursor {
            text,
            offset: 0,
            line: 0,
            line_start: 0,
        }
    }

    /// What [`LineIndex::position`] gives for `offset`: one-based line and column
    /// (characters); an offset past the end is the end, one inside a character is its
    /// start.
    pub fn position(&mut self, offset: TextSize) -> SourcePosition {
        let bytes = self.text.as_bytes();
        let offset = offset.to_usize().min(bytes.len());
        // The line and its start change only when a line feed lies between the last offset
        // and this one: not between the start and the end of a finding on one line.
        if offset >= self.offset {
            let passed = &bytes[self.offset..offset];
            if let Some(last) = memchr::memrchr(b'\n', passed) {
                self.line += line_feeds(&passed[..last]) + 1;
                self.line_start = self.offset + last + 1;
            }
        } else {
            let passed = &bytes[offset..self.offset];
            if let Some(first) = memchr::memchr(b'\n', passed) {
                self.line -= line_feeds(&passed[first + 1..]) + 1;
                self.line_start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
            }
        }
        self.offset = offset;
        let before = line_prefix(self.text, self.line_start, offset);
        let column = if before.is_ascii() {
            before.len()
        } else {
            before.chars().count()
        };
        SourcePosition {
            line: self.line + 1,
            column: u32::try_from(column).unwrap_or(u32::MAX - 1) + 1,
        }
    }
}

/// The text of a line from its `start` to `offset`, or to the start of the character
/// `offset` falls inside: what a column counts.
fn line_prefix(text: &str, start: usize, offset: usize) -> &str {
    let mut end = offset;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[start..end]
}

/// The number of `\n` in `bytes` (a text is under 4 GiB, as [`TextSize`] is). Counted in
/// 64-byte blocks, then 16-byte ones, whose counts fit a byte: the compiler vectorises
/// those loops, at a tenth of the instructions of a byte-by-byte count (or of a `memchr`
/// call per line feed) over a file, and a third over a line.
fn line_feeds(bytes: &[u8]) -> u32 {
    fn in_block(block: &[u8]) -> usize {
        usize::from(block.iter().map(|&b| u8::from(b == b'\n')).sum::<u8>())
    }
    let mut blocks = bytes.chunks_exact(64);
    let mut count: usize = blocks.by_ref().map(in_block).sum();
    let mut small = blocks.remainder().chunks_exact(16);
    count += small.by_ref().map(in_block).sum::<usize>();
    count += small.remainder().iter().filter(|&&b| b == b'\n').count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ascii_positions() {
        let text = "FROM a\nRUN b\r\nCMD c";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        let at = |o| index.line_col(TextSize::new(o), text, PositionEncoding::Utf16);
        assert_eq!(at(0), LineCol { line: 0, col: 0 });
        assert_eq!(at(7), LineCol { line: 1, col: 0 });
        assert_eq!(at(12), LineCol { line: 1, col: 5 });
        assert_eq!(at(14), LineCol { line: 2, col: 0 });
        assert_eq!(
            index.line_content_range(1, text),
            TextRange::from_usize(7, 12)
        );
        assert_eq!(
            index.position(TextSize::new(9), text),
            SourcePosition { line: 2, column: 3 }
        );
    }

    /// An offset inside a multi-byte character is that character's start, both ways: as
    /// an offset (every encoding) and as a UTF-8 column.
    #[test]
    fn inside_a_character() {
        let text = "x\nab\u{e9}c";
        let index = LineIndex::new(text);
        let e = text.find('\u{e9}').unwrap();
        let inside = TextSize::from_usize(e + 1);
        for encoding in [PositionEncoding::Utf16, PositionEncoding::Utf32] {
            assert_eq!(
                index.line_col(inside, text, encoding),
                LineCol { line: 1, col: 2 }
            );
        }
        let back = index.offset(LineCol { line: 1, col: 3 }, text, PositionEncoding::Utf8);
        assert_eq!(back.to_usize(), e);
    }

    #[test]
    fn utf16_and_chars() {
        // "é" is 2 bytes / 1 unit; "😀" is 4 bytes / 2 UTF-16 units / 1 char.
        let text = "a é😀b\nx";
        let index = LineIndex::new(text);
        let b = text.find('b').unwrap();
        let off = TextSize::from_usize(b);
        assert_eq!(index.line_col(off, text, PositionEncoding::Utf8).col, 8);
        assert_eq!(index.line_col(off, text, PositionEncoding::Utf16).col, 5);
        assert_eq!(index.line_col(off, text, PositionEncoding::Utf32).col, 4);
        let back = index.offset(LineCol { line: 0, col: 5 }, text, PositionEncoding::Utf16);
        assert_eq!(back, off);
        // Inside the surrogate pair: the start of the emoji.
        let inside = index.offset(LineCol { line: 0, col: 4 }, text, PositionEncoding::Utf16);
        assert_eq!(inside.to_usize(), text.find('😀').unwrap());
        // Past the end of the line and past the last line.
        let eol = index.offset(LineCol { line: 0, col: 99 }, text, PositionEncoding::Utf16);
        assert_eq!(eol.to_usize(), text.find('\n').unwrap());
        let eof = index.offset(LineCol { line: 9, col: 0 }, text, PositionEncoding::Utf16);
        assert_eq!(eof, TextSize::of(text));
    }

    proptest! {
        #[test]
        fn cursor_positions_are_the_index_positions(
            // Longer than a 64-byte block of the line-feed count.
            text in "[a-z\u{e9}\u{1F600}\r\n ]{0,200}",
            picks in proptest::collection::vec(0usize..900, 0..12),
        ) {
            let index = LineIndex::new(&text);
            let mut cursor = PositionCursor::new(&text);
            for pick in picks {
                // Any offset, also inside a character and past the end, in any order.
                let offset = TextSize::from_usize(pick);
                prop_assert_eq!(cursor.position(offset), index.position(offset, &text));
            }
        }

        #[test]
        fn offsets_round_trip(text in "[a-z\u{e9}\u{1F600}\r\n ]{0,40}", pick in 0usize..64) {
            let index = LineIndex::new(&text);
            let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let offset = TextSize::from_usize(boundaries[pick % boundaries.len()]);
            for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
                let lc = index.line_col(offset, &text, encoding);
                let back = index.offset(lc, &text, encoding);
                // A position between "\r" and "\n" maps back to before the "\r".
                let content_end = index.line_content_range(lc.line, &text).end();
                prop_assert_eq!(back, offset.min(content_end));
            }
        }
    }
}
