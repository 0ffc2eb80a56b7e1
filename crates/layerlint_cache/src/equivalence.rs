//! Proof that a rewrite keeps the image: the original and the rewritten file compared
//! stage by stage.
//!
//! - Every instruction but COPY/ADD is the same, in the same order, with the same working
//!   directory and user (so every RUN runs the same command in the same place, in the same
//!   relative order).
//! - The original copies are all there, resolved the same (sources, absolute destination,
//!   flags), in the same order. A copy the rewrite added must be *shadowed*: a later
//!   original copy lays the same context files at the same places, so the final files are
//!   the same.
//! - A RUN that lost a copy before it (the copy of the sources now comes after it) must
//!   not read the sources, and every file it reads that a copy provided before must still
//!   be provided by a copy before it.

use layerlint_syntax::InstructionKind;
use layerlint_syntax::semantic::Semantic;

use crate::BuildContext;
use crate::classify::Reads;
use crate::optimize::Optimizer;
use crate::stage::{CopyFrom, CopyStep, StageWalk};

/// What a copy is, for comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CopyKey {
    is_add: bool,
    from: CopyFrom,
    sources: Vec<String>,
    dest: String,
    dest_is_dir: bool,
    flags: Vec<(String, String)>,
}

impl CopyKey {
    fn of(copy: &CopyStep) -> CopyKey {
        CopyKey {
            is_add: copy.is_add,
            from: copy.from.clone(),
            sources: copy.sources.clone(),
            dest: copy.dest.clone(),
            dest_is_dir: copy.dest_is_dir,
            flags: copy.flags.clone(),
        }
    }
}

/// Checks that `rewritten` builds the same image as `original`; the differences found
/// otherwise.
pub fn check(
    original: &str,
    rewritten: &str,
    context: Option<&BuildContext>,
) -> Result<(), Vec<String>> {
    let before = layerlint_syntax::parse(original);
    let after = layerlint_syntax::parse(rewritten);
    let mut problems = Vec::new();
    if before.parser_accepts() && !after.parser_accepts() {
        return Err(vec!["the rewritten file does not parse".to_owned()]);
    }
    let before_semantic = Semantic::new(&before.file);
    let after_semantic = Semantic::new(&after.file);
    let before_opt = Optimizer::new(&before.file, &before_semantic, context);
    let after_opt = Optimizer::new(&after.file, &after_semantic, context);
    let (a, b) = (&before_opt.walk().stages, &after_opt.walk().stages);
    if a.len() != b.len() {
        return Err(vec![format!("{} stages became {}", a.len(), b.len())]);
    }
    for (stage_a, stage_b) in a.iter().zip(b) {
        let from_a = before
            .file
            .text(before.file.instructions()[stage_a.from].range);
        let from_b = after
            .file
            .text(after.file.instructions()[stage_b.from].range);
        if from_a != from_b {
            problems.push(format!(
                "stage {}: `{from_a}` became `{from_b}`",
                stage_a.index
            ));
            continue;
        }
        compare_stage(&before_opt, stage_a, &after_opt, stage_b, &mut problems);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

fn others(
    optimizer: &Optimizer<'_>,
    stage: &StageWalk,
    file: &layerlint_syntax::Dockerfile,
) -> Vec<(String, String, Option<String>)> {
    let _ = optimizer;
    stage
        .steps
        .iter()
        .filter(|s| !matches!(s.kind, InstructionKind::Copy | InstructionKind::Add))
        .map(|s| {
            (
                file.text(file.instructions()[s.index].range).to_owned(),
                s.workdir.to_string(),
                s.user.as_deref().map(str::to_owned),
            )
        })
        .collect()
}

fn compare_stage(
    before: &Optimizer<'_>,
    stage_a: &StageWalk,
    after: &Optimizer<'_>,
    stage_b: &StageWalk,
    problems: &mut Vec<String>,
) {
    let stage = stage_a.index;
    let file_a = before.file();
    let file_b = after.file();
    if others(before, stage_a, file_a) != others(after, stage_b, file_b) {
        problems.push(format!(
            "stage {stage}: the instructions other than COPY/ADD differ (order, text, working directory or user)"
        ));
        return;
    }
    // Copies: the originals in order, and the added ones.
    let keys_a: Vec<CopyKey> = stage_a
        .steps
        .iter()
        .filter_map(|s| s.copy.as_deref())
        .map(CopyKey::of)
        .collect();
    let copies_b: Vec<(usize, CopyKey)> = stage_b
        .steps
        .iter()
        .enumerate()
        .filter_map(|(p, s)| s.copy.as_deref().map(|c| (p, CopyKey::of(c))))
        .collect();
    // Position in stage_b of each original copy (by order), and the added ones.
    let mut original_at: Vec<usize> = Vec::new();
    let mut added: Vec<usize> = Vec::new();
    let mut next = 0;
    for (position, key) in &copies_b {
        if next < keys_a.len() && *key == keys_a[next] {
            original_at.push(*position);
            next += 1;
        } else {
            added.push(*position);
        }
    }
    if next != keys_a.len() {
        problems.push(format!(
            "stage {stage}: the copy `{}` is missing or changed",
            describe(&keys_a[next])
        ));
        return;
    }
    for &position in &added {
        let copy = stage_b.steps[position].copy.as_deref().expect("a copy");
        let shadowed = copy.from == CopyFrom::Context
            && copy.sources.iter().all(|source| {
                original_at.iter().filter(|&&p| p > position).any(|&p| {
                    let later = stage_b.steps[p].copy.as_deref().expect("a copy");
                    later.from == CopyFrom::Context && lays_same(copy, source, later, after)
                })
            });
        if !shadowed {
            problems.push(format!(
                "stage {stage}: the added copy `{}` is not overwritten by a later copy of the same files",
                describe(&CopyKey::of(copy))
            ));
        }
    }
    // RUNs: which original copies come before each, before and after.
    let runs_a: Vec<usize> = run_positions(stage_a);
    let runs_b: Vec<usize> = run_positions(stage_b);
    let copy_positions_a: Vec<usize> = stage_a
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.copy.is_some())
        .map(|(p, _)| p)
        .collect();
    for (&run_a, &run_b) in runs_a.iter().zip(&runs_b) {
        let before_a: Vec<usize> = copy_positions_a
            .iter()
            .enumerate()
            .filter(|(_, p)| **p < run_a)
            .map(|(i, _)| i)
            .collect();
        let before_b: Vec<usize> = original_at
            .iter()
            .enumerate()
            .filter(|(_, p)| **p < run_b)
            .map(|(i, _)| i)
            .collect();
        if before_b.iter().any(|i| !before_a.contains(i)) {
            problems.push(format!(
                "stage {stage}: `{}` now runs after a copy it did not follow",
                short_run(after, stage_b, run_b)
            ));
            continue;
        }
        if before_a.len() == before_b.len() {
            continue;
        }
        // A moved RUN: it must not read the sources, and must find what it read.
        let Some(analysis_b) = after.analyze(stage_b, run_b) else {
            problems.push(format!(
                "stage {stage}: a moved RUN runs a script that cannot be read"
            ));
            continue;
        };
        if analysis_b.reads == Reads::Sources {
            problems.push(format!(
                "stage {stage}: `{}` moved before the sources but needs them ({})",
                short_run(after, stage_b, run_b),
                analysis_b.sources_reason.unwrap_or_default()
            ));
            continue;
        }
        let Some(analysis_a) = before.analyze(stage_a, run_a) else {
            continue;
        };
        for need in &analysis_a.needs {
            // Without a context, whether an optional file exists is not known.
            if !need.required && before.context().is_none() {
                continue;
            }
            let provided_before = provided(stage_a, run_a, &need.path, before);
            if provided_before && !provided(stage_b, run_b, &need.path, after) {
                problems.push(format!(
                    "stage {stage}: `{}` no longer finds `{}`",
                    short_run(after, stage_b, run_b),
                    need.path
                ));
            }
        }
    }
}

fn run_positions(stage: &StageWalk) -> Vec<usize> {
    stage
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == InstructionKind::Run)
        .map(|(p, _)| p)
        .collect()
}

/// Whether a copy before `position` lays a context file at `path`, that exists when the
/// context is known.
fn provided(stage: &StageWalk, position: usize, path: &str, optimizer: &Optimizer<'_>) -> bool {
    stage.steps[..position]
        .iter()
        .filter_map(|s| s.copy.as_deref())
        .filter(|c| c.from == CopyFrom::Context)
        .any(|c| match optimizer.map_copy(c, path) {
            Some(q) => optimizer
                .context()
                .is_none_or(|context| context.exists(&q) && !context.is_ignored(&q)),
            None => false,
        })
}

/// Whether `later` lays the context files of `source` (a source of `copy`) at the places
/// `copy` lays them.
fn lays_same(copy: &CopyStep, source: &str, later: &CopyStep, optimizer: &Optimizer<'_>) -> bool {
    let is_dir = optimizer.source_is_dir(copy, source);
    let target = if is_dir {
        copy.dest.clone()
    } else {
        copy.target_of(source)
    };
    optimizer.map_copy(later, &target).as_deref() == Some(source)
}

fn describe(key: &CopyKey) -> String {
    format!(
        "{} {} {}",
        if key.is_add { "ADD" } else { "COPY" },
        key.sources
            .iter()
            .map(|s| if s.is_empty() { "." } else { s.as_str() })
            .collect::<Vec<_>>()
            .join(" "),
        key.dest
    )
}

fn short_run(optimizer: &Optimizer<'_>, stage: &StageWalk, position: usize) -> String {
    let file = optimizer.file();
    crate::classify::short(file.text(file.instructions()[stage.steps[position].index].range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_optimizer_and_rejects_breakage() {
        let original = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\n";
        let rewritten = "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n";
        assert_eq!(check(original, rewritten, None), Ok(()));
        // The build moved before the sources.
        let broken = "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nRUN npm run build\nCOPY . .\n";
        assert!(check(original, broken, None).is_err());
        // An added copy that nothing overwrites.
        let extra = "FROM node:20\nWORKDIR /app\nCOPY package*.json /other/\nRUN npm ci\nCOPY . .\nRUN npm run build\n";
        assert!(check(original, extra, None).is_err());
        // A RUN reordered.
        let reordered = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm run build\nRUN npm ci\n";
        assert!(check(original, reordered, None).is_err());
        // The install no longer finds its manifest.
        let missing = "FROM node:20\nWORKDIR /app\nRUN npm ci\nCOPY . .\nRUN npm run build\n";
        assert!(check(original, missing, None).is_err());
    }
}
