//! `file:line:col: CODE [name] message`, one finding per line.

use std::io::{self, Write};

use crate::check::FileReport;

pub(super) fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    super::per_file(files, out, |file, out| write_file(file, out))
}

/// One file's findings, a line each (also the text format's, for a file without its text).
pub(super) fn write_file(file: &FileReport, out: &mut dyn Write) -> io::Result<()> {
    for finding in &file.findings {
        let d = &finding.diagnostic;
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            file.path,
            finding.start.line,
            finding.start.column,
            d.code(),
            d.rule.name,
            d.message
        )?;
    }
    Ok(())
}
