use layerlint_syntax::{Body, InstructionKind};

use super::variables::from_image;
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
        let Some(expanded) = from_image(cx, node.stage, image) else {
            *stopped = true;
            return;
        };
        // A constant name that is invalid is a different mistake (the build fails
        // whatever the arguments); a name that names a stage is not an image.
        if expanded.matched.is_empty() && expanded.unmatched.is_empty() {
            return;
        }
        let resolved = &expanded.resolved;
        if expanded.parses() || cx.semantic.stage_named(resolved).is_some() {
            return;
        }
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
