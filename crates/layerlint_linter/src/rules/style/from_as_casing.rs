use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::{Body, InstructionKind};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports an `AS` keyword whose case does not match its `FROM`: `FROM node:20 as
    /// build` or `from node:20 AS build`. (A `FROM` in mixed case is
    /// `inconsistent-instruction-casing`'s to report.)
    ///
    /// ## Why is this bad?
    /// Both are keywords; written in different cases, `as` reads like part of the image
    /// name or an argument.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20 as build
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20 AS build
    /// ```
    ///
    /// ```dockerfile
    /// from node:20 as build
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix changes the case of `AS`, which BuildKit reads in any case.
    pub(crate) struct FromAsCasing {
        code: "LL605",
        name: "from-as-casing",
        category: Style,
        severity: Style,
        fix: Always,
        summary: "the `AS` keyword's case does not match `FROM`",
        equivalents: [BuildKit("FromAsCasing")],
    }
}

impl Check for FromAsCasing {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::From]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let Body::From(from) = &node.instruction.body else {
            return;
        };
        let Some(as_keyword) = from.as_keyword() else {
            return;
        };
        let keyword = cx.text(node.instruction.keyword);
        let wanted = if keyword == keyword.to_ascii_lowercase() {
            "as"
        } else if keyword == keyword.to_ascii_uppercase() {
            "AS"
        } else {
            return;
        };
        let written = cx.text(as_keyword.range);
        if written == wanted {
            return;
        }
        cx.report(
            as_keyword.range,
            format!("`{written}` does not match the case of `{keyword}`"),
        )
        .fix(Fix::safe(
            format!("Write `{wanted}`"),
            vec![Edit::replace(as_keyword.range, wanted)],
        ));
    }
}
