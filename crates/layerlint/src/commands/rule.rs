//! `layerlint rule`: a rule's documentation page (the text of `rules/<code>-<name>.md`),
//! or every rule's metadata.

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use layerlint_linter::{Rule, RuleMeta, docs};
use serde_json::{Value, json};

use crate::EXIT_OK;

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A code (`LL101`), a name (`invalid-json-exec-form`) or an alias (`DL3025`,
    /// `JSONArgsRecommended`).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub rule: Option<String>,
    /// Every rule.
    #[arg(long)]
    pub all: bool,
    /// `text`: the documentation page; `json`: the metadata.
    #[arg(long, value_enum, default_value_t = RuleFormat::Text)]
    pub format: RuleFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RuleFormat {
    Text,
    Json,
}

pub fn run(args: &RuleArgs) -> Result<u8> {
    let rules: Vec<Rule> = match &args.rule {
        None => Rule::ALL.to_vec(),
        Some(name) => match layerlint_linter::resolve_selector(name) {
            Some(found) if !found.is_empty() && is_one_name(name, &found) => found,
            _ => match layerlint_linter::suggest(name) {
                Some(near) => bail!("no rule `{name}` (did you mean `{near}`?)"),
                None => bail!("no rule `{name}`"),
            },
        },
    };
    match args.format {
        RuleFormat::Text => {
            let pages: Vec<String> = rules.iter().map(|r| docs::page(r.meta())).collect();
            print!("{}", pages.join("\n---\n\n"));
        }
        RuleFormat::Json => {
            let list: Vec<Value> = rules.iter().map(|r| metadata(r.meta())).collect();
            let value = if args.all || list.len() != 1 {
                Value::Array(list)
            } else {
                list.into_iter().next().expect("one rule")
            };
            println!("{}", serde_json::to_string_pretty(&value)?);
        }
    }
    Ok(EXIT_OK)
}

/// Whether `name` names rules one by one (a code, name or alias), not a whole category or
/// prefix — `layerlint rule LL1` would print dozens of pages.
fn is_one_name(name: &str, found: &[Rule]) -> bool {
    found.len() == 1 || !Rule::from_alias(name).is_empty()
}

/// A rule's metadata as `layerlint rule --format json` prints it.
pub fn metadata(meta: &RuleMeta) -> Value {
    json!({
        "code": meta.code,
        "name": meta.name,
        "category": meta.category.slug(),
        "summary": meta.summary,
        "severity": meta.severity.as_str(),
        "default_enabled": meta.default_enabled,
        "fix": meta.fix.as_str(),
        "equivalents": meta.equivalents.iter().map(|e| json!({
            "tool": e.tool(),
            "id": e.id(),
            "url": e.url(),
        })).collect::<Vec<_>>(),
        "url": meta.url(),
    })
}
