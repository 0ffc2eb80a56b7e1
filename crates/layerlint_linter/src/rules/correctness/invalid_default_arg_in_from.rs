use layerlint_syntax::image::ImageRef;
use layerlint_syntax::semantic::Base;
use layerlint_syntax::{Body, InstructionKind};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image name, expanded with the global ARGs' defaults (no
    /// `--build-arg` given), is empty or not a valid image reference — typically
    /// `ARG TAG` without a default and `FROM node:${TAG}`.
    ///
    /// ## Why is this bad?
    /// The file builds only when every build passes `--build-arg TAG=…`; a plain
    /// `docker build .`, an editor or a CI job that forgets the argument fails with
    /// `invalid reference format`. A default that gives a valid name makes the file work
    /// on its own and documents what is expected.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// ARG NODE_VERSION
    /// FROM node:${NODE_VERSION}
    /// ```
    ///
    /// ```dockerfile
    /// ARG IMAGE
    /// FROM $IMAGE
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// ARG NODE_VERSION=20
    /// FROM node:${NODE_VERSION}
    /// ```
    ///
    /// ```dockerfile
    /// ARG VARIANT=""
    /// FROM busybox:stable${VARIANT}
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the right default is the author's to choose.
    pub(crate) struct InvalidDefaultArgInFrom {
        code: "LL111",
        name: "invalid-default-arg-in-from",
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "with the default ARG values a `FROM` image name is empty or invalid",
        equivalents: [BuildKit("InvalidDefaultArgInFrom")],
    }
}

impl Check for InvalidDefaultArgInFrom {
    /// Set when an expansion failed: BuildKit stops checking there.
    type State = bool;
    const WANTS: Wants = Wants::kinds(&[InstructionKind::From]);

    fn instruction(&self, cx: &mut Context<'_>, stopped: &mut bool, node: &Node<'_>) {
        let Body::From(from) = &node.instruction.body else {
            return;
        };
        let Some(image) = from.image() else { return };
        // Without a `$` nothing expands (and there is nothing to check).
        if *stopped || !image.text.contains('$') {
            return;
        }
        // The stage's base is this image expanded with the global ARGs when the file was
        // read, and its reference is parsed once for every rule that asks: both are read
        // from there instead of again. A base read as `scratch` or a stage keeps no
        // expansion: those (rare) are expanded again.
        let stage = cx
            .semantic
            .stage_of(node.index)
            .map(|s| &cx.semantic.stages[s]);
        let resolved = match stage.map(|s| (s, &s.base)) {
            Some((_, Base::Image { resolved: None, .. })) => {
                *stopped = true;
                return;
            }
            Some((
                stage,
                Base::Image {
                    resolved: Some(resolved),
                    matched,
                    unmatched,
                    ..
                },
            )) => {
                // A constant name that is invalid is a different mistake (the build fails
                // whatever the arguments); a name that names a stage is not an image.
                if matched.is_empty() && unmatched.is_empty() {
                    return;
                }
                if stage.image().is_some() || cx.semantic.stage_named(resolved).is_some() {
                    return;
                }
                resolved.clone()
            }
            _ => {
                let Ok(expansion) = cx
                    .semantic
                    .global_scope
                    .expand(&image.text, cx.file.escape())
                else {
                    *stopped = true;
                    return;
                };
                if expansion.matched.is_empty() && expansion.unmatched.is_empty() {
                    return;
                }
                let resolved = expansion.result;
                if ImageRef::parse(&resolved).is_ok()
                    || cx.semantic.stage_named(&resolved).is_some()
                {
                    return;
                }
                resolved
            }
        };
        let outcome = if resolved.is_empty() {
            "an empty image name".to_owned()
        } else {
            format!("`{resolved}`, which is not a valid image name")
        };
        cx.report(
            image.range,
            format!("with the default ARG values, `{}` expands to {outcome}", image.text),
        )
        .note("give the global ARG a default that makes a valid image name, so that the file builds without --build-arg");
    }
}
