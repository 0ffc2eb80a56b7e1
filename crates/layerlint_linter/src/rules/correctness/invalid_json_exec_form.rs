use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::{CommandLine, InstructionKind, go_quote};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports an exec-form command (`CMD`, `ENTRYPOINT`, `RUN`, `SHELL`,
    /// `HEALTHCHECK CMD`) that is not valid JSON: a trailing comma, single quotes, a missing
    /// `]`.
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
    /// the instruction was written to do; as it stands it cannot work.
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
        let Some(items) = loose_array(text) else {
            return;
        };
        let strings: Vec<String> = items.iter().map(|s| go_quote(s)).collect();
        let replacement = format!("[{}]", strings.join(", "));
        let keyword = node.instruction.kind.as_str();
        cx.report(
            shell.range,
            format!("{keyword} array is not valid JSON, so it runs as a shell command"),
        )
        .fix(Fix::safe(
            "Write the array as valid JSON",
            vec![Edit::replace(shell.range, replacement)],
        ));
    }
}

/// Reads `[ "a", 'b', ]`-like text written as an exec form: strings in double or single
/// quotes, separated by commas, with an optional trailing comma and an optional missing
/// `]`. `None` when the text is not that (e.g. the shell test `[ -f x ]`).
fn loose_array(text: &str) -> Option<Vec<String>> {
    let mut rest = text.trim().strip_prefix('[')?.trim_start();
    let mut items = Vec::new();
    let mut closed = false;
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
        let (value, after) = quoted(rest, quote)?;
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
    (looks_like_list && !items.is_empty()).then_some(items)
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

    #[test]
    fn loose_arrays() {
        assert_eq!(
            loose_array(r#"["node", "dist/index.js", ]"#).unwrap(),
            ["node", "dist/index.js"]
        );
        assert_eq!(loose_array("['echo', 'a b']").unwrap(), ["echo", "a b"]);
        assert_eq!(loose_array(r#"["a", "b""#).unwrap(), ["a", "b"]);
        assert_eq!(loose_array(r#"["a\"b", 'c']"#).unwrap(), ["a\"b", "c"]);
        assert_eq!(loose_array("[ -f /x ] && echo"), None);
        assert_eq!(loose_array(r#"[ "$A" = "b" ]"#), None);
        assert_eq!(loose_array(r#"[ "$A" ]"#), None);
        assert_eq!(loose_array(r#"["a"] && b"#), None);
        assert_eq!(loose_array("[]"), None);
    }
}
