use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::expand::Env;
use layerlint_syntax::semantic::VarSource;
use layerlint_syntax::{Body, InstructionKind};
use layerlint_text::{TextRange, TextSize};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`).
    ///
    /// ## Why is this bad?
    /// Building for the target platform is what `FROM` does without the flag, so it adds
    /// nothing but noise — and it suggests that the author meant something else, such as
    /// `--platform=$BUILDPLATFORM` for a stage that cross-compiles.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.20
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    /// ```
    ///
    /// ## Fix safety
    /// Safe: without the flag BuildKit pulls the base image for the target platform,
    /// which is the same platform.
    pub(crate) struct RedundantTargetPlatform {
        code: "LL112",
        name: "redundant-target-platform",
        category: Correctness,
        severity: Info,
        fix: Always,
        summary: "`FROM --platform=$TARGETPLATFORM` repeats the default",
        equivalents: [BuildKit("RedundantTargetPlatform"), Hadolint("DL3065")],
    }
}

impl Check for RedundantTargetPlatform {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::From]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let Some(flag) = node.instruction.flag("platform") else {
            return;
        };
        let Some(value) = &flag.value else { return };
        let globals = &cx.semantic.global_scope;
        let Ok(expansion) = globals.expand(&value.text, cx.file.escape()) else {
            return;
        };
        if expansion.matched != ["TARGETPLATFORM"]
            || !expansion.unmatched.is_empty()
            || Env::get(globals, "TARGETPLATFORM") != Some(expansion.result.as_str())
        {
            return;
        }
        // A global `ARG TARGETPLATFORM=…` with a default pins the platform: not redundant.
        let pinned = match globals.get_var("TARGETPLATFORM").map(|v| v.source) {
            Some(VarSource::Arg(index)) => match &cx.file.instructions()[index].body {
                Body::Arg(args) => args
                    .iter()
                    .any(|a| a.name.text == "TARGETPLATFORM" && a.default.is_some()),
                _ => false,
            },
            _ => false,
        };
        if pinned {
            return;
        }
        // The flag and the blanks after it.
        let source = cx.source();
        let end = flag.range.end().to_usize();
        let blanks = source[end..]
            .find(|c: char| c != ' ' && c != '\t')
            .unwrap_or(source.len() - end);
        let delete = TextRange::new(flag.range.start(), TextSize::from_usize(end + blanks));
        cx.report(
            flag.range,
            format!(
                "`--platform={}` is redundant: FROM builds for the target platform by default",
                value.text
            ),
        )
        .fix(Fix::safe(
            "Remove the `--platform` flag",
            vec![Edit::delete(delete)],
        ));
    }
}
