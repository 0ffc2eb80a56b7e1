use layerlint_shell::known::CURL;
use layerlint_shell::{Command, Word};
use layerlint_syntax::{Body, InstructionKind};
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports what turns off TLS certificate verification in a build:
    ///
    /// * `curl -k` / `--insecure`, `wget --no-check-certificate`;
    /// * `pip --trusted-host` and `pip config set global.trusted-host`;
    /// * `git -c http.sslVerify=false` and `git config http.sslVerify false`;
    /// * `npm config set strict-ssl false` (also `yarn`, `pnpm`, `--strict-ssl=false`);
    /// * `yum-config-manager` / `dnf config-manager` / `yum` / `dnf` with
    ///   `--setopt=sslverify=0`;
    /// * the environment variables `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`,
    ///   `GIT_SSL_NO_VERIFY`, `PIP_TRUSTED_HOST`, `NPM_CONFIG_STRICT_SSL=false` and
    ///   `GOINSECURE`, set by `ENV`, by an `ARG` default, or in a `RUN` command
    ///   (`VAR=value cmd`, `export VAR=value`, `env VAR=value cmd`).
    ///
    /// ## Why is this bad?
    /// Without certificate verification anyone on the network path (a proxy, a
    /// compromised mirror, a coffee-shop Wi-Fi on a laptop build) can serve different
    /// packages or scripts, and the build runs them. A variable set with `ENV` also stays
    /// in the image and weakens every connection the application makes at run time. If a
    /// registry or mirror uses a private CA, add its certificate to the image
    /// (`update-ca-certificates`, `pip --cert`, `NODE_EXTRA_CA_CERTS`) instead.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSLk https://example.com/tool.tar.gz -o /tmp/tool.tar.gz
    /// ```
    ///
    /// ```dockerfile
    /// FROM node:20
    /// ENV NODE_TLS_REJECT_UNAUTHORIZED=0
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://example.com/tool.tar.gz -o /tmp/tool.tar.gz
    /// ```
    ///
    /// ```dockerfile
    /// FROM node:20
    /// COPY corp-ca.pem /usr/local/share/ca-certificates/corp-ca.crt
    /// ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/corp-ca.crt
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the download may only work because verification is off (a private CA, an
    /// expired certificate); the right fix is to trust the right certificate.
    pub(crate) struct TlsVerificationDisabled {
        code: "LL305",
        name: "tls-verification-disabled",
        category: Security,
        severity: Warning,
        fix: None,
        summary: "a download or tool with TLS certificate verification turned off",
        equivalents: [
            Checkov("CKV2_DOCKER_2"),
            Checkov("CKV2_DOCKER_3"),
            Checkov("CKV2_DOCKER_4"),
            Checkov("CKV2_DOCKER_5"),
            Checkov("CKV2_DOCKER_6"),
            Checkov("CKV2_DOCKER_12"),
            Checkov("CKV2_DOCKER_13"),
            Checkov("CKV2_DOCKER_14"),
            Checkov("CKV2_DOCKER_15"),
            Checkov("CKV2_DOCKER_16"),
        ],
    }
}

/// An environment variable that turns verification off, and the values that do.
struct Variable {
    name: &'static str,
    /// `None`: any value (even empty, as for `GIT_SSL_NO_VERIFY`).
    disabling: Option<&'static [&'static str]>,
    what: &'static str,
}

const VARIABLES: &[Variable] = &[
    Variable {
        name: "NODE_TLS_REJECT_UNAUTHORIZED",
        disabling: Some(&["0"]),
        what: "Node.js",
    },
    Variable {
        name: "PYTHONHTTPSVERIFY",
        disabling: Some(&["0"]),
        what: "Python's `urllib`",
    },
    Variable {
        name: "GIT_SSL_NO_VERIFY",
        disabling: None,
        what: "git",
    },
    Variable {
        name: "PIP_TRUSTED_HOST",
        disabling: None,
        what: "pip",
    },
    Variable {
        name: "NPM_CONFIG_STRICT_SSL",
        disabling: Some(&["false"]),
        what: "npm",
    },
    Variable {
        name: "npm_config_strict_ssl",
        disabling: Some(&["false"]),
        what: "npm",
    },
    Variable {
        name: "GOINSECURE",
        disabling: None,
        what: "the Go module fetcher",
    },
];

/// The finding for `NAME=value`, if it turns verification off.
/// Whether `name` is a variable that can turn verification off (checked before its value
/// is expanded).
fn is_known(name: &str) -> bool {
    VARIABLES.iter().any(|v| v.name == name)
}

fn variable_message(name: &str, value: &str) -> Option<String> {
    let variable = VARIABLES.iter().find(|v| v.name == name)?;
    let disables = match variable.disabling {
        Some(values) => values.iter().any(|v| v.eq_ignore_ascii_case(value.trim())),
        None => name == "GIT_SSL_NO_VERIFY" || !value.trim().is_empty(),
    };
    disables.then(|| {
        format!(
            "`{name}` turns off TLS certificate verification for {}",
            variable.what
        )
    })
}

impl Check for TlsVerificationDisabled {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[
        InstructionKind::Run,
        InstructionKind::Env,
        InstructionKind::Arg,
    ])
    .and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let escape = cx.file.escape();
        match &node.instruction.body {
            Body::Env(pairs) => {
                for pair in pairs {
                    if !is_known(&pair.key.text) {
                        continue;
                    }
                    let value = node
                        .scope
                        .expand(&pair.value.text, escape)
                        .map_or_else(|_| pair.value.text.clone(), |e| e.result);
                    if let Some(message) = variable_message(&pair.key.text, &value) {
                        cx.report(pair.range, message);
                    }
                }
            }
            Body::Arg(args) => {
                for arg in args {
                    let Some(default) = &arg.default else {
                        continue;
                    };
                    if !is_known(&arg.name.text) {
                        continue;
                    }
                    let value = node
                        .scope
                        .expand(&default.text, escape)
                        .map_or_else(|_| default.text.clone(), |e| e.result);
                    if let Some(message) = variable_message(&arg.name.text, &value) {
                        cx.report(arg.word.range, message);
                    }
                }
            }
            Body::Run(_) => {
                let scripts = cx.scripts(node);
                let mut found: Vec<(TextRange, String)> = Vec::new();
                for script in scripts.iter() {
                    for command in script.script.commands() {
                        for assignment in command.assignments() {
                            if !is_known(assignment.name()) {
                                continue;
                            }
                            let value = assignment.value().value_lossy();
                            if let Some(message) = variable_message(assignment.name(), value) {
                                found.push((assignment.range(), message));
                            }
                        }
                        // The command as written, then what it wraps, if it wraps one
                        // (two calls rather than an iterator: this runs for every command).
                        check_command(command, &mut found);
                        if command.is_wrapper() {
                            check_command(command.unwrapped(), &mut found);
                        }
                    }
                }
                found.sort_by_key(|(r, _)| (r.start(), r.end()));
                found.dedup_by_key(|(r, _)| *r);
                for (range, message) in found {
                    cx.report(range, message);
                }
            }
            _ => {}
        }
    }
}

/// The names [`check_command`] looks at, as bits: for each first byte, the lengths of those
/// that start with it (`1 << len`); every length for `p` (`pip3.12`, `python3`).
static CHECKED_NAMES: [u32; 256] = {
    const NAMES: [&str; 18] = [
        "curl",
        "wget",
        "export",
        "env",
        "declare",
        "typeset",
        "readonly",
        "git",
        "npm",
        "yarn",
        "yum",
        "dnf",
        "microdnf",
        "tdnf",
        "yum-config-manager",
        "dnf-3",
        "dnf5",
        "pnpm",
    ];
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < NAMES.len() {
        let bytes = NAMES[i].as_bytes();
        table[bytes[0] as usize] |= 1 << bytes.len();
        i += 1;
    }
    table[b'p' as usize] = u32::MAX;
    table
};

/// Whether `name` may be one that [`check_command`] looks at: one table look rejects most
/// commands (`rm`, `echo`, `apt-get`) before their name is compared with a score of others.
#[inline]
fn may_check(name: &str) -> bool {
    let bits = name
        .as_bytes()
        .first()
        .map_or(0, |&b| CHECKED_NAMES[usize::from(b)]);
    bits == u32::MAX || (name.len() < 32 && bits & (1 << name.len()) != 0)
}

/// Reports what `command` turns off (see [`check_named`]).
#[inline]
fn check_command(command: Command<'_>, found: &mut Vec<(TextRange, String)>) {
    if let Some(name) = command.name()
        && may_check(name)
    {
        check_named(command, name, found);
    }
}

#[inline(never)]
fn check_named(command: Command<'_>, name: &str, found: &mut Vec<(TextRange, String)>) {
    let mut report = |word: Word<'_>, message: String| found.push((word.range(), message));
    match name {
        "curl" => {
            for arg in command.options(CURL) {
                if let Some(option) = arg.option()
                    && (option.is("-k") || option.is("--insecure"))
                {
                    report(
                        option.word,
                        "`curl --insecure` turns off TLS certificate verification".into(),
                    );
                }
            }
        }
        "wget" => {
            for word in command.args() {
                let value = word.value_lossy();
                if value == "--no-check-certificate" {
                    report(
                        word,
                        "`wget --no-check-certificate` turns off TLS certificate verification"
                            .into(),
                    );
                }
            }
        }
        "export" | "env" | "declare" | "typeset" | "readonly" => {
            for word in command.args() {
                if let Some((name, value)) = word.value_lossy().split_once('=')
                    && let Some(message) = variable_message(name, value)
                {
                    report(word, message);
                }
            }
        }
        "git" => check_git(command, &mut report),
        "npm" | "yarn" | "pnpm" => check_npm(command, name, &mut report),
        _ if is_pip(command, name) => {
            let args: Vec<Word<'_>> = command.args().collect();
            let is_config = args.iter().any(|w| w.value_lossy() == "config");
            for word in &args {
                let value = word.value_lossy();
                if value == "--trusted-host" || value.starts_with("--trusted-host=") {
                    report(
                        *word,
                        "`pip --trusted-host` turns off TLS certificate verification for that \
                         host"
                            .into(),
                    );
                } else if is_config && value.ends_with(".trusted-host") {
                    report(
                        *word,
                        "pip's `trusted-host` setting turns off TLS certificate verification \
                         for that host"
                            .into(),
                    );
                }
            }
        }
        _ if is_yum_like(command, name) => {
            let args: Vec<Word<'_>> = command.args().collect();
            for (i, word) in args.iter().enumerate() {
                let value = word.value_lossy();
                let setting = match value.strip_prefix("--setopt") {
                    Some(rest) if rest.starts_with('=') => Some(&rest[1..]),
                    Some("") => args.get(i + 1).map(|w| w.value_lossy()),
                    _ => None,
                };
                if let Some(setting) = setting
                    && disables_option(setting, "sslverify")
                {
                    report(
                        *word,
                        format!(
                            "`{name} --setopt=sslverify=0` turns off TLS certificate verification"
                        ),
                    );
                }
            }
        }
        _ => {}
    }
}

/// `[repo.]key=false|0|no|off` for `key`.
fn disables_option(setting: &str, key: &str) -> bool {
    let setting = setting.trim_matches(['\'', '"']);
    let Some((name, value)) = setting.split_once('=') else {
        return false;
    };
    let name = name.rsplit('.').next().unwrap_or(name);
    name.eq_ignore_ascii_case(key) && is_false(value)
}

fn is_false(value: &str) -> bool {
    matches!(
        value
            .trim_matches(['\'', '"'])
            .to_ascii_lowercase()
            .as_str(),
        "0" | "false" | "no" | "off"
    )
}

fn is_pip(command: Command<'_>, name: &str) -> bool {
    let pip = name == "pip"
        || name
            .strip_prefix("pip")
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
    let python_m_pip = name.starts_with("python")
        && command
            .args()
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w[0].value_lossy() == "-m" && w[1].value_lossy() == "pip");
    pip || python_m_pip
}

fn is_yum_like(command: Command<'_>, name: &str) -> bool {
    matches!(
        name,
        "yum" | "dnf" | "microdnf" | "tdnf" | "yum-config-manager" | "dnf-3" | "dnf5"
    ) || (name == "dnf" && command.subcommand() == Some("config-manager"))
}

fn check_git(command: Command<'_>, report: &mut impl FnMut(Word<'_>, String)) {
    let args: Vec<Word<'_>> = command.args().collect();
    let message = "git's `http.sslVerify=false` turns off TLS certificate verification";
    for (i, word) in args.iter().enumerate() {
        let value = word.value_lossy();
        if value == "-c"
            && let Some(next) = args.get(i + 1)
            && is_ssl_verify_off(next.value_lossy())
        {
            report(*next, message.into());
        }
        if let Some(setting) = value.strip_prefix("-c")
            && !setting.is_empty()
            && is_ssl_verify_off(setting)
        {
            report(*word, message.into());
        }
    }
    // `git config [--global] http.sslVerify false`
    if let Some(config) = args.iter().position(|w| w.value_lossy() == "config") {
        let rest: Vec<&Word<'_>> = args[config + 1..]
            .iter()
            .filter(|w| !w.value_lossy().starts_with('-'))
            .collect();
        if let [key, value, ..] = rest.as_slice()
            && is_ssl_verify_key(key.value_lossy())
            && is_false(value.value_lossy())
        {
            report(**key, message.into());
        }
    }
}

fn is_ssl_verify_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    lower.starts_with("http.") && lower.ends_with(".sslverify")
}

fn is_ssl_verify_off(setting: &str) -> bool {
    setting
        .split_once('=')
        .is_some_and(|(key, value)| is_ssl_verify_key(key) && is_false(value))
}

fn check_npm(command: Command<'_>, name: &str, report: &mut impl FnMut(Word<'_>, String)) {
    let args: Vec<Word<'_>> = command.args().collect();
    // Made for a finding only (most npm commands have none).
    let message =
        || format!("`{name}` with `strict-ssl false` turns off TLS certificate verification");
    for (i, word) in args.iter().enumerate() {
        let value = word.value_lossy();
        let off = match value {
            "strict-ssl" | "--strict-ssl" => {
                args.get(i + 1).is_some_and(|v| is_false(v.value_lossy()))
            }
            "--no-strict-ssl" => true,
            _ => {
                // `trim_start_matches("--")`, without a substring searcher set up per word.
                let mut value = value;
                while let Some(rest) = value.strip_prefix("--") {
                    value = rest;
                }
                value.strip_prefix("strict-ssl=").is_some_and(is_false)
            }
        };
        if off {
            report(*word, message());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `check_named` finds for every command of `text`, with or without the name
    /// filter in front.
    fn findings(text: &str, filtered: bool) -> Vec<(TextRange, String)> {
        let script = layerlint_shell::parse_str(text);
        let mut found = Vec::new();
        for command in script.commands() {
            for command in [command, command.unwrapped()] {
                if filtered {
                    check_command(command, &mut found);
                } else if let Some(name) = command.name() {
                    check_named(command, name, &mut found);
                }
            }
        }
        found
    }

    /// The name filter turns away no command that the checks report on.
    #[test]
    fn name_filter_keeps_every_finding() {
        let names = [
            "curl",
            "wget",
            "export",
            "env",
            "declare",
            "typeset",
            "readonly",
            "git",
            "npm",
            "yarn",
            "pnpm",
            "pip",
            "pip3",
            "pip3.12",
            "python",
            "python3",
            "python3.12",
            "yum",
            "dnf",
            "microdnf",
            "tdnf",
            "yum-config-manager",
            "dnf-3",
            "dnf5",
            "rm",
            "echo",
            "cd",
            "ls",
            "apt-get",
            "curlx",
            "dnf-4",
            "p",
            "e",
            "wget2",
            "/usr/bin/curl",
            "sudo curl",
            "env A=1 curl",
            "\"curl\"",
        ];
        let args = [
            "-k https://x",
            "-fsSLk https://x",
            "--insecure https://x",
            "--no-check-certificate https://x",
            "NODE_TLS_REJECT_UNAUTHORIZED=0 PYTHONHTTPSVERIFY=0 GIT_SSL_NO_VERIFY=1",
            "-c http.sslVerify=false clone x",
            "-chttp.sslverify=false clone x",
            "config --global http.sslVerify false",
            "config set strict-ssl false",
            "--strict-ssl=false install",
            "--no-strict-ssl install",
            "install --trusted-host pypi.org x",
            "-m pip install --trusted-host=pypi.org x",
            "-m pip config set global.trusted-host x",
            "install --setopt=sslverify=0 x",
            "--setopt sslverify=false install x",
            "config-manager --setopt=repo.sslverify=0",
            "",
        ];
        let mut checked = 0;
        for name in names {
            for arg in args {
                let text = format!("{name} {arg}");
                let slow = findings(&text, false);
                assert_eq!(findings(&text, true), slow, "{text:?}");
                checked += usize::from(!slow.is_empty());
            }
        }
        // The inputs do reach the checks.
        assert!(checked > 40, "{checked}");
    }

    /// Every name the checks match, as written in this file (a `match` arm's names, and
    /// the list of `is_yum_like`), passes the name filter: a name added to the checks
    /// but not to [`CHECKED_NAMES`] would otherwise be turned away unseen.
    #[test]
    fn name_filter_knows_every_matched_name() {
        let source = include_str!("tls_verification_disabled.rs");
        let arm = regex::Regex::new(r#"(?m)^\s*((?:"[^"\s]+"\s*\|?\s*)+)(?:=>|\)\s*\|\|)"#)
            .expect("a valid expression");
        let name = regex::Regex::new(r#""([^"]+)""#).expect("a valid expression");
        let body = |function: &str| {
            let start = source
                .find(&format!("fn {function}("))
                .expect("the function");
            let end = source[start + 1..]
                .find("\nfn ")
                .map_or(source.len(), |e| start + 1 + e);
            &source[start..end]
        };
        let mut seen = 0;
        for names in [body("check_named"), body("is_yum_like")]
            .into_iter()
            .flat_map(|text| arm.captures_iter(text))
        {
            for literal in name.captures_iter(&names[1]) {
                assert!(may_check(&literal[1]), "{}", &literal[1]);
                seen += 1;
            }
        }
        // The arms of check_named and the names of is_yum_like.
        assert!(seen >= 16, "{seen}");
    }
}
