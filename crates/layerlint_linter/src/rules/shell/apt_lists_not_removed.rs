use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::shell::package_managers::{self as pm, APT_GET, APT_LISTS, APT_UPDATERS};
use crate::{Context, Node};

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
    /// apt command, where nothing needs the lists any more (a later `apt-get install` in
    /// another RUN needs its own `update`, as it should). It is offered when that command
    /// is followed by `&&`, `;`, a newline or nothing, and runs unconditionally where it
    /// stands.
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
        let last = apt.iter().max_by_key(|u| u.order).unwrap_or(update);
        let fix = pm::append_point(cx, last.written).map(|at| {
            Fix::safe(
                "Remove the lists after the last apt command",
                vec![Edit::insert(at, " && rm -rf /var/lib/apt/lists/*")],
            )
        });
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
