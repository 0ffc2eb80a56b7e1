use layerlint_shell::known;
use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::package_managers::{
    APK, APT, APT_GET, APTITUDE, DNF, MICRODNF, YUM, ZYPPER,
};
use crate::rules::shell::run_support::commands;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports package installs that skip signature or digest checks:
    ///
    /// * `apk add --allow-untrusted` (not `apk index`, which indexes packages the build
    ///   made itself);
    /// * `apt-get` / `apt` with `--allow-unauthenticated`, `--allow-insecure-repositories`,
    ///   `--force-yes`, or `-o APT::Get::AllowUnauthenticated=true`;
    /// * `rpm` with `--nosignature`, `--nodigest`, `--nofiledigest` or `--noverify`;
    /// * `yum`, `dnf`, `microdnf`, `tdnf` with `--nogpgcheck` or `--setopt=gpgcheck=0`;
    /// * `zypper` with `--no-gpg-checks` or `--allow-unsigned-rpm`.
    ///
    /// ## Why is this bad?
    /// Package signatures are what ties a package to its publisher. Without the check, a
    /// mirror, a proxy or a typo-squatted repository can install anything, and it runs as
    /// root in the build and stays in the image. `--force-yes` also lets apt downgrade
    /// packages and remove essential ones. Import the repository's key instead
    /// (`signed-by=` for apt, `rpm --import`, `/etc/apk/keys`).
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache --allow-untrusted /tmp/tool.apk
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY tool.rsa.pub /etc/apk/keys/
    /// RUN apk add --no-cache /tmp/tool.apk
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the install may fail once signatures are checked, until the right key is
    /// imported.
    pub(crate) struct UnauthenticatedPackages {
        code: "LL306",
        name: "unauthenticated-packages",
        category: Security,
        severity: Warning,
        fix: None,
        summary: "packages installed without checking their signatures",
        equivalents: [
            Checkov("CKV2_DOCKER_7"),
            Checkov("CKV2_DOCKER_8"),
            Checkov("CKV2_DOCKER_9"),
            Checkov("CKV2_DOCKER_10"),
            Checkov("CKV2_DOCKER_11"),
        ],
    }
}

impl Check for UnauthenticatedPackages {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Run]).and_onbuild_triggers();
    const PROGRAMS: Programs = Programs::managers(&[
        &APK, &APT_GET, &APT, &APTITUDE, &YUM, &DNF, &MICRODNF, &ZYPPER,
    ])
    .and(Programs::named(&["rpm", "tdnf", "yum-config-manager"]));

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let scripts = cx.scripts(node);
        for command in commands(&scripts) {
            let Some((name, tool)) = command.name().and_then(|n| Some((n, Tool::named(n)?))) else {
                continue;
            };
            // `apk index --allow-untrusted` indexes packages built in the same build.
            if name == "apk" && command.subcommand_with(known::APK) == Some("index") {
                continue;
            }
            let mut args = command.args().peekable();
            while let Some(word) = args.next() {
                let value = word.value_lossy();
                let next = args.peek().map(|w| w.value_lossy());
                if let Some(what) = tool.skipped_check(value, next) {
                    cx.report(
                        word.range(),
                        format!(
                            "`{name} {what}` installs packages without checking their signatures"
                        ),
                    );
                }
            }
        }
    }
}

/// The package tools whose options can turn off signature checks (other commands are
/// not looked at word by word).
#[derive(Clone, Copy)]
enum Tool {
    Apk,
    Apt,
    Rpm,
    Yum,
    Zypper,
}

impl Tool {
    fn named(name: &str) -> Option<Tool> {
        Some(match name {
            "apk" => Tool::Apk,
            "apt-get" | "apt" | "aptitude" => Tool::Apt,
            "rpm" => Tool::Rpm,
            "yum" | "dnf" | "microdnf" | "tdnf" | "dnf5" | "yum-config-manager" => Tool::Yum,
            "zypper" => Tool::Zypper,
            _ => return None,
        })
    }

    /// The option (as shown in the message) when `value` turns off signature checks;
    /// `next` is the word after it.
    fn skipped_check(self, value: &str, next: Option<&str>) -> Option<String> {
        let flag = value.split('=').next().unwrap_or(value);
        match self {
            Tool::Apk if flag == "--allow-untrusted" => Some(flag.to_owned()),
            Tool::Apt => {
                if matches!(
                    flag,
                    "--allow-unauthenticated" | "--allow-insecure-repositories" | "--force-yes"
                ) {
                    return Some(flag.to_owned());
                }
                let setting = match value.strip_prefix("-o") {
                    Some("") => next?,
                    Some(rest) => rest.trim_start_matches('='),
                    None => value
                        .strip_prefix("--option=")
                        .or_else(|| (value == "--option").then_some(next).flatten())?,
                };
                let (key, setting_value) = setting.split_once('=')?;
                let key_name = key.rsplit("::").next().unwrap_or(key).to_ascii_lowercase();
                (matches!(
                    key_name.as_str(),
                    "allowunauthenticated"
                        | "allowinsecurerepositories"
                        | "allowdowngradetoinsecurerepositories"
                ) && is_true(setting_value))
                .then(|| format!("-o {key}={setting_value}"))
            }
            Tool::Rpm
                if matches!(
                    flag,
                    "--nosignature" | "--nodigest" | "--nofiledigest" | "--noverify"
                ) =>
            {
                Some(flag.to_owned())
            }
            Tool::Yum => {
                if flag == "--nogpgcheck" {
                    return Some(flag.to_owned());
                }
                let setting = match value.strip_prefix("--setopt") {
                    Some("") => next?,
                    Some(rest) => rest.strip_prefix('=')?,
                    None => return None,
                };
                let setting = setting.trim_matches(['\'', '"']);
                let (key, setting_value) = setting.split_once('=')?;
                let key_name = key.rsplit('.').next().unwrap_or(key).to_ascii_lowercase();
                (matches!(
                    key_name.as_str(),
                    "gpgcheck" | "repo_gpgcheck" | "localpkg_gpgcheck"
                ) && is_false(setting_value))
                .then(|| format!("--setopt={setting}"))
            }
            Tool::Zypper if matches!(flag, "--no-gpg-checks" | "--allow-unsigned-rpm") => {
                Some(flag.to_owned())
            }
            _ => None,
        }
    }
}

fn is_true(value: &str) -> bool {
    matches!(
        value
            .trim_matches(['\'', '"'])
            .to_ascii_lowercase()
            .as_str(),
        "1" | "true" | "yes" | "on"
    )
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

#[cfg(test)]
mod tests {
    use super::Tool;

    fn skipped_check(tool: &str, value: &str, next: Option<&str>) -> Option<String> {
        Tool::named(tool)?.skipped_check(value, next)
    }

    #[test]
    fn options() {
        assert_eq!(
            skipped_check("apt-get", "-o", Some("APT::Get::AllowUnauthenticated=true")).as_deref(),
            Some("-o APT::Get::AllowUnauthenticated=true")
        );
        assert_eq!(
            skipped_check("apt-get", "-oAcquire::AllowInsecureRepositories=1", None).as_deref(),
            Some("-o Acquire::AllowInsecureRepositories=1")
        );
        assert_eq!(
            skipped_check("apt-get", "-o", Some("Dpkg::Options::=--force-confold")),
            None
        );
        assert_eq!(
            skipped_check("dnf", "--setopt=*.gpgcheck=0", None).as_deref(),
            Some("--setopt=*.gpgcheck=0")
        );
        assert_eq!(skipped_check("dnf", "--setopt=tsflags=nodocs", None), None);
        assert_eq!(
            skipped_check("yum", "--nogpgcheck", None).as_deref(),
            Some("--nogpgcheck")
        );
        assert_eq!(skipped_check("curl", "--nogpgcheck", None), None);
    }
}
