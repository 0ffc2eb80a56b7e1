//! Generates the rule registry from the rule files.
//!
//! Every `src/rules/<category>/<rule>.rs` that contains `declare_rule!` becomes a variant of
//! `Rule`, with its metadata and its checker. The build fails, with a message saying what to
//! do, when a rule file is not declared as a module, when two rules share a code or a name,
//! or when a code does not belong to its category's range.

use std::fmt::Write as _;
use std::path::Path;

const CATEGORIES: [(&str, &str); 7] = [
    ("syntax", "LL0"),
    ("correctness", "LL1"),
    ("cache", "LL2"),
    ("security", "LL3"),
    ("reproducibility", "LL4"),
    ("shell", "LL5"),
    ("style", "LL6"),
];

struct Found {
    code: String,
    name: String,
    type_name: String,
    path: String,
    /// Which of the hooks other than `instruction` the rule's file defines: a rule is
    /// called only for those (the trait's defaults do nothing).
    hooks: [bool; 3],
}

/// The hooks the engine calls on every rule unless its file does not define them, in the
/// order of `Found::hooks`.
const HOOKS: [&str; 3] = ["start_stage", "end_stage", "finish"];

fn main() {
    let root = Path::new("src/rules");
    println!("cargo:rerun-if-changed=src/rules");
    let mut rules: Vec<Found> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for (category, prefix) in CATEGORIES {
        let dir = root.join(category);
        println!("cargo:rerun-if-changed={}", dir.display());
        let module_list = std::fs::read_to_string(dir.join("mod.rs")).unwrap_or_default();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let Some(stem) = file.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if file.extension().is_none_or(|e| e != "rs") || stem == "mod" {
                continue;
            }
            println!("cargo:rerun-if-changed={}", file.display());
            let text = std::fs::read_to_string(&file).expect("readable rule file");
            if !text.contains("declare_rule!") {
                continue;
            }
            if !module_list.contains(&format!("mod {stem};")) {
                problems.push(format!(
                    "{}: add `pub(crate) mod {stem};` to {}",
                    file.display(),
                    dir.join("mod.rs").display()
                ));
            }
            let Some(found) = read_declaration(&text, category, stem) else {
                problems.push(format!(
                    "{}: `declare_rule!` must name a `struct` and give `code:` and `name:`",
                    file.display()
                ));
                continue;
            };
            if !found.code.starts_with(prefix) || found.code.len() != 5 {
                problems.push(format!(
                    "{}: code {} does not belong to category {category} ({prefix}xx)",
                    file.display(),
                    found.code
                ));
            }
            rules.push(found);
        }
    }
    rules.sort_by(|a, b| a.code.cmp(&b.code));
    for pair in rules.windows(2) {
        if pair[0].code == pair[1].code {
            problems.push(format!(
                "{} and {} share the code {}",
                pair[0].type_name, pair[1].type_name, pair[0].code
            ));
        }
    }
    let mut names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
    names.sort_unstable();
    for pair in names.windows(2) {
        if pair[0] == pair[1] {
            problems.push(format!("two rules are named {}", pair[0]));
        }
    }
    assert!(
        problems.is_empty(),
        "rule registry:\n{}",
        problems.join("\n")
    );

    let mut out = String::new();
    out.push_str("/// Every rule, ordered by code. Generated from `src/rules/` by `build.rs`.\n");
    out.push_str("#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]\n");
    out.push_str("pub enum Rule {\n");
    for rule in &rules {
        let _ = writeln!(out, "    /// `{}` {}", rule.code, rule.name);
        let _ = writeln!(out, "    {},", rule.type_name);
    }
    out.push_str("}\n\nimpl Rule {\n");
    out.push_str("    /// Every rule, ordered by code.\n    pub const ALL: &'static [Rule] = &[\n");
    for rule in &rules {
        let _ = writeln!(out, "        Rule::{},", rule.type_name);
    }
    out.push_str("    ];\n\n");
    // A method matching on the rule: its doc line and signature, and each rule's value.
    let method =
        |out: &mut String, doc: &str, signature: &str, value: &dyn Fn(&Found) -> String| {
            let _ = writeln!(
                out,
                "    /// {doc}\n    {signature} {{\n        match self {{"
            );
            for rule in &rules {
                let _ = writeln!(
                    out,
                    "            Rule::{} => {},",
                    rule.type_name,
                    value(rule)
                );
            }
            out.push_str("        }\n    }\n\n");
        };
    method(
        &mut out,
        "The rule's code, name, documentation and metadata.",
        "pub fn meta(self) -> &'static crate::RuleMeta",
        &|rule| format!("&<{} as crate::rule::Declared>::META", rule.path),
    );
    method(
        &mut out,
        "A new runner of the rule, for the engine.",
        "pub(crate) fn runner(self) -> Box<dyn crate::checker::AnyCheck>",
        &|rule| {
            format!(
                "Box::new(crate::checker::Runner::<{}>::default())",
                rule.path
            )
        },
    );
    method(
        &mut out,
        "The instructions the rule wants to see.",
        "pub(crate) fn wants(self) -> crate::rule::Wants",
        &|rule| format!("<{} as crate::rule::Check>::WANTS", rule.path),
    );
    method(
        &mut out,
        "The programs a RUN must run for the rule to see it.",
        "pub(crate) fn programs(self) -> crate::rule::Programs",
        &|rule| format!("<{} as crate::rule::Check>::PROGRAMS", rule.path),
    );
    method(
        &mut out,
        "Which of `start_stage`, `end_stage` and `finish` the rule's file defines.",
        "pub(crate) fn hooks(self) -> [bool; 3]",
        &|rule| format!("{:?}", rule.hooks),
    );
    out.push_str("}\n");
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("registry.rs"), out).expect("writable OUT_DIR");
}

fn read_declaration(text: &str, category: &str, stem: &str) -> Option<Found> {
    let after = &text[text.find("declare_rule!")?..];
    let struct_at = after.find("struct ")?;
    let type_name: String = after[struct_at + 7..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let field = |key: &str| -> Option<String> {
        let start = after.find(&format!("{key}: \""))? + key.len() + 3;
        let len = after[start..].find('"')?;
        Some(after[start..start + len].to_owned())
    };
    Some(Found {
        code: field("code")?,
        name: field("name")?,
        path: format!("crate::rules::{category}::{stem}::{type_name}"),
        type_name,
        hooks: HOOKS.map(|hook| text.contains(&format!("fn {hook}("))),
    })
}
