//! The tutorial we build for (`fixtures/seed/tutorial/Dockerfile`): its last line,
//! `CMD ["node", "dist/index.js", ]`, runs `/bin/sh -c '["node", "dist/index.js", ]'`.
//! It must be reported, with the safe fix to valid JSON.

use layerlint_linter::fix::fix_file;
use layerlint_linter::{Applicability, Settings, Target, lint};
use layerlint_text::LineIndex;

#[test]
fn tutorial_cmd_is_reported_and_fixed() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/seed/tutorial/Dockerfile"
    );
    let source = std::fs::read_to_string(path).unwrap();
    let settings = Settings::default();
    let result = lint(&source, None, &settings);
    let last_line = source.trim_end().lines().count();
    let index = LineIndex::new(&source);
    let findings: Vec<_> = result
        .diagnostics
        .iter()
        .filter(|d| d.rule.code == "LL101")
        .collect();
    assert_eq!(findings.len(), 1, "{:?}", result.diagnostics);
    let finding = findings[0];
    assert_eq!(
        index.position(finding.range.start(), &source).line as usize,
        last_line,
        "LL101 on the last line"
    );
    let fix = finding.fix.as_ref().expect("a fix");
    assert_eq!(fix.applicability, Applicability::Safe);

    let fixed = fix_file(&source, &Target::default(), &settings, Applicability::Safe).source;
    assert_eq!(
        fixed.trim_end().lines().last(),
        Some(r#"CMD ["node", "dist/index.js"]"#)
    );
}
