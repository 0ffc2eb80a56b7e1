use layerlint_diagnostics::{Edit, Fix};
use layerlint_shell::Command;
use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::run_support::{ImageShell, base_image, commands, image_shell};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `wget` without `--progress=…`, `-q`/`--quiet`, `-nv`/`--no-verbose`, or a
    /// log file (`-o`, `-a`).
    ///
    /// ## Why is this bad?
    /// Without a terminal, GNU wget falls back to its "dot" progress display: one line of
    /// dots per 50 KiB. A 200 MB download writes thousands of lines to the build log,
    /// which CI systems truncate or store forever, and the useful lines drown in them.
    /// `--progress=dot:giga` prints a dot per 1 MiB and still shows that the download
    /// moves; `-nv` prints one line per file.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget https://example.com/app.tar.gz
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN wget --progress=dot:giga https://example.com/app.tar.gz
    /// ```
    ///
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN wget -q https://example.com/app.tar.gz
    /// ```
    ///
    /// ## Fix safety
    /// Safe (offered when `wget` is written plainly, not built from quotes or escapes):
    /// the fix adds `--progress=dot:giga` right after `wget`, which changes only what
    /// is logged. In a stage built on Alpine or BusyBox, or run as `busybox wget`, where
    /// `wget` is BusyBox's and has no `--progress` option, it adds `-q` instead, which both
    /// BusyBox and GNU wget accept.
    pub(crate) struct WgetWithoutProgress {
        code: "LL521",
        name: "wget-without-progress",
        category: Shell,
        severity: Info,
        fix: Sometimes,
        summary: "`wget` without `--progress`, `-q` or `-nv` floods the build log",
        equivalents: [Hadolint("DL3047")],
    }
}

/// wget's short options that take a value (the rest of a cluster after one is its value).
const WITH_VALUE: &str = "OoaPUTteiBwQlARDIX";

impl Check for WgetWithoutProgress {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::named(&["wget"]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        if !commands(&scripts).any(|c| c.is("wget")) {
            return;
        }
        let busybox = node.onbuild.is_none()
            && node
                .stage
                .and_then(|s| base_image(cx.semantic, s.index))
                .is_some_and(|image| image_shell(image) == ImageShell::Busybox);
        for written in scripts.iter().flat_map(|s| s.script.commands()) {
            let command = written.unwrapped();
            if !command.is("wget") || is_quiet(command) {
                continue;
            }
            // `busybox wget` runs BusyBox's wget whatever the image.
            let wrappers = written.words().len() - command.words().len();
            let via_busybox = written.words().take(wrappers).any(|w| {
                w.value()
                    .is_some_and(|v| v.rsplit('/').next() == Some("busybox"))
            });
            let (flag, title) = if busybox || via_busybox {
                ("-q", "Add `-q`")
            } else {
                ("--progress=dot:giga", "Add `--progress=dot:giga`")
            };
            let Some(name) = command.name_word() else {
                continue;
            };
            let range = name.range();
            let exact = cx.text(range).rsplit('/').next() == Some("wget");
            let fix = exact
                .then(|| Fix::safe(title, vec![Edit::insert(range.end(), format!(" {flag}"))]));
            cx.report(
                range,
                "`wget` without `--progress` or `-q` writes a line to the build log per 50 KiB",
            )
            .maybe_fix(fix);
        }
    }
}

/// Whether the options already decide what wget prints.
fn is_quiet(command: Command<'_>) -> bool {
    let mut skip_next = false;
    for word in command.args() {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        let value = word.value_lossy();
        if value == "--" {
            break;
        }
        if let Some(long) = value.strip_prefix("--") {
            let name = long.split('=').next().unwrap_or(long);
            if matches!(
                name,
                "progress"
                    | "quiet"
                    | "no-verbose"
                    | "output-file"
                    | "append-output"
                    | "background"
            ) {
                return true;
            }
            continue;
        }
        let Some(cluster) = value.strip_prefix('-').filter(|c| !c.is_empty()) else {
            continue;
        };
        // GNU wget's two-letter `-nv` (no verbose); `-nc`, `-nd`, `-nH`… are other options.
        if cluster == "nv" {
            return true;
        }
        if cluster.starts_with('n') {
            continue;
        }
        for letter in cluster.chars() {
            if matches!(letter, 'q' | 'o' | 'a' | 'b') {
                return true;
            }
            if WITH_VALUE.contains(letter) {
                skip_next = cluster.ends_with(letter);
                break;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use layerlint_shell::parse_str;

    use super::is_quiet;

    #[test]
    fn quiet_options() {
        let quiet = |text: &str| is_quiet(parse_str(text).commands().next().unwrap());
        assert!(quiet("wget -q https://x"));
        assert!(quiet("wget -qO- https://x"));
        assert!(quiet("wget -nv https://x"));
        assert!(quiet("wget --progress=bar:force https://x"));
        assert!(quiet("wget -O /tmp/x -o /dev/null https://x"));
        assert!(!quiet("wget -O /tmp/q https://x"));
        assert!(!quiet("wget -Oq https://x"));
        assert!(!quiet("wget -nc https://x"));
        assert!(!quiet("wget https://x"));
    }
}
