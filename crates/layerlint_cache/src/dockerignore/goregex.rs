//! Go's regular-expression syntax, as `regexp.Compile` reads it, re-expressed for the `regex`
//! crate.
//!
//! moby/patternmatcher hands its translated pattern to Go's `regexp`, so a `.dockerignore`
//! pattern means what that Go expression means, and the two syntaxes differ in exactly the
//! places a glob reaches: inside brackets a `[` is an ordinary character for Go but opens a nested
//! class for the `regex` crate (so `[*]`, which moby turns into `[[^/]*]`, is the class `[[^/]`
//! followed by `*` and a literal `]`); `&&`, `--` and `~~` are set operators only for the `regex`
//! crate; `\d`, `\s`, `\w`, `\b` are ASCII in Go; `\Q…\E`, octal escapes and `\pX` single-letter
//! names follow Go's rules. So the expression is parsed here with Go's rules (the parts of
//! `regexp/syntax` that a translated pattern can contain) into a small tree, and the tree is
//! written out in the `regex` crate's syntax with every character escaped.
//!
//! moby leaves `|`, `{` and `}` unescaped, so alternation, counted repetition and `\p{Name}`
//! are reachable and supported; flag groups `(?…)` are not reachable (moby escapes `(`) and are
//! rejected as unsupported rather than guessed at.

use std::fmt::Write as _;

/// One element of a parsed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    /// One character; a code point that is not a Unicode scalar value never matches.
    Literal(u32),
    Class(Class),
    /// `.`: any character but `\n`.
    AnyNotNl,
    /// `^` or `\A`.
    BeginText,
    /// `$` or `\z`.
    EndText,
    /// `\b`, ASCII word boundary.
    WordBoundary,
    /// `\B`.
    NotWordBoundary,
    /// `( … )`.
    Group(Alternation),
    Repeat(Box<Node>, RepeatOp),
}

/// Branches separated by `|` (usually just one), each a sequence of nodes.
pub(crate) type Alternation = Vec<Vec<Node>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RepeatOp {
    Star,
    Plus,
    Quest,
    /// `{min}`, `{min,}`, `{min,max}`.
    Counted(u32, Option<u32>),
}

/// A bracketed class, or a class escape outside brackets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Class {
    negated: bool,
    items: Vec<ClassItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum ClassItem {
    /// `lo-hi` as code points (Go allows surrogates; they match nothing).
    Range(u32, u32),
    /// A Perl (`\d`) or POSIX (`[:alpha:]`) class: ASCII ranges, possibly negated.
    Ascii(&'static [(u8, u8)], bool),
    /// `\pX`, `\p{Name}`: the `regex` crate's spelling of the class, possibly negated.
    Unicode(String, bool),
}

const DIGIT: &[(u8, u8)] = &[(b'0', b'9')];
const SPACE_PERL: &[(u8, u8)] = &[(b'\t', b'\n'), (0x0C, b'\r'), (b' ', b' ')];
const WORD: &[(u8, u8)] = &[(b'0', b'9'), (b'A', b'Z'), (b'_', b'_'), (b'a', b'z')];

fn posix_class(name: &str) -> Option<(&'static [(u8, u8)], bool)> {
    let (name, negated) = match name.strip_prefix("[:^") {
        Some(rest) => (rest, true),
        None => (name.strip_prefix("[:")?, false),
    };
    let ranges: &'static [(u8, u8)] = match name.strip_suffix(":]")? {
        "alnum" => &[(b'0', b'9'), (b'A', b'Z'), (b'a', b'z')],
        "alpha" => &[(b'A', b'Z'), (b'a', b'z')],
        "ascii" => &[(0x00, 0x7F)],
        "blank" => &[(b'\t', b'\t'), (b' ', b' ')],
        "cntrl" => &[(0x00, 0x1F), (0x7F, 0x7F)],
        "digit" => DIGIT,
        "graph" => &[(b'!', b'~')],
        "lower" => &[(b'a', b'z')],
        "print" => &[(b' ', b'~')],
        "punct" => &[(b'!', b'/'), (b':', b'@'), (b'[', b'`'), (b'{', b'~')],
        "space" => &[(b'\t', b'\r'), (b' ', b' ')],
        "upper" => &[(b'A', b'Z')],
        "word" => WORD,
        "xdigit" => &[(b'0', b'9'), (b'A', b'F'), (b'a', b'f')],
        _ => return None,
    };
    Some((ranges, negated))
}

/// A Perl class escape (`\d`, `\D`, `\s`, `\S`, `\w`, `\W`) at the start of `s`.
fn perl_class(s: &str) -> Option<ClassItem> {
    let b = s.as_bytes();
    if b.len() < 2 || b[0] != b'\\' {
        return None;
    }
    let (ranges, negated) = match b[1] {
        b'd' => (DIGIT, false),
        b'D' => (DIGIT, true),
        b's' => (SPACE_PERL, false),
        b'S' => (SPACE_PERL, true),
        b'w' => (WORD, false),
        b'W' => (WORD, true),
        _ => return None,
    };
    Some(ClassItem::Ascii(ranges, negated))
}

/// The Unicode general categories with one-letter names, which are all that `\pX` can name.
/// Go's `C` is `Cc`, `Cf`, `Co` and `Cs` (no unassigned code points, unlike the `regex` crate's
/// `\p{C}`); surrogates never occur in a `str`.
fn unicode_category(name: &str) -> Option<&'static str> {
    Some(match name {
        "C" => r"\p{Cc}\p{Cf}\p{Co}",
        "L" => r"\p{L}",
        "M" => r"\p{M}",
        "N" => r"\p{N}",
        "P" => r"\p{P}",
        "S" => r"\p{S}",
        "Z" => r"\p{Z}",
        _ => return None,
    })
}

/// The `regex` crate's spelling of the Unicode class Go's `\p{name}` names (as of Go 1.25,
/// which looks names up ignoring case, `_`, `-` and spaces): `Any`, `ASCII`, `Assigned`, `LC`,
/// a general category (`L`, `Lu`, `Letter`, ...) or a script (`Greek`, `Han`, ...). Categories
/// and scripts are checked against the `regex` crate's tables, whose Unicode version can be a
/// little newer than Go's, and which also know short script names like `Grek`.
fn unicode_class(name: &str) -> Option<String> {
    let key: String = name
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .collect::<String>()
        .to_ascii_lowercase();
    if key.is_empty() {
        return None;
    }
    match key.as_str() {
        "any" => return Some(r"\x{0}-\x{10FFFF}".to_owned()),
        "assigned" => return Some(r"[^\p{Cn}]".to_owned()),
        "ascii" => return Some(r"\x{0}-\x{7F}".to_owned()),
        // Go's `C` has no unassigned code points, unlike the `regex` crate's.
        "c" | "other" => return Some(r"\p{Cc}\p{Cf}\p{Co}".to_owned()),
        _ => {}
    }
    if key.len() == 1 {
        return unicode_category(&key.to_ascii_uppercase()).map(str::to_owned);
    }
    // Hand the name to the `regex` crate only once it is known to be harmless there.
    if !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    [format!(r"\p{{gc={key}}}"), format!(r"\p{{sc={key}}}")]
        .into_iter()
        .find(|spelling| regex::Regex::new(spelling).is_ok())
}

/// Parses `src` with Go's `regexp/syntax.Perl` rules. The error is Go's message, roughly.
pub(crate) fn parse(src: &str) -> Result<Alternation, String> {
    Parser { src, pos: 0 }.parse()
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

fn unsupported(what: &str) -> String {
    format!("unsupported regular expression construct `{what}`")
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    fn parse(mut self) -> Result<Alternation, String> {
        // One alternation per open group; the sequence being built is the last branch of the
        // last one.
        let mut frames: Vec<Alternation> = vec![vec![Vec::new()]];
        let mut last_was_repeat = false;
        while let Some(c) = self.rest().chars().next() {
            let mut is_repeat = false;
            match c {
                '(' => {
                    if self.rest()[1..].starts_with('?') {
                        return Err(unsupported("(?"));
                    }
                    self.pos += 1;
                    frames.push(vec![Vec::new()]);
                }
                ')' => {
                    self.pos += 1;
                    if frames.len() < 2 {
                        return Err("unexpected ): `)`".to_owned());
                    }
                    let inner = frames.pop().unwrap_or_default();
                    push(&mut frames, Node::Group(inner));
                }
                '|' => {
                    self.pos += 1;
                    if let Some(alternation) = frames.last_mut() {
                        alternation.push(Vec::new());
                    }
                }
                '^' => {
                    self.pos += 1;
                    push(&mut frames, Node::BeginText);
                }
                '$' => {
                    self.pos += 1;
                    push(&mut frames, Node::EndText);
                }
                '.' => {
                    self.pos += 1;
                    push(&mut frames, Node::AnyNotNl);
                }
                '[' => {
                    let class = self.parse_class()?;
                    push(&mut frames, Node::Class(class));
                }
                '*' | '+' | '?' => {
                    self.pos += 1;
                    let op = match c {
                        '*' => RepeatOp::Star,
                        '+' => RepeatOp::Plus,
                        _ => RepeatOp::Quest,
                    };
                    self.repeat(&mut frames, op, last_was_repeat, &c.to_string())?;
                    is_repeat = true;
                }
                '{' => match counted_repeat(self.rest()) {
                    // Not of the form `{n}`, `{n,}`, `{n,m}`: a literal `{`.
                    None => {
                        self.pos += 1;
                        push(&mut frames, Node::Literal('{'.into()));
                    }
                    Some((min, max, len)) => {
                        let text = self.rest()[..len].to_owned();
                        let max_ok =
                            max.is_none_or(|max| (0..=MAX_REPEAT).contains(&max) && min <= max);
                        if !(0..=MAX_REPEAT).contains(&min) || !max_ok {
                            return Err(format!("invalid repeat count: `{text}`"));
                        }
                        self.pos += len;
                        // Both are within 0..=1000 now.
                        let op = RepeatOp::Counted(min as u32, max.map(|max| max as u32));
                        self.repeat(&mut frames, op, last_was_repeat, &text)?;
                        is_repeat = true;
                    }
                },
                '\\' => self.parse_backslash(&mut frames)?,
                c => {
                    self.pos += c.len_utf8();
                    push(&mut frames, Node::Literal(c.into()));
                }
            }
            last_was_repeat = is_repeat;
        }
        if frames.len() != 1 {
            return Err("missing closing ): ...".to_owned());
        }
        Ok(frames.pop().unwrap_or_default())
    }

    /// Applies a repetition operator (just read) to the last node (Go's `parser.repeat`).
    fn repeat(
        &mut self,
        frames: &mut [Alternation],
        op: RepeatOp,
        last_was_repeat: bool,
        text: &str,
    ) -> Result<(), String> {
        // A non-greedy marker changes nothing for a yes/no match.
        if self.rest().starts_with('?') {
            self.pos += 1;
        }
        if last_was_repeat {
            return Err(format!("invalid nested repetition operator: `{text}`"));
        }
        let sequence = frames
            .last_mut()
            .and_then(|alternation| alternation.last_mut());
        let Some(sub) = sequence.as_ref().and_then(|sequence| sequence.last()) else {
            return Err(format!("missing argument to repetition operator: `{text}`"));
        };
        let node = Node::Repeat(Box::new(sub.clone()), op);
        if let Some(sequence) = sequence {
            sequence.pop();
            sequence.push(node);
        }
        Ok(())
    }

    /// A `\` outside brackets.
    fn parse_backslash(&mut self, frames: &mut [Alternation]) -> Result<(), String> {
        let rest = self.rest();
        let b = rest.as_bytes();
        if b.len() >= 2 {
            let node = match b[1] {
                b'A' => Some(Node::BeginText),
                b'b' => Some(Node::WordBoundary),
                b'B' => Some(Node::NotWordBoundary),
                b'z' => Some(Node::EndText),
                b'C' => return Err("invalid escape sequence: `\\C`".to_owned()),
                b'Q' => {
                    // Everything up to `\E`, or to the end, is literal text.
                    let body = &rest[2..];
                    let (literal, consumed) = match body.find(r"\E") {
                        Some(end) => (&body[..end], end + 2),
                        None => (body, body.len()),
                    };
                    for c in literal.chars() {
                        push(frames, Node::Literal(c.into()));
                    }
                    self.pos += 2 + consumed;
                    return Ok(());
                }
                _ => None,
            };
            if let Some(node) = node {
                self.pos += 2;
                push(frames, node);
                return Ok(());
            }
            if b[1] == b'p' || b[1] == b'P' {
                let item = self.parse_unicode_class()?;
                push(
                    frames,
                    Node::Class(Class {
                        negated: false,
                        items: vec![item],
                    }),
                );
                return Ok(());
            }
        }
        if let Some(item) = perl_class(rest) {
            self.pos += 2;
            push(
                frames,
                Node::Class(Class {
                    negated: false,
                    items: vec![item],
                }),
            );
            return Ok(());
        }
        let c = self.parse_escape()?;
        push(frames, Node::Literal(c));
        Ok(())
    }

    /// `\pX` or `\PX` at the current position (Go's `parseUnicodeClass`).
    fn parse_unicode_class(&mut self) -> Result<ClassItem, String> {
        let rest = self.rest();
        let mut negated = rest.as_bytes()[1] == b'P';
        let (name, consumed) = match rest[2..].chars().next() {
            None => ("", 2),
            Some('{') => {
                let Some(end) = rest.find('}') else {
                    return Err(format!("invalid character class range: `{rest}`"));
                };
                (&rest[3..end], end + 1)
            }
            Some(c) => (&rest[2..2 + c.len_utf8()], 2 + c.len_utf8()),
        };
        let seq = &rest[..consumed];
        let name = match name.strip_prefix('^') {
            Some(rest) => {
                negated = !negated;
                rest
            }
            None => name,
        };
        let Some(body) = unicode_class(name) else {
            return Err(format!("invalid character class range: `{seq}`"));
        };
        self.pos += consumed;
        Ok(ClassItem::Unicode(body, negated))
    }

    /// Go's `parseEscape`: a `\` escape standing for one character.
    fn parse_escape(&mut self) -> Result<u32, String> {
        let rest = self.rest();
        let after_backslash = &rest[1..];
        let Some(c) = after_backslash.chars().next() else {
            return Err("trailing backslash at end of expression".to_owned());
        };
        let mut t = &after_backslash[c.len_utf8()..];
        let invalid = |t: &str| {
            let seq = &rest[..rest.len() - t.len()];
            format!("invalid escape sequence: `{seq}`")
        };
        let is_octal = |t: &str| {
            t.as_bytes()
                .first()
                .is_some_and(|b| (b'0'..=b'7').contains(b))
        };
        let value = match c {
            // A single non-zero digit would be a backreference, which Go does not support.
            '1'..='7' if !is_octal(t) => return Err(invalid(t)),
            '0'..='7' => {
                let mut value = u32::from(c) - u32::from('0');
                for _ in 1..3 {
                    if !is_octal(t) {
                        break;
                    }
                    value = value * 8 + u32::from(t.as_bytes()[0] - b'0');
                    t = &t[1..];
                }
                value
            }
            'x' => {
                let Some(first) = t.chars().next() else {
                    return Err(invalid(t));
                };
                t = &t[first.len_utf8()..];
                if first == '{' {
                    let mut value: u32 = 0;
                    let mut digits = 0;
                    loop {
                        let Some(d) = t.chars().next() else {
                            return Err(invalid(t));
                        };
                        t = &t[d.len_utf8()..];
                        if d == '}' {
                            break;
                        }
                        let Some(v) = d.to_digit(16) else {
                            return Err(invalid(t));
                        };
                        value = value * 16 + v;
                        if value > 0x10_FFFF {
                            return Err(invalid(t));
                        }
                        digits += 1;
                    }
                    if digits == 0 {
                        return Err(invalid(t));
                    }
                    value
                } else {
                    let second = t.chars().next();
                    if let Some(second) = second {
                        t = &t[second.len_utf8()..];
                    }
                    match (first.to_digit(16), second.and_then(|s| s.to_digit(16))) {
                        (Some(hi), Some(lo)) => hi * 16 + lo,
                        _ => return Err(invalid(t)),
                    }
                }
            }
            'a' => 0x07,
            'f' => 0x0C,
            'n' => 0x0A,
            'r' => 0x0D,
            't' => 0x09,
            'v' => 0x0B,
            c if c.is_ascii() && !c.is_ascii_alphanumeric() => c.into(),
            _ => return Err(invalid(t)),
        };
        self.pos = self.src.len() - t.len();
        Ok(value)
    }

    /// A bracketed class starting at the current `[` (Go's `parseClass`).
    fn parse_class(&mut self) -> Result<Class, String> {
        self.pos += 1;
        let mut negated = false;
        if self.rest().starts_with('^') {
            negated = true;
            self.pos += 1;
        }
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let rest = self.rest();
            if rest.starts_with(']') && !first {
                self.pos += 1;
                break;
            }
            first = false;
            // POSIX `[:name:]`; Go looks for the closing `:]` anywhere further on.
            if rest.len() > 2
                && rest.starts_with("[:")
                && let Some(i) = rest[2..].find(":]")
            {
                let name = &rest[..i + 4];
                let Some((ranges, negated)) = posix_class(name) else {
                    return Err(format!("invalid character class range: `{name}`"));
                };
                items.push(ClassItem::Ascii(ranges, negated));
                self.pos += name.len();
                continue;
            }
            if rest.starts_with(r"\p") || rest.starts_with(r"\P") {
                items.push(self.parse_unicode_class()?);
                continue;
            }
            if let Some(item) = perl_class(rest) {
                items.push(item);
                self.pos += 2;
                continue;
            }
            let lo = self.parse_class_char()?;
            let mut hi = lo;
            let rest = self.rest().as_bytes();
            if rest.len() >= 2 && rest[0] == b'-' && rest[1] != b']' {
                self.pos += 1;
                hi = self.parse_class_char()?;
                if hi < lo {
                    return Err("invalid character class range".to_owned());
                }
            }
            items.push(ClassItem::Range(lo, hi));
        }
        Ok(Class { negated, items })
    }

    fn parse_class_char(&mut self) -> Result<u32, String> {
        match self.rest().chars().next() {
            None => Err("missing closing ]".to_owned()),
            Some('\\') => self.parse_escape(),
            Some(c) => {
                self.pos += c.len_utf8();
                Ok(c.into())
            }
        }
    }
}

fn push(frames: &mut [Alternation], node: Node) {
    if let Some(sequence) = frames
        .last_mut()
        .and_then(|alternation| alternation.last_mut())
    {
        sequence.push(node);
    }
}

/// Go's largest repetition count.
const MAX_REPEAT: i64 = 1000;

/// Go's `parseRepeat` on `s` (starting with `{`): `{n}`, `{n,}` or `{n,m}` as (min, max or
/// `None` for no maximum, length), a number too large for Go as -1; `None` if `s` is not of
/// that form, and Go then reads the `{` as a literal.
fn counted_repeat(s: &str) -> Option<(i64, Option<i64>, usize)> {
    let body = s.strip_prefix('{')?;
    let (min, rest) = decimal(body)?;
    let (max, rest) = match rest.strip_prefix(',') {
        None => (Some(min), rest),
        Some(rest) if rest.starts_with('}') => (None, rest),
        Some(rest) => {
            let (max, rest) = decimal(rest)?;
            (Some(max), rest)
        }
    };
    let rest = rest.strip_prefix('}')?;
    Some((min, max, s.len() - rest.len()))
}

/// Go's `parseInt`: decimal digits without a leading zero; -1 when the value is 10^8 or more.
fn decimal(s: &str) -> Option<(i64, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits >= 2 && s.starts_with('0') {
        return None;
    }
    let value = if digits > 8 {
        -1
    } else {
        s[..digits].parse().ok()?
    };
    let value = if value >= 100_000_000 { -1 } else { value };
    Some((value, &s[digits..]))
}

// ---- writing the `regex` crate's syntax ----

/// A class that matches nothing.
const NEVER: &str = r"[^\x{0}-\x{10FFFF}]";

/// The whole expression in the `regex` crate's syntax (to be compiled as a `regex::bytes::Regex`,
/// where `(?-u:\b)` is allowed).
pub(crate) fn to_rust(alternation: &Alternation) -> String {
    let mut out = String::new();
    if has_word_boundary(alternation) {
        render_alternation(alternation, &mut out);
    } else {
        render_alternation_with(alternation, &mut out, Repeats::Bytes);
    }
    out
}

/// How a `*` or `+` of "any character but a few ASCII ones" (`[^/]*` for `*`, `.*` for `**`)
/// is written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Repeats {
    /// Over characters, like every other node.
    Chars,
    /// Over bytes (`(?-u:[^/])*`): the same strings of a `str`, whose characters without those
    /// ASCII ones are exactly the bytes without them, and the run cannot stop inside a
    /// character, since what follows (a character, a class, the end) only matches from a
    /// character's start. A word boundary could (`\B` holds between the bytes of `é`), so
    /// an expression with one keeps [`Repeats::Chars`]. The point: without a Unicode class
    /// the `regex` crate does not build its UTF-8 automaton, whose table (320 KB) every
    /// compile fills anew.
    Bytes,
}

/// Whether the expression holds a `\b` or `\B`.
fn has_word_boundary(alternation: &Alternation) -> bool {
    fn node_has(node: &Node) -> bool {
        match node {
            Node::WordBoundary | Node::NotWordBoundary => true,
            Node::Group(inner) => has_word_boundary(inner),
            Node::Repeat(sub, _) => node_has(sub),
            _ => false,
        }
    }
    alternation.iter().flatten().any(node_has)
}

/// The ASCII characters that `node` matches all characters but, when it is `.` or a negated
/// class of ASCII ranges only (`[^/]`): what a [`Repeats::Bytes`] repetition excludes.
fn all_but_ascii(node: &Node) -> Option<Vec<(u32, u32)>> {
    match node {
        Node::AnyNotNl => Some(vec![(u32::from(b'\n'), u32::from(b'\n'))]),
        Node::Class(class) if class.negated => class
            .items
            .iter()
            .map(|item| match item {
                ClassItem::Range(lo, hi) if *hi < 0x80 => Some((*lo, *hi)),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

fn render_alternation(alternation: &Alternation, out: &mut String) {
    render_alternation_with(alternation, out, Repeats::Chars);
}

fn render_alternation_with(alternation: &Alternation, out: &mut String, repeats: Repeats) {
    for (i, sequence) in alternation.iter().enumerate() {
        if i > 0 {
            out.push('|');
        }
        for node in sequence {
            render_with(node, out, repeats);
        }
    }
}

fn render(node: &Node, out: &mut String) {
    render_with(node, out, Repeats::Chars);
}

fn render_with(node: &Node, out: &mut String, repeats: Repeats) {
    match node {
        Node::Literal(c) => render_char(*c, out),
        Node::Class(class) => render_class(class, out),
        Node::AnyNotNl => out.push('.'),
        Node::BeginText => out.push_str(r"\A"),
        Node::EndText => out.push_str(r"\z"),
        Node::WordBoundary => out.push_str(r"(?-u:\b)"),
        Node::NotWordBoundary => out.push_str(r"(?-u:\B)"),
        Node::Group(alternation) => {
            out.push_str("(?:");
            render_alternation_with(alternation, out, repeats);
            out.push(')');
        }
        Node::Repeat(sub, op @ (RepeatOp::Star | RepeatOp::Plus))
            if repeats == Repeats::Bytes
                && let Some(excluded) = all_but_ascii(sub) =>
        {
            out.push_str("(?-u:[^");
            for (lo, hi) in excluded {
                let _ = write!(out, r"\x{lo:02X}-\x{hi:02X}");
            }
            out.push_str("])");
            out.push(if *op == RepeatOp::Star { '*' } else { '+' });
        }
        Node::Repeat(sub, op) => {
            out.push_str("(?:");
            render_with(sub, out, repeats);
            out.push(')');
            match op {
                RepeatOp::Star => out.push('*'),
                RepeatOp::Plus => out.push('+'),
                RepeatOp::Quest => out.push('?'),
                RepeatOp::Counted(min, Some(max)) if min == max => {
                    let _ = write!(out, "{{{min}}}");
                }
                RepeatOp::Counted(min, Some(max)) => {
                    let _ = write!(out, "{{{min},{max}}}");
                }
                RepeatOp::Counted(min, None) => {
                    let _ = write!(out, "{{{min},}}");
                }
            }
        }
    }
}

fn render_char(c: u32, out: &mut String) {
    match char::from_u32(c) {
        Some(ch) if ch.is_ascii_alphanumeric() => out.push(ch),
        Some(_) => {
            let _ = write!(out, r"\x{{{c:X}}}");
        }
        None => out.push_str(NEVER),
    }
}

fn render_class(class: &Class, out: &mut String) {
    let mut body = String::new();
    for item in &class.items {
        match item {
            ClassItem::Range(lo, hi) => {
                // Surrogates are not characters of a `str`: trim them off the range's ends.
                let lo = if (0xD800..=0xDFFF).contains(lo) {
                    0xE000
                } else {
                    *lo
                };
                let hi = if (0xD800..=0xDFFF).contains(hi) {
                    0xD7FF
                } else {
                    *hi
                };
                if lo > hi {
                    continue;
                }
                let _ = write!(body, r"\x{{{lo:X}}}");
                if hi != lo {
                    let _ = write!(body, r"-\x{{{hi:X}}}");
                }
            }
            ClassItem::Ascii(ranges, negated) => {
                if *negated {
                    body.push_str("[^");
                }
                for (lo, hi) in *ranges {
                    let _ = write!(body, r"\x{{{lo:X}}}-\x{{{hi:X}}}");
                }
                if *negated {
                    body.push(']');
                }
            }
            ClassItem::Unicode(spelling, negated) => {
                let spelling = spelling.as_str();
                if *negated {
                    let _ = write!(body, "[^{spelling}]");
                } else {
                    body.push_str(spelling);
                }
            }
        }
    }
    match (body.is_empty(), class.negated) {
        (true, false) => out.push_str(NEVER),
        (true, true) => out.push_str(r"[\x{0}-\x{10FFFF}]"),
        (false, negated) => {
            out.push('[');
            if negated {
                out.push('^');
            }
            out.push_str(&body);
            out.push(']');
        }
    }
}

/// The most nodes [`to_rust_prefixes`] accepts; its expression nests once per node.
pub(crate) const PREFIXES_MAX_NODES: usize = 120;

/// An expression matching exactly (anchored at both ends) every prefix of every string in which
/// `alternation` finds a match, and a little more: an assertion other than `\A` is not checked
/// where the prefix ends, and a counted repetition is taken as `*`. `None` when the expression
/// has more than [`PREFIXES_MAX_NODES`] nodes.
///
/// With `P(e)` the prefixes of the strings `e` matches from start to end: `P(a|b) = P(a)|P(b)`,
/// `P(a rest) = (a P(rest))?` for a single character or assertion, but `P(\A rest) = \A
/// P(rest)`, `P(x* rest) = x* (P(x) | P(rest))`, `P(x? rest) = P(x) | x? P(rest)`,
/// `P((g) rest) = P(g) | g P(rest)`.
pub(crate) fn to_rust_prefixes(alternation: &Alternation) -> Option<String> {
    fn count(alternation: &Alternation) -> usize {
        alternation.iter().flatten().map(count_node).sum()
    }
    fn count_node(node: &Node) -> usize {
        match node {
            Node::Group(inner) => 1 + count(inner),
            Node::Repeat(sub, _) => 1 + count_node(sub),
            _ => 1,
        }
    }
    if count(alternation) > PREFIXES_MAX_NODES {
        return None;
    }
    // Go searches: the expression matches a string that contains a match. So the strings are
    // `.* e .*`, whose prefixes are `.* (P(e) | e .*)`; `\A` in `e` pins the `.*` to nothing.
    let mut out = String::from(r"\A(?s:.)*(?:");
    prefixes_of_alternation(alternation, &mut out);
    out.push_str("|(?:");
    render_alternation(alternation, &mut out);
    out.push_str(r")(?s:.)*)\z");
    Some(out)
}

fn prefixes_of_alternation(alternation: &Alternation, out: &mut String) {
    for (i, sequence) in alternation.iter().enumerate() {
        if i > 0 {
            out.push('|');
        }
        prefixes(sequence, out);
    }
}

fn prefixes(nodes: &[Node], out: &mut String) {
    let Some((first, rest)) = nodes.split_first() else {
        return;
    };
    match first {
        Node::Group(inner) => {
            out.push_str("(?:");
            prefixes_of_alternation(inner, out);
            out.push('|');
            render(first, out);
            prefixes(rest, out);
            out.push(')');
        }
        Node::Repeat(sub, RepeatOp::Star | RepeatOp::Counted(..)) => {
            out.push_str("(?:");
            render(sub, out);
            out.push_str(")*(?:");
            prefixes(std::slice::from_ref(sub), out);
            out.push('|');
            prefixes(rest, out);
            out.push(')');
        }
        Node::Repeat(sub, RepeatOp::Plus) => {
            out.push_str("(?:");
            prefixes(std::slice::from_ref(sub), out);
            out.push('|');
            render(first, out);
            out.push_str("(?:");
            prefixes(std::slice::from_ref(sub), out);
            out.push('|');
            prefixes(rest, out);
            out.push_str("))");
        }
        Node::Repeat(sub, RepeatOp::Quest) => {
            out.push_str("(?:");
            prefixes(std::slice::from_ref(sub), out);
            out.push('|');
            render(first, out);
            prefixes(rest, out);
            out.push(')');
        }
        // Cutting the string before `\A` leaves a prefix only at the very start, where `\A`
        // holds anyway.
        Node::BeginText => {
            render(first, out);
            prefixes(rest, out);
        }
        _ => {
            out.push_str("(?:");
            render(first, out);
            prefixes(rest, out);
            out.push_str(")?");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(go: &str) -> regex::bytes::Regex {
        let nodes = parse(go).unwrap_or_else(|e| panic!("parse {go:?}: {e}"));
        let rust = to_rust(&nodes);
        regex::bytes::Regex::new(&rust).unwrap_or_else(|e| panic!("compile {rust:?}: {e}"))
    }

    fn is_match(go: &str, text: &str) -> bool {
        compile(go).is_match(text.as_bytes())
    }

    #[test]
    fn brackets_follow_go() {
        // `[[^/]*]` is the class {`[`, `^`, `/`}, then `*`, then a literal `]`.
        let re = "^[[^/]*]$";
        assert!(is_match(re, "]"));
        assert!(is_match(re, "[^/]"));
        assert!(is_match(re, "//]"));
        assert!(!is_match(re, "a]"));
        assert!(!is_match(re, "*"));
        // `[(.*/)?]` is one character out of `(.*/)?`.
        assert!(is_match("^[(.*/)?]$", "?"));
        assert!(is_match("^[(.*/)?]$", "/"));
        assert!(!is_match("^[(.*/)?]$", "ab"));
        // `&&`, `--`, `~~` are plain characters for Go.
        assert!(is_match("^[a&&b]$", "&"));
        assert!(is_match("^[a-c--b]$", "-"));
        assert!(is_match("^[a-c--b]$", "0"));
        assert!(parse("^[a--b]$").is_err());
        assert!(is_match("^[~~]$", "~"));
        // `!` does not negate; `^` does.
        assert!(is_match("^[!a]$", "!"));
        assert!(!is_match("^[!a]$", "b"));
        assert!(is_match("^[^a]$", "b"));
        assert!(is_match("^[^a]$", "\n"));
        // `]` first is literal; `-` at the end is literal.
        assert!(is_match("^[]a]$", "]"));
        assert!(is_match("^[a-]$", "-"));
        assert!(is_match("^[a-b-c]$", "-"));
        assert!(is_match("^[[:alpha:]]$", "q"));
        assert!(is_match("^[[:^alpha:]]$", "1"));
        assert!(!is_match("^[[:alpha:]]$", "é"));
        assert!(is_match(r"^[\pL]$", "é"));
        assert!(!is_match(r"^[^\pL\PL]x$", "x"));
    }

    #[test]
    fn escapes_follow_go() {
        assert!(is_match(r"^\d$", "7"));
        assert!(!is_match(r"^\d$", "٣"));
        assert!(is_match(r"^\w$", "_"));
        assert!(!is_match(r"^\w$", "é"));
        assert!(is_match(r"^\a$", "\x07"));
        assert!(is_match(r"^\x41$", "A"));
        assert!(is_match(r"^\101$", "A"));
        assert!(is_match(r"^\0$", "\0"));
        assert!(is_match(r"^a\Q*.$\Eb$", "a*.$b"));
        assert!(is_match(r"^a\Q[^/]*$", "a[^/]*$"));
        assert!(!is_match(r"^a\bb$", "a b"));
        assert!(is_match(r"^a\b\.$", "a."));
        assert!(is_match(r"^\pL$", "ж"));
        assert!(is_match(r"^\pl$", "ж"));
        assert!(is_match(r"^\PN$", "x"));
        assert!(!is_match("^a^b$", "a^b"));
        assert!(is_match(r"^\_$", "_"));
    }

    #[test]
    fn errors_follow_go() {
        for bad in [
            r"\y",
            r"\1",
            r"\8",
            r"\é",
            r"\C",
            r"\E",
            r"\x",
            r"\x4",
            r"\xg1",
            r"[z-a]",
            "[a",
            r"[a-\d]",
            r"\p",
            r"\p^",
            r"\pX",
            r"[[:foo:]]",
            r"[[:a]:]",
            "**",
            "*",
            "(a",
            "a)",
            r"\",
            "a{1001}",
            "a{2,1}",
            "a{2}{3}",
            "a*{2}",
            "{2}",
            "a|*",
            "a{100000000}",
            r"\p{Nope}",
            r"\p{Greek",
            r"\p{}",
            r"\p{sc=Greek}",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
        for good in [
            r"\p{Greek}",
            r"\P{^Lu}",
            r"[\p{Han}x]",
            r"\p{letter}",
            r"\p{Any}",
            r"[\d-z]",
            "[[:a]",
            "[[]",
            r"[\[]",
            "^*",
            "[a-a]",
            r"\pZ",
            r"[\pC]",
            "a{",
            "{1",
            "a{,2}",
            "a{01}",
            "a|",
            "|",
            "a{1000}",
            "^{2}",
        ] {
            assert!(parse(good).is_ok(), "{good:?} should be accepted");
        }
    }

    #[test]
    fn alternation_and_counted_repetition() {
        // What moby makes of `a|b*` and `x{2}*`: Go's `|` and `{n}`.
        assert!(is_match("^a|b[^/]*$", "abc/d"));
        assert!(is_match("^a|b[^/]*$", "x/bcd"));
        assert!(!is_match("^a|b[^/]*$", "x/b/c"));
        assert!(is_match("^x{2}[^/]*$", "xxyz"));
        assert!(!is_match("^x{2}[^/]*$", "xyz"));
        assert!(is_match("^x{2,}$", "xxxx"));
        assert!(is_match("^x{1,2}y$", "xxy"));
        assert!(!is_match("^x{1,2}y$", "xxxy"));
        // Not a repetition: literal braces.
        assert!(is_match(r"^[^/]*\.{js,ts}$", "a.{js,ts}"));
        assert!(is_match("^a{,2}$", "a{,2}"));
        assert!(is_match("^a{01}$", "a{01}"));
        // `\p{Name}` comes through too.
        assert!(is_match(r"^\p{Greek}+$", "αβγ"));
        assert!(!is_match(r"^\p{Greek}+$", "abc"));
        assert!(is_match(r"^\p{^Greek}+$", "abc"));
        assert!(is_match(r"^\p{Lu}$", "Ж"));
        assert!(is_match(r"^\P{Any}|x$", "x"));
    }

    #[test]
    fn prefixes_expression() {
        let prefixes_of = |go: &str| {
            let nodes = parse(go).unwrap();
            regex::bytes::Regex::new(&to_rust_prefixes(&nodes).unwrap()).unwrap()
        };
        let re = prefixes_of(r"^src/[^/]*\.c$");
        assert!(re.is_match(b"src/"));
        assert!(re.is_match(b"src/x"));
        assert!(re.is_match(b"sr"));
        assert!(!re.is_match(b"src/x/"));
        assert!(!re.is_match(b"lib/"));
        let re = prefixes_of(r"^(.*/)?keep$");
        assert!(re.is_match(b"a/b/c/"));
        let re = prefixes_of("^a|b[^/]*$");
        assert!(re.is_match(b"anything/"));
        assert!(re.is_match(b"x/y/"));
        let re = prefixes_of(r"^a(.*/)?b$");
        assert!(re.is_match(b"a/x/"));
        assert!(!re.is_match(b"c/"));
    }

    #[test]
    fn repeats_over_bytes_match_what_repeats_over_characters_match() {
        // The expressions of ignore patterns (what Docker makes of `*`, `**`, `?`, classes),
        // and some written as Go expressions, over every short text of an alphabet with
        // multi-byte characters, `/` and a line break.
        let mut expressions: Vec<String> = [
            "*",
            "**",
            "*.log",
            "**/*.log",
            ".env.*",
            "**/*.py[cod]",
            "a*b",
            "*/*",
            "**/x",
            "x/**/y",
            "?",
            "??",
            "*?",
            "?*é",
            "é*",
            "[^a]*",
            "[!é]*",
            "[a-z]*",
            "*[é]",
            "a**",
            "**a",
            "*/",
            "\\**",
            "[*]*",
        ]
        .iter()
        .filter_map(|pattern| match super::super::glob::translate(pattern) {
            super::super::glob::Translation::Regex(go) => Some(go),
            _ => None,
        })
        .collect();
        expressions.extend(
            [
                "^.*$",
                "^.+é$",
                "^[^/]+/[^é]*$",
                "^(a|[^/]*)b$",
                "^(x[^/]*)*$",
                "^[^/a]*a$",
                "^.*\n$",
                r"^[^\x{80}]*$",
                "^[^/]{2}$",
            ]
            .map(str::to_owned),
        );
        let alphabet = ["a", "b", "/", "é", "中", "\n", ".", "x"];
        let texts = crate::paths::tests::every_string(&alphabet, "", 4);
        let mut bytes_used = 0;
        for go in &expressions {
            let nodes = parse(go).unwrap_or_else(|e| panic!("parse {go:?}: {e}"));
            let mut chars = String::new();
            render_alternation_with(&nodes, &mut chars, Repeats::Chars);
            let bytes = to_rust(&nodes);
            bytes_used += usize::from(bytes.contains("(?-u:"));
            let chars = regex::bytes::Regex::new(&chars).unwrap();
            let bytes = regex::bytes::Regex::new(&bytes).unwrap();
            for text in &texts {
                assert_eq!(
                    bytes.is_match(text.as_bytes()),
                    chars.is_match(text.as_bytes()),
                    "{go:?} on {text:?}"
                );
            }
        }
        assert!(
            bytes_used > 20,
            "{bytes_used} expressions repeat over bytes"
        );
        // Next to a word boundary, characters stay characters.
        let nodes = parse(r"^[^/]*\B[^/]*$").unwrap();
        assert!(!to_rust(&nodes).contains("(?-u:["));
    }
}
