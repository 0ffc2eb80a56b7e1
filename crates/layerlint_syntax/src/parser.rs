//! The file scanner: directives, comments, line continuations, heredoc bodies and tokens,
//! following BuildKit's `parser.Parse` line by line.

use layerlint_text::{MappedText, TextRange, TextSize};

use crate::ast::{Directive, DirectiveKind, Dockerfile, Heredoc, Instruction, Token, TokenKind};
use crate::error::{ParseError, ParseErrorKind};
use crate::heredoc::heredocs_in_line;
use crate::line::parse_line;
use crate::words::{is_space, leading_space, leading_space_in};

/// BuildKit reads lines with a `bufio.Scanner` whose buffer holds at most 64 KiB.
const MAX_LINE: usize = 64 * 1024;

/// The result of parsing: the tree, and every problem found. Parsing never fails: an
/// error in one instruction leaves the others intact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parse {
    pub file: Dockerfile,
    pub errors: Vec<ParseError>,
}

impl Parse {
    /// Whether BuildKit's parser accepts the file (instruction-level problems aside).
    pub fn parser_accepts(&self) -> bool {
        !self.errors.iter().any(|e| e.kind.is_parser_level())
    }
}

/// Parses a Dockerfile.
pub fn parse(source: &str) -> Parse {
    let mut parser = Parser::<false>::new(source);
    parser.run();
    let mut errors = parser.errors;
    let file = Dockerfile {
        source: source.to_owned(),
        bom: parser.bom,
        escape: parser.escape,
        directives: parser.directives,
        instructions: parser.instructions,
        comments: parser.comments,
        tokens: std::sync::OnceLock::new(),
        empty_continuation_lines: parser.empty_continuation_lines,
    };
    crate::validate::validate(&file, &mut errors);
    errors.sort_by_key(|e| (e.range.start(), e.range.end()));
    Parse { file, errors }
}

/// The tokens of `source`, tiling it (the scanner run again, keeping its tokens).
pub(crate) fn tokenize(source: &str) -> Vec<Token> {
    let mut parser = Parser::<true>::new(source);
    parser.run();
    parser.tokens
}

/// One physical line: `start..content_end` is its text, `content_end..end` its line ending.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    content_end: usize,
    end: usize,
}

/// `EMIT_TOKENS`: whether to record tokens (they are computed only when asked for). A
/// constant, not a field: the parse for the linter, which never wants them, is compiled
/// without the checks at every line and token.
struct Parser<'s, const EMIT_TOKENS: bool> {
    src: &'s str,
    pos: usize,
    bom: bool,
    escape: char,
    directives_done: bool,
    directives: Vec<Directive>,
    instructions: Vec<Instruction>,
    comments: Vec<TextRange>,
    tokens: Vec<Token>,
    empty_continuation_lines: Vec<TextRange>,
    errors: Vec<ParseError>,
    /// Comment lines waiting to become the next instruction's `comments`.
    pending_comments: Vec<TextRange>,
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::from_usize(start, end)
}

impl<'s, const EMIT_TOKENS: bool> Parser<'s, EMIT_TOKENS> {
    fn new(src: &'s str) -> Self {
        Parser {
            src,
            pos: 0,
            bom: false,
            escape: '\\',
            directives_done: false,
            directives: Vec::new(),
            // About one instruction per two or three lines of 30 to 40 bytes, but fewer
            // bytes per instruction in many files: room for most files without growing
            // (and copying) the vector along the way.
            instructions: Vec::with_capacity(src.len() / 48 + 4),
            // Comment lines are common (a sixth of all lines in real files): room for
            // most files' without growing along the way.
            comments: Vec::with_capacity(src.len() / 128 + 4),
            tokens: if EMIT_TOKENS {
                Vec::with_capacity(src.len() / 4)
            } else {
                Vec::new()
            },
            empty_continuation_lines: Vec::new(),
            errors: Vec::new(),
            // Most files have comments: room for a few without growing from empty.
            pending_comments: Vec::with_capacity(4),
        }
    }

    fn token(&mut self, kind: TokenKind, start: usize, end: usize) {
        if EMIT_TOKENS && start < end {
            self.tokens.push(Token {
                kind,
                range: range(start, end),
            });
        }
    }

    #[inline(always)]
    fn line_at(&mut self, start: usize) -> Line {
        let bytes = self.src.as_bytes();
        let (end, line) = match find_newline(bytes, start) {
            Some(i) => (i + 1, &bytes[start..i]),
            None => (bytes.len(), &bytes[start..]),
        };
        // The `\r`s before the line ending (or at the end of the file) are not content.
        let returns = match line.last() {
            Some(b'\r') => line.iter().rev().take_while(|&&b| b == b'\r').count(),
            _ => 0,
        };
        let content_end = start + line.len() - returns;
        if end - start > MAX_LINE {
            self.errors.push(ParseError::new(
                ParseErrorKind::LineTooLong,
                range(start, content_end),
                format!(
                    "dockerfile line greater than max allowed size of {}",
                    MAX_LINE - 1
                ),
            ));
        }
        Line {
            start,
            content_end,
            end,
        }
    }

    fn newline(&mut self, line: Line) {
        self.token(TokenKind::Newline, line.content_end, line.end);
    }

    fn run(&mut self) {
        if self.src.starts_with('\u{feff}') {
            self.bom = true;
            self.token(TokenKind::Bom, 0, 3);
            self.pos = 3;
        }
        // The logical line being parsed: one, whose buffers serve every instruction. Room
        // for most of them (a long RUN's too, which made it grow in most files), and for the
        // pieces of a long RUN (one per continuation line), which made the pieces grow from
        // two in most files. Held here, not in the parser, so that each instruction reads
        // it while the parser records, without moving it out and back.
        let mut logical = MappedText::with_capacities(1024, 32);
        while self.pos < self.src.len() {
            let line = self.line_at(self.pos);
            // Bytes, not a slice of the text: every line's comes here, and the ends are
            // character boundaries already.
            let lead = leading_space_in(self.src, line.start, line.content_end);
            let body = &self.src.as_bytes()[line.start + lead..line.content_end];
            if !self.directives_done {
                if self.directive(line, lead) {
                    self.pos = line.end;
                    continue;
                }
                self.directives_done = true;
            }
            if body.first() == Some(&b'#') {
                self.comment_line(line, lead);
                self.pos = line.end;
            } else if body.is_empty() {
                self.token(TokenKind::Whitespace, line.start, line.content_end);
                self.newline(line);
                self.pos = line.end;
            } else {
                self.instruction(line, lead, &mut logical);
            }
        }
        if self.instructions.is_empty() {
            let end = self.src.len();
            self.errors.push(ParseError::new(
                ParseErrorKind::NoInstructions,
                range(end, end),
                "file with no instructions",
            ));
        }
    }

    /// A parser directive (`# key=value` in the header): BuildKit's regular expression
    /// `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` after `#` and leading whitespace.
    fn directive(&mut self, line: Line, lead: usize) -> bool {
        let hash = line.start + lead;
        let text = &self.src[hash..line.content_end];
        let Some(after_hash) = text.strip_prefix('#') else {
            return false;
        };
        let re_space = |c: char| matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ');
        let name_start = hash + 1 + leading_space(after_hash);
        let rest = &self.src[name_start..line.content_end];
        let name_len = rest
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
            .map_or(rest.len(), |(i, _)| i);
        if name_len == 0 {
            return false;
        }
        let name = &rest[..name_len];
        let after_name = rest[name_len..].trim_start_matches(re_space);
        let Some(after_eq) = after_name.strip_prefix('=') else {
            return false;
        };
        if after_eq.is_empty() {
            return false;
        }
        let value_text = after_eq.trim_start_matches(re_space);
        let value_start;
        let value_end;
        if value_text.is_empty() {
            // Only whitespace after `=`: the lazy group takes the last whitespace character.
            value_end = line.content_end;
            value_start = value_end - after_eq.chars().last().map_or(0, char::len_utf8);
        } else {
            value_start = line.content_end - value_text.len();
            value_end = value_start + value_text.trim_end_matches(re_space).len();
        }
        let Some(kind) = DirectiveKind::from_name(name) else {
            return false;
        };
        let value = &self.src[value_start..value_end];
        let directive_range = range(hash, line.content_end);
        self.token(TokenKind::Whitespace, line.start, hash);
        self.token(TokenKind::Directive, hash, line.content_end);
        self.newline(line);
        if self.directives.iter().any(|d| d.kind == kind) {
            self.errors.push(ParseError::new(
                ParseErrorKind::DuplicateDirective,
                directive_range,
                format!("only one {} parser directive can be used", kind.as_str()),
            ));
            return true;
        }
        if kind == DirectiveKind::Escape {
            match value {
                "\\" => self.escape = '\\',
                "`" => self.escape = '`',
                _ => self.errors.push(ParseError::new(
                    ParseErrorKind::InvalidDirective,
                    directive_range,
                    format!("invalid escape token '{value}' does not match ` or \\"),
                )),
            }
        }
        self.directives.push(Directive {
            range: directive_range,
            kind,
            name: range(name_start, name_start + name_len),
            value: range(value_start, value_end),
        });
        true
    }

    fn comment_line(&mut self, line: Line, lead: usize) {
        let hash = line.start + lead;
        let comment = range(hash, line.content_end);
        self.token(TokenKind::Whitespace, line.start, hash);
        self.token(TokenKind::Comment, hash, line.content_end);
        self.newline(line);
        self.comments.push(comment);
        // BuildKit's `PrevComment`: an empty `#` line starts the list afresh. (BuildKit
        // drops the line's first byte, which is `#` only when the line is not indented.)
        let raw = &self.src[line.start..line.end];
        let first_len = raw.chars().next().map_or(0, char::len_utf8);
        if raw[first_len..].chars().all(is_space) {
            self.pending_comments.clear();
        } else {
            self.pending_comments.push(comment);
        }
    }

    /// BuildKit's continuation test, `([^e])e[ \t]*$|^e[ \t]*$` for escape `e`: where the
    /// kept text ends, and whether the line continues.
    fn continuation(&self, start: usize, end: usize) -> (usize, bool) {
        // Bytes: the escape is `\` or `` ` `` (the directive allows nothing else).
        let escape = self.escape as u8;
        debug_assert!(self.escape.is_ascii());
        let bytes = &self.src.as_bytes()[start..end];
        let mut last = bytes.len();
        while last > 0 && matches!(bytes[last - 1], b' ' | b'\t') {
            last -= 1;
        }
        if last == 0 || bytes[last - 1] != escape {
            return (end, false);
        }
        let before = last - 1;
        if before > 0 && bytes[before - 1] == escape {
            return (end, false);
        }
        (start + before, true)
    }

    /// Tokens for one physical line of an instruction's code: whitespace and text runs,
    /// then the continuation, then the line ending.
    fn code_tokens(&mut self, start: usize, text_end: usize, line: Line) {
        debug_assert!(EMIT_TOKENS, "callers check EMIT_TOKENS");
        let bytes = self.src.as_bytes();
        let mut pos = start;
        while pos < text_end {
            let run_start = pos;
            let space = self.space_at(pos).0;
            while pos < text_end {
                let (is_space, width) = self.space_at(pos);
                if is_space != space {
                    break;
                }
                pos += width;
            }
            let kind = if space {
                TokenKind::Whitespace
            } else {
                TokenKind::Text
            };
            self.tokens.push(Token {
                kind,
                range: range(run_start, pos),
            });
        }
        debug_assert!(pos == text_end || bytes.is_empty());
        self.token(TokenKind::LineContinuation, text_end, line.content_end);
        self.newline(line);
    }

    /// Whether the character at `pos` is whitespace, and its width.
    #[inline]
    fn space_at(&self, pos: usize) -> (bool, usize) {
        let byte = self.src.as_bytes()[pos];
        if byte.is_ascii() {
            return (
                matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'),
                1,
            );
        }
        let ch = self.src[pos..].chars().next().unwrap_or(' ');
        (is_space(ch), ch.len_utf8())
    }

    fn instruction(&mut self, first: Line, lead: usize, logical: &mut MappedText) {
        let start = first.start + lead;
        let first_token = self.tokens.len();
        self.token(TokenKind::Whitespace, first.start, start);
        logical.clear();
        let (text_end, mut continues) = self.continuation(start, first.content_end);
        logical.push(&self.src[start..text_end], TextSize::from_usize(start));
        if EMIT_TOKENS {
            self.code_tokens(start, text_end, first);
        }
        let mut end = first.content_end;
        self.pos = first.end;

        while continues && self.pos < self.src.len() {
            let line = self.line_at(self.pos);
            self.pos = line.end;
            let lead = leading_space_in(self.src, line.start, line.content_end);
            let content_len = line.content_end - line.start;
            if lead < content_len && self.src.as_bytes()[line.start + lead] == b'#' {
                let hash = line.start + lead;
                self.token(TokenKind::Whitespace, line.start, hash);
                self.token(TokenKind::Comment, hash, line.content_end);
                self.newline(line);
                self.comments.push(range(hash, line.content_end));
                end = line.content_end;
                continue;
            }
            if lead == content_len {
                self.token(TokenKind::Whitespace, line.start, line.content_end);
                self.newline(line);
                self.empty_continuation_lines
                    .push(range(line.start, line.content_end));
                end = line.content_end;
                continue;
            }
            let (text_end, more) = self.continuation(line.start, line.content_end);
            logical.push(
                &self.src[line.start..text_end],
                TextSize::from_usize(line.start),
            );
            if EMIT_TOKENS {
                self.code_tokens(line.start, text_end, line);
            }
            continues = more;
            end = line.content_end;
        }

        let mut instruction = parse_line(
            logical,
            0,
            logical.as_str().len(),
            self.escape,
            0,
            &mut self.errors,
        );
        // A copy of just its length (none when there are no comments): the list keeps its
        // buffer instead of growing a new one for the next instruction's comments.
        instruction.comments = self.pending_comments.clone();
        self.pending_comments.clear();
        self.mark_keyword(first_token, &instruction);

        let target = instruction.effective();
        let heredoc_capable = target.kind.takes_heredocs()
            && !target.command().is_some_and(|c| c.is_exec())
            && !matches!(&target.body, crate::ast::Body::Copy(p) | crate::ast::Body::Add(p) if p.json);
        if heredoc_capable && has_heredoc_operator(logical.as_str()) {
            match heredocs_in_line(logical.as_str()) {
                Ok(found) => {
                    for marker in found {
                        let heredoc = self.heredoc_body(marker, logical);
                        if let Some(terminator) = heredoc.terminator {
                            end = terminator.end().to_usize();
                        } else {
                            end = self.src.len();
                        }
                        instruction.heredocs.push(heredoc);
                    }
                }
                Err(message) => self.errors.push(ParseError::new(
                    ParseErrorKind::InvalidHeredoc,
                    range(start, end),
                    message,
                )),
            }
        }
        instruction.range = range(start, end.max(start));
        self.instructions.push(instruction);
    }

    /// Marks the text tokens covering the keyword as [`TokenKind::Keyword`].
    fn mark_keyword(&mut self, first_token: usize, instruction: &Instruction) {
        let keyword = instruction.keyword;
        if !EMIT_TOKENS {
            return;
        }
        if keyword.is_empty() {
            return;
        }
        for token in &mut self.tokens[first_token..] {
            if token.range.start() >= keyword.end() {
                break;
            }
            if token.kind == TokenKind::Text && keyword.contains_range(token.range) {
                token.kind = TokenKind::Keyword;
            }
        }
    }

    /// Reads the lines of one heredoc up to its terminator.
    fn heredoc_body(&mut self, marker: crate::heredoc::Marker, logical: &MappedText) -> Heredoc {
        let body_start = self.pos;
        let marker_range = logical.range_to_source(TextRange::from_usize(marker.start, marker.end));
        let mut terminator = None;
        while self.pos < self.src.len() {
            let line = self.line_at(self.pos);
            let mut candidate = &self.src[line.start..line.content_end];
            if marker.chomp {
                candidate = candidate.trim_start_matches('\t');
            }
            if candidate == marker.name {
                self.token(TokenKind::HeredocBody, body_start, line.start);
                self.token(TokenKind::HeredocTerminator, line.start, line.content_end);
                self.newline(line);
                terminator = Some(range(line.start, line.content_end));
                self.pos = line.end;
                return Heredoc {
                    marker: marker_range,
                    body: range(body_start, line.start),
                    terminator,
                    name: marker.name,
                    fd: marker.fd,
                    chomp: marker.chomp,
                    expand: marker.expand,
                };
            }
            self.pos = line.end;
        }
        self.token(TokenKind::HeredocBody, body_start, self.src.len());
        self.errors.push(ParseError::new(
            ParseErrorKind::UnterminatedHeredoc,
            marker_range,
            "unterminated heredoc",
        ));
        Heredoc {
            marker: marker_range,
            body: range(body_start, self.src.len()),
            terminator,
            name: marker.name,
            fd: marker.fd,
            chomp: marker.chomp,
            expand: marker.expand,
        }
    }
}

/// The offset of the first `\n` of `bytes` at or after `from`.
///
/// Lines are short (a few dozen bytes): sixteen bytes at a time are tested for a newline
/// (a test the compiler turns into one vector compare), and only the sixteen that hold one
/// are searched, eight at a time. A call to `memchr` cost more, in its set-up for a long
/// haystack, than this whole search of a line.
#[inline(always)]
fn find_newline(bytes: &[u8], from: usize) -> Option<usize> {
    /// The lowest byte of `word` that is `\n` has the lowest set bit (a borrow can set
    /// bits above it, never below).
    fn newline_bits(word: &[u8; 8]) -> u64 {
        const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
        const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
        const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
        let x = u64::from_le_bytes(*word) ^ NEWLINES;
        x.wrapping_sub(ONES) & !x & HIGHS
    }
    let mut pos = from;
    while let Some(chunk) = bytes[pos..].first_chunk::<16>() {
        if crate::words::in_chunk(chunk, |b| b == b'\n') {
            let (low, high) = chunk.split_at(8);
            let low = newline_bits(low.try_into().unwrap_or(&[0; 8]));
            let at = if low != 0 {
                low.trailing_zeros() / 8
            } else {
                8 + newline_bits(high.try_into().unwrap_or(&[0; 8])).trailing_zeros() / 8
            };
            return Some(pos + at as usize);
        }
        pos += 16;
    }
    bytes[pos..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|i| pos + i)
}

/// Whether `text` contains `<<` (before looking for heredocs: most lines have no `<`).
fn has_heredoc_operator(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'<', bytes).any(|i| bytes.get(i + 1) == Some(&b'<'))
}

#[cfg(test)]
mod tests {
    use super::find_newline;

    /// Bytes other than `\n`: next to it (`\t`, `\x0b`), with its bits and the high bit,
    /// zero, and all bits set.
    fn others() -> impl proptest::strategy::Strategy<Value = u8> {
        proptest::sample::select(vec![b'a', b'\t', 0x0b, 0x8a, 0x0e, 0x00, 0xff, 0x1a])
    }

    proptest::proptest! {
        /// The search sixteen bytes at a time finds the newline `memchr` finds, from any
        /// offset: none, or the first of several anywhere in a block of sixteen or in the
        /// last few bytes, among bytes that are almost `\n`.
        #[test]
        fn find_newline_finds_what_memchr_finds(
            before in proptest::collection::vec(others(), 0..40),
            newline: bool,
            after in proptest::collection::vec(
                proptest::prop_oneof![others(), proptest::strategy::Just(b'\n')],
                0..40,
            ),
            from in 0usize..80,
        ) {
            let mut input = before;
            if newline {
                input.push(b'\n');
            }
            input.extend(after);
            let from = from.min(input.len());
            proptest::prop_assert_eq!(
                find_newline(&input, from),
                memchr::memchr(b'\n', &input[from..]).map(|i| from + i)
            );
        }
    }
}
