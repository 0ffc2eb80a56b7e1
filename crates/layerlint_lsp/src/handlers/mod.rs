//! One file per LSP method.

pub mod code_action;
pub mod completion;
pub mod diagnostic;
pub mod did_change;
pub mod did_change_configuration;
pub mod did_change_watched_files;
pub mod did_close;
pub mod did_open;
pub mod did_save;
pub mod document_symbol;
pub mod hover;
pub mod initialize;
pub mod initialized;

/// Every real Dockerfile of `../shared/corpus/real` (skipped when absent) through every
/// handler's core: symbols, code actions over the whole file, hover and completion at many
/// offsets. Nothing may panic, and every range must fit the file.
#[cfg(test)]
mod corpus {
    use std::path::Path;

    use layerlint_text::{PositionEncoding, TextRange, TextSize};

    use crate::snapshot::{LintEnv, Snapshot};

    #[test]
    fn handlers_hold_on_real_dockerfiles() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            eprintln!("skipping: {} is absent", dir.display());
            return;
        };
        let mut files = 0;
        let (mut hovers, mut completions, mut ignores) = (0usize, 0usize, 0usize);
        // ShellCheck (an external process per lint) is not what this test is about.
        let mut settings = layerlint_linter::Settings::default();
        settings.options.shellcheck = layerlint_linter::settings::ShellcheckSetting::Off;
        let env = LintEnv {
            settings: std::sync::Arc::new(settings.clone()),
            ..LintEnv::default()
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".tsv") || name.ends_with(".json") || name.ends_with(".md") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            files += 1;
            let snapshot = Snapshot::new(&text, 1, env.clone());
            assert!(!snapshot.crashed, "{name}");
            let len = TextSize::of(&text);
            let lines = snapshot.lines(PositionEncoding::Utf16);
            super::document_symbol::symbols(&snapshot, &lines);
            // One ignore edit per rule and file: each means a re-lint.
            let mut seen_rules = Vec::new();
            for diagnostic in snapshot.diagnostics() {
                if seen_rules.contains(&diagnostic.rule.code) {
                    continue;
                }
                seen_rules.push(diagnostic.rule.code);
                let Some(code) = layerlint_linter::ignore::ignore_code(diagnostic) else {
                    continue;
                };
                if let Some(edit) = layerlint_linter::ignore::ignore_edit(
                    snapshot.file(),
                    diagnostic.range.start(),
                    &[code],
                    None,
                ) {
                    assert!(edit.range.end() <= len, "{name}");
                    let ignored = layerlint_diagnostics::apply_edits(&text, [&edit]);
                    let again = layerlint_linter::lint(&ignored, None, &settings);
                    let same = |d: &&layerlint_linter::Diagnostic| {
                        d.rule.code == diagnostic.rule.code && d.message == diagnostic.message
                    };
                    assert!(
                        again.diagnostics.iter().filter(same).count()
                            < snapshot.diagnostics().iter().filter(same).count(),
                        "{name}: ignoring {} left it:\n{ignored}",
                        diagnostic.rule.code
                    );
                    ignores += 1;
                }
            }
            super::code_action::stage_fixes(snapshot.cache_findings(), TextRange::up_to(len));
            let step = (text.len() / 60).max(1);
            for at in (0..=text.len())
                .step_by(step)
                .filter(|&i| text.is_char_boundary(i))
            {
                let offset = TextSize::from_usize(at);
                if let Some((range, _)) = super::hover::hover_at(&snapshot, offset) {
                    assert!(range.end() <= len, "{name}");
                    hovers += 1;
                }
                for item in super::completion::completions(&snapshot, offset) {
                    assert!(
                        item.replace.end() <= len && item.replace.end() == offset,
                        "{name}"
                    );
                    completions += 1;
                }
            }
        }
        eprintln!(
            "{files} files: {hovers} hovers, {completions} completions, {ignores} ignore edits checked"
        );
    }
}
