use layerlint_text::TextRange;

/// A problem in a Dockerfile that BuildKit would refuse to build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub range: TextRange,
    /// BuildKit's message, where it has one.
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(kind: ParseErrorKind, range: TextRange, message: impl Into<String>) -> Self {
        ParseError {
            kind,
            range,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// What kind of problem: BuildKit's parser rejects the first group (the file cannot be
/// read as a Dockerfile at all); its instruction layer rejects the second (the file reads,
/// but an instruction is malformed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParseErrorKind {
    /// `# escape=` with something other than `\` or `` ` ``.
    InvalidDirective,
    /// The same directive twice.
    DuplicateDirective,
    /// A physical line over 64 KiB.
    LineTooLong,
    /// An empty file, or only comments.
    NoInstructions,
    /// A heredoc without its terminator line.
    UnterminatedHeredoc,
    /// A heredoc marker that cannot be read.
    InvalidHeredoc,
    /// A JSON array with something other than strings.
    JsonNotStrings,
    /// ENV or LABEL without `=` or without a value.
    InvalidKeyValue,
    /// `ONBUILD ONBUILD …` nested beyond what we follow.
    NestingTooDeep,

    /// A keyword BuildKit does not know.
    UnknownInstruction,
    /// A flag the instruction does not take, a duplicate, or a bad value.
    InvalidFlag,
    /// Too few or too many arguments, or malformed ones.
    InvalidArguments,
    /// A `RUN --mount` BuildKit would refuse.
    InvalidMount,
}

impl ParseErrorKind {
    /// Whether BuildKit's parser itself (rather than its instruction layer) rejects it.
    pub fn is_parser_level(self) -> bool {
        matches!(
            self,
            Self::InvalidDirective
                | Self::DuplicateDirective
                | Self::LineTooLong
                | Self::NoInstructions
                | Self::UnterminatedHeredoc
                | Self::InvalidHeredoc
                | Self::JsonNotStrings
                | Self::InvalidKeyValue
                | Self::NestingTooDeep
        )
    }
}
