use foldhash::HashMap;

use layerlint_syntax::InstructionKind;
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a stage whose name (after `AS`, in any case) an earlier stage already has.
    ///
    /// ## Why is this bad?
    /// Stage names are how `FROM`, `COPY --from`, `RUN --mount=from=` and
    /// `docker build --target` find a stage. With two stages of one name, `FROM name` means
    /// the stage before it while `COPY --from=name` and `--target name` can mean the
    /// other: a build that silently uses the wrong files.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/api ./cmd/api
    ///
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/worker ./cmd/worker
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM golang:1.23 AS build-api
    /// RUN go build -o /out/api ./cmd/api
    ///
    /// FROM golang:1.23 AS build-worker
    /// RUN go build -o /out/worker ./cmd/worker
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which references meant which stage is for the author to say.
    pub(crate) struct DuplicateStageName {
        code: "LL106",
        name: "duplicate-stage-name",
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "two stages have the same name",
        equivalents: [
            BuildKit("DuplicateStageName"),
            Hadolint("DL3024"),
            Trivy("DS-0012"),
            Checkov("CKV_DOCKER_11"),
        ],
    }
}

impl Check for DuplicateStageName {
    /// The first stage of each name.
    type State = HashMap<String, TextRange>;
    const WANTS: Wants = Wants::kinds(&[InstructionKind::From]);

    fn instruction(&self, cx: &mut Context<'_>, first: &mut Self::State, node: &Node<'_>) {
        let Some(stage) = node.stage else { return };
        let (Some(name), Some(range)) = (&stage.name, stage.name_range) else {
            return;
        };
        match first.get(name) {
            Some(&earlier) => {
                cx.report(range, format!("stage name `{name}` is already used by an earlier stage"))
                    .related(earlier, "the first stage with this name")
                    .note("`FROM` resolves a name to the stage before it, `COPY --from` and `--target` may pick the other one: give each stage its own name");
            }
            None => {
                first.insert(name.clone(), range);
            }
        }
    }
}
