use layerlint_cache::features::{self, MOUNTS};
use layerlint_cache::paths::{is_within, join};
use layerlint_cache::stage::{StageWalk, Step};
use layerlint_diagnostics::{Edit, Fix};
use layerlint_shell::{Command, OptionSpec, Script, known};
use layerlint_syntax::mount::MountKind;
use layerlint_syntax::{Body, InstructionKind};
use layerlint_text::TextRange;
use std::rc::Rc;

use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::shell::package_managers::{self as pm, APT_LISTS, APT_UPDATERS};

declare_rule! {
    /// ## What it does
    /// Reports a package manager that downloads into its cache without a
    /// `RUN --mount=type=cache` on that cache: apt (with `apt-get update` in the same
    /// RUN), apk, pip, uv, Poetry, Pipenv, npm, yarn, pnpm, bun, Go (module and build
    /// caches), Cargo (registry and git), Maven, Gradle, Bundler, Composer and NuGet
    /// (`dotnet restore`). Off by default: select it to use it. Not reported for Windows
    /// images, which BuildKit does not build.
    ///
    /// ## Why is this bad?
    /// When the layer rebuilds — a manifest changed, a line of the RUN was edited — the
    /// package manager starts from an empty cache and downloads every package again. A
    /// cache mount keeps the downloads between builds on the same builder, outside the
    /// image: the rebuilt layer only fetches what changed, and the image does not carry
    /// the cache. It is a recommendation, not a bug, and it needs BuildKit; CI runners
    /// that start empty gain nothing from it without a persistent builder. Hence off by
    /// default, and info severity.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// ```
    ///
    /// ```dockerfile
    /// FROM debian:bookworm
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN --mount=type=cache,target=/root/.npm npm ci
    /// ```
    ///
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe. The fix adds `--mount=type=cache,target=…` right after `RUN`, with the
    /// target for the user the RUN runs as (`/root/.npm` for root, `/home/node/.npm` and
    /// `uid=1000` for `node`; other users only when the file creates them with a known
    /// home and uid), `sharing=locked` for apt and apk, and Docker's documented targets.
    /// What the cache holds is no longer in the image: a later RUN without the mount
    /// that expects it (an offline `mvn -o`, `apt-get install` without `update`) would
    /// not find it, so apt gets no fix when a later RUN installs without updating. A RUN
    /// that removes the apt lists (`rm -rf /var/lib/apt/lists/*`, `apt-get dist-clean`)
    /// gets a mount of `/var/cache/apt` only: the removal would empty a cache mounted over
    /// `/var/lib/apt` on every build. When the safe fix of `apt-lists-not-removed` (LL505),
    /// which adds that removal, is applied together with this one, the mount goes first
    /// (its fix claims the rest of the RUN, so that LL505's fix waits for the next pass)
    /// and LL505 is then silent: the lists are no longer in the layer. With safe fixes only, the removal goes in, and this rule then offers
    /// `/var/cache/apt` alone.
    /// Debian and Ubuntu images delete downloaded packages after each install
    /// (`/etc/apt/apt.conf.d/docker-clean`): remove that file for the apt cache to keep
    /// them. No fix when the file's `# syntax=` is older than `docker/dockerfile:1.2`, for
    /// another frontend, for a Windows image, or when the cache directory holds a space,
    /// a comma, a quote, a backslash, a backtick or a `$`, which a mount's target would
    /// need quoted.
    pub(crate) struct MissingCacheMount {
        code: "LL203",
        name: "missing-cache-mount",
        category: Cache,
        severity: Info,
        fix: Sometimes,
        default: false,
        summary: "a package manager downloads without a cache mount that would keep its downloads between builds",
    }
}

/// A cache a command fills.
struct Want {
    label: String,
    range: TextRange,
    targets: Vec<(String, bool)>,
    /// Why the target is not known, when it is not.
    unknown: Option<String>,
    apt: bool,
}

impl Check for MissingCacheMount {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        let walk = cx.file_walk();
        let frontend = features::frontend(cx.file);
        let mut reports = Vec::new();
        for stage in &walk.stages {
            let windows = features::is_windows(cx.file, stage);
            let mut created = CreatedUsers::default();
            // [`later_apts_without_update`], made at the first apt install that asks.
            let mut later_apt: Option<Vec<bool>> = None;
            for (position, step) in stage.steps.iter().enumerate() {
                if step.kind != InstructionKind::Run {
                    continue;
                }
                let instruction = &cx.file.instructions()[step.index];
                let Body::Run(run) = &instruction.body else {
                    continue;
                };
                let Some(scripts) = cx.run_scripts(instruction, &step.shell) else {
                    continue;
                };
                let exec = instruction.command().is_some_and(|c| c.is_exec());
                let mounted: Vec<String> = run
                    .mounts
                    .iter()
                    .filter(|m| matches!(m.kind, MountKind::Cache | MountKind::Tmpfs))
                    .filter_map(|m| m.target().map(|t| join("/", t)))
                    .collect();
                let commands: Vec<Command<'_>> = scripts
                    .iter()
                    .flat_map(|s| s.commands().map(|c| c.unwrapped()))
                    .collect();
                let updates = commands.iter().any(|c| {
                    c.is_any(&["apt-get", "apt"])
                        && c.subcommand_with(known::APT_GET) == Some("update")
                });
                let lists_removed = updates
                    && commands
                        .iter()
                        .any(|c| pm::removes_index(*c, &APT_UPDATERS));
                let mut user = user_of(stage, step);
                resolve_created(stage, position, &mut user, &mut created, cx);
                for command in &commands {
                    let Some(mut want) = wanted(*command, step, stage, &user, updates) else {
                        continue;
                    };
                    want.targets
                        .retain(|(t, _)| !mounted.iter().any(|m| is_within(t, m)));
                    // The RUN removes the lists: it would empty a cache mounted over them on
                    // every build, so only the downloaded packages' cache is mounted.
                    if want.apt && lists_removed {
                        want.targets.retain(|(t, _)| !is_within(APT_LISTS, t));
                    }
                    if want.targets.is_empty() && want.unknown.is_none() {
                        continue;
                    }
                    if exec && want.targets.is_empty() {
                        continue;
                    }
                    // Cache mounts do not exist for Windows images: nothing to recommend.
                    if windows {
                        continue;
                    }
                    let mut reason = want.unknown.clone();
                    if reason.is_none()
                        && let Some((target, _)) =
                            want.targets.iter().find(|(t, _)| !plain_target(t))
                    {
                        reason = Some(if target.is_empty() {
                            "the cache directory is set to an empty value".to_owned()
                        } else {
                            format!(
                                "the cache directory `{target}` would need quoting in `--mount`"
                            )
                        });
                    }
                    if reason.is_none()
                        && let Some(u) = user.as_ref().filter(|u| u.uid.is_none())
                    {
                        reason = Some(format!(
                            "the RUN runs as `{}`, whose uid layerlint does not know (the mount would belong to root)",
                            u.name
                        ));
                    }
                    if reason.is_none() && windows {
                        reason = Some(
                            "cache mounts need BuildKit, which does not build Windows images"
                                .to_owned(),
                        );
                    }
                    if reason.is_none() {
                        reason = frontend.missing("`RUN --mount`", MOUNTS);
                    }
                    if reason.is_none()
                        && want.apt
                        && later_apt.get_or_insert_with(|| {
                            later_apts_without_update(stage, &|step| {
                                cx.run_scripts(&cx.file.instructions()[step.index], &step.shell)
                            })
                        })[position]
                    {
                        reason = Some(
                            "a later RUN installs with the package lists this RUN leaves in the image; \
                             a cache mount would take them out"
                                .to_owned(),
                        );
                    }
                    let uid = user.as_ref().and_then(|u| u.uid);
                    let mounts: Vec<String> = want
                        .targets
                        .iter()
                        .map(|(target, locked)| {
                            let mut mount = format!("--mount=type=cache,target={target}");
                            if *locked {
                                mount.push_str(",sharing=locked");
                            }
                            if let Some(uid) = uid {
                                mount.push_str(&format!(",uid={uid}"));
                            }
                            mount
                        })
                        .collect();
                    // A mount over the lists is right only while the RUN does not remove
                    // them, and `apt-lists-not-removed` adds that removal with a fix made
                    // without the mount: the fix claims the rest of the RUN, so that no
                    // fix edits the script in the same pass. On the next, the lists are a
                    // cache mount and that rule is silent.
                    let claim = (want.apt
                        && want.targets.iter().any(|(t, _)| is_within(APT_LISTS, t)))
                    .then(|| TextRange::new(instruction.keyword.end(), instruction.range.end()));
                    reports.push((want, mounts, reason, instruction.keyword, claim));
                }
            }
        }
        for (want, mounts, reason, keyword, claim) in reports {
            let targets: Vec<&str> = want.targets.iter().map(|(t, _)| t.as_str()).collect();
            let message = if targets.is_empty() {
                format!(
                    "`{}` runs without a cache mount for its downloads",
                    want.label
                )
            } else {
                format!(
                    "`{}` runs without a cache mount for its downloads ({})",
                    want.label,
                    targets.join(", ")
                )
            };
            let apt_note = "Debian and Ubuntu images delete downloaded packages after each install: \
                            remove /etc/apt/apt.conf.d/docker-clean for the cache to keep them";
            match reason {
                Some(reason) => {
                    cx.report(want.range, message)
                        .note(format!("no automatic fix: {reason}"));
                }
                None => {
                    let text = format!(" {}", mounts.join(" "));
                    let title = if mounts.len() == 1 {
                        format!("Add `{}`", mounts[0])
                    } else {
                        "Add cache mounts".to_owned()
                    };
                    let mut fix = Fix::unsafe_edits(title, vec![Edit::insert(keyword.end(), text)]);
                    if let Some(rest) = claim {
                        fix = fix.isolated(rest);
                    }
                    let report = cx.report(want.range, message).fix(fix);
                    if want.apt {
                        report.note(apt_note);
                    }
                }
            }
        }
    }
}

/// Whether a path can be written as a mount's target as it is. BuildKit reads a `--mount`
/// value as comma-separated fields once quotes and escapes are removed, and expands
/// variables in it: a space would end the flag, a comma would start another field.
fn plain_target(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(|c: char| {
            c.is_whitespace() || matches!(c, ',' | '"' | '\'' | '\\' | '$' | '`')
        })
}

/// The user a RUN runs as: home and uid.
struct User {
    home: Option<String>,
    uid: Option<u32>,
    name: String,
}

fn user_of(stage: &StageWalk, step: &Step) -> Option<User> {
    let name = step.user.as_deref()?;
    let name = name.split(':').next().unwrap_or(name).to_owned();
    if name.is_empty() || name == "root" || name == "0" {
        return None;
    }
    if name == "node" && stage.base_image.as_deref().is_some_and(|b| b == "node") {
        return Some(User {
            home: Some("/home/node".to_owned()),
            uid: Some(1000),
            name,
        });
    }
    if let Ok(uid) = name.parse::<u32>() {
        return Some(User {
            home: None,
            uid: Some(uid),
            name,
        });
    }
    Some(User {
        home: None,
        uid: None,
        name,
    })
}

/// A user created in the stage: home and uid from `useradd`/`adduser`. What
/// [`CreatedUsers`] answers, by searching the RUNs before `before` from the last.
#[cfg(test)]
fn created_user(
    stage: &StageWalk,
    before: usize,
    name: &str,
    scripts_of: &dyn Fn(&Step) -> Option<Vec<Rc<Script>>>,
) -> Option<(String, Option<u32>)> {
    for step in stage.steps[..before].iter().rev() {
        if step.kind != InstructionKind::Run {
            continue;
        }
        let scripts = scripts_of(step)?;
        for script in &scripts {
            for command in script.commands().map(|c| c.unwrapped()) {
                if let Some((created, home, uid)) = creates(command)
                    && created == name
                {
                    return Some((home, uid));
                }
            }
        }
    }
    None
}

/// The user a `useradd`/`adduser` command creates: its name, home and uid.
fn creates(command: Command<'_>) -> Option<(String, String, Option<u32>)> {
    if !command.is_any(&["useradd", "adduser"]) {
        return None;
    }
    let spec = OptionSpec::new(&[
        "-u",
        "--uid",
        "-d",
        "--home-dir",
        "--home",
        "-h",
        "-g",
        "--gid",
        "-G",
        "--groups",
        "-s",
        "--shell",
        "-c",
        "--comment",
        "--gecos",
        "--ingroup",
        "-k",
    ]);
    let name = command.positionals(spec).next()?.value_lossy().to_owned();
    let uid = command
        .flag_values(&["-u", "--uid"])
        .next()
        .and_then(|v| v.as_str().parse::<u32>().ok());
    let home = command
        .flag_values(&["-d", "--home-dir", "--home", "-h"])
        .next()
        .map_or_else(|| format!("/home/{name}"), |v| v.as_str().to_owned());
    Some((name, home, uid))
}

/// The users a stage creates (`useradd`/`adduser`) in the RUNs before a position, read
/// once each as the positions asked about go up: searching the RUNs before each RUN for
/// its user is quadratic in a stage of many `USER`s.
#[derive(Default)]
struct CreatedUsers {
    /// The steps before this one are read.
    upto: usize,
    /// Each user's home and uid as the last RUN that creates it sets them, since the last
    /// RUN whose scripts are not known (the search from a later RUN stops there).
    users: foldhash::HashMap<String, (String, Option<u32>)>,
}

impl CreatedUsers {
    /// The user `name` as the RUNs of `stage` before `before` create it (`before` not lower
    /// than at the call before).
    fn get(
        &mut self,
        stage: &StageWalk,
        before: usize,
        name: &str,
        scripts_of: &dyn Fn(&Step) -> Option<Vec<Rc<Script>>>,
    ) -> Option<(String, Option<u32>)> {
        for step in stage.steps.get(self.upto..before).unwrap_or_default() {
            if step.kind != InstructionKind::Run {
                continue;
            }
            let Some(scripts) = scripts_of(step) else {
                self.users.clear();
                continue;
            };
            // The first command of the RUN that creates a user is the one a search finds.
            let mut created: Vec<(String, String, Option<u32>)> = Vec::new();
            for script in &scripts {
                for command in script.commands().map(|c| c.unwrapped()) {
                    if let Some(user) = creates(command)
                        && !created.iter().any(|(n, _, _)| *n == user.0)
                    {
                        created.push(user);
                    }
                }
            }
            for (name, home, uid) in created {
                self.users.insert(name, (home, uid));
            }
        }
        self.upto = self.upto.max(before);
        self.users.get(name).cloned()
    }
}

fn env<'a>(step: &'a Step, command: Command<'a>, name: &str) -> Option<String> {
    if let Some(assignment) = command.assignment(name) {
        return Some(assignment.value().value_lossy().to_owned());
    }
    step.scope
        .as_ref()?
        .view()
        .get_var(name)
        .and_then(|v| v.value.as_deref().map(str::to_owned))
}

fn wanted(
    command: Command<'_>,
    step: &Step,
    stage: &StageWalk,
    user: &Option<User>,
    apt_updates: bool,
) -> Option<Want> {
    let name = command.name()?;
    let sub = command.subcommand();
    let base = stage.base_image.as_deref().unwrap_or("");
    // Most commands fill no cache: what only a report needs is made on the way out.
    let in_home = |rel: &str| match user {
        None => Ok(join("/root", rel)),
        Some(User {
            home: Some(home), ..
        }) => Ok(join(home, rel)),
        Some(User { name, .. }) => Err(format!(
            "the RUN runs as `{name}`, whose home directory and uid layerlint does not know"
        )),
    };
    let mut want = Want {
        label: String::new(),
        range: command.range(),
        targets: Vec::new(),
        unknown: None,
        apt: false,
    };
    let add = |target: Result<String, String>, locked: bool, want: &mut Want| match target {
        Ok(t) => want.targets.push((t, locked)),
        Err(e) => want.unknown = Some(e),
    };
    match name {
        "apt-get" | "apt" => {
            let sub = command.subcommand_with(known::APT_GET)?;
            if !matches!(
                sub,
                "install" | "upgrade" | "dist-upgrade" | "full-upgrade" | "build-dep"
            ) || !apt_updates
            {
                return None;
            }
            want.apt = true;
            add(Ok("/var/cache/apt".to_owned()), true, &mut want);
            add(Ok("/var/lib/apt".to_owned()), true, &mut want);
        }
        "apk" => {
            if command.subcommand_with(known::APK) != Some("add") || command.has_flag("--no-cache")
            {
                return None;
            }
            add(Ok("/etc/apk/cache".to_owned()), true, &mut want);
        }
        n if n == "pip"
            || n.starts_with("pip3")
            || (n.starts_with("python") && command.has_arg("pip")) =>
        {
            let install = command
                .positionals(known::PIP)
                .any(|w| w.value() == Some("install"));
            if !install
                || command.has_flag("--no-cache-dir")
                || env(step, command, "PIP_NO_CACHE_DIR").is_some()
            {
                return None;
            }
            let only_pip = command
                .positionals(known::PIP)
                .filter(|w| !matches!(w.value(), Some("install" | "-m" | "pip")))
                .all(|w| matches!(w.value(), Some("pip" | "setuptools" | "wheel")));
            if only_pip
                && command
                    .flag_values(&["-r", "--requirement"])
                    .next()
                    .is_none()
            {
                return None;
            }
            let target =
                env(step, command, "PIP_CACHE_DIR").map_or_else(|| in_home(".cache/pip"), Ok);
            add(target, false, &mut want);
        }
        "uv" => {
            let uses = matches!(sub, Some("sync" | "pip" | "tool"));
            if !uses
                || command.has_flag("--no-cache")
                || env(step, command, "UV_NO_CACHE").is_some()
            {
                return None;
            }
            let target =
                env(step, command, "UV_CACHE_DIR").map_or_else(|| in_home(".cache/uv"), Ok);
            add(target, false, &mut want);
        }
        "poetry" if sub == Some("install") => {
            let target = env(step, command, "POETRY_CACHE_DIR")
                .map_or_else(|| in_home(".cache/pypoetry"), Ok);
            add(target, false, &mut want);
        }
        "pipenv" if matches!(sub, Some("install" | "sync")) => {
            add(in_home(".cache/pipenv"), false, &mut want);
        }
        "npm" if matches!(sub, Some("ci" | "install" | "i" | "clean-install")) => {
            let target = env(step, command, "npm_config_cache")
                .or_else(|| env(step, command, "NPM_CONFIG_CACHE"))
                .map_or_else(|| in_home(".npm"), Ok);
            add(target, false, &mut want);
        }
        "yarn" if matches!(sub, None | Some("install")) => {
            let berry = command.has_any_flag(&["--immutable", "--immutable-cache"]);
            let target = match env(step, command, "YARN_CACHE_FOLDER") {
                Some(dir) => Ok(dir),
                None if berry => in_home(".yarn/berry/cache"),
                None if user.is_none() => Ok("/usr/local/share/.cache/yarn".to_owned()),
                None => in_home(".cache/yarn"),
            };
            add(target, false, &mut want);
        }
        "pnpm" if matches!(sub, Some("install" | "i" | "fetch")) => {
            let target = match command.flag_values(&["--store-dir"]).next() {
                Some(dir) => Ok(dir.as_str().to_owned()),
                None => match env(step, command, "PNPM_HOME") {
                    Some(home) => Ok(join(&home, "store")),
                    None => in_home(".local/share/pnpm/store"),
                },
            };
            add(target, false, &mut want);
        }
        "bun" if matches!(sub, Some("install" | "i")) => {
            let target = env(step, command, "BUN_INSTALL_CACHE_DIR")
                .map_or_else(|| in_home(".bun/install/cache"), Ok);
            add(target, false, &mut want);
        }
        "go" => {
            let words: Vec<String> = command.args().map(|w| w.value_lossy().to_owned()).collect();
            let download = words.first().map(String::as_str) == Some("mod")
                && words.get(1).map(String::as_str) == Some("download");
            let build = matches!(sub, Some("build" | "install" | "test" | "get"));
            if !download && !build {
                return None;
            }
            let modcache = match (
                env(step, command, "GOMODCACHE"),
                env(step, command, "GOPATH"),
            ) {
                (Some(dir), _) => Ok(dir),
                (None, Some(gopath)) => Ok(join(&gopath, "pkg/mod")),
                (None, None) if base == "golang" => Ok("/go/pkg/mod".to_owned()),
                (None, None) => in_home("go/pkg/mod"),
            };
            add(modcache, false, &mut want);
            if build {
                let cache =
                    env(step, command, "GOCACHE").map_or_else(|| in_home(".cache/go-build"), Ok);
                add(cache, false, &mut want);
            }
        }
        "cargo" if matches!(sub, Some("build" | "install" | "fetch" | "test" | "chef")) => {
            let home = match env(step, command, "CARGO_HOME") {
                Some(dir) => Ok(dir),
                None if base == "rust" => Ok("/usr/local/cargo".to_owned()),
                None => in_home(".cargo"),
            };
            add(
                home.as_ref()
                    .map(|h| join(h, "registry"))
                    .map_err(Clone::clone),
                false,
                &mut want,
            );
            add(home.map(|h| join(&h, "git/db")), false, &mut want);
        }
        "mvn" | "mvnw" | "./mvnw" => {
            command.args().next()?;
            add(in_home(".m2/repository"), false, &mut want);
        }
        "gradle" | "gradlew" | "./gradlew" => {
            command.args().next()?;
            let dir = match env(step, command, "GRADLE_USER_HOME") {
                Some(dir) => Ok(dir),
                None if base == "gradle" => Ok("/home/gradle/.gradle".to_owned()),
                None => in_home(".gradle"),
            };
            add(dir.map(|d| join(&d, "caches")), false, &mut want);
        }
        "bundle" | "bundler" if matches!(sub, None | Some("install")) => {
            add(in_home(".gem"), false, &mut want);
        }
        "composer" if matches!(sub, Some("install" | "update" | "require")) => {
            let target = match (
                env(step, command, "COMPOSER_CACHE_DIR"),
                env(step, command, "COMPOSER_HOME"),
            ) {
                (Some(dir), _) => Ok(dir),
                (None, Some(home)) => Ok(join(&home, "cache")),
                (None, None) if base == "composer" => Ok("/tmp/cache".to_owned()),
                (None, None) => Err(
                    "Composer's cache directory depends on the image; set COMPOSER_CACHE_DIR"
                        .to_owned(),
                ),
            };
            add(target, false, &mut want);
        }
        "dotnet" if matches!(sub, Some("restore" | "build" | "publish" | "test")) => {
            let target =
                env(step, command, "NUGET_PACKAGES").map_or_else(|| in_home(".nuget/packages"), Ok);
            add(target, false, &mut want);
        }
        _ => return None,
    }
    want.label = layerlint_cache::classify::short(command.text());
    Some(want)
}

/// Whether a later RUN of the stage runs `apt-get install` without `apt-get update`.
#[cfg(test)]
fn later_apt_without_update(
    stage: &StageWalk,
    position: usize,
    scripts_of: &dyn Fn(&Step) -> Option<Vec<Rc<Script>>>,
) -> bool {
    stage.steps[position + 1..]
        .iter()
        .any(|step| apt_without_update(step, scripts_of))
}

/// [`later_apt_without_update`] at every position of the stage, from one walk of it: asked
/// for at every apt install, searching the RUNs after it is quadratic.
fn later_apts_without_update(
    stage: &StageWalk,
    scripts_of: &dyn Fn(&Step) -> Option<Vec<Rc<Script>>>,
) -> Vec<bool> {
    let mut later = vec![false; stage.steps.len()];
    for position in (0..stage.steps.len().saturating_sub(1)).rev() {
        later[position] =
            later[position + 1] || apt_without_update(&stage.steps[position + 1], scripts_of);
    }
    later
}

/// Whether a step is a RUN that runs `apt-get install` without `apt-get update`.
fn apt_without_update(step: &Step, scripts_of: &dyn Fn(&Step) -> Option<Vec<Rc<Script>>>) -> bool {
    {
        if step.kind != InstructionKind::Run {
            return false;
        }
        let Some(scripts) = scripts_of(step) else {
            return false;
        };
        let commands: Vec<Command<'_>> = scripts
            .iter()
            .flat_map(|s| s.commands().map(|c| c.unwrapped()))
            .collect();
        let apt = |sub: &str| {
            commands.iter().any(|c| {
                c.is_any(&["apt-get", "apt"]) && c.subcommand_with(known::APT_GET) == Some(sub)
            })
        };
        apt("install") && !apt("update")
    }
}

/// Fills in the home and uid of a user the stage creates (`useradd -u 1001 -m app`,
/// `adduser -D -u 1001 app`).
fn resolve_created(
    stage: &StageWalk,
    position: usize,
    user: &mut Option<User>,
    created: &mut CreatedUsers,
    cx: &Context<'_>,
) {
    if let Some(u) = user.as_mut()
        && u.home.is_none()
        && let Some((home, uid)) = created.get(stage, position, &u.name, &|step| {
            cx.run_scripts(&cx.file.instructions()[step.index], &step.shell)
        })
    {
        u.home = Some(home);
        u.uid = u.uid.or(uid);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use layerlint_cache::script::{ParsedScripts, run_scripts};
    use layerlint_cache::stage::FileWalk;
    use layerlint_syntax::semantic::Semantic;

    /// Lines of a stage: users set and created (again, in another RUN, twice in one RUN,
    /// in a RUN whose scripts are not known: a heredoc fed to python, a non-POSIX
    /// `SHELL`), apt installs with and without an update, and new stages.
    fn line() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "USER app",
            "USER web",
            "USER 1001",
            "RUN useradd -u 1001 -m app",
            "RUN useradd -d /srv/app app",
            "RUN adduser -D web && useradd -u 7 -d /w web",
            "RUN useradd app; adduser -u 9 app; useradd -u 5 web",
            "RUN [\"useradd\", \"-u\", \"3\", \"web\"]",
            "RUN python3 <<EOF\nprint(1)\nEOF",
            "SHELL [\"pwsh\", \"-c\"]",
            "SHELL [\"/bin/sh\", \"-c\"]",
            "RUN echo hi",
            "RUN apt-get install -y curl",
            "RUN apt-get update && apt-get install -y curl",
            "RUN apt-get update",
            "WORKDIR /app",
            "FROM debian:12",
        ])
    }

    proptest::proptest! {
        /// The users `CreatedUsers` carries forward are those a search of the RUNs before
        /// each position finds, and `later_apts_without_update` is a search of the RUNs
        /// after each position.
        #[test]
        fn carried_forward_matches_a_search(
            lines in proptest::collection::vec(line(), 0..30),
        ) {
            let source = format!("FROM debian:12\n{}\n", lines.join("\n"));
            let parse = layerlint_syntax::parse(&source);
            let file = &parse.file;
            let semantic = Semantic::new(file);
            let walk = FileWalk::new(file, &semantic);
            let parsed = ParsedScripts::default();
            let scripts_of = |step: &Step| {
                run_scripts(file, &file.instructions()[step.index], &step.shell, &parsed)
            };
            for stage in &walk.stages {
                let mut created = CreatedUsers::default();
                let later = later_apts_without_update(stage, &scripts_of);
                for position in 0..=stage.steps.len() {
                    for name in ["app", "web", "1001", "nobody"] {
                        proptest::prop_assert_eq!(
                            created.get(stage, position, name, &scripts_of),
                            created_user(stage, position, name, &scripts_of),
                            "{} at {}",
                            name,
                            position
                        );
                    }
                    if let Some(&later) = later.get(position) {
                        proptest::prop_assert_eq!(
                            later,
                            later_apt_without_update(stage, position, &scripts_of),
                            "at {}",
                            position
                        );
                    }
                }
            }
        }
    }
}
