use layerlint_syntax::InstructionKind;
use layerlint_syntax::semantic::Stage;
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::run_support::commands;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a stage that runs both `wget` and `curl`, once, at the first use of the
    /// second one (with the first use of the other as a related location).
    ///
    /// ## Why is this bad?
    /// Both download files. Installing both adds a package (and its libraries) that the
    /// image does not need, and two tools mean two sets of flags, proxies and TLS settings
    /// to get right. Pick one for the stage; `curl -fsSLo file url` does what
    /// `wget -q url` does.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
    /// RUN wget -q https://example.com/b.tgz
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz \
    ///     && curl -fsSLo /tmp/b.tgz https://example.com/b.tgz
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the flags of one tool do not translate one to one into the other's.
    pub(crate) struct WgetAndCurl {
        code: "LL520",
        name: "wget-and-curl",
        category: Shell,
        severity: Warning,
        fix: None,
        summary: "both `wget` and `curl` used in one stage",
        equivalents: [Hadolint("DL4001"), Trivy("DS-0014")],
    }
}

/// The first use of each tool in the stage, and whether the stage was reported.
#[derive(Default)]
pub(crate) struct Seen {
    curl: Option<TextRange>,
    wget: Option<TextRange>,
    reported: bool,
}

impl Check for WgetAndCurl {
    type State = Seen;
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]);
    const PROGRAMS: Programs = Programs::named(&["curl", "wget"]);

    fn start_stage(&self, _cx: &mut Context<'_>, state: &mut Seen, _stage: &Stage) {
        *state = Seen::default();
    }

    fn instruction(&self, cx: &mut Context<'_>, state: &mut Seen, node: &Node<'_>) {
        if state.reported {
            return;
        }
        let scripts = cx.scripts(node);
        for command in commands(&scripts) {
            let Some(word) = command.name_word() else {
                continue;
            };
            let (this, other, name, other_name) = match command.name() {
                Some("curl") => (&mut state.curl, state.wget, "curl", "wget"),
                Some("wget") => (&mut state.wget, state.curl, "wget", "curl"),
                _ => continue,
            };
            if this.is_none() {
                *this = Some(word.range());
                if let Some(other) = other {
                    state.reported = true;
                    cx.report(
                        word.range(),
                        format!("both `{other_name}` and `{name}` are used in this stage"),
                    )
                    .related(other, format!("`{other_name}` is used here"));
                    return;
                }
            }
        }
    }
}
