//! SARIF 2.1.0 (`serde-sarif`), for GitHub code scanning and other SARIF viewers: one run,
//! the rules that have findings (with their documentation as help text and their page as
//! `helpUri`), and each finding with its region, related locations and fix.

use std::collections::BTreeMap;
use std::io::{self, Write};

use layerlint_linter::{Diagnostic, Rule, RuleMeta, Severity, docs};
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix, Invocation, Location, Message,
    MultiformatMessageString, Notification, PhysicalLocation, PropertyBag, Region, Replacement,
    ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif,
    Tool, ToolComponent,
};

use super::uri;
use crate::check::{FileReport, Finding};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub(super) fn write(files: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &sarif(files))?;
    writeln!(out)
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info | Severity::Style => ResultLevel::Note,
    }
}

fn level_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "note",
    }
}

/// The SARIF log of a run.
pub fn sarif(files: &[FileReport]) -> Sarif {
    // The rules that have findings, by code; `ruleIndex` points into this list.
    let mut rules: BTreeMap<&str, &'static RuleMeta> = BTreeMap::new();
    for file in files {
        for finding in &file.findings {
            rules.insert(finding.diagnostic.rule.code, finding.diagnostic.rule);
        }
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, c)| (*c, i)).collect();
    let descriptors: Vec<ReportingDescriptor> = rules.values().map(|m| descriptor(m)).collect();
    let results: Vec<SarifResult> = files
        .iter()
        .flat_map(|file| {
            let index = &index;
            file.findings.iter().map(move |finding| {
                result(&file.path, finding, index[finding.diagnostic.rule.code])
            })
        })
        .collect();
    let driver = ToolComponent::builder()
        .name("layerlint".to_owned())
        .version(env!("CARGO_PKG_VERSION").to_owned())
        .semantic_version(env!("CARGO_PKG_VERSION").to_owned())
        .information_uri("https://github.com/layerlint/layerlint".to_owned())
        .rules(descriptors)
        .build();
    // The files that could not be checked (unreadable, their configuration broken): tool
    // notifications, and the invocation not successful, which code scanning shows.
    let notifications: Vec<Notification> = files
        .iter()
        .filter_map(|file| {
            let error = file.error.as_ref()?;
            let location = Location::builder()
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(artifact(&file.path))
                        .build(),
                )
                .build();
            Some(
                Notification::builder()
                    .level(json!("error"))
                    .message(Message::builder().text(error.clone()).build())
                    .locations(vec![location])
                    .build(),
            )
        })
        .collect();
    let invocation = if notifications.is_empty() {
        Invocation::builder().execution_successful(true).build()
    } else {
        Invocation::builder()
            .execution_successful(false)
            .tool_execution_notifications(notifications)
            .build()
    };
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        .results(results)
        .column_kind(json!("unicodeCodePoints"))
        .build();
    Sarif::builder()
        .schema(SCHEMA.to_owned())
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

fn descriptor(meta: &RuleMeta) -> ReportingDescriptor {
    let rule = Rule::from_code(meta.code);
    let mut tags = vec![meta.category.slug().to_owned()];
    tags.extend(
        meta.equivalents
            .iter()
            .map(|e| format!("{}:{}", e.tool(), e.id())),
    );
    ReportingDescriptor::builder()
        .id(meta.code.to_owned())
        .name(meta.name.to_owned())
        .short_description(text(meta.summary))
        .full_description(text(meta.summary))
        .help(
            MultiformatMessageString::builder()
                .text(format!("{}\n\nSee {}", meta.summary, meta.url()))
                .markdown(docs::page(meta))
                .build(),
        )
        .help_uri(meta.url())
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level_name(meta.severity)))
                .enabled(meta.default_enabled)
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(
                    [(
                        "fix".to_owned(),
                        json!(rule.map_or("none", |r| r.meta().fix.as_str())),
                    )]
                    .into_iter()
                    .collect::<BTreeMap<String, serde_json::Value>>(),
                )
                .build(),
        )
        .build()
}

fn text(text: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(text.to_owned())
        .build()
}

fn message(text: &str) -> Message {
    Message::builder().text(text.to_owned()).build()
}

fn artifact(path: &str) -> ArtifactLocation {
    ArtifactLocation::builder().uri(uri(path)).build()
}

fn region(start: layerlint_text::SourcePosition, end: layerlint_text::SourcePosition) -> Region {
    Region::builder()
        .start_line(i64::from(start.line))
        .start_column(i64::from(start.column))
        .end_line(i64::from(end.line))
        .end_column(i64::from(end.column))
        .build()
}

fn result(path: &str, finding: &Finding, rule_index: usize) -> SarifResult {
    let d: &Diagnostic = &finding.diagnostic;
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(artifact(path))
                .region(region(finding.start, finding.end))
                .build(),
        )
        .build();
    let related: Vec<Location> = d
        .related
        .iter()
        .zip(&finding.related)
        .enumerate()
        .map(|(i, (r, (start, end)))| {
            Location::builder()
                .id(i64::try_from(i).unwrap_or(0))
                .message(message(&r.message))
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(artifact(path))
                        .region(region(*start, *end))
                        .build(),
                )
                .build()
        })
        .collect();
    let fixes: Vec<Fix> = d
        .fix
        .iter()
        .filter(|fix| !fix.edits.is_empty())
        .map(|fix| {
            let replacements: Vec<Replacement> = fix
                .edits
                .iter()
                .map(|edit| {
                    Replacement::builder()
                        .deleted_region(
                            Region::builder()
                                .byte_offset(i64::from(edit.range.start().to_u32()))
                                .byte_length(i64::from(edit.range.len().to_u32()))
                                .build(),
                        )
                        .inserted_content(
                            ArtifactContent::builder()
                                .text(edit.content.clone())
                                .build(),
                        )
                        .build()
                })
                .collect();
            Fix::builder()
                .description(message(&format!(
                    "{} ({} fix)",
                    fix.title,
                    fix.applicability.as_str()
                )))
                .artifact_changes(vec![
                    ArtifactChange::builder()
                        .artifact_location(artifact(path))
                        .replacements(replacements)
                        .build(),
                ])
                .build()
        })
        .collect();
    let mut text = d.message.clone();
    if let Some(note) = &d.note {
        text.push('\n');
        text.push_str(note);
    }
    let mut result = SarifResult::builder()
        .rule_id(d.code().to_owned())
        .rule_index(i64::try_from(rule_index).unwrap_or(0))
        .level(level(d.severity))
        .message(message(&text))
        .locations(vec![location])
        .partial_fingerprints(
            [(
                "layerlint/v1".to_owned(),
                format!("{}:{:016x}", d.code(), finding.text_hash),
            )]
            .into_iter()
            .collect::<BTreeMap<String, String>>(),
        )
        .build();
    if !related.is_empty() {
        result.related_locations = Some(related);
    }
    if !fixes.is_empty() {
        result.fixes = Some(fixes);
    }
    result
}
