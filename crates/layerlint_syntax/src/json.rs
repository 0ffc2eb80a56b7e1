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
    let mut reader = Reader { bytes, pos: 1 };
    let mut items = Vec::new();
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
    bytes: &'a [u8],
    pos: usize,
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
                    out.push_str(self.slice(run_start, self.pos));
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    out.push_str(self.slice(run_start, self.pos));
                    self.pos += 1;
                    let escaped = self.peek()?;
                    self.pos += 1;
                    match escaped {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return None,
                    }
                    run_start = self.pos;
                }
                0..=0x1f => return None,
                _ => self.pos += 1,
            }
        }
    }

    fn slice(&self, start: usize, end: usize) -> &str {
        // Both ends sit next to ASCII bytes of the (valid UTF-8) input.
        std::str::from_utf8(&self.bytes[start..end]).unwrap_or_default()
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.pos..self.pos + 4)?;
        let text = std::str::from_utf8(digits).ok()?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += 4;
        u32::from_str_radix(text, 16).ok()
    }

    /// After `\u`: a code point; surrogate pairs are joined and lone surrogates become
    /// U+FFFD, as Go does.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first) {
            let save = self.pos;
            if self.eat_literal(b"\\u")
                && let Some(second) = self.hex4()
                && (0xDC00..0xE000).contains(&second)
            {
                let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Some(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            self.pos = save;
            return Some('\u{FFFD}');
        }
        Some(char::from_u32(first).unwrap_or('\u{FFFD}'))
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
