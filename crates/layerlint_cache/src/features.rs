//! Which Dockerfile features the file's builder has: `RUN --mount` and `COPY --chmod` need
//! BuildKit's Dockerfile frontend 1.2 or later; symbolic `--chmod` modes (`+x`) need 1.14;
//! none of them work for Windows images (the classic builder).

use layerlint_syntax::{DirectiveKind, Dockerfile};

use crate::stage::StageWalk;

/// A Dockerfile frontend version: `docker/dockerfile:1.4` is `(1, 4)`; `:1` and `:labs`
/// follow the newest 1.x.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FrontendVersion(pub u32, pub u32);

/// What the `# syntax=` line asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frontend {
    /// No `# syntax=` line: the builder's own frontend (BuildKit's, recent, in Docker 23+).
    Default,
    /// `docker/dockerfile:<version>`.
    Docker(FrontendVersion),
    /// Another frontend image: its features are not known.
    Other(String),
}

/// The frontend the file asks for.
pub fn frontend(file: &Dockerfile) -> Frontend {
    let Some(directive) = file.directive(DirectiveKind::Syntax) else {
        return Frontend::Default;
    };
    let value = file.text(directive.value).trim();
    let image = value.split('@').next().unwrap_or(value);
    let image = image
        .strip_prefix("docker.io/")
        .unwrap_or(image)
        .strip_prefix("library/")
        .unwrap_or(image);
    let Some(tag) = image
        .strip_prefix("docker/dockerfile:")
        .or_else(|| image.strip_prefix("docker/dockerfile-upstream:"))
    else {
        if image == "docker/dockerfile" || image == "docker/dockerfile-upstream" {
            return Frontend::Docker(FrontendVersion(1, u32::MAX));
        }
        return Frontend::Other(value.to_owned());
    };
    let tag = tag
        .trim_end_matches("-labs")
        .trim_end_matches("-experimental");
    if matches!(
        tag,
        "labs" | "latest" | "master" | "experimental" | "1" | "1-labs"
    ) {
        return Frontend::Docker(FrontendVersion(1, u32::MAX));
    }
    let mut parts = tag.split('.');
    let major = parts.next().and_then(|p| p.parse::<u32>().ok());
    let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
    match (major, minor) {
        (Some(major), Some(minor)) => Frontend::Docker(FrontendVersion(major, minor)),
        (Some(major), None) => Frontend::Docker(FrontendVersion(major, u32::MAX)),
        _ => Frontend::Other(value.to_owned()),
    }
}

impl Frontend {
    /// Whether the frontend is at least `version` (the default one is taken to be recent).
    pub fn at_least(&self, version: FrontendVersion) -> bool {
        match self {
            // Docker 23 and later build with BuildKit and its frontend 1.5 or newer.
            Frontend::Default => version <= DEFAULT,
            Frontend::Docker(v) => *v >= version,
            Frontend::Other(_) => false,
        }
    }

    /// Why a feature of `version` cannot be used, or `None` when it can.
    pub fn missing(&self, feature: &str, version: FrontendVersion) -> Option<String> {
        match self {
            _ if self.at_least(version) => None,
            Frontend::Other(image) => Some(format!(
                "the file asks for the frontend `{image}`, which may not support {feature}"
            )),
            _ => Some(format!(
                "{feature} needs `# syntax=docker/dockerfile:{}.{}` or later",
                version.0, version.1
            )),
        }
    }
}

/// What a file without `# syntax=` can count on: the frontend built into Docker 23.
pub const DEFAULT: FrontendVersion = FrontendVersion(1, 5);
/// `RUN --mount` and octal `COPY --chmod`.
pub const MOUNTS: FrontendVersion = FrontendVersion(1, 2);
/// Symbolic `COPY --chmod=+x`.
pub const SYMBOLIC_CHMOD: FrontendVersion = FrontendVersion(1, 14);

/// Whether a stage builds a Windows image (its base, or a Windows `SHELL`), or the file is
/// written for Windows (`# escape=`` ` ``).
pub fn is_windows(file: &Dockerfile, stage: &StageWalk) -> bool {
    if file.escape() == '`' {
        return true;
    }
    let base = stage
        .base_image
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    let windows_base = ["windows", "nanoserver", "servercore", "ltsc20"]
        .iter()
        .any(|w| base.contains(w));
    let windows_shell = stage.steps.iter().any(|s| {
        s.shell.first().is_some_and(|p| {
            let p = p.to_ascii_lowercase();
            p.contains("powershell") || p.contains("pwsh") || p.contains("cmd")
        })
    });
    windows_base || windows_shell
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(source: &str) -> Frontend {
        frontend(&layerlint_syntax::parse(source).file)
    }

    #[test]
    fn frontends() {
        assert_eq!(of("FROM a\n"), Frontend::Default);
        assert!(of("FROM a\n").at_least(MOUNTS));
        assert!(!of("FROM a\n").at_least(SYMBOLIC_CHMOD));
        assert!(of("# syntax=docker/dockerfile:1\nFROM a\n").at_least(SYMBOLIC_CHMOD));
        assert!(of("# syntax=docker/dockerfile:1.4\nFROM a\n").at_least(MOUNTS));
        assert!(!of("# syntax=docker/dockerfile:1.4\nFROM a\n").at_least(SYMBOLIC_CHMOD));
        assert!(!of("# syntax=docker/dockerfile:1.1\nFROM a\n").at_least(MOUNTS));
        assert!(of("# syntax=docker/dockerfile:1.3-labs\nFROM a\n").at_least(MOUNTS));
        assert!(of("# syntax = docker/dockerfile:experimental\nFROM a\n").at_least(MOUNTS));
        assert!(!of("# syntax=tonistiigi/x:1\nFROM a\n").at_least(MOUNTS));
        assert!(
            of("# syntax=docker/dockerfile:1.1\nFROM a\n")
                .missing("RUN --mount", MOUNTS)
                .unwrap()
                .contains("1.2")
        );
    }
}
