use layerlint_diagnostics::{Edit, Fix};
use layerlint_shell::ElementKind;
use layerlint_syntax::InstructionKind;
use layerlint_text::{TextRange, TextSize};

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::shell::ShellScript;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a command named `RUN` inside a `RUN`: `RUN apt-get update && RUN apt-get
    /// install -y curl`, a line of another instruction pasted into a continuation.
    /// (hadolint does not see it: #760.) `run` in lower case counts in a file that writes
    /// its instructions in lower case. A shell function of that name defined in the RUN
    /// (`run() { echo "+ $*"; "$@"; }`) is not reported.
    ///
    /// ## Why is this bad?
    /// The shell looks for a program called `RUN`, does not find it (`RUN: not found`), and
    /// the build fails — or, after `||` or `;`, goes on without running the command at all.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && \
    ///     RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && \
    ///     apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix removes the stray `RUN` word, so the command runs as it was meant to;
    /// as written it cannot run. It is offered when a command follows the word.
    pub(crate) struct RunInsideRun {
        code: "LL525",
        name: "run-inside-run",
        category: Shell,
        severity: Error,
        fix: Sometimes,
        summary: "a stray `RUN` word inside a RUN command",
    }
}

impl Check for RunInsideRun {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::named(&["run"]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let keyword = cx.text(node.instruction.keyword);
        let scripts = cx.scripts(node);
        // The script's function names matter only for a command named like the keyword,
        // which few RUNs have: read on the first one.
        let mut functions: Option<Vec<&str>> = None;
        for script in scripts.iter() {
            for command in script.script.commands() {
                let Some(word) = command.name_word() else {
                    continue;
                };
                // The word as the script has it first: its Dockerfile text (mapped through
                // the script's pieces, which costs more) can be `RUN` only when it is
                // `run` in some case already.
                if !word.text().eq_ignore_ascii_case("run") {
                    continue;
                }
                let text = cx.text(word.range());
                if text != "RUN" && !(text == keyword && text.eq_ignore_ascii_case("run")) {
                    continue;
                }
                if functions
                    .get_or_insert_with(|| function_names(cx, &scripts))
                    .contains(&text)
                {
                    continue;
                }
                let fix = command.arg(0).map(|next| {
                    let source = cx.source();
                    let mut end = word.range().end().to_usize();
                    while source[end..].starts_with([' ', '\t']) {
                        end += 1;
                    }
                    let end = end.min(next.range().start().to_usize());
                    Fix::safe(
                        format!("Remove the stray `{text}`"),
                        vec![Edit::delete(TextRange::new(
                            word.range().start(),
                            TextSize::from_usize(end),
                        ))],
                    )
                });
                cx.report(
                    word.range(),
                    format!(
                        "`{text}` inside a RUN runs a program called `{text}`, which does not exist"
                    ),
                )
                .maybe_fix(fix);
            }
        }
    }
}

/// The names of the shell functions the scripts define (`run() { … }`,
/// `function run { … }`), as written.
fn function_names<'a>(cx: &Context<'a>, scripts: &[ShellScript]) -> Vec<&'a str> {
    let source = cx.source();
    scripts
        .iter()
        .flat_map(|s| s.script.pipelines())
        .flat_map(|p| p.elements())
        .filter(|e| e.kind() == ElementKind::FunctionDefinition)
        .filter_map(|e| {
            let text = source.get(e.range().to_std())?.trim_start();
            let text = match text.strip_prefix("function") {
                Some(rest) if rest.starts_with(char::is_whitespace) => rest.trim_start(),
                _ => text,
            };
            let end = text
                .find(|c: char| c.is_whitespace() || c == '(' || c == '{')
                .unwrap_or(text.len());
            Some(&text[..end])
        })
        .collect()
}
