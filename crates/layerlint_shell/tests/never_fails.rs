//! Property tests: parsing any text never panics, and every range the API reports lies
//! inside the input (source ranges inside the source, text ranges inside their text) and
//! on character boundaries.

use layerlint_shell::{Script, TextId};
use layerlint_text::{MappedText, TextRange, TextSize};
use proptest::prelude::*;

/// Shell-ish fragments, so that generated text hits the interesting paths.
const TOKENS: &[&str] = &[
    " ",
    " ",
    "\t",
    "\n",
    "\\\n",
    "\\",
    ";",
    ";;",
    "&",
    "&&",
    "|",
    "||",
    "|&",
    "(",
    ")",
    "((",
    "))",
    "{",
    "}",
    "<",
    ">",
    ">>",
    "2>&1",
    "<<",
    "<<-",
    "<<<",
    "EOF",
    "'",
    "\"",
    "`",
    "$",
    "$(",
    "${",
    "$((",
    "$'",
    "$[",
    "#",
    "=",
    "A=",
    "a=(",
    "*",
    "?",
    "[",
    "]",
    "[[",
    "]]",
    "!",
    "~",
    "if",
    "then",
    "elif",
    "else",
    "fi",
    "for",
    "in",
    "do",
    "done",
    "while",
    "until",
    "case",
    "esac",
    "function",
    "f()",
    "sh -c ",
    "bash -c '",
    "su -c ",
    "sudo ",
    "apt-get",
    "install",
    "-y",
    "--yes",
    "-qy",
    "--opt=v",
    "--",
    "é",
    "日本",
    "😀",
    "\r\n",
    "x",
    "0",
    "<(",
    ">(",
    "@(",
    "select",
];

fn shellish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..60).prop_map(|t| t.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => shellish(),
        1 => any::<String>(),
        1 => "[a-z $'\"\\\\`(){}|&;<>#=\n\t*?!~-]{0,80}",
    ]
}

fn check_range(
    what: &str,
    range: TextRange,
    text: &str,
) -> Result<(), proptest::test_runner::TestCaseError> {
    let (start, end) = (range.start().to_usize(), range.end().to_usize());
    prop_assert!(
        start <= end && end <= text.len(),
        "{what} {range:?} outside 0..{}",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what} {range:?} not on char boundaries of {text:?}"
    );
    Ok(())
}

/// Checks every range the script reports, against `source` (the source of the root text).
fn check_script(script: &Script, source: &str) -> Result<(), proptest::test_runner::TestCaseError> {
    let text_of = |id: TextId| script.mapped_text(id).as_str();
    for c in script.commands() {
        check_range("command", c.range(), source)?;
        check_range("command text", c.text_range(), text_of(c.text_id()))?;
        let _ = (c.name(), c.subcommand(), c.has_flag("-y"), c.shell_string());
        for w in c.words() {
            check_range("word", w.range(), source)?;
            check_range("word text", w.text_range(), text_of(w.text_id()))?;
            let _ = (
                w.value(),
                w.value_lossy(),
                w.static_prefix(),
                w.as_assignment(),
            );
            // `may_mention` never rules out a word's value (rules skip scripts by it).
            for value in [w.value(), Some(w.value_lossy())].into_iter().flatten() {
                prop_assert!(
                    script.may_mention(value),
                    "may_mention({value:?}) is false for a word of {source:?}"
                );
            }
            // A command's name, through its wrappers or not, is its name word's basename
            // (the script's table of names gives the same as the word).
            for view in [c, c.unwrapped()] {
                let basename = view.name_path().map(|p| p.rsplit('/').next().unwrap_or(p));
                prop_assert_eq!(view.name(), basename);
            }
            for e in w.expansions() {
                check_range("expansion", e.range, source)?;
                let _ = e.parameter_name();
            }
        }
        for a in c.assignments() {
            check_range("assignment", a.range(), source)?;
            check_range("assignment value", a.value().range(), source)?;
            let _ = (a.name(), a.value().value_lossy());
        }
        for r in c.redirects() {
            check_range("redirect", r.range(), source)?;
            if let Some(t) = r.target() {
                check_range("redirect target", t.range(), source)?;
            }
            if let Some(h) = r.heredoc() {
                check_range("heredoc", h.range(), source)?;
                let _ = h.body();
            }
        }
        for arg in c.options(layerlint_shell::known::APT_GET) {
            let _ = arg.value().map(|v| v.as_str());
        }
        let _ = (
            c.parent(),
            c.piped_into(),
            c.piped_from(),
            c.nested().count(),
        );
        let _ = c.shell_string_commands().count();
        let inner = c.unwrapped();
        let _ = (
            inner.name(),
            inner.args().count(),
            inner.has_flag("-y"),
            inner.shell_string(),
        );
    }
    for p in script.pipelines() {
        check_range("pipeline", p.range(), source)?;
        prop_assert!(!p.is_empty());
        for e in p.elements() {
            check_range("element", e.range(), source)?;
            let _ = (
                e.command(),
                e.commands().count(),
                e.direct_commands().count(),
            );
        }
    }
    for e in script.errors() {
        check_range("error", e.range, source)?;
        check_range("error text", e.text_range, text_of(e.text))?;
        let _ = e.to_string();
    }
    Ok(())
}

proptest! {
    // 2000 cases unless PROPTEST_CASES says otherwise.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000),
        ..ProptestConfig::default()
    })]

    #[test]
    fn never_panics_and_ranges_are_in_bounds(text in any_text()) {
        let script = layerlint_shell::parse_str(&text);
        check_script(&script, &text)?;
    }

    /// The same through a map with gaps, as the Dockerfile parser gives: the text is cut
    /// at some char boundaries and each piece is placed after a `\`+newline in the source.
    #[test]
    fn ranges_map_into_a_source_with_gaps(text in any_text(), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..4)) {
        let mut boundaries: Vec<usize> = cuts
            .iter()
            .map(|i| i.index(text.len() + 1))
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        boundaries.sort_unstable();
        boundaries.dedup();
        let mut source = String::from("RUN ");
        let mut mapped = MappedText::new();
        let mut at = 0;
        for cut in boundaries.into_iter().chain([text.len()]) {
            if cut < at {
                continue;
            }
            mapped.push(&text[at..cut], TextSize::of(&source));
            source.push_str(&text[at..cut]);
            source.push_str("\\\n");
            at = cut;
        }
        let script = layerlint_shell::parse(&mapped);
        check_script(&script, &source)?;
    }
}
