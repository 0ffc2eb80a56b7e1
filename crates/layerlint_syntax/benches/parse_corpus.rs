//! Parses every file of `../shared/corpus/real` (1,952 real Dockerfiles) on one core.
//! Run: `cargo bench -p layerlint_syntax --bench parse_corpus`.

use std::path::Path;

use divan::counter::BytesCount;

/// The linter's allocator, so that allocation costs what it costs in a lint run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

fn corpus() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("corpus absent at {}: benchmarking nothing", dir.display());
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.ends_with(".tsv") && !name.ends_with(".json") && !name.ends_with(".md")
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
        .collect()
}

#[divan::bench(sample_count = 30)]
fn whole_corpus(bencher: divan::Bencher<'_, '_>) {
    let files = corpus();
    let bytes: usize = files.iter().map(String::len).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for source in &files {
            divan::black_box(layerlint_syntax::parse(source));
        }
    });
}

/// [`layerlint_syntax::semantic::Semantic::new`] over every file of the corpus, parsed
/// beforehand.
#[divan::bench(sample_count = 30)]
fn semantic_corpus(bencher: divan::Bencher<'_, '_>) {
    let files: Vec<_> = corpus()
        .iter()
        .map(|source| layerlint_syntax::parse(source).file)
        .collect();
    bencher.bench(|| {
        for file in &files {
            divan::black_box(layerlint_syntax::semantic::Semantic::new(file));
        }
    });
}
