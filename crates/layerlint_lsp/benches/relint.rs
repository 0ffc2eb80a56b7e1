//! How long the server takes to re-lint a 2,000-line Dockerfile after an edit (the budget is
//! 5 ms): the lint alone, and the whole `didChange` path — apply an incremental change,
//! parse, lint, convert the findings to LSP diagnostics. The `shellcheck` rule (LL528) is off
//! in these, as on a machine without the binary: with it, each re-lint also runs one
//! `shellcheck` process over the file's scripts, measured apart
//! (`did_change_2000_lines_with_shellcheck`; it skips when no binary is found).

use std::sync::Arc;

use divan::{Bencher, black_box};
use layerlint_linter::Settings;
use layerlint_linter::settings::ShellcheckSetting;
use layerlint_lsp::document::Document;
use layerlint_lsp::snapshot::{LintEnv, Snapshot};
use layerlint_lsp::workspace::Workspace;
use layerlint_text::PositionEncoding;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

mod support;

/// The allocator of the `layerlint` binary that serves `layerlint lsp`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

const LINES: usize = 2_000;

/// The default settings, with or without the ShellCheck binary.
fn env_with(shellcheck: bool) -> LintEnv {
    let mut settings = Settings::default();
    if !shellcheck {
        settings.options.shellcheck = ShellcheckSetting::Off;
    }
    LintEnv {
        settings: Arc::new(settings),
        ..LintEnv::default()
    }
}

#[divan::bench]
fn lint_2000_lines(bencher: Bencher<'_, '_>) {
    let text = support::big_dockerfile(LINES);
    let env = env_with(false);
    bencher.bench(|| Snapshot::new(black_box(&text), 1, env.clone()));
}

fn typing_in_the_middle() -> TextDocumentContentChangeEvent {
    let at = Position::new(LINES as u32 / 2, 0);
    TextDocumentContentChangeEvent {
        range: Some(Range::new(at, at)),
        range_length: None,
        text: "# a comment typed in the middle\n".to_owned(),
    }
}

fn did_change(document: &mut Document, env: &LintEnv, uri: &Uri) -> usize {
    document.apply_changes(vec![typing_in_the_middle()], 2, PositionEncoding::Utf16);
    let snapshot = Snapshot::new(document.text(), document.version(), env.clone());
    snapshot.lsp_diagnostics(uri, PositionEncoding::Utf16).len()
}

#[divan::bench]
fn did_change_2000_lines(bencher: Bencher<'_, '_>) {
    let document = Document::new(support::big_dockerfile(LINES), 1);
    let uri: Uri = "file:///app/Dockerfile".parse().unwrap();
    let env = env_with(false);
    bencher
        .with_inputs(|| document.clone())
        .bench_local_refs(|document| did_change(document, &env, &uri));
}

/// The same with the `shellcheck` binary run on the file's scripts (skipped without it).
#[divan::bench]
fn did_change_2000_lines_with_shellcheck(bencher: Bencher<'_, '_>) {
    let env = env_with(true);
    if layerlint_linter::shellcheck::status(&env.settings)
        .binary()
        .is_none()
    {
        eprintln!("did_change_2000_lines_with_shellcheck: no shellcheck binary, skipped");
        return;
    }
    let document = Document::new(support::big_dockerfile(LINES), 1);
    let uri: Uri = "file:///app/Dockerfile".parse().unwrap();
    bencher
        .with_inputs(|| document.clone())
        .bench_local_refs(|document| did_change(document, &env, &uri));
}

/// The same with the configuration lookup done and the build context on disk, as the
/// server has them for a saved file.
#[divan::bench]
fn did_change_2000_lines_on_disk(bencher: Bencher<'_, '_>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), "{}").unwrap();
    std::fs::write(dir.path().join(".dockerignore"), "node_modules\n.git\n").unwrap();
    let path = dir.path().join("Dockerfile");
    let mut workspace = Workspace::default();
    let (mut env, _) = workspace.env_for(Some(&path));
    let mut settings = (*env.settings).clone();
    settings.options.shellcheck = ShellcheckSetting::Off;
    env.settings = Arc::new(settings);
    let uri = Uri::from_file_path(&path).unwrap();
    let document = Document::new(support::big_dockerfile(LINES), 1);
    bencher
        .with_inputs(|| document.clone())
        .bench_local_refs(|document| did_change(document, &env, &uri));
}
