//! BuildKit's word processing: quote removal, escapes and variable expansion
//! (`$V`, `${V}`, `${V:-x}`, `${V-x}`, `${V:+x}`, `${V+x}`, `${V:?e}`, `${V?e}`,
//! `${V#p}`, `${V##p}`, `${V%p}`, `${V%%p}`, `${V/p/r}`, `${V//p/r}`), and splitting into
//! words, as BuildKit's `shell.Lex` does for FROM, COPY, ENV, WORKDIR … and for finding
//! heredoc markers.
//!
//! The behaviour follows BuildKit, including its quirks: `$1` reads a positional name,
//! `${V:x}` (an unknown modifier) is an error only when `V` is looked up, and a word that
//! is being split loses what it had gathered before a `${…}` with a modifier.

use std::borrow::Cow;
use std::fmt;

/// Variables visible to an expansion.
pub trait Env {
    fn get(&self, name: &str) -> Option<&str>;
}

impl<S: std::hash::BuildHasher> Env for std::collections::HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<&str> {
        std::collections::HashMap::get(self, name).map(String::as_str)
    }
}

/// No variables at all.
pub struct NoEnv;

impl Env for NoEnv {
    fn get(&self, _name: &str) -> Option<&str> {
        None
    }
}

impl<F> Env for F
where
    F: Fn(&str) -> Option<&'static str>,
{
    fn get(&self, name: &str) -> Option<&str> {
        self(name)
    }
}

/// Options of BuildKit's `shell.Lex`.
#[derive(Clone, Copy, Debug)]
pub struct Lex {
    pub escape: char,
    /// Keep quote characters in the output.
    pub raw_quotes: bool,
    /// Keep escape characters in the output.
    pub raw_escapes: bool,
    /// Treat quotes as ordinary characters.
    pub skip_process_quotes: bool,
    /// Leave references to unset variables as written instead of expanding them to "".
    pub skip_unset_env: bool,
}

impl Lex {
    pub fn new(escape: char) -> Self {
        Lex {
            escape,
            raw_quotes: false,
            raw_escapes: false,
            skip_process_quotes: false,
            skip_unset_env: false,
        }
    }

    /// Expands `word` as one word (BuildKit's `ProcessWordWithMatches`): the result, and
    /// which variable names were found and which were not.
    pub fn process_word(&self, word: &str, env: &dyn Env) -> Result<Expansion, ExpandError> {
        // Nothing to expand, unquote or unescape (most words): the word itself. Every rule
        // that reads a value expands it, so this is the common case by far.
        if !self.may_change(word) {
            return Ok(Expansion {
                result: word.to_owned(),
                words: Vec::new(),
                matched: Vec::new(),
                unmatched: Vec::new(),
            });
        }
        let mut state = State::new(self, word, env, true);
        state.record = true;
        let (result, _) = state.process_stop_on(None, self.raw_escapes)?;
        Ok(Expansion {
            result,
            words: Vec::new(),
            matched: state.matched,
            unmatched: state.unmatched,
        })
    }

    /// [`Lex::process_word`]'s result alone: the variables used are not recorded (for
    /// callers that only want the value, which then copy no names).
    pub(crate) fn expand_word(&self, word: &str, env: &dyn Env) -> Result<String, ExpandError> {
        if !self.may_change(word) {
            return Ok(word.to_owned());
        }
        let mut state = State::new(self, word, env, true);
        Ok(state.process_stop_on(None, self.raw_escapes)?.0)
    }

    /// Whether `word` has a `$`, a quote or the escape character: otherwise expanding it
    /// gives it back unchanged. Over bytes when the escape is ASCII (always, in a
    /// Dockerfile): the four are then all ASCII.
    ///
    /// Every rule that reads a value asks, and many values are long: by blocks of bytes
    /// (see [`crate::words::any_byte`]). A word shorter than a block (most) goes byte by
    /// byte, a look-up in a table a byte for the two escapes a Dockerfile can have.
    pub fn may_change(&self, word: &str) -> bool {
        if !self.escape.is_ascii() {
            return word.contains(['$', '\'', '"', self.escape]);
        }
        let escape = self.escape as u8;
        let bytes = word.as_bytes();
        if bytes.len() < 16 {
            let wanted = match escape {
                b'\\' => CHANGING | BACKSLASH,
                b'`' => CHANGING | BACKTICK,
                _ => 0,
            };
            if wanted != 0 {
                return bytes
                    .iter()
                    .any(|&b| CHANGING_BYTES[usize::from(b)] & wanted != 0);
            }
        }
        let special = |b: u8| (b == b'$') | (b == b'\'') | (b == b'"') | (b == escape);
        crate::words::any_byte(bytes, special)
    }

    /// Expands `word` and splits the result into words (BuildKit's `ProcessWords`).
    pub fn process_words(&self, word: &str, env: &dyn Env) -> Result<Vec<SplitWord>, ExpandError> {
        // Nothing to expand, unquote or unescape, no whitespace to split at and no `<` (a
        // heredoc marker takes the blanks after it): the word itself, whole (an `EXPOSE`
        // port, most often).
        if !self.may_change(word) && !word.contains('<') && !word.chars().any(char::is_whitespace) {
            return Ok(if word.is_empty() {
                Vec::new()
            } else {
                vec![SplitWord {
                    text: word.to_owned(),
                    start: 0,
                    end: word.len(),
                }]
            });
        }
        let mut state = State::new(self, word, env, false);
        let (_, words) = state.process_stop_on(None, self.raw_escapes)?;
        Ok(words)
    }
}

/// The bytes expansion may change, by byte: [`CHANGING`] for `$` and the quotes,
/// [`BACKSLASH`] and [`BACKTICK`] for the two escape characters.
static CHANGING_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    table[b'$' as usize] = CHANGING;
    table[b'\'' as usize] = CHANGING;
    table[b'"' as usize] = CHANGING;
    table[b'\\' as usize] = BACKSLASH;
    table[b'`' as usize] = BACKTICK;
    table
};
const CHANGING: u8 = 1;
const BACKSLASH: u8 = 2;
const BACKTICK: u8 = 4;

/// The bytes of an ASCII variable name, ASCII letters, digits and `_`, by byte: a look-up
/// instead of three tests a byte.
static NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut at = 0;
    while at < 256 {
        let byte = at as u8;
        table[at] = byte.is_ascii_alphanumeric() || byte == b'_';
        at += 1;
    }
    table
};

/// A set of bytes: bit `b % 64` of word `b / 64` for byte `b`.
#[derive(Clone, Copy, Default)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn insert(&mut self, byte: u8) {
        self.0[usize::from(byte >> 6)] |= 1 << (byte & 63);
    }

    #[inline(always)]
    fn contains(self, byte: u8) -> bool {
        self.0[usize::from(byte >> 6)] >> (byte & 63) & 1 != 0
    }

    /// The bytes a run of plain characters stops at in `processStopOn`: `$` and `<`, the
    /// quotes when they are processed, the escape and the stop (as bytes, by their code),
    /// and when words are split, whitespace and every non-ASCII byte (whose characters may
    /// be whitespace). Built once a call, for a look-up a byte instead of a test for each.
    fn special(escape: char, stop: Option<char>, process_quotes: bool, capture: bool) -> Self {
        let mut set = ByteSet::default();
        set.insert(b'$');
        set.insert(b'<');
        if process_quotes {
            set.insert(b'\'');
            set.insert(b'"');
        }
        for ch in std::iter::once(escape).chain(stop) {
            if let Ok(byte) = u8::try_from(u32::from(ch)) {
                set.insert(byte);
            }
        }
        if !capture {
            for byte in [b'\t', b'\n', 0x0b, 0x0c, b'\r', b' '] {
                set.insert(byte);
            }
            set.0[2] = u64::MAX;
            set.0[3] = u64::MAX;
        }
        set
    }
}

/// The result of [`Lex::process_word`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expansion {
    pub result: String,
    pub words: Vec<SplitWord>,
    /// Variables referenced and defined, in order of first use.
    pub matched: Vec<String>,
    /// Variables referenced but not defined, in order of first use.
    pub unmatched: Vec<String>,
}

/// A word of [`Lex::process_words`], with the byte range of the input it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitWord {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Why a word could not be expanded; the message is BuildKit's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpandError {
    pub message: String,
}

impl fmt::Display for ExpandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExpandError {}

fn error(message: impl Into<String>) -> ExpandError {
    ExpandError {
        message: message.into(),
    }
}

/// How deeply `${a:-${b:-${c…}}}` may nest before we give up (BuildKit has no limit; we
/// must not overflow the stack).
const MAX_NESTING: usize = 200;

struct State<'a> {
    lex: &'a Lex,
    input: &'a str,
    pos: usize,
    env: &'a dyn Env,
    /// Expanding one word ([`Lex::process_word`]): the split words are not built.
    capture: bool,
    /// Whether the variables used are recorded in `matched` and `unmatched` (for
    /// [`Lex::process_word`], not for [`Lex::expand_word`] nor split words).
    record: bool,
    /// Whether a run of plain characters may be copied at once (with an ASCII escape; off
    /// only to test that the result is the same).
    plain_runs: bool,
    raw_escapes: bool,
    /// BuildKit shares one word buffer between nested `processStopOn` calls.
    word_buf: String,
    word_start: usize,
    depth: usize,
    matched: Vec<String>,
    unmatched: Vec<String>,
}

struct Words {
    words: Vec<SplitWord>,
    in_word: bool,
}

impl<'a> State<'a> {
    fn new(lex: &'a Lex, input: &'a str, env: &'a dyn Env, capture: bool) -> Self {
        State {
            lex,
            input,
            pos: 0,
            env,
            capture,
            record: false,
            plain_runs: lex.escape.is_ascii(),
            raw_escapes: lex.raw_escapes,
            word_buf: String::new(),
            word_start: 0,
            depth: 0,
            matched: Vec::new(),
            unmatched: Vec::new(),
        }
    }

    #[inline]
    fn peek(&self) -> Option<char> {
        // An ASCII byte (most) is its character: no slice to check, nothing to decode.
        match self.input.as_bytes().get(self.pos) {
            Some(&byte) if byte.is_ascii() => Some(char::from(byte)),
            _ => self.input[self.pos..].chars().next(),
        }
    }

    fn next(&mut self) -> Option<char> {
        let ch = self.peek()?;
        self.pos += ch.len_utf8();
        Some(ch)
    }

    fn add_char(&mut self, words: &mut Words, ch: char, at: usize) {
        if ch.is_whitespace() {
            if words.in_word && !self.word_buf.is_empty() {
                words.words.push(SplitWord {
                    text: std::mem::take(&mut self.word_buf),
                    start: self.word_start,
                    end: at,
                });
                words.in_word = false;
            }
        } else {
            self.add_raw_char(words, ch, at);
        }
    }

    fn add_raw_char(&mut self, words: &mut Words, ch: char, at: usize) {
        if !words.in_word || self.word_buf.is_empty() {
            self.word_start = at;
        }
        self.word_buf.push(ch);
        words.in_word = true;
    }

    fn add_string(&mut self, words: &mut Words, text: &str, at: usize) {
        for ch in text.chars() {
            self.add_char(words, ch, at);
        }
    }

    fn add_raw_string(&mut self, words: &mut Words, text: &str, at: usize) {
        if !words.in_word || self.word_buf.is_empty() {
            self.word_start = at;
        }
        self.word_buf.push_str(text);
        words.in_word = true;
    }

    fn finish_words(&mut self, mut words: Words) -> Vec<SplitWord> {
        if !self.word_buf.is_empty() {
            words.words.push(SplitWord {
                text: std::mem::take(&mut self.word_buf),
                start: self.word_start,
                end: self.pos,
            });
        }
        words.words
    }

    /// BuildKit's `processStopOn`: reads until `stop` (consumed) or the end.
    fn process_stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Result<(String, Vec<SplitWord>), ExpandError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(error("syntax error: substitutions nested too deeply"));
        }
        let saved_raw = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let outcome = self.process_stop_on_inner(stop);
        self.raw_escapes = saved_raw;
        self.depth -= 1;
        outcome
    }

    fn process_stop_on_inner(
        &mut self,
        stop: Option<char>,
    ) -> Result<(String, Vec<SplitWord>), ExpandError> {
        // Expansions are usually a little longer than what is left of the input (a
        // variable's value is most often longer than the reference to it): room for a
        // value of a few dozen bytes, so that most do not grow (and copy) the result.
        let mut result = String::with_capacity(self.input.len() - self.pos + 64);
        self.word_buf.clear();
        let mut words = Words {
            words: Vec::new(),
            in_word: false,
        };
        let process_quotes = !self.lex.skip_process_quotes;
        // A run of characters none of which is special is copied at once. The special ones
        // are all ASCII when the escape and the stop are, so the scan can go byte by byte.
        // Splitting into words, whitespace ends a word: then the run stops at whitespace and
        // at non-ASCII bytes (whose characters may be whitespace too), and joins the word
        // being built as its characters would one at a time.
        let plain_runs = self.plain_runs && stop.is_none_or(|s| s.is_ascii());
        let capture = self.capture;
        let special = ByteSet::special(self.lex.escape, stop, process_quotes, capture);
        while let Some(ch) = self.peek() {
            let at = self.pos;
            if plain_runs {
                let run = self.input.as_bytes()[at..]
                    .iter()
                    .position(|&b| special.contains(b))
                    .unwrap_or(self.input.len() - at);
                if run > 0 {
                    let input = self.input;
                    let text = &input[at..at + run];
                    if !capture {
                        self.add_raw_string(&mut words, text, at);
                    }
                    result.push_str(text);
                    self.pos += run;
                    continue;
                }
            }
            if stop == Some(ch) {
                self.next();
                return Ok((result, self.finish_words(words)));
            }
            let special = match ch {
                '$' => Some(self.process_dollar()?),
                '<' => Some(Cow::Owned(self.process_possible_heredoc())),
                '\'' if process_quotes => Some(Cow::Owned(self.process_single_quote()?)),
                '"' if process_quotes => Some(Cow::Owned(self.process_double_quote()?)),
                _ => None,
            };
            if let Some(text) = special {
                if !self.capture {
                    if ch == '$' {
                        self.add_string(&mut words, &text, at);
                    } else {
                        self.add_raw_string(&mut words, &text, at);
                    }
                }
                result.push_str(&text);
                continue;
            }
            self.next();
            let mut ch = ch;
            if ch == self.lex.escape {
                if self.raw_escapes {
                    if !self.capture {
                        self.add_raw_char(&mut words, ch, at);
                    }
                    result.push(ch);
                }
                match self.next() {
                    Some(escaped) => ch = escaped,
                    None => break,
                }
                if !self.capture {
                    self.add_raw_char(&mut words, ch, at);
                }
            } else if !self.capture {
                self.add_char(&mut words, ch, at);
            }
            result.push(ch);
        }
        if let Some(stop) = stop {
            return Err(error(format!(
                "unexpected end of statement while looking for matching {stop}"
            )));
        }
        Ok((result, self.finish_words(words)))
    }

    fn process_single_quote(&mut self) -> Result<String, ExpandError> {
        let mut result = String::new();
        let open = self.next();
        if self.lex.raw_quotes {
            result.extend(open);
        }
        loop {
            // Everything up to the closing quote is copied as it is.
            let run = self.plain_run(|byte| byte == b'\'');
            result.push_str(&self.input[self.pos..self.pos + run]);
            self.pos += run;
            match self.next() {
                None => {
                    return Err(error(
                        "unexpected end of statement while looking for matching single-quote",
                    ));
                }
                Some('\'') => {
                    if self.lex.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(ch) => result.push(ch),
            }
        }
    }

    /// The length of the run of bytes from the current position that `special` does not
    /// stop at. The escape must be ASCII, so that the run ends on a character boundary.
    fn plain_run(&self, special: impl Fn(u8) -> bool) -> usize {
        if !self.lex.escape.is_ascii() {
            return 0;
        }
        let rest = &self.input.as_bytes()[self.pos..];
        rest.iter().position(|&b| special(b)).unwrap_or(rest.len())
    }

    fn process_double_quote(&mut self) -> Result<String, ExpandError> {
        let escape = self.lex.escape;
        let mut result = String::new();
        let open = self.next();
        if self.lex.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(error(
                        "unexpected end of statement while looking for matching double-quote",
                    ));
                }
                Some('"') => {
                    self.next();
                    if self.lex.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let value = self.process_dollar()?;
                    result.push_str(&value);
                }
                Some(_) => {
                    // A run of characters none of which is special here (`"`, `$`, the
                    // escape: all ASCII) is copied at once.
                    let run = self.plain_run(|byte| {
                        matches!(byte, b'"' | b'$') || u32::from(byte) == u32::from(escape)
                    });
                    if run > 0 {
                        result.push_str(&self.input[self.pos..self.pos + run]);
                        self.pos += run;
                        continue;
                    }
                    let Some(mut ch) = self.next() else { continue };
                    if ch == self.lex.escape {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            None => continue,
                            Some(next) if next == '"' || next == '$' || next == self.lex.escape => {
                                self.next();
                                ch = next;
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    fn process_possible_heredoc(&mut self) -> String {
        self.next();
        if self.peek() != Some('<') {
            return "<".to_owned();
        }
        self.next();
        let mut result = String::from("<<");
        while let Some(ch @ ('\t' | '\r' | ' ')) = self.peek() {
            result.push(ch);
            self.next();
        }
        result
    }

    /// The value of `name`, borrowed from the environment (most expansions use it as it
    /// is, and copying it is then left to the caller).
    fn lookup(&mut self, name: &str) -> Option<&'a str> {
        let env: &'a dyn Env = self.env;
        match env.get(name) {
            Some(value) => {
                if self.record && !self.matched.iter().any(|m| m == name) {
                    self.matched.push(name.to_owned());
                }
                Some(value)
            }
            None => {
                if self.record && !self.unmatched.iter().any(|m| m == name) {
                    self.unmatched.push(name.to_owned());
                }
                None
            }
        }
    }

    fn process_name(&mut self) -> &'a str {
        // The name is the input as it stands: sliced out once it ends, not copied.
        let start = self.pos;
        let bytes = self.input.as_bytes();
        if bytes
            .get(start)
            .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_')
        {
            // An ASCII name (most): its letters, digits and `_` at once, as the walk below
            // would take them one character at a time. A non-ASCII letter after them is
            // left to the walk.
            let run = bytes[start..]
                .iter()
                .position(|&b| !NAME_BYTES[usize::from(b)])
                .unwrap_or(bytes.len() - start);
            self.pos = start + run;
        }
        while let Some(ch) = self.peek() {
            let empty = self.pos == start;
            if empty && ch.is_numeric() {
                while self.peek().is_some_and(char::is_numeric) {
                    self.next();
                }
                break;
            }
            if empty && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.next();
                break;
            }
            if !ch.is_alphabetic() && !ch.is_numeric() && ch != '_' {
                break;
            }
            self.next();
        }
        &self.input[start..self.pos]
    }

    /// Expands a `$` reference; a variable's value as it is is borrowed, not copied.
    fn process_dollar(&mut self) -> Result<Cow<'a, str>, ExpandError> {
        self.next();
        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok(Cow::Borrowed("$"));
            }
            return Ok(match self.lookup(name) {
                Some(value) => Cow::Borrowed(value),
                None if self.lex.skip_unset_env => Cow::Owned(format!("${name}")),
                None => Cow::Borrowed(""),
            });
        }
        self.next();
        match self.peek() {
            None => return Err(error("syntax error: missing '}'")),
            Some('{' | '}' | ':') => return Err(error("syntax error: bad substitution")),
            Some(_) => {}
        }
        let name = self.process_name();
        let input = self.input;
        let modifier_start = self.pos;
        let ch = self.next();
        // The modifier as written up to `end` (the character after the name, and for `:`
        // the one after that), U+FFFD when the input ended: sliced where a message needs
        // it, not copied for every `${name}`.
        let modifier_to = |end: usize| match ch {
            Some(_) => &input[modifier_start..end],
            None => "\u{FFFD}",
        };
        match ch {
            Some('}') => Ok(match self.lookup(name) {
                Some(value) => Cow::Borrowed(value),
                None if self.lex.skip_unset_env => Cow::Owned(format!("${{{name}}}")),
                None => Cow::Borrowed(""),
            }),
            Some(':' | '+' | '-' | '?' | '#' | '%') => {
                let mut op = ch;
                let null_is_unset = op == Some(':');
                if null_is_unset {
                    op = self.next();
                }
                let modifier = modifier_to(self.pos);
                let raw = matches!(op, Some('#' | '%'));
                if null_is_unset && raw {
                    return Err(error(format!(
                        "unsupported modifier ({modifier}) in substitution"
                    )));
                }
                let word = match self.process_stop_on(Some('}'), raw) {
                    Ok((word, _)) => word,
                    Err(err) => {
                        if self.peek().is_none() {
                            return Err(error("syntax error: missing '}'"));
                        }
                        return Err(err);
                    }
                };
                let value = self.lookup(name);
                if value.is_none() && self.lex.skip_unset_env {
                    return Ok(Cow::Owned(format!("${{{name}{modifier}{word}}}")));
                }
                apply_modifier(
                    op,
                    name,
                    value.map(str::to_owned),
                    word,
                    null_is_unset,
                    modifier,
                )
                .map(Cow::Owned)
            }
            Some('/') => {
                let replace_all = self.peek() == Some('/');
                if replace_all {
                    self.next();
                }
                let pattern = match self.process_stop_on(Some('/'), true) {
                    Ok((pattern, _)) => pattern,
                    Err(err) => {
                        if self.peek().is_none() {
                            return Err(error("syntax error: missing '/' in ${}"));
                        }
                        return Err(err);
                    }
                };
                let replacement = match self.process_stop_on(Some('}'), true) {
                    Ok((replacement, _)) => replacement,
                    Err(err) => {
                        if self.peek().is_none() {
                            return Err(error("syntax error: missing '}'"));
                        }
                        return Err(err);
                    }
                };
                let value = self.lookup(name);
                if value.is_none() && self.lex.skip_unset_env {
                    return Ok(Cow::Owned(format!("${{{name}/{pattern}/{replacement}}}")));
                }
                replace(&pattern, &replacement, value.unwrap_or(""), replace_all).map(Cow::Owned)
            }
            _ => Err(error(format!(
                "unsupported modifier ({}) in substitution",
                modifier_to(self.pos)
            ))),
        }
    }
}

fn apply_modifier(
    op: Option<char>,
    name: &str,
    value: Option<String>,
    word: String,
    null_is_unset: bool,
    modifier: &str,
) -> Result<String, ExpandError> {
    let set = value.is_some();
    let value = value.unwrap_or_default();
    match op {
        Some('-') => Ok(if !set || (null_is_unset && value.is_empty()) {
            word
        } else {
            value
        }),
        Some('+') => Ok(if !set || (null_is_unset && value.is_empty()) {
            String::new()
        } else {
            word
        }),
        Some('?') => {
            if !set {
                let message = if word.is_empty() {
                    "is not allowed to be unset".to_owned()
                } else {
                    word
                };
                return Err(error(format!("{name}: {message}")));
            }
            if null_is_unset && value.is_empty() {
                let message = if word.is_empty() {
                    "is not allowed to be empty".to_owned()
                } else {
                    word
                };
                return Err(error(format!("{name}: {message}")));
            }
            Ok(value)
        }
        Some(op @ ('%' | '#')) => {
            let (greedy, pattern) = match word.strip_prefix(op) {
                Some(rest) => (true, rest.to_owned()),
                None => (false, word),
            };
            if op == '%' {
                trim_suffix(&pattern, &value, greedy)
            } else {
                trim_prefix(&pattern, &value, greedy)
            }
        }
        _ => Err(error(format!(
            "unsupported modifier ({modifier}) in substitution"
        ))),
    }
}

/// A shell pattern (`*`, `?`, escapes; no bracket expressions) as a regular expression.
fn pattern_to_regex(
    pattern: &str,
    greedy: bool,
    anchored: bool,
) -> Result<regex::Regex, ExpandError> {
    let mut out = String::with_capacity(pattern.len() + 4);
    if anchored {
        out.push('^');
    }
    let star = if greedy { ".*" } else { ".*?" };
    let mut chars = pattern.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '*' => out.push_str(star),
            '?' => out.push('.'),
            '\\' => {
                if matches!(chars.peek(), Some('}' | '/')) {
                    continue;
                }
                match chars.next() {
                    Some(next @ ('*' | '?' | '\\')) => {
                        out.push('\\');
                        out.push(next);
                    }
                    other => {
                        let shown = other.map_or_else(String::new, String::from);
                        return Err(error(format!(
                            "invalid pattern ({pattern}) in substitution: invalid escape '\\{shown}'"
                        )));
                    }
                }
            }
            '[' | ']' | '{' | '}' | '.' | '+' | '(' | ')' | '|' | '^' | '$' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    compile(&out).map_err(|err| {
        error(format!(
            "invalid pattern ({pattern}) in substitution: {err}"
        ))
    })
}

/// `Regex::new`, remembered per thread: compiling costs more than expanding a whole file,
/// and files repeat the same few patterns (`${VERSION%%-*}`, `${ARCH##*-}`).
fn compile(expression: &str) -> Result<regex::Regex, regex::Error> {
    /// Enough for the patterns of a run; past it the memo starts afresh.
    const MAX_PATTERNS: usize = 64;
    thread_local! {
        static COMPILED: std::cell::RefCell<foldhash::HashMap<String, regex::Regex>> =
            std::cell::RefCell::default();
    }
    COMPILED.with_borrow_mut(|compiled| {
        if let Some(re) = compiled.get(expression) {
            return Ok(re.clone());
        }
        let re = regex::Regex::new(expression)?;
        if compiled.len() >= MAX_PATTERNS {
            compiled.clear();
        }
        compiled.insert(expression.to_owned(), re.clone());
        Ok(re)
    })
}

/// Whether a pattern has no wildcard and no escape: it matches only itself, which
/// `str`'s own searches find without building a regular expression.
fn is_literal(pattern: &str) -> bool {
    !pattern.is_empty() && !pattern.contains(['*', '?', '\\'])
}

fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Result<String, ExpandError> {
    if is_literal(pattern) {
        return Ok(value.strip_prefix(pattern).unwrap_or(value).to_owned());
    }
    let re = pattern_to_regex(pattern, greedy, true)?;
    Ok(match re.find(value) {
        Some(found) => value[found.end()..].to_owned(),
        None => value.to_owned(),
    })
}

/// Reverses a pattern, keeping each escape before the character it escapes.
fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = vec!['\0'; chars.len()];
    let last = chars.len().saturating_sub(1);
    let mut i = 0;
    while i < chars.len() {
        let out_index = last - i;
        if chars[i] == '\\' && i != last {
            out[out_index - 1] = chars[i];
            out[out_index] = chars[i + 1];
            i += 2;
        } else {
            out[out_index] = chars[i];
            i += 1;
        }
    }
    out.into_iter().collect()
}

fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Result<String, ExpandError> {
    if is_literal(pattern) {
        return Ok(value.strip_suffix(pattern).unwrap_or(value).to_owned());
    }
    let reversed: String = value.chars().rev().collect();
    let trimmed = trim_prefix(&reverse_pattern(pattern), &reversed, greedy)?;
    Ok(trimmed.chars().rev().collect())
}

fn replace(
    pattern: &str,
    replacement: &str,
    value: &str,
    all: bool,
) -> Result<String, ExpandError> {
    if is_literal(pattern) {
        return Ok(if all {
            value.replace(pattern, replacement)
        } else {
            value.replacen(pattern, replacement, 1)
        });
    }
    let re = pattern_to_regex(pattern, true, false)?;
    if all {
        return Ok(re
            .replace_all(value, regex::NoExpand(replacement))
            .into_owned());
    }
    Ok(match re.find(value) {
        Some(found) => format!(
            "{}{replacement}{}",
            &value[..found.start()],
            &value[found.end()..]
        ),
        None => value.to_owned(),
    })
}

/// `text` as an unquoted word that word processing turns back into `text`, variables not
/// expanded: `$`, quotes and the escape character escaped. Whitespace is left as it is:
/// where an instruction splits its arguments on it, write the words in JSON form.
pub fn literal_word(text: &str, escape: char) -> String {
    escaped(text, escape, &['$', '\'', '"'])
}

/// `text` as a double-quoted word that word processing turns back into `text`, variables
/// not expanded. Inside double quotes only `"`, `$` and the escape character are special
/// (an escaped `'` would keep its escape).
pub fn double_quoted(text: &str, escape: char) -> String {
    format!("\"{}\"", escaped(text, escape, &['$', '"']))
}

fn escaped(text: &str, escape: char, special: &[char]) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if c == escape || special.contains(&c) {
            out.push(escape);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<&'static str> {
        match name {
            "PWD" => Some("/home"),
            "SHELL" => Some("bash"),
            "EMPTY" => Some(""),
            "VER" => Some("1.2.3-alpine"),
            "PATH" => Some("/usr/local/bin:/usr/bin:/bin"),
            _ => None,
        }
    }

    fn word(input: &str) -> Result<String, String> {
        Lex::new('\\')
            .process_word(input, &env)
            .map(|e| e.result)
            .map_err(|e| e.message)
    }

    proptest::proptest! {
        /// Copying runs of plain characters at once gives what the character-by-character
        /// walk gives: the word (or the split words), the variables found and not found, or
        /// the error.
        #[test]
        fn plain_runs_change_nothing(
            input in "[ab $'\"\\\\`{}:#%/<?+*\t\u{b}\u{a0}é-]{0,24}|[ab$ ]{0,4}[{}]?(PATH|VER|EMPTY|X)[:#%/?+*-]{0,2}[ab$}/ ]{0,6}",
            backtick: bool,
            raw: bool,
            capture: bool,
        ) {
            let mut lex = Lex::new(if backtick { '`' } else { '\\' });
            lex.raw_escapes = raw;
            lex.raw_quotes = raw;
            let run = |plain_runs: bool| {
                let mut state = State::new(&lex, &input, &env, capture);
                state.record = capture;
                state.plain_runs = plain_runs;
                let outcome = state.process_stop_on(None, lex.raw_escapes);
                (outcome, state.matched, state.unmatched)
            };
            proptest::prop_assert_eq!(run(true), run(false));
        }

        /// `expand_word` gives what `process_word` gives, the result or the error.
        #[test]
        fn expand_word_gives_the_processed_word(
            input in "[ab $'\"\\\\`{}:#%/<?+*\t\u{b}\u{a0}é-]{0,24}|[ab$ ]{0,4}[{}]?(PATH|VER|EMPTY|X)[:#%/?+*-]{0,2}[ab$}/ ]{0,6}",
            backtick: bool,
        ) {
            let lex = Lex::new(if backtick { '`' } else { '\\' });
            proptest::prop_assert_eq!(
                lex.expand_word(&input, &env),
                lex.process_word(&input, &env).map(|e| e.result)
            );
        }

        /// The test sixteen bytes at a time finds what a test byte by byte finds: each of
        /// the four bytes (both escapes) anywhere, or none, in words of any length.
        #[test]
        fn may_change_finds_what_bytes_find(
            input in "[a_$'\"\\\\`#%&\\[\\]é\u{0}\u{7f}\u{a2}\u{a4}\u{a7}\u{dc}\u{e0}\u{e4}]{0,40}|[a_]{0,40}[$'\"\\\\`]?[a_]{0,40}",
            backtick: bool,
        ) {
            let lex = Lex::new(if backtick { '`' } else { '\\' });
            let escape = lex.escape as u8;
            let by_bytes = input
                .bytes()
                .any(|b| matches!(b, b'$' | b'\'' | b'"') || b == escape);
            proptest::prop_assert_eq!(lex.may_change(&input), by_bytes);
        }

        /// `process_words`' shortcut for a word that neither changes nor splits gives what
        /// the walk gives.
        #[test]
        fn plain_words_split_as_walked(
            input in "[abé.:/-]{0,8}|[ab $'\"\\\\`<\t\u{b}\u{a0}é-]{0,12}",
            backtick: bool,
        ) {
            let lex = Lex::new(if backtick { '`' } else { '\\' });
            let mut state = State::new(&lex, &input, &env, false);
            let walked = state.process_stop_on(None, lex.raw_escapes).map(|(_, words)| words);
            proptest::prop_assert_eq!(lex.process_words(&input, &env), walked);
        }
    }

    /// The set of special bytes holds what the test for each kind of byte held, for every
    /// byte, both escapes (and a non-ASCII one below 256), every stop, quotes processed or
    /// not, and words split or not.
    #[test]
    fn special_bytes_are_the_tested_ones() {
        for escape in ['\\', '`', '\u{e9}', '\u{20ac}'] {
            for stop in [None, Some('}'), Some('/'), Some('\u{e9}')] {
                for process_quotes in [false, true] {
                    for capture in [false, true] {
                        let set = ByteSet::special(escape, stop, process_quotes, capture);
                        for byte in 0..=u8::MAX {
                            let tested = matches!(byte, b'$' | b'<')
                                || (process_quotes && matches!(byte, b'\'' | b'"'))
                                || u32::from(byte) == u32::from(escape)
                                || stop.is_some_and(|s| u32::from(byte) == u32::from(s))
                                || (!capture
                                    && (!byte.is_ascii()
                                        || matches!(
                                            byte,
                                            b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' '
                                        )));
                            assert_eq!(
                                set.contains(byte),
                                tested,
                                "{byte:#x} {escape:?} {stop:?} {process_quotes} {capture}"
                            );
                        }
                    }
                }
            }
        }
    }

    /// The table of name bytes holds the bytes the tests hold, and no others.
    #[test]
    fn name_bytes_are_letters_digits_and_underscore() {
        for byte in 0..=u8::MAX {
            assert_eq!(
                NAME_BYTES[usize::from(byte)],
                byte.is_ascii_alphanumeric() || byte == b'_',
                "{byte:#x}"
            );
        }
    }

    #[test]
    fn expansions() {
        let cases = [
            ("hello", "hello"),
            ("he'll'o", "hello"),
            ("he\"ll\"o", "hello"),
            ("he\\'ll\\'o", "he'll'o"),
            ("'$PWD'", "$PWD"),
            ("\"$PWD\"", "/home"),
            ("$PWD/x", "/home/x"),
            ("${PWD}x", "/homex"),
            ("$NOPE", ""),
            ("${NOPE:-def}", "def"),
            ("${EMPTY:-def}", "def"),
            ("${EMPTY-def}", ""),
            ("${NOPE-def}", "def"),
            ("${PWD:+yes}", "yes"),
            ("${EMPTY:+yes}", ""),
            ("${EMPTY+yes}", "yes"),
            ("${VER%-*}", "1.2.3"),
            ("${VER%%.*}", "1"),
            ("${VER#*.}", "2.3-alpine"),
            ("${VER##*.}", "3-alpine"),
            ("${PATH/bin/sbin}", "/usr/local/sbin:/usr/bin:/bin"),
            ("${PATH//bin/sbin}", "/usr/local/sbin:/usr/sbin:/sbin"),
            ("\\$PWD", "$PWD"),
            ("\"a\\\"b\"", "a\"b"),
            ("\"a\\b\"", "a\\b"),
            ("$", "$"),
            ("a$", "a$"),
            ("$1x", "x"),
        ];
        for (input, expected) in cases {
            assert_eq!(word(input).as_deref(), Ok(expected), "{input}");
        }
    }

    #[test]
    fn errors() {
        assert_eq!(
            word("${NOPE:?must be set}").unwrap_err(),
            "NOPE: must be set"
        );
        assert_eq!(
            word("${NOPE?}").unwrap_err(),
            "NOPE: is not allowed to be unset"
        );
        assert_eq!(
            word("${EMPTY:?}").unwrap_err(),
            "EMPTY: is not allowed to be empty"
        );
        assert_eq!(word("${}").unwrap_err(), "syntax error: bad substitution");
        assert_eq!(
            word("${PWD").unwrap_err(),
            "unsupported modifier (\u{FFFD}) in substitution"
        );
        assert_eq!(word("${PWD:-x").unwrap_err(), "syntax error: missing '}'");
        assert_eq!(
            word("'abc").unwrap_err(),
            "unexpected end of statement while looking for matching single-quote"
        );
        assert_eq!(
            word("${PWD:x}").unwrap_err(),
            "unsupported modifier (:x) in substitution"
        );
        assert_eq!(
            word("${PWD:%x}").unwrap_err(),
            "unsupported modifier (:%) in substitution"
        );
    }

    #[test]
    fn matches_are_reported() {
        let lex = Lex::new('\\');
        let out = lex
            .process_word("$PWD ${NOPE:-x} $NOPE ${TARGETOS}", &env)
            .unwrap();
        assert_eq!(out.matched, ["PWD"]);
        assert_eq!(out.unmatched, ["NOPE", "TARGETOS"]);
    }

    #[test]
    fn skip_unset_keeps_references() {
        let mut lex = Lex::new('\\');
        lex.skip_unset_env = true;
        let out = lex
            .process_word("$NOPE ${NOPE} ${NOPE:-x} ${NOPE/a/b}", &NoEnv)
            .unwrap();
        assert_eq!(out.result, "$NOPE ${NOPE} ${NOPE:-x} ${NOPE/a/b}");
    }

    #[test]
    fn words_split_after_expansion() {
        let mut lex = Lex::new('\\');
        lex.raw_quotes = true;
        lex.raw_escapes = true;
        lex.skip_unset_env = true;
        let words = lex
            .process_words("RUN <<  EOF 3<<'X' \"a b\"", &NoEnv)
            .unwrap();
        let texts: Vec<_> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["RUN", "<<  EOF", "3<<'X'", "\"a b\""]);
        assert_eq!((words[1].start, words[1].end), (4, 11));
        let plain = Lex::new('\\')
            .process_words("a $SHELL  'b c'", &env)
            .unwrap();
        let texts: Vec<_> = plain.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["a", "bash", "b c"]);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "${A:-".repeat(10_000) + &"}".repeat(10_000);
        assert!(word(&deep).is_err());
    }

    proptest::proptest! {
        /// Patterns without wildcards or escapes, matched by `str`'s searches, match as
        /// their regular expressions do.
        #[test]
        fn literal_patterns_match_as_regexes(
            pattern in "[ab./-]{1,3}",
            value in "[ab./\n-]{0,10}",
            greedy: bool,
        ) {
            let regex = |anchored| pattern_to_regex(&pattern, greedy, anchored).unwrap();
            let prefix = match regex(true).find(&value) {
                Some(found) => value[found.end()..].to_owned(),
                None => value.clone(),
            };
            proptest::prop_assert_eq!(trim_prefix(&pattern, &value, greedy).unwrap(), prefix);
            let reversed: String = value.chars().rev().collect();
            let re = pattern_to_regex(&reverse_pattern(&pattern), greedy, true).unwrap();
            let suffix: String = match re.find(&reversed) {
                Some(found) => reversed[found.end()..].chars().rev().collect(),
                None => value.clone(),
            };
            proptest::prop_assert_eq!(trim_suffix(&pattern, &value, greedy).unwrap(), suffix);
            let first = match regex(false).find(&value) {
                Some(found) => format!("{}X{}", &value[..found.start()], &value[found.end()..]),
                None => value.clone(),
            };
            proptest::prop_assert_eq!(replace(&pattern, "X", &value, false).unwrap(), first);
            let all = regex(false).replace_all(&value, "X").into_owned();
            proptest::prop_assert_eq!(replace(&pattern, "X", &value, true).unwrap(), all);
        }
    }

    #[test]
    fn reverse_pattern_keeps_escapes() {
        assert_eq!(reverse_pattern(r"a\*c"), r"c\*a");
    }

    #[test]
    fn quoted_words_read_back_as_written() {
        let texts = [
            "plain",
            "$HOME/${X:-y}",
            "it's \"q\"",
            "back\\slash `tick`",
            "a b",
        ];
        for escape in ['\\', '`'] {
            let lex = Lex::new(escape);
            for text in texts {
                for word in [literal_word(text, escape), double_quoted(text, escape)] {
                    let back = lex.process_word(&word, &NoEnv).map(|e| e.result);
                    assert_eq!(back.as_deref(), Ok(text), "{word} with escape {escape}");
                }
            }
        }
        assert_eq!(literal_word("it's $X", '\\'), r"it\'s \$X");
        assert_eq!(double_quoted("it's $X", '\\'), r#""it's \$X""#);
    }
}
