use layerlint_syntax::{Body, InstructionKind, Word};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a comment right above `ARG name` or `FROM image AS name` that does not
    /// start with the name it describes. BuildKit reads such a comment as the
    /// documentation of the build argument or the stage (`docker buildx build --call
    /// outline` and `--call targets` show it) when it has the form `# name description`.
    /// Suppression comments (`# layerlint …`, `# hadolint …`, `# check=…`) are not
    /// descriptions and are skipped.
    ///
    /// This is an experimental BuildKit check: it is off unless selected, or turned on in
    /// the file with `# check=experimental=InvalidDefinitionDescription`.
    ///
    /// ## Why is this bad?
    /// A comment that is meant as a description but does not follow the form is not
    /// shown by the tools that list a file's build arguments and targets; one that is not
    /// meant as a description should be separated from the instruction by a blank
    /// comment line (`#`).
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// # The Go version to build with
    /// ARG GO_VERSION=1.23
    /// FROM golang:${GO_VERSION}
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// # GO_VERSION is the Go version to build with
    /// ARG GO_VERSION=1.23
    /// # build compiles the binary
    /// FROM golang:${GO_VERSION} AS build
    /// ```
    ///
    /// ```dockerfile
    /// # Toolchain versions
    /// #
    /// ARG GO_VERSION=1.23
    /// FROM golang:${GO_VERSION}
    /// ```
    ///
    /// ## Fix safety
    /// No fix: whether the comment is a description to reword or a remark to separate is
    /// the author's call.
    pub(crate) struct InvalidDefinitionDescription {
        code: "LL606",
        name: "invalid-definition-description",
        category: Style,
        severity: Style,
        fix: None,
        default: false,
        summary: "the comment above an `ARG` or a named stage does not start with its name",
        equivalents: [BuildKit("InvalidDefinitionDescription")],
    }
}

impl Check for InvalidDefinitionDescription {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Arg, InstructionKind::From]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let instruction = node.instruction;
        let names: Vec<&Word> = match &instruction.body {
            Body::Arg(args) => args.iter().map(|a| &a.name).collect(),
            Body::From(from) => from.stage_name().into_iter().collect(),
            _ => return,
        };
        let Some(first) = names.first() else { return };
        let Some(&comment) = instruction.comments.last() else {
            return;
        };
        let text = cx.text(comment).trim_start_matches('#').trim();
        if is_suppression(text) {
            return;
        }
        let described = text.split(' ').next().unwrap_or("");
        // BuildKit compares with the stage name as lower-cased.
        let matches = names.iter().any(|name| match instruction.kind {
            InstructionKind::From => name.text.to_lowercase() == described,
            _ => name.text == described,
        });
        if matches {
            return;
        }
        let keyword = instruction.kind.as_str();
        let example = if names.len() == 1 {
            match instruction.kind {
                InstructionKind::From => first.text.to_lowercase(),
                _ => first.text.clone(),
            }
        } else {
            "<name>".to_owned()
        };
        cx.report(
            first.range,
            format!("the comment above this {keyword} should read `# {example} <description>`"),
        )
        .related(comment, "the comment");
    }
}

fn is_suppression(text: &str) -> bool {
    text.starts_with("layerlint")
        || text.starts_with("hadolint")
        || text.starts_with("check=")
        || text.starts_with("check =")
}
