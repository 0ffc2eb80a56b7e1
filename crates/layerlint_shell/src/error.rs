//! Syntax errors. Parsing never fails: errors are reported next to a best-effort result.

use layerlint_text::TextRange;

use crate::data::TextId;

/// What is wrong. Each variant's message (its `Display`) says what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
#[allow(missing_docs)]
pub enum SyntaxErrorKind {
    #[error("unterminated single-quoted string")]
    UnterminatedSingleQuote,
    #[error("unterminated double-quoted string")]
    UnterminatedDoubleQuote,
    #[error("unterminated $'...' string")]
    UnterminatedAnsiCQuote,
    #[error("unterminated backquote substitution")]
    UnterminatedBackquote,
    #[error("unterminated command substitution: missing `)`")]
    UnterminatedCommandSubstitution,
    #[error("unterminated process substitution: missing `)`")]
    UnterminatedProcessSubstitution,
    #[error("unterminated parameter expansion: missing `}}`")]
    UnterminatedParameterExpansion,
    #[error("unterminated arithmetic expansion: missing `))`")]
    UnterminatedArithmetic,
    #[error("unterminated array value: missing `)`")]
    UnterminatedArray,
    #[error("unterminated here-document: missing its delimiter line")]
    UnterminatedHeredoc,
    #[error("missing `{0}`")]
    Missing(&'static str),
    #[error("unexpected `{0}`")]
    Unexpected(&'static str),
    #[error("missing command after `{0}`")]
    MissingCommand(&'static str),
    #[error("missing file name or word after redirection")]
    MissingRedirectTarget,
    #[error("missing variable name after `for`")]
    MissingLoopVariable,
    #[error("missing function name")]
    MissingFunctionName,
    #[error("nesting too deep: the rest of the text is skipped")]
    TooDeep,
}

/// A syntax error: what, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SyntaxError {
    /// The range in the Dockerfile (source coordinates).
    pub range: TextRange,
    /// The range in the text it was found in.
    pub text_range: TextRange,
    /// The text it was found in ([`TextId::ROOT`] unless inside an `sh -c` string).
    pub text: TextId,
    /// What is wrong.
    pub kind: SyntaxErrorKind,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.kind.fmt(f)
    }
}

impl std::error::Error for SyntaxError {}

#[derive(Clone, Copy, Debug)]
pub(crate) struct ErrorData {
    pub(crate) text: TextId,
    pub(crate) range: TextRange,
    pub(crate) kind: SyntaxErrorKind,
}
