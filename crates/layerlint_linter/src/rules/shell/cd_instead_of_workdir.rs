use layerlint_diagnostics::{Edit, Fix};
use layerlint_shell::{Command, Separator};
use layerlint_syntax::semantic::{Base, Scope, Semantic};
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
    let workdirs = cx.memo(|cx| Workdirs::new(cx.file, cx.semantic, LONG_WORKDIR));
    if workdirs.is(cx.file, cx.semantic, node.index, directory) {
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

/// Past this length, [`Workdirs`] keeps no working directory, only that it is that long.
const LONG_WORKDIR: usize = 1024;

/// A working directory as [`workdir_before`] makes it, from the `WORKDIR`s before.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Workdir {
    /// Not determined: [`workdir_before`] is `None`.
    Unknown,
    Path(std::rc::Rc<str>),
    /// Longer than the limit once its trailing `/` are left out (they are all a later
    /// relative `WORKDIR` can take off: it can only grow).
    Long,
}

impl Workdir {
    /// The working directory after `WORKDIR word`.
    fn then(&self, word: &str, limit: usize) -> Workdir {
        if word.contains(['$', '"', '\'']) {
            return Workdir::Unknown;
        }
        let path = if word.starts_with('/') {
            word.to_owned()
        } else {
            match self {
                Workdir::Unknown => return Workdir::Unknown,
                Workdir::Long => return Workdir::Long,
                Workdir::Path(path) => format!("{}/{word}", path.trim_end_matches('/')),
            }
        };
        if path.trim_end_matches('/').len() > limit {
            Workdir::Long
        } else {
            Workdir::Path(path.into())
        }
    }
}

/// The working directory after each `WORKDIR` of each stage, and at the end of each stage,
/// from one walk of the file: [`workdir_before`] for a RUN reads every `WORKDIR` back to an
/// absolute one, quadratic in a file of thousands of relative `WORKDIR`s. Directories
/// longer than a limit are not kept (a file of thousands of relative `WORKDIR`s would keep
/// their lengths squared).
struct Workdirs {
    limit: usize,
    /// Per stage, its `WORKDIR`s' instruction indices with the directory after each.
    after: Vec<Vec<(usize, Workdir)>>,
    /// Per stage, the directory it starts with.
    entry: Vec<Workdir>,
}

impl Workdirs {
    fn new(file: &layerlint_syntax::Dockerfile, semantic: &Semantic, limit: usize) -> Workdirs {
        let instructions = file.instructions();
        let mut after: Vec<Vec<(usize, Workdir)>> = Vec::with_capacity(semantic.stages.len());
        let mut entry = Vec::with_capacity(semantic.stages.len());
        let mut exit: Vec<Workdir> = Vec::with_capacity(semantic.stages.len());
        for (index, stage) in semantic.stages.iter().enumerate() {
            let mut workdir = match stage.base {
                Base::Stage(parent) if parent < index => exit[parent].clone(),
                _ => Workdir::Unknown,
            };
            entry.push(workdir.clone());
            let mut workdirs = Vec::new();
            for (i, instruction) in instructions
                .iter()
                .enumerate()
                .take(stage.end)
                .skip(stage.from + 1)
            {
                if let Body::Workdir(Some(word)) = &instruction.body {
                    workdir = workdir.then(&word.text, limit);
                    workdirs.push((i, workdir.clone()));
                }
            }
            after.push(workdirs);
            exit.push(workdir);
        }
        Workdirs {
            limit,
            after,
            entry,
        }
    }

    /// The directory before instruction `index`.
    fn before(&self, semantic: &Semantic, index: usize) -> &Workdir {
        let Some(stage) = semantic.stage_of(index) else {
            return &Workdir::Unknown;
        };
        let workdirs = &self.after[stage];
        match workdirs.partition_point(|(i, _)| *i < index).checked_sub(1) {
            Some(last) => &workdirs[last].1,
            None => &self.entry[stage],
        }
    }

    /// Whether the working directory before instruction `index` is `directory`, ignoring
    /// trailing `/` (as `workdir_before` finds it).
    fn is(
        &self,
        file: &layerlint_syntax::Dockerfile,
        semantic: &Semantic,
        index: usize,
        directory: &str,
    ) -> bool {
        let directory = normalize(directory);
        match self.before(semantic, index) {
            Workdir::Unknown => false,
            Workdir::Path(path) => normalize(path) == directory,
            // Longer than any directory within the limit; a longer one is compared the
            // long way.
            Workdir::Long if directory.len() <= self.limit => false,
            Workdir::Long => {
                workdir_before(file, semantic, index)
                    .as_deref()
                    .map(normalize)
                    == Some(directory)
            }
        }
    }
}

/// The absolute working directory before instruction `index`, when the `WORKDIR`s of its
/// stage (and the stages it is built on) determine it.
fn workdir_before(
    file: &layerlint_syntax::Dockerfile,
    semantic: &Semantic,
    index: usize,
) -> Option<String> {
    let instructions = file.instructions();
    let mut stage = semantic.stage_of(index)?;
    let mut chain: Vec<&str> = Vec::new();
    let mut end = index;
    for _ in 0..=semantic.stages.len() {
        let from = semantic.stages[stage].from;
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
        match semantic.stages[stage].base {
            Base::Stage(parent) if parent < stage => {
                stage = parent;
                end = semantic.stages[parent].end;
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

#[cfg(test)]
mod workdir_tests {
    use super::*;

    /// Lines of stages: absolute and relative `WORKDIR`s (with trailing `/`, empty, only
    /// `/`, with a variable or a quote), stages built on others and on images, other
    /// instructions.
    fn line() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "WORKDIR /app",
            "WORKDIR /app/",
            "WORKDIR /",
            "WORKDIR //",
            "WORKDIR src",
            "WORKDIR src//",
            "WORKDIR a/b",
            "WORKDIR $HOME",
            "WORKDIR /x/$V",
            "WORKDIR \"q\"",
            "RUN cd /app && make",
            "USER app",
            "FROM s0 AS s1",
            "FROM s1 AS s0",
            "FROM alpine AS s2",
            "FROM s2",
        ])
    }

    proptest::proptest! {
        /// `Workdirs` finds the working directory `workdir_before` finds, before every
        /// instruction, with a limit that most directories pass and with the usual one.
        #[test]
        fn workdirs_match_a_search(
            lines in proptest::collection::vec(line(), 0..30),
        ) {
            let source = format!("FROM alpine AS s0\n{}\n", lines.join("\n"));
            let parse = layerlint_syntax::parse(&source);
            let file = &parse.file;
            let semantic = Semantic::new(file);
            for limit in [3, 6, LONG_WORKDIR] {
                let workdirs = Workdirs::new(file, &semantic, limit);
                for index in 0..=file.instructions().len() {
                    let expected = workdir_before(file, &semantic, index);
                    for directory in [
                        "/", "/app", "/app/", "/app/src", "/app/src/a/b", "/src", "/x",
                        "/app/src/src", "/a/b",
                    ] {
                        proptest::prop_assert_eq!(
                            workdirs.is(file, &semantic, index, directory),
                            expected.as_deref().map(normalize) == Some(normalize(directory)),
                            "{:?} before {} ({})",
                            expected,
                            index,
                            directory
                        );
                    }
                }
            }
        }
    }
}
