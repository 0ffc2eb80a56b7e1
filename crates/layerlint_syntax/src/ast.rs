//! The Dockerfile syntax tree.
//!
//! Two views of one file:
//!
//! * [`Token`]s tile the source: every byte belongs to exactly one token, so printing the
//!   tokens gives the input back byte for byte ([`Dockerfile::print`]). They are what an
//!   editor colours.
//! * [`Instruction`]s carry the meaning, parsed the way BuildKit parses them: flags, typed
//!   arguments, heredocs. Every part has its exact byte range in the source, across line
//!   continuations.

use layerlint_text::{MappedText, TextRange};

use crate::mount::Mount;

/// A parsed Dockerfile: the source, its tokens and its instructions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dockerfile {
    pub(crate) source: String,
    pub(crate) bom: bool,
    pub(crate) escape: char,
    pub(crate) directives: Vec<Directive>,
    pub(crate) instructions: Vec<Instruction>,
    pub(crate) comments: Vec<TextRange>,
    /// Computed on first use: the linter never needs them.
    pub(crate) tokens: std::sync::OnceLock<Vec<Token>>,
    pub(crate) empty_continuation_lines: Vec<TextRange>,
}

impl Dockerfile {
    /// The whole source text, including a byte-order mark if it had one.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The text of `range` in the source.
    pub fn text(&self, range: TextRange) -> &str {
        &self.source[range]
    }

    /// Whether the source starts with a UTF-8 byte-order mark.
    pub fn has_bom(&self) -> bool {
        self.bom
    }

    /// The escape character in effect: `\` unless `# escape=` set `` ` ``.
    pub fn escape(&self) -> char {
        self.escape
    }

    /// The parser directives of the header (`# syntax=`, `# escape=`, `# check=`).
    pub fn directives(&self) -> &[Directive] {
        &self.directives
    }

    /// The directive of `kind`, if the header has it.
    pub fn directive(&self, kind: DirectiveKind) -> Option<&Directive> {
        self.directives.iter().find(|d| d.kind == kind)
    }

    /// The instructions, in order.
    pub fn instructions(&self) -> &[Instruction] {
        &self.instructions
    }

    /// Every comment line (from `#` to the end of the line, without the line ending):
    /// standalone ones, and the ones skipped inside line continuations. Directives are not
    /// comments. Heredoc bodies hold no comments.
    pub fn comments(&self) -> &[TextRange] {
        &self.comments
    }

    /// The tokens, tiling the whole source (computed on first call).
    pub fn tokens(&self) -> &[Token] {
        self.tokens
            .get_or_init(|| crate::parser::tokenize(&self.source))
    }

    /// Whitespace-only lines inside line continuations (BuildKit skips them, with a
    /// warning), each without its line ending.
    pub fn empty_continuation_lines(&self) -> &[TextRange] {
        &self.empty_continuation_lines
    }

    /// The source again, printed from the tokens.
    pub fn print(&self) -> String {
        let mut out = String::with_capacity(self.source.len());
        for token in self.tokens() {
            out.push_str(&self.source[token.range]);
        }
        out
    }
}

/// A lexical token. Together the tokens of a file cover every byte exactly once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// The UTF-8 byte-order mark.
    Bom,
    /// A line ending: `\n`, `\r\n` (and any `\r` right before it), or trailing `\r` at the
    /// end of the file.
    Newline,
    /// Spaces, tabs and other whitespace within a line.
    Whitespace,
    /// A comment line's text, from `#` to the end of the line.
    Comment,
    /// A parser directive line, from `#` to the end of the line.
    Directive,
    /// An instruction's keyword (`FROM`, `run`, …).
    Keyword,
    /// A run of non-whitespace text in an instruction: flags and arguments.
    Text,
    /// The escape character ending a line, with the spaces and tabs after it.
    LineContinuation,
    /// The lines of a heredoc between its marker's line and its terminator.
    HeredocBody,
    /// The line that ends a heredoc.
    HeredocTerminator,
}

/// A parser directive from the header of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// The whole line, from `#` to the end of the line.
    pub range: TextRange,
    pub kind: DirectiveKind,
    /// The key as written (any case).
    pub name: TextRange,
    /// The value, trimmed.
    pub value: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DirectiveKind {
    Syntax,
    Escape,
    Check,
}

impl DirectiveKind {
    pub fn from_name(name: &str) -> Option<Self> {
        if name.eq_ignore_ascii_case("syntax") {
            Some(Self::Syntax)
        } else if name.eq_ignore_ascii_case("escape") {
            Some(Self::Escape)
        } else if name.eq_ignore_ascii_case("check") {
            Some(Self::Check)
        } else {
            None
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Syntax => "syntax",
            Self::Escape => "escape",
            Self::Check => "check",
        }
    }
}

/// The instruction keywords BuildKit knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstructionKind {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    /// Anything else; BuildKit rejects it ("unknown instruction").
    Unknown,
}

impl InstructionKind {
    /// Every known keyword, in alphabetical order.
    pub const ALL: [InstructionKind; 18] = [
        Self::Add,
        Self::Arg,
        Self::Cmd,
        Self::Copy,
        Self::Entrypoint,
        Self::Env,
        Self::Expose,
        Self::From,
        Self::Healthcheck,
        Self::Label,
        Self::Maintainer,
        Self::Onbuild,
        Self::Run,
        Self::Shell,
        Self::Stopsignal,
        Self::User,
        Self::Volume,
        Self::Workdir,
    ];

    /// The kind of a keyword, in any case.
    ///
    /// By length, then by the keyword's bytes with bit 5 cleared: that upper-cases an ASCII
    /// letter and turns no other byte into an upper-case letter, so it matches the keywords
    /// (all letters) exactly as an upper-cased copy does, with fixed-size comparisons.
    pub fn from_keyword(keyword: &str) -> Self {
        fn folded<const N: usize>(bytes: &[u8]) -> [u8; N] {
            let mut out = [0; N];
            for (slot, byte) in out.iter_mut().zip(bytes) {
                *slot = byte & !0x20;
            }
            out
        }
        let bytes = keyword.as_bytes();
        match bytes.len() {
            3 => match &folded::<3>(bytes) {
                b"ADD" => Self::Add,
                b"ARG" => Self::Arg,
                b"CMD" => Self::Cmd,
                b"ENV" => Self::Env,
                b"RUN" => Self::Run,
                _ => Self::Unknown,
            },
            4 => match &folded::<4>(bytes) {
                b"COPY" => Self::Copy,
                b"FROM" => Self::From,
                b"USER" => Self::User,
                _ => Self::Unknown,
            },
            5 => match &folded::<5>(bytes) {
                b"LABEL" => Self::Label,
                b"SHELL" => Self::Shell,
                _ => Self::Unknown,
            },
            6 => match &folded::<6>(bytes) {
                b"EXPOSE" => Self::Expose,
                b"VOLUME" => Self::Volume,
                _ => Self::Unknown,
            },
            7 => match &folded::<7>(bytes) {
                b"ONBUILD" => Self::Onbuild,
                b"WORKDIR" => Self::Workdir,
                _ => Self::Unknown,
            },
            10 => match &folded::<10>(bytes) {
                b"ENTRYPOINT" => Self::Entrypoint,
                b"MAINTAINER" => Self::Maintainer,
                b"STOPSIGNAL" => Self::Stopsignal,
                _ => Self::Unknown,
            },
            11 => match &folded::<11>(bytes) {
                b"HEALTHCHECK" => Self::Healthcheck,
                _ => Self::Unknown,
            },
            _ => Self::Unknown,
        }
    }

    /// The keyword in upper case (`"UNKNOWN"` for unknown ones).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Add => "ADD",
            Self::Arg => "ARG",
            Self::Cmd => "CMD",
            Self::Copy => "COPY",
            Self::Entrypoint => "ENTRYPOINT",
            Self::Env => "ENV",
            Self::Expose => "EXPOSE",
            Self::From => "FROM",
            Self::Healthcheck => "HEALTHCHECK",
            Self::Label => "LABEL",
            Self::Maintainer => "MAINTAINER",
            Self::Onbuild => "ONBUILD",
            Self::Run => "RUN",
            Self::Shell => "SHELL",
            Self::Stopsignal => "STOPSIGNAL",
            Self::User => "USER",
            Self::Volume => "VOLUME",
            Self::Workdir => "WORKDIR",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// Whether the instruction adds a filesystem layer to the image.
    pub fn makes_layer(self) -> bool {
        matches!(self, Self::Run | Self::Copy | Self::Add)
    }

    /// Whether BuildKit reads heredocs for it (also when wrapped in `ONBUILD`).
    pub fn takes_heredocs(self) -> bool {
        matches!(self, Self::Run | Self::Copy | Self::Add)
    }
}

impl std::fmt::Display for InstructionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One instruction, with everything that belongs to it: continuation lines, comment lines
/// skipped inside them, and heredoc bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// From the keyword to the end of the last line that belongs to the instruction (the
    /// last continuation line, or the last heredoc terminator), line ending excluded.
    pub range: TextRange,
    /// The keyword as written.
    pub keyword: TextRange,
    pub kind: InstructionKind,
    /// The leading `--name[=value]` words, as BuildKit reads them.
    pub flags: Vec<Flag>,
    /// Everything after the keyword and the flags, trimmed (empty at the keyword's end when
    /// there is nothing).
    pub args: TextRange,
    /// The arguments, typed by instruction.
    pub body: Body,
    /// The heredocs of RUN, COPY and ADD, in order.
    pub heredocs: Vec<Heredoc>,
    /// The comment lines right before the instruction (BuildKit's `PrevComment`: blank lines
    /// in between are allowed; an empty `#` line starts the list afresh).
    pub comments: Vec<TextRange>,
}

impl Instruction {
    /// The first flag called `name` (without the dashes).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|flag| flag.name == name)
    }

    /// The instruction this one applies: the trigger for `ONBUILD`, else itself.
    pub fn effective(&self) -> &Instruction {
        match &self.body {
            Body::Onbuild(Some(inner)) => inner,
            _ => self,
        }
    }

    /// The command of RUN, CMD, ENTRYPOINT and SHELL, and of `HEALTHCHECK CMD`.
    pub fn command(&self) -> Option<&CommandLine> {
        match &self.body {
            Body::Run(run) => run.command.as_ref(),
            Body::Cmd(cmd) | Body::Entrypoint(cmd) | Body::Shell(cmd) => cmd.as_ref(),
            Body::Healthcheck(health) => health.command.as_ref(),
            _ => None,
        }
    }
}

/// A `--name[=value]` flag before an instruction's arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The whole flag word.
    pub range: TextRange,
    /// The name without the leading dashes.
    pub name: String,
    /// The name's range, dashes excluded.
    pub name_range: TextRange,
    /// The value after `=` with quotes and escapes processed; `None` without `=`.
    pub value: Option<Word>,
}

impl Flag {
    /// The value, or `""` when the flag has none.
    pub fn value_str(&self) -> &str {
        self.value.as_ref().map_or("", |v| v.text.as_str())
    }
}

/// A word of an instruction's arguments: its range in the source, and its text as
/// BuildKit's parser gives it (line continuations removed; quotes kept unless noted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub range: TextRange,
    pub text: String,
}

/// An instruction's arguments, by instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    From(FromImage),
    Run(Run),
    Cmd(Option<CommandLine>),
    Entrypoint(Option<CommandLine>),
    Shell(Option<CommandLine>),
    Label(Vec<KeyValue>),
    Env(Vec<KeyValue>),
    Arg(Vec<ArgDecl>),
    Copy(Paths),
    Add(Paths),
    Volume(Paths),
    Expose(Vec<Word>),
    User(Option<Word>),
    Workdir(Option<Word>),
    Maintainer(Option<Word>),
    Stopsignal(Option<Word>),
    Healthcheck(Healthcheck),
    /// `ONBUILD` and the instruction it triggers (parsed like any other), if any.
    Onbuild(Option<Box<Instruction>>),
    /// An unknown instruction: nothing is parsed.
    Unknown,
}

/// `FROM [--platform=…] image [AS name]`: the whitespace-separated words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FromImage {
    pub words: Vec<Word>,
}

impl FromImage {
    /// The base image (or earlier stage) reference.
    pub fn image(&self) -> Option<&Word> {
        self.words.first()
    }

    /// The `AS` keyword, when the instruction is `FROM image AS name`.
    pub fn as_keyword(&self) -> Option<&Word> {
        match self.words.as_slice() {
            [_, kw, _] if kw.text.eq_ignore_ascii_case("as") => Some(kw),
            _ => None,
        }
    }

    /// The stage name as written, when the instruction is `FROM image AS name`.
    pub fn stage_name(&self) -> Option<&Word> {
        match self.words.as_slice() {
            [_, kw, name] if kw.text.eq_ignore_ascii_case("as") => Some(name),
            _ => None,
        }
    }
}

/// `RUN [--mount=…] [--network=…] [--security=…] command`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    pub command: Option<CommandLine>,
    /// The `--mount` flags, parsed.
    pub mounts: Vec<Mount>,
}

/// A command in exec (JSON array) or shell form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandLine {
    Exec(ExecForm),
    Shell(ShellForm),
}

impl CommandLine {
    /// The range of the whole command.
    pub fn range(&self) -> TextRange {
        match self {
            Self::Exec(exec) => exec.range,
            Self::Shell(shell) => shell.range,
        }
    }

    pub fn is_exec(&self) -> bool {
        matches!(self, Self::Exec(_))
    }

    pub fn as_shell(&self) -> Option<&ShellForm> {
        match self {
            Self::Shell(shell) => Some(shell),
            Self::Exec(_) => None,
        }
    }

    pub fn as_exec(&self) -> Option<&ExecForm> {
        match self {
            Self::Exec(exec) => Some(exec),
            Self::Shell(_) => None,
        }
    }
}

/// A JSON array of strings: `["node", "index.js"]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecForm {
    /// From `[` to `]`.
    pub range: TextRange,
    /// The elements: ranges of the string literals (quotes included), decoded values.
    pub args: Vec<Word>,
}

/// A command run by the shell: the rest of the line, continuations removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellForm {
    pub range: TextRange,
    /// The text the shell receives, mapped back into the source.
    pub text: MappedText,
}

impl ShellForm {
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }

    /// Whether the text starts like an exec-form array (`[`) that is not valid JSON, so
    /// BuildKit runs it with the shell instead.
    pub fn looks_like_json(&self) -> bool {
        self.text.as_str().trim_start().starts_with('[')
    }
}

/// A `key=value` pair of ENV or LABEL (or the legacy `key value` form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    /// The whole pair.
    pub range: TextRange,
    pub key: Word,
    /// The value as written: quotes and escapes kept.
    pub value: Word,
    /// `ENV key value` rather than `ENV key=value`.
    pub legacy: bool,
}

/// One `name[=default]` of an ARG instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgDecl {
    /// The whole word, as BuildKit's parser gives it.
    pub word: Word,
    pub name: Word,
    /// The default after `=`, as written (quotes kept); `None` without `=`.
    pub default: Option<Word>,
}

/// The words of COPY, ADD and VOLUME: a JSON array or whitespace-separated words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paths {
    pub words: Vec<Word>,
    /// Written as a JSON array.
    pub json: bool,
}

impl Paths {
    /// COPY/ADD sources: all words but the last.
    pub fn sources(&self) -> &[Word] {
        match self.words.split_last() {
            Some((_, sources)) => sources,
            None => &[],
        }
    }

    /// COPY/ADD destination: the last word, when there are at least two.
    pub fn destination(&self) -> Option<&Word> {
        if self.words.len() < 2 {
            return None;
        }
        self.words.last()
    }
}

/// `HEALTHCHECK [flags] CMD command`, `HEALTHCHECK NONE`, or a bare `HEALTHCHECK`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Healthcheck {
    /// `CMD`, `NONE` or whatever word comes first.
    pub kind: Option<Word>,
    pub command: Option<CommandLine>,
}

/// A heredoc: `<<EOF` … `EOF`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The marker word (`<<EOF`, `<<-'EOF'`, `3<<EOF`) in the instruction's line.
    pub marker: TextRange,
    /// The delimiter, unquoted.
    pub name: String,
    /// A file descriptor before `<<`.
    pub fd: Option<u32>,
    /// `<<-`: leading tabs are removed from the body and terminator lines.
    pub chomp: bool,
    /// No part of the delimiter was quoted, so variables in the body are expanded.
    pub expand: bool,
    /// The body lines, each with its line ending.
    pub body: TextRange,
    /// The terminator line, without its line ending; `None` when the file ended first.
    pub terminator: Option<TextRange>,
}

impl Heredoc {
    /// The body as the command or file receives it: leading tabs removed from each line
    /// for `<<-`.
    pub fn content(&self, source: &str) -> MappedText {
        let body = &source[self.body];
        if !self.chomp {
            return MappedText::contiguous(body, self.body.start());
        }
        let mut text = MappedText::with_capacity(body.len());
        let mut offset = self.body.start();
        for line in body.split_inclusive('\n') {
            let kept = line.trim_start_matches('\t');
            let skipped = layerlint_text::TextSize::from_usize(line.len() - kept.len());
            text.push(kept, offset + skipped);
            offset += layerlint_text::TextSize::of(line);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::InstructionKind;

    /// What `from_keyword` did before its fixed-size comparisons: an upper-cased copy
    /// compared with each keyword.
    fn by_upper_case(keyword: &str) -> InstructionKind {
        let upper = keyword.to_ascii_uppercase();
        InstructionKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == upper)
            .unwrap_or(InstructionKind::Unknown)
    }

    /// Every keyword in three cases, and every keyword with any one byte replaced by any
    /// ASCII character or a non-ASCII one, is read as the upper-cased copy reads it.
    #[test]
    fn keywords_match_their_upper_case() {
        for kind in InstructionKind::ALL {
            let keyword = kind.as_str();
            for written in [
                keyword.to_owned(),
                keyword.to_ascii_lowercase(),
                keyword[..1].to_owned() + &keyword[1..].to_ascii_lowercase(),
            ] {
                assert_eq!(InstructionKind::from_keyword(&written), kind, "{written}");
            }
            for at in 0..keyword.len() {
                let replacements = (0..128u8).map(char::from).chain(['é', 'ſ', 'K']);
                for replacement in replacements {
                    let written = format!("{}{replacement}{}", &keyword[..at], &keyword[at + 1..]);
                    assert_eq!(
                        InstructionKind::from_keyword(&written),
                        by_upper_case(&written),
                        "{written:?}"
                    );
                }
            }
            for extra in ["", "S", "\0", " "] {
                let longer = format!("{keyword}{extra}");
                assert_eq!(
                    InstructionKind::from_keyword(&longer),
                    by_upper_case(&longer)
                );
            }
        }
        for other in ["", "R", "RU", "RUNS", "FROM ", "HEALTHCHECKS"] {
            assert_eq!(InstructionKind::from_keyword(other), by_upper_case(other));
        }
    }
}
