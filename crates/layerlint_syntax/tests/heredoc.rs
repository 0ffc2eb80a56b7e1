//! Heredocs in every form BuildKit accepts (after `parser_heredoc_test.go`, restated).

use layerlint_syntax::{Body, CommandLine, InstructionKind, TokenKind, parse};

/// (name, content, expand, chomp, fd) of each heredoc of each instruction after FROM.
type Expect<'a> = &'a [(&'a str, &'a str, bool, bool, Option<u32>)];
type Found = (String, String, bool, bool, Option<u32>);

fn heredocs_of(source: &str) -> Vec<Vec<Found>> {
    let parsed = parse(source);
    assert!(parsed.parser_accepts(), "{:?}", parsed.errors);
    assert_eq!(parsed.file.print(), source);
    parsed.file.instructions()[1..]
        .iter()
        .map(|i| {
            i.heredocs
                .iter()
                .map(|h| {
                    let content = h.content(source).as_str().to_owned();
                    (h.name.clone(), content, h.expand, h.chomp, h.fd)
                })
                .collect()
        })
        .collect()
}

fn check(source: &str, expected: &[Expect<'_>]) {
    let got = heredocs_of(source);
    let expected: Vec<Vec<Found>> = expected
        .iter()
        .map(|docs| {
            docs.iter()
                .map(|(n, c, e, ch, fd)| ((*n).to_owned(), (*c).to_owned(), *e, *ch, *fd))
                .collect()
        })
        .collect();
    assert_eq!(got, expected, "{source}");
}

#[test]
fn buildkit_heredoc_forms() {
    let source = "FROM alpine:3.6\n\nENV NAME=me\n\nRUN ls\n\nUSER <<INVALID\nINVALID\n\n\
RUN <<EMPTY\nEMPTY\n\nRUN 3<<EMPTY2\nEMPTY2\n\nRUN \"<<NOHEREDOC\"\n\n\
RUN <<INDENT\n\tfoo\n\tbar\nINDENT\n\nRUN <<-UNINDENT\n\tbaz\n\tquux\nUNINDENT\n\n\
RUN <<-UNINDENT2\n\tbaz\n\tquux\n\tUNINDENT2\n\nRUN <<-EXPAND\n\texpand $NAME\nEXPAND\n\n\
RUN <<-'NOEXPAND'\n\tdon't expand $NAME\nNOEXPAND\n\n\
RUN <<COMMENT\n# internal comment\necho hello world\necho foo bar # trailing comment\nCOMMENT\n\n\
RUN --mount=type=cache,target=/foo <<MOUNT\necho hello\nMOUNT\n\n\
COPY <<FILE1 <<FILE2 /dest\ncontent 1\nFILE1\ncontent 2\nFILE2\n\n\
COPY <<EOF /quotes\n\"foo\"\n'bar'\nEOF\n\nCOPY <<X <<Y /dest\nY\nX\nX\nY\n\n\
RUN <<COMPLEX python3\nprint('hello world')\nCOMPLEX\n\n\
COPY <<file.txt /dest\nhello world\nfile.txt\n\nRUN <<eo'f'\necho foo\neof\n\n\
RUN <<eo\\'f\necho foo\neo'f\n\nRUN <<'e'o\\'f\necho foo\neo'f\n\n\
RUN <<'one two'\necho bar\none two\n\nRUN <<$EOF\n$EOF\n\nRUN <<  EOF\nEOF\n\n\
RUN <<  EOF  > foo\nEOF\n\t";
    check(
        source,
        &[
            &[],
            &[],
            &[],
            &[],
            &[("EMPTY", "", true, false, None)],
            &[("EMPTY2", "", true, false, Some(3))],
            &[],
            &[("INDENT", "\tfoo\n\tbar\n", true, false, None)],
            &[("UNINDENT", "baz\nquux\n", true, true, None)],
            &[("UNINDENT2", "baz\nquux\n", true, true, None)],
            &[("EXPAND", "expand $NAME\n", true, true, None)],
            &[("NOEXPAND", "don't expand $NAME\n", false, true, None)],
            &[(
                "COMMENT",
                "# internal comment\necho hello world\necho foo bar # trailing comment\n",
                true,
                false,
                None,
            )],
            &[("MOUNT", "echo hello\n", true, false, None)],
            &[
                ("FILE1", "content 1\n", true, false, None),
                ("FILE2", "content 2\n", true, false, None),
            ],
            &[("EOF", "\"foo\"\n'bar'\n", true, false, None)],
            &[
                ("X", "Y\n", true, false, None),
                ("Y", "X\n", true, false, None),
            ],
            &[("COMPLEX", "print('hello world')\n", true, false, None)],
            &[("file.txt", "hello world\n", true, false, None)],
            &[("eof", "echo foo\n", false, false, None)],
            &[("eo'f", "echo foo\n", true, false, None)],
            &[("eo'f", "echo foo\n", false, false, None)],
            &[("one two", "echo bar\n", false, false, None)],
            &[("$EOF", "", true, false, None)],
            &[("EOF", "", true, false, None)],
            &[("EOF", "", true, false, None)],
        ],
    );
}

#[test]
fn json_forms_have_no_heredocs() {
    let source = "FROM alpine:3.6\n\nRUN [\"whoami\"]\nRUN [\"<<EOF\"]\nRUN [\"<<'EOF'\"]\n\t";
    check(source, &[&[], &[], &[]]);
}

#[test]
fn heredoc_after_a_continuation_and_next_lines() {
    // After a continuation; the next instruction and a comment right after terminators;
    // inside ONBUILD; CRLF line endings.
    let source = "FROM x\nRUN a && \\\n  b <<BAR\nbar body\nBAR\nRUN <<A\nx\nA\n# comment\nONBUILD RUN <<B\ny\nB\nCOPY <<C /c\r\nz\r\nC\r\nCMD [\"x\"]\n";
    check(
        source,
        &[
            &[("BAR", "bar body\n", true, false, None)],
            &[("A", "x\n", true, false, None)],
            &[("B", "y\n", true, false, None)],
            &[("C", "z\r\n", true, false, None)],
            &[],
        ],
    );
    let parsed = parse(source);
    let file = &parsed.file;
    let onbuild = &file.instructions()[3];
    assert_eq!(onbuild.kind, InstructionKind::Onbuild);
    assert_eq!(file.text(onbuild.range), "ONBUILD RUN <<B\ny\nB");
    let run = &file.instructions()[1];
    assert_eq!(
        file.text(run.range),
        "RUN a && \\\n  b <<BAR\nbar body\nBAR"
    );
    assert_eq!(file.text(run.heredocs[0].marker), "<<BAR");
    assert_eq!(parsed.file.comments().len(), 1);
    let kinds: Vec<TokenKind> = file.tokens().iter().map(|t| t.kind).collect();
    assert!(kinds.contains(&TokenKind::HeredocBody));
    assert!(kinds.contains(&TokenKind::HeredocTerminator));
}

#[test]
fn command_after_the_marker_and_shell_text() {
    let source = "FROM x\nRUN <<EOF python3\nprint(1)\nEOF\n";
    let parsed = parse(source);
    let run = &parsed.file.instructions()[1];
    let Body::Run(body) = &run.body else { panic!() };
    let Some(CommandLine::Shell(shell)) = &body.command else {
        panic!()
    };
    assert_eq!(shell.as_str(), "<<EOF python3");
    assert_eq!(run.heredocs[0].content(source).as_str(), "print(1)\n");
}

#[test]
fn unterminated_heredoc_is_an_error_that_keeps_the_text() {
    let source = "FROM x\nRUN <<EOF\necho hi\nRUN echo not an instruction\n";
    let parsed = parse(source);
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].message, "unterminated heredoc");
    assert_eq!(parsed.file.text(parsed.errors[0].range), "<<EOF");
    assert_eq!(parsed.file.instructions().len(), 2);
    assert_eq!(parsed.file.print(), source);
    let heredoc = &parsed.file.instructions()[1].heredocs[0];
    assert_eq!(heredoc.terminator, None);
    assert_eq!(
        parsed.file.text(heredoc.body),
        "echo hi\nRUN echo not an instruction\n"
    );
}
