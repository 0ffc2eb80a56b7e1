//! The server's document handling without a client, for the fuzzer (`fuzz/`) and the stress
//! tests: apply `didChange` edits with the same code the server runs, then ask what the
//! handlers answer. Not a stable API.

use std::str::FromStr;
use std::sync::Arc;

use layerlint_linter::Settings;
use layerlint_linter::settings::ShellcheckSetting;
use layerlint_text::{PositionEncoding, TextRange, TextSize};
use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent, Uri};

use crate::document::Document;
use crate::handlers::{code_action, completion, document_symbol, hover};
use crate::session::ClientCaps;
use crate::snapshot::{LintEnv, Snapshot};

/// What [`exercise`] saw, for callers that want to look.
#[derive(Debug, Default)]
pub struct Answers {
    pub text_len: usize,
    pub diagnostics: usize,
    pub hovers: usize,
    pub completions: usize,
    pub actions: usize,
}

/// Every rule on, no ShellCheck (an external process).
pub fn settings() -> Settings {
    let mut settings = Settings::all();
    settings.options.shellcheck = ShellcheckSetting::Off;
    settings
}

/// Opens `text`, applies each batch of changes as one `didChange`, then lints the result and
/// asks for symbols, diagnostics, and hover, completion and code actions at each probe.
/// Panics (the fuzzer's finding) when a handler panics or answers a range outside the
/// document.
pub fn exercise(
    text: &str,
    batches: Vec<Vec<TextDocumentContentChangeEvent>>,
    encoding: PositionEncoding,
    probes: &[Position],
    settings: &Arc<Settings>,
) -> Answers {
    let mut document = Document::new(text.to_owned(), 1);
    for (version, batch) in (2..).zip(batches) {
        document.apply_changes(batch, version, encoding);
    }
    let env = LintEnv {
        settings: Arc::clone(settings),
        ..LintEnv::default()
    };
    let snapshot = Snapshot::new(document.text(), document.version(), env);
    assert!(!snapshot.crashed, "the lint panicked");
    let text = document.text();
    let len = TextSize::of(text);
    let uri = Uri::from_str("file:///fuzz/Dockerfile").expect("a valid URI");
    let caps = ClientCaps {
        encoding,
        hierarchical_symbols: true,
        document_changes: true,
        create_files: true,
        markdown: true,
        completion_markdown: true,
        ..ClientCaps::default()
    };
    let lines = snapshot.lines(encoding);
    let mut answers = Answers {
        text_len: text.len(),
        ..Answers::default()
    };
    document_symbol::symbols(&snapshot, &lines);
    answers.diagnostics = snapshot.lsp_diagnostics(&uri, encoding).len();
    for probe in probes {
        let offset = lines.offset(*probe);
        assert!(offset <= len, "position {probe:?} maps past the end");
        assert!(text.is_char_boundary(offset.to_usize()));
        if let Some((range, _)) = hover::hover_at(&snapshot, offset) {
            assert!(range.end() <= len);
            answers.hovers += 1;
        }
        for item in completion::completions(&snapshot, offset) {
            assert!(item.replace.end() <= len);
            answers.completions += 1;
        }
        let range = TextRange::empty(offset);
        answers.actions += code_action::actions(&snapshot, &uri, &caps, range, None, true).len();
    }
    answers
}
