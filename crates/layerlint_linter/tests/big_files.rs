//! Regression: per-file work is linear. Three rules used to scan every earlier instruction
//! for each `RUN` (the `apt.conf` settings of `apt-get install`, the `USER` in effect for
//! `sudo`, the optimizer's copies before a `RUN`): 40,000 `RUN`s took 13 s in a release
//! build, a 1,000,000-line file hours. Now 40,000 take under a second (release). (Many COPYs before many RUNs are
//! still quadratic in the optimizer: each RUN classifies every earlier copy.); the bound
//! here is for a debug build on a busy machine.

use std::time::{Duration, Instant};

use layerlint_linter::settings::ShellcheckSetting;
use layerlint_linter::{Settings, lint};

#[test]
fn thirty_thousand_runs_lint_in_linear_time() {
    let mut settings = Settings::all();
    settings.options.shellcheck = ShellcheckSetting::Off;
    let mut text = String::from("FROM debian:12\nUSER app\nCOPY package.json ./\n");
    for i in 0..10_000 {
        text.push_str("RUN apt-get install -y curl && echo hello\n");
        text.push_str(&format!("RUN sudo npm install && echo {i}\n"));
        text.push_str("RUN echo hello world\n");
    }
    let started = Instant::now();
    let result = lint(&text, None, &settings);
    let elapsed = started.elapsed();
    assert!(!result.diagnostics.is_empty());
    eprintln!(
        "30,000 instructions: {elapsed:?}, {} findings",
        result.diagnostics.len()
    );
    assert!(elapsed < Duration::from_secs(90), "{elapsed:?}");
}
