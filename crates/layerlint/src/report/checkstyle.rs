//! Checkstyle XML (`<checkstyle><file name><error …/></file></checkstyle>`), read by
//! Jenkins' warnings plugin, reviewdog and many CI dashboards. A file that could not be
//! checked gets an error of source `layerlint` on its first line.

use std::io::{self, Write};

use layerlint_linter::Severity;

use super::xml_escape;
use crate::check::FileReport;

pub(super) fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for file in files
        .iter()
        .filter(|f| !f.findings.is_empty() || f.error.is_some())
    {
        writeln!(out, r#"  <file name="{}">"#, xml_escape(&file.path))?;
        // A file that could not be checked: an error on its first line, as Checkstyle
        // reports a file it could not process.
        if let Some(error) = &file.error {
            writeln!(
                out,
                r#"    <error line="1" severity="error" message="{}" source="layerlint"/>"#,
                xml_escape(error)
            )?;
        }
        for finding in &file.findings {
            let d = &finding.diagnostic;
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Style => "info",
            };
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{severity}" message="{}" source="layerlint.{}.{}"/>"#,
                finding.start.line,
                finding.start.column,
                xml_escape(&format!("[{}] {}", d.rule.name, d.message)),
                d.code(),
                d.rule.name,
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
