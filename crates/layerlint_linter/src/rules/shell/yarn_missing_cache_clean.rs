use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, YARN};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a RUN that installs packages with Yarn (`yarn install`, plain `yarn`,
    /// `yarn add`, `yarn global add`) and does not run `yarn cache clean` after it in the
    /// same RUN.
    ///
    /// ## Why is this bad?
    /// Yarn keeps a copy of every package it downloads in its global cache
    /// (`/usr/local/share/.cache/yarn` for root in the `node` images): often larger than
    /// `node_modules` itself, committed with the layer and shipped, though the container
    /// never installs anything again.
    ///
    /// Only stages whose layers ship are checked: the last stage and stages other stages
    /// are built `FROM` (as hadolint does). Not reported when the RUN mounts a cache or
    /// tmpfs over Yarn's cache folder (its default places, `YARN_CACHE_FOLDER` or
    /// `--cache-folder`): then the cache lives outside the image, on purpose.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// COPY package.json yarn.lock ./
    /// RUN yarn install --frozen-lockfile
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20
    /// COPY package.json yarn.lock ./
    /// RUN yarn install --frozen-lockfile && yarn cache clean
    /// ```
    ///
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:20
    /// COPY package.json yarn.lock ./
    /// RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix appends `&& yarn cache clean` right after the RUN's last yarn
    /// command; the installed packages stay, only the cache goes. It is offered when that
    /// command is followed by `&&`, `;`, a newline or nothing.
    pub(crate) struct YarnMissingCacheClean {
        code: "LL516",
        name: "yarn-missing-cache-clean",
        category: Shell,
        severity: Info,
        fix: Sometimes,
        summary: "`yarn install` without `yarn cache clean` keeps Yarn's cache in the layer",
        equivalents: [Hadolint("DL3060")],
    }
}

impl Check for YarnMissingCacheClean {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&YARN]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        if node.onbuild.is_none() && !pm::ships(cx, node.stage) {
            return;
        }
        // Most RUNs run no yarn: that is known before the environment and mounts are read.
        let scripts = cx.scripts(node);
        let uses = pm::uses(&scripts, &YARN);
        let Some(install) = uses.iter().filter(|u| installs(u)).max_by_key(|u| u.order) else {
            return;
        };
        let dirs = pm::cache_dirs(&YARN, node.scope);
        if pm::cache_mounted(node.instruction, node.scope, &dirs) {
            return;
        }
        let mounted_folder = install
            .command
            .flag_values(&["--cache-folder"])
            .any(|dir| pm::cache_mounted(node.instruction, node.scope, &[dir.as_str()]));
        if mounted_folder {
            return;
        }
        let cleaned = uses.iter().any(|u| {
            u.order > install.order
                && u.command
                    .positionals(YARN.spec)
                    .map(|w| w.value())
                    .take(2)
                    .collect::<Vec<_>>()
                    == [Some("cache"), Some("clean")]
        }) || pm::all_commands(&scripts).any(|(command, order)| {
            order > install.order
                && YARN
                    .clean_dirs
                    .iter()
                    .any(|dir| pm::removes_dir(command, dir))
        });
        if cleaned {
            return;
        }
        let last = uses.iter().max_by_key(|u| u.order).unwrap_or(install);
        let fix = pm::append_point(cx, last.written).map(|at| {
            Fix::safe(
                "Append `yarn cache clean`",
                vec![Edit::insert(at, " && yarn cache clean")],
            )
        });
        let head = match install.subcommand(&YARN) {
            Some("global") => "yarn global add".to_owned(),
            _ => install.head(&YARN),
        };
        cx.report(
            install.head_range(&YARN),
            format!(
                "`{head}` without `yarn cache clean` afterwards keeps Yarn's cache in the layer"
            ),
        )
        .maybe_fix(fix);
    }
}

/// `yarn install`, `yarn add`, `yarn global add`, and `yarn` alone (which installs).
fn installs(found: &pm::Use<'_>) -> bool {
    if found.has_any_flag(&["--version", "-v", "--help", "-h"]) {
        return false;
    }
    let mut operands = found.command.positionals(YARN.spec);
    match operands.next() {
        None => true,
        Some(first) => match first.value() {
            Some("install" | "add") => true,
            Some("global") => operands.next().is_some_and(|w| w.is("add")),
            _ => false,
        },
    }
}
