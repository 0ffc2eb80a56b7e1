//! Code frames (codespan-reporting): the finding's header with its code and rule name,
//! the source lines with the range marked, related locations, the note, and the fix as a
//! help line.

use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic as Frame, Label, Severity as FrameSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, termcolor};
use layerlint_linter::{Applicability, Severity};

use crate::check::FileReport;

fn frame_severity(severity: Severity) -> FrameSeverity {
    match severity {
        Severity::Error => FrameSeverity::Error,
        Severity::Warning => FrameSeverity::Warning,
        Severity::Info => FrameSeverity::Note,
        Severity::Style => FrameSeverity::Help,
    }
}

pub(super) fn write(files: &[FileReport], color: bool, out: &mut dyn Write) -> io::Result<()> {
    super::per_file(files, out, |file, out| {
        write_file_part(file, file.source.as_deref(), color, out)
    })
}

/// The frames of one file's findings, which point into `source` (one line per finding
/// without it).
pub(super) fn write_file_part(
    file: &FileReport,
    source: Option<&str>,
    color: bool,
    out: &mut Vec<u8>,
) -> io::Result<()> {
    let mut buffer = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    write_file(file, source, &Config::default(), &mut buffer)?;
    out.extend_from_slice(buffer.as_slice());
    Ok(())
}

fn write_file(
    file: &FileReport,
    source: Option<&str>,
    config: &Config,
    buffer: &mut termcolor::Buffer,
) -> io::Result<()> {
    let Some(source) = source else {
        // Without the text there is no frame to draw: one line per finding.
        return super::concise::write_file(file, buffer);
    };
    let path = super::line_path(&file.path);
    let simple = SimpleFile::new(path.as_ref(), source);
    for finding in &file.findings {
        let d = &finding.diagnostic;
        let mut labels = vec![Label::primary((), d.range.to_std())];
        for related in &d.related {
            labels
                .push(Label::secondary((), related.range.to_std()).with_message(&related.message));
        }
        let mut notes = Vec::new();
        if let Some(note) = &d.note {
            notes.push(note.clone());
        }
        if let Some(fix) = &d.fix {
            let how = match fix.applicability {
                Applicability::Safe => "safe fix, applied by --fix",
                Applicability::Unsafe => "unsafe fix, applied by --fix --unsafe-fixes",
                Applicability::DisplayOnly => "suggestion, not applied automatically",
            };
            notes.push(format!("help: {} ({how})", fix.title));
        }
        notes.push(format!("rule: {} {}", d.rule.name, d.rule.url()));
        let severity_label = match d.severity {
            Severity::Info => "info: ",
            Severity::Style => "style: ",
            _ => "",
        };
        let frame = Frame::new(frame_severity(d.severity))
            .with_code(d.code())
            .with_message(format!("{severity_label}{}", d.message))
            .with_labels(labels)
            .with_notes(notes);
        term::emit_to_write_style(buffer, config, &simple, &frame).map_err(io::Error::other)?;
    }
    Ok(())
}
