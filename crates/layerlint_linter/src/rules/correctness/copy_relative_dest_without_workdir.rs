use layerlint_syntax::semantic::{Base, Stage};
use layerlint_syntax::{Body, InstructionKind};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `COPY` or `ADD` to a relative destination (`app/`, `.`) in a stage where
    /// no `WORKDIR` was set before it — in the stage, or in the stage it is built on.
    /// Destinations that start with a variable whose value is not known are skipped, and
    /// so are stages built on `scratch`, where the working directory can only be `/`
    /// (`COPY --from=build /out .` in an export stage is the usual idiom).
    ///
    /// ## Why is this bad?
    /// A relative destination is resolved against the working directory, which without
    /// a `WORKDIR` is whatever the base image left: `/` for most images, something else
    /// for some (`/go` in `golang`). The files land in a place the file does not say,
    /// and `COPY . .` into `/` mixes the project with the system directories.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY requirements.txt .
    /// COPY entrypoint.sh /usr/local/bin/
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which directory was meant is not known.
    pub(crate) struct CopyRelativeDestWithoutWorkdir {
        code: "LL129",
        name: "copy-relative-dest-without-workdir",
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "`COPY` to a relative destination before any `WORKDIR`",
        equivalents: [Hadolint("DL3045")],
    }
}

#[derive(Default)]
pub(crate) struct WorkdirState {
    /// Per finished stage: whether a WORKDIR was set in it or its parents.
    stages: Vec<bool>,
    current: bool,
}

impl Check for CopyRelativeDestWithoutWorkdir {
    type State = WorkdirState;
    const WANTS: Wants = Wants::kinds(&[
        InstructionKind::Copy,
        InstructionKind::Add,
        InstructionKind::Workdir,
    ]);

    fn start_stage(&self, _cx: &mut Context<'_>, state: &mut WorkdirState, stage: &Stage) {
        // In `scratch` the working directory is `/`, with no base image to change it.
        state.current = match stage.base {
            Base::Stage(parent) => state.stages.get(parent).copied().unwrap_or(false),
            Base::Scratch => true,
            _ => false,
        };
    }

    fn end_stage(&self, _cx: &mut Context<'_>, state: &mut WorkdirState, stage: &Stage) {
        state.stages.resize(stage.index + 1, false);
        state.stages[stage.index] = state.current;
    }

    fn instruction(&self, cx: &mut Context<'_>, state: &mut WorkdirState, node: &Node<'_>) {
        let instruction = node.instruction;
        if node.stage.is_none() {
            return;
        }
        let (Body::Copy(paths) | Body::Add(paths)) = &instruction.body else {
            if instruction.kind == InstructionKind::Workdir {
                state.current = true;
            }
            return;
        };
        if state.current {
            return;
        }
        let Some(dest) = paths.destination() else {
            return;
        };
        let Ok(expanded) = node.scope.expand(&dest.text, cx.file.escape()) else {
            return;
        };
        // `$DEST` without a known value may be absolute; `dir_${VERSION}` is relative
        // whatever the value.
        let unquoted = dest.text.trim_start_matches(['"', '\'']);
        if (!expanded.unmatched.is_empty() && unquoted.starts_with('$'))
            || is_absolute(&expanded.result)
        {
            return;
        }
        let path = if expanded.unmatched.is_empty() {
            expanded.result
        } else {
            dest.text.clone()
        };
        cx.report(
            dest.range,
            format!(
                "{} to the relative destination `{path}` with no WORKDIR set: it lands in the base image's working directory, `/` unless the image sets another",
                instruction.kind
            ),
        )
        .note("set a WORKDIR before it, or give an absolute destination");
    }
}

/// `/x`, or a Windows path (`C:\x`, `c:/x`).
fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with(['/', '\\'])
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}
