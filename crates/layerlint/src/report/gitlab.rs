//! GitLab Code Quality JSON. Each finding's fingerprint hashes the path, the code, the
//! flagged text (whitespace collapsed) and how many identical findings came before it in
//! the file — not its line — so a finding keeps its fingerprint when lines move, and
//! GitLab shows it as unchanged in merge requests.

use std::collections::HashMap;
use std::io::{self, Write};

use layerlint_linter::{Category, Severity};
use serde_json::json;

use crate::check::{FileReport, Fnv};

pub(super) fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let mut all = Vec::new();
    for file in files {
        let mut seen: HashMap<(&str, u64), u32> = HashMap::new();
        for finding in &file.findings {
            let d = &finding.diagnostic;
            let occurrence = seen.entry((d.code(), finding.text_hash)).or_default();
            let fingerprint = fingerprint(&file.path, d.code(), finding.text_hash, *occurrence);
            *occurrence += 1;
            let severity = match d.severity {
                Severity::Error => "critical",
                Severity::Warning => "major",
                Severity::Info => "minor",
                Severity::Style => "info",
            };
            let category = match d.rule.category {
                Category::Syntax | Category::Correctness => "Bug Risk",
                Category::Cache => "Performance",
                Category::Security => "Security",
                Category::Reproducibility | Category::Shell => "Compatibility",
                Category::Style => "Style",
            };
            all.push(json!({
                "type": "issue",
                "check_name": format!("{} {}", d.code(), d.rule.name),
                "description": format!("{}: {}", d.code(), d.message),
                "categories": [category],
                "severity": severity,
                "fingerprint": fingerprint,
                "location": {
                    "path": super::slashed(&file.path),
                    "lines": { "begin": finding.start.line, "end": finding.end.line },
                },
                "engine_name": "layerlint",
            }));
        }
    }
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}

/// 128 bits of FNV-1a over the finding's identity, as 32 hex digits.
fn fingerprint(path: &str, code: &str, text_hash: u64, occurrence: u32) -> String {
    let mut halves = [Fnv::default(), Fnv(0x6c62_272e_07bb_0142)];
    for hash in &mut halves {
        hash.write(super::slashed(path).as_bytes());
        hash.write(&[0]);
        hash.write(code.as_bytes());
        hash.write(&[0]);
        hash.write(&text_hash.to_le_bytes());
        hash.write(&occurrence.to_le_bytes());
    }
    format!("{:016x}{:016x}", halves[0].0, halves[1].0)
}
