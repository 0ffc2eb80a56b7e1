//! Lint arbitrary text with every rule on (ShellCheck off): never panic, and every finding,
//! related range and fix edit lies inside the file, on character boundaries.
#![no_main]

use std::sync::LazyLock;

use layerlint_linter::Settings;
use layerlint_linter::settings::ShellcheckSetting;
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
    let result = layerlint_linter::lint(source, None, &SETTINGS);
    let inside = |range: layerlint_text::TextRange| {
        range.end().to_usize() <= source.len()
            && source.is_char_boundary(range.start().to_usize())
            && source.is_char_boundary(range.end().to_usize())
    };
    for diagnostic in &result.diagnostics {
        assert!(inside(diagnostic.range), "{diagnostic:?}");
        for related in &diagnostic.related {
            assert!(inside(related.range), "{diagnostic:?}");
        }
        if let Some(fix) = &diagnostic.fix {
            for edit in &fix.edits {
                assert!(inside(edit.range), "{diagnostic:?}");
            }
        }
    }
});
