use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::semantic::Scope;
use layerlint_syntax::{Body, InstructionKind, KeyValue};
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports an `ENV` whose value uses a variable that the same `ENV` sets in an
    /// earlier pair: `ENV JAVA_HOME=/opt/jdk PATH=$JAVA_HOME/bin:$PATH`.
    ///
    /// A variable on its own right-hand side (`ENV PATH=/opt/bin:$PATH`) is fine: it
    /// means the value from before, as it should. So is a reference to a variable the
    /// same `ENV` sets *later* (it reads the old value either way). Unlike hadolint,
    /// the rule also reports a variable that had a value before the `ENV`: the
    /// reference then silently reads that old value.
    ///
    /// ## Why is this bad?
    /// BuildKit expands every value of one `ENV` with the variables from *before* the
    /// instruction, so `$JAVA_HOME` above is empty (or the base image's value, or an
    /// earlier `ENV`'s) — not `/opt/jdk`. The image gets a wrong `PATH` and nothing
    /// fails at build time.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// ENV JAVA_HOME=/opt/jdk \
    ///     PATH=$JAVA_HOME/bin:$PATH
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// ENV JAVA_HOME=/opt/jdk
    /// ENV PATH=$JAVA_HOME/bin:$PATH
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the fix splits the `ENV` before each pair that reads a variable set
    /// earlier in it, so the reference sees the new value — which is what such a file is
    /// nearly always written to mean, but it changes the image (the variable's value
    /// changes), so it is not applied without `--unsafe-fixes`. No fix is offered when
    /// a comment sits between the pairs, or for an `ONBUILD ENV`.
    pub(crate) struct EnvSelfReference {
        code: "LL127",
        name: "env-self-reference",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        summary: "an `ENV` value uses a variable set earlier in the same `ENV`",
        equivalents: [Hadolint("DL3044")],
    }
}

impl Check for EnvSelfReference {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Env]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let instruction = node.instruction;
        let Body::Env(pairs) = &instruction.body else {
            return;
        };
        if pairs.len() < 2 {
            return;
        }
        let escape = cx.file.escape();
        // Greedy groups: a new ENV starts at each pair that reads a key of its group.
        let mut group_start = 0;
        let mut splits: Vec<usize> = Vec::new();
        let mut first: Option<(usize, String)> = None;
        for (i, pair) in pairs.iter().enumerate() {
            let used = referenced(node.scope, pair, escape);
            let earlier = |from: usize| {
                used.iter()
                    .find(|name| {
                        pairs[from..i]
                            .iter()
                            .any(|p| p.key.text == **name && p.key.text != pair.key.text)
                    })
                    .cloned()
            };
            if first.is_none()
                && let Some(name) = earlier(0)
            {
                first = Some((i, name));
            }
            if earlier(group_start).is_some() {
                splits.push(i);
                group_start = i;
            }
        }
        let Some((at, name)) = first else { return };
        let pair = &pairs[at];
        let before = match node.scope.get_var(&name) {
            Some(var) => match &var.value {
                Some(value) if !value.is_empty() => format!("the value from before (`{value}`)"),
                _ => "the value from before: empty".to_owned(),
            },
            None => "the value from before: empty, unless the base image sets it".to_owned(),
        };
        let defined = pairs[..at]
            .iter()
            .rfind(|p| p.key.text == name)
            .map(|p| p.key.range);
        let fix = split_fix(cx, node, pairs, &splits);
        let mut report = cx
            .report(
                pair.value.range,
                format!(
                    "`{}` uses `${name}`, which this ENV sets before it; every value of one ENV is expanded first, so it reads {before}",
                    pair.key.text
                ),
            )
            .maybe_fix(fix);
        if let Some(range) = defined {
            report = report.related(range, format!("`{name}` set here"));
        }
        report.note("set the variable in its own ENV before the one that uses it");
    }
}

/// The variables a value reads (outside single quotes, as BuildKit expands it).
fn referenced(scope: &Scope, pair: &KeyValue, escape: char) -> Vec<String> {
    if !pair.value.text.contains('$') {
        return Vec::new();
    }
    match scope.expand(&pair.value.text, escape) {
        Ok(expansion) => expansion
            .matched
            .into_iter()
            .chain(expansion.unmatched)
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Splits the ENV before each pair in `splits`, when only whitespace and line
/// continuations separate it from the pair before.
fn split_fix(
    cx: &Context<'_>,
    node: &Node<'_>,
    pairs: &[KeyValue],
    splits: &[usize],
) -> Option<Fix> {
    if node.onbuild.is_some() || splits.is_empty() || pairs.iter().any(|p| p.legacy) {
        return None;
    }
    let keyword = cx.text(node.instruction.keyword);
    let escape = cx.file.escape();
    let mut edits = Vec::new();
    for &i in splits {
        let gap = TextRange::new(pairs[i - 1].range.end(), pairs[i].range.start());
        let text = cx.text(gap);
        if !text.chars().all(|c| c.is_whitespace() || c == escape) {
            return None;
        }
        edits.push(Edit::replace(gap, format!("{}{keyword} ", cx.newline())));
    }
    Some(Fix::unsafe_edits(
        "Split the ENV so each value sees the ones before",
        edits,
    ))
}
