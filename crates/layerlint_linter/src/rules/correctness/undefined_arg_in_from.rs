use layerlint_syntax::semantic::VarSource;
use layerlint_syntax::{Body, InstructionKind, Word};

use super::variables::{from_image, reference_range, suggest};
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a variable in a `FROM` line — the image or `--platform` — that no global
    /// `ARG` (one before the first `FROM`) declares and that is not one of BuildKit's
    /// automatic platform ARGs. The message suggests the closest declared name.
    ///
    /// ## Why is this bad?
    /// `FROM` sees only global ARGs. Anything else expands to an empty string:
    /// `FROM node:${NODE_VERSON}` pulls `node:` (an error) and
    /// `FROM --platform=$BULIDPLATFORM golang` fails with an empty platform — or, worse,
    /// `FROM myimage${SUFFIX}` quietly pulls another image.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// ARG NODE_VERSION=20
    /// FROM node:${NODE_VERSON}-alpine
    /// ```
    ///
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG VARIANT=slim
    /// FROM python:3.12-${VARIANT}
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// ARG NODE_VERSION=20
    /// FROM node:${NODE_VERSION}-alpine
    /// ```
    ///
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    /// ```
    ///
    /// ## Fix safety
    /// No fix: declaring the ARG or correcting the name is the author's choice.
    pub(crate) struct UndefinedArgInFrom {
        code: "LL110",
        name: "undefined-arg-in-from",
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "a `FROM` line uses a variable that no global `ARG` declares",
        equivalents: [BuildKit("UndefinedArgInFrom")],
    }
}

impl Check for UndefinedArgInFrom {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::From]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let Body::From(from) = &node.instruction.body else {
            return;
        };
        if let Some(image) = from.image()
            && image.text.contains('$')
            && let Some(expanded) = from_image(cx, node.stage, image)
        {
            report_undeclared(cx, image, &expanded.unmatched);
        }
        if let Some(platform) = node
            .instruction
            .flag("platform")
            .and_then(|f| f.value.as_ref())
        {
            check_word(cx, platform);
        }
    }
}

fn check_word(cx: &mut Context<'_>, word: &Word) {
    if !word.text.contains('$') {
        return;
    }
    let Ok(expansion) = cx
        .semantic
        .global_scope
        .expand(&word.text, cx.file.escape())
    else {
        return;
    };
    report_undeclared(cx, word, &expansion.unmatched);
}

/// Reports the variables of `word` without a value (`unmatched`, from its expansion with
/// the global ARGs) that no global ARG declares.
fn report_undeclared(cx: &mut Context<'_>, word: &Word, unmatched: &[String]) {
    let globals = &cx.semantic.global_scope;
    let escape = cx.file.escape();
    let mut undeclared = unmatched
        .iter()
        .filter(|n| !globals.is_declared(n))
        .peekable();
    if undeclared.peek().is_none() {
        return;
    }
    // Global ARGs in the order they are declared, then the platform ARGs.
    let mut options: Vec<(usize, &str)> = globals
        .names()
        .filter_map(|name| {
            let order = match globals.get_var(name)?.source {
                VarSource::Arg(i) => i,
                VarSource::Platform | VarSource::Env(_) => usize::MAX,
            };
            Some((order, name))
        })
        .collect();
    options.sort_unstable();
    let mut messages = Vec::new();
    for name in undeclared {
        let mut message = format!("`${name}` in FROM is not declared by a global ARG");
        if let Some(near) = suggest(name, options.iter().map(|(_, n)| *n)) {
            message.push_str(&format!(" (did you mean `${near}`?)"));
        }
        messages.push((
            reference_range(cx.source(), word.range, name, escape),
            message,
        ));
    }
    for (range, message) in messages {
        cx.report(range, message)
            .note("FROM sees only the ARGs declared before the first FROM");
    }
}
