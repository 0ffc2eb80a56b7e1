//! Go's `strconv.Quote`, for messages and dumps that must read exactly like BuildKit's.

use std::fmt::Write;

/// Whether Go's `unicode.IsPrint` holds (approximated for format and private-use
/// characters; exact for everything a Dockerfile normally holds).
fn is_print(ch: char) -> bool {
    if ch == ' ' {
        return true;
    }
    if ch.is_control() || ch.is_whitespace() {
        return false;
    }
    !matches!(ch,
        '\u{ad}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}' | '\u{180e}'
        | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        | '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..='\u{10ffff}')
}

/// The escape C writes for a character it has a letter for, and for `"` and `\`
/// (`\n`, `\t`, `\"`, …): the escapes Go's `strconv.Quote` and git's quoted names
/// share.
pub fn c_escape(ch: char) -> Option<&'static str> {
    Some(match ch {
        '"' => "\\\"",
        '\\' => "\\\\",
        '\u{7}' => "\\a",
        '\u{8}' => "\\b",
        '\u{c}' => "\\f",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        '\u{b}' => "\\v",
        _ => return None,
    })
}

/// `text` in double quotes with Go's escapes.
pub fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        if let Some(escape) = c_escape(ch) {
            out.push_str(escape);
        } else if is_print(ch) {
            out.push(ch);
        } else if (ch as u32) < 0x20 || ch == '\u{7f}' {
            let _ = write!(out, "\\x{:02x}", ch as u32);
        } else if (ch as u32) < 0x10000 {
            let _ = write!(out, "\\u{:04x}", ch as u32);
        } else {
            let _ = write!(out, "\\U{:08x}", ch as u32);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::go_quote;

    #[test]
    fn like_go() {
        assert_eq!(go_quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(go_quote("tab\there\n"), r#""tab\there\n""#);
        assert_eq!(
            go_quote("\u{1}\u{7f}é\u{a0}\u{feff}😀"),
            "\"\\x01\\x7fé\\u00a0\\ufeff😀\""
        );
    }
}
