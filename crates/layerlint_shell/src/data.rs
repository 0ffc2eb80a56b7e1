//! The flat tables a [`Script`](crate::Script) is made of, and the small public value
//! types (flags, operators) they hold.

use layerlint_text::TextRange;

/// "No such entry" in a `u32` index field.
pub(crate) const NONE: u32 = u32::MAX;

/// Which text a range is in: 0 is the script itself; others are strings run by a shell
/// (`sh -c '...'`) or backquoted substitutions that needed unescaping, each with its own
/// map back to the Dockerfile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextId(pub(crate) u32);

impl TextId {
    /// The script's own text.
    pub const ROOT: TextId = TextId(0);

    /// The position in the list of texts.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A command's index in [`Script::commands`](crate::Script::commands): commands are
/// numbered in order of appearance (where they start).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CommandId(pub(crate) u32);

impl CommandId {
    /// The position in [`Script::commands`](crate::Script::commands).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A pipeline's index in [`Script::pipelines`](crate::Script::pipelines), in order of
/// appearance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PipelineId(pub(crate) u32);

impl PipelineId {
    /// The position in [`Script::pipelines`](crate::Script::pipelines).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What joins a command (or pipeline) to the one after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Separator {
    /// Nothing follows: the end of the script, of a `( )`, `{ }`, `$( )` or a branch.
    #[default]
    End,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;`
    Semicolon,
    /// A newline.
    Newline,
    /// `&`: the command runs in the background.
    Background,
    /// `|`
    Pipe,
    /// `|&` (stdout and stderr piped)
    PipeAll,
    /// `;;`, `;&` or `;;&` ending a `case` branch.
    CaseEnd,
}

impl Separator {
    /// Whether this is `|` or `|&`.
    pub fn is_pipe(self) -> bool {
        matches!(self, Separator::Pipe | Separator::PipeAll)
    }

    /// The operator as written (`"\n"` for a newline, `""` for [`Separator::End`]).
    pub fn as_str(self) -> &'static str {
        match self {
            Separator::End => "",
            Separator::And => "&&",
            Separator::Or => "||",
            Separator::Semicolon => ";",
            Separator::Newline => "\n",
            Separator::Background => "&",
            Separator::Pipe => "|",
            Separator::PipeAll => "|&",
            Separator::CaseEnd => ";;",
        }
    }
}

/// Where a command sits: a set of flags, inherited by everything nested inside.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Context(pub(crate) u16);

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const NAMES: [&str; 11] = [
            "pipeline",
            "subshell",
            "group",
            "substitution",
            "shell_string",
            "condition",
            "if_branch",
            "loop",
            "case",
            "function",
            "process_substitution",
        ];
        let names: Vec<&str> = NAMES
            .iter()
            .enumerate()
            .filter(|(bit, _)| self.0 & (1 << bit) != 0)
            .map(|(_, name)| *name)
            .collect();
        write!(f, "Context({})", names.join(" | "))
    }
}

impl Context {
    pub(crate) const PIPELINE: u16 = 1 << 0;
    pub(crate) const SUBSHELL: u16 = 1 << 1;
    pub(crate) const GROUP: u16 = 1 << 2;
    pub(crate) const SUBSTITUTION: u16 = 1 << 3;
    pub(crate) const SHELL_STRING: u16 = 1 << 4;
    pub(crate) const CONDITION: u16 = 1 << 5;
    pub(crate) const IF_BRANCH: u16 = 1 << 6;
    pub(crate) const LOOP: u16 = 1 << 7;
    pub(crate) const CASE: u16 = 1 << 8;
    pub(crate) const FUNCTION: u16 = 1 << 9;
    pub(crate) const PROCESS_SUBSTITUTION: u16 = 1 << 10;

    #[inline]
    fn has(self, flag: u16) -> bool {
        self.0 & flag != 0
    }

    /// Part of a pipeline of two or more commands: piped itself, or inside a `( )`/`{ }`
    /// that is (not counting pipelines outside an enclosing substitution or `sh -c`).
    pub fn in_pipeline(self) -> bool {
        self.has(Self::PIPELINE)
    }

    /// Inside `( ... )`.
    pub fn in_subshell(self) -> bool {
        self.has(Self::SUBSHELL)
    }

    /// Inside `{ ...; }`.
    pub fn in_group(self) -> bool {
        self.has(Self::GROUP)
    }

    /// Inside `$( )`, backquotes or a process substitution `<( )`/`>( )`.
    pub fn in_substitution(self) -> bool {
        self.has(Self::SUBSTITUTION)
    }

    /// Inside a process substitution `<( )` or `>( )`.
    pub fn in_process_substitution(self) -> bool {
        self.has(Self::PROCESS_SUBSTITUTION)
    }

    /// Inside a string run by another shell: `sh -c '...'`, `bash -c`, `su -c`.
    pub fn in_shell_string(self) -> bool {
        self.has(Self::SHELL_STRING)
    }

    /// In the condition of an `if`/`elif`/`while`/`until`: its failure is not an error.
    pub fn in_condition(self) -> bool {
        self.has(Self::CONDITION)
    }

    /// In a `then` or `else` branch of an `if`.
    pub fn in_if_branch(self) -> bool {
        self.has(Self::IF_BRANCH)
    }

    /// In the body (or the condition) of a `for`, `select`, `while` or `until` loop.
    pub fn in_loop(self) -> bool {
        self.has(Self::LOOP)
    }

    /// In a branch of a `case`.
    pub fn in_case(self) -> bool {
        self.has(Self::CASE)
    }

    /// In a function body: it runs only when the function is called.
    pub fn in_function(self) -> bool {
        self.has(Self::FUNCTION)
    }

    /// Runs only under some condition or not exactly once: in an `if` condition or
    /// branch, a loop, a `case` branch or a function body. (Following `&&`/`||` is not
    /// counted: see [`Separator`].)
    pub fn is_conditional(self) -> bool {
        self.has(Self::IF_BRANCH | Self::LOOP | Self::CASE | Self::FUNCTION | Self::CONDITION)
    }

    /// At the top level: in no construct at all (pipelines aside).
    pub fn is_top_level(self) -> bool {
        self.0 & !Self::PIPELINE == 0
    }
}

/// Facts about a word, found while it was scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct WordFlags(pub(crate) u16);

impl WordFlags {
    pub(crate) const SINGLE_QUOTES: u16 = 1 << 0;
    pub(crate) const DOUBLE_QUOTES: u16 = 1 << 1;
    pub(crate) const ANSI_C_QUOTES: u16 = 1 << 2;
    pub(crate) const ESCAPES: u16 = 1 << 3;
    pub(crate) const PARAMETER: u16 = 1 << 4;
    pub(crate) const COMMAND_SUBSTITUTION: u16 = 1 << 5;
    pub(crate) const ARITHMETIC: u16 = 1 << 6;
    pub(crate) const PROCESS_SUBSTITUTION: u16 = 1 << 7;
    pub(crate) const GLOB: u16 = 1 << 8;
    pub(crate) const BRACE: u16 = 1 << 9;
    pub(crate) const TILDE: u16 = 1 << 10;
    pub(crate) const UNTERMINATED: u16 = 1 << 11;
    pub(crate) const ARRAY: u16 = 1 << 12;
    const EXPANSIONS: u16 = Self::PARAMETER
        | Self::COMMAND_SUBSTITUTION
        | Self::ARITHMETIC
        | Self::PROCESS_SUBSTITUTION
        | Self::ARRAY;
    const QUOTES: u16 = Self::SINGLE_QUOTES | Self::DOUBLE_QUOTES | Self::ANSI_C_QUOTES;

    #[inline]
    fn has(self, flag: u16) -> bool {
        self.0 & flag != 0
    }

    /// Holds `'...'`, `"..."` or `$'...'`.
    pub fn has_quotes(self) -> bool {
        self.has(Self::QUOTES)
    }

    /// Holds `'...'`.
    pub fn has_single_quotes(self) -> bool {
        self.has(Self::SINGLE_QUOTES)
    }

    /// Holds `"..."` (or `$"..."`).
    pub fn has_double_quotes(self) -> bool {
        self.has(Self::DOUBLE_QUOTES)
    }

    /// Holds `$'...'`.
    pub fn has_ansi_c_quotes(self) -> bool {
        self.has(Self::ANSI_C_QUOTES)
    }

    /// Holds a backslash escape (or a backslash-newline) that quote removal drops.
    pub fn has_escapes(self) -> bool {
        self.has(Self::ESCAPES)
    }

    /// Holds `$NAME` or `${...}`.
    pub fn has_parameter(self) -> bool {
        self.has(Self::PARAMETER)
    }

    /// Holds `$(...)` or `` `...` ``.
    pub fn has_command_substitution(self) -> bool {
        self.has(Self::COMMAND_SUBSTITUTION)
    }

    /// Holds `$((...))` or `$[...]`.
    pub fn has_arithmetic(self) -> bool {
        self.has(Self::ARITHMETIC)
    }

    /// Is or holds `<(...)` / `>(...)`.
    pub fn has_process_substitution(self) -> bool {
        self.has(Self::PROCESS_SUBSTITUTION)
    }

    /// Holds any expansion whose value is only known when the script runs (parameters,
    /// substitutions, arithmetic, an array value).
    pub fn has_expansion(self) -> bool {
        self.has(Self::EXPANSIONS)
    }

    /// Holds an unquoted `*`, `?` or `[`.
    pub fn has_glob(self) -> bool {
        self.has(Self::GLOB)
    }

    /// Holds an unquoted `{` and `}` (perhaps a brace expansion `{a,b}`).
    pub fn has_brace(self) -> bool {
        self.has(Self::BRACE)
    }

    /// Starts with an unquoted `~`.
    pub fn has_tilde(self) -> bool {
        self.has(Self::TILDE)
    }

    /// A quote or expansion in it is not closed (the word runs to the end of the text).
    pub fn is_unterminated(self) -> bool {
        self.has(Self::UNTERMINATED)
    }

    /// An assignment's value in parentheses: `arr=(a b c)`.
    pub fn is_array(self) -> bool {
        self.has(Self::ARRAY)
    }
}

/// The kind of an expansion inside a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExpansionKind {
    /// `$NAME`, `$1`, `$@`, ...
    Parameter,
    /// `${...}`
    BracedParameter,
    /// `$(...)`
    CommandSubstitution,
    /// `` `...` ``
    Backquote,
    /// `$((...))` or `$[...]`
    Arithmetic,
    /// `<(...)` or `>(...)`
    ProcessSubstitution,
    /// The parenthesised value of an array assignment `arr=(...)`.
    Array,
}

/// How a piece of a word's text changes under quote removal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SpanKind {
    /// Dropped: a quote character, the `$` of `$'` or `$"`, an escaping backslash, or a
    /// backslash-newline.
    Drop,
    /// Replaced by one character: an escape inside `$'...'`.
    Char(char),
    /// Kept as written, but only known when the script runs.
    Expansion(ExpansionKind),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) range: TextRange,
    pub(crate) kind: SpanKind,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct WordData {
    pub(crate) text: TextId,
    pub(crate) range: TextRange,
    pub(crate) flags: WordFlags,
    /// Range in `Tables::spans`.
    pub(crate) spans: (u32, u32),
    /// `(start, len)` of the value after quote removal: in the word's text when
    /// `cooked_in_text` (the raw word, or a part of it when quote removal only drops
    /// characters at its ends, as in `"$HOME"`), else in `Tables::strings`.
    pub(crate) cooked: (u32, u32),
    pub(crate) cooked_in_text: bool,
    /// Whether the value (lossy) starts with `-`: read for every argument of a command
    /// whose options are read (most are operands, told by this alone).
    pub(crate) dash: bool,
    /// The length (in the cooked value) before the first expansion.
    pub(crate) static_len: u32,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct AssignmentData {
    pub(crate) range: TextRange,
    pub(crate) name: TextRange,
    pub(crate) append: bool,
    pub(crate) value: WordData,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct RedirectData {
    pub(crate) text: TextId,
    pub(crate) range: TextRange,
    pub(crate) fd: u32,
    pub(crate) op: RedirectOp,
    pub(crate) target: Option<WordData>,
    pub(crate) heredoc: u32,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct HeredocData {
    pub(crate) body: TextRange,
    pub(crate) terminated: bool,
}

/// A redirection operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RedirectOp {
    /// `<`
    Input,
    /// `>`
    Output,
    /// `>>`
    Append,
    /// `>|`
    Clobber,
    /// `<>`
    ReadWrite,
    /// `<&`
    DupInput,
    /// `>&`
    DupOutput,
    /// `&>` (stdout and stderr)
    OutputAll,
    /// `&>>`
    AppendAll,
    /// `<<` (here-document)
    Heredoc,
    /// `<<-` (here-document, leading tabs stripped)
    HeredocStripTabs,
    /// `<<<` (here-string)
    HereString,
}

impl RedirectOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            RedirectOp::Input => "<",
            RedirectOp::Output => ">",
            RedirectOp::Append => ">>",
            RedirectOp::Clobber => ">|",
            RedirectOp::ReadWrite => "<>",
            RedirectOp::DupInput => "<&",
            RedirectOp::DupOutput => ">&",
            RedirectOp::OutputAll => "&>",
            RedirectOp::AppendAll => "&>>",
            RedirectOp::Heredoc => "<<",
            RedirectOp::HeredocStripTabs => "<<-",
            RedirectOp::HereString => "<<<",
        }
    }

    /// The file descriptor it applies to when none is written (0 for input, 1 for output).
    pub fn default_fd(self) -> u32 {
        match self {
            RedirectOp::Input
            | RedirectOp::ReadWrite
            | RedirectOp::DupInput
            | RedirectOp::Heredoc
            | RedirectOp::HeredocStripTabs
            | RedirectOp::HereString => 0,
            _ => 1,
        }
    }

    /// Whether it is `<<` or `<<-`.
    pub fn is_heredoc(self) -> bool {
        matches!(self, RedirectOp::Heredoc | RedirectOp::HeredocStripTabs)
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct CommandData {
    pub(crate) text: TextId,
    pub(crate) range: TextRange,
    pub(crate) words: (u32, u32),
    pub(crate) assignments: (u32, u32),
    pub(crate) redirects: (u32, u32),
    pub(crate) pipeline: u32,
    pub(crate) pipe_index: u32,
    pub(crate) separator: Separator,
    pub(crate) context: Context,
    pub(crate) parent: u32,
    /// One past the last command nested in this one (substitutions, `sh -c`).
    pub(crate) end: u32,
    /// The text parsed from this command's `sh -c` string, if any.
    pub(crate) shell_text: u32,
}

/// The kind of one element of a pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElementKind {
    /// A simple command.
    Command,
    /// `( ... )`
    Subshell,
    /// `{ ...; }`
    Group,
    /// `if ... fi`
    If,
    /// `for`/`select ... done`
    For,
    /// `while ... done`
    While,
    /// `until ... done`
    Until,
    /// `case ... esac`
    Case,
    /// `(( ... ))`
    Arithmetic,
    /// `name() { ... }` or `function name { ... }`
    FunctionDefinition,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct ElementData {
    pub(crate) range: TextRange,
    pub(crate) kind: ElementKind,
    /// The simple command, for [`ElementKind::Command`].
    pub(crate) command: u32,
    /// Every command inside, nested ones included.
    pub(crate) commands: (u32, u32),
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct PipelineData {
    pub(crate) text: TextId,
    pub(crate) range: TextRange,
    pub(crate) elements: (u32, u32),
    pub(crate) negated: bool,
    pub(crate) separator: Separator,
    pub(crate) context: Context,
    pub(crate) parent: u32,
}
