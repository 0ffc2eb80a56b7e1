use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::InstructionKind;
use layerlint_text::{TextRange, TextSize};

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, APK};
use crate::shell::ShellScript;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `apk add` without `--no-cache`, and an `apk update` whose index only
    /// `apk add --no-cache` installs follow (they fetch their own).
    ///
    /// ## Why is this bad?
    /// Without `--no-cache`, `apk add` downloads the package index into `/var/cache/apk`
    /// and leaves it there: a few megabytes committed with the layer, in an image chosen
    /// for being small. `--no-cache` fetches the index, uses it and keeps nothing — no
    /// `apk update` before, no `rm -rf /var/cache/apk/*` after.
    ///
    /// Not reported when the RUN mounts a cache or tmpfs over `/var/cache/apk` or
    /// `/etc/apk/cache` (then the cache is meant to be kept, outside the image), nor for
    /// `apk add --no-network`, which downloads nothing.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add curl
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// RUN --mount=type=cache,target=/var/cache/apk apk add curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix adds `--no-cache` after `add`; apk installs the same packages. For
    /// `apk update && apk add --no-cache ...` it deletes `apk update &&`: with `--no-cache`
    /// apk downloads a fresh index for the install anyway. When
    /// the RUN's only other mention of the cache is a plain `&& rm -rf /var/cache/apk/*`
    /// right after this `apk add` (and no other apk command could fill the cache), the fix
    /// removes that removal too, as it has nothing left to do.
    pub(crate) struct ApkMissingNoCache {
        code: "LL506",
        name: "apk-missing-no-cache",
        category: Shell,
        severity: Info,
        fix: Sometimes,
        summary: "`apk add` without `--no-cache` keeps the package index in the layer",
        equivalents: [Hadolint("DL3019"), Trivy("DS-0025")],
    }
}

impl Check for ApkMissingNoCache {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&APK]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        if pm::cache_mounted(node.instruction, node.scope, APK.cache_dirs) {
            return;
        }
        let scripts = cx.scripts(node);
        let uses = pm::uses(&scripts, &APK);
        report_update(cx, &scripts, &uses);
        for found in &uses {
            if !found.is_any(&APK, &["add"]) || found.has_any_flag(&["--no-cache", "--no-network"])
            {
                continue;
            }
            let Some(sub) = found.subcommand_word(&APK) else {
                continue;
            };
            let fix = pm::word_end(cx, sub).map(|at| {
                let mut edits = vec![Edit::insert(at, " --no-cache")];
                if uses.len() == 1 {
                    edits.extend(trivial_removal(cx, found));
                }
                Fix::safe("Add `--no-cache`", edits)
            });
            cx.report(
                found.head_range(&APK),
                "`apk add` without `--no-cache` leaves the package index in `/var/cache/apk`",
            )
            .maybe_fix(fix);
        }
    }
}

/// Reports `apk update` when every later install of the RUN uses `--no-cache` (so the
/// index it downloads serves nothing) and nothing removes it. With `--no-cache` apk fetches
/// the index itself, so the fix deletes `apk update &&` when the next command is such an
/// install.
fn report_update(cx: &mut Context<'_>, scripts: &[ShellScript], uses: &[pm::Use<'_>]) {
    for update in uses.iter().filter(|u| u.is_any(&APK, &["update"])) {
        let installs: Vec<&pm::Use<'_>> = uses
            .iter()
            .filter(|u| u.order > update.order && u.is_any(&APK, &["add", "upgrade", "fix"]))
            .collect();
        let all_no_cache = installs
            .iter()
            .all(|u| u.has_any_flag(&["--no-cache", "--no-network"]));
        if installs.is_empty() || !all_no_cache || pm::index_removed(scripts, &[&APK], update.order)
        {
            continue;
        }
        let fix = delete_update(cx, update, installs[0]).map(|edit| {
            Fix::safe(
                "Remove `apk update`: `--no-cache` fetches the index",
                vec![edit],
            )
        });
        cx.report(
            update.head_range(&APK),
            "`apk update` leaves the package index in `/var/cache/apk`; `apk add --no-cache` \
             fetches its own",
        )
        .maybe_fix(fix);
    }
}

/// The deletion of `apk update && ` when the install comes right after it.
fn delete_update(cx: &Context<'_>, update: &pm::Use<'_>, install: &pm::Use<'_>) -> Option<Edit> {
    let written = update.written;
    let next = install.written;
    let plain = update
        .command
        .args()
        .all(|w| w.is("update") || matches!(w.value(), Some("-q" | "--quiet")));
    if !plain
        || written.separator() != layerlint_shell::Separator::And
        || written.is_piped()
        || next
            .script()
            .commands()
            .nth(written.id().index() + 1)
            .map(|c| c.id())
            != Some(next.id())
        || next.text_id() != written.text_id()
        || next.context() != written.context()
        || written.assignments().len() > 0
    {
        return None;
    }
    let range = TextRange::new(written.range().start(), next.range().start());
    let text = cx.source().get(range.to_std())?;
    let exact = cx.source().get(written.range().to_std()) == Some(written.text());
    if !exact || text.contains('#') {
        return None;
    }
    Some(Edit::delete(range))
}

/// The deletion of ` && rm -rf /var/cache/apk/*` right after the `apk add`, when that is
/// all the `rm` does and nothing else (a comment line) lies in between.
fn trivial_removal(cx: &Context<'_>, found: &pm::Use<'_>) -> Option<Edit> {
    let written = found.written;
    if written.separator() != layerlint_shell::Separator::And || written.is_piped() {
        return None;
    }
    let script = written.script();
    let next = script.commands().nth(written.id().index() + 1)?;
    if !next.is("rm") || next.context() != written.context() || next.text_id() != written.text_id()
    {
        return None;
    }
    let args: Vec<&str> = next.args().map(|w| w.value_lossy()).collect();
    let flags_ok = args
        .iter()
        .filter(|a| a.starts_with('-'))
        .all(|a| matches!(*a, "-rf" | "-fr" | "-r" | "-f" | "-Rf" | "-fR"));
    let paths: Vec<&&str> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if !flags_ok
        || paths.is_empty()
        || !paths.iter().all(|p| {
            matches!(
                **p,
                "/var/cache/apk/*" | "/var/cache/apk" | "/var/cache/apk/"
            )
        })
    {
        return None;
    }
    let start: TextSize = written.range().end();
    let end: TextSize = next.range().end();
    let between = cx.source().get(TextRange::new(start, end).to_std())?;
    let exact = cx.source().get(next.range().to_std()) == Some(next.text());
    if !exact || between.contains('#') || !between.contains("&&") {
        return None;
    }
    Some(Edit::delete(TextRange::new(start, end)))
}
