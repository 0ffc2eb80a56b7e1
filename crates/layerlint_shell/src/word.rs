//! Words, assignments, redirections and here-documents.

use std::fmt;

use layerlint_text::TextRange;

use crate::Script;
use crate::data::{
    AssignmentData, ExpansionKind, NONE, RedirectData, RedirectOp, SpanKind, TextId, WordData,
    WordFlags,
};
use crate::lexer::assignment_prefix;

/// A word: a command name, an argument, an assignment's value, a redirection's target.
///
/// Ranges are in the Dockerfile ([`Word::range`]) or in the text the word was read from
/// ([`Word::text_range`]). The value is computed at parse time when quotes or escapes
/// need removing, so every accessor is cheap and returns text borrowed from the script.
#[derive(Clone, Copy)]
pub struct Word<'s> {
    pub(crate) script: &'s Script,
    pub(crate) data: &'s WordData,
}

impl<'s> Word<'s> {
    pub(crate) fn new(script: &'s Script, data: &'s WordData) -> Self {
        Word { script, data }
    }

    /// The range in the Dockerfile.
    pub fn range(self) -> TextRange {
        self.script.to_source(self.data.text, self.data.range)
    }

    /// The range in its text (see [`Word::text_id`]).
    pub fn text_range(self) -> TextRange {
        self.data.range
    }

    /// The text the word was read from: [`TextId::ROOT`] unless inside an `sh -c` string.
    pub fn text_id(self) -> TextId {
        self.data.text
    }

    /// The word as written, quotes and all.
    pub fn text(self) -> &'s str {
        self.script.slice(self.data.text, self.data.range)
    }

    /// The value after quote removal, when the word has no expansion (`"apt-get"` →
    /// `apt-get`, `'a b'` → `a b`, `$'\t'` → a tab). `None` for `$VERSION`, `$(cmd)`, ...
    /// Globs and braces count as text: `*.deb` has the value `*.deb`.
    #[inline]
    pub fn value(self) -> Option<&'s str> {
        self.script.word_value(self.data, false)
    }

    /// The value after quote removal, with expansions kept as written:
    /// `"pkg=${VERSION}"` → `pkg=${VERSION}`.
    #[inline]
    pub fn value_lossy(self) -> &'s str {
        self.script.word_value(self.data, true).unwrap_or_default()
    }

    /// The value up to the first expansion: `"pkg=${V}"` → `pkg=`. The whole value when
    /// the word has no expansion.
    pub fn static_prefix(self) -> &'s str {
        let lossy = self.value_lossy();
        let len = (self.data.static_len as usize).min(lossy.len());
        lossy.get(..len).unwrap_or(lossy)
    }

    /// Whether the value is `expected` (and known: no expansions).
    #[inline]
    pub fn is(self, expected: &str) -> bool {
        self.value() == Some(expected)
    }

    /// What the word holds: quotes, expansions, globs...
    pub fn flags(self) -> WordFlags {
        self.data.flags
    }

    /// Whether the value is known before the script runs (no expansion).
    pub fn is_static(self) -> bool {
        !self.data.flags.has_expansion()
    }

    /// The expansions in the word, outermost only (`${a:-$(b)}` is one), in order.
    pub fn expansions(self) -> impl Iterator<Item = Expansion<'s>> + 's {
        let script = self.script;
        let text = self.data.text;
        script.spans(self.data).iter().filter_map(move |span| {
            let SpanKind::Expansion(kind) = span.kind else {
                return None;
            };
            Some(Expansion {
                kind,
                text_range: span.range,
                range: script.to_source(text, span.range),
                text: script.slice(text, span.range),
            })
        })
    }

    /// `NAME=value` in the word (as in `export NAME=value`, `ENV`-like arguments): the
    /// name and the (lossy) value.
    pub fn as_assignment(self) -> Option<(&'s str, &'s str)> {
        let raw = self.text();
        let (len, append) = assignment_prefix(raw.as_bytes())?;
        let name = &raw[..len - if append { 2 } else { 1 }];
        let value = self.value_lossy().get(len..).unwrap_or_default();
        Some((name, value))
    }
}

impl fmt::Debug for Word<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}@{:?}", self.text(), self.data.range)
    }
}

/// An expansion inside a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expansion<'s> {
    /// Which expansion.
    pub kind: ExpansionKind,
    /// The range in the Dockerfile.
    pub range: TextRange,
    /// The range in the word's text.
    pub text_range: TextRange,
    /// As written: `${VERSION}`, `$(uname -m)`.
    pub text: &'s str,
}

impl Expansion<'_> {
    /// The parameter's name for `$NAME` and `${NAME...}`: `VERSION` for `${VERSION:-1}`.
    pub fn parameter_name(&self) -> Option<&str> {
        let body = match self.kind {
            ExpansionKind::Parameter => self.text.strip_prefix('$')?,
            ExpansionKind::BracedParameter => self.text.strip_prefix("${")?,
            _ => return None,
        };
        let bytes = body.as_bytes();
        let body = match bytes {
            [b'#' | b'!', next, ..] if *next != b'}' => &body[1..],
            _ => body,
        };
        let first = body.chars().next()?;
        let end = if first.is_ascii_alphabetic() || first == '_' {
            body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(body.len())
        } else if first.is_ascii_digit() && self.kind == ExpansionKind::BracedParameter {
            body.find(|c: char| !c.is_ascii_digit())
                .unwrap_or(body.len())
        } else {
            first.len_utf8()
        };
        body.get(..end).filter(|n| !n.is_empty())
    }
}

/// A variable assignment before a command name: `DEBIAN_FRONTEND=noninteractive`.
#[derive(Clone, Copy)]
pub struct Assignment<'s> {
    pub(crate) script: &'s Script,
    pub(crate) data: &'s AssignmentData,
}

impl<'s> Assignment<'s> {
    /// The variable's name.
    pub fn name(self) -> &'s str {
        self.script.slice(self.data.value.text, self.data.name)
    }

    /// The value (the part after `=`), a word of its own.
    pub fn value(self) -> Word<'s> {
        Word::new(self.script, &self.data.value)
    }

    /// `NAME+=value`
    pub fn is_append(self) -> bool {
        self.data.append
    }

    /// The range of the whole assignment in the Dockerfile.
    pub fn range(self) -> TextRange {
        self.script.to_source(self.data.value.text, self.data.range)
    }

    /// The range in its text.
    pub fn text_range(self) -> TextRange {
        self.data.range
    }

    /// As written.
    pub fn text(self) -> &'s str {
        self.script.slice(self.data.value.text, self.data.range)
    }
}

impl fmt::Debug for Assignment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.text())
    }
}

/// A redirection: `> file`, `2>&1`, `<<EOF`.
#[derive(Clone, Copy)]
pub struct Redirect<'s> {
    pub(crate) script: &'s Script,
    pub(crate) data: &'s RedirectData,
}

impl<'s> Redirect<'s> {
    /// The operator.
    pub fn op(self) -> RedirectOp {
        self.data.op
    }

    /// The file descriptor as written (`2` in `2>&1`); `None` when none is written.
    pub fn fd(self) -> Option<u32> {
        (self.data.fd != NONE).then_some(self.data.fd)
    }

    /// The file descriptor it applies to: as written, else the operator's default.
    pub fn effective_fd(self) -> u32 {
        self.fd().unwrap_or(self.data.op.default_fd())
    }

    /// The file, descriptor (`1` in `2>&1`) or here-document delimiter. `None` only when
    /// missing (a syntax error).
    pub fn target(self) -> Option<Word<'s>> {
        self.data.target.as_ref().map(|w| Word::new(self.script, w))
    }

    /// The here-document's body, for `<<` and `<<-`.
    pub fn heredoc(self) -> Option<Heredoc<'s>> {
        let data = self
            .script
            .tables
            .heredocs
            .get(self.data.heredoc as usize)?;
        Some(Heredoc {
            script: self.script,
            text: self.data.text,
            body: data.body,
            terminated: data.terminated,
        })
    }

    /// The range in the Dockerfile (operator and target; not a here-document's body).
    pub fn range(self) -> TextRange {
        self.script.to_source(self.data.text, self.data.range)
    }

    /// The range in its text.
    pub fn text_range(self) -> TextRange {
        self.data.range
    }

    /// As written.
    pub fn text(self) -> &'s str {
        self.script.slice(self.data.text, self.data.range)
    }
}

impl fmt::Debug for Redirect<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.text())
    }
}

/// A here-document inside the script.
#[derive(Clone, Copy, Debug)]
pub struct Heredoc<'s> {
    script: &'s Script,
    text: TextId,
    body: TextRange,
    terminated: bool,
}

impl<'s> Heredoc<'s> {
    /// The body as written (without the delimiter line).
    pub fn body(self) -> &'s str {
        self.script.slice(self.text, self.body)
    }

    /// The body's range in the Dockerfile.
    pub fn range(self) -> TextRange {
        self.script.to_source(self.text, self.body)
    }

    /// The body's range in its text.
    pub fn text_range(self) -> TextRange {
        self.body
    }

    /// Whether the delimiter line was found.
    pub fn is_terminated(self) -> bool {
        self.terminated
    }
}
