use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::InstructionKind;
use layerlint_syntax::semantic::Stage;
use layerlint_text::{TextRange, TextSize};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `CMD` that a later `CMD` in the same stage overrides.
    ///
    /// ## Why is this bad?
    /// An image has one default command: only the last `CMD` of a stage counts, every
    /// earlier one is dead code. It usually means a merge or copy-paste went wrong, and a
    /// reader may believe the wrong one runs.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// CMD ["node", "server.js"]
    /// CMD ["node", "worker.js"]
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20 AS base
    /// CMD ["node", "server.js"]
    ///
    /// FROM base
    /// CMD ["node", "worker.js"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix deletes the overridden `CMD`s, which never take effect; the image is
    /// the same.
    pub(crate) struct MultipleCmd {
        code: "LL103",
        name: "multiple-cmd",
        category: Correctness,
        severity: Warning,
        fix: Always,
        summary: "more than one `CMD` in a stage: only the last one takes effect",
        equivalents: [
            BuildKit("MultipleInstructionsDisallowed"),
            Hadolint("DL4003"),
            Trivy("DS-0016"),
        ],
    }
}

impl Check for MultipleCmd {
    type State = Vec<usize>;
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Cmd]);

    fn instruction(&self, _cx: &mut Context<'_>, seen: &mut Vec<usize>, node: &Node<'_>) {
        seen.push(node.index);
    }

    fn end_stage(&self, cx: &mut Context<'_>, seen: &mut Vec<usize>, _stage: &Stage) {
        report_overridden(cx, seen, InstructionKind::Cmd);
    }
}

/// Reports each instruction of `seen` but the last (the one that takes effect), with a
/// fix that deletes it, and clears `seen` for the next stage.
pub(crate) fn report_overridden(
    cx: &mut Context<'_>,
    seen: &mut Vec<usize>,
    kind: InstructionKind,
) {
    let Some((&last, earlier)) = seen.split_last() else {
        return;
    };
    let keyword = kind.as_str();
    let winner = cx.file.instructions()[last].range;
    for &index in earlier {
        let instruction = &cx.file.instructions()[index];
        let lines = whole_lines(cx.source(), instruction.range);
        cx.report(
            instruction.range,
            format!("{keyword} is overridden by a later {keyword} in the same stage"),
        )
        .related(winner, format!("this {keyword} takes effect"))
        .fix(Fix::safe(
            format!("Delete the overridden `{keyword}`"),
            vec![Edit::delete(lines)],
        ));
    }
    seen.clear();
}

/// The lines `range` covers, with the line ending after them: what to delete to remove
/// an instruction.
pub(crate) fn whole_lines(source: &str, range: TextRange) -> TextRange {
    let start = range.start().to_usize();
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let start = if source[line_start..start].trim().is_empty() {
        line_start
    } else {
        start
    };
    let end = range.end().to_usize();
    let end = source[end..]
        .find('\n')
        .map_or(source.len(), |i| end + i + 1);
    TextRange::new(TextSize::from_usize(start), TextSize::from_usize(end))
}
