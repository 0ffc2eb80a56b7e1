//! Parse arbitrary text: never panic, print back exactly, tokens tile the input, every
//! range lies inside it, and the BuildKit dump and tree printers never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = layerlint_syntax::parse(source);
    assert_eq!(parsed.file.print(), source);
    let mut end = 0;
    for token in parsed.file.tokens() {
        assert_eq!(token.range.start().to_usize(), end);
        end = token.range.end().to_usize();
    }
    assert_eq!(end, source.len());
    for instruction in parsed.file.instructions() {
        let _ = &source[instruction.range];
        for heredoc in &instruction.heredocs {
            let _ = &source[heredoc.body];
        }
    }
    for error in &parsed.errors {
        let _ = &source[error.range];
    }
    let _ = layerlint_syntax::buildkit::dump(&parsed.file);
    let _ = layerlint_syntax::debug::tree(&parsed);
    let _ = layerlint_syntax::semantic::Semantic::new(&parsed.file);
});
