use layerlint_diagnostics::{Edit, Fix};
use layerlint_shell::{Command, Separator};
use layerlint_syntax::semantic::{Base, Scope};
use layerlint_syntax::{Body, InstructionKind};
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::run_support::insert_instruction_before;
use crate::shell::ScriptSource;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `cd` in a `RUN` (once per RUN, at the first `cd`), where `WORKDIR` says
    /// the same thing to every later instruction and to the reader.
    ///
    /// Not reported: `cd` in a subshell `( cd dir && make )` or in `$( … )` (it cannot
    /// leak, which is the point), `cd` in a loop (`for d in */; do (cd "$d" && make);
    /// done`), `cd -`, a bare `cd`, and `cd` to a directory computed in the script
    /// (`cd "$(mktemp -d)"`, `cd "$tmp"` with a shell variable), which `WORKDIR` cannot
    /// express; `cd "$APP_HOME"` with an `ARG` or `ENV` is reported.
    ///
    /// ## Why is this bad?
    /// A `cd` lasts until the end of its `RUN`; the next `RUN`, `COPY` and `CMD` are back
    /// in the old directory. Chains like `cd /src && make && cd /app && …` hide in which
    /// directory each command runs, and a `cd` that fails without `&&` runs the rest in
    /// the wrong place. `WORKDIR` sets the directory once, creates it if needed, and is
    /// visible in the image's configuration.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM golang:1.23
    /// COPY . /src
    /// RUN cd /src && go build -o /bin/app .
    /// WORKDIR /
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM golang:1.23
    /// WORKDIR /src
    /// COPY . .
    /// RUN go build -o /bin/app .
    /// ```
    ///
    /// ```dockerfile
    /// FROM debian:12
    /// RUN (cd /usr/src/tool && make install) && rm -rf /usr/src/tool
    /// ```
    ///
    /// ## Fix safety
    /// The fix is offered when `cd DIR &&` starts the RUN's shell form, `DIR` is an
    /// absolute path without variables, globs or quotes, and the RUN is not an `ONBUILD`
    /// trigger. It puts `WORKDIR DIR` before the RUN and removes `cd DIR && `. Because
    /// `WORKDIR` outlasts the RUN, it is offered only when nothing after the RUN depends
    /// on the old directory: the directory was already `DIR` (then only the `cd` goes), or
    /// an absolute `WORKDIR` comes before the next instruction that uses the current
    /// directory (`RUN`, `CMD`, `ENTRYPOINT`, `HEALTHCHECK`, `ONBUILD`, a relative
    /// `COPY`/`ADD` destination or `WORKDIR`) and before the end of the stage (whose
    /// directory the image and later stages inherit). It is unsafe all the same: `WORKDIR`
    /// creates a missing directory where `cd` would have failed the build, and it runs as
    /// root where the `cd` ran as the stage's `USER`.
    pub(crate) struct CdInsteadOfWorkdir {
        code: "LL518",
        name: "cd-instead-of-workdir",
        category: Shell,
        severity: Warning,
        fix: Sometimes,
        summary: "`cd` in a RUN instead of `WORKDIR`",
        equivalents: [Hadolint("DL3003"), Trivy("DS-0013")],
    }
}

impl Check for CdInsteadOfWorkdir {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::named(&["cd"]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for script in scripts.iter() {
            let Some(cd) = script
                .script
                .find("cd")
                .find(|c| reportable(*c, node.scope))
            else {
                continue;
            };
            let Some(name) = cd.name_word() else { continue };
            let directory = cd
                .arg(0)
                .and_then(|w| w.value())
                .filter(|d| is_plain_absolute(d));
            let message = match directory {
                Some(directory) => format!(
                    "`cd {directory}` lasts only for this RUN; set the directory with `WORKDIR`"
                ),
                None => "`cd` lasts only for this RUN; set the directory with `WORKDIR`".to_owned(),
            };
            let fix = match (directory, script.source) {
                (Some(directory), ScriptSource::ShellForm) => fix(cx, node, cd, directory),
                _ => None,
            };
            cx.report(name.range(), message).maybe_fix(fix);
            return;
        }
    }
}

/// A `cd` whose effect could leak to the rest of the RUN, to a directory `WORKDIR` can
/// name.
fn reportable(cd: Command<'_>, scope: &Scope) -> bool {
    let context = cd.context();
    if context.in_subshell()
        || context.in_substitution()
        || context.in_process_substitution()
        || context.in_loop()
    {
        return false;
    }
    let Some(target) = cd
        .args()
        .find(|w| !w.value_lossy().starts_with('-') || w.value_lossy() == "-")
    else {
        return false;
    };
    let flags = target.flags();
    // A shell variable (`cd "$tempDir"` after `tempDir="$(mktemp -d)"`) is computed in the
    // RUN; an ARG or ENV could be a WORKDIR.
    let shell_variable = target
        .expansions()
        .filter_map(|e| e.parameter_name().map(str::to_owned))
        .any(|name| !scope.is_declared(&name));
    target.value_lossy() != "-"
        && !flags.has_command_substitution()
        && !flags.has_arithmetic()
        && !shell_variable
}

/// An absolute path that needs no quoting in `WORKDIR` or the shell.
fn is_plain_absolute(path: &str) -> bool {
    path.starts_with('/')
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+@:,".contains(&b))
}

fn normalize(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() { "/" } else { trimmed }
}

fn fix(cx: &Context<'_>, node: &Node<'_>, cd: Command<'_>, directory: &str) -> Option<Fix> {
    let instruction = node.instruction;
    if node.onbuild.is_some() || !instruction.heredocs.is_empty() {
        return None;
    }
    // `cd DIR && next …` at the very start of the shell form.
    let Body::Run(run) = &instruction.body else {
        return None;
    };
    let script = cd.script();
    let first = script.commands().next()?;
    if first.id() != cd.id() || cd.separator() != Separator::And || cd.args().count() != 1 {
        return None;
    }
    let next = script.commands().nth(1)?;
    let command_start = run.command.as_ref()?.range().start();
    if cd.range().start() != command_start || !cd.context().is_top_level() {
        return None;
    }
    let delete = TextRange::new(cd.range().start(), next.range().start());
    if cx.text(delete).contains('#') {
        return None;
    }
    let old = workdir_before(cx, node.index);
    if old.as_deref().map(normalize) == Some(normalize(directory)) {
        return Some(Fix::unsafe_edits(
            format!("Remove `cd {directory} &&` (the directory is already `{directory}`)"),
            vec![Edit::delete(delete)],
        ));
    }
    if !later_instructions_ignore_directory(cx, node.index) {
        return None;
    }
    Some(Fix::unsafe_edits(
        format!("Set `WORKDIR {directory}` before the RUN"),
        vec![
            insert_instruction_before(cx, instruction, "WORKDIR", directory),
            Edit::delete(delete),
        ],
    ))
}

/// Whether, after instruction `index`, an absolute `WORKDIR` comes before anything that
/// depends on the current directory and before the end of the stage.
fn later_instructions_ignore_directory(cx: &Context<'_>, index: usize) -> bool {
    for instruction in &cx.file.instructions()[index + 1..] {
        match &instruction.body {
            Body::Workdir(Some(word)) => return is_plain_absolute(&word.text),
            Body::Env(_)
            | Body::Arg(_)
            | Body::Label(_)
            | Body::Expose(_)
            | Body::User(_)
            | Body::Stopsignal(_)
            | Body::Shell(_)
            | Body::Maintainer(_) => {}
            Body::Copy(paths) | Body::Add(paths) | Body::Volume(paths) => {
                let absolute = match instruction.kind {
                    InstructionKind::Volume => paths.words.iter().all(|w| w.text.starts_with('/')),
                    _ => paths.destination().is_some_and(|d| d.text.starts_with('/')),
                };
                if !absolute {
                    return false;
                }
            }
            _ => return false,
        }
    }
    false
}

/// The absolute working directory before instruction `index`, when the `WORKDIR`s of its
/// stage (and the stages it is built on) determine it.
fn workdir_before(cx: &Context<'_>, index: usize) -> Option<String> {
    let instructions = cx.file.instructions();
    let mut stage = cx.semantic.stage_of(index)?;
    let mut chain: Vec<&str> = Vec::new();
    let mut end = index;
    for _ in 0..=cx.semantic.stages.len() {
        let from = cx.semantic.stages[stage].from;
        for i in (from + 1..end).rev() {
            if let Body::Workdir(Some(word)) = &instructions[i].body {
                chain.push(&word.text);
                if word.text.starts_with('/') {
                    break;
                }
            }
        }
        if chain.last().is_some_and(|w| w.starts_with('/')) {
            break;
        }
        match cx.semantic.stages[stage].base {
            Base::Stage(parent) if parent < stage => {
                stage = parent;
                end = cx.semantic.stages[parent].end;
            }
            _ => return None,
        }
    }
    let mut path = String::new();
    for part in chain.iter().rev() {
        if part.contains(['$', '"', '\'']) {
            return None;
        }
        if part.starts_with('/') {
            path = (*part).to_owned();
        } else {
            path = format!("{}/{part}", path.trim_end_matches('/'));
        }
    }
    path.starts_with('/').then_some(path)
}
