//! The engine: one walk over the file, handing each instruction to the rules that want it.

use std::cell::{OnceCell, RefCell};
use std::path::Path;
use std::rc::Rc;

use layerlint_cache::BuildContext;
use layerlint_cache::optimize::Optimizer;
use layerlint_cache::script::ParsedScripts;
use layerlint_cache::stage::FileWalk;

use layerlint_diagnostics::{Diagnostic, Fix};
use layerlint_syntax::semantic::{Scope, Semantic, Stage};
use layerlint_syntax::{Body, Dockerfile, Instruction, InstructionKind, ParseError};
use layerlint_text::{LineIndex, TextRange};

use crate::rule::Check;
use crate::shell::{ShellScript, scripts};
use crate::{Rule, Settings, Target};

/// What a rule sees of one instruction.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    /// The index of the instruction in [`Dockerfile::instructions`] (for a trigger, the
    /// index of its `ONBUILD`).
    pub index: usize,
    /// The instruction; for an `ONBUILD` trigger, the triggered instruction.
    pub instruction: &'a Instruction,
    /// The `ONBUILD` wrapping this instruction, when it is a trigger.
    pub onbuild: Option<&'a Instruction>,
    /// The stage the instruction is in (`None` for global ARGs).
    pub stage: Option<&'a Stage>,
    /// The variables visible before the instruction.
    pub scope: &'a Scope,
    /// The `SHELL` in effect (its exec-form words); empty for the default `/bin/sh -c`
    /// (`cmd /S /C` for stages of Windows images).
    pub shell: &'a [String],
}

impl Node<'_> {
    pub fn kind(&self) -> InstructionKind {
        self.instruction.kind
    }
}

/// Everything a rule can read while it checks a file, and where it reports.
pub struct Context<'a> {
    pub file: &'a Dockerfile,
    pub semantic: &'a Semantic,
    pub settings: &'a Settings,
    /// The parse errors (rules about syntax report them).
    pub parse_errors: &'a [ParseError],
    /// The Dockerfile's path, when it has one.
    pub path: Option<&'a Path>,
    /// The build context, when it is known (on disk, or given).
    pub build_context: Option<&'a BuildContext>,
    pub(crate) current: Rule,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The scripts the `shellcheck` rule prepared, run after the walk (per file or
    /// batched across files).
    pub(crate) shellcheck_jobs: Vec<crate::shellcheck::Job>,
    line_index: OnceCell<LineIndex>,
    scripts: ScriptCache,
    /// The parsed RUN scripts, shared with the optimizer.
    parsed: Rc<ParsedScripts>,
    optimizer: OnceCell<Rc<Optimizer<'a>>>,
    /// Per-file facts that rules compute once (see [`Context::memo`]).
    memo: RefCell<foldhash::HashMap<std::any::TypeId, Rc<dyn std::any::Any>>>,
}

/// [`Context::file_walk`]: the walk the context's optimizer holds.
pub struct SharedWalk<'a>(Rc<Optimizer<'a>>);

impl std::ops::Deref for SharedWalk<'_> {
    type Target = FileWalk;

    fn deref(&self) -> &FileWalk {
        self.0.walk()
    }
}

/// Parsed scripts at `2 × instruction index (+ 1 for an ONBUILD trigger)`, a cell for
/// every key made up front: rules ask for a RUN's scripts ~40 times each, and reading a
/// cell is cheaper than borrowing a growing `RefCell<Vec<_>>`.
type ScriptCache = Vec<OnceCell<Rc<[ShellScript]>>>;

/// A diagnostic being reported: add a fix, a related location or a note.
pub struct Report<'c> {
    diagnostic: &'c mut Diagnostic,
}

impl Report<'_> {
    pub fn fix(self, fix: Fix) -> Self {
        self.diagnostic.fix = Some(fix);
        self
    }

    pub fn maybe_fix(self, fix: Option<Fix>) -> Self {
        self.diagnostic.fix = fix;
        self
    }

    pub fn related(self, range: TextRange, message: impl Into<String>) -> Self {
        self.diagnostic
            .related
            .push(layerlint_diagnostics::Related {
                range,
                message: message.into(),
            });
        self
    }

    pub fn note(self, note: impl Into<String>) -> Self {
        self.diagnostic.note = Some(note.into());
        self
    }
}

impl<'a> Context<'a> {
    pub fn source(&self) -> &'a str {
        self.file.source()
    }

    /// The source text of `range`.
    pub fn text(&self, range: TextRange) -> &'a str {
        &self.file.source()[range]
    }

    /// Lines and columns (computed on first use).
    pub fn line_index(&self) -> &LineIndex {
        self.line_index
            .get_or_init(|| LineIndex::new(self.file.source()))
    }

    /// The layer-cache planner over this file and its build context (when the context is
    /// the file's), built once for all the cache rules.
    pub fn optimizer(&self) -> Rc<Optimizer<'a>> {
        Rc::clone(self.optimizer.get_or_init(|| {
            Rc::new(Optimizer::with_parsed(
                self.file,
                self.semantic,
                self.build_context,
                Rc::clone(&self.parsed),
            ))
        }))
    }

    /// The file's stages walked as the builder sees them (working directory, user, shell,
    /// resolved COPY sources at each step), built once for all the cache rules.
    pub fn file_walk(&self) -> SharedWalk<'a> {
        SharedWalk(self.optimizer())
    }

    /// The shell scripts a RUN runs (its shell form, and heredoc bodies a POSIX shell
    /// executes), parsed once for all rules. Empty for other instructions, for the exec
    /// form, under a `SHELL` that is not a POSIX shell, and in a stage built on a Windows
    /// image without a `SHELL` (its default shell is `cmd`).
    pub fn scripts(&self, node: &Node<'_>) -> Rc<[ShellScript]> {
        let key = 2 * node.index + usize::from(node.onbuild.is_some());
        match self.scripts.get(key) {
            Some(cached) => Rc::clone(cached.get_or_init(|| self.parse_scripts(node))),
            None => self.parse_scripts(node),
        }
    }

    /// The programs the scripts of a RUN run, as the bits of [`crate::rule::Programs`].
    fn programs(&self, node: &Node<'_>) -> u64 {
        crate::rules::shell::package_managers::programs(&self.scripts(node))
    }

    /// The scripts of `node`, parsed (what [`Context::scripts`] keeps).
    /// A RUN under a Windows image's default shell (`cmd /S /C`, [`Stage::windows`]) or a
    /// non-POSIX `SHELL` has none: [`scripts`] reads only what a POSIX shell runs.
    ///
    /// [`Stage::windows`]: layerlint_syntax::semantic::Stage::windows
    fn parse_scripts(&self, node: &Node<'_>) -> Rc<[ShellScript]> {
        if node.instruction.kind == InstructionKind::Run {
            scripts(self.file, node.instruction, node.shell, &self.parsed).into()
        } else {
            Rc::from(Vec::new())
        }
    }

    /// The file's parsed RUN scripts (what [`Context::scripts`] reads through).
    pub(crate) fn parsed(&self) -> &ParsedScripts {
        &self.parsed
    }

    /// The scripts of a RUN as the layer-cache planner reads them
    /// ([`layerlint_cache::script::run_scripts`]), parsed once for the planner and every rule.
    pub fn run_scripts(
        &self,
        run: &Instruction,
        shell: &[String],
    ) -> Option<Vec<Rc<layerlint_shell::Script>>> {
        layerlint_cache::script::run_scripts(self.file, run, shell, &self.parsed)
    }

    /// A fact about the whole file, computed on first use and shared by every rule and
    /// instruction (one value per type `T`): for what would otherwise be recomputed per
    /// instruction from the instructions before it (quadratic on big files).
    pub(crate) fn memo<T: 'static>(&self, compute: impl FnOnce(&Self) -> T) -> Rc<T> {
        let key = std::any::TypeId::of::<T>();
        if let Some(found) = self.memo.borrow().get(&key) {
            return Rc::clone(found)
                .downcast::<T>()
                .expect("memo keyed by type");
        }
        let value = Rc::new(compute(self));
        self.memo
            .borrow_mut()
            .insert(key, Rc::clone(&value) as Rc<dyn std::any::Any>);
        value
    }

    /// The rule options from the settings.
    pub fn options(&self) -> &'a crate::settings::Options {
        &self.settings.options
    }

    /// The file's line ending (`"\r\n"` when its first line ends so), for fixes that add
    /// lines.
    pub fn newline(&self) -> &'static str {
        let source = self.file.source();
        match source.find('\n') {
            Some(i) if source[..i].ends_with('\r') => "\r\n",
            _ => "\n",
        }
    }

    /// Reports a finding of the running rule.
    pub fn report(&mut self, range: TextRange, message: impl Into<String>) -> Report<'_> {
        let meta = self.current.meta();
        self.diagnostics.push(Diagnostic::new(meta, range, message));
        let diagnostic = self.diagnostics.last_mut().expect("just pushed");
        Report { diagnostic }
    }
}

/// A rule with its state, behind one object type for the engine.
pub(crate) trait AnyCheck {
    fn instruction(&mut self, cx: &mut Context<'_>, node: &Node<'_>);
    fn start_stage(&mut self, cx: &mut Context<'_>, stage: &Stage);
    fn end_stage(&mut self, cx: &mut Context<'_>, stage: &Stage);
    fn finish(&mut self, cx: &mut Context<'_>);
    /// Back to the state of a new runner, for the next file.
    fn reset(&mut self);
    /// Whether the runner holds nothing (rule and state of size zero): [`AnyCheck::reset`]
    /// would not change it.
    fn is_stateless(&self) -> bool;
}

#[derive(Default)]
pub(crate) struct Runner<R: Check> {
    rule: R,
    state: R::State,
}

impl<R: Check> AnyCheck for Runner<R> {
    fn instruction(&mut self, cx: &mut Context<'_>, node: &Node<'_>) {
        self.rule.instruction(cx, &mut self.state, node);
    }

    fn start_stage(&mut self, cx: &mut Context<'_>, stage: &Stage) {
        self.rule.start_stage(cx, &mut self.state, stage);
    }

    fn end_stage(&mut self, cx: &mut Context<'_>, stage: &Stage) {
        self.rule.end_stage(cx, &mut self.state, stage);
    }

    fn finish(&mut self, cx: &mut Context<'_>) {
        self.rule.finish(cx, &mut self.state);
    }

    fn reset(&mut self) {
        *self = Runner::default();
    }

    fn is_stateless(&self) -> bool {
        size_of::<Self>() == 0
    }
}

const KINDS: usize = InstructionKind::Unknown as usize + 1;

/// What a walk over a file gives: the findings, and the scripts prepared for ShellCheck.
pub(crate) struct Walk {
    pub diagnostics: Vec<Diagnostic>,
    pub shellcheck_jobs: Vec<crate::shellcheck::Job>,
}

/// Which runners want each instruction kind, which of them also want `ONBUILD` triggers
/// of that kind, and which define each of the other hooks.
struct Dispatch {
    rules: Vec<Rule>,
    by_kind: [Vec<Entry>; KINDS],
    triggers_by_kind: [Vec<Entry>; KINDS],
    start_stage: Vec<Entry>,
    end_stage: Vec<Entry>,
    finish: Vec<Entry>,
}

/// A runner to call: its index in the rule list, with the rule itself (it becomes the
/// current rule), so that a call reads one entry rather than the rule list as well.
#[derive(Clone, Copy)]
struct Entry {
    rule: Rule,
    runner: u16,
    /// For a RUN, the programs of which the RUN must run one ([`Check::PROGRAMS`] as
    /// bits); 0 for every RUN, and for other instructions.
    programs: u64,
}

/// A rule list's dispatch table and runners, kept for the next file of the same list.
struct Runners {
    dispatch: Dispatch,
    runners: Vec<Box<dyn AnyCheck>>,
    /// The runners that hold something, the only ones [`Runners::take`] resets: most
    /// rules keep no state, and a reset through the box is a call per rule per file.
    stateful: Vec<usize>,
}

thread_local! {
    /// The table and runners of the last file linted on this thread: every file of a run
    /// usually enables the same rules, so the table (it cost as much as a small rule) is
    /// built once and the runners are reset for the next file instead of allocated again
    /// (a box per rule per file).
    static RUNNERS: RefCell<Option<Runners>> = const { RefCell::new(None) };
}

impl Runners {
    /// The table and fresh runners for `rules`: the kept ones, the runners reset, when
    /// they are for the same list.
    fn take(rules: &[Rule]) -> Runners {
        match RUNNERS.with(|kept| kept.borrow_mut().take()) {
            Some(mut kept) if kept.dispatch.rules == rules => {
                for &i in &kept.stateful {
                    kept.runners[i].reset();
                }
                kept
            }
            _ => {
                let runners: Vec<Box<dyn AnyCheck>> =
                    rules.iter().map(|rule| rule.runner()).collect();
                let stateful = (0..runners.len())
                    .filter(|&i| !runners[i].is_stateless())
                    .collect();
                Runners {
                    dispatch: Dispatch::new(rules),
                    runners,
                    stateful,
                }
            }
        }
    }

    /// Keeps the table and runners for the next file on this thread.
    fn keep(self) {
        RUNNERS.with(|kept| *kept.borrow_mut() = Some(self));
    }
}

impl Dispatch {
    fn new(rules: &[Rule]) -> Dispatch {
        let mut by_kind: [Vec<Entry>; KINDS] = std::array::from_fn(|_| Vec::new());
        let mut triggers_by_kind: [Vec<Entry>; KINDS] = std::array::from_fn(|_| Vec::new());
        let mut hooks: [Vec<Entry>; 3] = Default::default();
        for (i, rule) in rules.iter().enumerate() {
            let i = Entry {
                rule: *rule,
                runner: u16::try_from(i).expect("fewer than 65,536 rules"),
                programs: 0,
            };
            let wants = rule.wants();
            for (kind, index) in (0..KINDS).map(|k| (kind_from_index(k), k)) {
                if wants.contains(kind) {
                    let i = match kind {
                        InstructionKind::Run if filter_runs() => Entry {
                            programs: rule.programs().bits(),
                            ..i
                        },
                        _ => i,
                    };
                    by_kind[index].push(i);
                    if wants.onbuild_triggers {
                        triggers_by_kind[index].push(i);
                    }
                }
            }
            for (list, defined) in hooks.iter_mut().zip(rule.hooks()) {
                if defined {
                    list.push(i);
                }
            }
        }
        let [start_stage, end_stage, finish] = hooks;
        Dispatch {
            rules: rules.to_vec(),
            by_kind,
            triggers_by_kind,
            start_stage,
            end_stage,
            finish,
        }
    }
}

/// Runs `rules` over the file.
pub(crate) fn run(
    file: &Dockerfile,
    semantic: &Semantic,
    parse_errors: &[ParseError],
    settings: &Settings,
    target: &Target<'_>,
    rules: &[Rule],
) -> Walk {
    let mut kept = Runners::take(rules);
    let Runners {
        dispatch, runners, ..
    } = &mut kept;
    let (by_kind, triggers_by_kind) = (&dispatch.by_kind, &dispatch.triggers_by_kind);
    let mut cx = Context {
        file,
        semantic,
        settings,
        parse_errors,
        path: target.path,
        build_context: target.context,
        current: rules.first().copied().unwrap_or(Rule::ALL[0]),
        diagnostics: Vec::new(),
        shellcheck_jobs: Vec::new(),
        line_index: OnceCell::new(),
        // Keyed by instruction index (twice: with and without an ONBUILD trigger).
        scripts: std::iter::repeat_with(OnceCell::new)
            .take(2 * file.instructions().len())
            .collect(),
        parsed: Rc::default(),
        optimizer: OnceCell::new(),
        memo: RefCell::default(),
    };
    // The SHELL each stage ends with, for stages built on it.
    let mut stage_shells: Vec<Vec<String>> = Vec::with_capacity(semantic.stages.len());
    let mut shell: Vec<String> = Vec::new();
    let escape = file.escape();
    let mut scope = Scope::with_platform();
    let mut current_stage: Option<&Stage> = None;
    for (index, instruction) in file.instructions().iter().enumerate() {
        if instruction.kind == InstructionKind::From {
            if let Some(stage) = current_stage {
                each(&dispatch.end_stage, runners, &mut cx, |r, cx| {
                    r.end_stage(cx, stage);
                });
            }
            if current_stage.is_some() {
                stage_shells.push(std::mem::take(&mut shell));
            }
            current_stage = semantic.stage_of(index).map(|s| &semantic.stages[s]);
            if let Some(stage) = current_stage {
                scope = semantic.next_stage_scope(stage.index, std::mem::take(&mut scope));
                shell = match stage.base {
                    layerlint_syntax::semantic::Base::Stage(parent) => {
                        stage_shells.get(parent).cloned().unwrap_or_default()
                    }
                    // Windows images run RUN with `cmd /S /C`.
                    _ if stage.windows => ["cmd", "/S", "/C"].map(String::from).to_vec(),
                    _ => Vec::new(),
                };
                each(&dispatch.start_stage, runners, &mut cx, |r, cx| {
                    r.start_stage(cx, stage);
                });
            }
        }
        // The instruction, then an `ONBUILD`'s trigger for the rules that want triggers.
        let trigger = match &instruction.body {
            Body::Onbuild(Some(trigger)) => Some((&**trigger, Some(instruction), triggers_by_kind)),
            _ => None,
        };
        for (instruction, onbuild, wanting) in
            std::iter::once((instruction, None, by_kind)).chain(trigger)
        {
            let node = Node {
                index,
                instruction,
                onbuild,
                stage: current_stage,
                scope: &scope,
                shell: &shell,
            };
            // The programs the RUN runs, found for the first rule that names some.
            let mut programs = None;
            for entry in &wanting[instruction.kind as usize] {
                if entry.programs != 0
                    && entry.programs & *programs.get_or_insert_with(|| cx.programs(&node)) == 0
                {
                    continue;
                }
                cx.current = entry.rule;
                runners[usize::from(entry.runner)].instruction(&mut cx, &node);
            }
        }
        if let Body::Shell(Some(layerlint_syntax::CommandLine::Exec(exec))) = &instruction.body {
            shell = exec.args.iter().map(|a| a.text.clone()).collect();
        }
        if current_stage.is_some() {
            semantic.apply_in_stage(&mut scope, index);
        } else if instruction.kind == InstructionKind::Arg {
            // Before the first FROM: global ARGs see the platform ARGs and earlier globals.
            scope.apply_global(index, instruction, escape);
        }
    }
    if let Some(stage) = current_stage {
        each(&dispatch.end_stage, runners, &mut cx, |r, cx| {
            r.end_stage(cx, stage);
        });
    }
    each(&dispatch.finish, runners, &mut cx, |r, cx| {
        r.finish(cx);
    });
    let walk = Walk {
        diagnostics: cx.diagnostics,
        shellcheck_jobs: cx.shellcheck_jobs,
    };
    kept.keep();
    walk
}

/// Calls `hook` on the runners in `list`, each as the current rule.
fn each(
    list: &[Entry],
    runners: &mut [Box<dyn AnyCheck>],
    cx: &mut Context<'_>,
    mut hook: impl FnMut(&mut dyn AnyCheck, &mut Context<'_>),
) {
    for entry in list {
        cx.current = entry.rule;
        hook(runners[usize::from(entry.runner)].as_mut(), cx);
    }
}

#[cfg(not(test))]
fn filter_runs() -> bool {
    true
}

#[cfg(test)]
thread_local! {
    /// Whether the RUNs a rule sees are filtered by the programs it names: the tests
    /// compare what every rule finds with and without.
    static FILTER_RUNS: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

#[cfg(test)]
fn filter_runs() -> bool {
    FILTER_RUNS.get()
}

fn kind_from_index(index: usize) -> InstructionKind {
    InstructionKind::ALL
        .iter()
        .copied()
        .find(|k| *k as usize == index)
        .unwrap_or(InstructionKind::Unknown)
}

#[cfg(test)]
mod tests {
    use crate::settings::ShellcheckSetting;
    use crate::{Rule, Settings, lint};

    /// The engine calls a rule's `start_stage`, `end_stage` and `finish` only when its file
    /// defines them (`build.rs` looks there, see `Rule::hooks`): no other file under
    /// `src/rules` may define them.
    #[test]
    fn hooks_are_defined_in_rule_files() {
        let mut dirs = vec![std::path::PathBuf::from("src/rules")];
        let mut files = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("src/rules is readable") {
                let path = entry.expect("readable entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("readable rule source");
                files += 1;
                for hook in ["start_stage", "end_stage", "finish"] {
                    assert!(
                        !text.contains(&format!("fn {hook}(")) || text.contains("declare_rule!"),
                        "{} defines `{hook}` outside a rule file: the engine would not call it",
                        path.display()
                    );
                }
            }
        }
        assert!(files > 100, "walked {files} files");
    }

    /// Every rule enabled, ShellCheck off.
    fn all_rules() -> Settings {
        let mut settings = Settings::default();
        for &rule in Rule::ALL {
            settings.set_enabled(rule, true);
        }
        settings.options.shellcheck = ShellcheckSetting::Off;
        settings
    }

    /// A RUN under a Windows image's default shell (`cmd /S /C`: the image, a parent
    /// stage's, or `--platform=windows/…`) has no shell script for the shell rules, as
    /// under a non-POSIX `SHELL`; a stage that is not Windows has one again.
    #[test]
    fn windows_runs_have_no_shell_scripts() {
        let settings = all_rules();
        let shell_findings = |source: &str| -> Vec<(usize, &'static str)> {
            lint(source, None, &settings)
                .diagnostics
                .iter()
                .filter(|d| d.rule.name == "apt-get-missing-yes")
                .map(|d| {
                    let line = source[..d.range.start().to_usize()].matches('\n').count();
                    (line + 1, d.rule.name)
                })
                .collect()
        };
        let run = "RUN apt-get install curl\n";
        let source = format!(
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS w\n{run}\
             FROM w\n{run}\
             FROM --platform=windows/amd64 example/tool:1\n{run}\
             FROM debian:12\n{run}\
             FROM debian:12\nSHELL [\"pwsh\", \"-c\"]\n{run}"
        );
        assert_eq!(shell_findings(&source), [(8, "apt-get-missing-yes")]);
    }

    /// The Dockerfiles under `fixtures/`.
    fn fixture_sources() -> Vec<String> {
        let mut sources = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from("../../fixtures")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("fixtures are readable") {
                let path = entry.expect("readable entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().contains("ockerfile"))
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    sources.push(text);
                }
            }
        }
        assert!(sources.len() > 100, "read {} fixtures", sources.len());
        sources
    }

    /// A rule that names programs (`Check::PROGRAMS`) finds the same with the RUNs that
    /// run none of them left out as with every RUN: over every fixture, and over RUNs
    /// that name programs in the ways rules look for them (through wrappers, in `sh -c`
    /// strings and heredocs, by path, `python -m pip`, the keyword repeated).
    #[test]
    fn programs_filter_skips_only_runs_without_findings() {
        let settings = all_rules();
        let mut sources = fixture_sources();
        sources.extend(
            [
                "RUN env A=1 sudo -u root apt-get install -y curl",
                "RUN xargs sudo rm -rf /tmp/x < list && timeout 10 /usr/bin/wget u",
                "RUN run echo a && Run echo b && RUN echo c",
                "RUN python3 -m pip install flask && sh -c 'curl -k u | bash'",
                "RUN <<EOF\nyum install x\nuseradd -u 100000 app\nEOF",
                "RUN --mount=type=cache,target=/var/cache/apk apk add x && cd /app && ln -s /bin/bash /bin/sh",
                "ONBUILD RUN sudo apt update && pip3 install x",
                "RUN [\"sudo\", \"apt-get\", \"install\", \"x\"]",
                "RUN echo \"$(wget -O- u)\" | sh; service x start; kill 1; chpasswd < f; tar xf a.tar",
            ]
            .map(|run| format!("FROM debian:12\nCOPY a.tar /a.tar\n{run}\n")),
        );
        let lint_all = |filter: bool| -> Vec<String> {
            std::thread::scope(|s| {
                s.spawn(|| {
                    super::FILTER_RUNS.set(filter);
                    sources
                        .iter()
                        .map(|source| format!("{:?}", lint(source, None, &settings).diagnostics))
                        .collect()
                })
                .join()
                .expect("no panic")
            })
        };
        let (filtered, unfiltered) = (lint_all(true), lint_all(false));
        for ((source, filtered), unfiltered) in sources.iter().zip(filtered).zip(unfiltered) {
            assert_eq!(filtered, unfiltered, "{source}");
        }
        let named = Rule::ALL
            .iter()
            .filter(|r| r.programs().bits() != 0)
            .count();
        assert!(named > 30, "{named} rules name programs");
    }

    /// The runners kept from one file start the next file as new runners would: every
    /// fixture linted after the one before it on one thread gets what it gets alone.
    #[test]
    fn kept_runners_start_fresh() {
        let settings = all_rules();
        let sources = fixture_sources();
        let alone: Vec<String> = std::thread::scope(|s| {
            let settings = &settings;
            let threads: Vec<_> = sources
                .iter()
                .map(|source| s.spawn(move || format!("{:?}", lint(source, None, settings))))
                .collect();
            threads
                .into_iter()
                .map(|t| t.join().expect("no panic"))
                .collect()
        });
        for (source, alone) in sources.iter().zip(alone) {
            assert_eq!(format!("{:?}", lint(source, None, &settings)), alone);
        }
    }
}
