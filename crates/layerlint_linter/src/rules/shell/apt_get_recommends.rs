use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, APT_FAMILY};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` (or `apt install`) without `--no-install-recommends`.
    ///
    /// ## Why is this bad?
    /// By default apt installs every package's *recommended* packages too: documentation,
    /// optional helpers, sometimes a whole toolchain (`build-essential` recommends
    /// `dpkg-dev`'s friends, `python3-pip` recommends compilers). They make the image
    /// larger, slower to pull and scan, and add packages with vulnerabilities that
    /// nothing uses. A container needs what its application needs.
    ///
    /// Not reported when `-o APT::Install-Recommends=false` is given, or an earlier RUN of
    /// the stage wrote `APT::Install-Recommends "false";` to `/etc/apt/apt.conf.d/`.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:bookworm
    /// RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:bookworm
    /// RUN apt-get update \
    ///     && apt-get install -y --no-install-recommends curl ca-certificates \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the fix adds `--no-install-recommends`, and the software may rely on a
    /// recommended package without saying so (`curl` recommends `ca-certificates`, without
    /// which every HTTPS download fails). Add the packages it needs by name.
    pub(crate) struct AptGetRecommends {
        code: "LL503",
        name: "apt-get-recommends",
        category: Shell,
        severity: Info,
        fix: Sometimes,
        summary: "`apt-get install` without `--no-install-recommends` installs optional packages too",
        equivalents: [Hadolint("DL3015"), Trivy("DS-0029")],
    }
}

impl Check for AptGetRecommends {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&APT_FAMILY);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for manager in APT_FAMILY {
            for found in pm::uses(&scripts, manager) {
                if !found.is_any(manager, &["install"]) || skips_recommends(&found, manager) {
                    continue;
                }
                let start = found.command.range().start();
                if pm::apt_config(cx, node, "APT::Install-Recommends", start) == Some(false) {
                    continue;
                }
                let Some(sub) = found.subcommand_word(manager) else {
                    continue;
                };
                let fix = pm::word_end(cx, sub).map(|at| {
                    Fix::unsafe_edits(
                        "Add `--no-install-recommends`",
                        vec![Edit::insert(at, " --no-install-recommends")],
                    )
                });
                cx.report(
                    found.head_range(manager),
                    format!(
                        "`{}` without `--no-install-recommends` also installs recommended packages",
                        found.head(manager)
                    ),
                )
                .maybe_fix(fix);
            }
        }
    }
}

/// `--no-install-recommends`, `--install-recommends=false`, `-o APT::Install-Recommends=0`.
fn skips_recommends(found: &pm::Use<'_>, manager: &pm::PackageManager) -> bool {
    found.command.options(manager.spec).any(|arg| {
        let Some(option) = arg.option() else {
            return false;
        };
        let value = option.value.map(|v| v.as_str().to_ascii_lowercase());
        if option.is("--no-install-recommends") {
            return value.is_none_or(|v| pm::is_truthy(&v));
        }
        if option.is("--install-recommends") {
            return value.is_some_and(|v| !pm::is_truthy(&v));
        }
        (option.is("-o") || option.is("--option"))
            && value.is_some_and(|v| {
                v.strip_prefix("apt::install-recommends=")
                    .is_some_and(|v| !pm::is_truthy(v))
            })
    })
}
