//! Compares layerlint's findings with hadolint's on the real-Dockerfile corpus and writes
//! `fixtures/real/PARITY.md`:
//!
//! ```sh
//! cargo run --release -p layerlint_linter --example parity [-- --print] [--details CODE]
//! ```
//!
//! Reads `$LAYERLINT_CORPUS` or `../shared/corpus/real`. `--print` prints the report instead
//! of writing it; `--details DL3008` lists every difference of that code's row.

#[path = "../tests/support/parity.rs"]
mod parity;
#[path = "../tests/support/parity_reasons.rs"]
mod parity_reasons;

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = parity::corpus_dir() else {
        eprintln!("parity: no corpus (set LAYERLINT_CORPUS or put it at ../shared/corpus/real)");
        std::process::exit(2);
    };
    let report = parity::run(&dir);
    if let Some(code) = args
        .iter()
        .position(|a| a == "--details")
        .and_then(|i| args.get(i + 1))
    {
        for row in report.rows.iter().filter(|r| r.codes.contains(code)) {
            for (label, list) in [("dropped", &row.dropped), ("added", &row.added)] {
                for ((file, line), why) in list {
                    println!("{label}\t{file}:{line}\t{why}");
                }
            }
        }
        return;
    }
    let markdown = parity::markdown(&report);
    if args.iter().any(|a| a == "--print") {
        print!("{markdown}");
        return;
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/real/PARITY.md");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&out, markdown).unwrap();
    eprintln!("parity: wrote {}", out.display());
}
