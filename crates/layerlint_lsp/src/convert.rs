//! The boundary: byte offsets ↔ LSP positions (in the negotiated encoding), and
//! layerlint's diagnostics → LSP diagnostics.

use layerlint_linter::{Diagnostic, Severity};
use layerlint_text::{LineCol, LineIndex, PositionEncoding, TextRange, TextSize};
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticTag, Location,
    NumberOrString, PositionEncodingKind, Uri,
};

/// A text with its line index and the encoding positions are counted in.
#[derive(Clone, Copy)]
pub struct Lines<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub encoding: PositionEncoding,
}

impl Lines<'_> {
    pub fn position(&self, offset: TextSize) -> lsp::Position {
        let LineCol { line, col } = self.index.line_col(offset, self.text, self.encoding);
        lsp::Position::new(line, col)
    }

    pub fn range(&self, range: TextRange) -> lsp::Range {
        lsp::Range::new(self.position(range.start()), self.position(range.end()))
    }

    pub fn offset(&self, position: lsp::Position) -> TextSize {
        self.index.offset(
            LineCol {
                line: position.line,
                col: position.character,
            },
            self.text,
            self.encoding,
        )
    }

    pub fn text_range(&self, range: lsp::Range) -> TextRange {
        let start = self.offset(range.start);
        let end = self.offset(range.end);
        TextRange::new(start.min(end), end.max(start))
    }
}

/// The encoding to use, from what the client offers: UTF-8 when it can (no conversion),
/// else UTF-16 (the protocol's default, always supported).
pub fn negotiate_encoding(offered: Option<&[PositionEncodingKind]>) -> PositionEncoding {
    let offered = offered.unwrap_or_default();
    if offered.contains(&PositionEncodingKind::UTF8) {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16
    }
}

pub fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// Style findings are shown as information, not hints: editors leave hints out of their
/// problem lists.
pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info | Severity::Style => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// Editors draw these faded (`Unnecessary`) or struck through (`Deprecated`).
fn tags(rule: &str) -> Option<Vec<DiagnosticTag>> {
    match rule {
        "unused-suppression" | "multiple-cmd" | "multiple-entrypoint" | "multiple-healthcheck" => {
            Some(vec![DiagnosticTag::UNNECESSARY])
        }
        "maintainer-deprecated" => Some(vec![DiagnosticTag::DEPRECATED]),
        _ => None,
    }
}

/// Where the link in a diagnostic leads: the rule's page.
pub fn rule_href(diagnostic: &Diagnostic) -> Option<Uri> {
    diagnostic.rule.url().parse().ok()
}

/// A layerlint diagnostic as the client sees it.
pub fn diagnostic(diagnostic: &Diagnostic, lines: &Lines<'_>, uri: &Uri) -> lsp::Diagnostic {
    let mut message = diagnostic.message.clone();
    if let Some(note) = &diagnostic.note {
        message.push('\n');
        message.push_str(note);
    }
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .related
        .iter()
        .map(|related| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), lines.range(related.range)),
            message: related.message.clone(),
        })
        .collect();
    lsp::Diagnostic {
        range: lines.range(diagnostic.range),
        severity: Some(severity(diagnostic.severity)),
        code: Some(NumberOrString::String(diagnostic.code().to_owned())),
        code_description: rule_href(diagnostic).map(|href| CodeDescription { href }),
        source: Some("layerlint".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: tags(diagnostic.rule.name),
        data: Some(serde_json::json!({ "name": diagnostic.rule.name })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_utf8_positions() {
        let text = "FROM a\nLABEL x=\"é😀\" y=1\n";
        let index = LineIndex::new(text);
        let y = TextSize::from_usize(text.find('y').unwrap());
        let utf16 = Lines {
            text,
            index: &index,
            encoding: PositionEncoding::Utf16,
        };
        let utf8 = Lines {
            encoding: PositionEncoding::Utf8,
            ..utf16
        };
        assert_eq!(utf16.position(y), lsp::Position::new(1, 14));
        assert_eq!(utf8.position(y), lsp::Position::new(1, 17));
        assert_eq!(utf16.offset(lsp::Position::new(1, 14)), y);
        assert_eq!(utf8.offset(lsp::Position::new(1, 17)), y);
    }

    #[test]
    fn negotiation() {
        assert_eq!(negotiate_encoding(None), PositionEncoding::Utf16);
        assert_eq!(
            negotiate_encoding(Some(&[
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF8
            ])),
            PositionEncoding::Utf8
        );
        assert_eq!(
            negotiate_encoding(Some(&[PositionEncodingKind::UTF32])),
            PositionEncoding::Utf16
        );
    }
}
