//! Parsing speed on the real-Dockerfile corpus: every shell-form `RUN` body, parsed once
//! per iteration. Run with `cargo bench -p layerlint_shell`; the throughput is printed
//! in bytes per second of script text. Skips (with a message) when the corpus is absent.

#[path = "../tests/support/corpus.rs"]
mod corpus;

use divan::{Bencher, counter::BytesCount};
use layerlint_text::MappedText;

fn main() {
    divan::main();
}

fn bodies() -> Vec<MappedText> {
    let Some(dir) = corpus::corpus_dir() else {
        println!("bench: corpus directory absent; nothing to measure");
        return Vec::new();
    };
    corpus::corpus_files(&dir)
        .iter()
        .flat_map(|(_, source)| corpus::run_bodies(source))
        .collect()
}

/// All `RUN` bodies of the corpus.
#[divan::bench(sample_count = 30)]
fn corpus_run_bodies(bencher: Bencher<'_, '_>) {
    let bodies = bodies();
    let bytes: usize = bodies.iter().map(|b| b.as_str().len()).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        let mut commands = 0;
        for body in &bodies {
            commands += layerlint_shell::parse(divan::black_box(body)).command_count();
        }
        commands
    });
}

/// The same bodies, then every command queried the way rules do.
#[divan::bench(sample_count = 30)]
fn corpus_parse_and_query(bencher: Bencher<'_, '_>) {
    let bodies = bodies();
    let bytes: usize = bodies.iter().map(|b| b.as_str().len()).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        let mut hits = 0;
        for body in &bodies {
            let script = layerlint_shell::parse(divan::black_box(body));
            for command in script.commands() {
                hits += usize::from(command.has_flag("-y"));
                hits += command.positionals(layerlint_shell::known::APT_GET).count();
                hits += usize::from(command.range().start() > command.range().end());
            }
        }
        hits
    });
}

/// One long synthetic script with deep quoting and substitutions.
#[divan::bench]
fn synthetic_nested(bencher: Bencher<'_, '_>) {
    let unit = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \"curl=7.88.*\" git=1:2.39 $(cat /tmp/pkgs | tr '\\n' ' ') && sh -c 'echo \"${HOME:-/root}\" | tee -a /etc/profile' ; rm -rf /var/lib/apt/lists/* ; ";
    let text = unit.repeat(200);
    let mapped = MappedText::contiguous(&text, 0.into());
    bencher
        .counter(BytesCount::new(text.len()))
        .bench(|| layerlint_shell::parse(divan::black_box(&mapped)).command_count());
}
