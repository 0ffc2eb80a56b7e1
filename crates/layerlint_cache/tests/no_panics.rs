//! Property tests: parsing any text and matching any path never panics, and the verdicts hang
//! together.

use layerlint_cache::DockerIgnore;
use proptest::prelude::*;

/// Text made of the characters that matter to patterns, so that the interesting code paths
/// (classes, escapes, `**`, `!`, comments, cleaning) are reached often.
fn glob_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("*"),
            Just("**"),
            Just("?"),
            Just("["),
            Just("]"),
            Just("^"),
            Just("!"),
            Just("-"),
            Just("\\"),
            Just("/"),
            Just("."),
            Just(".."),
            Just("#"),
            Just(" "),
            Just("\n"),
            Just("\r\n"),
            Just("a"),
            Just("b"),
            Just("é"),
            Just("{"),
            Just("}"),
            Just("("),
            Just(")"),
            Just("$"),
            Just("[:alpha:]"),
            Just("\\d"),
            Just("\\Q"),
            Just("\\E"),
            Just("\\pL"),
            Just("\\x41"),
            Just("\u{feff}"),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

fn path_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("a"),
            Just("b"),
            Just("/"),
            Just("."),
            Just(".."),
            Just("é"),
            Just("]"),
            Just("*"),
            Just("\n")
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_never_panics_on_any_text(text in any::<String>()) {
        let _ = DockerIgnore::parse(&text);
    }

    #[test]
    fn parse_and_match_never_panic(text in glob_text(), paths in prop::collection::vec(path_text(), 1..6)) {
        if let Ok(ignore) = DockerIgnore::parse(&text) {
            for path in &paths {
                let verdict = ignore.evaluate(path);
                prop_assert_eq!(verdict.excluded, ignore.matches(path));
                prop_assert_eq!(ignore.matched_by(path).is_some(), verdict.excluded);
                if let Some(pattern) = verdict.decided_by {
                    prop_assert_eq!(pattern.is_exclusion(), !verdict.excluded);
                }
                if ignore.excludes_dir_entirely(path) {
                    prop_assert!(verdict.excluded);
                }
            }
        }
    }

    #[test]
    fn matching_any_path_never_panics(path in any::<String>()) {
        let ignore = DockerIgnore::parse("*\n!a/**\n**/b?\n[a-z]*/[!x]\n\\d*\nc**d\n").unwrap();
        let _ = ignore.matches(&path);
        let _ = ignore.matched_by(&path);
        let _ = ignore.excludes_dir_entirely(&path);
    }

    /// `excludes_dir_entirely` is never wrong when it says yes: no path below is included.
    #[test]
    fn entirely_excluded_means_every_child_is(text in glob_text(), dir in path_text(), child in path_text()) {
        // Only paths that really are below `dir` once cleaned.
        if let Ok(ignore) = DockerIgnore::parse(&text)
            && ignore.excludes_dir_entirely(&dir)
            && !child.split('/').any(|part| part == "..")
        {
            let below = format!("{dir}/{child}");
            prop_assert!(ignore.matches(&below), "{:?} below {:?} is included", below, dir);
        }
    }
}
