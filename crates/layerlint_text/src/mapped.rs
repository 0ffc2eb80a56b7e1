use crate::{TextRange, TextSize};

/// Text assembled from pieces of a source file, remembering where each piece came from.
///
/// A Dockerfile's logical line drops its line continuations and skipped comment lines; a
/// `<<-` heredoc body drops leading tabs. Rules analyse the assembled text and report in
/// the source: [`MappedText::range_to_source`] maps back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappedText {
    text: String,
    /// `(offset in text, offset in source)` where each piece starts, in text order.
    pieces: Vec<(TextSize, TextSize)>,
}

impl MappedText {
    pub fn new() -> Self {
        Self::default()
    }

    /// Text taken whole from `source_start` onwards.
    pub fn contiguous(text: &str, source_start: TextSize) -> Self {
        MappedText {
            text: text.to_owned(),
            pieces: vec![(TextSize::ZERO, source_start)],
        }
    }

    pub fn with_capacity(capacity: usize) -> Self {
        Self::with_capacities(capacity, 2)
    }

    /// Room for `capacity` bytes of text in `pieces` pieces.
    pub fn with_capacities(capacity: usize, pieces: usize) -> Self {
        MappedText {
            text: String::with_capacity(capacity),
            pieces: Vec::with_capacity(pieces),
        }
    }

    /// Empties it, keeping its buffers for the next text.
    pub fn clear(&mut self) {
        self.text.clear();
        self.pieces.clear();
    }

    /// Appends `piece`, which starts at `source_start` in the source.
    #[inline]
    pub fn push(&mut self, piece: &str, source_start: TextSize) {
        if piece.is_empty() {
            return;
        }
        let here = TextSize::of(&self.text);
        match self.pieces.last() {
            // Extends the previous piece when it continues it in the source too.
            Some(&(text_start, src_start)) if src_start + (here - text_start) == source_start => {}
            _ => self.pieces.push((here, source_start)),
        }
        self.text.push_str(piece);
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> TextSize {
        TextSize::of(&self.text)
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether the text is one unbroken slice of the source.
    pub fn is_contiguous(&self) -> bool {
        self.pieces.len() <= 1
    }

    fn piece_at(&self, offset: TextSize) -> Option<(TextSize, TextSize)> {
        self.pieces.get(self.piece_index(offset)?).copied()
    }

    /// The index of the piece holding `offset` (the last one starting at or before it).
    fn piece_index(&self, offset: TextSize) -> Option<usize> {
        match self
            .pieces
            .binary_search_by(|&(start, _)| start.cmp(&offset))
        {
            Ok(index) => Some(index),
            Err(0) => None,
            Err(next) => Some(next - 1),
        }
    }

    /// The source offset of the text offset `offset`, leaning right: at the seam of two
    /// pieces it is the start of the later one. Good for where something starts.
    pub fn to_source(&self, offset: TextSize) -> TextSize {
        match self.piece_at(offset) {
            Some((text_start, src_start)) => src_start + (offset - text_start),
            None => TextSize::ZERO,
        }
    }

    /// The source offset of the text offset `offset`, leaning left: at the seam of two
    /// pieces it is the end of the earlier one. Good for where something ends, and for
    /// inserting right after a word.
    pub fn to_source_end(&self, offset: TextSize) -> TextSize {
        if offset == TextSize::ZERO {
            return self.to_source(offset);
        }
        let before = offset - TextSize::new(1);
        match self.piece_at(before) {
            Some((text_start, src_start)) => src_start + (offset - text_start),
            None => TextSize::ZERO,
        }
    }

    /// The source range of a text range: from where its first byte came from to just
    /// after where its last byte came from (so it covers any continuation in between).
    ///
    /// Inlined: one piece (most logical lines) maps every offset by the same shift, which
    /// is cheaper where it is asked than a call; several pieces are looked up out of line.
    #[inline]
    pub fn range_to_source(&self, range: TextRange) -> TextRange {
        if let [(_, src_start)] = self.pieces[..] {
            return range.shift(src_start);
        }
        self.range_to_source_in_pieces(range)
    }

    /// [`Self::range_to_source`] for a text of several pieces (or none).
    ///
    /// Most ranges lie within one piece (a word, a command): the end is then mapped by the
    /// start's piece, found once, instead of by a second search.
    fn range_to_source_in_pieces(&self, range: TextRange) -> TextRange {
        let Some(index) = self.piece_index(range.start()) else {
            // No piece (an empty text): what `to_source` and `to_source_end` give.
            let end = if range.is_empty() {
                TextSize::ZERO
            } else {
                self.to_source_end(range.end())
            };
            return TextRange::new(TextSize::ZERO, end);
        };
        let (text_start, src_start) = self.pieces[index];
        let start = src_start + (range.start() - text_start);
        if range.is_empty() {
            return TextRange::empty(start);
        }
        // What `to_source_end` gives: the piece of the last byte in the range.
        let last = range.end() - TextSize::new(1);
        let end = match self.pieces.get(index + 1) {
            Some(&(next_start, _)) if next_start <= last => self.to_source_end(range.end()),
            _ => src_start + (range.end() - text_start),
        };
        TextRange::new(start, end.max(start))
    }

    /// The text offset of a source offset, when that source byte is part of the text.
    pub fn from_source(&self, source_offset: TextSize) -> Option<TextSize> {
        for (i, &(text_start, src_start)) in self.pieces.iter().enumerate() {
            let text_end = self.pieces.get(i + 1).map_or(self.len(), |&(next, _)| next);
            let src_end = src_start + (text_end - text_start);
            if src_start <= source_offset && source_offset < src_end {
                return Some(text_start + (source_offset - src_start));
            }
        }
        None
    }

    /// The part of the text in `range`, still mapped into the source.
    pub fn slice(&self, range: TextRange) -> MappedText {
        // The pieces that overlap `range`, the first and last cut to it. Adjacent pieces
        // never continue each other in the source (`push` joins those), and cutting the
        // outer ends keeps it so: the pieces can be copied, not pushed one by one.
        //
        // Those pieces are found by their starts (two binary searches) and copied at once:
        // the last piece starting at or before the range's start (the one holding it, which
        // passes over the empty first piece of an empty `contiguous` text), up to the last
        // one starting before its end. Each of them overlaps the range: only that first
        // piece of an empty text can be empty.
        let end = range.end().min(self.len());
        let start = range.start().min(end);
        let pieces = if start < end {
            let first = self.pieces.partition_point(|&(piece, _)| piece <= start) - 1;
            let last = self.pieces.partition_point(|&(piece, _)| piece < end);
            self.pieces[first..last]
                .iter()
                .map(|&(piece, src)| {
                    let from = piece.max(start);
                    (from - start, src + (from - piece))
                })
                .collect()
        } else {
            // Only the part of `range` inside the text has pieces.
            Vec::new()
        };
        MappedText {
            text: self.text[TextRange::new(start, end)].to_owned(),
            pieces,
        }
    }

    /// `(text range, source start)` of each piece, in order.
    pub fn pieces(&self) -> impl Iterator<Item = (TextRange, TextSize)> + '_ {
        self.pieces.iter().enumerate().map(|(i, &(start, src))| {
            let end = self.pieces.get(i + 1).map_or(self.len(), |&(next, _)| next);
            (TextRange::new(start, end), src)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_across_a_continuation() {
        // Source: "RUN apt-get \\\n  install x"; logical: "apt-get   install x".
        let source = "RUN apt-get \\\n  install x";
        let mut text = MappedText::new();
        text.push(&source[4..12], TextSize::new(4));
        text.push(&source[14..], TextSize::new(14));
        assert_eq!(text.as_str(), "apt-get   install x");
        assert!(!text.is_contiguous());
        let install = text.as_str().find("install").unwrap();
        let range = TextRange::from_usize(install, install + 7);
        assert_eq!(&source[text.range_to_source(range)], "install");
        // A range spanning the seam covers the continuation.
        let whole = TextRange::up_to(text.len());
        assert_eq!(&source[text.range_to_source(whole)], &source[4..]);
        // "apt-get " ends before the backslash.
        let first = TextRange::from_usize(0, 8);
        assert_eq!(text.range_to_source(first), TextRange::from_usize(4, 12));
        assert_eq!(text.from_source(TextSize::new(16)), Some(TextSize::new(10)));
        assert_eq!(text.from_source(TextSize::new(12)), None);
        let tail = text.slice(TextRange::from_usize(4, 19));
        assert_eq!(tail.as_str(), "get   install x");
        // The slice starts inside the first piece: it still maps to where it came from.
        assert_eq!(
            &source[tail.range_to_source(TextRange::from_usize(0, 3))],
            "get"
        );
        // Source bytes of the second piece, up to its last.
        assert_eq!(text.from_source(TextSize::new(24)), Some(TextSize::new(18)));
        assert_eq!(text.from_source(TextSize::new(25)), None);
        assert_eq!(
            &source[tail.range_to_source(TextRange::from_usize(6, 13))],
            "install"
        );
    }

    /// The range mapping (which looks the end up from the start's piece) agrees with mapping
    /// the start and the end on their own, for every range of a text of several pieces,
    /// out-of-range ends included, and of an empty text.
    #[test]
    fn range_mapping_agrees_with_offsets() {
        let mut text = MappedText::new();
        text.push("ab", TextSize::new(3));
        text.push("cde", TextSize::new(9));
        text.push("f", TextSize::new(20));
        text.push("gh", TextSize::new(30));
        let by_offsets = |text: &MappedText, range: TextRange| {
            let start = text.to_source(range.start());
            if range.is_empty() {
                return TextRange::empty(start);
            }
            TextRange::new(start, text.to_source_end(range.end()).max(start))
        };
        for start in 0..12u32 {
            for end in start..12 {
                let range = TextRange::new(TextSize::new(start), TextSize::new(end));
                assert_eq!(
                    text.range_to_source(range),
                    by_offsets(&text, range),
                    "{range:?}"
                );
                let empty = MappedText::new();
                assert_eq!(empty.range_to_source(range), by_offsets(&empty, range));
            }
        }
    }

    /// Slicing copies the pieces found by binary search: it gives what cutting every piece
    /// to the range gives, for every range of a text of several pieces (out-of-range ends
    /// included), of one that starts with an empty piece, and of an empty text.
    #[test]
    fn slice_agrees_with_cutting_every_piece() {
        let by_every_piece = |text: &MappedText, range: TextRange| {
            let mut pieces = Vec::new();
            for (piece, src) in text.pieces() {
                let start = piece.start().max(range.start());
                let end = piece.end().min(range.end());
                if start < end {
                    pieces.push((start - range.start(), src + (start - piece.start())));
                }
            }
            let end = range.end().min(text.len());
            let start = range.start().min(end);
            MappedText {
                text: text.as_str()[TextRange::new(start, end)].to_owned(),
                pieces,
            }
        };
        let mut several = MappedText::new();
        several.push("ab", TextSize::new(3));
        several.push("cde", TextSize::new(9));
        several.push("f", TextSize::new(20));
        several.push("gh", TextSize::new(30));
        let mut empty_first = MappedText::contiguous("", TextSize::new(2));
        empty_first.push("xyz", TextSize::new(7));
        empty_first.push("w", TextSize::new(12));
        let texts = [
            several,
            empty_first,
            MappedText::contiguous("", TextSize::new(4)),
            MappedText::contiguous("abc", TextSize::new(4)),
            MappedText::new(),
        ];
        for text in texts {
            for start in 0..12u32 {
                for end in start..12 {
                    let range = TextRange::new(TextSize::new(start), TextSize::new(end));
                    assert_eq!(text.slice(range), by_every_piece(&text, range), "{range:?}");
                }
            }
        }
    }

    /// A whole slice of the source maps by a constant shift; cleared, it is empty and
    /// takes new pieces from scratch.
    #[test]
    fn contiguous_then_cleared() {
        let mut text = MappedText::contiguous("echo hi", TextSize::new(4));
        assert!(!text.is_empty() && text.is_contiguous());
        assert_eq!(text.to_source(TextSize::new(5)), TextSize::new(9));
        text.clear();
        assert!(text.is_empty());
        assert_eq!(text.pieces().count(), 0);
        text.push("ab", TextSize::new(1));
        assert_eq!(text.to_source(TextSize::new(1)), TextSize::new(2));
        let mut fresh = MappedText::with_capacity(8);
        assert!(fresh.is_empty());
        fresh.push("ab", TextSize::new(1));
        assert_eq!(fresh, text);
    }

    #[test]
    fn adjacent_pieces_merge() {
        let mut text = MappedText::new();
        text.push("ab", TextSize::new(10));
        text.push("cd", TextSize::new(12));
        assert!(text.is_contiguous());
        assert_eq!(text.to_source(TextSize::new(3)), TextSize::new(13));
        // After a gap, a piece that continues the last one in the source joins it.
        text.push("x", TextSize::new(20));
        text.push("yz", TextSize::new(21));
        assert_eq!(text.pieces().count(), 2);
        assert_eq!(text.to_source(TextSize::new(6)), TextSize::new(22));
    }
}
