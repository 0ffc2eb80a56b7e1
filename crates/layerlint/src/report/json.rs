//! An array of findings (the schema is in the README):
//!
//! ```json
//! [{"file": "Dockerfile", "code": "LL101", "name": "invalid-json-exec-form",
//!   "severity": "error", "category": "correctness",
//!   "line": 14, "column": 5, "end_line": 14, "end_column": 32,
//!   "start_offset": 170, "end_offset": 197, "message": "…",
//!   "equivalents": ["JSONArgsRecommended"],
//!   "fix": {"applicability": "safe", "title": "…",
//!           "edits": [{"start_offset": 193, "end_offset": 195, "content": ""}]},
//!   "related": [], "note": null, "url": "https://…/rules/LL101-invalid-json-exec-form.md"}]
//! ```

use std::io::{self, Write};

use serde::Serialize;

use crate::check::{FileReport, Finding};

#[derive(Serialize)]
struct JsonFinding<'a> {
    file: &'a str,
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    category: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    start_offset: u32,
    end_offset: u32,
    message: &'a str,
    equivalents: Vec<&'a str>,
    fix: Option<JsonFix<'a>>,
    related: Vec<JsonRelated<'a>>,
    note: Option<&'a str>,
    url: String,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'a str,
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    start_offset: u32,
    end_offset: u32,
    content: &'a str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    start_offset: u32,
    end_offset: u32,
    message: &'a str,
}

fn finding<'a>(file: &'a str, f: &'a Finding) -> JsonFinding<'a> {
    let d = &f.diagnostic;
    JsonFinding {
        file,
        code: d.code(),
        name: d.rule.name,
        severity: d.severity.as_str(),
        category: d.rule.category.slug(),
        line: f.start.line,
        column: f.start.column,
        end_line: f.end.line,
        end_column: f.end.column,
        start_offset: d.range.start().to_u32(),
        end_offset: d.range.end().to_u32(),
        message: &d.message,
        equivalents: d.rule.equivalents.iter().map(|e| e.id()).collect(),
        fix: d.fix.as_ref().map(|fix| JsonFix {
            applicability: fix.applicability.as_str(),
            title: &fix.title,
            edits: fix
                .edits
                .iter()
                .map(|e| JsonEdit {
                    start_offset: e.range.start().to_u32(),
                    end_offset: e.range.end().to_u32(),
                    content: &e.content,
                })
                .collect(),
        }),
        related: d
            .related
            .iter()
            .zip(&f.related)
            .map(|(r, (start, end))| JsonRelated {
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                start_offset: r.range.start().to_u32(),
                end_offset: r.range.end().to_u32(),
                message: &r.message,
            })
            .collect(),
        note: d.note.as_deref(),
        url: d.rule.url(),
    }
}

pub(super) fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let all: Vec<JsonFinding<'_>> = files
        .iter()
        .flat_map(|file| file.findings.iter().map(|f| finding(&file.path, f)))
        .collect();
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}
