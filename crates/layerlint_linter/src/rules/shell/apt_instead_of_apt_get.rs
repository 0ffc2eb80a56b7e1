use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, APT, APT_TO_APT_GET};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `apt` in a RUN: `apt install`, `apt update`, `apt remove`...
    ///
    /// ## Why is this bad?
    /// `apt` is the front end for people at a terminal. Its output and behaviour may
    /// change between releases, and it says so itself: "WARNING: apt does not have a
    /// stable CLI interface. Use with caution in scripts." `apt-get` (and `apt-cache`) are
    /// the stable interface for scripts, and a Dockerfile is a script.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix safety
    /// Safe, and offered only for the subcommands `apt-get` has with the same meaning
    /// (`install`, `update`, `remove`, `purge`, `autoremove`, `clean`, `dist-upgrade`,
    /// `full-upgrade` as `dist-upgrade`, ...). `apt upgrade` gets no fix: it also installs
    /// new dependencies, which `apt-get upgrade` does not. Nor do `apt list`, `search` and
    /// `show`, which have no `apt-get` twin.
    pub(crate) struct AptInsteadOfAptGet {
        code: "LL501",
        name: "apt-instead-of-apt-get",
        category: Shell,
        severity: Warning,
        fix: Sometimes,
        summary: "`apt` is for terminals; scripts use `apt-get`",
        equivalents: [Hadolint("DL3027"), Checkov("CKV_DOCKER_9")],
    }
}

impl Check for AptInsteadOfAptGet {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&APT]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for found in pm::uses(&scripts, &APT) {
            let Some(name) = found.command.name_word() else {
                continue;
            };
            let sub = found.subcommand_word(&APT);
            let fix = sub.and_then(|sub| {
                let (_, to) = APT_TO_APT_GET
                    .iter()
                    .find(|(from, _)| sub.value() == Some(from))?;
                let name_text = name.text();
                let prefix = name_text.strip_suffix("apt")?;
                if !pm::is_exact(cx, name) || !pm::is_exact(cx, sub) || prefix.contains(['"', '\''])
                {
                    return None;
                }
                let mut edits = vec![Edit::replace(name.range(), format!("{prefix}apt-get"))];
                if sub.value() != Some(to) {
                    edits.push(Edit::replace(sub.range(), *to));
                }
                Some(Fix::safe("Use `apt-get`", edits))
            });
            cx.report(
                found.head_range(&APT),
                format!(
                    "`{}` in a script: `apt` has no stable command-line interface, \
                     `apt-get` and `apt-cache` have",
                    found.head(&APT)
                ),
            )
            .maybe_fix(fix);
        }
    }
}
