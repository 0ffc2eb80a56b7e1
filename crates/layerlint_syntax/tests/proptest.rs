//! Arbitrary input never panics, always prints back exactly, and the tokens tile it.

use layerlint_syntax::{Body, Instruction, parse};
use layerlint_text::TextSize;
use proptest::prelude::*;

/// Pieces that hit the parser's corners more often than random characters would.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("FROM ".to_owned()),
        Just("RUN ".to_owned()),
        Just("COPY ".to_owned()),
        Just("ENV ".to_owned()),
        Just("ARG ".to_owned()),
        Just("ONBUILD ".to_owned()),
        Just("HEALTHCHECK ".to_owned()),
        Just("LABEL ".to_owned()),
        Just("CMD ".to_owned()),
        Just("\\\n".to_owned()),
        Just("`\n".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("# escape=`\n".to_owned()),
        Just("# syntax=x\n".to_owned()),
        Just("#".to_owned()),
        Just("<<EOF".to_owned()),
        Just("<<-'E'".to_owned()),
        Just("EOF\n".to_owned()),
        Just("[\"a\", ".to_owned()),
        Just("]".to_owned()),
        Just("--mount=type=cache,target=/x ".to_owned()),
        Just("--from=".to_owned()),
        Just("=".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("${A:-b}".to_owned()),
        Just(" ".to_owned()),
        Just("\t".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("é😀\u{a0}".to_owned()),
        "[a-z0-9 ]{1,6}",
        any::<String>(),
    ]
}

fn check_instruction(source: &str, instruction: &Instruction) {
    let len = TextSize::of(source);
    for range in [instruction.range, instruction.keyword, instruction.args] {
        assert!(range.end() <= len);
        assert!(source.is_char_boundary(range.start().to_usize()));
        assert!(source.is_char_boundary(range.end().to_usize()));
    }
    for flag in &instruction.flags {
        assert!(flag.range.end() <= len);
        assert!(source.is_char_boundary(flag.range.start().to_usize()));
    }
    for heredoc in &instruction.heredocs {
        let _ = &source[heredoc.body];
        let _ = &source[heredoc.marker];
    }
    if let Body::Onbuild(Some(inner)) = &instruction.body {
        check_instruction(source, inner);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_and_round_trips(parts in prop::collection::vec(fragment(), 0..40)) {
        let source: String = parts.concat();
        let parsed = parse(&source);
        prop_assert_eq!(parsed.file.print(), source.as_str());
        let mut offset = TextSize::ZERO;
        for token in parsed.file.tokens() {
            prop_assert_eq!(token.range.start(), offset, "tokens must be contiguous");
            prop_assert!(!token.range.is_empty());
            offset = token.range.end();
        }
        prop_assert_eq!(offset, TextSize::of(&source));
        for instruction in parsed.file.instructions() {
            check_instruction(&source, instruction);
        }
        for error in &parsed.errors {
            let _ = &source[error.range];
        }
        let _ = layerlint_syntax::debug::tree(&parsed);
        let _ = layerlint_syntax::buildkit::dump(&parsed.file);
    }
}
