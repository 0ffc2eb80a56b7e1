use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, APT_FAMILY, APT_GET};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports an `apt-get` (or `apt`) command that installs, upgrades or removes packages
    /// without `-y` (or `--yes`, `--assume-yes`, `-qq`).
    ///
    /// ## Why is this bad?
    /// `apt-get` asks "Do you want to continue? [Y/n]" whenever it would do more than
    /// asked: install a dependency, remove a package. A build has no terminal to answer,
    /// so apt-get reads the end of its input, prints `Abort.` and fails the build — today,
    /// or on the day one of the packages gains a dependency.
    ///
    /// Not reported when the answer is given another way: `-qq` (which implies `-y`),
    /// `-o APT::Get::Assume-Yes=true`, `yes | apt-get ...`, or an
    /// `APT::Get::Assume-Yes "true";` written to `/etc/apt/apt.conf.d/` by an earlier RUN
    /// of the stage. Commands behind `sudo`/`env`, inside `sh -c` and in heredoc scripts
    /// are checked too.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:bookworm
    /// RUN apt-get update && apt-get install --no-install-recommends curl
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:bookworm
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix adds `-y` after the subcommand, which answers the question the
    /// build cannot answer; a build that worked without it never reached the question.
    pub(crate) struct AptGetMissingYes {
        code: "LL502",
        name: "apt-get-missing-yes",
        category: Shell,
        severity: Warning,
        fix: Sometimes,
        summary: "`apt-get` without `-y` aborts at its confirmation prompt",
        equivalents: [Hadolint("DL3014"), Trivy("DS-0021")],
    }
}

impl Check for AptGetMissingYes {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&APT_FAMILY);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for found in APT_FAMILY.iter().flat_map(|m| pm::uses(&scripts, m)) {
            if !found.is_any(&APT_GET, APT_GET.confirm) || answers_yes(&found) {
                continue;
            }
            let start = found.command.range().start();
            if pm::apt_config(cx, node, "APT::Get::Assume-Yes", start) == Some(true) {
                continue;
            }
            let Some(sub) = found.subcommand_word(&APT_GET) else {
                continue;
            };
            let fix = pm::word_end(cx, sub)
                .map(|at| Fix::safe("Add `-y`", vec![Edit::insert(at, " -y")]));
            cx.report(
                found.head_range(&APT_GET),
                format!(
                    "`{}` without `-y` aborts at the confirmation prompt",
                    found.head(&APT_GET)
                ),
            )
            .maybe_fix(fix);
        }
    }
}

/// `-y` and its equivalents: `-qq` (quiet level 2 implies `-y`), `-o APT::Get::Assume-Yes`,
/// input from `yes`.
fn answers_yes(found: &pm::Use<'_>) -> bool {
    let command = found.command;
    if found.has_any_flag(APT_GET.yes) {
        return true;
    }
    let mut quiet = 0;
    for arg in command.options(APT_GET.spec) {
        let Some(option) = arg.option() else {
            continue;
        };
        if option.is("-q") || option.is("--quiet") {
            quiet += match option.value.map(|v| v.as_str()) {
                Some(level) => level.trim_start_matches('=').parse().unwrap_or(1),
                None => 1,
            };
        }
        if (option.is("-o") || option.is("--option"))
            && option.value.is_some_and(|v| {
                let setting = v.as_str().to_ascii_lowercase();
                setting
                    .strip_prefix("apt::get::assume-yes=")
                    .is_some_and(pm::is_truthy)
            })
        {
            return true;
        }
    }
    quiet >= 2 || found.piped_from_yes()
}
