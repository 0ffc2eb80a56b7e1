use std::borrow::Cow;
use std::cell::OnceCell;

use layerlint_cache::optimize::{Optimizer, home_of};
use layerlint_cache::paths::{is_within, join};
use layerlint_cache::stage::{CopyFrom, StageWalk};
use layerlint_diagnostics::{Edit, Fix};
use layerlint_shell::{Command, OptionSpec, known};
use layerlint_syntax::{CommandLine, InstructionKind};
use layerlint_text::TextRange;

use super::support::instruction_block;
use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that removes files an earlier layer of the same stage added: a file
    /// a COPY or ADD brought (`COPY app.tar.gz /tmp/` then `RUN … && rm /tmp/app.tar.gz`),
    /// a download or clone of an earlier RUN, or a package manager's cache or lists
    /// (`RUN apt-get update && apt-get install -y curl` then
    /// `RUN rm -rf /var/lib/apt/lists/*`, `RUN apt-get clean`).
    ///
    /// ## Why is this bad?
    /// Layers only add: the earlier layer still holds the files, so the image is exactly
    /// as big as without the removal, and pulling it costs the same. The removal also
    /// costs a layer of its own, rebuilt whenever an earlier layer is. Remove files in the
    /// RUN that creates them, keep archives out of the image with
    /// `RUN --mount=type=bind`, and keep unwanted files out of `COPY . .` with
    /// `.dockerignore`.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:bookworm
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// RUN rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt && rm /tmp/app.tar.gz
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:bookworm
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN --mount=type=bind,source=app.tar.gz,target=/tmp/app.tar.gz tar -xzf /tmp/app.tar.gz -C /opt
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: when the files come from the RUN right before (nothing but metadata
    /// between, same user and working directory) and the later RUN only removes, the fix
    /// appends the removal to the earlier RUN (`… && rm -rf /var/lib/apt/lists/*`) and
    /// deletes the later RUN. The earlier RUN's layer changes, and so its cache. No fix
    /// when the files come from a COPY, or when another RUN runs in between (it may still
    /// use them).
    pub(crate) struct CleanupInLaterLayer {
        code: "LL207",
        name: "cleanup-in-later-layer",
        category: Cache,
        severity: Warning,
        fix: Sometimes,
        summary: "a RUN removes files that an earlier layer added, which does not make the image smaller",
    }
}

/// A removal in a RUN.
struct Removal<'s> {
    range: TextRange,
    text: &'s str,
    /// Container paths removed (a directory for `dir/*`).
    paths: Vec<String>,
}

/// What a RUN's package managers leave behind, by cache path: each given to `add` as
/// written (most are constants, joined with the working directory by the caller).
fn produced_caches(command: Command<'_>, home: &Home<'_>, mut add: impl FnMut(&str)) {
    let Some(name) = command.name() else {
        return;
    };
    match name {
        "apt-get" | "apt" => match command.subcommand_with(known::APT_GET) {
            Some("update") => add("/var/lib/apt/lists"),
            Some("install" | "upgrade" | "dist-upgrade") => add("/var/cache/apt"),
            _ => {}
        },
        "apk" if !command.has_flag("--no-cache") => {
            if let Some("add" | "update" | "upgrade") = command.subcommand_with(known::APK) {
                add("/var/cache/apk");
            }
        }
        "yum" => add("/var/cache/yum"),
        "dnf" | "microdnf" => add("/var/cache/dnf"),
        "pip" | "pip3"
            if !command.has_flag("--no-cache-dir")
                && command.subcommand_with(known::PIP) == Some("install") =>
        {
            add(&join(home.dir(), ".cache/pip"));
        }
        "npm"
            if matches!(
                command.subcommand_with(known::NPM),
                Some("ci" | "install" | "i")
            ) =>
        {
            add(&join(home.dir(), ".npm"));
        }
        "yarn" if matches!(command.subcommand(), None | Some("install" | "add")) => {
            add("/usr/local/share/.cache/yarn");
            add(&join(home.dir(), ".cache/yarn"));
        }
        "curl" => {
            for value in command.flag_values(&["-o", "--output"]) {
                add(value.as_str());
            }
        }
        "wget" => {
            for value in
                command.flag_values(&["-O", "--output-document", "-P", "--directory-prefix"])
            {
                add(value.as_str());
            }
        }
        "git" if command.subcommand() == Some("clone") => {
            if let Some(w) = command
                .positionals(OptionSpec::new(&[
                    "-b", "--branch", "--depth", "-c", "--config",
                ]))
                .nth(2)
            {
                add(w.value_lossy());
            }
        }
        _ => {}
    }
}

/// System directories a removal of which says nothing about what a layer added.
const SYSTEM: [&str; 16] = [
    "/",
    "/usr",
    "/usr/local",
    "/usr/share",
    "/usr/lib",
    "/usr/bin",
    "/etc",
    "/var",
    "/var/lib",
    "/var/cache",
    "/opt",
    "/tmp",
    "/root",
    "/home",
    "/lib",
    "/bin",
];

fn removals<'s>(command: Command<'s>, workdir: &str, home: &Home<'_>) -> Option<Removal<'s>> {
    let name = command.name()?;
    let mut paths: Vec<String> = match name {
        // Each operand read in place: only the joined path is a new string.
        "rm" => command
            .positionals(OptionSpec::NONE)
            .filter_map(|w| {
                let p = w.value_lossy();
                let p: Cow<'_, str> = match p
                    .strip_prefix('~')
                    .or_else(|| p.strip_prefix("${HOME}"))
                    .or_else(|| p.strip_prefix("$HOME"))
                {
                    Some(rest) => Cow::Owned(format!("{}{rest}", home.dir())),
                    None => Cow::Borrowed(p),
                };
                if p.contains('$') {
                    return None;
                }
                // Trimmed only when it ends so: a trim by a text pattern sets up a
                // substring searcher on every call.
                let mut p = &*p;
                if p.ends_with("/*") {
                    p = p.trim_end_matches("/*");
                }
                if p.ends_with("/**") {
                    p = p.trim_end_matches("/**");
                }
                Some(join(workdir, p))
            })
            .collect(),
        "apt-get" | "apt"
            if matches!(
                command.subcommand_with(known::APT_GET),
                Some("clean" | "autoclean")
            ) =>
        {
            vec!["/var/cache/apt".to_owned()]
        }
        "yum" | "dnf" | "microdnf" if command.subcommand() == Some("clean") => {
            vec!["/var/cache/yum".to_owned(), "/var/cache/dnf".to_owned()]
        }
        "apk" if command.subcommand() == Some("cache") => vec!["/var/cache/apk".to_owned()],
        "npm" if command.subcommand_with(known::NPM) == Some("cache") => {
            vec![join(home.dir(), ".npm")]
        }
        "yarn" if command.subcommand() == Some("cache") => {
            vec![
                "/usr/local/share/.cache/yarn".to_owned(),
                join(home.dir(), ".cache/yarn"),
            ]
        }
        "pip" | "pip3" if command.subcommand_with(known::PIP) == Some("cache") => {
            vec![join(home.dir(), ".cache/pip")]
        }
        _ => return None,
    };
    paths.retain(|p| !SYSTEM.contains(&p.as_str()));
    (!paths.is_empty()).then(|| Removal {
        range: command.range(),
        text: command.text(),
        paths,
    })
}

/// The home directory of a step's user (`/root` when not known), made on first use: few
/// commands look at it, and most RUNs neither remove nor cache anything under it.
struct Home<'a> {
    user: Option<&'a str>,
    dir: OnceCell<String>,
}

impl<'a> Home<'a> {
    fn new(user: Option<&'a str>) -> Self {
        Home {
            user,
            dir: OnceCell::new(),
        }
    }

    fn dir(&self) -> &str {
        self.dir
            .get_or_init(|| home_of(self.user).unwrap_or_else(|| "/root".to_owned()))
    }
}

/// A layer that added a removed path.
struct Producer {
    position: usize,
    is_run: bool,
}

/// What a RUN creates (cache directories, made absolute), per step of a stage: computed
/// once per step, for the RUN itself and for every later removal that looks back at it.
struct ProducedByStep {
    steps: Vec<Option<Vec<Produced>>>,
    /// Whether the layers read are kept for the next removal (in a stage of many steps; in
    /// one of a few, searching costs less).
    carry: bool,
    /// The layers read, made at the first removal of a stage that keeps them.
    layers: Option<Box<Layers>>,
}

/// The layers of a stage read so far: a search for the layer that added a path, asked at
/// every removal, need not read them again (reading every earlier step per removal is
/// quadratic in a stage of many RUNs).
#[derive(Default)]
struct Layers {
    /// The steps before this position are sorted into `copies` and `runs` (or neither).
    read: usize,
    /// The copies before `read`.
    copies: Vec<usize>,
    /// The RUNs before `read` that create paths a removal is compared with.
    runs: RunLayers,
}

/// RUNs by the paths they create (those a removal is compared with), in order.
#[derive(Default)]
struct RunLayers {
    by_path: std::collections::BTreeMap<String, Vec<usize>>,
    /// Every one.
    all: Vec<usize>,
    /// Those that create the root (`/`, `` or `.`), which holds any path.
    special: Vec<usize>,
}

/// From this many steps, a stage's layers are kept from one removal to the next.
const CARRY_FROM: usize = 64;

/// Whether a step added one of the paths removed.
enum Adds {
    Yes(Producer),
    /// It may add files, not those.
    No,
    /// It adds no file a removal is compared with.
    Nothing,
}

struct Produced {
    path: String,
    /// Whether the path as written holds a `$` (not expanded: not known).
    variable: bool,
}

impl ProducedByStep {
    fn new(stage: &StageWalk) -> ProducedByStep {
        ProducedByStep {
            steps: (0..stage.steps.len()).map(|_| None).collect(),
            carry: stage.steps.len() >= CARRY_FROM,
            layers: None,
        }
    }

    /// What the RUN at `position` creates; `None` when its scripts are not known.
    fn at(
        &mut self,
        optimizer: &Optimizer<'_>,
        stage: &StageWalk,
        position: usize,
    ) -> Option<&[Produced]> {
        if self.steps[position].is_none() {
            let step = &stage.steps[position];
            let scripts = optimizer.scripts(stage, position)?;
            let home = Home::new(step.user.as_deref());
            let mut produced = Vec::new();
            for command in scripts.iter().flat_map(|s| s.commands()) {
                produced_caches(command.unwrapped(), &home, |p| {
                    produced.push(Produced {
                        variable: p.contains('$'),
                        path: join(&step.workdir, p),
                    });
                });
            }
            self.steps[position] = Some(produced);
        }
        self.steps[position].as_deref()
    }
}

impl Check for CleanupInLaterLayer {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        let optimizer = cx.optimizer();
        let mut reports = Vec::new();
        for stage in &optimizer.walk().stages {
            let mut produced = ProducedByStep::new(stage);
            for (position, step) in stage.steps.iter().enumerate() {
                if step.kind != InstructionKind::Run {
                    continue;
                }
                // An exec-form RUN is skipped before its scripts are asked for (made for it
                // alone, by parsing its arguments).
                let instruction = &cx.file.instructions()[step.index];
                if instruction.command().is_some_and(CommandLine::is_exec) {
                    continue;
                }
                let Some(scripts) = optimizer.scripts(stage, position) else {
                    continue;
                };
                let home = Home::new(step.user.as_deref());
                let mut commands = 0;
                let mut found: Vec<Removal<'_>> = Vec::new();
                for command in scripts.iter().flat_map(|s| s.commands()) {
                    commands += 1;
                    found.extend(removals(command.unwrapped(), &step.workdir, &home));
                }
                if found.is_empty() {
                    continue;
                }
                let only_removals = found.len() == commands;
                for removal in &found {
                    let own = produced.at(&optimizer, stage, position).unwrap_or_default();
                    if removal.paths.iter().any(|p| {
                        own.iter()
                            .any(|o| is_within(p, &o.path) || is_within(&o.path, p))
                    }) {
                        continue;
                    }
                    let Some(producer) =
                        self.producer(&optimizer, &mut produced, stage, position, &removal.paths)
                    else {
                        continue;
                    };
                    let producer_step = &stage.steps[producer.position];
                    let fix = if producer.is_run && only_removals && found.len() == 1 {
                        self.fix(cx, stage, producer.position, position, removal)
                    } else {
                        None
                    };
                    let note = if fix.is_some() {
                        None
                    } else if producer.is_run {
                        Some("remove the files in the RUN that creates them".to_owned())
                    } else {
                        Some(
                            "keep the files out of the image: leave them out with .dockerignore, or \
                             use them through `RUN --mount=type=bind` instead of copying them"
                                .to_owned(),
                        )
                    };
                    reports.push((
                        removal.range,
                        layerlint_cache::classify::short(removal.text),
                        cx.file.instructions()[producer_step.index].range,
                        producer_step.kind,
                        fix,
                        note,
                    ));
                }
            }
        }
        for (range, text, producer, kind, fix, note) in reports {
            let line = cx.line_index().position(producer.start(), cx.source()).line;
            let report = cx
                .report(
                    range,
                    format!(
                        "`{text}` removes what the {kind} on line {line} added, so the image does not get smaller"
                    ),
                )
                .related(producer, "the files are added here")
                .maybe_fix(fix);
            if let Some(note) = note {
                report.note(note);
            }
        }
    }
}

impl CleanupInLaterLayer {
    /// The latest earlier layer of the stage that added one of `paths`.
    fn producer(
        &self,
        optimizer: &Optimizer<'_>,
        produced_by_step: &mut ProducedByStep,
        stage: &StageWalk,
        before: usize,
        paths: &[String],
    ) -> Option<Producer> {
        if !produced_by_step.carry {
            return Self::producer_searching(optimizer, produced_by_step, stage, before, paths);
        }
        let mut known = produced_by_step.layers.take().unwrap_or_default();
        let found = Self::producer_carried(
            optimizer,
            produced_by_step,
            &mut known,
            stage,
            before,
            paths,
        );
        produced_by_step.layers = Some(known);
        found
    }

    /// [`Self::producer`] from the layers read before, reading the steps up to `before`.
    fn producer_carried(
        optimizer: &Optimizer<'_>,
        produced_by_step: &mut ProducedByStep,
        carried: &mut Layers,
        stage: &StageWalk,
        before: usize,
        paths: &[String],
    ) -> Option<Producer> {
        // The steps not read yet, from the last; then the layers among those read.
        let read = carried.read.min(before);
        let mut layers = Vec::new();
        for position in (read..before).rev() {
            match Self::adds(optimizer, produced_by_step, stage, position, paths) {
                Adds::Yes(producer) => return Some(producer),
                Adds::No => layers.push(position),
                Adds::Nothing => {}
            }
        }
        // Among the RUNs read, the last that created one of the paths, a directory holding
        // one, or a path below one.
        let known = &carried.runs;
        let last = |positions: &[usize]| {
            positions[..positions.partition_point(|&p| p < read)]
                .last()
                .copied()
        };
        let mut run = last(&known.special);
        let mut consider = |found: Option<usize>| {
            if found > run {
                run = found;
            }
        };
        for removed in paths {
            if matches!(removed.as_str(), "" | "/" | ".") {
                consider(last(&known.all));
            }
            let above = removed
                .bytes()
                .enumerate()
                .filter(|&(k, b)| b == b'/' && k > 0)
                .map(|(k, _)| &removed[..k]);
            for path in above.chain([removed.as_str()]) {
                consider(known.by_path.get(path).and_then(|p| last(p)));
            }
            let below = format!("{removed}/");
            let end = format!("{removed}0");
            for (_, positions) in known.by_path.range::<str, _>((
                std::ops::Bound::Included(below.as_str()),
                std::ops::Bound::Excluded(end.as_str()),
            )) {
                consider(last(positions));
            }
        }
        // A copy after that RUN comes first.
        let copies = carried.copies.partition_point(|&p| p < read);
        for i in (0..copies).rev() {
            let position = carried.copies[i];
            if Some(position) < run {
                break;
            }
            if let Adds::Yes(producer) =
                Self::adds(optimizer, produced_by_step, stage, position, paths)
            {
                return Some(producer);
            }
        }
        if let Some(position) = run {
            return Some(Producer {
                position,
                is_run: true,
            });
        }
        // Every step before `before` is read: the layers found go with the others.
        if before > carried.read {
            for &position in layers.iter().rev() {
                if stage.steps[position].copy.is_some() {
                    carried.copies.push(position);
                    continue;
                }
                let paths: Vec<String> = produced_by_step
                    .at(optimizer, stage, position)
                    .unwrap_or_default()
                    .iter()
                    .filter(|p| !p.variable && !SYSTEM.contains(&p.path.as_str()))
                    .map(|p| p.path.clone())
                    .collect();
                let runs = &mut carried.runs;
                runs.all.push(position);
                if paths.iter().any(|p| matches!(p.as_str(), "" | "/" | ".")) {
                    runs.special.push(position);
                }
                for path in paths {
                    let positions = runs.by_path.entry(path).or_default();
                    if positions.last() != Some(&position) {
                        positions.push(position);
                    }
                }
            }
            carried.read = before;
        }
        None
    }

    /// The same search, from every step before `before` (what [`Self::producer`] answers).
    fn producer_searching(
        optimizer: &Optimizer<'_>,
        produced_by_step: &mut ProducedByStep,
        stage: &StageWalk,
        before: usize,
        paths: &[String],
    ) -> Option<Producer> {
        (0..before).rev().find_map(|position| {
            match Self::adds(optimizer, produced_by_step, stage, position, paths) {
                Adds::Yes(producer) => Some(producer),
                Adds::No | Adds::Nothing => None,
            }
        })
    }

    /// Whether the step at `position` added one of `paths`.
    #[inline]
    fn adds(
        optimizer: &Optimizer<'_>,
        produced_by_step: &mut ProducedByStep,
        stage: &StageWalk,
        position: usize,
        paths: &[String],
    ) -> Adds {
        let step = &stage.steps[position];
        if let Some(copy) = &step.copy {
            let adds = paths.iter().any(|removed| {
                copy.sources.iter().any(|source| {
                    // A git source is a directory, never known to hold a path.
                    if source.ends_with(".git") || source.contains(".git#") {
                        return false;
                    }
                    if !optimizer.source_is_dir_at(stage, position, source) {
                        // A file: removed itself, or with a directory holding it.
                        return is_within(&copy.target_of(source), removed);
                    }
                    let target = &copy.dest;
                    if !is_within(removed, target) {
                        return false;
                    }
                    // A directory copy: only when the context is known to hold it.
                    copy.from == CopyFrom::Context
                        && removed != target
                        && match (
                            optimizer.context(),
                            optimizer.map_copy_at(stage, position, removed),
                        ) {
                            (Some(context), Some(q)) => {
                                context.exists(&q) && !context.is_ignored(&q)
                            }
                            _ => false,
                        }
                })
            });
            if adds {
                return Adds::Yes(Producer {
                    position,
                    is_run: false,
                });
            }
            return Adds::No;
        }
        if step.kind != InstructionKind::Run {
            return Adds::Nothing;
        }
        let Some(produced) = produced_by_step.at(optimizer, stage, position) else {
            return Adds::Nothing;
        };
        let mut produced = produced
            .iter()
            .filter(|p| !p.variable && !SYSTEM.contains(&p.path.as_str()))
            .map(|p| p.path.as_str())
            .peekable();
        if produced.peek().is_none() {
            return Adds::Nothing;
        }
        if produced.any(|p| {
            paths
                .iter()
                .any(|removed| is_within(removed, p) || is_within(p, removed))
        }) {
            return Adds::Yes(Producer {
                position,
                is_run: true,
            });
        }
        Adds::No
    }

    /// Appends the removal to the producing RUN and deletes the removing one.
    fn fix(
        &self,
        cx: &Context<'_>,
        stage: &StageWalk,
        producer: usize,
        remover: usize,
        removal: &Removal<'_>,
    ) -> Option<Fix> {
        let (p, r) = (&stage.steps[producer], &stage.steps[remover]);
        if p.user != r.user || p.workdir != r.workdir {
            return None;
        }
        // Nothing but metadata between them.
        if stage.steps[producer + 1..remover].iter().any(|s| {
            matches!(
                s.kind,
                InstructionKind::Run
                    | InstructionKind::Copy
                    | InstructionKind::Add
                    | InstructionKind::Workdir
                    | InstructionKind::User
                    | InstructionKind::Shell
            )
        }) {
            return None;
        }
        let produce = &cx.file.instructions()[p.index];
        let remove = &cx.file.instructions()[r.index];
        if !produce.heredocs.is_empty() || !remove.heredocs.is_empty() {
            return None;
        }
        let Some(CommandLine::Shell(form)) = produce.command() else {
            return None;
        };
        let Some(CommandLine::Shell(removing)) = remove.command() else {
            return None;
        };
        let text = form.as_str().trim_end();
        if text.ends_with(['\\', '&', '|', ';']) || text.is_empty() {
            return None;
        }
        let removal_text: String = removal
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if removing
            .as_str()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            != removal_text
        {
            return None;
        }
        let block = instruction_block(cx, r.index);
        let end_of_form = form.range.end();
        Some(Fix::unsafe_edits(
            "Remove the files in the RUN that adds them",
            vec![
                Edit::insert(end_of_form, format!(" && {removal_text}")),
                Edit::delete(block),
            ],
        ))
    }
}

#[cfg(test)]
mod carried_forward_tests {
    use super::*;
    use layerlint_cache::BuildContext;
    use layerlint_syntax::semantic::Semantic;

    /// Lines of stages: RUNs that create caches and package lists, and others; copies of
    /// files and directories; users with other homes.
    fn line() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "RUN apt-get update",
            "RUN apt-get install -y curl",
            "RUN npm install",
            "RUN pip install flask",
            "RUN apk add curl",
            "RUN echo hi",
            "RUN [\"npm\", \"ci\"]",
            "COPY . /app/",
            "COPY f.tgz /tmp/",
            "COPY --from=build /out /app/out",
            "WORKDIR /app",
            "USER node",
            "FROM node:20 AS build",
        ])
    }

    proptest::proptest! {
        /// The layers `ProducedByStep` carries forward find the producer a search of every
        /// earlier step finds, for removals asked in order.
        #[test]
        fn producer_matches_a_search(
            lines in proptest::collection::vec(line(), 0..30),
            asks in proptest::collection::vec((0usize..40, 0usize..10), 0..30),
        ) {
            let source = format!("FROM node:20\n{}\n", lines.join("\n"));
            let parse = layerlint_syntax::parse(&source);
            let semantic = Semantic::new(&parse.file);
            let removed: [&[&str]; 10] = [
                &["/var/lib/apt/lists"],
                &["/root/.npm", "/tmp"],
                &["/home/node/.npm"],
                &["/app/x"],
                &["/tmp/f.tgz"],
                &["/var/cache"],
                &["/"],
                &["/var", "/app/out"],
                &["/root/.npm/_cacache"],
                &["/var/cache/apt/archives", "/root/.cache"],
            ];
            let context = BuildContext::in_memory([("f.tgz", ""), ("x", "")]);
            for context in [None, Some(&context)] {
                let optimizer = Optimizer::new(&parse.file, &semantic, context);
                for stage in &optimizer.walk().stages {
                    let mut asks = asks.clone();
                    asks.sort_unstable();
                    let mut carried = ProducedByStep::new(stage);
                    // Kept however short the stage.
                    carried.carry = true;
                    let mut searched = ProducedByStep::new(stage);
                    for (before, paths) in asks {
                        let before = before.min(stage.steps.len());
                        let paths: Vec<String> =
                            removed[paths].iter().map(|p| (*p).to_owned()).collect();
                        let found = CleanupInLaterLayer
                            .producer(&optimizer, &mut carried, stage, before, &paths)
                            .map(|p| (p.position, p.is_run));
                        let expected = CleanupInLaterLayer::producer_searching(
                            &optimizer,
                            &mut searched,
                            stage,
                            before,
                            &paths,
                        )
                        .map(|p| (p.position, p.is_run));
                        proptest::prop_assert_eq!(found, expected, "{:?} before {}", paths, before);
                    }
                }
            }
        }
    }
}
