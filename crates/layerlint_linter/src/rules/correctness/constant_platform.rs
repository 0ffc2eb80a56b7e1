use layerlint_syntax::InstructionKind;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=` with a constant value, such as
    /// `FROM --platform=linux/amd64 node:20`. Like BuildKit, it accepts a constant when
    /// the stage's name contains the platform's OS or architecture
    /// (`FROM --platform=linux/arm64 alpine AS build-arm64`): then building for that
    /// platform is the stage's purpose.
    ///
    /// ## Why is this bad?
    /// The stage is built for that platform whatever `docker build --platform` asks for.
    /// On an Apple-silicon laptop or an ARM server the image runs under emulation, or the
    /// final image contains binaries for the wrong architecture. Cross-compiling stages
    /// want `--platform=$BUILDPLATFORM`; the others want no flag.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM --platform=linux/amd64 node:20
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    /// ```
    ///
    /// ```dockerfile
    /// FROM --platform=linux/arm64 alpine:3.20 AS tools-arm64
    /// ```
    ///
    /// ## Fix safety
    /// No fix: whether the stage should follow the build platform, the target platform or
    /// stay pinned is the author's decision.
    pub(crate) struct ConstantPlatform {
        code: "LL113",
        name: "constant-platform",
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "`FROM --platform=` with a constant pins the stage to one platform",
        equivalents: [BuildKit("FromPlatformFlagConstDisallowed"), Hadolint("DL3029")],
    }
}

impl Check for ConstantPlatform {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::From]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let Some(flag) = node.instruction.flag("platform") else {
            return;
        };
        let Some(value) = &flag.value else { return };
        let Ok(expansion) = cx
            .semantic
            .global_scope
            .expand(&value.text, cx.file.escape())
        else {
            return;
        };
        if !expansion.matched.is_empty() || !expansion.unmatched.is_empty() {
            return;
        }
        let Some((os, arch)) = parse_platform(&expansion.result) else {
            return;
        };
        let stage_name = node.stage.and_then(|s| s.name.as_deref()).unwrap_or("");
        if stage_name.contains(&os) || stage_name.contains(&arch) {
            return;
        }
        cx.report(
            flag.range,
            format!(
                "`--platform={}` pins the stage to one platform, whatever platform the build targets",
                expansion.result
            ),
        )
        .note("use `--platform=$BUILDPLATFORM` for a stage that cross-compiles, or no flag to follow the target platform");
    }
}

/// The OS and architecture of a platform specifier, normalised as containerd's
/// `platforms.Parse` does; `None` when BuildKit would reject it.
fn parse_platform(specifier: &str) -> Option<(String, String)> {
    let lower = specifier.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('/').collect();
    let valid = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    };
    // `windows(10.0.17763)`: an OS version in parentheses.
    let os_part = parts.first()?;
    let os_name = os_part.split_once('(').map_or(*os_part, |(os, _)| os);
    if !valid(os_name) || !parts[1..].iter().all(|p| valid(p)) {
        return None;
    }
    let os = normalize_os(os_name);
    match parts.len() {
        1 if KNOWN_OS.contains(&os.as_str()) => Some((os, "amd64".to_owned())),
        1 => {
            let arch = normalize_arch(parts[0]);
            KNOWN_ARCH
                .contains(&arch.as_str())
                .then(|| ("linux".to_owned(), arch))
        }
        2 | 3 => Some((os, normalize_arch(parts[1]))),
        _ => None,
    }
}

const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "windows",
    "zos",
    "wasip1",
];

const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "ppc64",
    "ppc64le",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

fn normalize_os(os: &str) -> String {
    match os {
        "macos" => "darwin".to_owned(),
        other => other.to_owned(),
    }
}

fn normalize_arch(arch: &str) -> String {
    match arch {
        "i386" => "386",
        "x86_64" | "x86-64" | "amd64" => "amd64",
        "aarch64" | "arm64" => "arm64",
        "armhf" | "armel" | "arm" => "arm",
        other => other,
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::parse_platform;

    #[test]
    fn platforms() {
        let p = |s: &str| parse_platform(s).map(|(os, arch)| format!("{os}/{arch}"));
        assert_eq!(p("linux/amd64").as_deref(), Some("linux/amd64"));
        assert_eq!(p("linux/arm64/v8").as_deref(), Some("linux/arm64"));
        assert_eq!(p("Linux/x86_64").as_deref(), Some("linux/amd64"));
        assert_eq!(p("arm64").as_deref(), Some("linux/arm64"));
        assert_eq!(p("windows").as_deref(), Some("windows/amd64"));
        assert_eq!(
            p("windows(10.0.17763)/amd64").as_deref(),
            Some("windows/amd64")
        );
        assert_eq!(p("linux/"), None);
        assert_eq!(p("bogus"), None);
        assert_eq!(p("linux/*"), None);
    }
}
