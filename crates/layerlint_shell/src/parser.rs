//! The hand-written lexer and recursive-descent parser.
//!
//! One pass over the bytes: words are scanned as they are met, and a `$( )` inside a word
//! is parsed right there (as shells do), so its commands get their context. Output goes
//! into flat tables ([`Tables`]); a command's slot is reserved where it starts, so that
//! commands are numbered in order of appearance even though nested ones finish first.
//! A command's words go to the table as they are scanned (moved behind the words of a
//! command nested in one of them, so that each command's words are contiguous); its
//! assignments and redirections sit on scratch stacks and are moved to the tables when
//! the command ends.

use layerlint_text::{MappedText, TextRange, TextSize};
use memchr::memchr;

use crate::data::{
    AssignmentData, CommandData, Context, ElementData, ElementKind, ExpansionKind, HeredocData,
    NONE, PipelineData, RedirectData, RedirectOp, Separator, Span, SpanKind, TextId, WordData,
    WordFlags,
};
use crate::error::{ErrorData, SyntaxErrorKind as E};
use crate::lexer::{
    BACKSLASH, BREAK, CLASS, DOLLAR, DOUBLE_QUOTED_STOP, GLOB, QUOTE, ansi_c_escape,
    assignment_prefix, is_blank, is_name_start, plain_run_end, run_end, utf8_len,
};
use crate::shell_string;

/// How deep constructs may nest (`$( $( ... ) )`, `( ( ... ) )`, `"${x:-"$(...)"}"`, `sh -c`
/// inside `sh -c`) before the rest of the text is skipped. Keeps the stack small.
pub(crate) const MAX_DEPTH: u32 = 64;

/// Everything a parse produces.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tables {
    /// The script's own text, [`TextId::ROOT`].
    pub(crate) root: MappedText,
    /// The other texts (`sh -c` strings, unescaped backquotes), from `TextId(1)` on: apart
    /// from the root, so that the many scripts without any allocate nothing for them.
    pub(crate) texts: Vec<MappedText>,
    pub(crate) words: Vec<WordData>,
    pub(crate) spans: Vec<Span>,
    pub(crate) strings: String,
    pub(crate) commands: Vec<CommandData>,
    pub(crate) pipelines: Vec<PipelineData>,
    pub(crate) elements: Vec<ElementData>,
    pub(crate) assignments: Vec<AssignmentData>,
    pub(crate) redirects: Vec<RedirectData>,
    pub(crate) heredocs: Vec<HeredocData>,
    pub(crate) errors: Vec<ErrorData>,
}

impl Tables {
    /// The text with id `id`.
    #[inline]
    pub(crate) fn text(&self, id: TextId) -> &MappedText {
        match id.0 {
            0 => &self.root,
            n => &self.texts[n as usize - 1],
        }
    }
}

/// Stacks for the parts of constructs still being parsed. They are empty between parses,
/// and kept (with their capacity) for the thread's next parse: see [`SCRATCH`].
#[derive(Default)]
struct Scratch {
    spans: Vec<Span>,
    assignments: Vec<AssignmentData>,
    redirects: Vec<RedirectData>,
    elements: Vec<ElementData>,
}

impl Scratch {
    const EMPTY: Scratch = Scratch {
        spans: Vec::new(),
        assignments: Vec::new(),
        redirects: Vec::new(),
        elements: Vec::new(),
    };

    fn clear(&mut self) {
        self.spans.clear();
        self.assignments.clear();
        self.redirects.clear();
        self.elements.clear();
    }
}

thread_local! {
    /// The scratch stacks of the thread's last parse, reused by the next one: a script is
    /// parsed in a few microseconds, and allocating the stacks anew each time was a
    /// noticeable part of that.
    static SCRATCH: std::cell::Cell<Scratch> = const { std::cell::Cell::new(Scratch::EMPTY) };
}

/// Table lengths, to undo a parse (see [`Parser::opaque`]).
struct Mark([usize; 11]);

impl Tables {
    fn mark(&self) -> Mark {
        let t = self;
        Mark([
            t.texts.len(),
            t.words.len(),
            t.spans.len(),
            t.strings.len(),
            t.commands.len(),
            t.pipelines.len(),
            t.elements.len(),
            t.assignments.len(),
            t.redirects.len(),
            t.heredocs.len(),
            t.errors.len(),
        ])
    }

    fn rollback(&mut self, mark: &Mark) {
        let t = self;
        let m = &mark.0;
        t.texts.truncate(m[0]);
        t.words.truncate(m[1]);
        t.spans.truncate(m[2]);
        t.strings.truncate(m[3]);
        t.commands.truncate(m[4]);
        t.pipelines.truncate(m[5]);
        t.elements.truncate(m[6]);
        t.assignments.truncate(m[7]);
        t.redirects.truncate(m[8]);
        t.heredocs.truncate(m[9]);
        t.errors.truncate(m[10]);
    }
}

/// The tables of a dropped script, emptied, for a parse to fill: a script's tables were a
/// handful of allocations made, and freed, for every script.
#[derive(Default)]
struct Spare {
    words: Vec<WordData>,
    spans: Vec<Span>,
    strings: String,
    commands: Vec<CommandData>,
    pipelines: Vec<PipelineData>,
    elements: Vec<ElementData>,
    assignments: Vec<AssignmentData>,
    redirects: Vec<RedirectData>,
}

/// At most this many spare tables are kept for a thread (a file's scripts are dropped
/// together, and the next file's parsed).
const MAX_SPARE: usize = 16;

/// Tables of more words than this (a script of more than about 6 KB) are not kept: a big
/// script should not leave its memory behind.
const MAX_SPARE_WORDS: usize = 1024;

thread_local! {
    /// Tables of the thread's dropped scripts, for its next parses.
    static SPARE: std::cell::RefCell<Vec<Spare>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Drop for Tables {
    fn drop(&mut self) {
        if self.words.capacity() > MAX_SPARE_WORDS {
            return;
        }
        // `try_with`: the thread's spares may be gone already when it ends.
        let _ = SPARE.try_with(|spare| {
            let Ok(mut spare) = spare.try_borrow_mut() else {
                return;
            };
            if spare.len() >= MAX_SPARE {
                return;
            }
            let mut tables = Spare {
                words: std::mem::take(&mut self.words),
                spans: std::mem::take(&mut self.spans),
                strings: std::mem::take(&mut self.strings),
                commands: std::mem::take(&mut self.commands),
                pipelines: std::mem::take(&mut self.pipelines),
                elements: std::mem::take(&mut self.elements),
                assignments: std::mem::take(&mut self.assignments),
                redirects: std::mem::take(&mut self.redirects),
            };
            tables.words.clear();
            tables.spans.clear();
            tables.strings.clear();
            tables.commands.clear();
            tables.pipelines.clear();
            tables.elements.clear();
            tables.assignments.clear();
            tables.redirects.clear();
            spare.push(tables);
        });
    }
}

/// `spare` (empty) if it holds `capacity` elements, else a new vector that does.
#[inline]
fn with_capacity<T>(spare: Vec<T>, capacity: usize) -> Vec<T> {
    if spare.capacity() >= capacity {
        spare
    } else {
        Vec::with_capacity(capacity)
    }
}

/// Parses `text` (the root text) into tables.
pub(crate) fn parse(text: &MappedText) -> Tables {
    let len = text.len().to_usize();
    let spare = SPARE
        .with(|spare| spare.borrow_mut().pop())
        .unwrap_or_default();
    let mut tables = Tables {
        root: text.clone(),
        texts: Vec::new(),
        words: with_capacity(spare.words, len / 6 + 4),
        spans: spare.spans,
        strings: spare.strings,
        commands: with_capacity(spare.commands, len / 32 + 2),
        pipelines: with_capacity(spare.pipelines, len / 32 + 2),
        elements: with_capacity(spare.elements, len / 40 + 2),
        assignments: spare.assignments,
        redirects: spare.redirects,
        heredocs: Vec::new(),
        errors: Vec::new(),
    };
    SCRATCH.with(|cell| {
        let mut scratch = cell.take();
        let mut parser = Parser::new(text, TextId::ROOT, &mut tables, &mut scratch, 0, &[]);
        parser.parse_script(Ctx::ROOT);
        scratch.clear();
        cell.set(scratch);
    });
    tables
}

/// For [`Parser::skip_blanks`]: 1 for a blank ([`is_blank`]), 2 for `\\` (a line
/// continuation when a newline follows), 0 for anything else.
static BLANK_OR_BACKSLASH: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        if is_blank(b as u8) {
            table[b] = 1;
        }
        b += 1;
    }
    table[b'\\' as usize] = 2;
    table
};

/// For [`Parser::parse_simple`]: the bytes a word of a command may start with that need
/// no test before it is scanned: not a word break (operators, where `[[ ]]` operators
/// are too), not `#` (a comment), not a digit (a redirection's descriptor).
static WORD_START_PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = CLASS[b] != BREAK && b != b'#' as usize && !(b as u8).is_ascii_digit();
        b += 1;
    }
    table
};

/// For [`Parser::scan_braced`]: the bytes that end a run of text inside `${ }` (non-zero):
/// `}`, `\\`, quotes, `$` and `` ` ``.
static BRACED_STOP: [u8; 256] = {
    let mut table = [0; 256];
    let stops = b"}\\'\"$`";
    let mut i = 0;
    while i < stops.len() {
        table[stops[i] as usize] = 1;
        i += 1;
    }
    table
};

/// For [`Parser::scan_dollar`]: non-zero for the bytes that are not part of a name
/// (`[A-Za-z0-9_]`), where a `$NAME` ends, found with [`run_end`] (eight bytes per bounds
/// check; names in expansions are often long, `$DEBIAN_FRONTEND`).
static NOT_NAME_CHAR: [u8; 256] = {
    let mut table = [1; 256];
    let mut b = 0;
    while b < 256 {
        if (b as u8).is_ascii_alphanumeric() || b == b'_' as usize {
            table[b] = 0;
        }
        b += 1;
    }
    table
};

/// Terminators a list stops at.
mod stop {
    pub(super) const RPAREN: u16 = 1 << 0;
    pub(super) const RBRACE: u16 = 1 << 1;
    pub(super) const THEN: u16 = 1 << 2;
    pub(super) const ELIF: u16 = 1 << 3;
    pub(super) const ELSE: u16 = 1 << 4;
    pub(super) const FI: u16 = 1 << 5;
    pub(super) const DO: u16 = 1 << 6;
    pub(super) const DONE: u16 = 1 << 7;
    pub(super) const ESAC: u16 = 1 << 8;
    pub(super) const CASE_END: u16 = 1 << 9;
}

/// What the parser carries down: context flags for commands, the command whose word is
/// being scanned (the parent of any substitution in it), and the terminators of every
/// enclosing construct (so that `done` inside an unclosed `if` ends the `if` too).
#[derive(Clone, Copy, Debug)]
struct Ctx {
    flags: u16,
    parent: u32,
    outer: u16,
}

impl Ctx {
    const ROOT: Ctx = Ctx {
        flags: 0,
        parent: NONE,
        outer: 0,
    };

    fn with(self, flag: u16) -> Ctx {
        Ctx {
            flags: self.flags | flag,
            ..self
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kw {
    If,
    Then,
    Elif,
    Else,
    Fi,
    For,
    Select,
    In,
    Do,
    Done,
    While,
    Until,
    Case,
    Esac,
    Function,
    LBrace,
    RBrace,
    Bang,
}

impl Kw {
    fn from_bytes(word: &[u8]) -> Option<Kw> {
        Some(match word {
            b"if" => Kw::If,
            b"then" => Kw::Then,
            b"elif" => Kw::Elif,
            b"else" => Kw::Else,
            b"fi" => Kw::Fi,
            b"for" => Kw::For,
            b"select" => Kw::Select,
            b"in" => Kw::In,
            b"do" => Kw::Do,
            b"done" => Kw::Done,
            b"while" => Kw::While,
            b"until" => Kw::Until,
            b"case" => Kw::Case,
            b"esac" => Kw::Esac,
            b"function" => Kw::Function,
            b"{" => Kw::LBrace,
            b"}" => Kw::RBrace,
            b"!" => Kw::Bang,
            _ => return None,
        })
    }

    /// The list terminator this keyword is, with its text.
    fn stop(self) -> Option<(u16, &'static str)> {
        Some(match self {
            Kw::RBrace => (stop::RBRACE, "}"),
            Kw::Then => (stop::THEN, "then"),
            Kw::Elif => (stop::ELIF, "elif"),
            Kw::Else => (stop::ELSE, "else"),
            Kw::Fi => (stop::FI, "fi"),
            Kw::Do => (stop::DO, "do"),
            Kw::Done => (stop::DONE, "done"),
            Kw::Esac => (stop::ESAC, "esac"),
            _ => return None,
        })
    }
}

struct PendingHeredoc {
    id: usize,
    op: TextRange,
    delimiter: String,
    strip_tabs: bool,
}

pub(crate) struct Parser<'t, 'b> {
    map: &'t MappedText,
    text: &'t str,
    /// The bytes of the text up to `end`: `src.len() == end` always.
    src: &'t [u8],
    pos: usize,
    /// Where parsing stops: the end of the text, or of a backquoted substitution.
    end: usize,
    text_id: TextId,
    tables: &'b mut Tables,
    scratch: &'b mut Scratch,
    depth: u32,
    heredocs: Vec<PendingHeredoc>,
    /// Ranges whose substitutions were already run by an outer shell (the `$(...)` in
    /// `sh -c "x $(y)"`): parsed for their extent, then forgotten.
    opaque: &'t [TextRange],
    /// The map's pieces, collected when first needed.
    pieces: Vec<(TextRange, TextSize)>,
}

impl<'t, 'b> Parser<'t, 'b> {
    fn new(
        map: &'t MappedText,
        text_id: TextId,
        tables: &'b mut Tables,
        scratch: &'b mut Scratch,
        depth: u32,
        opaque: &'t [TextRange],
    ) -> Self {
        let text = map.as_str();
        Parser {
            map,
            text,
            src: text.as_bytes(),
            pos: 0,
            end: text.len(),
            text_id,
            tables,
            scratch,
            depth,
            heredocs: Vec::new(),
            opaque,
            pieces: Vec::new(),
        }
    }

    // ----- low-level cursor helpers -----

    #[inline]
    fn at_end(&self) -> bool {
        self.pos >= self.end
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.byte(self.pos)
    }

    #[inline]
    fn byte(&self, at: usize) -> Option<u8> {
        self.src.get(at).copied()
    }

    /// The range `start..end` (empty when `end` is before `start`). Offsets fit in 32
    /// bits: they are at most the length of a text, which is a [`TextSize`].
    #[inline]
    fn range(start: usize, end: usize) -> TextRange {
        let start = start as u32;
        let end = (end as u32).max(start);
        TextRange::new(TextSize::new(start), TextSize::new(end))
    }

    fn error(&mut self, start: usize, end: usize, kind: E) {
        let mut start = start.min(self.text.len());
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = end.min(self.end.max(start)).min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        let range = Self::range(start, end);
        self.tables.errors.push(ErrorData {
            text: self.text_id,
            range,
            kind,
        });
    }

    /// Steps over one character (never into the middle of one).
    fn bump_char(&mut self) {
        let len = self.peek().map_or(1, utf8_len);
        self.pos = (self.pos + len).min(self.end);
    }

    fn skip_blanks(&mut self) {
        let src = self.src;
        let mut p = self.pos;
        // One table look per byte: most calls stop at once, at a word.
        while let Some(&b) = src.get(p) {
            match BLANK_OR_BACKSLASH[b as usize] {
                0 => break,
                1 => p += 1,
                _ if src.get(p + 1) == Some(&b'\n') => p += 2,
                _ => break,
            }
        }
        self.pos = p;
    }

    /// Whether [`Self::skip_blanks`] would move the cursor.
    fn at_blank(&self) -> bool {
        match self.peek() {
            Some(b'\\') => self.byte(self.pos + 1) == Some(b'\n'),
            Some(b) => is_blank(b),
            None => false,
        }
    }

    fn skip_comment(&mut self) {
        if self.peek() == Some(b'#') {
            let rest = &self.src[self.pos..self.end];
            self.pos = memchr(b'\n', rest).map_or(self.end, |i| self.pos + i);
        }
    }

    /// Blanks, comments and newlines (reading any pending here-documents).
    ///
    /// Inlined: it is called before every command and after every `&&`, and mostly finds
    /// a few blanks (continuation lines are joined) and then a word.
    #[inline]
    fn skip_linebreaks(&mut self) {
        self.skip_blanks();
        if matches!(self.peek(), Some(b'#' | b'\n')) {
            self.skip_comments_and_newlines();
        }
    }

    /// [`Self::skip_linebreaks`] at a comment or newline.
    #[inline(never)]
    fn skip_comments_and_newlines(&mut self) {
        loop {
            self.skip_comment();
            if self.peek() != Some(b'\n') {
                return;
            }
            self.consume_newline();
            self.skip_blanks();
        }
    }

    fn consume_newline(&mut self) {
        self.pos += 1;
        if !self.heredocs.is_empty() {
            self.read_heredocs();
        }
    }

    /// Nesting guard: on too deep a nesting, reports it and skips the rest of the text.
    ///
    /// Inlined (every quoted string and substitution enters), the rare error out of line.
    #[inline]
    fn enter(&mut self) -> bool {
        if self.depth >= MAX_DEPTH {
            self.too_deep();
            return false;
        }
        self.depth += 1;
        true
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&mut self) {
        let already = self
            .tables
            .errors
            .last()
            .is_some_and(|e| e.kind == E::TooDeep);
        if !already {
            self.error(self.pos, self.end, E::TooDeep);
        }
        self.pos = self.end;
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// The reserved word at `at`, if the bytes there form one and end where words end.
    fn keyword_at(&self, at: usize) -> Option<Kw> {
        let rest = self.src.get(at..)?;
        // Every reserved word starts with one of these: most words are rejected here.
        if !matches!(
            rest.first()?,
            b'c' | b'd' | b'e' | b'f' | b'i' | b's' | b't' | b'u' | b'w' | b'{' | b'}' | b'!'
        ) {
            return None;
        }
        // A reserved word is at most 8 bytes long, all of them plain (or braces), and is
        // followed by a word break or the end: look for the break in the first 9 bytes.
        let head = &rest[..rest.len().min(9)];
        let len = head
            .iter()
            .position(|&b| CLASS[b as usize] == BREAK)
            .unwrap_or(head.len());
        Kw::from_bytes(&head[..len])
    }

    /// The reserved word at the cursor, as [`Self::keyword_at`] finds it, given the end of
    /// the plain bytes there: the same answer without looking at the bytes again.
    fn keyword_before(&self, run_end: usize) -> Option<Kw> {
        let end = match self.peek()? {
            b'{' | b'}' => self.pos + 1,
            b'c' | b'd' | b'e' | b'f' | b'i' | b's' | b't' | b'u' | b'w' | b'!' => run_end,
            _ => return None,
        };
        // A reserved word is at most 8 bytes long and is followed by a break or the end.
        if end - self.pos > 8 || self.byte(end).is_some_and(|b| CLASS[b as usize] != BREAK) {
            return None;
        }
        Kw::from_bytes(&self.src[self.pos..end])
    }

    /// A list terminator at the cursor: `)`, `;;`, `;&`, `;;&`, or a closing keyword.
    fn peek_stop(&self) -> Option<(u16, usize, &'static str)> {
        match self.peek()? {
            b')' => Some((stop::RPAREN, 1, ")")),
            b';' => match (self.byte(self.pos + 1), self.byte(self.pos + 2)) {
                (Some(b';'), Some(b'&')) => Some((stop::CASE_END, 3, ";;&")),
                (Some(b';'), _) => Some((stop::CASE_END, 2, ";;")),
                (Some(b'&'), _) => Some((stop::CASE_END, 2, ";&")),
                _ => None,
            },
            // The first bytes of `}`, `then`, `else`, `elif`, `fi`, `do`, `done`, `esac`.
            b'}' | b't' | b'e' | b'f' | b'd' => {
                let (bit, text) = self.keyword_at(self.pos)?.stop()?;
                Some((bit, text.len(), text))
            }
            _ => None,
        }
    }

    /// An operator that cannot start a command: `;`, `&`, `|`, `&&`, `||`, `|&`.
    fn peek_misplaced_operator(&self) -> Option<(usize, &'static str)> {
        let next = self.byte(self.pos + 1);
        Some(match (self.peek()?, next) {
            (b'&', Some(b'&')) => (2, "&&"),
            (b'&', Some(b'>')) => return None,
            (b'&', _) => (1, "&"),
            (b'|', Some(b'|')) => (2, "||"),
            (b'|', Some(b'&')) => (2, "|&"),
            (b'|', _) => (1, "|"),
            (b';', _) => (1, ";"),
            _ => return None,
        })
    }

    // ----- lists, and-or lists, pipelines -----

    fn parse_script(&mut self, ctx: Ctx) {
        self.parse_list(ctx, 0);
        for pending in std::mem::take(&mut self.heredocs) {
            self.error(
                pending.op.start().to_usize(),
                pending.op.end().to_usize(),
                E::UnterminatedHeredoc,
            );
        }
    }

    /// Parses commands until a terminator in `stops` or of an enclosing construct (not
    /// consumed; returned), or the end of the text (`None`). Stray terminators are
    /// reported and skipped.
    fn parse_list(&mut self, ctx: Ctx, stops: u16) -> Option<u16> {
        let inner = Ctx {
            outer: ctx.outer | stops,
            ..ctx
        };
        loop {
            self.skip_linebreaks();
            if self.at_end() {
                return None;
            }
            let before = self.pos;
            if let Some((bit, len, text)) = self.peek_stop() {
                if inner.outer & bit != 0 {
                    return Some(bit);
                }
                self.error(self.pos, self.pos + len, E::Unexpected(text));
                self.pos += len;
                self.parse_separator();
                continue;
            }
            if let Some((len, text)) = self.peek_misplaced_operator() {
                self.error(self.pos, self.pos + len, E::Unexpected(text));
                self.pos += len;
                continue;
            }
            if let Some(pipeline) = self.parse_and_or(inner) {
                let separator = self.parse_separator();
                self.set_separator(pipeline, separator);
            }
            if self.pos == before {
                self.error(self.pos, self.pos + 1, E::Unexpected("character"));
                self.bump_char();
            }
        }
    }

    /// The separator after an and-or list: `;`, `&`, a newline (perhaps after a comment).
    fn parse_separator(&mut self) -> Separator {
        self.skip_blanks();
        let next = self.byte(self.pos + 1);
        match self.peek() {
            Some(b';') if !matches!(next, Some(b';' | b'&')) => {
                self.pos += 1;
                Separator::Semicolon
            }
            Some(b'&') if !matches!(next, Some(b'&' | b'>')) => {
                self.pos += 1;
                Separator::Background
            }
            Some(b'\n') => {
                self.consume_newline();
                Separator::Newline
            }
            Some(b'#') => {
                self.skip_comment();
                if self.peek() == Some(b'\n') {
                    self.consume_newline();
                    return Separator::Newline;
                }
                Separator::End
            }
            _ => Separator::End,
        }
    }

    fn set_separator(&mut self, pipeline: u32, separator: Separator) {
        let t = &mut self.tables;
        let Some(p) = t.pipelines.get_mut(pipeline as usize) else {
            return;
        };
        p.separator = separator;
        let (start, end) = p.elements;
        if end == start {
            return;
        }
        let last = t.elements[end as usize - 1];
        if last.kind == ElementKind::Command {
            t.commands[last.command as usize].separator = separator;
        }
    }

    fn parse_and_or(&mut self, ctx: Ctx) -> Option<u32> {
        let mut last = self.parse_pipeline(ctx)?;
        loop {
            self.skip_blanks();
            let separator = match (self.peek(), self.byte(self.pos + 1)) {
                (Some(b'&'), Some(b'&')) => Separator::And,
                (Some(b'|'), Some(b'|')) => Separator::Or,
                _ => return Some(last),
            };
            let op = self.pos;
            self.pos += 2;
            self.set_separator(last, separator);
            self.skip_linebreaks();
            match self.parse_pipeline(ctx) {
                Some(next) => last = next,
                None => {
                    self.error(op, op + 2, E::MissingCommand(separator.as_str()));
                    return Some(last);
                }
            }
        }
    }

    /// A pipeline from the cursor, which the caller has moved past blanks.
    fn parse_pipeline(&mut self, ctx: Ctx) -> Option<u32> {
        debug_assert!(!self.at_blank());
        let start = self.pos;
        let negated = self.peek() == Some(b'!') && self.keyword_at(self.pos) == Some(Kw::Bang);
        if negated {
            self.pos += 1;
            self.skip_blanks();
        }
        let id = self.tables.pipelines.len() as u32;
        self.tables.pipelines.push(PipelineData {
            text: self.text_id,
            range: Self::range(start, start),
            elements: (0, 0),
            negated,
            separator: Separator::End,
            context: Context(ctx.flags),
            parent: ctx.parent,
        });
        let first_command = self.tables.commands.len();
        let mark = self.scratch.elements.len();
        let mut index = 0u32;
        let mut pipe_op: Option<(usize, &'static str)> = negated.then_some((start, "!"));
        // A pipeline of one command (most): its element goes to the table at once, not
        // through the scratch stack.
        let mut single = None;
        loop {
            let Some(element) = self.parse_command(ctx, id, index) else {
                if let Some((op, text)) = pipe_op {
                    self.error(op, op + text.len(), E::MissingCommand(text));
                }
                break;
            };
            self.skip_blanks();
            let (separator, len, text) = match (self.peek(), self.byte(self.pos + 1)) {
                (Some(b'|'), Some(b'&')) => (Separator::PipeAll, 2, "|&"),
                (Some(b'|'), next) if next != Some(b'|') => (Separator::Pipe, 1, "|"),
                _ if index == 0 => {
                    single = Some(element);
                    break;
                }
                _ => {
                    self.scratch.elements.push(element);
                    break;
                }
            };
            self.scratch.elements.push(element);
            if element.kind == ElementKind::Command {
                self.tables.commands[element.command as usize].separator = separator;
            }
            pipe_op = Some((self.pos, text));
            self.pos += len;
            self.skip_linebreaks();
            index += 1;
        }
        let (tables, scratch) = (&mut *self.tables, &mut *self.scratch);
        let elements = if let Some(element) = single {
            let first = tables.elements.len() as u32;
            tables.elements.push(element);
            (first, first + 1)
        } else if scratch.elements.len() == mark {
            // Nothing was parsed after the pipeline's slot was taken: give it back.
            tables.pipelines.truncate(id as usize);
            return None;
        } else {
            move_to(&mut tables.elements, &mut scratch.elements, mark)
        };
        let last = tables.elements[elements.1 as usize - 1];
        if elements.1 - elements.0 >= 2 {
            mark_piped(tables, ctx, self.text_id, first_command);
        }
        let p = &mut tables.pipelines[id as usize];
        p.elements = elements;
        p.range = Self::range(start, last.range.end().to_usize());
        Some(id)
    }

    // ----- commands -----

    /// A command from the cursor, which the caller has moved past blanks.
    fn parse_command(&mut self, ctx: Ctx, pipeline: u32, index: u32) -> Option<ElementData> {
        debug_assert!(!self.at_blank());
        let b = self.peek()?;
        let next = self.byte(self.pos + 1);
        match b {
            b'\n' | b'#' | b')' | b';' | b'|' => return None,
            b'&' if next != Some(b'>') => return None,
            b'(' => {
                let arith = next == Some(b'(') && self.looks_like_arithmetic(self.pos + 2);
                return Some(if arith {
                    self.parse_arithmetic_command(ctx)
                } else {
                    self.parse_subshell(ctx)
                });
            }
            _ => {}
        }
        // The plain bytes the command starts with: a reserved word is among them, and so
        // is the name of a function definition `name() ...`.
        let run_end = plain_run_end(self.src, self.pos);
        if let Some(kw) = self.keyword_before(run_end) {
            match kw {
                Kw::If => return Some(self.parse_if(ctx)),
                Kw::While => return Some(self.parse_while(ctx, ElementKind::While)),
                Kw::Until => return Some(self.parse_while(ctx, ElementKind::Until)),
                Kw::For | Kw::Select => return Some(self.parse_for(ctx, kw)),
                Kw::Case => return Some(self.parse_case(ctx)),
                Kw::LBrace => return Some(self.parse_group(ctx)),
                Kw::Function => return Some(self.parse_function(ctx, None)),
                Kw::In | Kw::Bang => {}
                _ => return None,
            }
        }
        if let Some(after) = self.function_definition_after(run_end) {
            return Some(self.parse_function(ctx, Some(after)));
        }
        Some(self.parse_simple(ctx, pipeline, index, run_end))
    }

    fn reserve_command(&mut self, ctx: Ctx, pipeline: u32, index: u32) -> u32 {
        let commands = &mut self.tables.commands;
        let id = commands.len() as u32;
        commands.push(CommandData {
            text: self.text_id,
            range: Self::range(self.pos, self.pos),
            words: (0, 0),
            assignments: (0, 0),
            redirects: (0, 0),
            pipeline,
            pipe_index: index,
            separator: Separator::End,
            context: Context(ctx.flags),
            parent: ctx.parent,
            end: id + 1,
            shell_text: NONE,
        });
        id
    }

    /// A simple command; `run_end` is the end of the plain bytes it starts with.
    fn parse_simple(&mut self, ctx: Ctx, pipeline: u32, index: u32, run_end: usize) -> ElementData {
        let id = self.reserve_command(ctx, pipeline, index);
        let start = self.pos;
        let mut words = (self.tables.words.len(), 0);
        let marks = (self.scratch.assignments.len(), self.scratch.redirects.len());
        let word_ctx = Ctx { parent: id, ..ctx };
        let mut end = start;
        let mut has_name = false;
        let mut test = false;
        loop {
            self.skip_blanks();
            let Some(b) = self.peek() else { break };
            // Most words start with a byte that none of these tests is about: one look.
            if !WORD_START_PLAIN[b as usize] {
                if test && let Some(word) = self.test_operator() {
                    self.push_word(id, &mut words, word);
                    end = self.pos;
                    continue;
                }
                if b == b'#' {
                    break;
                }
                // A redirect starts with a digit, `<`, `>` or `&`.
                if (b.is_ascii_digit() || matches!(b, b'<' | b'>' | b'&'))
                    && let Some(redirect) = self.parse_redirect(word_ctx)
                {
                    self.scratch.redirects.push(redirect);
                    end = self.pos;
                    continue;
                }
                if CLASS[b as usize] == BREAK && !self.at_process_substitution() {
                    if b == b'(' {
                        self.error(self.pos, self.pos + 1, E::Unexpected("("));
                    }
                    break;
                }
            }
            let run = if self.pos == start {
                run_end
            } else {
                plain_run_end(self.src, self.pos)
            };
            let word = self.scan_word_with_run(word_ctx, run, b == b'-');
            end = self.pos;
            if !has_name {
                if let Some(assignment) = self.as_assignment(word) {
                    self.scratch.assignments.push(assignment);
                    continue;
                }
                has_name = true;
                test = self.is_plain(word, "[[");
            } else if test && self.is_plain(word, "]]") {
                test = false;
            }
            self.push_word(id, &mut words, word);
        }
        self.finish_simple(id, ctx, (start, end), words, marks)
    }

    /// Appends `word` to the words of command `id`: `words` (first, count) in the table.
    /// They go to the table at once, not through a scratch stack, and stay contiguous: when
    /// a command nested in a word (`$(...)`) has put its own words after them, they are
    /// moved behind those first (rare).
    #[inline]
    fn push_word(&mut self, id: u32, words: &mut (usize, usize), word: WordData) {
        if self.tables.words.len() != words.0 + words.1 {
            self.move_words_behind_nested(id, words);
        }
        self.tables.words.push(word);
        words.1 += 1;
    }

    /// For [`Self::push_word`]: moves the `words` of command `id` to the end of the table,
    /// behind the words of the commands nested in it, whose ranges move down accordingly. A
    /// nested command without words made before the first of them (`a=()` in `<(a=())`)
    /// has its empty range among them, and keeps it.
    #[cold]
    #[inline(never)]
    fn move_words_behind_nested(&mut self, id: u32, words: &mut (usize, usize)) {
        let t = &mut *self.tables;
        let (first, count) = *words;
        t.words[first..].rotate_left(count);
        let shift = count as u32;
        for c in &mut t.commands[id as usize + 1..] {
            if c.words.0 as usize >= first + count {
                c.words = (c.words.0 - shift, c.words.1 - shift);
            }
        }
        words.0 = t.words.len() - count;
    }

    /// Ends a simple command from `range.0` to `range.1` whose `words` (first, count) are in
    /// the table and whose assignments and redirections are on the scratch stacks from
    /// `marks` on.
    fn finish_simple(
        &mut self,
        id: u32,
        ctx: Ctx,
        (start, end): (usize, usize),
        words: (usize, usize),
        marks: (usize, usize),
    ) -> ElementData {
        let (tables, scratch) = (&mut *self.tables, &mut *self.scratch);
        let words = (words.0 as u32, (words.0 + words.1) as u32);
        let assignments = move_to(&mut tables.assignments, &mut scratch.assignments, marks.0);
        let redirects = move_to(&mut tables.redirects, &mut scratch.redirects, marks.1);
        let script_word = {
            let slice = &tables.words[words.0 as usize..words.1 as usize];
            shell_string::find_script_word(slice, |w| {
                word_value(self.text, &tables.strings, w, true)
            })
            .map(|i| tables.words[words.0 as usize + i])
        };
        {
            let c = &mut tables.commands[id as usize];
            c.range = Self::range(start, end);
            c.words = words;
            c.assignments = assignments;
            c.redirects = redirects;
        }
        if let Some(word) = script_word {
            self.parse_shell_string(id, word, ctx);
        }
        let t = &mut self.tables;
        let after = t.commands.len() as u32;
        t.commands[id as usize].end = after;
        ElementData {
            range: Self::range(start, end),
            kind: ElementKind::Command,
            command: id,
            commands: (id, after),
        }
    }

    /// Inside `[[ ]]`, operators are words.
    fn test_operator(&mut self) -> Option<WordData> {
        let len = match (self.peek()?, self.byte(self.pos + 1)) {
            (b'&', Some(b'&')) | (b'|', Some(b'|')) => 2,
            (b'<' | b'>' | b'(' | b')' | b'|', _) => 1,
            _ => return None,
        };
        let start = self.pos;
        self.pos += len;
        let mark = self.scratch.spans.len();
        Some(self.finish_word(start, mark, 0))
    }

    /// Whether `word` is written `expected` (ASCII).
    fn is_plain(&self, word: WordData, expected: &str) -> bool {
        self.src.get(word.range.to_std()) == Some(expected.as_bytes())
    }

    fn as_assignment(&self, word: WordData) -> Option<AssignmentData> {
        let start = word.range.start().to_usize();
        let raw = &self.src[start..word.range.end().to_usize()];
        let (len, append) = assignment_prefix(raw)?;
        // The name must be plain text (`"A"=b` is a command); an index may expand
        // (`a[$i]=x`).
        let spans = &self.tables.spans[word.spans.0 as usize..word.spans.1 as usize];
        let in_name = |s: &Span| s.range.start().to_usize() < start + len;
        let bracket = match spans.first() {
            Some(first) if in_name(first) => raw.iter().position(|&b| b == b'[').unwrap_or(len),
            // No span in the name: the bracket is not looked at.
            _ => len,
        };
        let name_is_plain = spans.iter().take_while(|s| in_name(s)).all(|s| {
            matches!(s.kind, SpanKind::Expansion(_)) && s.range.start().to_usize() > start + bracket
        });
        if !name_is_plain {
            return None;
        }
        let name_len = if append { len - 2 } else { len - 1 };
        let value_start = TextSize::from_usize(start + len);
        let value = self.value_word(word, value_start);
        Some(AssignmentData {
            range: word.range,
            name: TextRange::at(word.range.start(), TextSize::from_usize(name_len)),
            append,
            value,
        })
    }

    /// The part of `word` from `from` on, as a word of its own (an assignment's value).
    fn value_word(&self, word: WordData, from: TextSize) -> WordData {
        let offset = from - word.range.start();
        // The name part is plain, so it is a prefix of the cooked value too.
        let skip = offset.to_u32().min(word.cooked.1);
        let cooked = (word.cooked.0 + skip, word.cooked.1 - skip);
        let source = if word.cooked_in_text {
            self.text
        } else {
            &self.tables.strings
        };
        WordData {
            range: TextRange::new(from, word.range.end()),
            cooked,
            dash: starts_with_dash(source, cooked),
            static_len: word.static_len.saturating_sub(skip),
            ..word
        }
    }

    /// `name ( )` at the cursor, given the end of the plain bytes there (the name):
    /// returns the offset after `)`.
    fn function_definition_after(&self, name_end: usize) -> Option<usize> {
        let src = self.src;
        if name_end == self.pos {
            return None;
        }
        let skip = |mut p: usize| {
            while p < self.end && is_blank(self.src[p]) {
                p += 1;
            }
            p
        };
        let p = skip(name_end);
        // A name with `=` is an assignment (`a=(1 2)`), checked last as `(` is rare.
        if self.byte(p) != Some(b'(') || memchr(b'=', &src[self.pos..name_end]).is_some() {
            return None;
        }
        let p = skip(p + 1);
        (self.byte(p) == Some(b')')).then_some(p + 1)
    }

    // ----- redirections and here-documents -----

    fn at_process_substitution(&self) -> bool {
        matches!(self.peek(), Some(b'<' | b'>')) && self.byte(self.pos + 1) == Some(b'(')
    }

    fn parse_redirect(&mut self, ctx: Ctx) -> Option<RedirectData> {
        let start = self.pos;
        let mut p = start;
        while p < self.end && self.src[p].is_ascii_digit() {
            p += 1;
        }
        let digits = p - start;
        let (b1, b2) = (self.byte(p + 1), self.byte(p + 2));
        let (op, len) = match self.byte(p)? {
            b'<' => match (b1, b2) {
                (Some(b'('), _) if digits == 0 => return None,
                (Some(b'<'), Some(b'<')) => (RedirectOp::HereString, 3),
                (Some(b'<'), Some(b'-')) => (RedirectOp::HeredocStripTabs, 3),
                (Some(b'<'), _) => (RedirectOp::Heredoc, 2),
                (Some(b'&'), _) => (RedirectOp::DupInput, 2),
                (Some(b'>'), _) => (RedirectOp::ReadWrite, 2),
                _ => (RedirectOp::Input, 1),
            },
            b'>' => match b1 {
                Some(b'(') if digits == 0 => return None,
                Some(b'>') => (RedirectOp::Append, 2),
                Some(b'&') => (RedirectOp::DupOutput, 2),
                Some(b'|') => (RedirectOp::Clobber, 2),
                _ => (RedirectOp::Output, 1),
            },
            b'&' if digits == 0 => match (b1, b2) {
                (Some(b'>'), Some(b'>')) => (RedirectOp::AppendAll, 3),
                (Some(b'>'), _) => (RedirectOp::OutputAll, 2),
                _ => return None,
            },
            _ => return None,
        };
        let fd = if digits == 0 {
            NONE
        } else {
            self.text[start..p].parse::<u32>().unwrap_or(NONE - 1)
        };
        self.pos = p + len;
        let op_range = Self::range(start, self.pos);
        self.skip_blanks();
        let target = match self.peek() {
            Some(b) if CLASS[b as usize] != BREAK || self.at_process_substitution() => {
                Some(self.scan_word(ctx))
            }
            _ => {
                self.error(start, self.pos, E::MissingRedirectTarget);
                None
            }
        };
        let heredoc = match (op.is_heredoc(), target) {
            (true, Some(word)) => self.register_heredoc(op, op_range, word),
            _ => NONE,
        };
        Some(RedirectData {
            text: self.text_id,
            range: Self::range(start, self.pos),
            fd,
            op,
            target,
            heredoc,
        })
    }

    fn register_heredoc(&mut self, op: RedirectOp, op_range: TextRange, word: WordData) -> u32 {
        let t = &mut self.tables;
        let id = t.heredocs.len();
        t.heredocs.push(HeredocData {
            body: Self::range(self.end, self.end),
            terminated: false,
        });
        let delimiter = word_value(self.text, &t.strings, &word, true)
            .unwrap_or_default()
            .to_owned();
        self.heredocs.push(PendingHeredoc {
            id,
            op: op_range,
            delimiter,
            strip_tabs: op == RedirectOp::HeredocStripTabs,
        });
        id as u32
    }

    /// Reads the bodies of the here-documents started on the line just ended.
    fn read_heredocs(&mut self) {
        for pending in std::mem::take(&mut self.heredocs) {
            let body_start = self.pos;
            let mut body_end = self.end;
            let mut terminated = false;
            while self.pos < self.end {
                let rest = &self.src[self.pos..self.end];
                let line_end = memchr(b'\n', rest).map_or(self.end, |i| self.pos + i);
                let mut line = &self.src[self.pos..line_end];
                if pending.strip_tabs {
                    while let [b'\t', tail @ ..] = line {
                        line = tail;
                    }
                }
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let line_start = self.pos;
                self.pos = (line_end + 1).min(self.end);
                if line == pending.delimiter.as_bytes() {
                    body_end = line_start;
                    terminated = true;
                    break;
                }
            }
            if !terminated {
                let op = pending.op;
                self.error(
                    op.start().to_usize(),
                    op.end().to_usize(),
                    E::UnterminatedHeredoc,
                );
            }
            if let Some(h) = self.tables.heredocs.get_mut(pending.id) {
                h.body = Self::range(body_start, body_end);
                h.terminated = terminated;
            }
        }
    }

    fn parse_trailing_redirects(&mut self, ctx: Ctx) -> usize {
        let mut end = self.pos;
        loop {
            self.skip_blanks();
            if self.parse_redirect(ctx).is_none() {
                return end;
            }
            end = self.pos;
        }
    }

    // ----- compound commands -----

    fn finish_compound(
        &mut self,
        ctx: Ctx,
        kind: ElementKind,
        start: usize,
        first: usize,
    ) -> ElementData {
        let end = self.parse_trailing_redirects(ctx);
        ElementData {
            range: Self::range(start, end),
            kind,
            command: NONE,
            commands: (first as u32, self.tables.commands.len() as u32),
        }
    }

    /// Consumes the closing `token` if `found`; otherwise reports it missing at `opener`.
    fn close(&mut self, found: Option<u16>, expected: u16, token: &'static str, opener: usize) {
        if found == Some(expected) {
            self.pos += token.len();
        } else {
            self.error(opener, opener + 1, E::Missing(token));
        }
    }

    fn parse_subshell(&mut self, ctx: Ctx) -> ElementData {
        let (start, first) = (self.pos, self.tables.commands.len());
        self.pos += 1;
        if self.enter() {
            let found = self.parse_list(ctx.with(Context::SUBSHELL), stop::RPAREN);
            self.close(found, stop::RPAREN, ")", start);
            self.leave();
        }
        self.finish_compound(ctx, ElementKind::Subshell, start, first)
    }

    fn parse_group(&mut self, ctx: Ctx) -> ElementData {
        let (start, first) = (self.pos, self.tables.commands.len());
        self.pos += 1;
        if self.enter() {
            let found = self.parse_list(ctx.with(Context::GROUP), stop::RBRACE);
            self.close(found, stop::RBRACE, "}", start);
            self.leave();
        }
        self.finish_compound(ctx, ElementKind::Group, start, first)
    }

    fn parse_if(&mut self, ctx: Ctx) -> ElementData {
        let (start, first) = (self.pos, self.tables.commands.len());
        self.pos += 2;
        if self.enter() {
            self.parse_if_rest(ctx, start);
            self.leave();
        }
        self.finish_compound(ctx, ElementKind::If, start, first)
    }

    fn parse_if_rest(&mut self, ctx: Ctx, start: usize) {
        let condition = ctx.with(Context::CONDITION);
        let branch = ctx.with(Context::IF_BRANCH);
        loop {
            let found = self.parse_list(condition, stop::THEN);
            if found != Some(stop::THEN) {
                self.error(start, start + 2, E::Missing("then"));
                return;
            }
            self.pos += 4;
            match self.parse_list(branch, stop::ELIF | stop::ELSE | stop::FI) {
                Some(stop::ELIF) => self.pos += 4,
                Some(stop::ELSE) => {
                    self.pos += 4;
                    let found = self.parse_list(branch, stop::FI);
                    self.close(found, stop::FI, "fi", start);
                    return;
                }
                found => {
                    self.close(found, stop::FI, "fi", start);
                    return;
                }
            }
        }
    }

    fn parse_while(&mut self, ctx: Ctx, kind: ElementKind) -> ElementData {
        let (start, first) = (self.pos, self.tables.commands.len());
        self.pos += 5;
        if self.enter() {
            let condition = ctx.with(Context::CONDITION | Context::LOOP);
            let found = self.parse_list(condition, stop::DO);
            self.parse_do_done(ctx, found, start);
            self.leave();
        }
        self.finish_compound(ctx, kind, start, first)
    }

    /// `do ... done`, after a loop's head; `found` is the terminator the head ended at.
    fn parse_do_done(&mut self, ctx: Ctx, found: Option<u16>, start: usize) {
        if found != Some(stop::DO) {
            self.error(start, start + 1, E::Missing("do"));
            return;
        }
        self.pos += 2;
        let found = self.parse_list(ctx.with(Context::LOOP), stop::DONE);
        self.close(found, stop::DONE, "done", start);
    }

    fn parse_for(&mut self, ctx: Ctx, kw: Kw) -> ElementData {
        let (start, first) = (self.pos, self.tables.commands.len());
        self.pos += if kw == Kw::For { 3 } else { 6 };
        if self.enter() {
            self.parse_for_head(ctx, start);
            let found = self.peek_stop().map(|(bit, _, _)| bit);
            self.parse_do_done(ctx, found, start);
            self.leave();
        }
        self.finish_compound(ctx, ElementKind::For, start, first)
    }

    /// `NAME [in WORDS] ;` or `(( ... )) ;`, leaving the cursor at `do` if all is well.
    fn parse_for_head(&mut self, ctx: Ctx, start: usize) {
        self.skip_blanks();
        if self.peek() == Some(b'(') && self.byte(self.pos + 1) == Some(b'(') {
            let mut flags = 0;
            self.pos += 2;
            self.scan_arithmetic_body(ctx, &mut flags, self.pos - 2);
        } else if self.peek().is_some_and(|b| CLASS[b as usize] != BREAK) {
            self.scan_word(ctx);
        } else {
            self.error(start, start + 3, E::MissingLoopVariable);
        }
        self.skip_linebreaks();
        if self.keyword_at(self.pos) == Some(Kw::In) {
            self.pos += 2;
            loop {
                self.skip_blanks();
                match self.peek() {
                    Some(b) if CLASS[b as usize] != BREAK => {
                        self.scan_word(ctx);
                    }
                    _ => break,
                }
            }
        }
        self.skip_blanks();
        if self.peek() == Some(b';') {
            self.pos += 1;
        }
        self.skip_linebreaks();
    }

    fn parse_case(&mut self, ctx: Ctx) -> ElementData {
        let (start, first) = (self.pos, self.tables.commands.len());
        self.pos += 4;
        if self.enter() {
            self.parse_case_rest(ctx, start);
            self.leave();
        }
        self.finish_compound(ctx, ElementKind::Case, start, first)
    }

    fn parse_case_rest(&mut self, ctx: Ctx, start: usize) {
        self.skip_blanks();
        if self.peek().is_some_and(|b| CLASS[b as usize] != BREAK) {
            self.scan_word(ctx);
        }
        self.skip_linebreaks();
        if self.keyword_at(self.pos) == Some(Kw::In) {
            self.pos += 2;
        } else {
            self.error(start, start + 4, E::Missing("in"));
        }
        let branch = ctx.with(Context::CASE);
        loop {
            self.skip_linebreaks();
            let kw = self.keyword_at(self.pos);
            if kw == Some(Kw::Esac) {
                self.pos += 4;
                return;
            }
            let outer_stop = kw
                .and_then(Kw::stop)
                .is_some_and(|(bit, _)| ctx.outer & bit != 0);
            if self.at_end() || outer_stop {
                self.error(start, start + 4, E::Missing("esac"));
                return;
            }
            self.parse_case_patterns(ctx);
            match self.parse_list(branch, stop::CASE_END | stop::ESAC) {
                Some(stop::CASE_END) => {
                    let len = self.peek_stop().map_or(2, |(_, len, _)| len);
                    self.pos += len;
                }
                Some(stop::ESAC) => {}
                _ => {
                    self.error(start, start + 4, E::Missing("esac"));
                    return;
                }
            }
        }
    }

    /// `[(] pattern [| pattern]... )`: words, not commands.
    fn parse_case_patterns(&mut self, ctx: Ctx) {
        let before = self.pos;
        if self.peek() == Some(b'(') {
            self.pos += 1;
        }
        loop {
            self.skip_blanks();
            if self.peek().is_some_and(|b| CLASS[b as usize] != BREAK) {
                self.scan_word(ctx);
                self.skip_blanks();
            }
            if self.peek() != Some(b'|') {
                break;
            }
            self.pos += 1;
        }
        if self.peek() == Some(b')') {
            self.pos += 1;
        } else {
            self.error(self.pos, self.pos + 1, E::Missing(")"));
            if self.pos == before {
                self.bump_char();
            }
        }
    }

    fn parse_function(&mut self, ctx: Ctx, after_parens: Option<usize>) -> ElementData {
        let (start, first) = (self.pos, self.tables.commands.len());
        match after_parens {
            Some(after) => self.pos = after,
            None => self.parse_function_keyword_head(ctx, start),
        }
        self.skip_linebreaks();
        let body = ctx.with(Context::FUNCTION);
        let parsed = self.enter() && {
            let element = self.parse_command(body, NONE, 0);
            self.leave();
            element.is_some()
        };
        if !parsed {
            self.error(start, start + 1, E::Missing("{"));
        }
        ElementData {
            range: Self::range(start, self.pos),
            kind: ElementKind::FunctionDefinition,
            command: NONE,
            commands: (first as u32, self.tables.commands.len() as u32),
        }
    }

    fn parse_function_keyword_head(&mut self, ctx: Ctx, start: usize) {
        self.pos += 8;
        self.skip_blanks();
        if self.peek().is_some_and(|b| CLASS[b as usize] != BREAK) {
            self.scan_word(ctx);
        } else {
            self.error(start, start + 8, E::MissingFunctionName);
        }
        self.skip_blanks();
        if self.peek() == Some(b'(') {
            let p = self.pos + 1;
            let close = (p..self.end).find(|&i| !is_blank(self.src[i]));
            if let Some(close) = close.filter(|&i| self.src[i] == b')') {
                self.pos = close + 1;
            }
        }
    }

    fn parse_arithmetic_command(&mut self, ctx: Ctx) -> ElementData {
        let (start, first) = (self.pos, self.tables.commands.len());
        self.pos += 2;
        let mut flags = 0;
        self.scan_arithmetic_body(ctx, &mut flags, start);
        self.finish_compound(ctx, ElementKind::Arithmetic, start, first)
    }

    // ----- words -----

    fn scan_word(&mut self, ctx: Ctx) -> WordData {
        let dash = self.peek() == Some(b'-');
        self.scan_word_with_run(ctx, plain_run_end(self.src, self.pos), dash)
    }

    /// [`Self::scan_word`], given the end of the plain bytes at the cursor.
    ///
    /// Inlined into the command loop: most words are plain bytes up to a blank or an
    /// operator (no spans, no flags), and for them a call cost more than the word.
    /// `dash` tells whether the byte at the cursor is `-`.
    #[inline(always)]
    fn scan_word_with_run(&mut self, ctx: Ctx, end: usize, dash: bool) -> WordData {
        let start = self.pos;
        let src = self.src;
        if end > start
            && src
                .get(end)
                .is_none_or(|&b| CLASS[b as usize] == BREAK && b != b'(')
        {
            self.pos = end;
            return self.plain_word(start, end, dash);
        }
        self.scan_complex_word(ctx)
    }

    /// A word with quotes, escapes, expansions or globs, from the cursor.
    #[inline(never)]
    fn scan_complex_word(&mut self, ctx: Ctx) -> WordData {
        let start = self.pos;
        let mark = self.scratch.spans.len();
        let mut flags = 0u16;
        self.scan_word_parts(ctx, &mut flags);
        self.finish_word(start, mark, flags)
    }

    /// Scans one word from the cursor, pushing its quote and expansion spans on the
    /// scratch stack and recording nested commands.
    fn scan_word_parts(&mut self, ctx: Ctx, flags: &mut u16) {
        let start = self.pos;
        if self.at_process_substitution() {
            self.scan_process_substitution(ctx, flags);
        }
        if self.peek() == Some(b'~') {
            *flags |= WordFlags::TILDE;
        }
        let mut open_brace = false;
        loop {
            let src = self.src;
            self.pos = plain_run_end(src, self.pos);
            let Some(&b) = src.get(self.pos) else { break };
            match CLASS[b as usize] {
                BREAK => {
                    if b != b'(' || self.pos == start || !self.continue_at_paren(ctx, start, flags)
                    {
                        break;
                    }
                }
                QUOTE => match b {
                    b'\'' => self.scan_single_quoted(flags),
                    b'"' => self.scan_double_quoted(ctx, flags),
                    _ => self.scan_backquote(ctx, flags),
                },
                DOLLAR => self.scan_dollar(ctx, flags, false),
                BACKSLASH => self.scan_escape(flags),
                GLOB => {
                    *flags |= WordFlags::GLOB;
                    self.pos += 1;
                }
                _ => {
                    match b {
                        b'{' => open_brace = true,
                        b'}' if open_brace => *flags |= WordFlags::BRACE,
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
        }
    }

    /// At a `(` inside a word: an array value (`a=(`) or an extended glob (`@(`); scans
    /// it and returns true, or returns false when the `(` ends the word.
    fn continue_at_paren(&mut self, ctx: Ctx, start: usize, flags: &mut u16) -> bool {
        let prev = self.src[self.pos - 1];
        let word = &self.src[start..self.pos];
        let is_array =
            prev == b'=' && assignment_prefix(word).is_some_and(|(len, _)| len == word.len());
        if is_array {
            self.scan_array(ctx, flags);
            return true;
        }
        if matches!(prev, b'@' | b'!' | b'+' | b'*' | b'?') {
            *flags |= WordFlags::GLOB;
            self.skip_balanced_parens();
            return true;
        }
        false
    }

    /// A word without quotes, escapes or expansions: its value is its text.
    #[inline]
    /// `dash` tells whether it starts with `-`.
    fn plain_word(&self, start: usize, end: usize, dash: bool) -> WordData {
        let spans = self.tables.spans.len() as u32;
        WordData {
            text: self.text_id,
            range: Self::range(start, end),
            flags: WordFlags(0),
            spans: (spans, spans),
            cooked: (start as u32, (end - start) as u32),
            cooked_in_text: true,
            dash,
            static_len: (end - start) as u32,
        }
    }

    /// The word from `start` to the cursor, whose spans are on the scratch stack from
    /// `mark` on.
    #[inline]
    fn finish_word(&mut self, start: usize, mark: usize, flags: u16) -> WordData {
        if self.scratch.spans.len() == mark {
            // No quotes, escapes or expansions: the value is the text.
            return WordData {
                flags: WordFlags(flags),
                ..self.plain_word(
                    start,
                    self.pos,
                    self.byte(start) == Some(b'-') && self.pos > start,
                )
            };
        }
        self.finish_quoted_word(start, mark, flags)
    }

    /// [`Self::finish_word`] for a word with spans: moves them to the table, and stores
    /// its value after quote removal.
    #[inline(never)]
    fn finish_quoted_word(&mut self, start: usize, mark: usize, flags: u16) -> WordData {
        let (tables, scratch) = (&mut *self.tables, &mut *self.scratch);
        let end = self.pos;
        if tables.spans.capacity() == 0 {
            // Reserved on first use: most scripts have no quotes or expansions at all.
            // (Made anew, not reserved: the table is empty while it has no capacity.)
            tables.spans = Vec::with_capacity(self.text.len() / 16 + 4);
        }
        let first_span = tables.spans.len() as u32;
        let spans = &scratch.spans[mark..];
        let (cooked, cooked_in_text, static_len) = match value_in_text(start, end, spans) {
            Some((value, static_len)) => (value, true, static_len),
            None => {
                if tables.strings.capacity() == 0 {
                    // A value after quote removal is at most as long as the word.
                    tables.strings = String::with_capacity(self.text.len() / 2);
                }
                let (value, static_len) = cook(self.text, &mut tables.strings, start, end, spans);
                (value, false, static_len)
            }
        };
        let dash = starts_with_dash(
            if cooked_in_text {
                self.text
            } else {
                &tables.strings
            },
            cooked,
        );
        tables.spans.extend_from_slice(spans);
        scratch.spans.truncate(mark);
        WordData {
            text: self.text_id,
            range: Self::range(start, end),
            flags: WordFlags(flags),
            spans: (first_span, tables.spans.len() as u32),
            cooked,
            cooked_in_text,
            dash,
            static_len,
        }
    }

    fn push_span(&mut self, start: usize, end: usize, kind: SpanKind) {
        self.scratch.spans.push(Span {
            range: Self::range(start, end),
            kind,
        });
    }

    fn scan_escape(&mut self, flags: &mut u16) {
        let start = self.pos;
        *flags |= WordFlags::ESCAPES;
        match self.byte(start + 1) {
            Some(b'\n') => {
                self.push_span(start, start + 2, SpanKind::Drop);
                self.pos += 2;
            }
            Some(next) => {
                self.push_span(start, start + 1, SpanKind::Drop);
                self.pos = (start + 1 + utf8_len(next)).min(self.end);
            }
            None => self.pos += 1,
        }
    }

    fn scan_single_quoted(&mut self, flags: &mut u16) {
        let open = self.pos;
        *flags |= WordFlags::SINGLE_QUOTES;
        self.push_span(open, open + 1, SpanKind::Drop);
        match memchr(b'\'', &self.src[open + 1..self.end]) {
            Some(i) => {
                let close = open + 1 + i;
                self.push_span(close, close + 1, SpanKind::Drop);
                self.pos = close + 1;
            }
            None => {
                *flags |= WordFlags::UNTERMINATED;
                self.error(open, self.end, E::UnterminatedSingleQuote);
                self.pos = self.end;
            }
        }
    }

    fn scan_double_quoted(&mut self, ctx: Ctx, flags: &mut u16) {
        let open = self.pos;
        *flags |= WordFlags::DOUBLE_QUOTES;
        self.push_span(open, open + 1, SpanKind::Drop);
        self.pos += 1;
        if !self.enter() {
            return;
        }
        loop {
            let src = self.src;
            self.pos = run_end(&DOUBLE_QUOTED_STOP, src, self.pos);
            let Some(&b) = src.get(self.pos) else {
                *flags |= WordFlags::UNTERMINATED;
                self.error(open, self.end, E::UnterminatedDoubleQuote);
                break;
            };
            match b {
                b'"' => {
                    self.push_span(self.pos, self.pos + 1, SpanKind::Drop);
                    self.pos += 1;
                    break;
                }
                b'\\' => match self.byte(self.pos + 1) {
                    Some(b'$' | b'`' | b'"' | b'\\') => {
                        *flags |= WordFlags::ESCAPES;
                        self.push_span(self.pos, self.pos + 1, SpanKind::Drop);
                        self.pos += 2;
                    }
                    Some(b'\n') => {
                        *flags |= WordFlags::ESCAPES;
                        self.push_span(self.pos, self.pos + 2, SpanKind::Drop);
                        self.pos += 2;
                    }
                    _ => self.pos += 1,
                },
                b'$' => self.scan_dollar(ctx, flags, true),
                _ => self.scan_backquote(ctx, flags),
            }
        }
        self.leave();
    }

    fn scan_ansi_c(&mut self, flags: &mut u16) {
        let open = self.pos;
        *flags |= WordFlags::ANSI_C_QUOTES;
        self.push_span(open, open + 2, SpanKind::Drop);
        self.pos += 2;
        loop {
            let Some(b) = self.peek() else {
                *flags |= WordFlags::UNTERMINATED;
                self.error(open, self.end, E::UnterminatedAnsiCQuote);
                return;
            };
            match b {
                b'\'' => {
                    self.push_span(self.pos, self.pos + 1, SpanKind::Drop);
                    self.pos += 1;
                    return;
                }
                b'\\' => {
                    let escape = ansi_c_escape(&self.src[self.pos + 1..self.end]);
                    match escape {
                        Some((ch, len)) => {
                            self.push_span(self.pos, self.pos + 1 + len, SpanKind::Char(ch));
                            self.pos += 1 + len;
                        }
                        None => self.pos += 1,
                    }
                }
                _ => self.pos += 1,
            }
        }
    }

    /// At `$`: an expansion, `$'...'`, `$"..."`, or a lone `$`.
    fn scan_dollar(&mut self, ctx: Ctx, flags: &mut u16, in_double_quotes: bool) {
        let start = self.pos;
        let mark = self.scratch.spans.len();
        let kind = match self.byte(start + 1) {
            Some(b'(') => {
                if self.byte(start + 2) == Some(b'(') && self.looks_like_arithmetic(start + 3) {
                    self.pos += 3;
                    self.scan_arithmetic_body(ctx, flags, start);
                    *flags |= WordFlags::ARITHMETIC;
                    ExpansionKind::Arithmetic
                } else {
                    *flags |= WordFlags::COMMAND_SUBSTITUTION;
                    self.scan_substitution(ctx, start, 2, false, flags);
                    ExpansionKind::CommandSubstitution
                }
            }
            Some(b'{') => {
                *flags |= WordFlags::PARAMETER;
                self.scan_braced(ctx, flags, in_double_quotes);
                ExpansionKind::BracedParameter
            }
            Some(b'[') => {
                *flags |= WordFlags::ARITHMETIC;
                self.pos += 2;
                self.skip_to_bracket_close();
                ExpansionKind::Arithmetic
            }
            Some(b'\'') if !in_double_quotes => return self.scan_ansi_c(flags),
            Some(b'"') if !in_double_quotes => {
                self.push_span(start, start + 1, SpanKind::Drop);
                self.pos += 1;
                return self.scan_double_quoted(ctx, flags);
            }
            Some(c) if is_name_start(c) => {
                *flags |= WordFlags::PARAMETER;
                self.pos = run_end(&NOT_NAME_CHAR, self.src, start + 2);
                ExpansionKind::Parameter
            }
            Some(c) if c.is_ascii_digit() || b"@*#?-$!".contains(&c) => {
                *flags |= WordFlags::PARAMETER;
                self.pos += 2;
                ExpansionKind::Parameter
            }
            _ => {
                self.pos += 1;
                return;
            }
        };
        self.scratch.spans.truncate(mark);
        self.push_span(start, self.pos, SpanKind::Expansion(kind));
    }

    /// `$(`, `<(` or `>(` at `start` (`open` bytes long): parses the commands inside up to
    /// the closing `)`.
    fn scan_substitution(
        &mut self,
        ctx: Ctx,
        start: usize,
        open: usize,
        process: bool,
        flags: &mut u16,
    ) {
        self.pos = start + open;
        if !self.enter() {
            return;
        }
        let opaque = self.is_opaque(start);
        let mark = opaque.then(|| self.tables.mark());
        let mut sub = Ctx {
            flags: ctx.flags | Context::SUBSTITUTION,
            parent: ctx.parent,
            outer: 0,
        };
        if process {
            sub.flags |= Context::PROCESS_SUBSTITUTION;
        }
        let found = self.parse_list(sub, stop::RPAREN);
        if found == Some(stop::RPAREN) {
            self.pos += 1;
        } else {
            *flags |= WordFlags::UNTERMINATED;
            let kind = if process {
                E::UnterminatedProcessSubstitution
            } else {
                E::UnterminatedCommandSubstitution
            };
            self.error(start, self.pos, kind);
        }
        if let Some(mark) = mark {
            self.tables.rollback(&mark);
        }
        self.leave();
    }

    fn scan_process_substitution(&mut self, ctx: Ctx, flags: &mut u16) {
        let start = self.pos;
        *flags |= WordFlags::PROCESS_SUBSTITUTION;
        let mark = self.scratch.spans.len();
        self.scan_substitution(ctx, start, 2, true, flags);
        self.scratch.spans.truncate(mark);
        let kind = SpanKind::Expansion(ExpansionKind::ProcessSubstitution);
        self.push_span(start, self.pos, kind);
    }

    fn is_opaque(&self, at: usize) -> bool {
        let at = TextSize::from_usize(at);
        self.opaque.iter().any(|r| r.contains(at))
    }

    /// Whether the text after `$((` / `((` (at `from`) closes with `))` (arithmetic)
    /// rather than `) ... )` (a subshell in a substitution). Looks at most 4 KiB ahead.
    fn looks_like_arithmetic(&self, from: usize) -> bool {
        let limit = self.end.min(from.saturating_add(4096));
        let mut depth = 2u32;
        let mut p = from;
        while p < limit {
            match self.src[p] {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 1 {
                        return self.byte(p + 1) == Some(b')');
                    }
                }
                b'\\' => p += 1,
                _ => {}
            }
            p += 1;
        }
        limit == self.end
    }

    /// After `$((` or `((` (opened at `start`): up to and including the closing `))`.
    fn scan_arithmetic_body(&mut self, ctx: Ctx, flags: &mut u16, start: usize) {
        if !self.enter() {
            return;
        }
        let mut depth = 2u32;
        loop {
            let Some(b) = self.peek() else {
                *flags |= WordFlags::UNTERMINATED;
                self.error(start, self.end, E::UnterminatedArithmetic);
                break;
            };
            match b {
                b'(' => {
                    depth += 1;
                    self.pos += 1;
                }
                b')' => {
                    depth -= 1;
                    self.pos += 1;
                    if depth <= 1 {
                        if self.peek() == Some(b')') {
                            self.pos += 1;
                        }
                        break;
                    }
                }
                b'$' => self.scan_dollar(ctx, flags, true),
                b'"' => self.scan_double_quoted(ctx, flags),
                b'\'' => self.scan_single_quoted(flags),
                b'`' => self.scan_backquote(ctx, flags),
                b'\\' => self.scan_escape(flags),
                _ => self.pos += 1,
            }
        }
        self.leave();
    }

    /// After `${`: up to and including the matching `}`.
    fn scan_braced(&mut self, ctx: Ctx, flags: &mut u16, in_double_quotes: bool) {
        let start = self.pos;
        self.pos += 2;
        if !self.enter() {
            return;
        }
        loop {
            let src = self.src;
            self.pos = run_end(&BRACED_STOP, src, self.pos);
            let Some(&b) = src.get(self.pos) else {
                *flags |= WordFlags::UNTERMINATED;
                self.error(start, self.end, E::UnterminatedParameterExpansion);
                break;
            };
            match b {
                b'}' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => self.scan_escape(flags),
                b'\'' if !in_double_quotes => self.scan_single_quoted(flags),
                b'"' => self.scan_double_quoted(ctx, flags),
                b'$' => self.scan_dollar(ctx, flags, in_double_quotes),
                b'`' => self.scan_backquote(ctx, flags),
                _ => self.pos += 1,
            }
        }
        self.leave();
    }

    /// After `$[`: up to and including the matching `]`.
    fn skip_to_bracket_close(&mut self) {
        let mut depth = 1u32;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'[' => depth += 1,
                b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// At `(` of an extended glob: up to and including the matching `)`.
    fn skip_balanced_parens(&mut self) {
        let mut depth = 0u32;
        while let Some(b) = self.peek() {
            match b {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        return;
                    }
                }
                b'\\' => self.pos += 1,
                b'\n' => return,
                _ => {}
            }
            self.pos = (self.pos + 1).min(self.end);
        }
    }

    /// At the `(` of `name=(...)`: the array's elements, up to and including `)`.
    fn scan_array(&mut self, ctx: Ctx, flags: &mut u16) {
        let open = self.pos;
        let mark = self.scratch.spans.len();
        *flags |= WordFlags::ARRAY;
        self.pos += 1;
        if !self.enter() {
            return;
        }
        loop {
            self.skip_linebreaks();
            let Some(b) = self.peek() else {
                *flags |= WordFlags::UNTERMINATED;
                self.error(open, self.end, E::UnterminatedArray);
                break;
            };
            if b == b')' {
                self.pos += 1;
                break;
            }
            if CLASS[b as usize] == BREAK {
                self.pos += 1;
                continue;
            }
            self.scan_word_parts(ctx, flags);
        }
        self.leave();
        self.scratch.spans.truncate(mark);
        self.push_span(open, self.pos, SpanKind::Expansion(ExpansionKind::Array));
    }

    fn scan_backquote(&mut self, ctx: Ctx, flags: &mut u16) {
        let open = self.pos;
        let mark = self.scratch.spans.len();
        *flags |= WordFlags::COMMAND_SUBSTITUTION;
        let mut p = open + 1;
        let mut escaped = false;
        while p < self.end && self.src[p] != b'`' {
            if self.src[p] == b'\\' {
                escaped = true;
                p += 1;
            }
            p += 1;
        }
        let close = p.min(self.end);
        let terminated = close < self.end;
        if !terminated {
            *flags |= WordFlags::UNTERMINATED;
            self.error(open, self.end, E::UnterminatedBackquote);
        }
        if self.enter() {
            let sub = Ctx {
                flags: ctx.flags | Context::SUBSTITUTION,
                parent: ctx.parent,
                outer: 0,
            };
            let rollback = self.is_opaque(open).then(|| self.tables.mark());
            if escaped {
                self.parse_unescaped_backquote(sub, open + 1, close);
            } else {
                let saved = (self.src, self.end);
                (self.src, self.end) = (&self.src[..close], close);
                self.pos = open + 1;
                self.parse_list(sub, 0);
                (self.src, self.end) = saved;
            }
            if let Some(mark) = rollback {
                self.tables.rollback(&mark);
            }
            self.leave();
        }
        self.pos = if terminated { close + 1 } else { self.end };
        self.scratch.spans.truncate(mark);
        let kind = SpanKind::Expansion(ExpansionKind::Backquote);
        self.push_span(open, self.pos, kind);
    }

    /// Backquotes whose content has backslashes: `\\`, `` \` `` and `\$` lose their
    /// backslash, so the content is parsed as a text of its own.
    fn parse_unescaped_backquote(&mut self, ctx: Ctx, start: usize, end: usize) {
        self.collect_pieces();
        let mut inner = MappedText::with_capacity(end - start);
        let mut at = start;
        let mut p = start;
        while p < end {
            if self.src[p] == b'\\' && matches!(self.byte(p + 1), Some(b'\\' | b'`' | b'$')) {
                shell_string::push_mapped(&mut inner, self.text, &self.pieces, at, p);
                at = p + 1;
                p += 2;
                continue;
            }
            p += 1;
        }
        shell_string::push_mapped(&mut inner, self.text, &self.pieces, at, end);
        self.parse_text(inner, &[], ctx);
    }

    fn collect_pieces(&mut self) {
        if self.pieces.is_empty() {
            self.pieces = self.map.pieces().collect();
        }
    }

    /// Parses `inner` as a text of its own (a shell string, an unescaped backquote).
    fn parse_text(&mut self, inner: MappedText, opaque: &[TextRange], ctx: Ctx) -> u32 {
        let id = self.tables.texts.len() as u32 + 1;
        self.tables.texts.push(MappedText::new());
        {
            let mut parser = Parser::new(
                &inner,
                TextId(id),
                &mut *self.tables,
                &mut *self.scratch,
                self.depth,
                opaque,
            );
            parser.parse_script(ctx);
        }
        if let Some(slot) = self.tables.texts.get_mut(id as usize - 1) {
            *slot = inner;
        }
        id
    }

    /// Parses the script string of `sh -c '...'` (the word `word` of command `id`).
    fn parse_shell_string(&mut self, id: u32, word: WordData, ctx: Ctx) {
        if !self.enter() {
            return;
        }
        self.collect_pieces();
        let spans = &self.tables.spans[word.spans.0 as usize..word.spans.1 as usize];
        let (inner, opaque) = shell_string::unquote(self.text, &self.pieces, word.range, spans);
        let sub = Ctx {
            flags: ctx.flags | Context::SHELL_STRING,
            parent: id,
            outer: 0,
        };
        let text = self.parse_text(inner, &opaque, sub);
        if let Some(c) = self.tables.commands.get_mut(id as usize) {
            c.shell_text = text;
        }
        self.leave();
    }
}

/// Moves `scratch[mark..]` to the end of `table`; returns where they went.
#[inline]
fn move_to<T: Copy>(table: &mut Vec<T>, scratch: &mut Vec<T>, mark: usize) -> (u32, u32) {
    let start = table.len() as u32;
    if let Some(moved) = scratch.get(mark..)
        && !moved.is_empty()
    {
        table.extend_from_slice(moved);
        scratch.truncate(mark);
    }
    (start, table.len() as u32)
}

/// Marks the commands of a finished multi-element pipeline (from `first` on) as piped:
/// those in the same scope, not those inside a substitution or `sh -c` string.
fn mark_piped(tables: &mut Tables, ctx: Ctx, text: TextId, first: usize) {
    const SCOPE: u16 = Context::SUBSTITUTION | Context::SHELL_STRING;
    for c in &mut tables.commands[first..] {
        let same_scope =
            c.parent == ctx.parent && c.text == text && c.context.0 & SCOPE == ctx.flags & SCOPE;
        if same_scope {
            c.context.0 |= Context::PIPELINE;
        }
    }
}

/// The value after quote removal of `text[start..end]` with its `spans` when it is a part
/// of the text: when every span that drops characters lies at one end of the word, with
/// nothing but expansions (kept as written) between (`"$HOME"`, `'a b'`, `"${x}/bin"`,
/// `$PATH`). Returns `((start, len), static_len)` as [`cook`] does, without copying.
fn value_in_text(start: usize, end: usize, spans: &[Span]) -> Option<((u32, u32), u32)> {
    let (mut lo, mut hi) = (start, end);
    let mut first = 0;
    while let Some(span) = spans.get(first)
        && span.kind == SpanKind::Drop
        && span.range.start().to_usize() == lo
    {
        lo = span.range.end().to_usize();
        first += 1;
    }
    let mut last = spans.len();
    while last > first
        && spans[last - 1].kind == SpanKind::Drop
        && spans[last - 1].range.end().to_usize() == hi
    {
        hi = spans[last - 1].range.start().to_usize();
        last -= 1;
    }
    let middle = &spans[first..last];
    let mut at = lo;
    for span in middle {
        let (s, e) = (span.range.start().to_usize(), span.range.end().to_usize());
        if !matches!(span.kind, SpanKind::Expansion(_)) || s < at || e > hi {
            return None;
        }
        at = e;
    }
    if lo > hi {
        return None;
    }
    let static_len = middle.first().map_or(hi, |s| s.range.start().to_usize()) - lo;
    Some(((lo as u32, (hi - lo) as u32), static_len as u32))
}

/// Quote removal of `text[start..end]` with its `spans`, appended to `strings`.
/// Returns `((start, len), static_len)`.
fn cook(
    text: &str,
    strings: &mut String,
    start: usize,
    end: usize,
    spans: &[Span],
) -> ((u32, u32), u32) {
    let base = strings.len();
    let mut at = start;
    let mut static_len = None;
    for span in spans {
        let (s, e) = (span.range.start().to_usize(), span.range.end().to_usize());
        if at < s {
            strings.push_str(text.get(at..s).unwrap_or_default());
        }
        match span.kind {
            SpanKind::Drop => {}
            SpanKind::Char(ch) => strings.push(ch),
            SpanKind::Expansion(_) => {
                static_len.get_or_insert(strings.len() - base);
                strings.push_str(text.get(s..e).unwrap_or_default());
            }
        }
        at = e;
    }
    if at < end {
        strings.push_str(text.get(at..end).unwrap_or_default());
    }
    let len = strings.len() - base;
    let static_len = static_len.unwrap_or(len);
    ((base as u32, len as u32), static_len as u32)
}

/// Whether the value at `cooked` (`(start, len)` in `source`) starts with `-`.
#[inline]
fn starts_with_dash(source: &str, (start, len): (u32, u32)) -> bool {
    len > 0 && source.as_bytes().get(start as usize) == Some(&b'-')
}

/// A word's value after quote removal, expansions kept as written; `None` when it has
/// expansions and `lossy` is false.
pub(crate) fn word_value<'a>(
    text: &'a str,
    strings: &'a str,
    word: &WordData,
    lossy: bool,
) -> Option<&'a str> {
    if !lossy && word.flags.has_expansion() {
        return None;
    }
    let (start, len) = (word.cooked.0 as usize, word.cooked.1 as usize);
    let source = if word.cooked_in_text { text } else { strings };
    source.get(start..start + len)
}

#[cfg(test)]
mod tests {
    /// Everything a script holds (its tables) and shows: its commands, pipelines and
    /// errors, and every word's text, range, flags, values and expansions.
    fn describe(script: &crate::Script) -> String {
        let mut out = format!("{:?}\n{script:?}\n", script.tables);
        for pipeline in script.pipelines() {
            out += &format!(
                "{pipeline:?} {:?}\n",
                pipeline.elements().collect::<Vec<_>>()
            );
        }
        for command in script.commands() {
            for word in command
                .words()
                .chain(command.assignments().map(|a| a.value()))
            {
                out += &format!(
                    "{word:?} {:?} {:?} {:?} {:?} {:?}\n",
                    word.range(),
                    word.flags(),
                    word.value(),
                    word.value_lossy(),
                    word.expansions().collect::<Vec<_>>(),
                );
            }
            out += &format!("{:?}\n", command.redirects().collect::<Vec<_>>());
        }
        out
    }

    /// A parse into the tables of dropped scripts (see `SPARE`) gives what a parse into
    /// new tables gives, whatever the dropped scripts held.
    #[test]
    fn reused_tables_parse_as_new_ones() {
        super::SPARE.with(|spare| spare.borrow_mut().clear());
        let scripts = [
            "apt-get update && apt-get install -y curl",
            "echo \"$HOME\" 'a b' $'\\t' | tee -a /x > /dev/null 2>&1",
            "A=1 B=\"$(date)\" make -j\"$(nproc)\" <<EOF\nbody\nEOF\n",
            "if [ -f x ]; then sh -c 'rm -rf /tmp/* && echo done'; fi",
            "for i in 1 2 3; do case $i in 1) a ;; *) b ;; esac; done",
            "x=( a b ) ; f() { echo \"${x[@]:-`id -u`}\"; } ; f",
            "unterminated \"quote $(and ` substitution",
            "",
        ];
        let fresh: Vec<(crate::Script, String)> = scripts
            .iter()
            .map(|text| {
                let script = crate::parse_str(text);
                let described = describe(&script);
                (script, described)
            })
            .collect();
        for round in 0..3 {
            // Scripts of every size dropped, in another order each round: their tables
            // are what the next parses fill.
            let dropped: Vec<_> = scripts
                .iter()
                .cycle()
                .skip(round)
                .take(20)
                .map(|text| crate::parse_str(&text.repeat(1 + round * 3)))
                .collect();
            drop(dropped);
            for (text, (_, expected)) in scripts.iter().zip(&fresh) {
                assert_eq!(describe(&crate::parse_str(text)), *expected, "{text:?}");
            }
        }
    }
}
