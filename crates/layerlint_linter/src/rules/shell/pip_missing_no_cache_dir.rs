use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, PIP};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `pip install` (also `pip3`, `python -m pip`) without `--no-cache-dir`.
    ///
    /// ## Why is this bad?
    /// pip keeps every wheel it downloads or builds in `~/.cache/pip`, so that the next
    /// install on the same machine is faster. In an image there is no next install: the
    /// cache — often as large as the packages themselves — is committed with the layer and
    /// shipped.
    ///
    /// Not reported when the cache is already off or out of the image: `PIP_NO_CACHE_DIR`
    /// set to a true value (by `ENV`, `ARG`, `export` or on the command line), or a cache
    /// or tmpfs mount over pip's cache directory (`~/.cache/pip`, `--cache-dir`, or
    /// `PIP_CACHE_DIR`) — the way BuildKit keeps the cache between builds, which hadolint
    /// reports anyway (hadolint#497).
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix adds `--no-cache-dir` after `install`; pip installs the same
    /// packages, only without keeping a copy of the downloads.
    pub(crate) struct PipMissingNoCacheDir {
        code: "LL515",
        name: "pip-missing-no-cache-dir",
        category: Shell,
        severity: Warning,
        fix: Sometimes,
        summary: "`pip install` without `--no-cache-dir` keeps pip's cache in the layer",
        equivalents: [Hadolint("DL3042")],
    }
}

impl Check for PipMissingNoCacheDir {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&PIP]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        // Most RUNs run no pip: that is known before the environment and mounts are read.
        let scripts = cx.scripts(node);
        let uses = pm::uses(&scripts, &PIP);
        if uses.is_empty() {
            return;
        }
        if PIP
            .no_cache_env
            .iter()
            .any(|v| pm::scope_sets(node.scope, v))
        {
            return;
        }
        let dirs = pm::cache_dirs(&PIP, node.scope);
        if pm::cache_mounted(node.instruction, node.scope, &dirs) {
            return;
        }
        for found in uses {
            if !found.is_any(&PIP, &["install"]) || found.has_any_flag(&["--no-cache-dir"]) {
                continue;
            }
            let disabled = PIP.no_cache_env.iter().any(|v| {
                found.env(v).is_some_and(pm::is_truthy) || pm::script_sets(&scripts, v, found.order)
            });
            let mounted_dir = found
                .command
                .flag_values(&["--cache-dir"])
                .any(|dir| pm::cache_mounted(node.instruction, node.scope, &[dir.as_str()]));
            if disabled || mounted_dir {
                continue;
            }
            let Some(sub) = found.subcommand_word(&PIP) else {
                continue;
            };
            let fix = pm::word_end(cx, sub).map(|at| {
                Fix::safe(
                    "Add `--no-cache-dir`",
                    vec![Edit::insert(at, " --no-cache-dir")],
                )
            });
            cx.report(
                found.head_range(&PIP),
                format!(
                    "`{}` without `--no-cache-dir` keeps pip's download cache in the layer",
                    found.head(&PIP)
                ),
            )
            .maybe_fix(fix);
        }
    }
}
