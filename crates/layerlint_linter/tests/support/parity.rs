//! Parity with hadolint on the real-Dockerfile corpus: our findings against
//! `hadolint.json` (hadolint 2.15.1), for every hadolint code a rule maps.
//!
//! Shared by `examples/parity.rs` (writes `fixtures/real/PARITY.md`) and
//! `tests/parity.rs` (checks the targets). The mapping comes from the rules' metadata
//! (`Rule::ALL` → `equivalents`), so a rule added later is compared when this runs again.
//!
//! A finding is a (file, line) pair; hadolint reports an instruction's first line, and so
//! do we here: each of our findings counts at the first line of its instruction (of the
//! `ONBUILD` for a trigger), so several findings of one instruction count once. Codes and
//! rules that map to each other form one row (`DL3033`+`DL3041` → `LL408`). Every finding
//! one side has and the other has not is explained by a classifier (`explain`) or listed
//! as unexplained.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use layerlint_cache::script::ParsedScripts;
use layerlint_linter::shell::{ScriptSource, ShellScript, scripts};
use layerlint_linter::{Diagnostic, Equivalent, Rule, Settings, instruction_at, lint};
use layerlint_shell::Command;
use layerlint_syntax::semantic::Semantic;
use layerlint_syntax::{Body, Dockerfile, Instruction, InstructionKind};
use layerlint_text::LineIndex;

/// The corpus folder: `$LAYERLINT_CORPUS`, or `../shared/corpus/real` beside the repository.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("LAYERLINT_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real"),
        PathBuf::from,
    );
    dir.join("hadolint.json").is_file().then_some(dir)
}

/// (file, line).
pub type Finding = (String, u32);

/// One row: hadolint codes and the rules mapping them.
#[derive(Debug, Default)]
pub struct Row {
    pub codes: Vec<String>,
    pub rules: Vec<Rule>,
    pub hadolint: BTreeSet<Finding>,
    pub ours: BTreeSet<Finding>,
    /// Per hadolint code of the row: (hadolint findings, agreed).
    pub per_code: BTreeMap<String, (usize, usize)>,
    /// Findings hadolint has and we do not, with the reason.
    pub dropped: Vec<(Finding, &'static str)>,
    /// Findings we have and hadolint does not, with the reason.
    pub added: Vec<(Finding, &'static str)>,
}

impl Row {
    pub fn agreed(&self) -> usize {
        self.hadolint.intersection(&self.ours).count()
    }

    /// The share of hadolint's findings that are ours too (1.0 when hadolint has none).
    pub fn recall(&self) -> f64 {
        if self.hadolint.is_empty() {
            1.0
        } else {
            self.agreed() as f64 / self.hadolint.len() as f64
        }
    }

    /// The share of hadolint's findings that are ours too, leaving out those it should not
    /// report (dropped for an explained reason).
    pub fn recall_of_true_findings(&self) -> f64 {
        let false_positives = self
            .dropped
            .iter()
            .filter(|(_, why)| *why != UNEXPLAINED)
            .count();
        let relevant = self.hadolint.len() - false_positives;
        if relevant == 0 {
            1.0
        } else {
            self.agreed() as f64 / relevant as f64
        }
    }

    pub fn unexplained(&self) -> usize {
        self.dropped
            .iter()
            .chain(&self.added)
            .filter(|(_, why)| *why == UNEXPLAINED)
            .count()
    }

    pub fn name(&self) -> String {
        let rules: Vec<String> = self
            .rules
            .iter()
            .map(|r| format!("{} {}", r.code(), r.name()))
            .collect();
        format!("{} → {}", self.codes.join(" + "), rules.join(", "))
    }
}

pub const UNEXPLAINED: &str = "unexplained";
const HADOLINT_FAILED: &str = "hadolint cannot parse the file";

/// The comparison over the corpus.
#[derive(Debug, Default)]
pub struct Report {
    pub files: usize,
    pub hadolint_parse_failures: usize,
    pub rows: Vec<Row>,
}

/// The hadolint codes rules map to, grouped with the rules into connected rows.
fn rows() -> Vec<Row> {
    let mut code_rules: BTreeMap<&'static str, BTreeSet<Rule>> = BTreeMap::new();
    for &rule in Rule::ALL {
        for equivalent in rule.meta().equivalents {
            if let Equivalent::Hadolint(code) = equivalent
                && code.starts_with("DL")
            {
                code_rules.entry(code).or_default().insert(rule);
            }
        }
    }
    // Union codes that share a rule.
    let mut rows: Vec<Row> = Vec::new();
    for (code, rules) in code_rules {
        let joined: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, row)| row.rules.iter().any(|r| rules.contains(r)))
            .map(|(i, _)| i)
            .collect();
        let mut row = Row::default();
        for i in joined.into_iter().rev() {
            let old = rows.remove(i);
            row.codes.extend(old.codes);
            row.rules.extend(old.rules);
        }
        row.codes.push(code.to_owned());
        row.rules.extend(rules);
        row.codes.sort();
        row.rules.sort();
        row.rules.dedup();
        rows.push(row);
    }
    rows.sort_by(|a, b| a.codes.cmp(&b.codes));
    rows
}

/// A file's hadolint findings: (code, line, message).
type Hadolint = HashMap<String, Vec<(String, u32, String)>>;

fn read_hadolint(dir: &Path) -> Hadolint {
    let text = std::fs::read_to_string(dir.join("hadolint.json")).expect("hadolint.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("hadolint.json is JSON");
    let mut out = Hadolint::new();
    for (file, findings) in json.as_object().expect("an object") {
        let list = findings
            .as_array()
            .expect("a list")
            .iter()
            .map(|f| {
                (
                    f["code"].as_str().unwrap_or_default().to_owned(),
                    f["line"].as_u64().unwrap_or_default() as u32,
                    f["message"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        out.insert(file.clone(), list);
    }
    out
}

fn read_parse_failures(dir: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(dir.join("hadolint-parse-failures.tsv"))
        .unwrap_or_default()
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').next())
        .map(str::to_owned)
        .collect()
}

/// What one file gives the classifiers.
pub struct FileView<'a> {
    pub name: &'a str,
    pub source: &'a str,
    pub file: &'a Dockerfile,
    pub semantic: Semantic,
    pub lines: LineIndex,
    pub diagnostics: &'a [Diagnostic],
    pub hadolint_failed: bool,
}

impl FileView<'_> {
    /// The instruction whose first line is `line` (1-based).
    pub fn instruction_at_line(&self, line: u32) -> Option<(usize, &Instruction)> {
        self.file
            .instructions()
            .iter()
            .enumerate()
            .find(|(_, i)| self.lines.line_of(i.range.start()) + 1 == line)
    }

    /// Our diagnostics of `rules` in the instruction starting at `line`.
    pub fn ours_at(&self, line: u32, rules: &[Rule]) -> Vec<&Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| rules.iter().any(|r| r.code() == d.rule.code))
            .filter(|d| self.line_of(d) == line)
            .collect()
    }

    pub fn line_of(&self, diagnostic: &Diagnostic) -> u32 {
        match instruction_at(self.file, diagnostic.range.start()) {
            Some(index) => {
                self.lines
                    .line_of(self.file.instructions()[index].range.start())
                    + 1
            }
            None => self.lines.line_of(diagnostic.range.start()) + 1,
        }
    }
}

/// Runs the comparison over the corpus in `dir`.
pub fn run(dir: &Path) -> Report {
    let hadolint = read_hadolint(dir);
    let failures = read_parse_failures(dir);
    let mut rows = rows();
    let rules: Vec<Rule> = rows.iter().flat_map(|r| r.rules.clone()).collect();
    let settings = Settings::only(&rules);
    let mut names: Vec<&String> = hadolint.keys().collect();
    names.sort();
    let mut report = Report {
        files: names.len(),
        hadolint_parse_failures: failures.len(),
        ..Report::default()
    };
    for name in names {
        let path = dir.join(name);
        let Ok(source) = std::fs::read_to_string(&path) else {
            continue;
        };
        let result = lint(&source, Some(&path), &settings);
        let file = &result.parse.file;
        let view = FileView {
            name,
            source: &source,
            file,
            semantic: Semantic::new(file),
            lines: LineIndex::new(&source),
            diagnostics: &result.diagnostics,
            hadolint_failed: failures.contains(name),
        };
        let theirs = &hadolint[name];
        for row in &mut rows {
            let h: BTreeSet<u32> = theirs
                .iter()
                .filter(|(code, _, _)| row.codes.contains(code))
                .map(|(_, line, _)| *line)
                .collect();
            let o: BTreeSet<u32> = result
                .diagnostics
                .iter()
                .filter(|d| row.rules.iter().any(|r| r.code() == d.rule.code))
                .map(|d| view.line_of(d))
                .collect();
            for code in &row.codes {
                let lines: BTreeSet<u32> = theirs
                    .iter()
                    .filter(|(c, _, _)| c == code)
                    .map(|(_, line, _)| *line)
                    .collect();
                let entry = row.per_code.entry(code.clone()).or_default();
                entry.0 += lines.len();
                entry.1 += lines.intersection(&o).count();
            }
            for &line in h.difference(&o) {
                let why = explain_dropped(&view, row, line);
                row.dropped.push(((name.clone(), line), why));
            }
            for &line in o.difference(&h) {
                let why = explain_added(&view, row, line);
                row.added.push(((name.clone(), line), why));
            }
            row.hadolint
                .extend(h.into_iter().map(|line| (name.clone(), line)));
            row.ours
                .extend(o.into_iter().map(|line| (name.clone(), line)));
        }
    }
    report.rows = rows;
    report
}

/// What the classifiers see of one difference: the instruction at the line, its scripts,
/// our findings there.
pub struct At<'a> {
    pub view: &'a FileView<'a>,
    pub index: usize,
    /// The instruction (the `ONBUILD` for a trigger).
    pub instruction: &'a Instruction,
    /// Its source text.
    pub text: &'a str,
    /// The shell scripts of the RUN (of the trigger), default shell.
    pub scripts: Vec<ShellScript>,
    /// Our findings of the row's rules in the instruction.
    pub ours: Vec<&'a Diagnostic>,
}

impl<'a> At<'a> {
    fn new(view: &'a FileView<'a>, row: &Row, line: u32) -> Option<At<'a>> {
        let (index, instruction) = view.instruction_at_line(line)?;
        let effective = instruction.effective();
        let scripts = if effective.kind == InstructionKind::Run {
            scripts(view.file, effective, &[], &ParsedScripts::default())
        } else {
            Vec::new()
        };
        Some(At {
            view,
            index,
            instruction,
            text: &view.source[instruction.range],
            scripts,
            ours: view.ours_at(line, &row.rules),
        })
    }

    /// Every command (as written, wrappers included), with its script's source.
    pub fn commands(&self) -> impl Iterator<Item = (Command<'_>, ScriptSource)> {
        self.scripts
            .iter()
            .flat_map(|s| s.script.commands().map(move |c| (c, s.source)))
    }

    /// Every command named `name` (wrappers skipped).
    pub fn named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = Command<'s>> + 's {
        self.commands()
            .map(|(c, _)| c.unwrapped())
            .filter(move |c| c.is(name))
    }

    /// The innermost command holding the start of each of our findings.
    pub fn flagged(&self) -> Vec<(Command<'_>, ScriptSource)> {
        self.ours
            .iter()
            .filter_map(|d| {
                self.commands()
                    .filter(|(c, _)| c.range().contains_inclusive(d.range.start()))
                    .last()
            })
            .collect()
    }

    pub fn has_cache_mount(&self) -> bool {
        has_cache_mount(self.instruction)
    }

    /// Whether the text of the instruction contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.text.contains(needle)
    }

    /// The index of the instruction's stage.
    pub fn stage(&self) -> Option<usize> {
        self.view.semantic.stage_of(self.index)
    }

    /// The instructions that came before this one in its stage and in the stages it is
    /// built on (`FROM <stage>`), nearest first.
    pub fn earlier(&self) -> Vec<&'a Instruction> {
        let instructions = self.view.file.instructions();
        let Some(stage) = self.stage() else {
            return instructions[..self.index].iter().rev().collect();
        };
        let mut out = Vec::new();
        let mut end = self.index;
        for (n, &index) in stage_chain(&self.view.semantic, stage).iter().enumerate() {
            let current = &self.view.semantic.stages[index];
            if n > 0 {
                end = current.end;
            }
            out.extend(instructions[current.from + 1..end].iter().rev());
        }
        out
    }

    /// The instructions after this one in its stage.
    pub fn later_in_stage(&self) -> &'a [Instruction] {
        let instructions = self.view.file.instructions();
        let end = self
            .stage()
            .map_or(instructions.len(), |s| self.view.semantic.stages[s].end);
        &instructions[(self.index + 1).min(end)..end]
    }

    /// The exec-form `SHELL` in effect at the instruction (empty: the default shell).
    pub fn shell(&self) -> Vec<String> {
        self.earlier()
            .into_iter()
            .find(|i| i.kind == InstructionKind::Shell)
            .and_then(|i| match i.command() {
                Some(layerlint_syntax::CommandLine::Exec(exec)) => {
                    Some(exec.args.iter().map(|a| a.text.clone()).collect())
                }
                _ => None,
            })
            .unwrap_or_default()
    }

    /// Whether a RUN here runs PowerShell or `cmd`: a `SHELL` naming one, or the default
    /// shell of a Windows stage.
    pub fn non_posix_shell(&self) -> bool {
        let shell = self.shell();
        if shell.is_empty() {
            self.stage()
                .is_some_and(|s| self.view.semantic.stages[s].windows)
        } else {
            !layerlint_linter::shell::is_posix_shell(&shell)
        }
    }

    /// Whether the instruction's stage is the final image's or one it is built on.
    pub fn in_final_image(&self) -> bool {
        let (Some(stage), Some(last)) =
            (self.stage(), self.view.semantic.stages.len().checked_sub(1))
        else {
            return false;
        };
        stage_chain(&self.view.semantic, last).contains(&stage)
    }

    /// Whether the stage (or the first stage of its chain) is built `FROM scratch`.
    pub fn scratch_based(&self) -> bool {
        self.stage().is_some_and(|stage| {
            let chain = stage_chain(&self.view.semantic, stage);
            chain.last().is_some_and(|&root| {
                matches!(
                    self.view.semantic.stages[root].base,
                    layerlint_syntax::semantic::Base::Scratch
                )
            })
        })
    }
}

/// A stage and the stages it is built on (`FROM <stage>`), nearest first.
pub fn stage_chain(semantic: &Semantic, stage: usize) -> Vec<usize> {
    let mut chain = vec![stage];
    let mut current = stage;
    while let layerlint_syntax::semantic::Base::Stage(parent) = semantic.stages[current].base {
        if parent >= current || chain.contains(&parent) {
            break;
        }
        chain.push(parent);
        current = parent;
    }
    chain
}

/// Why hadolint reports `line` and we do not.
fn explain_dropped(view: &FileView<'_>, row: &Row, line: u32) -> &'static str {
    let Some(at) = At::new(view, row, line) else {
        return "hadolint's line is not an instruction's first line";
    };
    let code = row.codes[0].as_str();
    crate::parity_reasons::dropped(code, &at).unwrap_or(UNEXPLAINED)
}

/// Why we report `line` and hadolint does not.
fn explain_added(view: &FileView<'_>, row: &Row, line: u32) -> &'static str {
    if view.hadolint_failed {
        return HADOLINT_FAILED;
    }
    let Some(at) = At::new(view, row, line) else {
        return UNEXPLAINED;
    };
    let code = row.codes[0].as_str();
    if let Some(why) = crate::parity_reasons::added(code, &at) {
        return why;
    }
    let flagged = at.flagged();
    if flagged.iter().all(|(c, _)| c.context().in_shell_string()) && !flagged.is_empty() {
        return "inside an `sh -c` string (hadolint does not read those)";
    }
    if flagged.iter().all(|(c, _)| c.is_wrapper()) && !flagged.is_empty() {
        return "behind a wrapper such as `sudo`, `env` or `xargs` (hadolint reads only the wrapper)";
    }
    UNEXPLAINED
}

/// The instruction a RUN trigger or RUN is about.
pub fn run_of(instruction: &Instruction) -> Option<&Instruction> {
    let effective = instruction.effective();
    (effective.kind == InstructionKind::Run).then_some(effective)
}

/// Whether the instruction is a RUN with a `--mount` of type cache or tmpfs.
pub fn has_cache_mount(instruction: &Instruction) -> bool {
    match &instruction.effective().body {
        Body::Run(run) => run.mounts.iter().any(|m| m.is_cache_like()),
        _ => false,
    }
}

/// Whether any script of the RUN is a heredoc body.
pub fn has_heredoc_script(file: &Dockerfile, instruction: &Instruction) -> bool {
    scripts(
        file,
        instruction.effective(),
        &[],
        &ParsedScripts::default(),
    )
    .iter()
    .any(|s| matches!(s.source, ScriptSource::Heredoc(_)))
}

/// The report as Markdown.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    out.push_str("# Parity with hadolint\n\n");
    out.push_str(
        "Generated by `cargo run --release -p layerlint_linter --example parity` from \
         `../shared/corpus/real` (hadolint 2.15.1's findings in `hadolint.json`); do not edit.\n\n",
    );
    let _ = writeln!(
        out,
        "{} files; hadolint cannot parse {} of them (we lint them all). A finding is a \
         (file, line) pair, the line being the first line of the instruction. *Agreed*: \
         hadolint's findings we report too; *dropped*: hadolint's findings we do not \
         report; *added*: ours that hadolint does not report.\n",
        report.files, report.hadolint_parse_failures
    );
    let unparsed: BTreeSet<&String> = report
        .rows
        .iter()
        .flat_map(|r| &r.added)
        .filter(|(_, why)| *why == HADOLINT_FAILED)
        .map(|((file, _), _)| file)
        .collect();
    let _ = writeln!(
        out,
        "Of the {} files hadolint cannot parse (`hadolint-parse-failures.tsv`), {} get \
         findings of the rules below.\n",
        report.hadolint_parse_failures,
        unparsed.len()
    );
    out.push_str(
        "*Agreed %* is agreed / hadolint's findings; *without FPs* leaves out the findings \
         dropped for a reason listed below: hadolint's false positives, and the few concerns \
         we report elsewhere (on another line or by another rule, as the reason says). Every \
         difference is classified by `crates/layerlint_linter/tests/support/parity_reasons.rs`; \
         *unexplained* counts what it cannot classify.\n\n",
    );
    let total = |f: fn(&Row) -> usize| report.rows.iter().map(f).sum::<usize>();
    let codes: usize = report.rows.iter().map(|r| r.codes.len()).sum();
    let _ = writeln!(
        out,
        "In all: {codes} hadolint codes mapped by {} rules; hadolint {} findings, ours {}, \
         agreed {}; {} dropped and {} added, {} of them unexplained.\n",
        report.rows.iter().map(|r| r.rules.len()).sum::<usize>(),
        total(|r| r.hadolint.len()),
        total(|r| r.ours.len()),
        total(Row::agreed),
        total(|r| r.dropped.len()),
        total(|r| r.added.len()),
        total(Row::unexplained),
    );
    out.push_str("| hadolint | layerlint | hadolint findings | ours | agreed | agreed % | without FPs % | dropped | added | unexplained |\n");
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for row in &report.rows {
        let rules: Vec<String> = row
            .rules
            .iter()
            .map(|r| format!("`{}` {}", r.code(), r.name()))
            .collect();
        let codes: Vec<String> = row
            .codes
            .iter()
            .map(|c| {
                let (n, agreed) = row.per_code.get(c).copied().unwrap_or_default();
                if row.codes.len() > 1 {
                    format!("{c} ({agreed}/{n})")
                } else {
                    c.clone()
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.1} | {:.1} | {} | {} | {} |",
            codes.join(", "),
            rules.join(", "),
            row.hadolint.len(),
            row.ours.len(),
            row.agreed(),
            row.recall() * 100.0,
            row.recall_of_true_findings() * 100.0,
            row.dropped.len(),
            row.added.len(),
            row.unexplained()
        );
    }
    out.push_str("\n## Differences by reason\n");
    for row in &report.rows {
        if row.dropped.is_empty() && row.added.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {}\n", row.name());
        for (label, list) in [("dropped", &row.dropped), ("added", &row.added)] {
            let mut by_reason: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
            for (finding, why) in list {
                by_reason.entry(why).or_default().push(finding);
            }
            let mut reasons: Vec<_> = by_reason.into_iter().collect();
            reasons.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
            for (why, findings) in reasons {
                let examples: Vec<String> = findings
                    .iter()
                    .take(3)
                    .map(|(file, line)| format!("`{file}:{line}`"))
                    .collect();
                let _ = writeln!(
                    out,
                    "- {label} {}: {why} (e.g. {})",
                    findings.len(),
                    examples.join(", ")
                );
            }
        }
    }
    out
}
