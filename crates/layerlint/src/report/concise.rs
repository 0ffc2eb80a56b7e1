//! `file:line:col: CODE [name] message`, one finding per line.

use std::io::{self, Write};

use crate::check::FileReport;

pub(super) fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    super::per_file(files, out, |file, out| {
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
    })
}
