//! Parse arbitrary `.dockerignore` text and match arbitrary paths: never panic, and the
//! ways of asking agree (`matches` is `evaluate().excluded`; `matched_by` names a pattern
//! exactly when the path is ignored; a directory excluded entirely excludes its files).
#![no_main]

use layerlint_cache::DockerIgnore;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The patterns, then (after a NUL) the paths to match, one a line.
    let (patterns, paths) = text.split_once('\0').unwrap_or((&text, "a/b\nsrc/index.ts\n.git"));
    let Ok(ignore) = DockerIgnore::parse(patterns) else {
        return;
    };
    for path in paths.lines().take(64) {
        let ignored = ignore.matches(path);
        let verdict = ignore.evaluate(path);
        assert_eq!(ignored, verdict.excluded, "{path:?}");
        if let Some(pattern) = verdict.decided_by {
            assert_eq!(pattern.is_exclusion(), !ignored, "{path:?}: {pattern:?}");
        }
        if let Some(pattern) = ignore.matched_by(path) {
            assert!(ignored && !pattern.is_exclusion(), "{path:?}: {pattern:?}");
        }
        if ignore.excludes_dir_entirely(path) {
            for child in ["x", "y/z"] {
                assert!(ignore.matches(&format!("{path}/{child}")), "{path:?}/{child}");
            }
        }
    }
});
