//! The engine: one walk over the file, handing each instruction to the rules that want it.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use layerlint_cache::BuildContext;
use layerlint_cache::optimize::Optimizer;
use layerlint_cache::script::ParsedScripts;
use layerlint_cache::stage::FileWalk;

use layerlint_diagnostics::{Diagnostic, Fix};
use layerlint_syntax::semantic::{PLATFORM_ARGS, Scope, Semantic, Stage, Var, VarSource};
use layerlint_syntax::{Body, Dockerfile, Instruction, InstructionKind, ParseError};
use layerlint_text::{LineIndex, TextRange};

use crate::rule::{Check, Wants};
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
    scripts: RefCell<ScriptCache>,
    /// The parsed RUN scripts, shared with the optimizer.
    parsed: Rc<ParsedScripts>,
    optimizer: OnceCell<Rc<Optimizer<'a>>>,
    /// Per-file facts that rules compute once (see [`Context::memo`]).
    memo: RefCell<HashMap<std::any::TypeId, Rc<dyn std::any::Any>>>,
}

/// [`Context::file_walk`]: the walk the context's optimizer holds.
pub struct SharedWalk<'a>(Rc<Optimizer<'a>>);

impl std::ops::Deref for SharedWalk<'_> {
    type Target = FileWalk;

    fn deref(&self) -> &FileWalk {
        self.0.walk()
    }
}

/// Parsed scripts at `2 × instruction index (+ 1 for an ONBUILD trigger)`.
type ScriptCache = Vec<Option<Rc<[ShellScript]>>>;

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
        if let Some(Some(found)) = self.scripts.borrow().get(key) {
            return Rc::clone(found);
        }
        let windows_default_shell =
            node.shell.is_empty() && node.stage.is_some_and(|s| self.is_windows_stage(s.index));
        let parsed: Rc<[ShellScript]> =
            if node.instruction.kind == InstructionKind::Run && !windows_default_shell {
                scripts(self.file, node.instruction, node.shell, &self.parsed).into()
            } else {
                Rc::from(Vec::new())
            };
        let mut cache = self.scripts.borrow_mut();
        if cache.len() <= key {
            cache.resize(key + 1, None);
        }
        cache[key] = Some(Rc::clone(&parsed));
        parsed
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

    /// Whether a stage is built on a Windows image (`mcr.microsoft.com/windows/servercore`,
    /// `…/nanoserver`), whose default shell is `cmd /S /C`, not `/bin/sh -c`.
    fn is_windows_stage(&self, mut stage: usize) -> bool {
        for _ in 0..=self.semantic.stages.len() {
            match self.semantic.stages.get(stage).map(|s| &s.base) {
                Some(layerlint_syntax::semantic::Base::Stage(parent)) if *parent < stage => {
                    stage = *parent;
                }
                Some(layerlint_syntax::semantic::Base::Image {
                    resolved: Some(image),
                    ..
                }) => {
                    let image = image.to_ascii_lowercase();
                    return ["windows/", "nanoserver", "servercore"]
                        .iter()
                        .any(|w| image.contains(w));
                }
                _ => return false,
            }
        }
        false
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
    fn wants(&self) -> Wants;
    fn instruction(&mut self, cx: &mut Context<'_>, node: &Node<'_>);
    fn start_stage(&mut self, cx: &mut Context<'_>, stage: &Stage);
    fn end_stage(&mut self, cx: &mut Context<'_>, stage: &Stage);
    fn finish(&mut self, cx: &mut Context<'_>);
}

#[derive(Default)]
pub(crate) struct Runner<R: Check> {
    rule: R,
    state: R::State,
}

impl<R: Check> AnyCheck for Runner<R> {
    fn wants(&self) -> Wants {
        R::WANTS
    }

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
}

const KINDS: usize = InstructionKind::Unknown as usize + 1;

/// What a walk over a file gives: the findings, and the scripts prepared for ShellCheck.
pub(crate) struct Walk {
    pub diagnostics: Vec<Diagnostic>,
    pub shellcheck_jobs: Vec<crate::shellcheck::Job>,
}

/// Which runners want each instruction kind (by index into the rule list), and which of
/// them also want `ONBUILD` triggers of that kind.
struct Dispatch {
    rules: Vec<Rule>,
    by_kind: [Vec<u16>; KINDS],
    triggers_by_kind: [Vec<u16>; KINDS],
}

thread_local! {
    /// The table of the last rule list seen on this thread: every file of a run usually
    /// enables the same rules, and building the table cost as much as a small rule.
    static DISPATCH: RefCell<Option<Rc<Dispatch>>> = const { RefCell::new(None) };
}

impl Dispatch {
    fn for_rules(rules: &[Rule], runners: &[(Rule, Box<dyn AnyCheck>)]) -> Rc<Dispatch> {
        DISPATCH.with(|cached| {
            if let Some(table) = cached.borrow().as_ref()
                && table.rules == rules
            {
                return Rc::clone(table);
            }
            let table = Rc::new(Dispatch::new(rules, runners));
            *cached.borrow_mut() = Some(Rc::clone(&table));
            table
        })
    }

    fn new(rules: &[Rule], runners: &[(Rule, Box<dyn AnyCheck>)]) -> Dispatch {
        let mut by_kind: [Vec<u16>; KINDS] = std::array::from_fn(|_| Vec::new());
        let mut triggers_by_kind: [Vec<u16>; KINDS] = std::array::from_fn(|_| Vec::new());
        for (i, (_, runner)) in runners.iter().enumerate() {
            let i = u16::try_from(i).expect("fewer than 65,536 rules");
            let wants = runner.wants();
            for (kind, index) in (0..KINDS).map(|k| (kind_from_index(k), k)) {
                if wants.contains(kind) {
                    by_kind[index].push(i);
                    if wants.onbuild_triggers {
                        triggers_by_kind[index].push(i);
                    }
                }
            }
        }
        Dispatch {
            rules: rules.to_vec(),
            by_kind,
            triggers_by_kind,
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
    let mut runners: Vec<(Rule, Box<dyn AnyCheck>)> =
        rules.iter().map(|rule| (*rule, rule.runner())).collect();
    let dispatch = Dispatch::for_rules(rules, &runners);
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
        scripts: RefCell::new(Vec::new()),
        parsed: Rc::default(),
        optimizer: OnceCell::new(),
        memo: RefCell::new(HashMap::new()),
    };
    // The SHELL each stage ends with, for stages built on it.
    let mut stage_shells: Vec<Vec<String>> = Vec::with_capacity(semantic.stages.len());
    let mut shell: Vec<String> = Vec::new();
    let escape = file.escape();
    let mut scope = platform_scope();
    let mut current_stage: Option<&Stage> = None;
    for (index, instruction) in file.instructions().iter().enumerate() {
        if instruction.kind == InstructionKind::From {
            if let Some(stage) = current_stage {
                for (rule, runner) in &mut runners {
                    cx.current = *rule;
                    runner.end_stage(&mut cx, stage);
                }
            }
            if current_stage.is_some() {
                stage_shells.push(std::mem::take(&mut shell));
            }
            current_stage = semantic.stage_of(index).map(|s| &semantic.stages[s]);
            if let Some(stage) = current_stage {
                scope = semantic.stage_entry_scope(stage.index);
                shell = match stage.base {
                    layerlint_syntax::semantic::Base::Stage(parent) => {
                        stage_shells.get(parent).cloned().unwrap_or_default()
                    }
                    // Windows images run RUN with `cmd /S /C`.
                    _ if stage.windows => ["cmd", "/S", "/C"].map(String::from).to_vec(),
                    _ => Vec::new(),
                };
                for (rule, runner) in &mut runners {
                    cx.current = *rule;
                    runner.start_stage(&mut cx, stage);
                }
            }
        }
        let node = Node {
            index,
            instruction,
            onbuild: None,
            stage: current_stage,
            scope: &scope,
            shell: &shell,
        };
        for &i in &by_kind[instruction.kind as usize] {
            let (rule, runner) = &mut runners[usize::from(i)];
            cx.current = *rule;
            runner.instruction(&mut cx, &node);
        }
        if let Body::Onbuild(Some(trigger)) = &instruction.body {
            let node = Node {
                index,
                instruction: trigger,
                onbuild: Some(instruction),
                stage: current_stage,
                scope: &scope,
                shell: &shell,
            };
            for &i in &triggers_by_kind[trigger.kind as usize] {
                let (rule, runner) = &mut runners[usize::from(i)];
                cx.current = *rule;
                runner.instruction(&mut cx, &node);
            }
        }
        if let Body::Shell(Some(layerlint_syntax::CommandLine::Exec(exec))) = &instruction.body {
            shell = exec.args.iter().map(|a| a.text.clone()).collect();
        }
        if current_stage.is_some() {
            scope.apply(index, instruction, &semantic.global_scope, escape);
        } else if instruction.kind == InstructionKind::Arg {
            // Before the first FROM: global ARGs see the platform ARGs and earlier globals.
            let before = scope.clone();
            scope.apply(index, instruction, &before, escape);
        }
    }
    if let Some(stage) = current_stage {
        for (rule, runner) in &mut runners {
            cx.current = *rule;
            runner.end_stage(&mut cx, stage);
        }
    }
    for (rule, runner) in &mut runners {
        cx.current = *rule;
        runner.finish(&mut cx);
    }
    Walk {
        diagnostics: cx.diagnostics,
        shellcheck_jobs: cx.shellcheck_jobs,
    }
}

fn platform_scope() -> Scope {
    let mut scope = Scope::default();
    for (name, value) in PLATFORM_ARGS {
        scope.insert(
            name,
            Var {
                value: Some(value.to_owned()),
                source: VarSource::Platform,
            },
        );
    }
    scope
}

fn kind_from_index(index: usize) -> InstructionKind {
    InstructionKind::ALL
        .iter()
        .copied()
        .find(|k| *k as usize == index)
        .unwrap_or(InstructionKind::Unknown)
}
