use layerlint_syntax::semantic::{Base, Stage};
use layerlint_syntax::{Body, InstructionKind};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports the first `WORKDIR` of a stage when its path is relative and no `WORKDIR`
    /// came before it, in the stage or in the stages it is built `FROM`. Variables are
    /// expanded first (`WORKDIR $APP_HOME` is fine when `APP_HOME` is absolute); a path
    /// that depends on a variable the file does not define is left alone.
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against the base image's working directory, which
    /// the file does not show and which changes when the base image does (`/` in one
    /// image, `/home/node` or `/usr/src/app` in another). Later `COPY` and `RUN` then
    /// write somewhere else than you think.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// WORKDIR app
    /// COPY . .
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20
    /// WORKDIR /usr/src/app
    /// WORKDIR dist
    /// ```
    ///
    /// ```dockerfile
    /// FROM node:20 AS base
    /// WORKDIR /usr/src/app
    ///
    /// FROM base
    /// WORKDIR dist
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the absolute path the author meant depends on the base image.
    pub(crate) struct RelativeWorkdir {
        code: "LL108",
        name: "relative-workdir",
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "a relative `WORKDIR` with no absolute one before it depends on the base image",
        equivalents: [
            BuildKit("WorkdirRelativePath"),
            Hadolint("DL3000"),
            Trivy("DS-0009"),
            Checkov("CKV_DOCKER_10"),
        ],
    }
}

#[derive(Default)]
pub(crate) struct State {
    /// Whether each stage (by index) has set a working directory by its end.
    set_by_stage: Vec<bool>,
    current: bool,
}

impl Check for RelativeWorkdir {
    type State = State;
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Workdir]);

    fn start_stage(&self, _cx: &mut Context<'_>, state: &mut State, stage: &Stage) {
        state.current = match stage.base {
            Base::Stage(parent) => state.set_by_stage.get(parent).copied().unwrap_or(false),
            _ => false,
        };
    }

    fn end_stage(&self, _cx: &mut Context<'_>, state: &mut State, stage: &Stage) {
        if state.set_by_stage.len() <= stage.index {
            state.set_by_stage.resize(stage.index + 1, false);
        }
        state.set_by_stage[stage.index] = state.current;
    }

    fn instruction(&self, cx: &mut Context<'_>, state: &mut State, node: &Node<'_>) {
        if std::mem::replace(&mut state.current, true) {
            // BuildKit checks only the first WORKDIR: fixing it anchors the others.
            return;
        }
        let Body::Workdir(Some(word)) = &node.instruction.body else {
            return;
        };
        let Ok(expansion) = node.scope.expand(&word.text, cx.file.escape()) else {
            return;
        };
        if !expansion.unmatched.is_empty() || is_absolute(&expansion.result) {
            return;
        }
        cx.report(
            word.range,
            format!(
                "relative WORKDIR `{}` is resolved against the base image's working directory",
                expansion.result
            ),
        )
        .note("start the stage's first WORKDIR with `/`");
    }
}

/// A Unix absolute path, or a Windows one (`C:\app`, `\app`) in a Windows image.
fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || (bytes.len() >= 3
            && bytes[0].is_ascii_alphabetic()
            && bytes[1] == b':'
            && matches!(bytes[2], b'\\' | b'/'))
}
