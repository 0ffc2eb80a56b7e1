use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::{CommandLine, InstructionKind, go_quote};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports an exec-form command (`CMD`, `ENTRYPOINT`, `RUN`, `SHELL`,
    /// `HEALTHCHECK CMD`) that is not valid JSON: a trailing comma, single quotes, a missing
    /// `]`, a string whose closing quote is missing (`CMD ["npm", "start]`).
    ///
    /// ## Why is this bad?
    /// BuildKit does not reject it: text that is not a JSON array silently becomes a shell
    /// command. `CMD ["node", "dist/index.js", ]` runs
    /// `/bin/sh -c '["node", "dist/index.js", ]'`, which fails at start-up with
    /// `["node",: not found` — after a build that reported success.
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
    /// (`"start]` → `"start"]`), a guess at what was meant.
    pub(crate) struct InvalidJsonExecForm {
        code: "LL101",
        name: "invalid-json-exec-form",
        category: Correctness,
        severity: Error,
        fix: Always,
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
    ])
    .and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let Some(CommandLine::Shell(shell)) = node.instruction.command() else {
            return;
        };
        let text = shell.as_str();
        let Some(array) = loose_array(text) else {
            return;
        };
        let strings: Vec<String> = array.items.iter().map(|s| go_quote(s)).collect();
        let replacement = format!("[{}]", strings.join(", "));
        let keyword = node.instruction.kind.as_str();
        let edits = vec![Edit::replace(shell.range, replacement)];
        let fix = if array.unterminated {
            Fix::unsafe_edits("Write the array as valid JSON", edits)
        } else {
            Fix::safe("Write the array as valid JSON", edits)
        };
        let report = cx
            .report(
                shell.range,
                format!("{keyword} array is not valid JSON, so it runs as a shell command"),
            )
            .fix(fix);
        if array.unterminated {
            report.note("the last string has no closing quote");
        }
    }
}

/// The strings of a loosely written array.
#[derive(Debug, PartialEq, Eq)]
struct LooseArray {
    items: Vec<String>,
    /// The last string has no closing quote (it is taken to end before a final `]`).
    unterminated: bool,
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
        let Some((value, after)) = quoted(rest, quote) else {
            // No closing quote: the string runs to the end, or to a final `]`.
            let body = rest[1..].trim_end();
            let (value, bracket) = match body.strip_suffix(']') {
                Some(value) => (value, true),
                None => (body, false),
            };
            if value.contains(quote) || value.is_empty() {
                return None;
            }
            items.push(value.to_owned());
            closed = bracket;
            unterminated = true;
            break;
        };
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
    })
}

/// A quoted string at the start of `text`: its value and the text after it.
fn quoted(text: &str, quote: char) -> Option<(String, &str)> {
    let body = &text[1..];
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((i, ch)) = chars.next() {
        if ch == quote {
            return Some((value, &body[i + 1..]));
        }
        if ch == '\\' && quote == '"' {
            let (_, escaped) = chars.next()?;
            value.push(match escaped {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                other => other,
            });
            continue;
        }
        value.push(ch);
    }
    None
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
}
