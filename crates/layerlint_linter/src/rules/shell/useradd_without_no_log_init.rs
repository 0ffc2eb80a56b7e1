use layerlint_diagnostics::{Edit, Fix};
use layerlint_shell::known::USERADD;
use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::run_support::commands;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `useradd` with a UID above 65535 (`-u`, `--uid`; a variable is resolved
    /// through `ARG` and `ENV` defaults) and without `-l` / `--no-log-init`.
    ///
    /// hadolint reports UIDs written with more than five characters (from 100000, and any
    /// `${VARIABLE}` of that length); this rule reads the number, and does not report a
    /// UID it cannot resolve.
    ///
    /// ## Why is this bad?
    /// `useradd` records the new user in `/var/log/lastlog` and `/var/log/faillog`, sparse
    /// files indexed by UID: 292 bytes per UID for lastlog, so UID 100000 makes a 29 MB
    /// file of zeros, and UID 1000000000 one of 292 GB. Docker's layer format does not
    /// keep files sparse, so the zeros land in the layer (or the build runs out of disk).
    /// `-l` skips the log files.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -u 100000 -m app
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -l -u 100000 -m app
    /// ```
    ///
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -u 10001 -m app
    /// ```
    ///
    /// ## Fix safety
    /// Safe: `-l` only keeps the user out of the login records, which a container does not
    /// use.
    pub(crate) struct UseraddWithoutNoLogInit {
        code: "LL522",
        name: "useradd-without-no-log-init",
        category: Shell,
        severity: Warning,
        fix: Sometimes,
        summary: "`useradd` with a high UID and without `-l` writes huge log files into the layer",
        equivalents: [Hadolint("DL3046")],
    }
}

/// The largest UID whose log records stay small (the 16-bit range).
const LARGEST_SMALL_UID: u64 = 65535;

impl Check for UseraddWithoutNoLogInit {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::named(&["useradd"]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for command in commands(&scripts) {
            if !command.is("useradd") {
                continue;
            }
            let mut uid = None;
            let mut no_log_init = false;
            for arg in command.options(USERADD) {
                let Some(option) = arg.option() else { continue };
                if option.is("-l") || option.is("--no-log-init") {
                    no_log_init = true;
                } else if option.is("-u") || option.is("--uid") {
                    uid = option.value.map(|v| v.as_str().to_owned());
                }
            }
            if no_log_init {
                continue;
            }
            let Some(uid) = uid.and_then(|u| resolve(node, &u, cx.file.escape())) else {
                continue;
            };
            if uid <= LARGEST_SMALL_UID {
                continue;
            }
            let Some(name) = command.name_word() else {
                continue;
            };
            let exact = cx.text(name.range()).rsplit('/').next() == Some("useradd");
            let fix =
                exact.then(|| Fix::safe("Add `-l`", vec![Edit::insert(name.range().end(), " -l")]));
            cx.report(
                name.range(),
                format!("`useradd` with UID {uid} and without `-l` adds a lastlog file of {} to the layer", size(uid)),
            )
            .maybe_fix(fix);
        }
    }
}

/// The UID as a number: written, or a `$VAR` / `${VAR}` with a default.
fn resolve(node: &Node<'_>, written: &str, escape: char) -> Option<u64> {
    if let Ok(uid) = written.parse::<u64>() {
        return Some(uid);
    }
    if !written.starts_with('$') {
        return None;
    }
    let expanded = node.scope.expand(written, escape).ok()?;
    if !expanded.unmatched.is_empty() {
        return None;
    }
    expanded.result.trim().parse().ok()
}

/// lastlog's size for a UID, rounded for a message.
fn size(uid: u64) -> String {
    let bytes = (uid + 1).saturating_mul(292);
    match bytes {
        b if b >= 1 << 30 => format!("{} GB", b / 1_000_000_000),
        b => format!("{} MB", b / 1_000_000),
    }
}
