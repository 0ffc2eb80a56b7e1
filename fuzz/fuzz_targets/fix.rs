//! Fix arbitrary text to a fixed point (`--fix --unsafe-fixes`, every rule, ShellCheck off):
//! never panic; when the input parsed, the output parses; the fixes converge; a second fix
//! pass changes nothing.
#![no_main]

use std::sync::LazyLock;

use layerlint_linter::fix::fix_file;
use layerlint_linter::settings::ShellcheckSetting;
use layerlint_linter::{Applicability, Settings, Target};
use libfuzzer_sys::fuzz_target;

static SETTINGS: LazyLock<Settings> = LazyLock::new(|| {
    let mut settings = Settings::all();
    settings.options.shellcheck = ShellcheckSetting::Off;
    settings
});

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let target = Target::default();
    let outcome = fix_file(source, &target, &SETTINGS, Applicability::Unsafe);
    if layerlint_syntax::parse(source).parser_accepts() {
        assert!(
            layerlint_syntax::parse(&outcome.source).parser_accepts(),
            "the fixes broke the parse:\n{}",
            outcome.source
        );
    }
    if outcome.not_converged.is_some() {
        // A fix loop that does not settle is reported to the user, not a crash; but the
        // second pass below must still hold for what was produced.
        return;
    }
    let again = fix_file(&outcome.source, &target, &SETTINGS, Applicability::Unsafe);
    assert_eq!(again.source, outcome.source, "a second fix pass changed the file");
});
