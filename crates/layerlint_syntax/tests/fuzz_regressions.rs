//! Inputs the fuzzer (`fuzz/`, target `parse`) found to crash the parser, kept as files.

#[test]
fn arg_with_escapes_before_the_equals_sign() {
    // `ARG` whose word shrinks when unescaped: the name was cut at a source offset.
    let bytes = include_bytes!("data/fuzz-arg-escaped-name.Dockerfile");
    let source = String::from_utf8_lossy(bytes);
    let parsed = layerlint_syntax::parse(&source);
    assert_eq!(parsed.file.print(), source);
    let _ = layerlint_syntax::semantic::Semantic::new(&parsed.file);
}
