//! Rule documentation, from the rules' own declarations: the page `layerlint rule` prints,
//! `rules/<code>-<name>.md` holds and the language server shows on hover.

use std::fmt::Write;

use layerlint_diagnostics::{FixAvailability, RuleMeta};

/// The rule's doc comment as Markdown (one leading space removed from each line).
pub fn docs_markdown(meta: &RuleMeta) -> String {
    let mut out = String::with_capacity(meta.docs.len());
    for line in meta.docs.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out.trim_end().to_owned() + "\n"
}

/// The whole documentation page of a rule.
pub fn page(meta: &RuleMeta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} `{}`", meta.code, meta.name);
    out.push('\n');
    let _ = writeln!(out, "{}", capitalize(meta.summary));
    out.push('\n');
    out.push_str("| | |\n|---|---|\n");
    let _ = writeln!(
        out,
        "| Category | {} (`{}xx`) |",
        meta.category.title(),
        meta.category.prefix()
    );
    let _ = writeln!(out, "| Default severity | {} |", meta.severity);
    let _ = writeln!(
        out,
        "| Enabled by default | {} |",
        if meta.default_enabled { "yes" } else { "no" }
    );
    let fix = match meta.fix {
        FixAvailability::Always => "always",
        FixAvailability::Sometimes => "sometimes",
        FixAvailability::None => "no",
    };
    let _ = writeln!(out, "| Fix | {fix} |");
    if !meta.equivalents.is_empty() {
        let equivalents: Vec<String> = meta
            .equivalents
            .iter()
            .map(|e| match e.url() {
                Some(url) => format!("{} [`{}`]({url})", e.tool(), e.id()),
                None => format!("{} `{}`", e.tool(), e.id()),
            })
            .collect();
        let _ = writeln!(out, "| Equivalents | {} |", equivalents.join(", "));
    }
    out.push('\n');
    out.push_str(&docs_markdown(meta));
    out
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => {
            let mut out: String = first.to_uppercase().collect();
            out.push_str(chars.as_str());
            if !out.ends_with('.') {
                out.push('.');
            }
            out
        }
        None => String::new(),
    }
}

/// The configuration a rule's examples are checked with: the ` ```toml ` block under its
/// `## Options` heading (the options the rule reads, e.g. `trusted-registries`).
pub fn example_options(meta: &RuleMeta) -> Option<String> {
    let markdown = docs_markdown(meta);
    let mut in_options = false;
    let mut block: Option<String> = None;
    for line in markdown.lines() {
        if let Some(text) = &mut block {
            if line.trim_start().starts_with("```") {
                return block;
            }
            text.push_str(line);
            text.push('\n');
            continue;
        }
        if line.starts_with("## ") {
            in_options = line.trim() == "## Options";
        } else if in_options && line.trim_start().starts_with("```toml") {
            block = Some(String::new());
        }
    }
    None
}

/// A code example of the documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    /// Under `### Invalid` (one finding expected) or `### Valid` (none).
    pub invalid: bool,
    pub code: String,
    /// Files of the build context given after the fence's language
    /// (` ```dockerfile context=package.json,src/index.js`).
    pub context: Vec<String>,
}

/// The examples under `## Examples`: `dockerfile` code fences below `### Invalid` and
/// `### Valid`.
pub fn examples(meta: &RuleMeta) -> Vec<Example> {
    enum State {
        Text,
        Example(Example),
        OtherFence,
    }
    let markdown = docs_markdown(meta);
    let mut examples = Vec::new();
    let mut section: Option<bool> = None;
    let mut state = State::Text;
    for line in markdown.lines() {
        let fence = line.trim_start().strip_prefix("```");
        state = match (state, fence) {
            (State::Example(example), Some(_)) => {
                examples.push(example);
                State::Text
            }
            (State::Example(mut example), None) => {
                example.code.push_str(line);
                example.code.push('\n');
                State::Example(example)
            }
            (State::OtherFence, Some(_)) => State::Text,
            (State::OtherFence, None) => State::OtherFence,
            (State::Text, Some(info)) => {
                let mut parts = info.split_whitespace();
                match (section, parts.next()) {
                    (Some(invalid), Some("dockerfile")) => State::Example(Example {
                        invalid,
                        code: String::new(),
                        context: parts
                            .find_map(|p| p.strip_prefix("context="))
                            .map(|list| list.split(',').map(str::to_owned).collect())
                            .unwrap_or_default(),
                    }),
                    _ => State::OtherFence,
                }
            }
            (State::Text, None) => {
                if line.starts_with("## ") {
                    section = None;
                } else if line.starts_with("### Invalid") {
                    section = Some(true);
                } else if line.starts_with("### Valid") {
                    section = Some(false);
                }
                State::Text
            }
        };
    }
    examples
}
