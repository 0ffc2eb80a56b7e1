//! Where the time of a lint goes, rule by rule, over a directory of Dockerfiles (the
//! corpus by default): each default rule alone, against parsing and the engine with no
//! rule at all.
//!
//!     cargo run --release -p layerlint_linter --example rule_timings [DIR] [RUNS] [--without]
//!
//! `--without`: each rule's marginal cost instead, every default rule but that one against
//! all of them (work rules share, such as parsing a RUN's scripts, counts only there).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use layerlint_linter::settings::ShellcheckSetting;
use layerlint_linter::{BuildContext, Rule, Settings, Target, lint_target};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real"),
        PathBuf::from,
    );
    let runs: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let without = args.next().is_some_and(|a| a == "--without");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("no corpus at {}", dir.display());
        return;
    };
    let mut files: Vec<(PathBuf, String)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && !matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("tsv" | "json" | "md")
                )
        })
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
        .collect();
    files.sort();
    let context = BuildContext::on_disk(&dir, None).cached();
    let time = |settings: &Settings| -> Duration {
        let mut best = Duration::MAX;
        for _ in 0..runs {
            let start = Instant::now();
            for (path, text) in &files {
                let target = Target {
                    path: Some(path),
                    context: Some(&context),
                };
                std::hint::black_box(lint_target(text, &target, settings));
            }
            best = best.min(start.elapsed());
        }
        best
    };
    let mut defaults = Settings::default();
    defaults.options.shellcheck = ShellcheckSetting::Off;
    let mut none = Settings::only(&[]);
    none.options.shellcheck = ShellcheckSetting::Off;
    let all = time(&defaults);
    let base = time(&none);
    println!("{} files, best of {runs} runs, one thread", files.len());
    println!("{:>9.1} ms  every default rule", ms(all));
    println!(
        "{:>9.1} ms  no rule (parse, semantic, suppressions)",
        ms(base)
    );
    let mut rows: Vec<(Duration, Rule)> = Rule::ALL
        .iter()
        .copied()
        .filter(|r| defaults.is_enabled(*r))
        .map(|rule| {
            if without {
                let mut others = defaults.clone();
                others.set_enabled(rule, false);
                (all.saturating_sub(time(&others)), rule)
            } else {
                let mut one = Settings::only(&[rule]);
                one.options.shellcheck = ShellcheckSetting::Off;
                (time(&one).saturating_sub(base), rule)
            }
        })
        .collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.0));
    for (took, rule) in rows {
        println!("{:>9.1} ms  {} {}", ms(took), rule.code(), rule.name());
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
