//! Lints every file of `../shared/corpus/real` (1,952 real Dockerfiles) on one core, with
//! every default rule (ShellCheck off), the way `layerlint check` does: the corpus
//! directory as the build context, shared by the files (listings remembered).
//! Run: `cargo bench -p layerlint_linter --bench lint_corpus`. Without the corpus it
//! benchmarks nothing.
//!
//! Where the time goes rule by rule: `cargo run --release -p layerlint_linter --example
//! rule_timings`.

use std::path::{Path, PathBuf};

use divan::counter::BytesCount;
use layerlint_linter::settings::ShellcheckSetting;
use layerlint_linter::{BuildContext, Settings, Target, lint_target};

fn main() {
    divan::main();
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real")
}

fn corpus() -> Vec<(PathBuf, String)> {
    let dir = corpus_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("corpus absent at {}: benchmarking nothing", dir.display());
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.ends_with(".tsv") && !name.ends_with(".json") && !name.ends_with(".md")
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let text = String::from_utf8(std::fs::read(&p).ok()?).ok()?;
            Some((p, text))
        })
        .collect()
}

fn settings() -> Settings {
    let mut settings = Settings::default();
    settings.options.shellcheck = ShellcheckSetting::Off;
    settings
}

fn bench_files(bencher: divan::Bencher<'_, '_>, with_context: bool) {
    let files = corpus();
    let settings = settings();
    let context = BuildContext::on_disk(&corpus_dir(), None).cached();
    let bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for (path, source) in &files {
            let target = Target {
                path: Some(path),
                context: with_context.then_some(&context),
            };
            divan::black_box(lint_target(source, &target, &settings));
        }
    });
}

/// Every default rule, the corpus directory as the build context.
#[divan::bench(sample_count = 10)]
fn whole_corpus(bencher: divan::Bencher<'_, '_>) {
    bench_files(bencher, true);
}

/// Every default rule, no build context (standard input, the language server without a
/// workspace).
#[divan::bench(sample_count = 10)]
fn whole_corpus_without_context(bencher: divan::Bencher<'_, '_>) {
    bench_files(bencher, false);
}
