use layerlint_cache::optimize::Optimizer;
use layerlint_cache::stage::StageWalk;
use layerlint_diagnostics::{Edit, Fix};
use layerlint_shell::known;
use layerlint_syntax::{Body, Instruction, InstructionKind};
use layerlint_text::TextRange;

use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::cache::support::instruction_block;

declare_rule! {
    /// ## What it does
    /// Reports an `ARG` whose value changes on every build — `BUILD_DATE`, `GIT_SHA`,
    /// `GIT_COMMIT`, `VCS_REF`, `BUILD_NUMBER` and the like, and `VERSION`, `RELEASE`,
    /// `IMAGE_TAG` when they have no real default (`ARG VERSION=1.4.0` is a pinned
    /// version, not a per-build value) — declared in a
    /// stage before an expensive step that does not use it: a package install, a
    /// dependency install, a download, a build.
    ///
    /// ## Why is this bad?
    /// BuildKit puts every declared `ARG` with a value into the environment of each later
    /// RUN, so it is part of their cache keys whether they read it or not. Pass a new
    /// `--build-arg BUILD_DATE=…` and every RUN after the declaration misses the cache:
    /// the OS packages and the dependencies reinstall on every build. Declared right
    /// before its first use (often a `LABEL` at the end), it only costs that.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// ARG GIT_SHA
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// COPY . .
    /// LABEL org.opencontainers.image.revision=$GIT_SHA
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// COPY . .
    /// ARG GIT_SHA
    /// LABEL org.opencontainers.image.revision=$GIT_SHA
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the fix moves the `ARG` — with the `ENV` and `LABEL` instructions that
    /// only pass its value on — down to right before the first instruction that uses it,
    /// or to the end of the stage. A script run by an earlier RUN could read the value
    /// from its environment without the Dockerfile naming it; it would no longer see it.
    pub(crate) struct VolatileArgBeforeExpensiveStep {
        code: "LL209",
        name: "volatile-arg-before-expensive-step",
        category: Cache,
        severity: Warning,
        fix: Sometimes,
        summary: "an ARG that changes on every build is declared before expensive steps that do not use it",
    }
}

const VOLATILE: [&str; 40] = [
    "BUILD_DATE",
    "BUILDDATE",
    "BUILD_TIME",
    "BUILD_TIMESTAMP",
    "BUILDTIME",
    "BUILD_NUMBER",
    "BUILD_ID",
    "BUILD_VERSION",
    "GIT_SHA",
    "GIT_COMMIT",
    "GIT_COMMIT_SHA",
    "GIT_HASH",
    "GIT_REVISION",
    "GIT_REF",
    "GIT_TAG",
    "GIT_BRANCH",
    "GIT_DESCRIBE",
    "COMMIT",
    "COMMIT_SHA",
    "COMMIT_HASH",
    "COMMIT_ID",
    "SOURCE_COMMIT",
    "SOURCE_VERSION",
    "VCS_REF",
    "VCS_REVISION",
    "REVISION",
    "SHA",
    "CI_COMMIT_SHA",
    "CI_COMMIT_SHORT_SHA",
    "CI_PIPELINE_ID",
    "GITHUB_SHA",
    "GITHUB_RUN_ID",
    "GITHUB_RUN_NUMBER",
    "VERSION",
    "APP_VERSION",
    "RELEASE",
    "RELEASE_VERSION",
    "IMAGE_VERSION",
    "IMAGE_TAG",
    "TIMESTAMP",
];

/// Names that are volatile only when passed per build (no real default): `VERSION=1.2.3`
/// is a pinned version, `VERSION` alone a release number given at build time.
const VOLATILE_WITHOUT_DEFAULT: [&str; 7] = [
    "VERSION",
    "APP_VERSION",
    "RELEASE",
    "RELEASE_VERSION",
    "IMAGE_VERSION",
    "IMAGE_TAG",
    "BUILD_VERSION",
];

fn is_volatile(arg: &layerlint_syntax::ArgDecl) -> bool {
    let name = arg.name.text.as_str();
    if !VOLATILE.iter().any(|v| v.eq_ignore_ascii_case(name)) {
        return false;
    }
    if !VOLATILE_WITHOUT_DEFAULT
        .iter()
        .any(|v| v.eq_ignore_ascii_case(name))
    {
        return true;
    }
    let default = arg
        .default
        .as_ref()
        .map_or("", |d| d.text.trim_matches(['"', '\'']));
    matches!(
        default.to_ascii_lowercase().as_str(),
        "" | "dev"
            | "latest"
            | "unknown"
            | "local"
            | "snapshot"
            | "0.0.0"
            | "0.0.0-dev"
            | "development"
    )
}

/// Whether an instruction's text uses one of `names` (`$NAME`, `${NAME…}`).
fn uses(text: &str, names: &[String]) -> bool {
    names.iter().any(|name| {
        text.match_indices(name.as_str()).any(|(i, _)| {
            let before = &text[..i];
            let after = &text[i + name.len()..];
            let next_ok = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
            (before.ends_with('$') || before.ends_with("${")) && next_ok
        })
    })
}

fn defined(instruction: &Instruction) -> Vec<String> {
    match &instruction.body {
        Body::Env(pairs) => pairs.iter().map(|p| p.key.text.clone()).collect(),
        Body::Arg(args) => args.iter().map(|a| a.name.text.clone()).collect(),
        _ => Vec::new(),
    }
}

impl Check for VolatileArgBeforeExpensiveStep {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        let optimizer = cx.optimizer();
        let mut reports = Vec::new();
        for stage in &optimizer.walk().stages {
            for (position, step) in stage.steps.iter().enumerate() {
                let instruction = &cx.file.instructions()[step.index];
                let Body::Arg(args) = &instruction.body else {
                    continue;
                };
                if args.is_empty() || !args.iter().all(is_volatile) {
                    continue;
                }
                if let Some(report) = self.check_arg(cx, &optimizer, stage, position) {
                    reports.push(report);
                }
            }
        }
        for (range, message, fix) in reports {
            cx.report(range, message).maybe_fix(fix);
        }
    }
}

impl VolatileArgBeforeExpensiveStep {
    fn check_arg(
        &self,
        cx: &Context<'_>,
        optimizer: &Optimizer<'_>,
        stage: &StageWalk,
        position: usize,
    ) -> Option<(TextRange, String, Option<Fix>)> {
        let instructions = cx.file.instructions();
        let arg = &instructions[stage.steps[position].index];
        let mut names = defined(arg);
        let mut group = vec![position];
        let mut first_use: Option<usize> = None;
        let mut expensive: Option<usize> = None;
        for p in position + 1..stage.steps.len() {
            let step = &stage.steps[p];
            let instruction = &instructions[step.index];
            let text = cx.text(instruction.args);
            let using = uses(text, &names);
            match step.kind {
                // A LABEL or ENV that only passes the value on travels with the ARG.
                InstructionKind::Label if using => {
                    group.push(p);
                    continue;
                }
                InstructionKind::Env if using => {
                    let pairs_all_use = match &instruction.body {
                        Body::Env(pairs) => pairs.iter().all(|pair| uses(&pair.value.text, &names)),
                        _ => false,
                    };
                    if pairs_all_use {
                        names.extend(defined(instruction));
                        group.push(p);
                        continue;
                    }
                }
                // Redeclaring one of the names ends its reach.
                InstructionKind::Arg | InstructionKind::Env
                    if defined(instruction).iter().any(|d| names.contains(d)) =>
                {
                    first_use = Some(p);
                    break;
                }
                _ => {}
            }
            let runtime_only = matches!(
                step.kind,
                InstructionKind::Cmd | InstructionKind::Entrypoint | InstructionKind::Healthcheck
            );
            if using && !runtime_only {
                first_use = Some(p);
                break;
            }
            if expensive.is_none()
                && step.kind == InstructionKind::Run
                && self.is_expensive(optimizer, stage, p)
            {
                expensive = Some(p);
            }
        }
        let expensive = expensive?;
        let arg_text = layerlint_cache::classify::short(cx.text(arg.range));
        let step_text = layerlint_cache::classify::short(
            cx.text(instructions[stage.steps[expensive].index].range),
        );
        let line = cx
            .line_index()
            .position(
                instructions[stage.steps[expensive].index].range.start(),
                cx.source(),
            )
            .line;
        let message = format!(
            "`{arg_text}` changes on every build and comes before `{step_text}` (line {line}), whose cache it breaks"
        );
        let fix = self.fix(cx, stage, &group, first_use);
        Some((arg.range, message, fix))
    }

    fn is_expensive(&self, optimizer: &Optimizer<'_>, stage: &StageWalk, position: usize) -> bool {
        if optimizer.may_install(stage, position)
            && optimizer
                .analysis(stage, position)
                .is_some_and(|a| !a.installs.is_empty())
        {
            return true;
        }
        let Some(scripts) = optimizer.scripts(stage, position) else {
            return false;
        };
        scripts
            .iter()
            .flat_map(|s| s.commands().map(|c| c.unwrapped()))
            .any(|c| match c.name() {
                Some("apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "zypper") => {
                    matches!(
                        c.subcommand_with(known::APT_GET),
                        Some("install" | "upgrade" | "dist-upgrade" | "update")
                    )
                }
                Some("apk") => matches!(
                    c.subcommand_with(known::APK),
                    Some("add" | "upgrade" | "update")
                ),
                Some("curl" | "wget" | "make" | "cmake" | "gcc") => true,
                Some("git") => c.subcommand() == Some("clone"),
                Some("pip" | "pip3" | "gem" | "npm" | "yarn" | "pnpm" | "cargo" | "go") => true,
                _ => false,
            })
    }

    /// Moves the group to right before the first use (or the end of the stage).
    fn fix(
        &self,
        cx: &Context<'_>,
        stage: &StageWalk,
        group: &[usize],
        first_use: Option<usize>,
    ) -> Option<Fix> {
        let source = cx.source();
        let newline = cx.newline();
        let block = |index: usize| instruction_block(cx, index);
        let mut moved = String::new();
        let mut edits = Vec::new();
        for &p in group {
            let range = block(stage.steps[p].index);
            let mut text = source[range].to_owned();
            if !text.ends_with('\n') {
                text.push_str(newline);
            }
            moved.push_str(&text);
            edits.push(Edit::delete(range));
        }
        let at = match first_use {
            Some(p) => block(stage.steps[p].index).start(),
            None => {
                let last = stage.steps.last()?;
                let end = block(last.index).end();
                if !source[..end.to_usize()].ends_with('\n') {
                    moved = format!("{newline}{}", moved.trim_end_matches(['\r', '\n']));
                }
                end
            }
        };
        if edits
            .iter()
            .any(|e: &Edit| e.range.contains(at) && e.range.start() != at)
        {
            return None;
        }
        edits.push(Edit::insert(at, moved));
        Some(Fix::unsafe_edits(
            "Declare it right before its first use",
            edits,
        ))
    }
}
