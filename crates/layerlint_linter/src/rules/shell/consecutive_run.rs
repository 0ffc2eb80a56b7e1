use layerlint_syntax::semantic::Stage;
use layerlint_syntax::{CommandLine, InstructionKind};
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::shell::ScriptSource;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` that directly follows another `RUN` (comments between them do not
    /// count; any other instruction does) when the two could simply be joined with `&&`:
    /// same flags (`--mount`, `--network`, `--security`), each runs a single command
    /// (commands in `$( … )` count; tests `[ … ]` and commands whose name is computed,
    /// `$GOPATH/bin/tool`, do not, as in hadolint), neither uses a heredoc (hadolint #805),
    /// and both are in shell form (PowerShell statements are counted as shell commands, as
    /// hadolint counts them).
    ///
    /// A `RUN` that already chains commands (`a && b`, `a | b`, `a; b`) was split from its
    /// neighbour on purpose. hadolint's code says "more than two commands", but it counts
    /// each command twice, so it too reports only single-command `RUN`s; this rule does the
    /// same on purpose (measured on the corpus: joining chained `RUN`s would add 180 info
    /// findings hadolint does not give, most of them separate steps worth keeping apart).
    ///
    /// ## Why is this bad?
    /// Each `RUN` makes a layer. Files one `RUN` creates and the next deletes still take
    /// space in the first layer, and many small layers slow pulls and add metadata.
    ///
    /// It is a trade-off, hence the `info` severity: separate `RUN`s are separate cache
    /// entries. Splitting a slow, stable step (installing system packages) from a step that
    /// changes often keeps the slow one cached; joining them re-runs both whenever either
    /// changes. Join steps that change together and clean up after each other; keep apart
    /// the ones that change at a different pace.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ```dockerfile
    /// FROM debian:12
    /// RUN --mount=type=cache,target=/var/cache/apt apt-get update
    /// RUN useradd -m app
    /// ```
    ///
    /// ## Fix safety
    /// No fix: whether to join is a cache decision only the author can make.
    pub(crate) struct ConsecutiveRun {
        code: "LL526",
        name: "consecutive-run",
        category: Shell,
        severity: Info,
        fix: None,
        summary: "consecutive RUN instructions that could be one",
        equivalents: [Hadolint("DL3059")],
    }
}

/// A `RUN` that the next one could join.
#[derive(Default)]
pub(crate) struct Previous {
    run: Option<(TextRange, Vec<String>)>,
}

/// The most commands a RUN may hold and still be reported: a RUN that already chains
/// commands (`a && b`, `a | b`, `a; b`) was split from its neighbour on purpose.
const MAX_COMMANDS: usize = 1;

impl Check for ConsecutiveRun {
    type State = Previous;
    const WANTS: Wants = Wants::ALL;

    fn start_stage(&self, _cx: &mut Context<'_>, state: &mut Previous, _stage: &Stage) {
        state.run = None;
    }

    fn instruction(&self, cx: &mut Context<'_>, state: &mut Previous, node: &Node<'_>) {
        let instruction = node.instruction;
        let previous = state.run.take();
        if instruction.kind != InstructionKind::Run
            || !instruction.heredocs.is_empty()
            || !matches!(instruction.command(), Some(CommandLine::Shell(_)))
        {
            return;
        }
        let scripts = cx.scripts(node);
        let counted = |c: &layerlint_shell::Command<'_>| {
            !c.context().in_shell_string() && c.name().is_some_and(|n| n != "[" && n != "[[")
        };
        let commands = match (scripts.is_empty(), instruction.command()) {
            // A non-POSIX `SHELL` (PowerShell, cmd): statements read as words, as hadolint
            // reads them. The parse is shared: the layer-cache planner reads the RUNs of a Windows
            // image's stage (default `cmd` shell) as POSIX ones, and so parses them too.
            (true, Some(CommandLine::Shell(_))) => {
                cx.parsed().shell_form(instruction).map_or(0, |script| {
                    script
                        .commands()
                        .filter(counted)
                        .take(MAX_COMMANDS + 1)
                        .count()
                })
            }
            _ => scripts
                .iter()
                .filter(|s| s.source == ScriptSource::ShellForm)
                .flat_map(|s| s.script.commands())
                .filter(counted)
                // Enough to tell whether there are more than `MAX_COMMANDS`.
                .take(MAX_COMMANDS + 1)
                .count(),
        };
        if commands > MAX_COMMANDS {
            return;
        }
        let mut flags: Vec<String> = instruction
            .flags
            .iter()
            .map(|f| cx.text(f.range).to_owned())
            .collect();
        flags.sort();
        if let Some((range, previous_flags)) = previous
            && previous_flags == flags
        {
            cx.report(
                instruction.keyword,
                "RUN right after another RUN: join them with `&&` unless they change at a \
                 different pace",
            )
            .related(range, "the previous RUN");
        }
        state.run = Some((instruction.keyword, flags));
    }
}
