use layerlint_syntax::image::ImageRef;
use layerlint_syntax::semantic::Base;
use layerlint_syntax::{Body, InstructionKind};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<source> / /` that copies the whole file system of a
    /// distribution image (Debian, Ubuntu, Alpine, a language image such as `node` or
    /// `python`, …), or of a stage built on one, into another stage.
    ///
    /// Images made to be copied whole are not reported: a stage built `FROM scratch`
    /// (an overlay of a few files), an image that is not a known distribution or language
    /// base (`COPY --from=tonistiigi/xx / /`, the cross-compilation helpers BuildKit's own
    /// Dockerfiles use), and copying into a stage built `FROM scratch` (flattening an
    /// image into one layer on purpose).
    ///
    /// ## Why is this bad?
    /// The whole source file system lands in one layer on top of the target's: a second
    /// copy of the operating system, its package database and caches, and files that
    /// overwrite the target's (`/etc/passwd`, `/etc/ssl`, shared libraries of another
    /// version). The image grows by the size of the source, and what it contains depends
    /// on two images at once. Copy only what the stage produced (`COPY --from=build /app
    /// /app`).
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12 AS build
    /// RUN apt-get update && apt-get install -y --no-install-recommends build-essential
    /// FROM debian:12-slim
    /// COPY --from=build / /
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12 AS build
    /// RUN make -C /src install DESTDIR=/out
    /// FROM debian:12-slim
    /// COPY --from=build /out/ /
    /// ```
    ///
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.6.1 AS xx
    /// FROM --platform=$BUILDPLATFORM golang:1.23-alpine
    /// COPY --from=xx / /
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which paths the stage really needs is not in the Dockerfile.
    pub(crate) struct CopyWholeFilesystem {
        code: "LL311",
        name: "copy-whole-filesystem",
        category: Security,
        severity: Warning,
        fix: None,
        summary: "`COPY --from` copies the whole file system of a distribution image",
        equivalents: [Hadolint("DL3067")],
    }
}

/// Official images that are a whole distribution: copying them whole copies an OS.
const DISTRIBUTION_IMAGES: [&str; 40] = [
    "debian",
    "ubuntu",
    "alpine",
    "busybox",
    "centos",
    "fedora",
    "rockylinux",
    "almalinux",
    "amazonlinux",
    "oraclelinux",
    "opensuse/leap",
    "opensuse/tumbleweed",
    "archlinux",
    "photon",
    "clearlinux",
    "node",
    "python",
    "golang",
    "ruby",
    "php",
    "openjdk",
    "eclipse-temurin",
    "amazoncorretto",
    "rust",
    "maven",
    "gradle",
    "perl",
    "erlang",
    "elixir",
    "haskell",
    "swift",
    "dotnet/sdk",
    "dotnet/runtime",
    "dotnet/aspnet",
    "nginx",
    "httpd",
    "postgres",
    "mysql",
    "ubi8/ubi",
    "ubi9/ubi",
];

impl Check for CopyWholeFilesystem {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Copy]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let instruction = node.instruction;
        let Body::Copy(paths) = &instruction.body else {
            return;
        };
        let Some(from) = instruction.flag("from").and_then(|f| f.value.as_ref()) else {
            return;
        };
        let Some(destination) = paths.destination() else {
            return;
        };
        let is_root = |text: &str| matches!(text.trim_matches(['"', '\'']), "/" | "/." | "/*");
        if !is_root(&destination.text) || !paths.sources().iter().any(|s| is_root(&s.text)) {
            return;
        }
        // Flattening into an empty stage is what `FROM scratch` + `COPY / /` is for.
        if node.onbuild.is_none()
            && let Some(stage) = node.stage
            && is_scratch_based(cx, stage.index)
        {
            return;
        }
        let Some(image) = source_image(cx, node, &from.text) else {
            return;
        };
        cx.report(
            instruction.args,
            format!(
                "`COPY --from={}` copies the whole file system of `{image}`",
                from.text
            ),
        )
        .note("copy only the paths the stage produced");
    }
}

fn is_scratch_based(cx: &Context<'_>, mut stage: usize) -> bool {
    for _ in 0..=cx.semantic.stages.len() {
        match cx.semantic.stages.get(stage).map(|s| &s.base) {
            Some(Base::Scratch) => return true,
            Some(Base::Stage(parent)) if *parent < stage => stage = *parent,
            _ => return false,
        }
    }
    false
}

/// The distribution image the `--from` source is (or a stage of it is built on); `None`
/// when it is something else or unknown.
fn source_image(cx: &Context<'_>, node: &Node<'_>, written: &str) -> Option<String> {
    let expanded = node.scope.expand(written, cx.file.escape()).ok()?;
    if !expanded.unmatched.is_empty() {
        return None;
    }
    let value = expanded.result;
    let current = node.stage.map_or(usize::MAX, |s| s.index);
    let stage = match value.parse::<usize>() {
        Ok(index) => cx.semantic.stages.get(index).filter(|s| s.index < current),
        Err(_) => cx
            .semantic
            .stages
            .iter()
            .take(current.min(cx.semantic.stages.len()))
            .rev()
            .find(|s| s.name.as_deref() == Some(value.to_lowercase().as_str())),
    };
    let image = match stage {
        Some(stage) => {
            let mut index = stage.index;
            loop {
                match &cx.semantic.stages[index].base {
                    Base::Stage(parent) if *parent < index => index = *parent,
                    Base::Image {
                        resolved: Some(resolved),
                        unmatched,
                        ..
                    } if unmatched.is_empty() => break resolved.clone(),
                    _ => return None,
                }
            }
        }
        None => value,
    };
    is_distribution(&image).then_some(image)
}

fn is_distribution(image: &str) -> bool {
    let Ok(reference) = ImageRef::parse(image) else {
        return false;
    };
    let path = reference
        .path
        .strip_prefix("library/")
        .unwrap_or(&reference.path);
    let known_registry = matches!(
        reference.registry(),
        "docker.io" | "mcr.microsoft.com" | "registry.access.redhat.com" | "public.ecr.aws"
    );
    known_registry && DISTRIBUTION_IMAGES.contains(&path)
}

#[cfg(test)]
mod tests {
    use super::is_distribution;

    #[test]
    fn distributions() {
        assert!(is_distribution("debian:12"));
        assert!(is_distribution("docker.io/library/node:20"));
        assert!(is_distribution("mcr.microsoft.com/dotnet/sdk:8.0"));
        assert!(!is_distribution("tonistiigi/xx:1.6.1"));
        assert!(!is_distribution("gloursdocker/docker"));
        assert!(!is_distribution("ghcr.io/acme/debian"));
    }
}
