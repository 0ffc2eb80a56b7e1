//! The language server's document edits: open a document, apply random incremental
//! `didChange` edits through the server's own code (positions may be out of range, inside
//! a surrogate pair, or reversed), then lint it and ask for symbols, hover, completion and
//! code actions. Nothing may panic and every answer must lie inside the document.
//!
//! Input: the document text; then, after each 0xFF byte, one edit: 5 bytes (flags, start
//! line, start column, end line delta, end column) and the inserted text (lossy UTF-8).
#![no_main]

use std::sync::{Arc, LazyLock};

use layerlint_linter::Settings;
use layerlint_text::PositionEncoding;
use libfuzzer_sys::fuzz_target;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

static SETTINGS: LazyLock<Arc<Settings>> =
    LazyLock::new(|| Arc::new(layerlint_lsp::fuzzing::settings()));

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0xFF);
    let text = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let mut encoding = PositionEncoding::Utf16;
    let mut batches: Vec<Vec<TextDocumentContentChangeEvent>> = Vec::new();
    let mut probes = Vec::new();
    for part in parts.take(64) {
        let [flags, line, col, dline, ecol, rest @ ..] = part else {
            continue;
        };
        if flags & 0x40 != 0 {
            encoding = PositionEncoding::Utf8;
        }
        let start = Position::new(u32::from(*line), u32::from(*col));
        let end = Position::new(u32::from(*line) + u32::from(*dline % 4), u32::from(*ecol));
        // Reversed ranges and huge positions too.
        let (start, end) = match flags & 0x3 {
            0 => (start, end),
            1 => (end, start),
            2 => (start, Position::new(u32::MAX, u32::MAX)),
            _ => (Position::new(u32::from(*line) << 20, 7), end),
        };
        probes.push(start);
        let change = TextDocumentContentChangeEvent {
            range: if flags & 0x80 != 0 && rest.len() > 64 {
                None
            } else {
                Some(Range::new(start, end))
            },
            range_length: None,
            text: String::from_utf8_lossy(rest).into_owned(),
        };
        match batches.last_mut() {
            Some(batch) if flags & 0x4 != 0 => batch.push(change),
            _ => batches.push(vec![change]),
        }
    }
    probes.push(Position::new(0, 0));
    probes.push(Position::new(1, 3));
    layerlint_lsp::fuzzing::exercise(&text, batches, encoding, &probes, &SETTINGS);
});
