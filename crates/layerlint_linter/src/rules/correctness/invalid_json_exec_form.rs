use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::{Body, CommandLine, InstructionKind, Paths, json_escape};
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports an exec-form command (`CMD`, `ENTRYPOINT`, `RUN`, `SHELL`,
    /// `HEALTHCHECK CMD`) that is not valid JSON: a trailing comma, single quotes, a missing
    /// `]`, a string whose closing quote is missing (`CMD ["npm", "start]`). Likewise the
    /// JSON form of `COPY` and `ADD` paths (`COPY ["my file", "/app/", ]`).
    ///
    /// ## Why is this bad?
    /// BuildKit does not reject it: text that is not a JSON array silently becomes a shell
    /// command. `CMD ["node", "dist/index.js", ]` runs
    /// `/bin/sh -c '["node", "dist/index.js", ]'`, which fails at start-up with
    /// `["node",: not found` — after a build that reported success. In `COPY` and `ADD`,
    /// each word becomes a path: `["my` and `file",` are the sources, `]` the destination.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// CMD ["node", "dist/index.js", ]
    /// ```
    ///
    /// ```dockerfile
    /// FROM node:20
    /// ENTRYPOINT ['node', 'server.js']
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20
    /// CMD ["node", "dist/index.js"]
    /// ```
    ///
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN [ -f /etc/alpine-release ] && echo alpine
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix writes the array as valid JSON with the same strings, which is what
    /// the instruction was written to do; as it stands it cannot work. Unsafe when the
    /// last string has no closing quote: the fix ends it before the final `]`
    /// (`"start]` → `"start"]`), a guess at what was meant. No fix when a double-quoted
    /// string has a backslash that starts no JSON escape (`"C:\dir"`, `"\v"`): whether it
    /// was meant as a backslash or as an escape is unknown.
    pub(crate) struct InvalidJsonExecForm {
        code: "LL101",
        name: "invalid-json-exec-form",
        category: Correctness,
        severity: Error,
        fix: Sometimes,
        summary: "an exec-form array that is not valid JSON runs as a shell command",
    }
}

impl Check for InvalidJsonExecForm {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[
        InstructionKind::Cmd,
        InstructionKind::Entrypoint,
        InstructionKind::Run,
        InstructionKind::Shell,
        InstructionKind::Healthcheck,
        InstructionKind::Copy,
        InstructionKind::Add,
    ])
    .and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let (range, text, taken_as) = match &node.instruction.body {
            Body::Copy(paths) | Body::Add(paths) => {
                let Some((range, text)) = shell_form_paths(cx, paths) else {
                    return;
                };
                (range, text, "each of its words is taken as a path")
            }
            _ => {
                let Some(CommandLine::Shell(shell)) = node.instruction.command() else {
                    return;
                };
                (shell.range, shell.as_str(), "it runs as a shell command")
            }
        };
        let Some(array) = loose_array(text) else {
            return;
        };
        let keyword = node.instruction.kind.as_str();
        let fix = (!array.unknown_escape).then(|| {
            let strings: Vec<String> = array
                .items
                .iter()
                .map(|s| serde_json::to_string(s).unwrap_or_default())
                .collect();
            let replacement = format!("[{}]", strings.join(", "));
            let edits = vec![Edit::replace(range, replacement)];
            if array.unterminated {
                Fix::unsafe_edits("Write the array as valid JSON", edits)
            } else {
                Fix::safe("Write the array as valid JSON", edits)
            }
        });
        let note = if array.unknown_escape {
            Some(
                "a string has a `\\` that starts no JSON escape (`\\v`, `\\x41`, `\\d`): write the array by hand",
            )
        } else if array.unterminated {
            Some("the last string has no closing quote")
        } else {
            None
        };
        let report = cx
            .report(
                range,
                format!("{keyword} array is not valid JSON, so {taken_as}"),
            )
            .maybe_fix(fix);
        if let Some(note) = note {
            report.note(note);
        }
    }
}

/// The text of COPY or ADD paths not written as valid JSON that may be a broken array (it
/// starts with `[`, as [`loose_array`] requires), on one line (on continuation lines the
/// words' text is not the source's). The `[` is tested first: most paths are plain words,
/// and a search of the whole text for a line break cost more than the rest of the rule.
fn shell_form_paths<'a>(cx: &Context<'a>, paths: &Paths) -> Option<(TextRange, &'a str)> {
    let (first, last) = (paths.words.first()?, paths.words.last()?);
    if paths.json {
        return None;
    }
    let range = first.range.cover(last.range);
    let text = cx.text(range);
    (text.trim_start().starts_with('[') && !text.contains(['\n', '\r'])).then_some((range, text))
}

/// Whether COPY or ADD paths are an array this rule reports (`COPY ["a b", "/d/", ]`):
/// their words, taken as paths, are not what the author wrote.
pub(crate) fn is_broken_paths_array(cx: &Context<'_>, paths: &Paths) -> bool {
    shell_form_paths(cx, paths).is_some_and(|(_, text)| loose_array(text).is_some())
}

/// The strings of a loosely written array.
#[derive(Debug, PartialEq, Eq)]
struct LooseArray {
    items: Vec<String>,
    /// The last string has no closing quote (it is taken to end before a final `]`).
    unterminated: bool,
    /// A double-quoted string has a backslash that starts no JSON escape (`\v`, `\x41`,
    /// `C:\dir`, a lone surrogate): what it meant is unknown.
    unknown_escape: bool,
}

/// Reads `[ "a", 'b', ]`-like text written as an exec form: strings in double or single
/// quotes, separated by commas, with an optional trailing comma, an optional missing
/// `]` and an optional missing closing quote of the last string. `None` when the text is
/// not that (e.g. the shell test `[ -f x ]`).
fn loose_array(text: &str) -> Option<LooseArray> {
    let mut rest = text.trim().strip_prefix('[')?.trim_start();
    let mut items = Vec::new();
    let mut closed = false;
    let mut unterminated = false;
    let mut unknown_escape = false;
    loop {
        if let Some(after) = rest.strip_prefix(']') {
            if !after.trim().is_empty() {
                return None;
            }
            closed = true;
            break;
        }
        if rest.is_empty() {
            break;
        }
        let quote = rest.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let Some((value, after, unknown)) = quoted(rest, quote) else {
            // No closing quote: the string runs to the end, or to a final `]`.
            let body = rest[1..].trim_end();
            let (value, bracket) = match body.strip_suffix(']') {
                Some(value) => (value, true),
                None => (body, false),
            };
            if value.contains(quote) || value.is_empty() {
                return None;
            }
            let (value, unknown) = unescape(value, quote);
            unknown_escape |= unknown;
            items.push(value);
            closed = bracket;
            unterminated = true;
            break;
        };
        unknown_escape |= unknown;
        items.push(value);
        rest = after.trim_start();
        if let Some(after_comma) = rest.strip_prefix(',') {
            rest = after_comma.trim_start();
        } else if !rest.starts_with(']') && !rest.is_empty() {
            return None;
        }
    }
    // A shell test like `[ "$A" ]` has no commas; only flag arrays that look like lists
    // or that are broken in a JSON way.
    let looks_like_list = text.contains(',') || text.contains('\'') || !closed;
    (looks_like_list && !items.is_empty()).then_some(LooseArray {
        items,
        unterminated,
        unknown_escape,
    })
}

/// A quoted string at the start of `text`: its value, the text after it, and whether it
/// has a backslash that starts no JSON escape.
fn quoted(text: &str, quote: char) -> Option<(String, &str, bool)> {
    let body = &text[1..];
    let mut escaped = false;
    for (i, ch) in body.char_indices() {
        if escaped {
            escaped = false;
        } else if ch == '\\' && quote == '"' {
            escaped = true;
        } else if ch == quote {
            let (value, unknown) = unescape(&body[..i], quote);
            return Some((value, &body[i + 1..], unknown));
        }
    }
    None
}

/// The value of a string written between `quote`s: JSON's escapes in double quotes, none
/// in single quotes; and whether a backslash starts no JSON escape (`\v`, `\x41`, `\d`,
/// a lone surrogate).
fn unescape(raw: &str, quote: char) -> (String, bool) {
    if quote != '"' {
        return (raw.to_owned(), false);
    }
    let mut value = String::with_capacity(raw.len());
    let mut unknown = false;
    let mut rest = raw;
    while let Some(at) = rest.find('\\') {
        value.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match json_escape(after) {
            Some((code, len)) => {
                match char::from_u32(code) {
                    Some(ch) => value.push(ch),
                    None => unknown = true,
                }
                rest = &after[len..];
            }
            None => {
                unknown = true;
                let mut chars = after.chars();
                chars.next();
                rest = chars.as_str();
            }
        }
    }
    value.push_str(rest);
    (value, unknown)
}

#[cfg(test)]
mod tests {
    use super::loose_array;

    fn items(text: &str) -> Vec<String> {
        loose_array(text).unwrap().items
    }

    #[test]
    fn loose_arrays() {
        assert_eq!(
            items(r#"["node", "dist/index.js", ]"#),
            ["node", "dist/index.js"]
        );
        assert_eq!(items("['echo', 'a b']"), ["echo", "a b"]);
        assert_eq!(items(r#"["a", "b""#), ["a", "b"]);
        assert_eq!(items(r#"["a\"b", 'c']"#), ["a\"b", "c"]);
        let unterminated = loose_array(r#"["npm", "run", "start]"#).unwrap();
        assert_eq!(unterminated.items, ["npm", "run", "start"]);
        assert!(unterminated.unterminated);
        assert_eq!(items(r#"["npm", "start"#), ["npm", "start"]);
        assert_eq!(loose_array(r#"[ "$A ]"#), None);
        assert_eq!(loose_array("[ -f /x ] && echo"), None);
        assert_eq!(loose_array(r#"[ "$A" = "b" ]"#), None);
        assert_eq!(loose_array(r#"[ "$A" ]"#), None);
        assert_eq!(loose_array(r#"["a"] && b"#), None);
        assert_eq!(loose_array("[]"), None);
    }

    #[test]
    fn json_escapes() {
        assert_eq!(
            items(r#"["a\u0041\/\b\f\ud83d\ude00", ]"#),
            ["aA/\u{8}\u{c}😀"]
        );
        // In the unterminated last string too.
        assert_eq!(items(r#"["a", "b\tc]"#), ["a", "b\tc"]);
        for unknown in [
            r#"["C:\dir", ]"#,
            r#"["\v", ]"#,
            r#"["\x41", ]"#,
            r#"["\u00g1", ]"#,
            r#"["\ud800", ]"#,
            r#"["\ude00", ]"#,
            r#"["\ud83d\u0041", ]"#,
            r#"["a", "b\]"#,
        ] {
            assert!(loose_array(unknown).unwrap().unknown_escape, "{unknown}");
        }
        assert!(!loose_array(r#"['C:\dir', ]"#).unwrap().unknown_escape);
    }

    /// The fixed array is JSON that BuildKit reads back as the same strings: no Go escapes
    /// (`\v`, `\x01`, `\U000f0000`) for characters JSON writes otherwise.
    #[test]
    fn fixed_arrays_read_back() {
        let source = "FROM alpine\nRUN [\"a\u{b}\u{1}\u{7f}\u{f0000}\\\"\", 'b\\c', ]\n";
        let outcome = crate::fix::fix_file(
            source,
            &crate::Target::default(),
            &crate::Settings::default(),
            crate::Applicability::Safe,
        );
        let parsed = layerlint_syntax::parse(&outcome.source);
        let run = &parsed.file.instructions()[1];
        let Some(layerlint_syntax::CommandLine::Exec(exec)) = run.command() else {
            panic!("not an exec form: {}", outcome.source);
        };
        let words: Vec<&str> = exec.args.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(words, ["a\u{b}\u{1}\u{7f}\u{f0000}\"", "b\\c"]);
    }
}
