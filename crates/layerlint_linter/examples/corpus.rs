//! Lints the real-Dockerfile corpus (`../shared/corpus/real`, or `$LAYERLINT_CORPUS`) and
//! prints, per rule (and per ShellCheck code), how many findings it has, plus the time it
//! took without ShellCheck, with the batched ShellCheck, and with one ShellCheck process per
//! file.
//!
//! ```sh
//! cargo run --release -p layerlint_linter --example corpus
//! cargo run --release -p layerlint_linter --example corpus -- --show LL518   # print findings
//! cargo run --release -p layerlint_linter --example corpus -- --no-per-file  # skip the slow pass
//! cargo run --release -p layerlint_linter --example corpus -- --only native|batched|per-file
//! ```
//!
//! `--tsv FILE` writes every finding as `file, line, column, code, instruction line`.
//! `--only` runs one pass (to time it alone, e.g. under `/usr/bin/time -v`, which also
//! counts the CPU time of the ShellCheck processes).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use layerlint_linter::shellcheck::Batch;
use layerlint_linter::{Diagnostic, Settings, Target, check, check_without_shellcheck};
use layerlint_text::LineIndex;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show: Vec<&str> = args
        .windows(2)
        .filter(|w| w[0] == "--show")
        .map(|w| w[1].as_str())
        .collect();
    let only: Option<&str> = args
        .windows(2)
        .find(|w| w[0] == "--only")
        .map(|w| w[1].as_str());
    let per_file =
        !args.iter().any(|a| a == "--no-per-file") && only.is_none_or(|o| o == "per-file");
    let batched_pass = only.is_none_or(|o| o == "batched");
    let root = std::env::var_os("LAYERLINT_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real"),
        PathBuf::from,
    );
    let Ok(entries) = std::fs::read_dir(&root) else {
        eprintln!("no corpus at {}", root.display());
        return;
    };
    let mut files: Vec<(PathBuf, String)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            !name.ends_with(".json") && !name.ends_with(".tsv") && !name.ends_with(".md")
        })
        .filter_map(|p| Some((p.clone(), std::fs::read_to_string(&p).ok()?)))
        .collect();
    files.sort();
    let mut settings = Settings::all();
    settings.set_enabled(layerlint_linter::Rule::MissingHealthcheck, false);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    println!("{} files, {} bytes", files.len(), bytes);

    // 1. Without ShellCheck.
    let started = Instant::now();
    let mut results: Vec<Vec<Diagnostic>> = Vec::with_capacity(files.len());
    let mut parses = Vec::with_capacity(files.len());
    for (path, text) in &files {
        let parse = layerlint_syntax::parse(text);
        results.push(check_without_shellcheck(
            &parse,
            &Target::path(path),
            &settings,
        ));
        parses.push(parse);
    }
    let native = started.elapsed();
    println!("without ShellCheck: {native:.2?}");

    // 2. Batched ShellCheck.
    if only == Some("per-file") {
        let started = Instant::now();
        let mut count = 0;
        for ((path, _), parse) in files.iter().zip(&parses) {
            count += check(parse, &Target::path(path), &settings)
                .iter()
                .filter(|d| d.subcode.is_some())
                .count();
        }
        println!(
            "lint with ShellCheck per file: {:.2?} ({count} ShellCheck findings)",
            started.elapsed()
        );
        return;
    }
    if !batched_pass {
        return;
    }
    let started = Instant::now();
    let mut batch = Batch::new(&settings);
    for (i, ((path, _), parse)) in files.iter().zip(&parses).enumerate() {
        batch.add(i, parse, &Target::path(path));
    }
    let prepared = started.elapsed();
    let outcome = batch.run();
    let batched = started.elapsed();
    if let Some(note) = &outcome.note {
        println!("note: {note}");
    }
    println!(
        "ShellCheck, batched: {batched:.2?} (preparing the scripts: {prepared:.2?}); \
         lint + ShellCheck: {:.2?}",
        native + batched
    );
    let mut shellcheck_count = 0;
    for (i, found) in outcome.findings {
        shellcheck_count += found.len();
        results[i].extend(found);
        layerlint_linter::sort_diagnostics(&mut results[i]);
    }

    // 3. One ShellCheck process per file (what `check` does).
    if per_file && only.is_none() {
        let started = Instant::now();
        let mut count = 0;
        for ((path, _), parse) in files.iter().zip(&parses) {
            count += check(parse, &Target::path(path), &settings)
                .iter()
                .filter(|d| d.subcode.is_some())
                .count();
        }
        println!(
            "lint with ShellCheck per file: {:.2?} ({count} ShellCheck findings; batched: \
             {shellcheck_count})",
            started.elapsed()
        );
    }

    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for found in &results {
        let mut seen_in_file = std::collections::BTreeSet::new();
        for d in found {
            let key = match &d.subcode {
                Some(code) => format!("{} {code}", d.rule.code),
                None => format!("{} {}", d.rule.code, d.rule.name),
            };
            let entry = counts.entry(key.clone()).or_default();
            entry.0 += 1;
            if seen_in_file.insert(key) {
                entry.1 += 1;
            }
        }
    }
    println!("\nfindings (files):");
    for (key, (n, files)) in &counts {
        println!("{key:40} {n:6} ({files})");
    }
    if let Some(out) = args.windows(2).find(|w| w[0] == "--tsv").map(|w| &w[1]) {
        let mut tsv = String::new();
        for (i, found) in results.iter().enumerate() {
            let (path, text) = &files[i];
            let index = LineIndex::new(text);
            let file = &parses[i].file;
            for d in found {
                let at = index.position(d.range.start(), text);
                let instruction_line = layerlint_linter::instruction_at(file, d.range.start())
                    .map_or(0, |n| {
                        index
                            .position(file.instructions()[n].range.start(), text)
                            .line
                    });
                tsv.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}\n",
                    path.file_name().unwrap_or_default().to_string_lossy(),
                    at.line,
                    at.column,
                    d.code(),
                    instruction_line
                ));
            }
        }
        std::fs::write(out, tsv).expect("writable --tsv file");
    }
    for (i, found) in results.iter().enumerate() {
        let (path, text) = &files[i];
        let index = LineIndex::new(text);
        for d in found {
            if !show
                .iter()
                .any(|s| *s == d.rule.code || *s == d.rule.name || Some(*s) == d.subcode.as_deref())
            {
                continue;
            }
            let at = index.position(d.range.start(), text);
            let line = text.lines().nth(at.line as usize - 1).unwrap_or("");
            println!(
                "{}:{}:{} {} {}\n    | {}",
                path.file_name().unwrap_or_default().to_string_lossy(),
                at.line,
                at.column,
                d.code(),
                d.message,
                line.trim()
            );
        }
    }
}
