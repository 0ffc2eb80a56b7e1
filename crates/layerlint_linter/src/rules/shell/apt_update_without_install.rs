use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, INDEX_FAMILIES};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a package-index refresh — `apt-get update`, `apt update`, `apk update`,
    /// `yum`/`dnf makecache`, `zypper refresh` — in a RUN that installs nothing after it.
    ///
    /// ## Why is this bad?
    /// The build cache reuses a RUN whose text has not changed. `RUN apt-get update` on a
    /// line of its own is therefore run once and then reused for months, and the
    /// `RUN apt-get install ...` after it installs from that stale index: package
    /// versions the mirrors no longer carry (404 errors), or old versions with known
    /// vulnerabilities. Editing the install line re-runs the install but not the update.
    /// In the same RUN, the index is always as fresh as the install.
    ///
    /// Not reported when the RUN removes the index again (`rm -rf /var/lib/apt/lists/*`,
    /// `apt-get dist-clean`) or keeps it on a cache mount: then no later RUN finds it. A
    /// RUN that runs an install script (`./install.sh`) after the refresh is reported: the
    /// script is not read.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:bookworm
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
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
    /// ## Fix safety
    /// No fix: merging the RUNs is the remedy, and what else moves with them is the
    /// author's choice.
    pub(crate) struct AptUpdateWithoutInstall {
        code: "LL504",
        name: "apt-update-without-install",
        category: Shell,
        severity: Warning,
        fix: None,
        summary: "a package-index refresh in a RUN that installs nothing goes stale in the build cache",
        equivalents: [Trivy("DS-0017"), Checkov("CKV_DOCKER_5")],
    }
}

impl Check for AptUpdateWithoutInstall {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(INDEX_FAMILIES[0])
        .and(Programs::managers(INDEX_FAMILIES[1]))
        .and(Programs::managers(INDEX_FAMILIES[2]))
        .and(Programs::managers(INDEX_FAMILIES[3]));

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for family in INDEX_FAMILIES {
            let uses: Vec<(pm::Use<'_>, &pm::PackageManager)> = family
                .iter()
                .flat_map(|m| pm::uses(&scripts, m).into_iter().map(move |u| (u, *m)))
                .collect();
            let Some((update, manager)) = uses
                .iter()
                .filter(|(u, m)| u.is_any(m, m.update))
                .max_by_key(|(u, _)| u.order)
            else {
                continue;
            };
            let installs_after = uses
                .iter()
                .any(|(u, m)| u.order > update.order && u.is_any(m, m.install));
            // Nothing is left for a later RUN when the index is removed or mounted.
            if installs_after
                || pm::index_removed(&scripts, family, update.order)
                || family.iter().any(|m| {
                    !m.index_dir.is_empty()
                        && pm::cache_mounted(node.instruction, node.scope, &[m.index_dir])
                })
            {
                continue;
            }
            cx.report(
                update.head_range(manager),
                format!(
                    "`{}` in a RUN that installs nothing after it: a later install reuses this \
                     index from the build cache, stale",
                    update.head(manager)
                ),
            );
        }
    }
}
