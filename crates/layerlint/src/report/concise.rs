//! `file:line:col: CODE [name] message`, one finding per line.

use std::io::{self, Write};

use crate::check::FileReport;

pub(super) fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    super::per_file(files, out, write_file)
}

/// One file's findings, a line each (also the text format's, for a file without its text).
/// Written piece by piece rather than with `writeln!`: a monorepo's report has thousands
/// of lines, and the formatting machinery cost more than the rest of the report.
pub(super) fn write_file<W: Write + ?Sized>(file: &FileReport, out: &mut W) -> io::Result<()> {
    let mut numbers = itoa::Buffer::new();
    let path = super::line_path(&file.path);
    for finding in &file.findings {
        let d = &finding.diagnostic;
        out.write_all(path.as_bytes())?;
        out.write_all(b":")?;
        out.write_all(numbers.format(finding.start.line).as_bytes())?;
        out.write_all(b":")?;
        out.write_all(numbers.format(finding.start.column).as_bytes())?;
        out.write_all(b": ")?;
        out.write_all(d.code().as_bytes())?;
        out.write_all(b" [")?;
        out.write_all(d.rule.name.as_bytes())?;
        out.write_all(b"] ")?;
        out.write_all(d.message.as_bytes())?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
