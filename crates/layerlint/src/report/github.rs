//! GitHub Actions workflow commands: each finding becomes an annotation on the pull
//! request (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`).

use std::io::{self, Write};

use layerlint_linter::Severity;

use crate::check::FileReport;

pub(super) fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    // A file that could not be checked (unreadable, its configuration broken): an error on
    // the file, so that the pull request shows why the job failed.
    for file in files {
        if let Some(error) = &file.error {
            writeln!(
                out,
                "::error file={},title=layerlint::{}",
                property(&file.path),
                data(error)
            )?;
        }
    }
    super::per_file(files, out, write_file)
}

/// The annotations of one file's findings.
pub(super) fn write_file(file: &FileReport, out: &mut Vec<u8>) -> io::Result<()> {
    for finding in &file.findings {
        let d = &finding.diagnostic;
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Style => "notice",
        };
        let mut message = d.message.clone();
        if let Some(fix) = &d.fix {
            message.push_str(&format!(
                "\nFix ({}): {}",
                fix.applicability.as_str(),
                fix.title
            ));
        }
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&file.path),
            finding.start.line,
            finding.start.column,
            finding.end.line,
            finding.end.column,
            property(&format!("{} {}", d.code(), d.rule.name)),
            data(&message),
        )?;
    }
    Ok(())
}

/// Escapes a command's message (GitHub's `escapeData`).
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value (GitHub's `escapeProperty`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping() {
        assert_eq!(super::data("50%\nnext"), "50%25%0Anext");
        assert_eq!(super::property("a,b:c"), "a%2Cb%3Ac");
    }
}
