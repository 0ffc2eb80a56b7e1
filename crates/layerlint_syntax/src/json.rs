//! BuildKit's "maybe JSON": an exec-form argument list is a JSON array of strings.
//!
//! Go's `json.Unmarshal` into `[]any` decides: text that is not valid JSON falls back to
//! the shell form silently; a valid array with a non-string element is an error. This
//! reader gives the same verdicts and also the byte range of each string literal.

/// A string element: its decoded value and the literal's byte range (quotes included)
/// within the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonString {
    pub value: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JsonOutcome {
    /// A JSON array of strings; `end` is the offset just after `]`.
    Strings { items: Vec<JsonString>, end: usize },
    /// Valid JSON, but an element is not a string.
    NotStrings,
    /// Not a JSON array: BuildKit uses the shell form.
    NotJson,
}

/// Go's `encoding/json` nests at most this deep.
const MAX_DEPTH: usize = 10_000;

/// Reads `text` (already trimmed on the left by the caller, as BuildKit does) as a JSON
/// array of strings.
pub(crate) fn parse_array(text: &str) -> JsonOutcome {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'[') {
        return JsonOutcome::NotJson;
    }
    let mut reader = Reader {
        text,
        bytes,
        pos: 1,
    };
    // Room for the few strings of most exec forms without growing from empty.
    let mut items = Vec::with_capacity(4);
    let mut all_strings = true;
    reader.skip_ws();
    if reader.peek() == Some(b']') {
        reader.pos += 1;
    } else {
        loop {
            reader.skip_ws();
            if reader.peek() == Some(b'"') {
                let start = reader.pos;
                let Some(value) = reader.string() else {
                    return JsonOutcome::NotJson;
                };
                items.push(JsonString {
                    value,
                    start,
                    end: reader.pos,
                });
            } else {
                if !reader.value() {
                    return JsonOutcome::NotJson;
                }
                all_strings = false;
            }
            reader.skip_ws();
            match reader.peek() {
                Some(b',') => reader.pos += 1,
                Some(b']') => {
                    reader.pos += 1;
                    break;
                }
                _ => return JsonOutcome::NotJson,
            }
        }
    }
    let end = reader.pos;
    reader.skip_ws();
    if reader.pos != bytes.len() {
        return JsonOutcome::NotJson;
    }
    if !all_strings {
        return JsonOutcome::NotStrings;
    }
    JsonOutcome::Strings { items, end }
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

/// A JSON escape, read after its backslash: the code point it stands for and the bytes it
/// takes (`n` → U+000A in 1; `u00e9` → U+00E9 in 5; the surrogate pair `ud83d\ude00` →
/// U+1F600 in 11). A lone surrogate comes back as it is, which is no `char` (Go's decoder
/// reads it as U+FFFD). `None` when no JSON escape starts there (`v`, `x41`, `u00g1`).
pub fn json_escape(text: &str) -> Option<(u32, usize)> {
    let simple = match text.as_bytes().first()? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let first = hex4(&text[1..])?;
            // Past `u` and four ASCII digits: a character boundary.
            if (0xD800..0xDC00).contains(&first)
                && let Some(second) = text[5..].strip_prefix("\\u").and_then(hex4)
                && (0xDC00..0xE000).contains(&second)
            {
                return Some((0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00), 11));
            }
            return Some((first, 5));
        }
        _ => return None,
    };
    Some((u32::from(simple), 1))
}

/// Four hex digits at the start of `text`.
fn hex4(text: &str) -> Option<u32> {
    let digits = text.get(..4)?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn eat_literal(&mut self, literal: &[u8]) -> bool {
        if self.bytes[self.pos..].starts_with(literal) {
            self.pos += literal.len();
            true
        } else {
            false
        }
    }

    /// Reads a string literal starting at `"`; `None` when it is not valid JSON.
    fn string(&mut self) -> Option<String> {
        debug_assert_eq!(self.peek(), Some(b'"'));
        self.pos += 1;
        let mut out = String::new();
        let mut run_start = self.pos;
        loop {
            let byte = self.peek()?;
            match byte {
                b'"' => {
                    let run = self.slice(run_start, self.pos);
                    if out.is_empty() {
                        // No escapes (most strings): one allocation of the right size.
                        out = run.to_owned();
                    } else {
                        out.push_str(run);
                    }
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    out.push_str(self.slice(run_start, self.pos));
                    // After an ASCII backslash: a character boundary.
                    let (code, len) = json_escape(&self.text[self.pos + 1..])?;
                    // Lone surrogates become U+FFFD, as Go does.
                    out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                    self.pos += 1 + len;
                    run_start = self.pos;
                }
                0..=0x1f => return None,
                _ => self.pos += 1,
            }
        }
    }

    fn slice(&self, start: usize, end: usize) -> &str {
        // Both ends sit next to ASCII bytes of the input.
        self.text.get(start..end).unwrap_or_default()
    }

    fn number(&mut self) -> bool {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = self.peek() {
                    self.pos += 1;
                }
            }
            _ => return false,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return false;
            }
            while let Some(b'0'..=b'9') = self.peek() {
                self.pos += 1;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return false;
            }
            while let Some(b'0'..=b'9') = self.peek() {
                self.pos += 1;
            }
        }
        self.pos > start
    }

    /// Skips one JSON value of any kind (iteratively, so deep nesting cannot overflow the
    /// stack); `false` when it is not valid JSON.
    fn value(&mut self) -> bool {
        // Each entry: is this container an object (true) or an array (false)?
        let mut stack: Vec<bool> = Vec::new();
        loop {
            self.skip_ws();
            // Read one scalar or open a container.
            match self.peek() {
                Some(b'"') => {
                    if self.string().is_none() {
                        return false;
                    }
                }
                Some(b'{' | b'[') => {
                    let object = self.peek() == Some(b'{');
                    self.pos += 1;
                    stack.push(object);
                    if stack.len() > MAX_DEPTH {
                        return false;
                    }
                    self.skip_ws();
                    let close = if object { b'}' } else { b']' };
                    if self.peek() == Some(close) {
                        self.pos += 1;
                        stack.pop();
                    } else {
                        if object && !self.object_key() {
                            return false;
                        }
                        continue;
                    }
                }
                Some(b't') => {
                    if !self.eat_literal(b"true") {
                        return false;
                    }
                }
                Some(b'f') => {
                    if !self.eat_literal(b"false") {
                        return false;
                    }
                }
                Some(b'n') => {
                    if !self.eat_literal(b"null") {
                        return false;
                    }
                }
                Some(b'-' | b'0'..=b'9') => {
                    if !self.number() {
                        return false;
                    }
                }
                _ => return false,
            }
            // After a value: close containers or move to the next element.
            loop {
                let Some(&object) = stack.last() else {
                    return true;
                };
                self.skip_ws();
                let close = if object { b'}' } else { b']' };
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        if object && !self.object_key() {
                            return false;
                        }
                        break;
                    }
                    Some(byte) if byte == close => {
                        self.pos += 1;
                        stack.pop();
                    }
                    _ => return false,
                }
            }
        }
    }

    /// Inside an object: `"key" :`.
    fn object_key(&mut self) -> bool {
        self.skip_ws();
        if self.peek() != Some(b'"') || self.string().is_none() {
            return false;
        }
        self.skip_ws();
        if self.peek() != Some(b':') {
            return false;
        }
        self.pos += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(text: &str) -> Vec<String> {
        match parse_array(text) {
            JsonOutcome::Strings { items, .. } => items.into_iter().map(|i| i.value).collect(),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(json_escape("n rest"), Some((0x0A, 1)));
        assert_eq!(json_escape("u00e9x"), Some((0xE9, 5)));
        assert_eq!(json_escape("ud83d\\ude00"), Some((0x1F600, 11)));
        // Lone surrogates, high and low, are given back as they are.
        assert_eq!(json_escape("ud83d\\u0041"), Some((0xD83D, 5)));
        assert_eq!(json_escape("ude00"), Some((0xDE00, 5)));
        for none in ["v", "x41", "u00g1", "u12", "", "é"] {
            assert_eq!(json_escape(none), None, "{none}");
        }
    }

    #[test]
    fn verdicts() {
        assert_eq!(strings(r#"["a", "b c"]"#), ["a", "b c"]);
        assert_eq!(strings("[ ]"), Vec::<String>::new());
        assert_eq!(
            strings(r#"[ "\/usr\\\"/bin", "\u00e9\ud83d\ude00" ] "#),
            ["/usr\\\"/bin", "é😀"]
        );
        assert_eq!(strings(r#"["\ud800"]"#), ["\u{FFFD}"]);
        for invalid in [
            r#"["a", ]"#,
            "['a']",
            r#"["a""#,
            r#"["a"] x"#,
            "[",
            r#"["a\q"]"#,
            "[\"a\tb\"]",
            r#"[01]"#,
            r#"[1.]"#,
            r#"[{"a" 1}]"#,
            "[\u{b}\"a\"]",
        ] {
            assert_eq!(parse_array(invalid), JsonOutcome::NotJson, "{invalid}");
        }
        for not_strings in [
            "[1]",
            r#"["a", null]"#,
            r#"[["a"]]"#,
            r#"[{"a": [1, {"b": true}]}, "x"]"#,
            "[-0.5e+3]",
        ] {
            assert_eq!(
                parse_array(not_strings),
                JsonOutcome::NotStrings,
                "{not_strings}"
            );
        }
    }

    #[test]
    fn ranges_of_literals() {
        let text = r#"[ "node", "a\"b" ]"#;
        let JsonOutcome::Strings { items, end, .. } = parse_array(text) else {
            panic!()
        };
        assert_eq!(&text[items[0].start..items[0].end], r#""node""#);
        assert_eq!(&text[items[1].start..items[1].end], r#""a\"b""#);
        assert_eq!(end, text.len());
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("[{}{}]", "[".repeat(50_000), "]".repeat(50_000));
        assert_eq!(parse_array(&deep), JsonOutcome::NotJson);
        let ok = format!("[{}{}]", "[".repeat(5_000), "]".repeat(5_000));
        assert_eq!(parse_array(&ok), JsonOutcome::NotStrings);
    }
}
