//! Stages and variable scopes, as BuildKit sees them.
//!
//! * Global ARGs (before the first FROM) and BuildKit's automatic platform ARGs are visible
//!   in FROM lines. Inside a stage a global ARG is visible only when redeclared (`ARG NAME`).
//! * A stage sees its own ARGs and ENVs in order; both carry over to a stage built `FROM`
//!   an earlier one (BuildKit's `dispatchState.init` takes the parent's state, whose
//!   environment holds its ARG values, and its build args).
//! * Values are expanded as BuildKit expands them, with the defaults written in the file
//!   (no build arguments given) and the platform `linux/amd64`.

use std::sync::Arc;

use layerlint_text::TextRange;

use crate::ast::{Body, Dockerfile, Instruction, InstructionKind};
use crate::expand::{Env, Expansion, Lex};
use crate::image::ImageRef;

/// BuildKit's automatic platform ARGs, with the values of a `linux/amd64` build.
pub const PLATFORM_ARGS: [(&str, &str); 11] = [
    ("BUILDPLATFORM", "linux/amd64"),
    ("BUILDOS", "linux"),
    ("BUILDOSVERSION", ""),
    ("BUILDARCH", "amd64"),
    ("BUILDVARIANT", ""),
    ("TARGETPLATFORM", "linux/amd64"),
    ("TARGETOS", "linux"),
    ("TARGETOSVERSION", ""),
    ("TARGETARCH", "amd64"),
    ("TARGETVARIANT", ""),
    ("TARGETSTAGE", "default"),
];

/// Proxy variables every RUN receives without an ARG.
pub const PROXY_ARGS: [&str; 10] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Where a variable comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarSource {
    /// One of BuildKit's automatic platform ARGs.
    Platform,
    /// An ARG (global, or in the stage) at this instruction index.
    Arg(usize),
    /// An ENV at this instruction index (possibly in a parent stage).
    Env(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Var {
    /// The expanded value; `None` for `ARG NAME` without a default. Shared: scopes are
    /// copied at every ARG and ENV by the walks over a file, and copying a variable is a
    /// count, not an allocation.
    pub value: Option<Arc<str>>,
    pub source: VarSource,
}

/// The variables visible at a point of the file.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// The variables, each name once, in the order first set. A list, not a hash map: a
    /// scope holds a few variables (a dozen in the larger files), which a comparison of
    /// lengths passes over, and the walks over a file set them at every ARG and ENV and
    /// copy and drop whole scopes, which hashing each name, growing and copying tables cost
    /// more than.
    vars: Vec<(Arc<str>, Var)>,
    /// Where each name is in `vars`, once it holds more than [`Scope::INDEXED_FROM`]: a
    /// generated file can set thousands, and a search of the list for each would make
    /// its walk quadratic.
    index: Option<Box<foldhash::HashMap<Arc<str>, usize>>>,
    /// Whether BuildKit's platform ARGs ([`PLATFORM_ARGS`]) are visible under `vars` (a
    /// name in `vars` hides one). They are shared, not copied into every global scope:
    /// eleven keys and values were a tenth of the work on a small file.
    platform: bool,
}

/// The platform ARGs as variables, built once.
fn platform_vars() -> &'static [(&'static str, Var); PLATFORM_ARGS.len()] {
    static VARS: std::sync::OnceLock<[(&str, Var); PLATFORM_ARGS.len()]> =
        std::sync::OnceLock::new();
    VARS.get_or_init(|| {
        PLATFORM_ARGS.map(|(name, value)| {
            (
                name,
                Var {
                    value: Some(value.into()),
                    source: VarSource::Platform,
                },
            )
        })
    })
}

impl Scope {
    /// A scope holding only BuildKit's platform ARGs (what a `FROM` line sees before any
    /// global ARG).
    pub fn with_platform() -> Scope {
        Scope {
            platform: true,
            ..Scope::default()
        }
    }

    /// How many variables a scope holds before it indexes them.
    const INDEXED_FROM: usize = 32;

    /// Where the variable called `name` is in `vars`.
    fn position(&self, name: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(name).copied(),
            None => self.vars.iter().position(|(own, _)| **own == *name),
        }
    }

    /// The variable called `name` in `vars`.
    fn own_var(&self, name: &str) -> Option<&Var> {
        self.position(name).map(|at| &self.vars[at].1)
    }

    pub fn get_var(&self, name: &str) -> Option<&Var> {
        match self.own_var(name) {
            Some(var) => Some(var),
            None if self.platform => platform_vars()
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, var)| var),
            None => None,
        }
    }

    /// Whether `name` is declared (even an ARG without a value).
    pub fn is_declared(&self, name: &str) -> bool {
        self.get_var(name).is_some()
    }

    /// How many variables it holds itself (the platform ARGs under it not counted).
    pub fn own_len(&self) -> usize {
        self.vars.len()
    }

    /// All declared names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let platform = PLATFORM_ARGS
            .iter()
            .filter(|(name, _)| self.platform && self.own_var(name).is_none())
            .map(|(name, _)| *name);
        self.vars.iter().map(|(name, _)| &**name).chain(platform)
    }

    pub fn insert(&mut self, name: &str, var: Var) {
        self.put(name.into(), var);
    }

    /// Sets `name` to `var`: in its place when the name is there, else after the others. A
    /// new list gets room for a few at once: grown from nothing, it would be copied at its
    /// fifth variable.
    fn put(&mut self, name: Arc<str>, var: Var) {
        /// Room for eight variables.
        const FIRST_CAPACITY: usize = 8;
        if let Some(at) = self.position(&name) {
            self.vars[at].1 = var;
            return;
        }
        if self.vars.capacity() == 0 {
            self.vars.reserve_exact(FIRST_CAPACITY);
        }
        if let Some(index) = &mut self.index {
            index.insert(Arc::clone(&name), self.vars.len());
        }
        self.vars.push((name, var));
        if self.index.is_none() && self.vars.len() > Self::INDEXED_FROM {
            let index = self.vars.iter().enumerate();
            self.index = Some(Box::new(
                index
                    .map(|(at, (name, _))| (Arc::clone(name), at))
                    .collect(),
            ));
        }
    }

    /// Expands `word` in this scope (BuildKit's `ProcessWordWithMatches`).
    pub fn expand(
        &self,
        word: &str,
        escape: char,
    ) -> Result<Expansion, crate::expand::ExpandError> {
        Lex::new(escape).process_word(word, self)
    }

    /// `word` expanded in this scope, as a shared value (`None` when expansion fails). A
    /// word that expansion leaves as it is (most values) is shared as it is: one copy,
    /// not an expanded `String` copied again.
    fn expand_value(&self, word: &str, escape: char) -> Option<Arc<str>> {
        let lex = Lex::new(escape);
        if !lex.may_change(word) {
            return Some(word.into());
        }
        lex.expand_word(word, self).ok().map(Arc::from)
    }

    /// Applies an instruction inside a stage: ARG and ENV define variables.
    pub fn apply(
        &mut self,
        index: usize,
        instruction: &Instruction,
        globals: &Scope,
        escape: char,
    ) {
        self.apply_with(index, instruction, globals, escape, &mut |_, _| {});
    }

    /// Applies a global `ARG` (before the first FROM) to the global scope: what
    /// `scope.apply(index, instruction, &scope.clone(), escape)` does, without the copy (an
    /// `ARG NAME` without a default takes its value from the scope as it was before the
    /// instruction; copying the scope for that at every global ARG made a file of thousands
    /// of them quadratic).
    pub fn apply_global(&mut self, index: usize, instruction: &Instruction, escape: char) {
        let Body::Arg(args) = &instruction.body else {
            return;
        };
        // The values from before the instruction of its ARGs without a default.
        let before: Vec<Option<Arc<str>>> = args
            .iter()
            .filter(|arg| arg.default.is_none())
            .map(|arg| self.get_var(&arg.name.text).and_then(|v| v.value.clone()))
            .collect();
        let mut before = before.into_iter();
        for arg in args {
            let value = match &arg.default {
                Some(default) => self.expand_value(&default.text, escape),
                None => before.next().flatten(),
            };
            self.set(
                &arg.name.text,
                Var {
                    value,
                    source: VarSource::Arg(index),
                },
                &mut |_, _| {},
            );
        }
    }

    /// [`Scope::apply`], showing `define` each variable as it is set, its key shared with
    /// the scope (what [`Semantic::new`] records, without looking each name up again).
    fn apply_with(
        &mut self,
        index: usize,
        instruction: &Instruction,
        globals: &Scope,
        escape: char,
        define: &mut impl FnMut(&Arc<str>, &Var),
    ) {
        match &instruction.body {
            Body::Env(pairs) if pairs.len() == 1 => {
                // One pair (most ENVs): nothing of this ENV comes before its value.
                let pair = &pairs[0];
                let value = self.expand_value(&pair.value.text, escape);
                self.set(
                    &pair.key.text,
                    Var {
                        value: Some(value.unwrap_or_else(|| "".into())),
                        source: VarSource::Env(index),
                    },
                    define,
                );
            }
            Body::Env(pairs) => {
                // Every value of one ENV is expanded with the variables from before it.
                let values: Vec<(&str, Option<Arc<str>>)> = pairs
                    .iter()
                    .map(|pair| {
                        let value = self.expand_value(&pair.value.text, escape);
                        (pair.key.text.as_str(), value)
                    })
                    .collect();
                for (name, value) in values {
                    self.set(
                        name,
                        Var {
                            value: Some(value.unwrap_or_else(|| "".into())),
                            source: VarSource::Env(index),
                        },
                        define,
                    );
                }
            }
            Body::Arg(args) => {
                for arg in args {
                    let name = arg.name.text.as_str();
                    let value = match &arg.default {
                        Some(default) => self.expand_value(&default.text, escape),
                        None => globals.get_var(name).and_then(|v| v.value.clone()),
                    };
                    self.set(
                        name,
                        Var {
                            value,
                            source: VarSource::Arg(index),
                        },
                        define,
                    );
                }
            }
            _ => {}
        }
    }

    /// Sets a variable, showing it to `define` first.
    fn set(&mut self, name: &str, var: Var, define: &mut impl FnMut(&Arc<str>, &Var)) {
        let name: Arc<str> = name.into();
        define(&name, &var);
        self.put(name, var);
    }
}

impl Env for Scope {
    fn get(&self, name: &str) -> Option<&str> {
        self.get_var(name).and_then(|v| v.value.as_deref())
    }
}

/// Scopes are equal when they show the same variables, however they hold them.
impl PartialEq for Scope {
    fn eq(&self, other: &Scope) -> bool {
        self.names().count() == other.names().count()
            && self
                .names()
                .all(|name| self.get_var(name) == other.get_var(name))
    }
}

impl Eq for Scope {}

/// What a stage builds on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// `FROM scratch`.
    Scratch,
    /// `FROM <an earlier stage>`.
    Stage(usize),
    /// An image: as written, and expanded with the global ARGs' defaults.
    Image {
        written: String,
        /// The reference after expansion; `None` when expansion failed.
        resolved: Option<String>,
        /// Variables in the reference without a value (undeclared, or global ARGs declared
        /// without a default: see [`Scope::is_declared`]).
        unmatched: Vec<String>,
        /// Variables in the reference that are defined.
        matched: Vec<String>,
    },
    /// `FROM` without an image.
    Missing,
}

/// A build stage: a FROM and the instructions up to the next FROM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// The index of its FROM in [`Dockerfile::instructions`].
    pub from: usize,
    /// One past the index of its last instruction.
    pub end: usize,
    /// The name after `AS`, lower-cased as BuildKit does.
    pub name: Option<String>,
    pub name_range: Option<TextRange>,
    pub base: Base,
    /// Whether the stage builds a Windows image (its base, or an ancestor stage's, is a
    /// Windows image, or `--platform=windows/…`): `RUN` then runs `cmd /S /C`, not
    /// `/bin/sh -c`.
    pub windows: bool,
    /// Its base image's reference, parsed on first use (see [`Stage::image`]).
    image: ParsedImage,
}

/// [`Stage::image`]'s memo. It follows from the stage's `base`, so it takes no part in
/// comparisons or debug output: a stage whose image was asked for equals one whose was not.
#[derive(Clone, Default)]
struct ParsedImage(std::sync::OnceLock<Option<ImageRef>>);

impl PartialEq for ParsedImage {
    fn eq(&self, _: &ParsedImage) -> bool {
        true
    }
}

impl Eq for ParsedImage {}

impl std::fmt::Debug for ParsedImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(parsed on first use)")
    }
}

impl Stage {
    /// The indices of its instructions after FROM.
    pub fn body(&self) -> std::ops::Range<usize> {
        self.from + 1..self.end
    }

    /// The base image's reference as resolved, when it parses (`None` for a stage built
    /// on another stage, `scratch`, or an unresolved or invalid reference). Parsed once:
    /// the planner and half a dozen rules ask.
    pub fn image(&self) -> Option<&ImageRef> {
        self.image
            .0
            .get_or_init(|| match &self.base {
                Base::Image {
                    resolved: Some(resolved),
                    ..
                } => ImageRef::parse(resolved).ok(),
                _ => None,
            })
            .as_ref()
    }
}

/// The stages of a file and its global scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Semantic {
    /// The indices of the ARG instructions before the first FROM.
    pub global_arg_instructions: Vec<usize>,
    /// Platform ARGs and the global ARGs with their defaults: what FROM lines see.
    pub global_scope: Scope,
    pub stages: Vec<Stage>,
    /// Each instruction's stage (`None` before the first FROM).
    stage_of: Vec<Option<usize>>,
    /// What each ARG and ENV in a stage defines, by instruction index: the variables'
    /// values after it (see [`Semantic::apply_in_stage`]).
    defined: Vec<(usize, Arc<str>, Var)>,
    /// Bit `i % 64` of word `i / 64` is set when instruction `i` has entries in `defined`
    /// (no words when none has). The linter's walk asks at every instruction, and most
    /// define nothing: a clear bit answers without searching `defined`.
    defining: Vec<u64>,
    /// For a file of many stages: each stage name (lower-cased, as kept) with the index of
    /// the last stage of that name, for [`Semantic::stage_named`]. Without it (a few stages,
    /// most files), a search from the last stage answers; with thousands, searching for
    /// every `FROM` and `COPY --from` is quadratic.
    by_name: Option<Box<StageIndex>>,
}

/// Past this many stages, stage names are looked up in a [`StageIndex`].
const STAGE_INDEX_FROM: usize = 16;

/// Stage names (lower-cased) with the index of the last stage of each.
type StageIndex = foldhash::HashMap<String, usize>;

/// The [`StageIndex`] of `stages`.
fn stage_index(stages: &[Stage]) -> StageIndex {
    let mut index = StageIndex::default();
    for stage in stages {
        if let Some(name) = &stage.name {
            index.insert(name.clone(), stage.index);
        }
    }
    index
}

impl Semantic {
    pub fn new(file: &Dockerfile) -> Self {
        let escape = file.escape();
        let instructions = file.instructions();
        let mut global_scope = Scope::with_platform();
        let mut global_arg_instructions = Vec::new();
        let first_from = instructions
            .iter()
            .position(|i| i.kind == InstructionKind::From)
            .unwrap_or(instructions.len());
        for (index, instruction) in instructions[..first_from].iter().enumerate() {
            if instruction.kind == InstructionKind::Arg {
                global_arg_instructions.push(index);
                global_scope.apply_global(index, instruction, escape);
            }
        }

        // Most files have one to a few stages: room for them without growing from empty.
        let mut stages: Vec<Stage> = Vec::with_capacity(4);
        let mut stage_of = vec![None; instructions.len()];
        // Made once there are many stages, and kept up to date after that.
        let mut by_name: Option<Box<StageIndex>> = None;
        for (index, instruction) in instructions.iter().enumerate().skip(first_from) {
            if let Body::From(from) = &instruction.body {
                if let Some(last) = stages.last_mut() {
                    last.end = index;
                }
                let base = match from.image() {
                    None => Base::Missing,
                    Some(image) => Self::resolve_base(
                        &image.text,
                        &stages,
                        by_name.as_deref(),
                        &global_scope,
                        escape,
                    ),
                };
                let platform_windows = instruction
                    .flag("platform")
                    .is_some_and(|f| f.value_str().to_ascii_lowercase().starts_with("windows"));
                let windows = platform_windows
                    || match &base {
                        Base::Stage(parent) => stages[*parent].windows,
                        Base::Image {
                            written, resolved, ..
                        } => looks_like_windows_image(resolved.as_deref().unwrap_or(written)),
                        Base::Scratch | Base::Missing => false,
                    };
                stages.push(Stage {
                    index: stages.len(),
                    from: index,
                    end: instructions.len(),
                    name: from.stage_name().map(|n| lowercase(&n.text)),
                    name_range: from.stage_name().map(|n| n.range),
                    base,
                    windows,
                    image: ParsedImage::default(),
                });
                if let Some(index) = &mut by_name {
                    let stage = &stages[stages.len() - 1];
                    if let Some(name) = &stage.name {
                        index.insert(name.clone(), stage.index);
                    }
                } else if stages.len() > STAGE_INDEX_FROM {
                    by_name = Some(Box::new(stage_index(&stages)));
                }
            }
            stage_of[index] = stages.len().checked_sub(1);
        }

        // Most files define a few names: room for them without growing from empty.
        let mut defined = Vec::with_capacity(8);
        // The scope of the stage walked last, at its end.
        let mut scope = Scope::default();
        for stage in &stages {
            scope = Self::entry_scope(&stages, &defined, stage.index, Some(scope));
            for index in stage.body() {
                let instruction = &instructions[index];
                if !matches!(instruction.body, Body::Env(_) | Body::Arg(_)) {
                    // Only ARG and ENV change a scope.
                    continue;
                }
                // Each variable as it is set, its key shared with the scope, not copied. (An
                // ENV or ARG that sets a name twice records both: replayed in order, they
                // leave the last, as the scope has it.)
                scope.apply_with(
                    index,
                    instruction,
                    &global_scope,
                    escape,
                    &mut |name, var| {
                        defined.push((index, name.clone(), var.clone()));
                    },
                );
            }
        }

        let mut defining = Vec::new();
        if let Some(&(last, _, _)) = defined.last() {
            // In instruction order: the last entry's instruction is the highest.
            defining = vec![0u64; last / 64 + 1];
            for &(index, _, _) in &defined {
                defining[index / 64] |= 1 << (index % 64);
            }
        }

        Semantic {
            global_arg_instructions,
            global_scope,
            stages,
            stage_of,
            defined,
            defining,
            by_name,
        }
    }

    /// Applies instruction `index` of a stage to `scope`, the scope of that stage right
    /// before it (from [`Semantic::stage_entry_scope`] and the instructions before it): what
    /// `scope.apply(index, instruction, &self.global_scope, escape)` does, from the values
    /// found when the file was read instead of expanding them again.
    pub fn apply_in_stage(&self, scope: &mut Scope, index: usize) {
        for (name, var) in self.defined_by(index) {
            scope.put(name.clone(), var.clone());
        }
    }

    /// What instruction `index` of a stage defines, in order (a name set twice is there
    /// twice): the variables [`Semantic::apply_in_stage`] sets.
    pub fn defined_by(&self, index: usize) -> impl Iterator<Item = (&Arc<str>, &Var)> {
        let defines = self
            .defining
            .get(index / 64)
            .is_some_and(|bits| bits & (1 << (index % 64)) != 0);
        let from = if defines {
            self.defined.partition_point(|(i, _, _)| *i < index)
        } else {
            self.defined.len()
        };
        self.defined[from..]
            .iter()
            .take_while(move |(i, _, _)| *i == index)
            .map(|(_, name, var)| (name, var))
    }

    fn resolve_base(
        written: &str,
        earlier: &[Stage],
        by_name: Option<&StageIndex>,
        globals: &Scope,
        escape: char,
    ) -> Base {
        let expansion = globals.expand(written, escape);
        let (resolved, matched, unmatched) = match expansion {
            Ok(e) => (Some(e.result), e.matched, e.unmatched),
            Err(_) => (None, Vec::new(), Vec::new()),
        };
        if let Some(name) = &resolved {
            // Stage names are kept lower-cased: an ASCII name (most) is compared with them
            // ignoring case, without a lower-cased copy.
            let lower = (!name.is_ascii()).then(|| name.to_lowercase());
            let is = |other: &str| match &lower {
                Some(lower) => lower == other,
                None => name.eq_ignore_ascii_case(other),
            };
            let stage = match by_name {
                // `earlier`'s names, indexed: see `Semantic::stage_named`.
                Some(index) => index.get(lowercase(name).as_str()).copied(),
                None => earlier
                    .iter()
                    .rev()
                    .find(|s| s.name.as_deref().is_some_and(is))
                    .map(|s| s.index),
            };
            if let Some(stage) = stage {
                return Base::Stage(stage);
            }
            if is("scratch") {
                return Base::Scratch;
            }
        }
        Base::Image {
            written: written.to_owned(),
            resolved,
            unmatched,
            matched,
        }
    }

    /// The stage an instruction belongs to.
    pub fn stage_of(&self, instruction: usize) -> Option<usize> {
        self.stage_of.get(instruction).copied().flatten()
    }

    /// The last stage named `name` (any case), as `COPY --from` and `FROM` resolve it.
    /// Stage names are kept lower-cased: an ASCII name (most) is compared with them
    /// ignoring ASCII case, without a lower-cased copy of it.
    pub fn stage_named(&self, name: &str) -> Option<&Stage> {
        if let Some(index) = &self.by_name {
            // The names are kept as `lowercase` makes them: an ASCII name equals one ignoring
            // ASCII case exactly when its ASCII lower-casing does, and another is
            // compared lower-cased.
            return index
                .get(lowercase(name).as_str())
                .map(|&i| &self.stages[i]);
        }
        if name.is_ascii() {
            return self.stages.iter().rev().find(|s| {
                s.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            });
        }
        let lower = name.to_lowercase();
        self.stages
            .iter()
            .rev()
            .find(|s| s.name.as_deref() == Some(lower.as_str()))
    }

    /// The scope a stage starts with: the ARGs and ENVs it inherits from a parent stage.
    pub fn stage_entry_scope(&self, stage: usize) -> Scope {
        Self::entry_scope(&self.stages, &self.defined, stage, None)
    }

    /// [`Semantic::stage_entry_scope`] for a walk over the stages in order: `previous` is
    /// the scope the stage before `stage` ended with, what a stage built on that one starts
    /// with (kept, not copied again: a chain of stages each built on the one before copied
    /// its growing scope at every stage).
    pub fn next_stage_scope(&self, stage: usize, previous: Scope) -> Scope {
        Self::entry_scope(&self.stages, &self.defined, stage, Some(previous))
    }

    /// The scope `stage` starts with, given what the stages before it define and (when
    /// known) `previous`, the scope the stage before it ended with. The scopes the stages end with are not
    /// kept (a chain of stages, each adding a variable, kept as many scopes of up to as many
    /// variables): a stage built on another than the one before replays what that one and
    /// its ancestors define.
    fn entry_scope(
        stages: &[Stage],
        defined: &[(usize, Arc<str>, Var)],
        stage: usize,
        previous: Option<Scope>,
    ) -> Scope {
        let Some(Base::Stage(parent)) = stages.get(stage).map(|s| &s.base) else {
            return Scope::default();
        };
        if let Some(previous) = previous.filter(|_| parent + 1 == stage) {
            return previous;
        }
        let mut line = vec![*parent];
        while let Some(&Base::Stage(up)) = line.last().map(|&s| &stages[s].base) {
            line.push(up);
        }
        let mut scope = Scope::default();
        for &ancestor in line.iter().rev() {
            let body = stages[ancestor].body();
            let from = defined.partition_point(|(i, _, _)| *i < body.start);
            for (_, name, var) in defined[from..].iter().take_while(|(i, _, _)| *i < body.end) {
                scope.put(name.clone(), var.clone());
            }
        }
        scope
    }

    /// The scope right before instruction `index` (replays its stage from the start;
    /// walkers over the whole file should keep a [`Scope`] and
    /// [`Semantic::apply_in_stage`] instead).
    pub fn scope_before(&self, index: usize) -> Scope {
        let Some(stage) = self.stage_of(index) else {
            return self.global_scope.clone();
        };
        let mut scope = self.stage_entry_scope(stage);
        for i in self.stages[stage].body().take_while(|&i| i < index) {
            self.apply_in_stage(&mut scope, i);
        }
        scope
    }

    /// The final stage: what `docker build` builds without `--target`.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// Which stages the final stage needs (itself included), through `FROM` and
    /// `COPY --from` / `RUN --mount=from=` references.
    pub fn reachable_from_final(&self, file: &Dockerfile) -> Vec<bool> {
        let mut reachable = vec![false; self.stages.len()];
        let Some(last) = self.stages.len().checked_sub(1) else {
            return reachable;
        };
        let mut todo = vec![last];
        while let Some(stage) = todo.pop() {
            if std::mem::replace(&mut reachable[stage], true) {
                continue;
            }
            if let Base::Stage(parent) = self.stages[stage].base {
                todo.push(parent);
            }
            for index in self.stages[stage].body() {
                for reference in stage_references(&file.instructions()[index]) {
                    let found = self
                        .stages
                        .iter()
                        .take(stage)
                        .rev()
                        .find(|s| s.name.as_deref() == Some(reference.to_lowercase().as_str()))
                        .map(|s| s.index)
                        .or_else(|| reference.parse::<usize>().ok().filter(|&i| i < stage));
                    todo.extend(found);
                }
            }
        }
        reachable
    }
}

/// `text` in lower case (Go's `strings.ToLower`): byte by byte when it is ASCII, which
/// gives the same and costs less.
fn lowercase(text: &str) -> String {
    if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        text.to_lowercase()
    }
}

/// Whether an image reference names a Windows image (Windows Server Core, Nano Server,
/// and the `-nanoserver`/`-windowsservercore`/`-ltsc` tags of images built on them).
pub fn looks_like_windows_image(reference: &str) -> bool {
    // Every name below has `ws` (windows) or `ve` (server), in either case, but for the
    // tag's `ltsc20`, after the last `:`: without them (most references, most of those with
    // a `w` or a `v` too, such as `bookworm` and `arm32v7`), nothing needs lower-casing or
    // searching.
    let bytes = reference.as_bytes();
    let after_colon = bytes
        .iter()
        .rposition(|&b| b == b':')
        .map_or(&[][..], |colon| &bytes[colon + 1..]);
    (has_pair(bytes) || has_ltsc(after_colon)) && names_windows_image(reference)
}

/// The searches behind [`looks_like_windows_image`], in a lower-cased copy of `reference`.
fn names_windows_image(reference: &str) -> bool {
    let lower = reference.to_ascii_lowercase();
    let (path, tag) = match lower.rsplit_once(':') {
        Some((path, tag)) if !tag.contains('/') => (path, tag),
        _ => (lower.as_str(), ""),
    };
    path.contains("/windows/")
        || path.ends_with("/windows")
        || path.contains("nanoserver")
        || path.contains("servercore")
        || tag.contains("nanoserver")
        || tag.contains("windowsservercore")
        || tag.contains("ltsc20")
}

/// Whether `bytes` has `ws` or `ve` in any case: looked for only where there is a `w` or
/// a `v` at all, then a byte at a time, each byte's roles (first or second letter of a
/// pair) looked up in [`PAIR_LETTERS`] and matched against the byte before's.
fn has_pair(bytes: &[u8]) -> bool {
    // `b | 0x20` is a given lower-case letter for that letter in either case and for no
    // other byte.
    if !crate::words::any_byte(bytes, |b| (b | 0x20 == b'w') | (b | 0x20 == b'v')) {
        return false;
    }
    let mut before = 0;
    for &byte in bytes {
        let roles = PAIR_LETTERS[usize::from(byte)];
        if before & (roles >> 2) != 0 {
            return true;
        }
        before = roles;
    }
    false
}

/// For [`has_pair`], by byte: bit 0 for `w` and bit 1 for `v` (a pair's first letter),
/// bit 2 for `s` and bit 3 for `e` (the second letter of the pair of the bit two below),
/// in either case.
static PAIR_LETTERS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut at = 0;
    while at < 256 {
        table[at] = match (at as u8).to_ascii_lowercase() {
            b'w' => 1,
            b'v' => 2,
            b's' => 4,
            b'e' => 8,
            _ => 0,
        };
        at += 1;
    }
    table
};

/// Whether `bytes` has `ltsc` in any case: compared only where an `l` is.
fn has_ltsc(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(at, &byte)| {
        byte | 0x20 == b'l'
            && bytes
                .get(at + 1..at + 4)
                .is_some_and(|rest| rest.eq_ignore_ascii_case(b"tsc"))
    })
}

/// The stage names (or indices) an instruction takes files from: `COPY --from=…`,
/// `RUN --mount=…,from=…`.
pub fn stage_references(instruction: &Instruction) -> Vec<&str> {
    let instruction = instruction.effective();
    let mut references = Vec::new();
    match &instruction.body {
        Body::Copy(_) => {
            if let Some(from) = instruction.flag("from").and_then(|f| f.value.as_ref()) {
                references.push(from.text.as_str());
            }
        }
        Body::Run(run) => references.extend(run.mounts.iter().filter_map(|m| m.from())),
        _ => {}
    }
    references
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of every file under `fixtures/`.
    fn fixture_texts() -> Vec<String> {
        let mut texts = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from("../../fixtures")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("fixtures are readable") {
                let path = entry.expect("readable entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.push(text);
                }
            }
        }
        texts
    }

    /// Replaying what each ARG and ENV defined gives, at every instruction of every stage,
    /// the scope that expanding them again gives: over every fixture (and a file made to
    /// redefine names within one instruction).
    #[test]
    fn apply_in_stage_replays_apply() {
        let mut sources = vec![
            "ARG A=1\nFROM x AS one\nARG A B=$A C\nENV D=$B D=${D}2 E=\"$A $C\"\nARG B=3 B\nFROM one\nENV F=$D\nARG A\n".to_owned(),
            // Definitions past the first 64 instructions, and at the 64th.
            format!(
                "FROM x\n{}ENV A=1\n{}ARG B=$A\nENV C=$B\n",
                "RUN true\n".repeat(62),
                "RUN true\n".repeat(70)
            ),
        ];
        sources.extend(fixture_texts());
        assert!(sources.len() > 100, "read {} files", sources.len());
        for source in &sources {
            let parse = crate::parse(source);
            let file = &parse.file;
            let semantic = Semantic::new(file);
            for stage in &semantic.stages {
                let mut expanded = semantic.stage_entry_scope(stage.index);
                let mut replayed = expanded.clone();
                for index in stage.body() {
                    let instruction = &file.instructions()[index];
                    expanded.apply(index, instruction, &semantic.global_scope, file.escape());
                    semantic.apply_in_stage(&mut replayed, index);
                    assert_eq!(replayed, expanded, "instruction {index} of\n{source}");
                }
            }
        }
    }
    use crate::parse;

    /// The platform ARGs shared under a scope behave as if each had been inserted.
    #[test]
    fn platform_layer_is_like_inserted_platform_args() {
        let mut copied = Scope::default();
        for (name, value) in PLATFORM_ARGS {
            let var = Var {
                value: Some((*value).into()),
                source: VarSource::Platform,
            };
            copied.insert(name, var);
        }
        let mut layered = Scope::with_platform();
        assert_eq!(layered, copied);
        assert_ne!(layered, Scope::default());
        assert_eq!(layered.get("TARGETARCH"), Some("amd64"));
        assert!(layered.is_declared("BUILDVARIANT"));
        assert!(!Scope::default().is_declared("BUILDVARIANT"));
        assert!(!layered.is_declared("TARGETARCHX"));

        // A global ARG hides the platform ARG of its name, and every name is listed once.
        let file = parse("ARG TARGETARCH=arm64\nARG TARGETOS\nARG OTHER=$TARGETOS\nFROM x\n").file;
        for (index, instruction) in file.instructions().iter().take(3).enumerate() {
            let before = copied.clone();
            copied.apply(index, instruction, &before, '\\');
            let before = layered.clone();
            layered.apply(index, instruction, &before, '\\');
        }
        assert_eq!(layered, copied);
        assert_eq!(layered.get("TARGETARCH"), Some("arm64"));
        assert_eq!(layered.get("OTHER"), Some("linux"));
        let mut names: Vec<&str> = layered.names().collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
        assert_eq!(count, PLATFORM_ARGS.len() + 1);
        assert_eq!(
            layered.get_var("TARGETARCH").unwrap().source,
            VarSource::Arg(0)
        );
    }

    proptest::proptest! {
        /// A scope set name by name holds what a map set the same way holds: each name
        /// once, with its last value, the platform ARGs under them; searched in a list or,
        /// past [`Scope::INDEXED_FROM`] names, through its index.
        #[test]
        fn scope_is_a_map(
            sets in proptest::collection::vec((0usize..52, 0usize..3), 0..120),
            platform: bool,
        ) {
            let many: Vec<String> = (0..40).map(|i| format!("V{i}")).collect();
            let names: Vec<&str> = [
                "A", "B", "AB", "BA", "TARGETOS", "TARGETARCH", "a", "", "PATH", "BUILDOS",
                "HOME", "X1",
            ]
            .into_iter()
            .chain(many.iter().map(String::as_str))
            .collect();
            let mut scope = if platform { Scope::with_platform() } else { Scope::default() };
            let mut map = std::collections::HashMap::new();
            if platform {
                for (name, value) in PLATFORM_ARGS {
                    map.insert(name, (Some(value.to_owned()), VarSource::Platform));
                }
            }
            for (at, &(name, value)) in sets.iter().enumerate() {
                let value = (value > 0).then(|| format!("{value}"));
                scope.insert(
                    names[name],
                    Var {
                        value: value.as_deref().map(Arc::from),
                        source: VarSource::Arg(at),
                    },
                );
                map.insert(names[name], (value, VarSource::Arg(at)));
            }
            let mut listed: Vec<&str> = scope.names().collect();
            listed.sort_unstable();
            let mut expected: Vec<&str> = map.keys().copied().collect();
            expected.sort_unstable();
            proptest::prop_assert_eq!(listed, expected);
            for name in names.iter().chain(PLATFORM_ARGS.iter().map(|(name, _)| name)) {
                let got = scope
                    .get_var(name)
                    .map(|var| (var.value.as_deref().map(str::to_owned), var.source));
                proptest::prop_assert_eq!(got.as_ref(), map.get(name), "{}", name);
            }
        }
    }

    proptest::proptest! {
        /// Applying global ARGs in place gives what applying them with a copy of the scope
        /// from before each (the value of an `ARG NAME` without a default) gives.
        #[test]
        fn apply_global_is_apply_with_a_copy(
            args in proptest::collection::vec(
                proptest::collection::vec((0usize..5, 0usize..4), 1..4),
                0..12,
            ),
        ) {
            let names = ["A", "B", "TARGETOS", "BUILDARCH", "C"];
            let defaults = ["", "=1", "=$A$B", "=${TARGETOS}-$C"];
            let mut source = String::new();
            for arg in &args {
                source.push_str("ARG");
                for &(name, default) in arg {
                    source.push(' ');
                    source.push_str(names[name]);
                    source.push_str(defaults[default]);
                }
                source.push('\n');
            }
            let file = crate::parse(&source).file;
            let mut copied = Scope::with_platform();
            let mut in_place = Scope::with_platform();
            for (index, instruction) in file.instructions().iter().enumerate() {
                let before = copied.clone();
                copied.apply(index, instruction, &before, '\\');
                in_place.apply_global(index, instruction, '\\');
                proptest::prop_assert_eq!(&in_place, &copied, "{}", source);
                let order = |scope: &Scope| scope.names().map(str::to_owned).collect::<Vec<_>>();
                proptest::prop_assert_eq!(order(&in_place), order(&copied));
            }
        }
    }

    /// A walk over the stages in order, keeping the scope each ended with, starts each
    /// stage with the scope replaying its ancestors gives: over every fixture and files made
    /// to build on earlier stages in every way.
    #[test]
    fn next_stage_scope_is_the_entry_scope() {
        let mut sources = vec![
            "FROM a AS one\nARG A=1 B\nFROM one AS two\nENV A=2\nFROM one\nENV C=$A\nFROM two\nARG B=3\nFROM 1\nFROM two\nFROM one\n".to_owned(),
            "FROM a AS one\nENV X=1\nFROM b\nFROM one AS three\nENV Y=$X\nFROM three\nENV X=2\nFROM one\n".to_owned(),
        ];
        sources.extend(fixture_texts());
        for source in &sources {
            let parse = crate::parse(source);
            let semantic = Semantic::new(&parse.file);
            let mut scope = Scope::with_platform();
            for stage in &semantic.stages {
                scope = semantic.next_stage_scope(stage.index, scope);
                assert_eq!(scope, semantic.stage_entry_scope(stage.index), "{source}");
                for index in stage.body() {
                    semantic.apply_in_stage(&mut scope, index);
                }
            }
        }
        let file =
            parse("FROM a AS one\nENV A=1\nFROM one AS two\nENV B=$A\nFROM one\nFROM two\n").file;
        let semantic = Semantic::new(&file);
        assert_eq!(semantic.stage_entry_scope(2).get("B"), None);
        assert_eq!(semantic.stage_entry_scope(3).get("B"), Some("1"));
    }

    /// What the file's semantics hold grows with the file: a chain of stages each built on
    /// the one before and adding a variable keeps no scope per stage (that held as many
    /// scopes of up to as many variables).
    #[test]
    fn a_chain_of_stages_holds_no_scope_per_stage() {
        let held = |n: usize| {
            let mut source = String::from("FROM a AS s0\n");
            for i in 1..=n {
                source.push_str(&format!(
                    "FROM s{} AS s{i}\nENV V{i}={i}\nRUN echo $V{i}\n",
                    i - 1
                ));
            }
            format!("{:?}", Semantic::new(&parse(&source).file)).len()
        };
        let (small, large) = (held(100), held(400));
        assert!(
            large < small * 5,
            "{small} bytes for 100 stages, {large} for 400"
        );
    }

    #[test]
    fn stages_are_named_in_any_case() {
        // The ASCII shortcut finds the stage a lower-cased copy of the name finds, for
        // names in every case, names of no stage, and names that are not ASCII (the Kelvin
        // sign lower-cases to an ASCII `k`); so does the index of a file of many stages
        // (the same stages four times over).
        let source = "FROM a AS Build\nFROM b AS ÉTAPE\nFROM c AS build\nFROM d AS x1\n\
                      FROM e AS \u{212a}\nFROM f\n";
        for (copies, indexed) in [(1, false), (4, true)] {
            let source = source.repeat(copies);
            let parse = crate::parse(&source);
            let semantic = Semantic::new(&parse.file);
            assert_eq!(semantic.by_name.is_some(), indexed);
            let by_copy = |name: &str| {
                let lower = name.to_lowercase();
                semantic
                    .stages
                    .iter()
                    .rev()
                    .find(|s| s.name.as_deref() == Some(lower.as_str()))
                    .map(|s| s.index)
            };
            for name in [
                "build", "BUILD", "Build", "bUiLd", "étape", "ÉTAPE", "Étape", "x1", "X1", "x", "",
                "0", "buil", "builds", "scratch", "k", "K", "\u{212a}",
            ] {
                assert_eq!(
                    semantic.stage_named(name).map(|s| s.index),
                    by_copy(name),
                    "{name}"
                );
            }
            let last = 6 * (copies - 1);
            assert_eq!(
                semantic.stage_named("BUILD").map(|s| s.index),
                Some(last + 2)
            );
            assert_eq!(semantic.stage_named("K").map(|s| s.index), Some(last + 4));
        }
    }

    /// Names for stages and their references: ASCII in every case, names that are not
    /// ASCII (the Kelvin sign lower-cases to `k`; a final sigma lower-cases by its place),
    /// and `scratch`.
    fn stage_name_piece() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "build", "BUILD", "Build", "b", "B", "x1", "X1", "k", "K", "\u{212a}", "étape",
            "ÉTAPE", "Étape", "ΣΑΣ", "σας", "σασ", "scratch", "Scratch", "node",
        ])
    }

    proptest::proptest! {
        /// With few stages and with many (past `STAGE_INDEX_FROM`, looked up in the
        /// index), `stage_named` finds the last stage whose name a lower-cased copy equals,
        /// and each `FROM` is based on the last earlier stage of that name, as a search of
        /// the earlier stages finds it.
        #[test]
        fn stage_lookups_match_a_search(
            stages in proptest::collection::vec(
                (stage_name_piece(), proptest::option::of(stage_name_piece())),
                0..40,
            ),
            queries in proptest::collection::vec(stage_name_piece(), 0..12),
        ) {
            let mut source = String::new();
            for (image, name) in &stages {
                source.push_str("FROM ");
                source.push_str(image);
                if let Some(name) = name {
                    source.push_str(" AS ");
                    source.push_str(name);
                }
                source.push('\n');
            }
            let parse = crate::parse(&source);
            let semantic = Semantic::new(&parse.file);
            proptest::prop_assert_eq!(semantic.stages.len(), stages.len());
            proptest::prop_assert_eq!(
                semantic.by_name.is_some(),
                stages.len() > STAGE_INDEX_FROM
            );
            let last_named = |earlier: &[Stage], name: &str| {
                let lower = name.to_lowercase();
                earlier
                    .iter()
                    .rev()
                    .find(|s| s.name.as_deref() == Some(lower.as_str()))
                    .map(|s| s.index)
            };
            for (i, (image, _)) in stages.iter().enumerate() {
                let expected = last_named(&semantic.stages[..i], image);
                let got = match &semantic.stages[i].base {
                    Base::Stage(parent) => Some(*parent),
                    _ => None,
                };
                proptest::prop_assert_eq!(got, expected, "stage {} from {}", i, image);
            }
            for name in queries.iter().copied().chain(stages.iter().map(|(image, _)| *image)) {
                proptest::prop_assert_eq!(
                    semantic.stage_named(name).map(|s| s.index),
                    last_named(&semantic.stages, name),
                    "{}",
                    name
                );
            }
        }
    }

    fn reference_piece() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "windows",
            "WinDows",
            "nanoserver",
            "NanoServer",
            "servercore",
            "ServerCore",
            "windowsservercore",
            "ltsc20",
            "LTSC2022",
            "ltsc",
            "bookworm",
            "arm32v7",
            "ws",
            "vE",
            "w",
            "v",
            "s",
            "e",
            ":",
            "/",
            "-",
            "x",
            "\u{e9}",
        ])
    }

    proptest::proptest! {
        /// Looking for the letters first answers as the searches do.
        #[test]
        fn windows_images_as_searched(
            pieces in proptest::collection::vec(reference_piece(), 0..8),
        ) {
            let reference = pieces.concat();
            proptest::prop_assert_eq!(
                looks_like_windows_image(&reference),
                super::names_windows_image(&reference),
                "{}",
                reference
            );
        }
    }

    /// Asking for a stage's image changes neither its equality nor its debug output.
    #[test]
    fn parsed_image_is_not_part_of_a_stage() {
        let file = parse("FROM node:20 AS build\nFROM build\n").file;
        let (asked, fresh) = (Semantic::new(&file), Semantic::new(&file));
        assert_eq!(
            asked.stages[0].image().map(|i| i.path.as_str()),
            Some("node")
        );
        assert_eq!(asked.stages[1].image(), None);
        assert_eq!(asked, fresh);
        assert_eq!(format!("{asked:?}"), format!("{fresh:?}"));
    }

    #[test]
    fn stages_and_bases() {
        let file = parse(
            "ARG BASE=node:20\nARG TAG\nFROM ${BASE} AS Deps\nENV A=1 B=$A\nFROM deps AS build\nARG TAG\nENV C=${A}x\nFROM scratch\nCOPY --from=build /a /b\nFROM img:${TAG}\n",
        )
        .file;
        let semantic = Semantic::new(&file);
        assert_eq!(semantic.global_arg_instructions, [0, 1]);
        assert_eq!(semantic.stages.len(), 4);
        let Base::Image {
            resolved,
            unmatched,
            ..
        } = &semantic.stages[0].base
        else {
            panic!()
        };
        assert_eq!(resolved.as_deref(), Some("node:20"));
        assert!(unmatched.is_empty());
        assert_eq!(semantic.stages[0].name.as_deref(), Some("deps"));
        assert_eq!(semantic.stages[1].base, Base::Stage(0));
        assert_eq!(semantic.stages[2].base, Base::Scratch);
        let Base::Image {
            resolved,
            unmatched,
            ..
        } = &semantic.stages[3].base
        else {
            panic!()
        };
        assert_eq!(resolved.as_deref(), Some("img:"));
        // Declared globally, but without a value: unmatched, yet declared.
        assert_eq!(unmatched, &["TAG"]);
        assert!(semantic.global_scope.is_declared("TAG"));
        assert_eq!(semantic.stage_of(3), Some(0));
        assert_eq!(semantic.stage_of(0), None);
        // ENV B sees A from before the instruction: empty. Stage 1 inherits A and B.
        let mut scope = semantic.scope_before(6);
        assert_eq!(scope.get("A"), Some("1"));
        assert_eq!(scope.get("B"), Some(""));
        assert_eq!(scope.get("C"), None);
        scope.apply(6, &file.instructions()[6], &semantic.global_scope, '\\');
        assert_eq!(scope.get("C"), Some("1x"));
        assert!(scope.is_declared("TAG"));
        assert_eq!(scope.get("TAG"), None);
        assert_eq!(
            semantic.reachable_from_final(&file),
            [false, false, false, true]
        );
        assert_eq!(semantic.stage_named("BUILD").map(|s| s.index), Some(1));
    }

    #[test]
    fn windows_stages() {
        let file = parse(
            "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win\nFROM win AS child\nFROM mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-1809\nFROM --platform=windows/amd64 foo\nFROM node:20\nFROM mcr.microsoft.com/powershell:lts-ubuntu-22.04\n",
        )
        .file;
        let semantic = Semantic::new(&file);
        let windows: Vec<bool> = semantic.stages.iter().map(|s| s.windows).collect();
        assert_eq!(windows, [true, true, true, true, false, false]);
    }

    #[test]
    fn child_stages_inherit_args_and_envs() {
        let file = parse("FROM alpine AS base\nARG foo=x\nARG bare\nENV e=1\nFROM base\n").file;
        let semantic = Semantic::new(&file);
        let scope = semantic.stage_entry_scope(1);
        assert_eq!(scope.get("foo"), Some("x"));
        assert_eq!(scope.get("e"), Some("1"));
        assert!(scope.is_declared("bare"));
        assert_eq!(semantic.stage_entry_scope(0), Scope::default());
    }

    #[test]
    fn reachability_follows_copy_and_mounts() {
        let file = parse(
            "FROM a AS one\nFROM b AS two\nFROM c AS three\nRUN --mount=from=one,target=/x true\nCOPY --from=1 /a /b\n",
        )
        .file;
        let semantic = Semantic::new(&file);
        assert_eq!(semantic.reachable_from_final(&file), [true, true, true]);
    }
}
