//! Test support: the shell scripts of the real-Dockerfile corpus, extracted with the real
//! Dockerfile parser (`layerlint_syntax`), as the linter hands them to
//! `layerlint_shell::parse`.
//!
//! Scripts under a `SHELL` that is not a POSIX shell (PowerShell, cmd) are left out, as the
//! linter leaves them out. The corpus is read in place from `../shared/corpus/real` beside
//! the repository (or `$LAYERLINT_CORPUS`); it is never copied into the repository.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use layerlint_syntax::{Body, CommandLine, Instruction, InstructionKind};
use layerlint_text::MappedText;

/// The corpus directory, if present.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("LAYERLINT_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real"),
        PathBuf::from,
    );
    dir.is_dir().then_some(dir)
}

/// Every Dockerfile of the corpus (sorted by name): path and content.
pub fn corpus_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        p.is_file() && !name.ends_with(".tsv") && !name.ends_with(".json") && !name.ends_with(".md")
    });
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            Some((p, text))
        })
        .collect()
}

fn posix(shell: Option<&str>) -> bool {
    shell.is_none_or(|program| {
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        ["sh", "bash", "dash", "ash", "ksh"].contains(&name)
    })
}

/// The RUN instructions (ONBUILD triggers included) that run under a POSIX shell (not
/// under a non-POSIX `SHELL`, not in stages of Windows images).
fn runs(file: &layerlint_syntax::Dockerfile) -> Vec<&Instruction> {
    let semantic = layerlint_syntax::semantic::Semantic::new(file);
    let mut out = Vec::new();
    let mut shell: Option<String> = None;
    for (index, instruction) in file.instructions().iter().enumerate() {
        match &instruction.body {
            Body::From(_) => {
                // Windows images run RUN with cmd.
                let windows = semantic
                    .stage_of(index)
                    .is_some_and(|s| semantic.stages[s].windows);
                shell = windows.then(|| "cmd".to_owned());
            }
            Body::Shell(Some(CommandLine::Exec(exec))) => {
                shell = exec.args.first().map(|a| a.text.clone());
            }
            _ => {}
        }
        let effective = instruction.effective();
        if effective.kind == InstructionKind::Run && posix(shell.as_deref()) {
            out.push(effective);
        }
    }
    out
}

/// The shell-form `RUN` bodies of one Dockerfile (RUNs with heredocs excluded).
pub fn run_bodies(source: &str) -> Vec<MappedText> {
    let file = layerlint_syntax::parse(source).file;
    runs(&file)
        .into_iter()
        .filter(|run| run.heredocs.is_empty())
        .filter_map(|run| match run.command() {
            Some(CommandLine::Shell(shell)) => Some(shell.text.clone()),
            _ => None,
        })
        .collect()
}

/// The heredoc bodies of `RUN <<EOF` instructions whose command line is only the marker
/// (the body is the script the shell runs), without a non-shell `#!` line.
pub fn run_heredoc_bodies(source: &str) -> Vec<MappedText> {
    let file = layerlint_syntax::parse(source).file;
    let mut out = Vec::new();
    for run in runs(&file) {
        let Some(CommandLine::Shell(shell)) = run.command() else {
            continue;
        };
        let [heredoc] = run.heredocs.as_slice() else {
            continue;
        };
        if file.text(heredoc.marker).trim() != shell.as_str().trim() {
            continue;
        }
        let content = heredoc.content(source);
        let shebang_ok = content.as_str().strip_prefix("#!").is_none_or(|line| {
            let program = line.split_whitespace().last().unwrap_or("");
            posix(Some(program))
        });
        if shebang_ok {
            out.push(content);
        }
    }
    out
}
