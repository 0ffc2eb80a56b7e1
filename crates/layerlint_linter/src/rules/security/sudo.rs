use layerlint_diagnostics::{Edit, Fix};
use layerlint_shell::Word;
use layerlint_shell::known::SUDO;
use layerlint_syntax::InstructionKind;
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::run_support::{is_root_user, user_before};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `sudo` in a `RUN` command (also behind `env`, inside `sh -c '…'` and in
    /// heredoc scripts).
    ///
    /// ## Why is this bad?
    /// A `RUN` runs as the stage's `USER`, root unless you changed it. As root, `sudo` is
    /// useless (and often not installed, so the build fails); as another user it only works
    /// when the image grants password-less sudo, which leaves a privilege escalation in the
    /// final image and a TTY-dependent, unpredictable behaviour in the build. Switch with
    /// `USER root` … `USER app` around the steps that need root, and use `gosu` or
    /// `su-exec` in an entrypoint that must drop privileges at run time.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN sudo apt-get update
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update
    /// USER app
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes `sudo` and its options, leaving the command it ran. It is offered
    /// only when the RUN runs as root — after `USER root` or `USER 0`, or when no `USER` in
    /// the file applies (the base image's user, root for nearly every image) — and when the
    /// options do not change the user, group, directory or login environment (`-u`, `-g`,
    /// `-i`, `-s`, `-D`, `-b`). It is unsafe because the base image's user cannot be read
    /// from the Dockerfile, and `sudo` resets some environment variables that the command
    /// then keeps.
    pub(crate) struct Sudo {
        code: "LL304",
        name: "sudo",
        category: Security,
        severity: Warning,
        fix: Sometimes,
        summary: "`sudo` in a RUN command",
        equivalents: [Hadolint("DL3004"), Trivy("DS-0010"), Checkov("CKV2_DOCKER_1")],
    }
}

impl Check for Sudo {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::named(&["sudo"]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        let is_sudo = |word: &Word<'_>| {
            word.value()
                .is_some_and(|v| v.rsplit('/').next() == Some("sudo"))
        };
        // Asked only when there is a `sudo` (it looks back through the instructions).
        let mut runs_as_root = None;
        for script in scripts.iter().filter(|s| s.script.may_mention("sudo")) {
            for command in script.script.commands() {
                if !command.words().any(|w| is_sudo(&w)) {
                    continue;
                }
                let runs_as_root = *runs_as_root.get_or_insert_with(|| {
                    node.onbuild.is_none()
                        && user_before(cx, node.index).is_none_or(|u| is_root_user(&u))
                });
                // `sudo` as the command or as a wrapper in front of it (`env A=1 sudo x`):
                // a word before the name of the command that finally runs.
                let words: Vec<Word<'_>> = command.words().collect();
                let inner = command.unwrapped().name_word();
                let end = inner
                    .and_then(|n| words.iter().position(|w| w.range() == n.range()))
                    .unwrap_or(1)
                    .max(1);
                for (i, word) in words[..end.min(words.len())].iter().enumerate() {
                    if !is_sudo(word) || (i > 0 && is_option_value(&words, i)) {
                        continue;
                    }
                    let fix = if runs_as_root && inner.is_some() && end > i {
                        removal(cx, &words[i..=end.min(words.len() - 1)])
                    } else {
                        None
                    };
                    cx.report(word.range(), "`sudo` in a RUN command")
                        .maybe_fix(fix)
                        .note(
                            "RUN runs as the stage's USER: switch with `USER` around the steps \
                             that need root, or use `gosu`/`su-exec` at run time",
                        );
                }
            }
        }
    }
}

/// Whether the word at `index` is the value of the option before it (`-u sudo`).
fn is_option_value(words: &[Word<'_>], index: usize) -> bool {
    words[index - 1]
        .value()
        .is_some_and(|v| SUDO.with_value().contains(&v))
}

/// Deletes `sudo [options] ` before the command it runs (`words`: `sudo`, its options,
/// and the command's name last), when the options keep the user, group, directory and
/// environment.
fn removal(cx: &Context<'_>, words: &[Word<'_>]) -> Option<Fix> {
    let (sudo, rest) = words.split_first()?;
    let (wrapped, options) = rest.split_last()?;
    let mut expect_value = false;
    for word in options {
        let value = word.value()?;
        if std::mem::take(&mut expect_value) {
            continue;
        }
        if !value.starts_with('-') {
            // An assignment (`sudo A=1 cmd`) or another wrapper: keep it simple.
            return None;
        }
        let name = value.split('=').next().unwrap_or(value);
        let changes_context = matches!(
            name,
            "-i" | "--login" | "-s" | "--shell" | "-D" | "--chdir" | "-b" | "--background"
        );
        let changes_user = matches!(name, "-u" | "--user" | "-g" | "--group");
        if changes_context {
            return None;
        }
        if changes_user {
            let given = value.split_once('=').map(|(_, v)| v);
            if given.is_some_and(|v| !is_root_user(v)) {
                return None;
            }
            if given.is_none() {
                // `-u user`: the next word is the user.
                let next = options
                    .iter()
                    .skip_while(|w| w.range() != word.range())
                    .nth(1)
                    .and_then(|w| w.value());
                if next.is_none_or(|v| !is_root_user(v)) {
                    return None;
                }
                expect_value = true;
            }
            continue;
        }
        if SUDO.with_value().contains(&name) && !value.contains('=') {
            expect_value = true;
        } else if name.len() > 2 && !name.starts_with("--") {
            // A cluster (`-Eu`): only flags that keep the context.
            if name[1..].chars().any(|c| "iusgDbhpCrtUT".contains(c)) {
                return None;
            }
        }
    }
    let range = TextRange::new(sudo.range().start(), wrapped.range().start());
    let text = cx.text(range);
    if !text.starts_with("sudo") || text.contains(['\n', '\\', '\'', '"', '#', '$']) {
        return None;
    }
    Some(Fix::unsafe_edits(
        "Remove `sudo`",
        vec![Edit::delete(range)],
    ))
}
