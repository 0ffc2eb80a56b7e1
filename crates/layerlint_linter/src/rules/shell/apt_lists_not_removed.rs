use layerlint_diagnostics::Fix;
use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, APT_GET, APT_LISTS, APT_UPDATERS};
use crate::shell::{ShellScript, scripts};
use crate::{Context, Node};

/// The commands that read the lists: where the removal must come after.
const LIST_READERS: [&str; 7] = [
    "apt-get",
    "xx-apt-get",
    "apt",
    "aptitude",
    "apt-cache",
    "apt-mark",
    "add-apt-repository",
];

declare_rule! {
    /// ## What it does
    /// Reports a RUN that runs `apt-get update` (or `apt update`, `aptitude update`,
    /// `apt-get install --update`) and does not remove `/var/lib/apt/lists` afterwards in
    /// the same RUN.
    ///
    /// ## Why is this bad?
    /// `apt-get update` downloads the package index into `/var/lib/apt/lists`: tens of
    /// megabytes that the running container never uses. Left there, they are committed
    /// with the layer, and deleting them in a later RUN does not make the image smaller —
    /// the files stay in the earlier layer. Remove them in the RUN that downloads them.
    ///
    /// Only stages whose layers ship are checked: the last stage, and stages other stages
    /// are built `FROM` (as hadolint does); a builder stage that other stages only copy
    /// files from ships none of its layers. Not reported when the RUN mounts a cache or
    /// tmpfs over the lists (`--mount=type=cache,target=/var/lib/apt/lists` or
    /// `/var/lib/apt`): then they are not in the layer at all. `apt-get dist-clean`
    /// (apt 2.7+) removes them too. A removal *before* the last `update` does not count.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:bookworm
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:bookworm
    /// RUN apt-get update \
    ///     && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM debian:bookworm
    /// RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    ///     --mount=type=cache,target=/var/lib/apt,sharing=locked \
    ///     apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix appends `&& rm -rf /var/lib/apt/lists/*` right after the RUN's last
    /// command that reads the lists (`apt-get`, `apt`, `apt-cache`, `apt-mark`,
    /// `add-apt-repository`), where nothing needs them any more. It is offered only when
    /// nothing else can: the RUN installs after its last `update` (a RUN that only updates
    /// exists for a later RUN's install — see `apt-update-without-install`), no later RUN
    /// of the stage (or of a stage built on it) installs without its own `update`, and
    /// nothing after the insertion mentions `/var/lib/apt/lists`. The command must be
    /// followed by `&&`, `;`, a newline or nothing, and run unconditionally where it
    /// stands. Not for `ONBUILD` triggers, whose later RUNs are in other Dockerfiles.
    pub(crate) struct AptListsNotRemoved {
        code: "LL505",
        name: "apt-lists-not-removed",
        category: Shell,
        severity: Info,
        fix: Sometimes,
        summary: "the apt package lists stay in the layer",
        equivalents: [Hadolint("DL3009")],
    }
}

impl Check for AptListsNotRemoved {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&APT_UPDATERS);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        if node.onbuild.is_none() && !pm::ships(cx, node.stage) {
            return;
        }
        let scripts = cx.scripts(node);
        let apt: Vec<pm::Use<'_>> = APT_UPDATERS
            .iter()
            .flat_map(|m| pm::uses(&scripts, m))
            .collect();
        let Some(update) = apt
            .iter()
            .filter(|u| {
                u.is_any(&APT_GET, &["update"])
                    || (u.is_any(&APT_GET, APT_GET.install) && u.has_any_flag(&["--update"]))
            })
            .max_by_key(|u| u.order)
        else {
            return;
        };
        if pm::cache_mounted(node.instruction, node.scope, &[APT_LISTS]) {
            return;
        }
        let removed = pm::index_removed(&scripts, &APT_UPDATERS, update.order);
        if removed {
            return;
        }
        let fix = fix(cx, node, &scripts, update);
        cx.report(
            update.head_range(&APT_GET),
            format!(
                "`{}` leaves the package lists in the layer: remove `/var/lib/apt/lists/*` \
                 in the same RUN",
                update.head(&APT_GET)
            ),
        )
        .maybe_fix(fix);
    }
}

/// The fix, when removing the lists cannot break anything (see the rule's docs).
fn fix(
    cx: &Context<'_>,
    node: &Node<'_>,
    scripts: &[ShellScript],
    update: &pm::Use<'_>,
) -> Option<Fix> {
    if node.onbuild.is_some() {
        return None;
    }
    // The RUN itself uses the lists after its last update.
    let installs_after = APT_UPDATERS
        .iter()
        .flat_map(|m| pm::uses(scripts, m))
        .any(|u| u.order > update.order && u.is_any(&APT_GET, APT_GET.install));
    if !installs_after || later_run_relies_on_lists(cx, node) {
        return None;
    }
    let (last, last_order) = pm::all_commands(scripts)
        .filter(|(c, _)| c.is_any(&LIST_READERS))
        .max_by_key(|(_, order)| *order)?;
    // The written command (with its wrapper) is where the insertion goes.
    let written = scripts[last_order.0].script.command(last.id());
    let at = pm::append_point(cx, written)?;
    let after =
        &cx.source()[at.to_usize()..node.instruction.range.end().to_usize().max(at.to_usize())];
    if after.contains("/var/lib/apt/lists") {
        return None;
    }
    Some(Fix::safe(
        "Remove the lists after the last apt command",
        vec![pm::insert_words(cx, at, " && rm -rf /var/lib/apt/lists/*")],
    ))
}

/// Whether a later RUN of the stage, or of a stage built on it, installs (or reads the
/// lists) before running its own `update`: it needs the lists this RUN leaves.
fn later_run_relies_on_lists(cx: &Context<'_>, node: &Node<'_>) -> bool {
    let Some(stage) = node.stage else {
        return false;
    };
    let mut family = vec![stage.index];
    for s in &cx.semantic.stages {
        if let layerlint_syntax::semantic::Base::Stage(parent) = s.base
            && family.contains(&parent)
            && !family.contains(&s.index)
        {
            family.push(s.index);
        }
    }
    let instructions = cx.file.instructions();
    for (index, instruction) in instructions.iter().enumerate().skip(node.index + 1) {
        let in_family = cx
            .semantic
            .stage_of(index)
            .is_some_and(|s| family.contains(&s));
        if !in_family || instruction.kind != layerlint_syntax::InstructionKind::Run {
            continue;
        }
        let later = scripts(cx.file, instruction, node.shell, cx.parsed());
        // The first command that refreshes or needs the lists: `update`, an install, or
        // `apt-cache` (not `remove`, `purge`, `clean`).
        let first = pm::all_commands(&later).find_map(|(command, _)| {
            if command.is("apt-cache") {
                return Some(false);
            }
            if !command.is_any(&LIST_READERS) {
                return None;
            }
            match command.subcommand_with(APT_GET.spec) {
                Some("update") => Some(true),
                Some(sub) if APT_GET.install.contains(&sub) => Some(false),
                _ => None,
            }
        });
        match first {
            None => {}
            // Refreshed here: later RUNs of the stage rely on these lists, not ours
            // (stages built on it may still rely on ours: keep looking there).
            Some(true) if cx.semantic.stage_of(index) == Some(stage.index) => return false,
            Some(true) => {}
            Some(false) => return true,
        }
    }
    false
}
