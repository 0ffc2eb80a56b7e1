use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::{Body, InstructionKind};
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `ENV key value` and `LABEL key value`, the legacy form without `=`.
    ///
    /// ## Why is this bad?
    /// In the legacy form everything after the key is one value, spaces included:
    /// `ENV PATH /app/bin PYTHONUNBUFFERED 1` sets `PATH` to
    /// `/app/bin PYTHONUNBUFFERED 1`, not two variables. The `key=value` form says where
    /// each value ends, allows several pairs per instruction, and is the only one
    /// BuildKit documents.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PYTHONUNBUFFERED 1
    /// ```
    ///
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// LABEL maintainer Jane Doe
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
    /// LABEL maintainer="Jane Doe"
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix writes `key="value"` with a value that BuildKit reads back to exactly
    /// the legacy value — spaces kept, quotes and escapes resolved the same way, variables
    /// still expanded. It is not offered when the value has an unterminated quote (which
    /// BuildKit rejects anyway).
    pub(crate) struct LegacyKeyValueFormat {
        code: "LL602",
        name: "legacy-key-value-format",
        category: Style,
        severity: Info,
        fix: Sometimes,
        summary: "`ENV key value` or `LABEL key value`: the legacy form without `=`",
        equivalents: [BuildKit("LegacyKeyValueFormat")],
    }
}

impl Check for LegacyKeyValueFormat {
    type State = ();
    const WANTS: Wants =
        Wants::kinds(&[InstructionKind::Env, InstructionKind::Label]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        // The message names the keyword, written out (one of the most reported rules: not
        // formatted anew for every pair).
        let (pairs, message) = match &node.instruction.body {
            Body::Env(pairs) => (pairs, "legacy `ENV key value` form: write `ENV key=value`"),
            Body::Label(pairs) => (
                pairs,
                "legacy `LABEL key value` form: write `LABEL key=value`",
            ),
            _ => return,
        };
        for pair in pairs.iter().filter(|p| p.legacy) {
            let fix = single_word(&pair.value.text, cx.file.escape()).map(|value| {
                let range = TextRange::new(pair.key.range.end(), pair.range.end());
                Fix::safe(
                    // Joined, not formatted: the rule reports more than any other.
                    ["Write `", pair.key.text.as_str(), "=…`"].concat(),
                    vec![Edit::replace(range, ["=", value.as_str()].concat())],
                )
            });
            cx.report(pair.range, message).maybe_fix(fix);
        }
    }
}

/// The legacy value `raw` (the rest of the line) as one double-quoted word that BuildKit's
/// word processing turns into the same string; `None` when a quote is not closed.
pub(crate) fn single_word(raw: &str, escape: char) -> Option<String> {
    let special = |c: char| c == '"' || c == '$' || c == escape;
    let mut out = String::with_capacity(raw.len() + 2);
    out.push('"');
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == escape {
            // Outside quotes the escape makes the next character literal; at the end of
            // the word it is dropped.
            if let Some(next) = chars.next() {
                if special(next) {
                    out.push(escape);
                }
                out.push(next);
            }
        } else if c == '\'' {
            loop {
                match chars.next()? {
                    '\'' => break,
                    inner => {
                        if special(inner) {
                            out.push(escape);
                        }
                        out.push(inner);
                    }
                }
            }
        } else if c == '"' {
            // Already double-quoted: the same rules apply inside ours.
            loop {
                match chars.next()? {
                    '"' => break,
                    inner if inner == escape => {
                        out.push(inner);
                        if let Some(next) = chars.next() {
                            out.push(next);
                        }
                    }
                    inner => out.push(inner),
                }
            }
        } else {
            // `$` keeps expanding inside double quotes; everything else is literal.
            out.push(c);
        }
    }
    out.push('"');
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use layerlint_syntax::expand::Lex;

    use super::single_word;

    /// BuildKit's reading of the legacy value and of the rewritten one agree.
    #[test]
    fn same_value() {
        let env: HashMap<String, String> =
            [("X".to_owned(), "x v".to_owned())].into_iter().collect();
        for (raw, escape) in [
            ("1", '\\'),
            ("hello world", '\\'),
            ("\"hello world\" $X", '\\'),
            ("'single $X \"q\"' and \\$X \\\\ \\a", '\\'),
            ("a\\ b\\\"c", '\\'),
            ("${X:-\"d e\"} ${Y:-'$X'}", '\\'),
            ("\"in \\\"dq\\\" \\a $X\"", '\\'),
            ("C:\\path `$X ``", '`'),
            ("trailing\\", '\\'),
            ("  spaced   out ", '\\'),
        ] {
            let lex = Lex::new(escape);
            let want = lex.process_word(raw, &env).unwrap().result;
            let word = single_word(raw, escape).unwrap();
            let got = lex.process_word(&word, &env).unwrap().result;
            assert_eq!(got, want, "{raw} → {word}");
        }
        assert_eq!(single_word("'open", '\\'), None);
    }
}
