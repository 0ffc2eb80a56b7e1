//! Positions in source text.
//!
//! Everything inside layerlint speaks in byte offsets ([`TextSize`]) and byte ranges
//! ([`TextRange`]). Lines, columns and UTF-16 code units exist only at the edges
//! (reporters, the language server), and are computed here by a [`LineIndex`].
//!
//! [`MappedText`] is text assembled from pieces of a source file (a logical line with its
//! line continuations removed, a heredoc body with its tabs chomped) that remembers where
//! every byte came from, so that a finding in the piece can point into the file.

mod line_index;
mod mapped;
mod range;

pub use line_index::{LineCol, LineIndex, PositionCursor, PositionEncoding, SourcePosition};
pub use mapped::MappedText;
pub use range::{TextRange, TextSize};
