//! An open document: its text and version, kept up to date from incremental changes.

use layerlint_text::{LineIndex, PositionEncoding, TextRange};
use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

use crate::convert::Lines;

/// The text the client has, at a version.
#[derive(Clone, Debug)]
pub struct Document {
    text: String,
    version: i32,
    index: LineIndex,
}

impl Document {
    pub fn new(text: String, version: i32) -> Self {
        let index = LineIndex::new(&text);
        Document {
            text,
            version,
            index,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    pub fn index(&self) -> &LineIndex {
        &self.index
    }

    pub fn lines(&self, encoding: PositionEncoding) -> Lines<'_> {
        Lines {
            text: &self.text,
            index: &self.index,
            encoding,
        }
    }

    /// Applies the changes of one `didChange`, in order (each range is relative to the text
    /// after the changes before it), and takes the new version.
    pub fn apply_changes(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: PositionEncoding,
    ) {
        let count = changes.len();
        for (i, change) in changes.into_iter().enumerate() {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    let range: TextRange = self.lines(encoding).text_range(range);
                    self.text.replace_range(range.to_std(), &change.text);
                }
            }
            // The next change's positions refer to this text; the last one's index is
            // rebuilt below.
            if i + 1 < count {
                self.index = LineIndex::new(&self.text);
            }
        }
        self.index = LineIndex::new(&self.text);
        self.version = version;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((l1, c1), (l2, c2))| {
                Range::new(Position::new(l1, c1), Position::new(l2, c2))
            }),
            range_length: None,
            text: text.to_owned(),
        }
    }

    #[test]
    fn incremental_changes_in_order() {
        let mut doc = Document::new("FROM a\nRUN é b\n".into(), 1);
        doc.apply_changes(
            vec![
                // "é" is one UTF-16 unit: replace "b" (line 1, col 6).
                change(Some(((1, 6), (1, 7))), "c"),
                // Then insert a line at the top, against the text after the first change.
                change(Some(((0, 0), (0, 0))), "ARG x\n"),
                // "c" is now on line 2: a position on the lines of the text so far.
                change(Some(((2, 6), (2, 7))), "d"),
            ],
            2,
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text(), "ARG x\nFROM a\nRUN é d\n");
        assert_eq!(doc.version(), 2);
        doc.apply_changes(vec![change(None, "FROM b\n")], 3, PositionEncoding::Utf16);
        assert_eq!(doc.text(), "FROM b\n");
        assert_eq!(doc.index().line_count(), 2);
    }
}
