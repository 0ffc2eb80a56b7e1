//! The dependency-install planner.
//!
//! In each stage it looks for a dependency install (`npm ci`, `pip install -r`, `go mod
//! download`, … see [`crate::classify`]) that runs after a copy of the sources (`COPY . .`,
//! `COPY src/ …` covering the manifests): every source edit then re-runs the install. The
//! rewrite it plans:
//!
//! 1. the copy of the sources (call it C) moves down, to right after the last RUN that does
//!    not need the sources — the install, and every RUN after it that reads only manifests
//!    or nothing of the project (`npx prisma generate`, `apt-get install`);
//! 2. a `COPY <manifests and lock files> <dir>` goes in before the first of those RUNs that
//!    reads manifests, with C's `--chown`/`--chmod`/`--link` (below C's destination as
//!    written when that is absolute or holds a variable: `/app/` even after `WORKDIR $A`,
//!    `$APP/` and not its default; relative to the working directory otherwise);
//! 3. nothing else moves: every other instruction, comment and flag stays where it is, and
//!    the RUNs keep their order. C takes the comment lines right above it along.
//!
//! Which manifests: those the install reads (`package.json`, the lock files, `.npmrc`,
//! `prisma/` for `prisma generate`, workspace manifests …), as they exist in the build
//! context when it is known, else the ecosystem's conventional names with wildcards for
//! the optional ones. A plan is refused — the finding stays, with the reason — when a
//! RUN between C and the install needs the sources, when the install itself needs them
//! (a `postinstall` script that builds, `poetry install` without `--no-root`, …), when
//! the context holds what the install writes (`node_modules`), or when C cannot move
//! safely (a `WORKDIR` in the way of a relative destination, an overlapping copy, a
//! `VOLUME`, a flag such as `--parents` that the copy of the manifests cannot carry, an
//! `--exclude` that leaves out a file the copy of the manifests names).

use foldhash::HashMap;
use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use layerlint_diagnostics::Edit;
use layerlint_syntax::expand::literal_word;
use layerlint_syntax::semantic::Semantic;
use layerlint_syntax::{Body, Dockerfile, InstructionKind};
use layerlint_text::{TextRange, TextSize};
use serde::Serialize;

use crate::BuildContext;
use crate::classify::{self, Install, InstallKind, Need, Project, Reads, RunAnalysis, RunSite};
use crate::dockerignore::{DockerIgnore, Pattern};
use crate::ecosystem::Ecosystem;
use crate::paths::{self, base_name, glob_match, has_wildcards, is_within, join, relative_to};
use crate::script::ParsedScripts;
use crate::stage::{CopyFrom, CopyStep, FileWalk, StageWalk, Step};

/// A dependency install that re-runs on every source edit.
#[derive(Clone, Debug)]
pub struct Finding {
    pub stage: usize,
    /// The RUN's instruction index.
    pub run: usize,
    /// The install command's range.
    pub range: TextRange,
    pub ecosystem: Ecosystem,
    pub kind: InstallKind,
    /// The install command as written.
    pub command: String,
    /// The copy of the sources before it.
    pub copy: usize,
    /// The rewrite, or why there is none.
    pub fix: Result<Rewrite, String>,
    /// What the rewrite could not check, for the fix's note.
    pub notes: Vec<String>,
}

/// A planned rewrite of one stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewrite {
    /// Text edits over the file (sorted, not overlapping).
    pub edits: Vec<Edit>,
    /// The `COPY` lines inserted.
    pub inserted: Vec<String>,
    /// The RUNs now before the copy of the sources (instruction indices).
    pub moved: Vec<usize>,
    /// The instruction the copy of the sources now follows.
    pub after: usize,
}

/// How one source of a COPY is read (the source at the same index of
/// [`CopyStep::sources`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SourceKind {
    /// A directory (the context root is `""`): its contents land in the destination.
    Dir,
    File,
    Glob,
    Url,
}

fn source_kinds(copy: &CopyStep, context: Option<&BuildContext>) -> Vec<SourceKind> {
    copy.sources
        .iter()
        .zip(&copy.written)
        .map(|(source, written)| {
            if CopyStep::is_url(source) {
                SourceKind::Url
            } else if source.is_empty() {
                SourceKind::Dir
            } else if has_wildcards(source) {
                SourceKind::Glob
            } else if let Some(context) = context.filter(|c| c.exists(source)) {
                if context.is_dir(source) {
                    SourceKind::Dir
                } else {
                    SourceKind::File
                }
            } else if written.ends_with('/')
                || !base_name(source).contains('.')
                    && !Ecosystem::is_manifest_name(base_name(source))
            {
                SourceKind::Dir
            } else {
                SourceKind::File
            }
        })
        .collect()
}

/// A copy from the context that brings in the sources: a directory (`.`, `src/`) or a
/// wildcard that is not a manifest pattern (`*.py`). A copy of files named one by one
/// (`COPY package.json tsconfig.json ./`) is not one. `kinds` are its [`source_kinds`].
fn is_source_copy(copy: &CopyStep, kinds: &[SourceKind]) -> bool {
    if copy.from != CopyFrom::Context || copy.sources.is_empty() {
        return false;
    }
    copy.sources.iter().zip(kinds).any(|(q, kind)| match kind {
        SourceKind::Dir => true,
        SourceKind::Glob => !Ecosystem::is_manifest_pattern(base_name(q)),
        SourceKind::File | SourceKind::Url => false,
    })
}

/// What the planner asks of a COPY step, computed once per step: the planner and the
/// rules ask about the same copies for every RUN after them, and telling a manifest
/// pattern (`package*.json`) from a source wildcard matches it against every ecosystem's
/// names.
#[derive(Clone, Debug)]
struct CopyFacts {
    /// [`source_kinds`], made when asked for: a copy from a stage or an image is no copy of
    /// the sources whatever its kinds, and most are asked nothing else.
    kinds: OnceCell<Vec<SourceKind>>,
    /// [`is_source_copy`].
    source: bool,
}

impl CopyFacts {
    fn of(copy: &CopyStep, context: Option<&BuildContext>) -> CopyFacts {
        let kinds = OnceCell::new();
        // `is_source_copy` is false for these without looking at the kinds.
        let source = copy.from == CopyFrom::Context
            && !copy.sources.is_empty()
            && is_source_copy(copy, kinds.get_or_init(|| source_kinds(copy, context)));
        CopyFacts { kinds, source }
    }

    fn kinds(&self, copy: &CopyStep, context: Option<&BuildContext>) -> &[SourceKind] {
        self.kinds.get_or_init(|| source_kinds(copy, context))
    }

    fn into_kinds(self, copy: &CopyStep, context: Option<&BuildContext>) -> Vec<SourceKind> {
        self.kinds
            .into_inner()
            .unwrap_or_else(|| source_kinds(copy, context))
    }
}

/// Whether `source`, a source of `copy` whose sources are of `kinds`, is read as a
/// directory (its contents copied).
fn is_dir_source(copy: &CopyStep, kinds: &[SourceKind], source: &str) -> bool {
    copy.sources
        .iter()
        .zip(kinds)
        .any(|(s, kind)| s == source && *kind == SourceKind::Dir)
}

/// The context path a container path comes from through `copy`, if it does.
fn map_through(copy: &CopyStep, kinds: &[SourceKind], path: &str) -> Option<String> {
    for (q, kind) in copy.sources.iter().zip(kinds).rev() {
        match kind {
            SourceKind::Dir => {
                if let Some(rel) = relative_to(path, &copy.dest) {
                    return Some(paths::context_path(&join(
                        if q.is_empty() { "." } else { q },
                        rel,
                    )));
                }
            }
            SourceKind::File => {
                if copy.target_of(q) == path {
                    return Some(q.clone());
                }
            }
            SourceKind::Glob => {
                if copy.dest_is_dir
                    && paths::clean(paths::parent(path)) == paths::clean(&copy.dest)
                    && glob_match(base_name(q), base_name(path))
                {
                    return Some(paths::context_path(&join(
                        if paths::parent(q).is_empty() {
                            "."
                        } else {
                            paths::parent(q)
                        },
                        base_name(path),
                    )));
                }
            }
            SourceKind::Url => {}
        }
    }
    None
}

/// The project as the copies from the context before a RUN lay it out.
struct Through<'a> {
    context: Option<&'a BuildContext>,
    copies: Vec<(&'a CopyStep, Cow<'a, [SourceKind]>)>,
}

impl Through<'_> {
    fn mapped(&self, path: &str) -> Vec<String> {
        self.copies
            .iter()
            .rev()
            .filter_map(|(copy, kinds)| map_through(copy, kinds, path))
            .collect()
    }

    fn present(&self, context: &BuildContext, q: &str) -> bool {
        context.exists(q) && !context.is_ignored(q)
    }
}

impl Project for Through<'_> {
    fn exists(&self, path: &str) -> Option<bool> {
        let context = self.context?;
        let mapped = self.mapped(path);
        if mapped.is_empty() {
            return None;
        }
        Some(mapped.iter().any(|q| self.present(context, q)))
    }

    fn read(&self, path: &str) -> Option<String> {
        let context = self.context?;
        self.mapped(path)
            .into_iter()
            .find(|q| self.present(context, q))
            .and_then(|q| context.read(&q))
    }

    fn list(&self, dir: &str) -> Option<Vec<String>> {
        self.list_where(dir, &|_| true)
    }

    fn list_where(&self, dir: &str, keep: &dyn Fn(&str) -> bool) -> Option<Vec<String>> {
        let context = self.context?;
        let mapped = self.mapped(dir);
        if mapped.is_empty() {
            return None;
        }
        let mut names = Vec::new();
        for q in mapped {
            if !context.is_dir(&q) {
                continue;
            }
            // Without an ignore file nothing is left out: no path to build per name (a
            // project directory can hold thousands).
            let ignores = context.dockerignore().is_some();
            // The names `keep` refuses are left out first: no path to build, no ignore
            // rule to match.
            for name in context.names(&q).iter().filter(|name| keep(name)) {
                let ignored = ignores && {
                    let full = if q.is_empty() {
                        name.clone()
                    } else {
                        format!("{q}/{name}")
                    };
                    context.is_ignored(&full)
                };
                if !ignored {
                    names.push(name.clone());
                }
            }
        }
        names.sort();
        names.dedup();
        Some(names)
    }
}

/// The home directory of a user, for `~` and cache targets: `/root` for root; `None`
/// when not known.
pub fn home_of(user: Option<&str>) -> Option<String> {
    let name = user.map(|u| u.split(':').next().unwrap_or(u));
    match name {
        None | Some("" | "root" | "0") => Some("/root".to_owned()),
        Some(name) if name.chars().all(|c| c.is_ascii_digit()) => None,
        Some(name) => Some(format!("/home/{name}")),
    }
}

/// Whether `context` is the one the file is built with: every path a COPY or ADD names
/// (without wildcards or variables) is in it. A Dockerfile in a subdirectory is often
/// built with the repository root as its context (`docker build -f docker/Dockerfile .`);
/// taking its own directory for the context would make every manifest look missing, so
/// such a context is set aside and the planner works without one.
pub fn context_matches(walk: &FileWalk, context: &BuildContext) -> bool {
    walk.stages
        .iter()
        .flat_map(|s| &s.steps)
        .filter_map(|s| s.copy.as_deref())
        .filter(|c| c.from == CopyFrom::Context && !c.unresolved)
        .flat_map(|c| &c.sources)
        .filter(|s| !s.is_empty() && !has_wildcards(s) && !CopyStep::is_url(s))
        .all(|s| context.exists(s))
}

/// Directories whose name says they hold something other than a project's manifests.
const NOT_PROJECT_DIRS: [&str; 20] = [
    "prisma",
    "public",
    "static",
    "assets",
    "config",
    "conf",
    "migrations",
    "scripts",
    "templates",
    "docs",
    "test",
    "tests",
    "bin",
    "certs",
    "nginx",
    "data",
    "resources",
    "locales",
    "fonts",
    "images",
];

/// The planner over one file.
pub struct Optimizer<'a> {
    file: &'a Dockerfile,
    context: Option<&'a BuildContext>,
    walk: FileWalk,
    /// What is remembered per step of `walk`, by instruction index: the planner and the
    /// rules ask about the same RUNs and COPYs many times.
    memo: Vec<StepMemo>,
    /// [`Optimizer::analyze`]'s answers by (stage, position), for a stage of another walk.
    analyses: RefCell<ByRun<RunAnalysis>>,
    /// [`Optimizer::scripts`]' answers by (stage, position), for a stage of another walk.
    scripts: RefCell<ByRun<Vec<Rc<layerlint_shell::Script>>>>,
    /// The parsed scripts, shared with whoever else reads this file's RUNs (the linter).
    parsed: Rc<ParsedScripts>,
    /// Per stage of `walk`, the positions of its steps that copy from the build context
    /// (computed once: scanning every earlier step per RUN is quadratic on big files).
    context_copies: std::sync::OnceLock<Vec<Vec<usize>>>,
    /// From this many steps, a stage's reads are carried forward ([`Optimizer::carries`]).
    carry_from: usize,
    /// What is carried forward through the stages that carry it, made for the first (most
    /// files have none: they pay one pointer).
    carried: OnceCell<Box<Carried>>,
}

/// What the planner carries forward through the stages of its walk of many steps
/// ([`Optimizer::carries`]).
#[derive(Default)]
struct Carried {
    /// Per stage, [`Optimizer::project_dirs_before`] the positions asked about so far
    /// (collecting them from every earlier step per RUN is quadratic on big files).
    project_dirs: RefCell<Vec<ProjectDirs>>,
    /// Per stage and container path, the copies that provide it, read up to a position
    /// ([`Optimizer::with_providers`]): asked for every install, searching the copies
    /// before each is quadratic in a stage of many copies and RUNs.
    providers: RefCell<HashMap<(usize, String), Providers>>,
    /// Per stage and ecosystem: the steps read, and the first that installs its
    /// dependencies ([`Optimizer::installed_before`]).
    first_installs: RefCell<HashMap<(usize, Ecosystem), FirstInstall>>,
    /// Per stage, [`Optimizer::distinct_copies_before`] the last position asked.
    distinct_copies: RefCell<Vec<DistinctCopies>>,
}

/// The distinct copies from the build context of a stage, read up to a position.
#[derive(Default)]
struct DistinctCopies {
    /// The steps before this position are read.
    upto: usize,
    /// Each distinct copy's last position, in order.
    positions: Vec<usize>,
}

/// [`Optimizer::carry_from`]: in a stage of fewer steps, searching costs less.
const CARRY_FROM: usize = 64;

/// How many steps of a stage are read, and the first that installs an ecosystem's
/// dependencies.
type FirstInstall = (usize, Option<usize>);

/// The copies of a stage that provide a path ([`Optimizer::provides`]), in order.
#[derive(Default)]
struct Providers {
    /// The steps before this position are read.
    upto: usize,
    /// The copies from the build context that provide it.
    any: Vec<usize>,
    /// Those of them that are copies of the sources.
    source: Vec<usize>,
}

/// The directories the copies of the sources in a stage go to, read up to a position.
#[derive(Default)]
struct ProjectDirs {
    /// The steps before this position are read.
    upto: usize,
    /// Each destination once, with the position of its first copy of the sources.
    dirs: Vec<(usize, String)>,
    seen: foldhash::HashSet<String>,
}

impl ProjectDirs {
    /// Reads the steps of `stage` up to `position`.
    fn extend(&mut self, optimizer: &Optimizer<'_>, stage: &StageWalk, position: usize) {
        if position <= self.upto {
            return;
        }
        for i in self.upto..position.min(stage.steps.len()) {
            if let Some(copy) = stage.steps[i].copy.as_deref()
                && copy.from == CopyFrom::Context
                && optimizer.is_source_copy_at(stage, i)
                && !self.seen.contains(&copy.dest)
            {
                self.seen.insert(copy.dest.clone());
                self.dirs.push((i, copy.dest.clone()));
            }
        }
        self.upto = position;
    }
}

/// What the optimizer remembers about one step of its walk.
#[derive(Default)]
struct StepMemo {
    /// [`Optimizer::analysis`].
    analysis: OnceCell<Option<Rc<RunAnalysis>>>,
    /// [`Optimizer::scripts`].
    scripts: OnceCell<Option<Rc<Vec<Rc<layerlint_shell::Script>>>>>,
    /// A COPY's or ADD's [`CopyFacts`].
    facts: OnceCell<CopyFacts>,
}

/// What the optimizer remembers per RUN: (stage, position) → the answer.
type ByRun<T> = HashMap<(usize, usize), Option<Rc<T>>>;

impl<'a> Optimizer<'a> {
    pub fn new(
        file: &'a Dockerfile,
        semantic: &Semantic,
        context: Option<&'a BuildContext>,
    ) -> Self {
        Self::with_parsed(file, semantic, context, Rc::default())
    }

    /// [`Optimizer::new`], reading RUNs through `parsed` (shared with the caller, who parses
    /// the same scripts).
    pub fn with_parsed(
        file: &'a Dockerfile,
        semantic: &Semantic,
        context: Option<&'a BuildContext>,
        parsed: Rc<ParsedScripts>,
    ) -> Self {
        let walk = FileWalk::new(file, semantic);
        let context = context.filter(|c| context_matches(&walk, c));
        Optimizer {
            file,
            context,
            walk,
            analyses: RefCell::default(),
            scripts: RefCell::default(),
            parsed,
            context_copies: std::sync::OnceLock::new(),
            carry_from: CARRY_FROM,
            carried: OnceCell::new(),
            memo: std::iter::repeat_with(StepMemo::default)
                .take(file.instructions().len())
                .collect(),
        }
    }

    /// What is remembered about the step at `position`, when `stage` is one of the
    /// planner's walk (the answers for a stage of another walk are not kept there).
    fn memo(&self, stage: &StageWalk, position: usize) -> Option<&StepMemo> {
        let own = self
            .walk
            .stages
            .get(stage.index)
            .is_some_and(|s| std::ptr::eq(s, stage));
        own.then(|| self.memo.get(stage.steps[position].index))
            .flatten()
    }

    /// Whether what the planner reads in `stage` is carried forward from step to step (the
    /// copies that provide each path, the first install of each ecosystem, the directories
    /// of the sources): in a stage of the planner's walk of many steps. In a stage of a
    /// few (most), searching the steps before each RUN costs less than remembering.
    fn carries(&self, stage: &StageWalk) -> bool {
        stage.steps.len() >= self.carry_from
            && self
                .walk
                .stages
                .get(stage.index)
                .is_some_and(|s| std::ptr::eq(s, stage))
    }

    /// The [`CopyFacts`] of the step at `position`, when it is a COPY or ADD: computed once
    /// for a stage of the planner's walk.
    fn facts<'s>(&'s self, stage: &'s StageWalk, position: usize) -> Option<Cow<'s, CopyFacts>> {
        let copy = stage.steps[position].copy.as_deref()?;
        match self.memo(stage, position) {
            Some(memo) => Some(Cow::Borrowed(
                memo.facts.get_or_init(|| CopyFacts::of(copy, self.context)),
            )),
            None => Some(Cow::Owned(CopyFacts::of(copy, self.context))),
        }
    }

    /// The source kinds of the step at `position` (a COPY or ADD).
    fn kinds<'s>(&'s self, stage: &'s StageWalk, position: usize) -> Cow<'s, [SourceKind]> {
        let copy = stage.steps[position].copy.as_deref().expect("a copy");
        match self.facts(stage, position).expect("a copy") {
            Cow::Borrowed(facts) => Cow::Borrowed(facts.kinds(copy, self.context)),
            Cow::Owned(facts) => Cow::Owned(facts.into_kinds(copy, self.context)),
        }
    }

    /// Whether the step at `position` is a copy of the sources ([`is_source_copy`]).
    fn is_source_copy_at(&self, stage: &StageWalk, position: usize) -> bool {
        self.facts(stage, position).is_some_and(|f| f.source)
    }

    /// The positions of the steps of `stage` before `position` that copy from the build
    /// context.
    fn context_copies_before<'s>(&'s self, stage: &StageWalk, position: usize) -> Cow<'s, [usize]> {
        let is_context_copy = |s: &crate::stage::Step| {
            s.copy
                .as_deref()
                .is_some_and(|c| c.from == CopyFrom::Context)
        };
        let Some(at) = self.walk.stages.iter().position(|s| std::ptr::eq(s, stage)) else {
            // A stage of another walk: look.
            return (0..position)
                .filter(|&i| is_context_copy(&stage.steps[i]))
                .collect::<Vec<_>>()
                .into();
        };
        let all = self.context_copies.get_or_init(|| {
            self.walk
                .stages
                .iter()
                .map(|stage| {
                    (0..stage.steps.len())
                        .filter(|&i| is_context_copy(&stage.steps[i]))
                        .collect()
                })
                .collect()
        });
        let positions = &all[at];
        Cow::Borrowed(&positions[..positions.partition_point(|&i| i < position)])
    }

    /// The destinations of the copies of the sources in `stage` before `position`, each
    /// once (in the order of their first copies): the directories that hold the project
    /// for [`RunSite::project_dirs`], which only asks whether any of them holds a path.
    fn project_dirs_before(&self, stage: &StageWalk, position: usize) -> Vec<String> {
        if !self.carries(stage) {
            // A stage of a few steps (or of another walk): look, keeping each copy's.
            let mut dirs = Vec::new();
            for &i in self.context_copies_before(stage, position).iter() {
                if let Some(copy) = stage.steps[i].copy.as_deref()
                    && self.is_source_copy_at(stage, i)
                {
                    dirs.push(copy.dest.clone());
                }
            }
            return dirs;
        }
        let mut all = self.carried().project_dirs.borrow_mut();
        if all.is_empty() {
            all.resize_with(self.walk.stages.len(), ProjectDirs::default);
        }
        let dirs = &mut all[stage.index];
        dirs.extend(self, stage, position);
        dirs.dirs
            .iter()
            .take_while(|(i, _)| *i < position)
            .map(|(_, dir)| dir.clone())
            .collect()
    }

    /// The positions of the copies from the build context in `stage` before `position`,
    /// each distinct copy (`COPY . .` made again) at its last position, in order: what
    /// `Through` reads with the copies made again left out. Its answers are the same:
    /// a copy maps a path as the same copy later does, and `Through` asks the later first.
    fn distinct_copies_before(&self, stage: &StageWalk, position: usize) -> Vec<usize> {
        let extend = |distinct: &mut DistinctCopies| {
            let copies = self.context_copies_before(stage, position);
            let from = copies.partition_point(|&i| i < distinct.upto);
            for &i in &copies[from..] {
                let copy = stage.steps[i].copy.as_deref();
                if let Some(slot) = distinct
                    .positions
                    .iter()
                    .position(|&j| stage.steps[j].copy.as_deref() == copy)
                {
                    distinct.positions.remove(slot);
                }
                distinct.positions.push(i);
            }
            distinct.upto = distinct.upto.max(position);
        };
        let mut all = self.carried().distinct_copies.borrow_mut();
        if all.is_empty() {
            all.resize_with(self.walk.stages.len(), DistinctCopies::default);
        }
        let distinct = &mut all[stage.index];
        if position < distinct.upto {
            // Asked out of order: made again.
            let mut fresh = DistinctCopies::default();
            extend(&mut fresh);
            return fresh.positions;
        }
        extend(distinct);
        distinct.positions.clone()
    }

    /// What is carried forward through the stages that carry it.
    fn carried(&self) -> &Carried {
        self.carried.get_or_init(Box::default)
    }

    /// The walk the planner works from.
    pub fn walk(&self) -> &FileWalk {
        &self.walk
    }

    pub fn file(&self) -> &'a Dockerfile {
        self.file
    }

    pub fn context(&self) -> Option<&'a BuildContext> {
        self.context
    }

    /// The context path that `copy` lays at the container path `path`, if it does.
    pub fn map_copy(&self, copy: &CopyStep, path: &str) -> Option<String> {
        map_through(copy, &source_kinds(copy, self.context), path)
    }

    /// [`Optimizer::map_copy`] for the COPY or ADD at `position` of `stage`, from the
    /// source kinds remembered for it (they stat the build context).
    pub fn map_copy_at(&self, stage: &StageWalk, position: usize, path: &str) -> Option<String> {
        let copy = stage.steps[position].copy.as_deref()?;
        map_through(copy, &self.kinds(stage, position), path)
    }

    /// [`Optimizer::source_is_dir`] for the COPY or ADD at `position` of `stage`, from the
    /// source kinds remembered for it.
    pub fn source_is_dir_at(&self, stage: &StageWalk, position: usize, source: &str) -> bool {
        let Some(copy) = stage.steps[position].copy.as_deref() else {
            return false;
        };
        is_dir_source(copy, &self.kinds(stage, position), source)
    }

    /// Whether a source of `copy` is read as a directory (its contents copied).
    pub fn source_is_dir(&self, copy: &CopyStep, source: &str) -> bool {
        is_dir_source(copy, &source_kinds(copy, self.context), source)
    }

    /// The analysis of a RUN step, with the copies of the sources before it in its stage.
    pub fn analyze(&self, stage: &StageWalk, position: usize) -> Option<RunAnalysis> {
        self.analysis(stage, position).map(|a| (*a).clone())
    }

    /// [`Optimizer::analyze`], computed once per RUN and shared (not copied for the caller).
    pub fn analysis(&self, stage: &StageWalk, position: usize) -> Option<Rc<RunAnalysis>> {
        if let Some(memo) = self.memo(stage, position) {
            return memo
                .analysis
                .get_or_init(|| self.analyze_uncached(stage, position).map(Rc::new))
                .clone();
        }
        let key = (stage.index, position);
        if let Some(known) = self.analyses.borrow().get(&key) {
            return known.clone();
        }
        let analysis = self.analyze_uncached(stage, position).map(Rc::new);
        self.analyses.borrow_mut().insert(key, analysis.clone());
        analysis
    }

    /// The parsed scripts of the RUN at `position` ([`crate::script::run_scripts`] under its
    /// shell), parsed once and shared.
    pub fn scripts(
        &self,
        stage: &StageWalk,
        position: usize,
    ) -> Option<Rc<Vec<Rc<layerlint_shell::Script>>>> {
        let parse = || {
            let step = &stage.steps[position];
            let instruction = &self.file.instructions()[step.index];
            crate::script::run_scripts(self.file, instruction, &step.shell, &self.parsed)
                .map(Rc::new)
        };
        if let Some(memo) = self.memo(stage, position) {
            return memo.scripts.get_or_init(parse).clone();
        }
        let key = (stage.index, position);
        if let Some(known) = self.scripts.borrow().get(&key) {
            return known.clone();
        }
        let scripts = parse();
        self.scripts.borrow_mut().insert(key, scripts.clone());
        scripts
    }

    /// Whether the RUN at `position` may install dependencies or build: one of its commands
    /// is named as a package manager or build tool ([`classify::may_install`]). When not,
    /// its analysis has no installs, and the questions about installs alone need not make
    /// it (it walks every command; most RUNs after a copy of the sources install nothing).
    pub fn may_install(&self, stage: &StageWalk, position: usize) -> bool {
        self.scripts(stage, position).is_some_and(|scripts| {
            scripts.iter().any(|script| {
                script.commands().any(|c| {
                    script
                        .unwrapped_name(c.id())
                        .is_some_and(classify::may_install)
                })
            })
        })
    }

    fn analyze_uncached(&self, stage: &StageWalk, position: usize) -> Option<RunAnalysis> {
        let step = &stage.steps[position];
        let scripts = self.scripts(stage, position)?;
        let mut copies: Vec<(&CopyStep, Cow<'_, [SourceKind]>)> = Vec::new();
        // Without a build context, `Through` answers nothing from its copies: none are
        // collected (a stage of thousands of copies would collect them for every RUN).
        if self.context.is_some() {
            // In a long stage, a copy made again (`COPY . .` before each RUN) maps each path
            // as its last making does: `Through` asks each distinct copy once.
            let positions = if self.carries(stage) {
                Cow::Owned(self.distinct_copies_before(stage, position))
            } else {
                self.context_copies_before(stage, position)
            };
            for &i in positions.iter() {
                let (Some(copy), Some(facts)) =
                    (stage.steps[i].copy.as_deref(), self.facts(stage, i))
                else {
                    continue;
                };
                let kinds = match facts {
                    Cow::Borrowed(facts) => Cow::Borrowed(facts.kinds(copy, self.context)),
                    Cow::Owned(facts) => Cow::Owned(facts.into_kinds(copy, self.context)),
                };
                copies.push((copy, kinds));
            }
        }
        let project_dirs = self.project_dirs_before(stage, position);
        let through = Through {
            context: self.context,
            copies,
        };
        let home = home_of(step.user.as_deref()).unwrap_or_else(|| "/?home".to_owned());
        let site = RunSite {
            workdir: &step.workdir,
            home: &home,
            project_dirs: &project_dirs,
            project: &through,
            scope: step.scope.as_ref().map(crate::scopes::ScopeAt::view),
        };
        Some(classify::analyze(&scripts, &site))
    }

    /// Every dependency install that runs after a copy of the sources, with its plan.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for stage in &self.walk.stages {
            out.extend(self.stage_findings(stage));
        }
        out
    }

    fn stage_findings(&self, stage: &StageWalk) -> Vec<Finding> {
        let mut out = Vec::new();
        let Some(first_source) = (0..stage.steps.len()).find(|&p| self.is_source_copy_at(stage, p))
        else {
            return out;
        };
        // The first install (or build) after a copy of the sources that provides its files.
        for position in first_source + 1..stage.steps.len() {
            if stage.steps[position].kind != InstructionKind::Run
                || !self.may_install(stage, position)
            {
                continue;
            }
            let Some(analysis) = self.analysis(stage, position) else {
                continue;
            };
            for install in &analysis.installs {
                let Some(copy_position) = self.source_copy_for(stage, position, install) else {
                    continue;
                };
                if install.kind == InstallKind::Build
                    && (self.installed_before(stage, copy_position, install.ecosystem)
                        || self.downloads_cached(&stage.steps[position], install.ecosystem))
                {
                    continue;
                }
                let plan = self.plan(stage, copy_position, position, install);
                let mut findings = self.findings_of(stage, copy_position, position, install, plan);
                out.append(&mut findings);
                return out;
            }
        }
        out
    }

    /// Whether a RUN keeps `ecosystem`'s downloads in a cache mount: a build without a
    /// separate install step then re-downloads nothing when the sources change.
    fn downloads_cached(&self, step: &Step, ecosystem: Ecosystem) -> bool {
        let Body::Run(run) = &self.file().instructions()[step.index].effective().body else {
            return false;
        };
        let home = home_of(step.user.as_deref()).unwrap_or_else(|| "/root".to_owned());
        ecosystem.info().caches.iter().any(|cache| {
            let cache = if cache.starts_with('/') {
                (*cache).to_owned()
            } else {
                format!("{}/{cache}", home.trim_end_matches('/'))
            };
            run.mounts.iter().any(|m| {
                m.is_cache_like()
                    && m.target().is_some_and(|t| {
                        let t = t.trim_end_matches('/');
                        t == cache || cache.starts_with(&format!("{t}/"))
                    })
            })
        })
    }

    /// Whether a stage runs an install of `ecosystem` before `position`.
    fn installed_before(&self, stage: &StageWalk, position: usize, ecosystem: Ecosystem) -> bool {
        if !self.carries(stage) {
            // A stage of a few steps (or of another walk): look.
            return self.installed_before_searching(stage, position, ecosystem);
        }
        let key = (stage.index, ecosystem);
        let (mut upto, mut first) = self
            .carried()
            .first_installs
            .borrow()
            .get(&key)
            .copied()
            .unwrap_or((0, None));
        while first.is_none() && upto < position {
            if self.installs_at(stage, upto, ecosystem) {
                first = Some(upto);
            }
            upto += 1;
        }
        self.carried()
            .first_installs
            .borrow_mut()
            .insert(key, (upto, first));
        first.is_some_and(|f| f < position)
    }

    /// [`Optimizer::installed_before`], searching the steps before `position`.
    fn installed_before_searching(
        &self,
        stage: &StageWalk,
        position: usize,
        ecosystem: Ecosystem,
    ) -> bool {
        (0..position).any(|p| self.installs_at(stage, p, ecosystem))
    }

    /// Whether the step at `p` is a RUN that installs `ecosystem`'s dependencies.
    fn installs_at(&self, stage: &StageWalk, p: usize, ecosystem: Ecosystem) -> bool {
        stage.steps[p].kind == InstructionKind::Run
            && self.may_install(stage, p)
            && self.analysis(stage, p).is_some_and(|a| {
                a.installs
                    .iter()
                    .any(|i| i.ecosystem == ecosystem && i.kind == InstallKind::Install)
            })
    }

    /// The copy of the sources before `position` that brings the install's files (for a
    /// build: that covers its directory).
    fn source_copy_for(
        &self,
        stage: &StageWalk,
        position: usize,
        install: &Install,
    ) -> Option<usize> {
        if !self.carries(stage) {
            // A stage of a few steps (or of another walk): look.
            return self.source_copy_for_searching(stage, position, install);
        }
        if install.kind == InstallKind::Build {
            // A copy of source directories into the build's directory, in a stage whose
            // copies bring the build's manifest (a module is built).
            let manifest = install.needs.iter().any(|n| {
                self.with_providers(stage, position, &n.path, |providers| {
                    providers.any.first().is_some_and(|&i| i < position)
                })
            });
            if !manifest {
                return None;
            }
            return (0..position).rev().find(|&p| {
                let Some(copy) = stage.steps[p].copy.as_deref() else {
                    return false;
                };
                self.is_source_copy_at(stage, p)
                    && self.kinds(stage, p).contains(&SourceKind::Dir)
                    && (is_within(&install.cwd, &copy.dest) || is_within(&copy.dest, &install.cwd))
            });
        }
        // The last copy of the sources that provides one of the files.
        install
            .needs
            .iter()
            .filter(|n| n.required && !n.dir)
            .filter_map(|n| {
                self.with_providers(stage, position, &n.path, |providers| {
                    let before = providers.source.partition_point(|&i| i < position);
                    before.checked_sub(1).map(|last| providers.source[last])
                })
            })
            .max()
    }

    /// Calls `answer` with the copies of `stage` (of the planner's walk) that provide
    /// `path` ([`Optimizer::provides`]), read up to `position` at least.
    fn with_providers<T>(
        &self,
        stage: &StageWalk,
        position: usize,
        path: &str,
        answer: impl FnOnce(&Providers) -> T,
    ) -> T {
        let key = (stage.index, path.to_owned());
        let mut providers = self
            .carried()
            .providers
            .borrow_mut()
            .remove(&key)
            .unwrap_or_default();
        let end = position.min(stage.steps.len());
        if providers.upto < end {
            let copies = self.context_copies_before(stage, end);
            let from = copies.partition_point(|&i| i < providers.upto);
            for &i in &copies[from..] {
                let Some(copy) = stage.steps[i].copy.as_deref() else {
                    continue;
                };
                if self.provides(copy, &self.kinds(stage, i), path) {
                    providers.any.push(i);
                    if self.is_source_copy_at(stage, i) {
                        providers.source.push(i);
                    }
                }
            }
            providers.upto = end;
        }
        let answer = answer(&providers);
        self.carried().providers.borrow_mut().insert(key, providers);
        answer
    }

    /// [`Optimizer::source_copy_for`], searching the steps before `position`.
    fn source_copy_for_searching(
        &self,
        stage: &StageWalk,
        position: usize,
        install: &Install,
    ) -> Option<usize> {
        (0..position).rev().find(|&p| {
            let Some(copy) = stage.steps[p].copy.as_deref() else {
                return false;
            };
            if !self.is_source_copy_at(stage, p) {
                return false;
            }
            let kinds = self.kinds(stage, p);
            if install.kind == InstallKind::Build {
                // A copy of source directories into the build's directory, in a stage
                // whose copies bring the build's manifest (a module is built).
                let manifest = install.needs.iter().any(|n| {
                    (0..position).any(|i| {
                        stage.steps[i]
                            .copy
                            .as_deref()
                            .filter(|c| c.from == CopyFrom::Context)
                            .is_some_and(|c| self.provides(c, &self.kinds(stage, i), &n.path))
                    })
                });
                return manifest
                    && kinds.contains(&SourceKind::Dir)
                    && (is_within(&install.cwd, &copy.dest)
                        || is_within(&copy.dest, &install.cwd));
            }
            install
                .needs
                .iter()
                .filter(|n| n.required && !n.dir)
                .any(|n| self.provides(copy, &kinds, &n.path))
        })
    }

    /// Whether `copy` lays a file at `path`: it maps there, and the context holds the
    /// file (when known); without a context, a directory with a name that says it holds
    /// something else (`prisma`, `public`, `config`) is taken not to.
    fn provides(&self, copy: &CopyStep, kinds: &[SourceKind], path: &str) -> bool {
        let Some(q) = map_through(copy, kinds, path) else {
            return false;
        };
        match self.context {
            Some(context) if has_wildcards(&q) => {
                let dir = paths::parent(&q);
                context.glob(dir, base_name(&q)).iter().any(|name| {
                    let full = if dir.is_empty() {
                        name.clone()
                    } else {
                        format!("{dir}/{name}")
                    };
                    !context.is_ignored(&full)
                })
            }
            Some(context) => context.exists(&q) && !context.is_ignored(&q),
            None => {
                let top = q.split('/').next().unwrap_or("");
                !NOT_PROJECT_DIRS.contains(&top) || !q.contains('/')
            }
        }
    }

    fn findings_of(
        &self,
        stage: &StageWalk,
        copy_position: usize,
        install_position: usize,
        install: &Install,
        plan: Result<(Rewrite, Vec<String>), String>,
    ) -> Vec<Finding> {
        let copy = stage.steps[copy_position].index;
        let finding = |run: usize,
                       install: &Install,
                       fix: Result<Rewrite, String>,
                       notes: Vec<String>| Finding {
            stage: stage.index,
            run,
            range: install.range,
            ecosystem: install.ecosystem,
            kind: install.kind,
            command: classify::short(&install.text),
            copy,
            fix,
            notes,
        };
        match plan {
            Err(reason) => vec![finding(
                stage.steps[install_position].index,
                install,
                Err(reason),
                Vec::new(),
            )],
            Ok((rewrite, notes)) => {
                // Every install the rewrite moves gets the finding, with the same fix.
                let mut out = Vec::new();
                for &run in &rewrite.moved {
                    let Some(position) = stage.steps.iter().position(|s| s.index == run) else {
                        continue;
                    };
                    let Some(analysis) = self.analysis(stage, position) else {
                        continue;
                    };
                    for moved in analysis
                        .installs
                        .iter()
                        .filter(|i| i.kind == InstallKind::Install)
                    {
                        out.push(finding(run, moved, Ok(rewrite.clone()), notes.clone()));
                    }
                }
                if out.is_empty() {
                    out.push(finding(
                        stage.steps[install_position].index,
                        install,
                        Ok(rewrite),
                        notes,
                    ));
                }
                out
            }
        }
    }

    /// Plans moving the copy at `copy_position` after the install at `install_position`.
    fn plan(
        &self,
        stage: &StageWalk,
        copy_position: usize,
        install_position: usize,
        install: &Install,
    ) -> Result<(Rewrite, Vec<String>), String> {
        let instructions = self.file.instructions();
        let copy_step = &stage.steps[copy_position];
        let copy = copy_step.copy.as_deref().expect("a copy");
        let copy_line = self.line_of(copy_step.index);
        if install.kind == InstallKind::Build {
            return Err(build_advice(install.ecosystem));
        }
        if let Some(blocker) = &install.blocker {
            return Err(blocker.clone());
        }
        if copy.unresolved {
            return Err(format!(
                "the copy of the sources on line {copy_line} uses a variable layerlint cannot resolve"
            ));
        }
        // The manifests' copy carries `--chown`, `--chmod` and `--link` only: with another
        // flag (`--parents`) it would copy other files, or lay them elsewhere. `--exclude` is
        // checked below, against the files the copy of the manifests names.
        if let Some((name, _)) = copy
            .flags
            .iter()
            .find(|(name, _)| !matches!(name.as_str(), "chown" | "chmod" | "link" | "exclude"))
        {
            return Err(format!(
                "the copy of the sources on line {copy_line} has `--{name}`, which the copy of \
                 the manifests cannot carry over"
            ));
        }
        // Another copy of the sources before the install would still invalidate it.
        if let Some(other) = (0..install_position)
            .filter(|&p| p != copy_position)
            .find(|&p| {
                stage.steps[p].copy.as_deref().is_some_and(|c| {
                    self.is_source_copy_at(stage, p) && {
                        let kinds = self.kinds(stage, p);
                        install
                            .needs
                            .iter()
                            .filter(|n| n.required && !n.dir)
                            .any(|n| map_through(c, &kinds, &n.path).is_some())
                    }
                })
            })
        {
            return Err(format!(
                "the sources are also copied on line {}",
                self.line_of(stage.steps[other].index)
            ));
        }
        // The variables of its paths and of its flags (`--chown=$USER`): the moved copy, and
        // the copy of the manifests that carries the flags, read them further down.
        let copy_instruction = &instructions[copy_step.index];
        let mut variables = copy_variables(self.file.text(copy_instruction.args));
        for flag in &copy_instruction.flags {
            variables.extend(copy_variables(self.file.text(flag.range)));
        }
        let destination = match &copy_instruction.body {
            layerlint_syntax::Body::Copy(paths) | layerlint_syntax::Body::Add(paths) => {
                paths.destination()
            }
            _ => None,
        };
        // Written absolute (`/app/`, `"/app/"`, `/srv/$APP/`): where the sources go does
        // not depend on the working directory.
        let dest_absolute = destination.is_some_and(|d| {
            d.text
                .strip_prefix(['"', '\''])
                .unwrap_or(&d.text)
                .starts_with('/')
        });
        // The copy of the manifests goes below the destination as the copy of the sources
        // writes it when that is absolute or holds a variable, not relative to the working
        // directory: a variable's value here (`COPY . $APP/`, or `WORKDIR $A` before
        // `COPY . /app/`) may not be the one of the build (`--build-arg A=…`). A variable is
        // written again only in a plain word: no quotes, escapes or whitespace.
        let dest_base = match destination.map(|d| d.text.as_str()) {
            Some(dest) if dest.contains('$') => {
                if !dest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_./${}:-".contains(c))
                {
                    return Err(format!(
                        "the destination of the copy of the sources on line {copy_line} uses a \
                         variable in a form layerlint cannot write again"
                    ));
                }
                Some(dest.to_owned())
            }
            _ if dest_absolute => Some(literal_word(&copy.dest, self.file.escape())),
            _ => None,
        };
        // Walk the instructions after the copy: which RUNs can go before it.
        let mut moved: Vec<usize> = Vec::new();
        let mut needs: Vec<(Need, usize)> = Vec::new();
        let mut stop: Option<String> = None;
        let mut position = copy_position + 1;
        while position < stage.steps.len() {
            let step = &stage.steps[position];
            let instruction = &instructions[step.index];
            let line = self.line_of(step.index);
            let blocker: Option<String> = match step.kind {
                InstructionKind::Run => match self.analysis(stage, position) {
                    None => Some(format!(
                        "the RUN on line {line} runs a script layerlint cannot read"
                    )),
                    Some(analysis) => match analysis.reads {
                        Reads::Sources if position == install_position => Some(format!(
                            "the same RUN needs the sources ({}): give the install a RUN of its own",
                            analysis.sources_reason.clone().unwrap_or_default()
                        )),
                        Reads::Sources => Some(format!(
                            "the RUN on line {line} needs the sources: {}",
                            analysis.sources_reason.clone().unwrap_or_default()
                        )),
                        Reads::Nothing | Reads::Manifests => {
                            for need in &analysis.needs {
                                needs.push((need.clone(), position));
                            }
                            moved.push(position);
                            None
                        }
                    },
                },
                InstructionKind::Copy | InstructionKind::Add => {
                    let other = step.copy.as_deref().expect("a copy");
                    let overlaps = other.from == CopyFrom::Context
                        && self.is_source_copy_at(stage, position)
                        || is_within(&other.dest, &copy.dest)
                        || is_within(&copy.dest, &other.dest);
                    overlaps.then(|| {
                        format!(
                            "the {} on line {line} writes where the sources go",
                            instruction.kind
                        )
                    })
                }
                InstructionKind::Workdir if !dest_absolute => Some(format!(
                    "the WORKDIR on line {line} would change where the sources go"
                )),
                InstructionKind::Volume => Some(format!("the VOLUME on line {line}")),
                InstructionKind::Env | InstructionKind::Arg => {
                    let defines = defined_names(instruction);
                    defines.iter().any(|d| variables.contains(d)).then(|| {
                        format!(
                            "the {} on line {line} changes a variable the copy uses",
                            instruction.kind
                        )
                    })
                }
                InstructionKind::Unknown | InstructionKind::From => {
                    Some(format!("the instruction on line {line}"))
                }
                _ => None,
            };
            if let Some(blocker) = blocker {
                stop = Some(blocker);
                break;
            }
            position += 1;
        }
        if !moved.contains(&install_position) {
            return Err(stop.unwrap_or_else(|| "nothing can move before the sources".to_owned()));
        }
        // The copy goes right after the last RUN that can move.
        let last_moved = *moved.last().expect("the install moved");
        let kinds = self.kinds(stage, copy_position);
        let excludes = Excludes::of(copy, &kinds)
            .map_err(|reason| format!("the copy of the sources on line {copy_line} {reason}"))?;
        let mut notes = Vec::new();
        for &p in &moved {
            if let Some(analysis) = self.analysis(stage, p) {
                for note in &analysis.unchecked {
                    if !notes.contains(note) {
                        notes.push(note.clone());
                    }
                }
            }
        }
        // What the install writes into the project must not be laid over by the copy.
        for &p in &moved {
            let Some(analysis) = self.analysis(stage, p) else {
                continue;
            };
            for moved_install in &analysis.installs {
                for output in moved_install.ecosystem.info().outputs {
                    let target = join(&moved_install.cwd, output);
                    let Some(q) = map_through(copy, &kinds, &target) else {
                        continue;
                    };
                    // `COPY --exclude=node_modules . .` lays nothing over it.
                    if excludes.as_ref().is_some_and(|e| e.leave_out_entirely(&q)) {
                        continue;
                    }
                    match self.context {
                        Some(context) if context.exists(&q) && !context.is_ignored(&q) => {
                            return Err(format!(
                                "the build context holds `{q}`, which the copy of the sources would lay \
                                 over what `{}` installs; add it to .dockerignore first",
                                classify::short(&moved_install.text)
                            ));
                        }
                        Some(_) => {}
                        None => {
                            let note = format!(
                                "the build context was not available: make sure .dockerignore leaves out `{q}`"
                            );
                            if !notes.contains(&note) {
                                notes.push(note);
                            }
                        }
                    }
                }
            }
        }
        // The files to copy first.
        let entries = self.manifest_entries(stage, copy_position, copy, &kinds, &needs, install)?;
        // A file the copy of the sources leaves out must not come in with the manifests. The
        // `--exclude` flags are not carried over: they would leave out nothing more (a source
        // named itself is never left out), and below a directory copied on its own
        // (`COPY prisma ./prisma`) they would match other paths.
        if let Some(excludes) = &excludes {
            for entry in &entries {
                if let Some((pattern, sure)) = excludes.leaving_out(entry, self.context) {
                    let verb = if sure { "leaves out" } else { "may leave out" };
                    let what = if entry.dir {
                        format!("files of `{}`", entry.context)
                    } else if has_wildcards(&entry.context) {
                        format!("files `{}` names", entry.context)
                    } else {
                        format!("`{}`", entry.context)
                    };
                    return Err(format!(
                        "`--exclude={}` of the copy of the sources on line {copy_line} {verb} \
                         {what}, which the copy of the manifests would bring in",
                        pattern.text()
                    ));
                }
            }
        }
        // Each file is copied right before the first RUN that reads it.
        let mut positions: Vec<usize> = entries.iter().map(|e| e.position).collect();
        positions.sort_unstable();
        positions.dedup();
        let mut insertions: Vec<(usize, Vec<String>)> = Vec::new();
        let mut lines = Vec::new();
        for position in positions {
            let group: Vec<Entry> = entries
                .iter()
                .filter(|e| e.position == position)
                .cloned()
                .collect();
            let group_lines = copy_lines(
                copy,
                &group,
                &stage.steps[position].workdir,
                dest_base.as_deref(),
                self.file.escape(),
            );
            lines.extend(group_lines.iter().cloned());
            insertions.push((stage.steps[position].index, group_lines));
        }
        let edits = self.edits(copy_step.index, &insertions, stage.steps[last_moved].index);
        let moved_indices = moved.iter().map(|&p| stage.steps[p].index).collect();
        Ok((
            Rewrite {
                edits,
                inserted: lines,
                moved: moved_indices,
                after: stage.steps[last_moved].index,
            },
            notes,
        ))
    }

    /// The manifests to copy before the first RUN that reads them: context path, and
    /// where it lands (container path; `dir` for directories).
    fn manifest_entries(
        &self,
        stage: &StageWalk,
        copy_position: usize,
        copy: &CopyStep,
        kinds: &[SourceKind],
        needs: &[(Need, usize)],
        install: &Install,
    ) -> Result<Vec<Entry>, String> {
        let earlier: Vec<(&CopyStep, Cow<'_, [SourceKind]>)> = (0..copy_position)
            .filter_map(|i| {
                let copy = stage.steps[i].copy.as_deref()?;
                (copy.from == CopyFrom::Context).then(|| (copy, self.kinds(stage, i)))
            })
            .collect();
        let mut entries: Vec<Entry> = Vec::new();
        let mut add = |entry: Entry| match entries
            .iter_mut()
            .find(|e| e.context == entry.context && e.target == entry.target)
        {
            Some(existing) => existing.position = existing.position.min(entry.position),
            None => entries.push(entry),
        };
        for &(ref need, position) in needs {
            let Some(q) = map_through(copy, kinds, &need.path) else {
                continue;
            };
            // Already copied before the sources.
            if earlier
                .iter()
                .any(|(c, k)| map_through(c, k, &need.path).as_deref() == Some(q.as_str()))
            {
                continue;
            }
            match self.context {
                Some(context) => {
                    if has_wildcards(&q) {
                        let dir = paths::parent(&q);
                        for name in context.glob(dir, base_name(&q)).iter() {
                            let full = if dir.is_empty() {
                                name.clone()
                            } else {
                                format!("{dir}/{name}")
                            };
                            if !context.is_ignored(&full) {
                                add(Entry {
                                    context: full,
                                    target: join(paths::parent(&need.path), name),
                                    dir: false,
                                    position,
                                });
                            }
                        }
                        continue;
                    }
                    let present = context.exists(&q) && !context.is_ignored(&q);
                    if present {
                        add(Entry {
                            context: q.clone(),
                            target: need.path.clone(),
                            dir: need.dir || context.is_dir(&q),
                            position,
                        });
                    } else if need.required {
                        return Err(format!(
                            "`{q}`, which `{}` needs, is not in the build context",
                            classify::short(&install.text)
                        ));
                    }
                }
                // Without a context, what is required only: optional files are copied by
                // the ecosystem's conventional names below.
                None if need.required => add(Entry {
                    context: q.clone(),
                    target: need.path.clone(),
                    dir: need.dir,
                    position,
                }),
                None => {}
            }
        }
        let all_required_copied = needs.iter().filter(|(n, _)| n.required).all(|(need, _)| {
            earlier
                .iter()
                .any(|(c, k)| map_through(c, k, &need.path).is_some())
                || map_through(copy, kinds, &need.path).is_none()
        });
        if self.context.is_none() && !all_required_copied {
            // The optional files by the ecosystem's conventional names (when the author
            // already copies the manifests, what they copy is taken as complete).
            let mut seen: Vec<(Ecosystem, String)> = Vec::new();
            for &(_, position) in needs {
                let Some(analysis) = self.analysis(stage, position) else {
                    continue;
                };
                for moved in &analysis.installs {
                    if seen.contains(&(moved.ecosystem, moved.cwd.clone())) {
                        continue;
                    }
                    seen.push((moved.ecosystem, moved.cwd.clone()));
                    for pattern in moved.ecosystem.info().conventional {
                        let target = join(&moved.cwd, pattern);
                        let Some(q) = map_through(copy, kinds, &target) else {
                            continue;
                        };
                        add(Entry {
                            context: q,
                            target,
                            dir: false,
                            position,
                        });
                    }
                }
            }
            // A conventional pattern covers the literal names it matches.
            let patterns: Vec<Entry> = entries
                .iter()
                .filter(|e| has_wildcards(&e.context))
                .cloned()
                .collect();
            entries.retain(|e| {
                has_wildcards(&e.context)
                    || !patterns.iter().any(|p| {
                        paths::parent(&p.context) == paths::parent(&e.context)
                            && glob_match(base_name(&p.context), base_name(&e.context))
                            && paths::parent(&p.target) == paths::parent(&e.target)
                    })
            });
        }
        Ok(entries)
    }

    fn line_of(&self, index: usize) -> usize {
        let start = self.file.instructions()[index].range.start().to_usize();
        self.file.source()[..start].matches('\n').count() + 1
    }

    /// The byte range of an instruction's lines, with the comment lines right above it.
    fn block(&self, index: usize) -> TextRange {
        let source = self.file.source();
        let instruction = &self.file.instructions()[index];
        let mut start = line_start(source, instruction.range.start().to_usize());
        // Comment lines directly above (no blank line between).
        loop {
            if start == 0 {
                break;
            }
            let previous = line_start(source, start - 1);
            let text = source[previous..start].trim();
            if text.starts_with('#') && !self.is_directive_line(previous) {
                start = previous;
            } else {
                break;
            }
        }
        let end = line_end(source, instruction.range.end().to_usize());
        TextRange::new(TextSize::from_usize(start), TextSize::from_usize(end))
    }

    fn is_directive_line(&self, offset: usize) -> bool {
        self.file
            .directives()
            .iter()
            .any(|d| d.range.start().to_usize() == offset)
    }

    fn edits(
        &self,
        copy: usize,
        insertions: &[(usize, Vec<String>)],
        last_moved: usize,
    ) -> Vec<Edit> {
        let source = self.file.source();
        let newline = if source.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let mut edits = Vec::new();
        let copy_block = self.block(copy);
        let copy_text = &source[copy_block];
        // Between two blank lines, take one of them along.
        let mut deleted = copy_block;
        let after_block = &source[copy_block.end().to_usize()..];
        let blank_before = source[..copy_block.start().to_usize()].ends_with("\n\n")
            || source[..copy_block.start().to_usize()].ends_with("\n\r\n");
        let blank_after = after_block
            .strip_prefix("\r\n")
            .or_else(|| after_block.strip_prefix('\n'));
        if blank_before && let Some(rest) = blank_after {
            let len = after_block.len() - rest.len();
            deleted = TextRange::new(
                copy_block.start(),
                copy_block.end() + TextSize::from_usize(len),
            );
        }
        edits.push(Edit::delete(deleted));
        for (run, lines) in insertions {
            let target = &self.file.instructions()[*run];
            let at = self.block(*run).start();
            let indent: String = source[line_start(source, target.range.start().to_usize())
                ..target.range.start().to_usize()]
                .chars()
                .take_while(|c| c.is_whitespace())
                .collect();
            let mut text = String::new();
            for line in lines {
                text.push_str(&indent);
                text.push_str(line);
                text.push_str(newline);
            }
            edits.push(Edit::insert(at, text));
        }
        let after = self.block(last_moved).end();
        let mut text = copy_text.to_owned();
        if !source[..after.to_usize()].ends_with('\n') {
            // The last line has no line ending: start a new one, keep the file's ending.
            text = format!("{newline}{}", text.trim_end_matches(['\r', '\n']));
        } else if !text.ends_with('\n') {
            text.push_str(newline);
        }
        edits.push(Edit::insert(after, text));
        edits.sort_by_key(|e| (e.range.start(), e.range.end()));
        edits
    }
}

/// The `--exclude` patterns of a copy of the sources, as BuildKit applies them: a path is
/// matched as it lies below the source it is copied from (`node_modules` for
/// `./node_modules` of `COPY . .`, `dev.db` for `data/dev.db` of `COPY data/ …`), with
/// `.dockerignore`'s semantics; a source named itself is never left out.
struct Excludes<'a> {
    ignore: DockerIgnore,
    /// The context directory the copy's one source is (`""` for the root); `None` for a
    /// wildcard source, each match of which is a source of its own (or a file, which is).
    root: Option<&'a str>,
}

impl<'a> Excludes<'a> {
    /// The patterns of `copy` (its flags' values, quotes and escapes already taken out as
    /// BuildKit does), if it has any; an error (to follow "the copy of the sources on line
    /// N") when layerlint cannot follow them.
    fn of(copy: &'a CopyStep, kinds: &[SourceKind]) -> Result<Option<Excludes<'a>>, String> {
        let patterns: Vec<&str> = copy.excludes().collect();
        if patterns.is_empty() {
            return Ok(None);
        }
        let root = match kinds {
            [SourceKind::Dir] => Some(copy.sources[0].as_str()),
            [SourceKind::Glob | SourceKind::File] => None,
            _ => {
                return Err(
                    "has `--exclude` and several sources, which layerlint does not follow"
                        .to_owned(),
                );
            }
        };
        let ignore = DockerIgnore::from_patterns(patterns)
            .map_err(|e| format!("has an `--exclude` BuildKit rejects: {e}"))?;
        Ok(Some(Excludes { ignore, root }))
    }

    /// The context path `q` as the patterns see it: below the source; `""` for the source
    /// itself.
    fn below_source<'q>(&self, q: &'q str) -> &'q str {
        match self.root {
            Some(root) => relative_to(q, root).unwrap_or(""),
            None => "",
        }
    }

    /// Whether the copy leaves out `q` (a context path) and everything below it.
    fn leave_out_entirely(&self, q: &str) -> bool {
        let rel = self.below_source(q);
        !rel.is_empty() && self.ignore.excludes_dir_entirely(rel)
    }

    /// A pattern that leaves out a file `entry` names, if one does, and whether that is
    /// sure (`false`: it may, and layerlint cannot tell without the build context).
    fn leaving_out(
        &self,
        entry: &Entry,
        context: Option<&BuildContext>,
    ) -> Option<(&Pattern, bool)> {
        let ordinary = || self.ignore.patterns().iter().filter(|p| !p.is_exclusion());
        let rel = self.below_source(&entry.context);
        if entry.dir {
            if rel.is_empty() {
                // A directory copied as a source itself: every pattern applies below it.
                return ordinary().next().map(|p| (p, false));
            }
            return match context {
                Some(context) => context
                    .files()
                    .iter()
                    .filter(|f| is_within(f, &entry.context) && !context.is_ignored(f))
                    .find_map(|f| self.ignore.matched_by(self.below_source(f)))
                    .map(|p| (p, true)),
                None => self.ignore.may_exclude_below(rel).map(|p| (p, false)),
            };
        }
        if has_wildcards(rel) {
            // Without a context, the ecosystem's conventional names (`.npmrc*`): a literal
            // pattern is checked against the wildcard; another may match any such file.
            let (dir, name) = (paths::parent(rel), base_name(rel));
            if !dir.is_empty() {
                if let Some(p) = self.ignore.matched_by(dir) {
                    return Some((p, true));
                }
                // When no pattern can match below `dir`, no file there is left out.
                self.ignore.may_exclude_below(dir)?;
            }
            return ordinary()
                .find(|p| {
                    p.literal().is_none_or(|path| {
                        paths::parent(path) == dir && glob_match(name, base_name(path))
                    })
                })
                .map(|p| (p, p.literal().is_some()));
        }
        if rel.is_empty() {
            return None;
        }
        self.ignore.matched_by(rel).map(|p| (p, true))
    }
}

/// A file or directory to copy before the install.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct Entry {
    /// Context path (may hold wildcards).
    context: String,
    /// Where it lands (container path; for a directory, the directory).
    target: String,
    dir: bool,
    /// The first moved RUN that reads it (a step position): the copy goes right before.
    position: usize,
}

/// `COPY` lines for the entries, below `dest_base` (the copy's destination as a word: as
/// written when it holds a variable, else absolute) when there is one, else relative to
/// `workdir` where possible. `escape` is the Dockerfile's escape character.
fn copy_lines(
    copy: &CopyStep,
    entries: &[Entry],
    workdir: &str,
    dest_base: Option<&str>,
    escape: char,
) -> Vec<String> {
    let flags: Vec<String> = copy
        .flags
        .iter()
        .filter(|(name, _)| matches!(name.as_str(), "chown" | "chmod" | "link"))
        .map(|(name, value)| {
            if value.is_empty() {
                format!("--{name}")
            } else {
                format!("--{name}={value}")
            }
        })
        .collect();
    // The destination as a word.
    let relative = |target: &str, dir: bool| -> String {
        let rel = match (dest_base, relative_to(target, &copy.dest)) {
            (Some(base), Some("")) => base.to_owned(),
            (Some(base), Some(rel)) => format!(
                "{}/{}",
                base.trim_end_matches('/'),
                literal_word(rel, escape)
            ),
            _ => literal_word(
                &match relative_to(target, workdir) {
                    Some("") => ".".to_owned(),
                    Some(rel) => format!("./{rel}"),
                    None => target.to_owned(),
                },
                escape,
            ),
        };
        if dir || rel.ends_with('/') {
            rel
        } else {
            format!("{rel}/")
        }
    };
    // Files grouped by destination directory, in order of first appearance.
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    let mut lines = Vec::new();
    for entry in entries {
        if entry.dir {
            let dest = relative(&entry.target, true);
            lines.push((
                format_copy_to(&flags, std::slice::from_ref(&entry.context), &dest, escape),
                1,
            ));
            continue;
        }
        let dir = paths::parent(&entry.target);
        let dest = relative(if dir.is_empty() { "/" } else { dir }, false);
        let dest = if dest == "./" || dest == "./." {
            "./".to_owned()
        } else {
            dest
        };
        match groups.iter_mut().find(|(d, _)| *d == dest) {
            Some((_, files)) => files.push(entry.context.clone()),
            None => groups.push((dest, vec![entry.context.clone()])),
        }
    }
    let mut out: Vec<String> = groups
        .iter()
        .map(|(dest, files)| format_copy_to(&flags, files, dest, escape))
        .collect();
    out.extend(lines.into_iter().map(|(l, _)| l));
    out
}

/// A `COPY` of `sources` (context paths, or patterns of our own), all of them literal
/// paths, to `dest`, a destination already written as a word (`$APP/`): BuildKit expands
/// variables and removes quotes and escapes in the paths of a COPY in either form, so `$`,
/// quotes and the escape character are escaped. `flags` are kept as written. The JSON form
/// only where a path holds whitespace, which the other form cannot carry.
fn format_copy_to(flags: &[String], sources: &[String], dest: &str, escape: char) -> String {
    let words: Vec<String> = sources
        .iter()
        .map(|path| literal_word(path, escape))
        .chain(std::iter::once(dest.to_owned()))
        .collect();
    let mut line = String::from("COPY");
    for flag in flags {
        line.push(' ');
        line.push_str(flag);
    }
    if words.iter().any(|w| w.contains(char::is_whitespace)) {
        let items: Vec<String> = words
            .iter()
            .map(|w| serde_json::to_string(w).unwrap_or_default())
            .collect();
        line.push_str(&format!(" [{}]", items.join(", ")));
    } else {
        for word in &words {
            line.push(' ');
            line.push_str(word);
        }
    }
    line
}

/// The usual way to keep the dependencies of a build apart, for the note.
fn build_advice(ecosystem: Ecosystem) -> String {
    match ecosystem {
        Ecosystem::Go => "copy go.mod and go.sum and run `go mod download` before copying the sources".to_owned(),
        Ecosystem::Cargo => {
            "build the dependencies first with cargo-chef (`cargo chef cook`) or cache them with `RUN --mount=type=cache`".to_owned()
        }
        Ecosystem::Maven => "copy pom.xml and run `mvn dependency:go-offline` before copying the sources".to_owned(),
        Ecosystem::Gradle => {
            "copy the Gradle build files and run `gradle dependencies` before copying the sources".to_owned()
        }
        Ecosystem::Dotnet => "copy the project files and run `dotnet restore` before copying the sources".to_owned(),
        Ecosystem::Mix => "copy mix.exs and mix.lock and run `mix deps.get` before copying the sources".to_owned(),
        other => format!("install the {} dependencies before copying the sources", other.name()),
    }
}

/// Variable names a COPY's text uses.
fn copy_variables(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let rest = &text[i + 1..];
            let rest = rest.strip_prefix('{').unwrap_or(rest);
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
        i += 1;
    }
    out
}

/// The names an ARG or ENV defines.
fn defined_names(instruction: &layerlint_syntax::Instruction) -> Vec<String> {
    match &instruction.body {
        layerlint_syntax::Body::Env(pairs) => pairs.iter().map(|p| p.key.text.clone()).collect(),
        layerlint_syntax::Body::Arg(args) => args.iter().map(|a| a.name.text.clone()).collect(),
        _ => Vec::new(),
    }
}

fn line_start(source: &str, offset: usize) -> usize {
    source[..offset].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(source: &str, offset: usize) -> usize {
    source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i + 1)
}

/// Applies every rewrite the planner finds, once per stage, until nothing changes
/// (bounded): the file as the optimizer would leave it.
pub fn optimize_source(source: &str, context: Option<&BuildContext>) -> String {
    let mut current = source.to_owned();
    for _ in 0..8 {
        let parse = layerlint_syntax::parse(&current);
        let semantic = Semantic::new(&parse.file);
        let optimizer = Optimizer::new(&parse.file, &semantic, context);
        let mut edits: Vec<Edit> = Vec::new();
        for finding in optimizer.findings() {
            if let Ok(rewrite) = finding.fix {
                for edit in rewrite.edits {
                    if !edits.contains(&edit) {
                        edits.push(edit);
                    }
                }
            }
        }
        if edits.is_empty() {
            break;
        }
        edits.sort_by_key(|e| (e.range.start(), e.range.end()));
        // Keep non-overlapping edits (plans of different stages never overlap).
        let mut kept: Vec<Edit> = Vec::new();
        for edit in edits {
            if kept
                .last()
                .is_some_and(|k: &Edit| k.range.end() > edit.range.start())
            {
                continue;
            }
            kept.push(edit);
        }
        let next = layerlint_diagnostics::apply_edits(&current, &kept);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`format_copy_to`] a literal destination path.
    fn format_copy(flags: &[String], sources: &[String], dest: &str, escape: char) -> String {
        format_copy_to(flags, sources, &literal_word(dest, escape), escape)
    }

    fn optimize(source: &str, context: Option<&BuildContext>) -> (String, Vec<Finding>) {
        let parse = layerlint_syntax::parse(source);
        let semantic = Semantic::new(&parse.file);
        let findings = Optimizer::new(&parse.file, &semantic, context).findings();
        (optimize_source(source, context), findings)
    }

    #[test]
    fn a_filtered_listing_is_the_listing_filtered() {
        // `Through::list_where` leaves names out before it checks them against
        // .dockerignore: the same names as `list`'s, filtered afterwards.
        let files = [
            ("a.csproj", ""),
            ("b.csproj", ""),
            ("App.sln", ""),
            ("README.md", ""),
            ("sub/x.sln", ""),
            ("sub/y.fsproj", ""),
            ("sub/z.txt", ""),
            ("sub/deep/w.csproj", ""),
        ];
        let ignored = BuildContext::in_memory(
            files
                .iter()
                .copied()
                .chain([(".dockerignore", "b.csproj\nsub/x.sln\n")]),
        );
        let plain = BuildContext::in_memory(files);
        let keeps: [&dyn Fn(&str) -> bool; 4] = [
            &|_| true,
            &|n| n.ends_with(".sln"),
            &|n| n.ends_with("proj"),
            &|_| false,
        ];
        for context in [&ignored, &plain] {
            let source = "FROM a\nWORKDIR /src\nCOPY . .\nCOPY sub/ ./lib/\nRUN true\n";
            let parse = layerlint_syntax::parse(source);
            let semantic = Semantic::new(&parse.file);
            let optimizer = Optimizer::new(&parse.file, &semantic, Some(context));
            let stage = &optimizer.walk().stages[0];
            let copies = (0..stage.steps.len())
                .filter_map(|i| Some((stage.steps[i].copy.as_deref()?, optimizer.kinds(stage, i))))
                .collect();
            let through = Through {
                context: optimizer.context(),
                copies,
            };
            assert!(through.list("/src").is_some_and(|names| names.len() > 3));
            assert!(
                through
                    .list("/src/lib")
                    .is_some_and(|names| names.len() > 2)
            );
            for dir in [
                "/src",
                "/src/sub",
                "/src/lib",
                "/src/lib/deep",
                "/",
                "/nowhere",
            ] {
                for keep in keeps {
                    let mut expected = through.list(dir);
                    if let Some(names) = &mut expected {
                        names.retain(|n| keep(n));
                    }
                    assert_eq!(through.list_where(dir, keep), expected, "{dir}");
                }
            }
        }
    }

    #[test]
    fn tutorial_with_context() {
        let context = BuildContext::in_memory([
            ("package.json", r#"{"scripts": {"build": "tsc"}}"#),
            ("package-lock.json", "{}"),
            ("prisma/schema.prisma", ""),
            ("src/index.ts", ""),
        ]);
        let source = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nRUN npx prisma generate\nRUN npm run build\nEXPOSE 3000\nCMD [\"node\", \"dist/index.js\"]\n";
        let (out, findings) = optimize(source, Some(&context));
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(
            out,
            "FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm install\nCOPY prisma ./prisma\nRUN npx prisma generate\nCOPY . .\nRUN npm run build\nEXPOSE 3000\nCMD [\"node\", \"dist/index.js\"]\n"
        );
        assert_eq!(optimize_source(&out, Some(&context)), out);
    }

    #[test]
    fn without_context_uses_conventional_names() {
        let source = "FROM node:20\nWORKDIR /app\n# all of it\nCOPY --chown=node:node . .\nRUN npm ci\nCMD [\"node\", \"index.js\"]";
        let (out, findings) = optimize(source, None);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            out,
            "FROM node:20\nWORKDIR /app\nCOPY --chown=node:node package*.json .npmrc* ./\nRUN npm ci\n# all of it\nCOPY --chown=node:node . .\nCMD [\"node\", \"index.js\"]"
        );
    }

    #[test]
    fn what_counts_as_a_copy_of_the_sources() {
        // (copies before `npm ci`, without a build context; whether the install is reported)
        let cases = [
            ("COPY . .\n", true),
            ("COPY app ./\n", true),
            ("COPY conf.d/ ./\n", true),
            ("COPY app.js ./\n", false),
            ("COPY Gemfile ./\n", false),
            ("COPY --from=build /app ./\n", false),
            ("COPY --from=alpine:3.20 /etc ./\n", false),
            ("COPY <<EOF ./notes\nhello\nEOF\n", false),
        ];
        for (copy, reported) in cases {
            let source = format!(
                "FROM node:20 AS build\nWORKDIR /app\nRUN npm init -y\nFROM node:20\nWORKDIR /app\n{copy}RUN npm ci\n"
            );
            let (_, findings) = optimize(&source, None);
            assert_eq!(!findings.is_empty(), reported, "{copy}{findings:#?}");
        }
    }

    #[test]
    fn builds_find_their_project_files() {
        // `dotnet publish` reads `*.csproj`: the copy of the sources provides it when the
        // context holds one that .dockerignore leaves in.
        let source = "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /out\n";
        let reported = |files: &[(&str, &str)]| {
            let context = BuildContext::in_memory(files.iter().copied());
            !optimize(source, Some(&context)).1.is_empty()
        };
        assert!(reported(&[("app.csproj", ""), ("Program.cs", "")]));
        assert!(reported(&[("src/app.csproj", ""), ("app.sln", "")]));
        assert!(!reported(&[("Program.cs", ""), ("README.md", "")]));
        assert!(!reported(&[
            (".dockerignore", "*.csproj\n"),
            ("app.csproj", ""),
            ("Program.cs", "")
        ]));
        // By name: `go build` reads go.mod.
        let source = "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n";
        let reported = |files: &[(&str, &str)]| {
            let context = BuildContext::in_memory(files.iter().copied());
            !optimize(source, Some(&context)).1.is_empty()
        };
        assert!(reported(&[("go.mod", ""), ("main.go", "")]));
        // A build is not moved: the finding says how to split it.
        let context = BuildContext::in_memory([("go.mod", ""), ("main.go", "")]);
        let (_, findings) = optimize(source, Some(&context));
        assert_eq!(
            findings[0].fix.as_ref().map(|_| ()),
            Err(
                &"copy go.mod and go.sum and run `go mod download` before copying the sources"
                    .to_owned()
            )
        );
        assert!(!reported(&[("main.go", "")]));
        assert!(!reported(&[
            (".dockerignore", "go.mod\n"),
            ("go.mod", ""),
            ("main.go", "")
        ]));
    }

    #[test]
    fn a_build_with_its_downloads_in_a_cache_mount_is_not_reported() {
        let reported = |mount: &str| {
            let source = format!(
                "FROM golang:1.23\nWORKDIR /src\nCOPY . .\nRUN {mount}go build -o /app .\n"
            );
            !optimize(&source, None).1.is_empty()
        };
        assert!(reported(""));
        assert!(!reported("--mount=type=cache,target=/go/pkg/mod "));
        assert!(!reported("--mount=type=cache,target=/go/ "));
        assert!(reported("--mount=type=cache,target=/tmp/cache "));
        assert!(reported("--mount=type=bind,target=/go/pkg/mod "));
    }

    #[test]
    fn refuses_when_a_run_needs_the_sources() {
        let source = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN python setup.py build\nRUN pip install -r requirements.txt\n";
        let (out, findings) = optimize(source, None);
        assert_eq!(out, source);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].fix.as_ref().unwrap_err().contains("line 4"));
    }

    #[test]
    fn what_stands_between_the_copy_and_the_install() {
        // (instructions between `COPY . .` and `npm ci`, why the install cannot move)
        let cases = [
            (
                "COPY config.json ./\n",
                Some("the COPY on line 5 writes where the sources go"),
            ),
            ("COPY --from=alpine:3.20 /etc/os-release /opt/\n", None),
            ("VOLUME /data\n", Some("the VOLUME on line 5")),
            (
                "ENV APP=/srv\n",
                Some("the ENV on line 5 changes a variable the copy uses"),
            ),
            (
                "ARG APP\n",
                Some("the ARG on line 5 changes a variable the copy uses"),
            ),
            ("ENV NODE_ENV=production\n", None),
            (
                "WORKDIR /app\n",
                Some("the WORKDIR on line 5 would change where the sources go"),
            ),
            ("FOO bar\n", Some("the instruction on line 5")),
        ];
        for (between, reason) in cases {
            let source = format!(
                "FROM node:20\nARG APP=/app\nWORKDIR /app\nCOPY . ${{APP}}/\n{between}RUN npm ci\n"
            );
            let (out, findings) = optimize(&source, None);
            assert_eq!(findings.len(), 1, "{between}{findings:#?}");
            match reason {
                Some(reason) => {
                    assert_eq!(out, source);
                    assert_eq!(findings[0].fix.as_ref().unwrap_err(), reason, "{between}");
                }
                None => {
                    assert!(findings[0].fix.is_ok(), "{between}{findings:#?}");
                    // The install moves ahead of the sources; the instruction between
                    // stays where it was.
                    assert!(
                        out.ends_with(
                            "COPY package*.json .npmrc* ${APP}/\nRUN npm ci\nCOPY . ${APP}/\n"
                        ) && out.contains(between),
                        "{between}{out}"
                    );
                }
            }
        }
        let moves = |source: &str| {
            let (out, findings) = optimize(source, None);
            assert_eq!(findings.len(), 1, "{source}{findings:#?}");
            findings[0].fix.as_ref().map(|_| out).map_err(Clone::clone)
        };
        // Another copy from the context: of sources, or into the sources' destination.
        assert_eq!(
            moves(
                "FROM node:20\nWORKDIR /app\nCOPY . .\nCOPY docs/ /usr/share/doc/app/\nRUN npm ci\n"
            ),
            Err("the COPY on line 4 writes where the sources go".to_owned())
        );
        assert_eq!(
            moves("FROM node:20\nWORKDIR /app\nCOPY . .\nCOPY app.conf ./conf/\nRUN npm ci\n"),
            Err("the COPY on line 4 writes where the sources go".to_owned())
        );
        assert!(
            moves("FROM node:20\nWORKDIR /app\nCOPY . .\nCOPY app.conf /etc/app/\nRUN npm ci\n")
                .is_ok()
        );
        // To an absolute destination, a WORKDIR between does not change where the sources go.
        assert_eq!(
            moves("FROM node:20\nWORKDIR /app\nCOPY . /app/\nWORKDIR /app\nRUN npm ci\n"),
            Ok("FROM node:20\nWORKDIR /app\nWORKDIR /app\nCOPY package*.json .npmrc* /app/\nRUN npm ci\nCOPY . /app/\n".to_owned())
        );
        // The install's own RUN needs the sources.
        assert_eq!(
            moves("FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n"),
            Err("the same RUN needs the sources (`npm run build` runs a script of package.json): give the install a RUN of its own".to_owned())
        );
        // A copy into a directory that holds the sources' destination.
        assert_eq!(
            moves("FROM node:20\nWORKDIR /app/src\nCOPY . .\nCOPY config.json /app/\nRUN npm ci\n"),
            Err("the COPY on line 4 writes where the sources go".to_owned())
        );
        // An ENV of a name the copy has as a word, not as a variable.
        assert!(moves("FROM node:20\nWORKDIR /app\nCOPY . /app/\nENV app=1\nRUN npm ci\n").is_ok());
        // A second copy of the sources would still invalidate the install...
        assert_eq!(
            moves("FROM node:20\nWORKDIR /app\nCOPY . .\nCOPY . ./\nRUN npm ci\n"),
            Err("the sources are also copied on line 3".to_owned())
        );
        // ...but not one that brings only a file the install may read (`.npmrc`).
        assert!(moves("FROM node:20\nWORKDIR /app\nCOPY *rc ./\nCOPY . .\nRUN npm ci\n").is_ok());
    }

    /// `--exclude` is matched as BuildKit does, below the copied source: the copy of the
    /// manifests goes first unless it names a file the patterns leave out.
    #[test]
    fn exclude_flags() {
        let reason = |source: &str, context: Option<&BuildContext>| {
            let (out, findings) = optimize(source, context);
            assert_eq!(findings.len(), 1, "{source}{findings:#?}");
            findings[0].fix.as_ref().map(|_| out).map_err(Clone::clone)
        };
        let copy = |flags: &str| {
            format!(
                "FROM node:20\nWORKDIR /app\nCOPY {flags} . .\nRUN npm ci\nRUN npx prisma generate\n"
            )
        };
        // Without a context, the conventional names: a literal pattern is checked against
        // them; another pattern may match any file they name.
        assert_eq!(
            reason(&copy("--exclude=node_modules --exclude=docs"), None),
            Ok("FROM node:20\nWORKDIR /app\nCOPY package*.json .npmrc* ./\nRUN npm ci\nCOPY prisma ./prisma\nRUN npx prisma generate\nCOPY --exclude=node_modules --exclude=docs . .\n".to_owned())
        );
        assert_eq!(
            reason(&copy("--exclude=.npmrc"), None),
            Err("`--exclude=.npmrc` of the copy of the sources on line 3 leaves out files `.npmrc*` names, which the copy of the manifests would bring in".to_owned())
        );
        assert_eq!(
            reason(&copy("--exclude=*.md"), None),
            Err("`--exclude=*.md` of the copy of the sources on line 3 may leave out files `package*.json` names, which the copy of the manifests would bring in".to_owned())
        );
        assert_eq!(
            reason(&copy("--exclude=prisma/migrations"), None),
            Err("`--exclude=prisma/migrations` of the copy of the sources on line 3 may leave out files of `prisma`, which the copy of the manifests would bring in".to_owned())
        );
        // With a context, the files it holds.
        let context = BuildContext::in_memory([
            ("package.json", "{}"),
            ("package-lock.json", "{}"),
            ("prisma/schema.prisma", ""),
            ("prisma/dev.db", ""),
            ("node_modules/x/index.js", ""),
            ("README.md", ""),
        ]);
        assert_eq!(
            reason(&copy("--exclude=node_modules --exclude=**/*.md --exclude=prisma/*.sql"), Some(&context)),
            Ok("FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY prisma ./prisma\nRUN npx prisma generate\nCOPY --exclude=node_modules --exclude=**/*.md --exclude=prisma/*.sql . .\n".to_owned())
        );
        assert_eq!(
            reason(&copy("--exclude=node_modules --exclude=prisma/*.db"), Some(&context)),
            Err("`--exclude=prisma/*.db` of the copy of the sources on line 3 leaves out files of `prisma`, which the copy of the manifests would bring in".to_owned())
        );
        assert_eq!(
            reason(&copy("--exclude=node_modules --exclude=package-lock.json"), Some(&context)),
            Err("`--exclude=package-lock.json` of the copy of the sources on line 3 leaves out `package-lock.json`, which the copy of the manifests would bring in".to_owned())
        );
        // An exception keeps what it re-includes.
        assert!(
            reason(
                &copy("--exclude=node_modules --exclude=*.json --exclude=!package*.json"),
                Some(&context)
            )
            .is_ok()
        );
        // node_modules of the context, left out by the flag, is not laid over the install.
        assert!(
            reason(&copy(""), Some(&context))
                .unwrap_err()
                .contains("node_modules")
        );
        // Patterns are matched below the source, not from the root of the context.
        let web = BuildContext::in_memory([
            ("web/package.json", "{}"),
            ("web/package-lock.json", "{}"),
            ("web/.npmrc", ""),
        ]);
        let source = "FROM node:20\nWORKDIR /app\nCOPY --exclude=web/.npmrc web/ ./\nRUN npm ci\n";
        assert_eq!(
            reason(source, Some(&web)),
            Ok("FROM node:20\nWORKDIR /app\nCOPY web/package.json web/package-lock.json web/.npmrc ./\nRUN npm ci\nCOPY --exclude=web/.npmrc web/ ./\n".to_owned())
        );
        assert_eq!(
            reason(&source.replace("web/.npmrc", ".npmrc"), Some(&web)),
            Err("`--exclude=.npmrc` of the copy of the sources on line 3 leaves out `web/.npmrc`, which the copy of the manifests would bring in".to_owned())
        );
        // Quotes are taken out of a flag's value.
        assert!(reason(&copy("--exclude=\".npm\"rc"), None).is_err());
        // Several sources: not followed.
        assert_eq!(
            reason("FROM node:20\nWORKDIR /app\nCOPY --exclude=x . web/ ./\nRUN npm ci\n", None),
            Err("the copy of the sources on line 3 has `--exclude` and several sources, which layerlint does not follow".to_owned())
        );
    }

    #[test]
    fn refuses_node_modules_in_context() {
        let context =
            BuildContext::in_memory([("package.json", "{}"), ("node_modules/x/i.js", "")]);
        let source = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
        let (out, findings) = optimize(source, Some(&context));
        assert_eq!(out, source);
        assert!(
            findings[0]
                .fix
                .as_ref()
                .unwrap_err()
                .contains("node_modules")
        );
    }

    #[test]
    fn go_build_without_download() {
        let source = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n";
        let (_, findings) = optimize(source, None);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].kind, InstallKind::Build);
        assert!(findings[0].fix.is_err());
        let source = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN go build -o /app .\n";
        let (out, _) = optimize(source, None);
        assert_eq!(
            out,
            "FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum* ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app .\n"
        );
    }

    #[test]
    fn builds_need_their_module_and_a_source_directory() {
        let kinds = |source: &str| -> Vec<(InstallKind, bool)> {
            optimize(source, None)
                .1
                .iter()
                .map(|f| (f.kind, f.fix.is_ok()))
                .collect()
        };
        let head = "FROM golang:1.22\nWORKDIR /src\n";
        // The module and a directory of sources below the build's directory.
        assert_eq!(
            kinds(&format!(
                "{head}COPY go.mod go.sum ./\nCOPY cmd/ ./cmd/\nRUN go build ./cmd/app\n"
            )),
            [(InstallKind::Build, false)]
        );
        // No module copied: nothing is built from these sources.
        assert!(kinds(&format!("{head}COPY cmd/ ./cmd/\nRUN go build ./cmd/app\n")).is_empty());
        // Files, not a directory.
        assert!(
            kinds(&format!(
                "{head}COPY go.mod go.sum ./\nCOPY *.go ./\nRUN go build .\n"
            ))
            .is_empty()
        );
        // A directory elsewhere than the build's.
        assert!(
            kinds(&format!(
                "{head}COPY go.mod go.sum ./\nCOPY tools/ /opt/tools/\nRUN go build .\n"
            ))
            .is_empty()
        );
    }

    #[test]
    fn every_install_the_rewrite_moves_has_the_finding() {
        let source = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nRUN npm ci\n";
        let (_, findings) = optimize(source, None);
        let runs: Vec<(usize, bool)> = findings.iter().map(|f| (f.run, f.fix.is_ok())).collect();
        assert_eq!(runs, [(3, true), (4, true)], "{findings:#?}");
        assert_eq!(findings[0].fix, findings[1].fix, "one rewrite for both");
    }

    #[test]
    fn a_copy_between_blank_lines_takes_one_along() {
        for newline in ["\n", "\r\n"] {
            let source = "FROM node:20\nWORKDIR /app\n\n# the sources\nCOPY . .\n\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n"
                .replace('\n', newline);
            let (out, _) = optimize(&source, None);
            assert_eq!(
                out,
                "FROM node:20\nWORKDIR /app\n\nCOPY package*.json .npmrc* ./\nRUN npm ci\n# the sources\nCOPY . .\nCMD [\"node\", \"index.js\"]\n"
                    .replace('\n', newline),
                "{newline:?}"
            );
        }
    }

    #[test]
    fn required_directories_without_context() {
        let source = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npx prisma generate\nRUN npm run build\n";
        let (out, findings) = optimize(source, None);
        assert_eq!(
            out,
            "FROM node:20\nWORKDIR /app\nCOPY package*.json .npmrc* ./\nRUN npm ci\nCOPY prisma ./prisma\nRUN npx prisma generate\nCOPY . .\nRUN npm run build\n"
        );
        // What could not be checked without the context, said once.
        assert_eq!(
            findings[0].notes,
            [
                "package.json was not read: its install scripts and workspaces were not checked",
                "the build context was not available: make sure .dockerignore leaves out `node_modules`"
            ]
        );
    }

    #[test]
    fn ignored_files_are_not_copied_first() {
        let context = BuildContext::in_memory([
            (".dockerignore", "old.csproj\nbin\nobj\n"),
            ("app.csproj", ""),
            ("old.csproj", ""),
            ("src/Program.cs", ""),
        ]);
        let source = "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet restore\nRUN dotnet publish -c Release -o /out\n";
        let (out, _) = optimize(source, Some(&context));
        assert_eq!(
            out,
            "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY app.csproj ./\nRUN dotnet restore\nCOPY . .\nRUN dotnet publish -c Release -o /out\n"
        );
    }

    #[test]
    fn copied_paths_read_back_as_written() {
        // BuildKit expands variables and removes quotes and escapes in COPY's paths, in
        // either form: what the rewrite writes must read back as the literal paths.
        let read_back = |line: &str, escape: char| {
            let source = format!("# escape={escape}\nFROM scratch\n{line}\n");
            let parse = layerlint_syntax::parse(&source);
            let semantic = Semantic::new(&parse.file);
            let walk = FileWalk::new(&parse.file, &semantic);
            let copy = *walk.stages[0].steps[0].copy.clone().expect("a copy");
            assert!(!copy.unresolved, "{line}");
            (copy.sources, copy.dest)
        };
        let names = [
            "package.json",
            "my app.csproj",
            "$HOME.csproj",
            "it's.csproj",
            "a\"b.csproj",
            "back\\slash`tick.csproj",
            "${X:-y} \\$z",
        ];
        for escape in ['\\', '`'] {
            for name in names {
                let line = format_copy(&[], &[name.to_owned()], "/srv/$app/", escape);
                assert_eq!(
                    read_back(&line, escape),
                    (vec![name.to_owned()], "/srv/$app".to_owned()),
                    "{line}"
                );
            }
        }
        // Only whitespace takes the JSON form.
        assert_eq!(
            format_copy(
                &["--chown=$U".to_owned()],
                &["$a.json".to_owned()],
                "./",
                '\\'
            ),
            r"COPY --chown=$U \$a.json ./"
        );
        assert_eq!(
            format_copy(&[], &["it's $HOME.csproj".to_owned()], "./", '\\'),
            r#"COPY ["it\\'s \\$HOME.csproj", "./"]"#
        );
        // The rewrite writes with the file's escape character.
        let context = BuildContext::in_memory([("$App.csproj", ""), ("src/Program.cs", "")]);
        let source = "# escape=`\nFROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet restore\n";
        let (out, _) = optimize(source, Some(&context));
        assert!(
            out.contains("\nCOPY `$App.csproj ./\nRUN dotnet restore\n"),
            "{out}"
        );
        // Rewritten, the file reads as already in order: a second pass changes nothing.
        let (again, findings) = optimize(&out, Some(&context));
        assert_eq!(again, out);
        assert!(findings.is_empty(), "{findings:#?}");
    }

    #[test]
    fn pip_with_apt_between() {
        let source = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nRUN apt-get update && apt-get install -y gcc\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"app.py\"]\n";
        let (out, _) = optimize(source, None);
        assert_eq!(
            out,
            "FROM python:3.12-slim\nWORKDIR /app\nRUN apt-get update && apt-get install -y gcc\nCOPY requirements*.txt /app/\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . /app\nCMD [\"python\", \"app.py\"]\n"
        );
    }

    /// A manifest whose name the plain form cannot hold (a space) is copied in the JSON
    /// form.
    #[test]
    fn manifest_names_with_spaces_are_copied_in_json_form() {
        let context = BuildContext::in_memory([("requirements dev.txt", "flask"), ("app.py", "")]);
        let source = "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r \"requirements dev.txt\"\n";
        let (out, findings) = optimize(source, Some(&context));
        assert_eq!(findings.len(), 1);
        assert_eq!(
            out,
            "FROM python:3.12\nWORKDIR /app\nCOPY [\"requirements dev.txt\", \"./\"]\nRUN pip install -r \"requirements dev.txt\"\nCOPY . .\n"
        );
        assert_eq!(optimize_source(&out, Some(&context)), out);
    }

    /// The install reads package.json where the copies before it put it (here in a
    /// subdirectory): a postinstall script that needs the sources keeps the install after
    /// them, and says why; without such a script it moves.
    #[test]
    fn install_scripts_are_read_through_the_copies() {
        let source = "FROM node:20\nWORKDIR /srv/web\nCOPY web/ ./\nRUN npm ci\n";
        let with_script = BuildContext::in_memory([
            (
                "web/package.json",
                r#"{"scripts": {"postinstall": "node tools/setup.js"}}"#,
            ),
            ("web/package-lock.json", "{}"),
            ("web/tools/setup.js", ""),
        ]);
        let (out, findings) = optimize(source, Some(&with_script));
        assert_eq!(out, source);
        let reason = findings[0].fix.as_ref().unwrap_err();
        assert!(reason.contains("postinstall"), "{reason}");
        let without = BuildContext::in_memory([
            ("web/package.json", "{}"),
            ("web/package-lock.json", "{}"),
            ("web/tools/setup.js", ""),
        ]);
        let (out, _) = optimize(source, Some(&without));
        assert_eq!(
            out,
            "FROM node:20\nWORKDIR /srv/web\nCOPY web/package.json web/package-lock.json ./\nRUN npm ci\nCOPY web/ ./\n"
        );
    }

    /// `~` in a RUN is the home of the USER it runs as: root's for no user, root or uid
    /// 0; `/home/<name>` for a named user (with or without a group); unknown for another
    /// numeric uid.
    #[test]
    fn homes_of_users() {
        for user in [None, Some(""), Some("root"), Some("0"), Some("root:root")] {
            assert_eq!(home_of(user).as_deref(), Some("/root"), "{user:?}");
        }
        assert_eq!(home_of(Some("node")).as_deref(), Some("/home/node"));
        assert_eq!(home_of(Some("app:staff")).as_deref(), Some("/home/app"));
        assert_eq!(home_of(Some("1000")), None);
        assert_eq!(home_of(Some("1000:1000")), None);
    }

    /// An earlier glob copy into the same directory provides only the files it matches:
    /// the install still gets its manifests copied ahead of it.
    #[test]
    fn a_glob_copy_provides_only_what_it_matches() {
        let context = BuildContext::in_memory([
            ("package.json", "{}"),
            ("package-lock.json", "{}"),
            ("notes.txt", ""),
            ("src/index.js", ""),
        ]);
        let source = "FROM node:20\nWORKDIR /app\nCOPY *.txt ./\nCOPY . .\nRUN npm ci\n";
        let (out, _) = optimize(source, Some(&context));
        assert_eq!(
            out,
            "FROM node:20\nWORKDIR /app\nCOPY *.txt ./\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n"
        );
    }
}

#[cfg(test)]
mod carried_forward_tests {
    use super::*;

    /// Lines of stages: copies of the sources, of manifests, to other directories, from
    /// another stage; installs and builds of several ecosystems in several directories.
    fn line() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "WORKDIR /app",
            "WORKDIR /srv",
            "COPY . .",
            "COPY . /srv/",
            "COPY src/ ./",
            "COPY prisma ./prisma",
            "COPY package.json package-lock.json ./",
            "COPY go.mod go.sum ./",
            "COPY *.json ./",
            "COPY requirements.txt .",
            "COPY --from=build /out ./",
            "RUN npm ci",
            "RUN npm install",
            "RUN go mod download",
            "RUN go build ./...",
            "RUN --mount=type=cache,target=/go/pkg/mod go build ./...",
            "RUN pip install -r requirements.txt",
            "RUN cd /srv && npm ci",
            "RUN echo hi",
            "FROM golang:1.22 AS build",
        ])
    }

    fn contexts() -> [Option<BuildContext>; 3] {
        [
            None,
            Some(BuildContext::in_memory([
                ("package.json", "{}"),
                ("package-lock.json", "{}"),
                ("go.mod", "module x\n"),
                ("go.sum", ""),
                ("requirements.txt", "x\n"),
                ("src/package.json", "{}"),
                ("src/go.mod", "module y\n"),
                ("prisma/schema.prisma", ""),
                ("a.json", "{}"),
            ])),
            Some(BuildContext::in_memory([
                ("main.go", ""),
                ("src/index.js", ""),
                ("prisma/schema.prisma", ""),
                ("package.json", "{}"),
                (".dockerignore", "package.json\n"),
            ])),
        ]
    }

    proptest::proptest! {
        /// What the planner carries forward through a stage (the copies that provide each
        /// path, the first install of each ecosystem, the directories of the sources)
        /// answers what a search of the steps before each position answers, with positions
        /// asked in order and out of order.
        #[test]
        fn carried_forward_matches_a_search(
            lines in proptest::collection::vec(line(), 0..24),
            shuffle in proptest::collection::vec(0usize..64, 0..64),
        ) {
            let source = format!("FROM node:20\n{}\n", lines.join("\n"));
            let parse = layerlint_syntax::parse(&source);
            let semantic = Semantic::new(&parse.file);
            for context in &contexts() {
                let mut optimizer = Optimizer::new(&parse.file, &semantic, context.as_ref());
                // Every stage carried forward, however short.
                optimizer.carry_from = 0;
                let other = FileWalk::new(&parse.file, &semantic);
                // Never carried forward: the plain searches.
                let plain = Optimizer::new(&parse.file, &semantic, context.as_ref());
                for stage in &optimizer.walk().stages {
                    let mut positions: Vec<usize> = (0..=stage.steps.len()).collect();
                    // In order, then in an order of `shuffle`.
                    for (i, &j) in shuffle.iter().enumerate() {
                        let (a, b) = (i % positions.len(), j % positions.len());
                        positions.push(positions[a].max(positions[b]));
                    }
                    for &position in &positions {
                        let searched: Vec<String> = {
                            let mut dirs = Vec::new();
                            for p in 0..position {
                                if let Some(copy) = stage.steps[p].copy.as_deref()
                                    && optimizer.is_source_copy_at(stage, p)
                                    && !dirs.contains(&copy.dest)
                                {
                                    dirs.push(copy.dest.clone());
                                }
                            }
                            dirs
                        };
                        proptest::prop_assert_eq!(
                            optimizer.project_dirs_before(stage, position),
                            searched.clone()
                        );
                        // The same stage of another walk is searched, each copy's directory
                        // kept.
                        let mut looked =
                            optimizer.project_dirs_before(&other.stages[stage.index], position);
                        let mut seen = Vec::new();
                        looked.retain(|d| {
                            let new = !seen.contains(d);
                            seen.push(d.clone());
                            new
                        });
                        proptest::prop_assert_eq!(looked, searched);
                        for ecosystem in [Ecosystem::Npm, Ecosystem::Go, Ecosystem::Pip] {
                            proptest::prop_assert_eq!(
                                optimizer.installed_before(stage, position, ecosystem),
                                optimizer.installed_before_searching(stage, position, ecosystem)
                            );
                        }
                        let Some(run) = position
                            .checked_sub(1)
                            .filter(|&p| stage.steps[p].kind == InstructionKind::Run)
                        else {
                            continue;
                        };
                        // The same analysis (the directories of the sources, the files
                        // the copies lay out) as searching finds.
                        let analysis = optimizer.analysis(stage, run);
                        proptest::prop_assert_eq!(
                            format!("{:?}", analysis),
                            format!("{:?}", plain.analysis(&plain.walk().stages[stage.index], run))
                        );
                        let Some(analysis) = analysis else {
                            continue;
                        };
                        for install in &analysis.installs {
                            proptest::prop_assert_eq!(
                                optimizer.source_copy_for(stage, run, install),
                                optimizer.source_copy_for_searching(stage, run, install),
                                "{:?} at {}",
                                install.text,
                                run
                            );
                        }
                    }
                }
            }
        }
    }
}
