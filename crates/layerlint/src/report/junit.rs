//! JUnit XML: a test suite per Dockerfile, a failing test case per finding, an erroring
//! case for a file that could not be checked or written (unreadable, or its configuration
//! broken), and one passing case for a file without either, so CI test views count every
//! file.

use std::io::{self, Write};

use super::xml_escape;
use crate::check::FileReport;

pub(super) fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let cases = |f: &FileReport| (f.findings.len() + usize::from(f.error.is_some())).max(1);
    let failures: usize = files.iter().map(|f| f.findings.len()).sum();
    let errors = files.iter().filter(|f| f.error.is_some()).count();
    let tests: usize = files.iter().map(cases).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="layerlint" tests="{tests}" failures="{failures}" errors="{errors}">"#
    )?;
    for file in files {
        let path = xml_escape(&file.path);
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{}" errors="{}">"#,
            cases(file),
            file.findings.len(),
            usize::from(file.error.is_some()),
        )?;
        if let Some(error) = &file.error {
            let error = xml_escape(error);
            writeln!(
                out,
                r#"    <testcase name="layerlint" classname="{path}" file="{path}">"#
            )?;
            writeln!(
                out,
                r#"      <error message="{error}" type="error">{error}</error>"#
            )?;
            writeln!(out, "    </testcase>")?;
        } else if file.findings.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="layerlint" classname="{path}"/>"#
            )?;
        }
        for finding in &file.findings {
            let d = &finding.diagnostic;
            writeln!(
                out,
                r#"    <testcase name="{} {} ({}:{})" classname="{path}" file="{path}" line="{}">"#,
                d.code(),
                d.rule.name,
                finding.start.line,
                finding.start.column,
                finding.start.line,
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}:{}:{}: {} [{}] {}</failure>"#,
                xml_escape(&d.message),
                d.severity.as_str(),
                path,
                finding.start.line,
                finding.start.column,
                d.code(),
                d.rule.name,
                xml_escape(&d.message),
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
