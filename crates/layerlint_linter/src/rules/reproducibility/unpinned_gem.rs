use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{self as pm, GEM};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports gems installed with `gem install` without a version: `gem install bundler`
    /// rather than `gem install bundler:2.5.22` or `gem install bundler -v 2.5.22`.
    ///
    /// ## Why is this bad?
    /// Without a version, `gem install` fetches the latest release on the day of the
    /// build: two builds of the same Dockerfile can differ, and a new major release (of
    /// Bundler, say) can break the image without a change in the repository.
    ///
    /// Not reported: `gem:version`, a command with `-v`/`--version` (it applies to its
    /// gems), local `.gem` files, and gems given by a variable. `bundle install` is not
    /// concerned: `Gemfile.lock` pins.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM ruby:3.3
    /// RUN gem install bundler
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM ruby:3.3
    /// RUN gem install bundler:2.5.22
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which version to pin is for the author to choose.
    pub(crate) struct UnpinnedGem {
        code: "LL407",
        name: "unpinned-gem",
        category: Reproducibility,
        severity: Warning,
        fix: None,
        summary: "a gem installed without a pinned version",
        equivalents: [Hadolint("DL3028")],
    }
}

impl Check for UnpinnedGem {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[&GEM]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for found in pm::uses(&scripts, &GEM) {
            if !found.is_any(&GEM, &["install", "i"]) || found.has_any_flag(&["-v", "--version"]) {
                continue;
            }
            let unpinned: Vec<_> = found
                .operands(&GEM)
                .filter(|w| {
                    w.value().is_some_and(|gem| {
                        !gem.is_empty() && !gem.contains([':', '/']) && !gem.ends_with(".gem")
                    })
                })
                .collect();
            pm::report_unpinned(
                cx,
                &unpinned,
                [
                    "gem without a pinned version",
                    "gems without a pinned version",
                ],
                "`gem:<version>`",
            );
        }
    }
}
