//! One logical line → one [`Instruction`]: BuildKit's `newNodeFromLine`, `splitCommand`
//! and its per-instruction line parsers (`line_parsers.go`), keeping byte ranges.

use layerlint_text::{MappedText, TextRange};

use crate::ast::{
    ArgDecl, Body, CommandLine, ExecForm, Flag, FromImage, Healthcheck, Instruction,
    InstructionKind, KeyValue, Paths, Run, ShellForm, Word,
};
use crate::error::{ParseError, ParseErrorKind};
use crate::goquote::go_quote;
use crate::json::{JsonOutcome, parse_array};
use crate::mount::parse_mount;
use crate::words::{
    RawWord, WordSpan, extract_flags, is_ascii_text, is_split_space, parse_word_spans, split_first,
    trim_space, whitespace_spans,
};

/// How deeply `ONBUILD ONBUILD …` is followed.
const MAX_ONBUILD_DEPTH: usize = 16;

const NOT_STRINGS: &str = "when using JSON array syntax, arrays must be comprised of strings only";

/// The offset of the first `=` in `text`. Keys are short: a plain loop beats `str::find`'s
/// search set-up.
fn find_eq(text: &str) -> Option<usize> {
    text.bytes().position(|b| b == b'=')
}

/// Whether `text` starts with a word that `parse_word_spans` gives as it is and that has
/// no `=`: ASCII other than whitespace, quotes, `=` and the escape, up to ASCII whitespace
/// or the end. The first word of `ENV key value` (the legacy form) is such a word.
fn starts_with_plain_word(text: &[u8], escape: char) -> bool {
    let plain = |b: u8| is_ascii_text(b) && !matches!(b, b'=' | b'"' | b'\'') && b != escape as u8;
    let len = text.iter().position(|&b| !plain(b)).unwrap_or(text.len());
    len > 0
        && text
            .get(len)
            .is_none_or(|&b| b.is_ascii_whitespace() || b == 0x0b)
}

struct LineParser<'a> {
    logical: &'a MappedText,
    text: &'a str,
    escape: char,
    errors: &'a mut Vec<ParseError>,
}

/// Parses `logical[start..end]` as one instruction. The instruction's `range` covers the
/// logical line; the caller widens it to heredoc bodies and skipped lines.
pub(crate) fn parse_line(
    logical: &MappedText,
    start: usize,
    end: usize,
    escape: char,
    depth: usize,
    errors: &mut Vec<ParseError>,
) -> Instruction {
    let mut parser = LineParser {
        logical,
        text: logical.as_str(),
        escape,
        errors,
    };
    parser.instruction(start, end, depth)
}

impl LineParser<'_> {
    /// The source range of `start..end` of the logical line.
    #[inline]
    fn map(&self, start: usize, end: usize) -> TextRange {
        self.logical
            .range_to_source(TextRange::from_usize(start, end))
    }

    fn word(&self, start: usize, end: usize, text: String) -> Word {
        Word {
            range: self.map(start, end),
            text,
        }
    }

    fn span(&self, word: WordSpan<'_>) -> Word {
        self.word(word.start, word.end, word.text.to_owned())
    }

    fn error(&mut self, kind: ParseErrorKind, range: TextRange, message: impl Into<String>) {
        self.errors.push(ParseError::new(kind, range, message));
    }

    fn instruction(&mut self, start: usize, end: usize, depth: usize) -> Instruction {
        let (start, end) = trim_space(self.text, start, end);
        let (keyword_end, rest) = split_first(self.text, start, end);
        let keyword = self.map(start, keyword_end);
        let kind = InstructionKind::from_keyword(&self.text[start..keyword_end]);
        let mut flags = Vec::new();
        let (mut args_start, mut args_end) = (end, end);
        if let Some(rest) = rest
            && self
                .text
                .as_bytes()
                .get(rest)
                .is_some_and(|&b| is_ascii_text(b) && b != b'-')
        {
            // No flags (most instructions): `extract_flags` would stop at once at this
            // character, and the line is trimmed already. The arguments are the rest.
            (args_start, args_end) = (rest, end);
        } else if let Some(rest) = rest {
            let extracted = extract_flags(self.text, rest, end, self.escape);
            flags = extracted
                .flags
                .into_iter()
                .map(|word| self.flag(&word))
                .collect();
            (args_start, args_end) = trim_space(self.text, extracted.rest, end);
        }
        let args = if args_start < args_end {
            self.map(args_start, args_end)
        } else {
            TextRange::empty(keyword.end())
        };
        let whole = self.map(start, end);
        let body = self.body(kind, &flags, args_start, args_end, whole, depth);
        Instruction {
            range: whole,
            keyword,
            kind,
            flags,
            args,
            body,
            heredocs: Vec::new(),
            comments: Vec::new(),
        }
    }

    fn flag(&self, word: &RawWord) -> Flag {
        let range = self.map(word.start, word.end);
        let raw = &self.text[word.start..word.end];
        let name_start = word.start + 2.min(raw.len());
        let (name, value) = match find_eq(&word.text) {
            Some(i) => (&word.text[..i], Some(&word.text[i + 1..])),
            None => (word.text.as_str(), None),
        };
        let name = name.get(2..).unwrap_or_default().to_owned();
        let eq = find_eq(raw).map(|i| word.start + i);
        let name_end = eq.unwrap_or(word.end).max(name_start);
        let value = value.map(|text| Word {
            range: self.map((name_end + 1).min(word.end), word.end),
            text: text.to_owned(),
        });
        Flag {
            range,
            name,
            name_range: self.map(name_start, name_end),
            value,
        }
    }

    fn body(
        &mut self,
        kind: InstructionKind,
        flags: &[Flag],
        start: usize,
        end: usize,
        whole: TextRange,
        depth: usize,
    ) -> Body {
        match kind {
            InstructionKind::Add => Body::Add(self.paths(start, end, whole)),
            InstructionKind::Copy => Body::Copy(self.paths(start, end, whole)),
            InstructionKind::Volume => Body::Volume(self.paths(start, end, whole)),
            InstructionKind::Arg => Body::Arg(self.arg(start, end)),
            InstructionKind::Cmd => Body::Cmd(self.maybe_json(start, end, whole)),
            InstructionKind::Entrypoint => Body::Entrypoint(self.maybe_json(start, end, whole)),
            InstructionKind::Shell => Body::Shell(self.maybe_json(start, end, whole)),
            InstructionKind::Run => Body::Run(Run {
                command: self.maybe_json(start, end, whole),
                mounts: self.mounts(flags),
            }),
            InstructionKind::Env => Body::Env(self.name_values(start, end, "ENV", whole)),
            InstructionKind::Label => Body::Label(self.name_values(start, end, "LABEL", whole)),
            InstructionKind::Expose => Body::Expose(self.split(start, end)),
            InstructionKind::From => Body::From(FromImage {
                words: self.split(start, end),
            }),
            InstructionKind::Maintainer => Body::Maintainer(self.string(start, end)),
            InstructionKind::User => Body::User(self.string(start, end)),
            InstructionKind::Workdir => Body::Workdir(self.string(start, end)),
            InstructionKind::Stopsignal => Body::Stopsignal(self.string(start, end)),
            InstructionKind::Healthcheck => Body::Healthcheck(self.healthcheck(start, end, whole)),
            InstructionKind::Onbuild => Body::Onbuild(self.onbuild(start, end, whole, depth)),
            InstructionKind::Unknown => Body::Unknown,
        }
    }

    /// BuildKit's `parseStringsWhitespaceDelimited`.
    fn split(&self, start: usize, end: usize) -> Vec<Word> {
        whitespace_spans(self.text, start, end)
            .map(|(start, end)| self.word(start, end, self.text[start..end].to_owned()))
            .collect()
    }

    /// BuildKit's `parseString`.
    fn string(&self, start: usize, end: usize) -> Option<Word> {
        (start < end).then(|| self.word(start, end, self.text[start..end].to_owned()))
    }

    /// BuildKit's `parseJSON`: `Ok(None)` when the text is not JSON.
    ///
    /// Inlined: most arguments (a RUN's command, COPY's paths) do not start with `[`, which
    /// is told here without a call; the array itself is read out of line.
    #[inline(always)]
    fn json(&mut self, start: usize, end: usize, whole: TextRange) -> Result<Option<ExecForm>, ()> {
        if self.text.as_bytes()[start..end].first() != Some(&b'[') {
            // What `parse_array` answers first.
            return Ok(None);
        }
        self.json_array(start, end, whole)
    }

    /// [`Self::json`] for a text that starts with `[`.
    #[inline(never)]
    fn json_array(
        &mut self,
        start: usize,
        end: usize,
        whole: TextRange,
    ) -> Result<Option<ExecForm>, ()> {
        match parse_array(&self.text[start..end]) {
            JsonOutcome::Strings {
                items,
                end: json_end,
            } => {
                let args = items
                    .into_iter()
                    .map(|item| self.word(start + item.start, start + item.end, item.value))
                    .collect();
                Ok(Some(ExecForm {
                    range: self.map(start, start + json_end),
                    args,
                }))
            }
            JsonOutcome::NotStrings => {
                self.error(ParseErrorKind::JsonNotStrings, whole, NOT_STRINGS);
                Err(())
            }
            JsonOutcome::NotJson => Ok(None),
        }
    }

    /// BuildKit's `parseMaybeJSON`: an exec form, else the whole text as a shell form.
    fn maybe_json(&mut self, start: usize, end: usize, whole: TextRange) -> Option<CommandLine> {
        if start >= end {
            return None;
        }
        match self.json(start, end, whole) {
            Ok(Some(exec)) => Some(CommandLine::Exec(exec)),
            Ok(None) => Some(CommandLine::Shell(ShellForm {
                range: self.map(start, end),
                text: self.logical.slice(TextRange::from_usize(start, end)),
            })),
            Err(()) => None,
        }
    }

    /// BuildKit's `parseMaybeJSONToList`.
    fn paths(&mut self, start: usize, end: usize, whole: TextRange) -> Paths {
        match self.json(start, end, whole) {
            Ok(Some(exec)) => Paths {
                words: exec.args,
                json: true,
            },
            Ok(None) => Paths {
                words: self.split(start, end),
                json: false,
            },
            Err(()) => Paths {
                words: Vec::new(),
                json: true,
            },
        }
    }

    /// BuildKit's `parseNameOrNameVal` for ARG.
    fn arg(&self, start: usize, end: usize) -> Vec<ArgDecl> {
        parse_word_spans(self.text, start, end, self.escape)
            .into_iter()
            .map(|raw| {
                // `raw.text` is unescaped: it can be shorter than its source span, so
                // offsets into it are not source offsets (fuzzing found the panic).
                let eq = find_eq(raw.text);
                let name_end = eq.map_or(raw.end, |i| (raw.start + i).min(raw.end));
                let name_text = eq.map_or(raw.text, |i| &raw.text[..i]).to_owned();
                let name = self.word(raw.start, name_end, name_text);
                let default = eq.map(|i| {
                    let start = (raw.start + i + 1).min(raw.end);
                    self.word(start, raw.end, raw.text[i + 1..].to_owned())
                });
                ArgDecl {
                    word: self.span(raw),
                    name,
                    default,
                }
            })
            .collect()
    }

    /// BuildKit's `parseNameVal` for ENV and LABEL.
    fn name_values(
        &mut self,
        start: usize,
        end: usize,
        key: &str,
        whole: TextRange,
    ) -> Vec<KeyValue> {
        let words = if starts_with_plain_word(&self.text.as_bytes()[start..end], self.escape) {
            // The legacy form, told without reading the words (most of them unused).
            Vec::new()
        } else {
            let words = parse_word_spans(self.text, start, end, self.escape);
            if words.is_empty() {
                return Vec::new();
            }
            words
        };
        if words
            .first()
            .is_none_or(|first| find_eq(first.text).is_none())
        {
            let (key_end, rest) = split_first(self.text, start, end);
            let Some(rest) = rest else {
                self.error(
                    ParseErrorKind::InvalidKeyValue,
                    whole,
                    format!("{key} must have two arguments"),
                );
                return Vec::new();
            };
            return vec![KeyValue {
                range: self.map(start, end),
                key: self.word(start, key_end, self.text[start..key_end].to_owned()),
                value: self.word(rest, end, self.text[rest..end].to_owned()),
                legacy: true,
            }];
        }
        let mut pairs = Vec::with_capacity(words.len());
        for raw in words {
            let Some(eq) = find_eq(raw.text) else {
                let range = self.map(raw.start, raw.end);
                self.error(
                    ParseErrorKind::InvalidKeyValue,
                    range,
                    format!(
                        "Syntax error - can't find = in {}. Must be of the form: name=value",
                        go_quote(raw.text)
                    ),
                );
                continue;
            };
            pairs.push(KeyValue {
                range: self.map(raw.start, raw.end),
                key: self.word(raw.start, raw.start + eq, raw.text[..eq].to_owned()),
                value: self.word(raw.start + eq + 1, raw.end, raw.text[eq + 1..].to_owned()),
                legacy: false,
            });
        }
        pairs
    }

    /// BuildKit's `parseHealthConfig`: a type word, then a maybe-JSON command.
    fn healthcheck(&mut self, start: usize, end: usize, whole: TextRange) -> Healthcheck {
        let bytes = self.text.as_bytes();
        // BuildKit looks at single bytes here (`unicode.IsSpace(rune(rest[sep]))`).
        let byte_space = |b: u8| is_split_space(b) || b == b'\n' || b == 0x85 || b == 0xA0;
        let mut sep = start;
        while sep < end && !byte_space(bytes[sep]) {
            sep += 1;
        }
        while !self.text.is_char_boundary(sep) {
            sep += 1;
        }
        if sep == start {
            return Healthcheck {
                kind: None,
                command: None,
            };
        }
        let mut next = sep;
        while next < end && byte_space(bytes[next]) {
            next += 1;
        }
        while !self.text.is_char_boundary(next) {
            next += 1;
        }
        Healthcheck {
            kind: Some(self.word(start, sep, self.text[start..sep].to_owned())),
            command: self.maybe_json(next, end, whole),
        }
    }

    /// BuildKit's `parseSubCommand`: the trigger parsed as an instruction of its own.
    fn onbuild(
        &mut self,
        start: usize,
        end: usize,
        whole: TextRange,
        depth: usize,
    ) -> Option<Box<Instruction>> {
        if start >= end {
            return None;
        }
        if depth >= MAX_ONBUILD_DEPTH {
            self.error(
                ParseErrorKind::NestingTooDeep,
                whole,
                "ONBUILD nested too deeply",
            );
            return None;
        }
        let inner = self.instruction(start, end, depth + 1);
        Some(Box::new(inner))
    }

    fn mounts(&mut self, flags: &[Flag]) -> Vec<crate::mount::Mount> {
        let mut mounts = Vec::new();
        for flag in flags.iter().filter(|f| f.name == "mount") {
            let Some(value) = &flag.value else { continue };
            let source_text = self.logical_text_of(value.range);
            let exact = source_text.as_deref() == Some(value.text.as_str());
            let (mount, problem) = parse_mount(&value.text, flag.range, value.range.start(), exact);
            if let Some(problem) = problem {
                self.error(ParseErrorKind::InvalidMount, flag.range, problem);
            }
            mounts.push(mount);
        }
        mounts
    }

    /// The logical text behind a source range, when the range is one unbroken piece.
    fn logical_text_of(&self, range: TextRange) -> Option<String> {
        let start = self.logical.from_source(range.start())?;
        let len = range.len();
        let end = start + len;
        if end > self.logical.len() || self.logical.to_source(start) + len != range.end() {
            return None;
        }
        let candidate = &self.text[TextRange::new(start, end)];
        let round_trip = self.logical.range_to_source(TextRange::new(start, end));
        (round_trip == range).then(|| candidate.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A text that `starts_with_plain_word` accepts has words, and the first is its
        /// first word as written, without `=`: what `name_values` reads as the legacy form
        /// without parsing the words. Quotes, escapes (both escape characters), `=`,
        /// Unicode spaces and letters.
        #[test]
        fn plain_first_word_is_the_parsed_one(
            input in "[ab=\"'\\\\` \t\u{0b}\u{a0}é]{0,12}",
            backtick: bool,
        ) {
            let escape = if backtick { '`' } else { '\\' };
            if starts_with_plain_word(input.as_bytes(), escape) {
                let words = parse_word_spans(&input, 0, input.len(), escape);
                let (first_end, _) = split_first(&input, 0, input.len());
                proptest::prop_assert!(!words.is_empty());
                proptest::prop_assert!(find_eq(words[0].text).is_none());
                proptest::prop_assert_eq!(words[0].text, &input[..first_end]);
            }
        }
    }
}
