use layerlint_syntax::image::ImageRef;
use layerlint_syntax::semantic::Base;
use layerlint_syntax::{Body, InstructionKind};
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports an image that does not come from a trusted registry, when the option
    /// `trusted-registries` lists them: base images (`FROM`, resolved through `ARG`
    /// defaults as BuildKit resolves them), `COPY --from=<image>` and
    /// `RUN --mount=…,from=<image>`. Without the option the rule reports nothing.
    ///
    /// Each entry is a registry host (`docker.io`, `registry.example.com:5000`) or a
    /// repository prefix (`ghcr.io/acme/*`), with `*` matching anything (`*.gcr.io`,
    /// `*`). An image without a registry is on Docker Hub: `docker.io` (also written
    /// `hub.docker.com` or `index.docker.io`) trusts it. Earlier stages are not images,
    /// `scratch` is no image at all, and references with variables that have no default
    /// cannot be resolved: none of them is reported.
    ///
    /// ## Options
    /// ```toml
    /// trusted-registries = ["docker.io", "gcr.io", "ghcr.io/acme/*"]
    /// ```
    ///
    /// ## Why is this bad?
    /// A base image is code that runs in every build and ends up in the image. Teams that
    /// mirror, scan or sign their images only get those guarantees when every image comes
    /// from the registries they control; one `FROM randomuser/node` bypasses all of it.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM quay.io/someone/python:3.12
    /// ```
    ///
    /// ```dockerfile
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=ghcr.io/other/tools:1.0 /bin/tool /bin/tool
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// ARG BASE=ghcr.io/acme/python:3.12
    /// FROM ${BASE} AS build
    /// FROM gcr.io/distroless/python3-debian12
    /// COPY --from=build /app /app
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the trusted registry may not mirror the image.
    pub(crate) struct UntrustedRegistry {
        code: "LL309",
        name: "untrusted-registry",
        category: Security,
        severity: Warning,
        fix: None,
        summary: "an image from a registry not in `trusted-registries`",
        equivalents: [Hadolint("DL3026")],
    }
}

impl Check for UntrustedRegistry {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[
        InstructionKind::From,
        InstructionKind::Copy,
        InstructionKind::Add,
        InstructionKind::Run,
    ])
    .and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let trusted = &cx.options().trusted_registries;
        if trusted.is_empty() {
            return;
        }
        let instruction = node.instruction;
        let mut images: Vec<(TextRange, String)> = Vec::new();
        match &instruction.body {
            Body::From(from) => {
                let Some(word) = from.image() else { return };
                let Some(stage) = cx.semantic.stage_of(node.index) else {
                    return;
                };
                if node.onbuild.is_some() {
                    return;
                }
                if let Base::Image {
                    resolved: Some(resolved),
                    unmatched,
                    ..
                } = &cx.semantic.stages[stage].base
                    && unmatched.is_empty()
                {
                    images.push((word.range, resolved.clone()));
                }
            }
            Body::Copy(_) | Body::Add(_) => {
                if let Some(flag) = instruction.flag("from")
                    && let Some(value) = &flag.value
                {
                    images.extend(image_reference(cx, node, &value.text).map(|i| (value.range, i)));
                }
            }
            Body::Run(run) => {
                for mount in &run.mounts {
                    if let Some(from) = mount.from() {
                        let range = mount
                            .options
                            .iter()
                            .rev()
                            .find(|o| o.key == "from")
                            .map_or(mount.range, |o| o.range);
                        images.extend(image_reference(cx, node, from).map(|i| (range, i)));
                    }
                }
            }
            _ => {}
        }
        for (range, image) in images {
            let Ok(reference) = ImageRef::parse(&image) else {
                continue;
            };
            if !is_trusted(trusted, &reference) {
                cx.report(range, format!("`{image}` is not from a trusted registry"))
                    .note(format!("trusted registries: {}", trusted.join(", ")));
            }
        }
    }
}

/// The image a `--from` value names, expanded; `None` for a stage (by name or index) or
/// a value with a variable that has no value.
fn image_reference(cx: &Context<'_>, node: &Node<'_>, written: &str) -> Option<String> {
    let expanded = node.scope.expand(written, cx.file.escape()).ok()?;
    if !expanded.unmatched.is_empty() {
        return None;
    }
    let value = expanded.result;
    if value.is_empty()
        || value.parse::<usize>().is_ok()
        || cx.semantic.stage_named(&value).is_some()
        || value.eq_ignore_ascii_case("scratch")
    {
        return None;
    }
    Some(value)
}

/// Docker Hub's other names.
fn canonical_registry(registry: &str) -> &str {
    match registry {
        "hub.docker.com"
        | "index.docker.io"
        | "registry-1.docker.io"
        | "registry.hub.docker.com" => "docker.io",
        other => other,
    }
}

/// Whether any pattern trusts the image: a host pattern matches the registry, a pattern
/// with a `/` matches `registry/repository` (with or without Docker Hub's `library/`).
fn is_trusted(patterns: &[String], image: &ImageRef) -> bool {
    let registry = canonical_registry(image.registry()).to_ascii_lowercase();
    let written = format!("{registry}/{}", image.path);
    let normalized = match image.normalized_name().split_once('/') {
        Some((_, path)) => format!("{registry}/{path}"),
        None => written.clone(),
    };
    patterns.iter().any(|pattern| {
        let pattern = pattern.trim().trim_end_matches('/').to_ascii_lowercase();
        if pattern.contains('/') {
            let (host, rest) = pattern.split_once('/').unwrap_or((&pattern, ""));
            let pattern = format!("{}/{rest}", canonical_registry(host));
            glob(&pattern, &written) || glob(&pattern, &normalized)
        } else {
            glob(canonical_registry(&pattern), &registry)
        }
    })
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(patterns: &[&str], image: &str) -> bool {
        let patterns: Vec<String> = patterns.iter().map(|p| (*p).to_owned()).collect();
        is_trusted(&patterns, &ImageRef::parse(image).unwrap())
    }

    #[test]
    fn patterns() {
        assert!(trusted(&["docker.io"], "node:20"));
        assert!(trusted(&["hub.docker.com"], "library/node:20"));
        assert!(!trusted(&["docker.io"], "ghcr.io/acme/app"));
        assert!(trusted(&["*.gcr.io"], "eu.gcr.io/p/app"));
        assert!(!trusted(&["*.gcr.io"], "gcr.io/p/app"));
        assert!(trusted(&["gcr.io", "*.gcr.io"], "gcr.io/p/app"));
        assert!(trusted(&["ghcr.io/acme/*"], "ghcr.io/acme/tools/x:1"));
        assert!(!trusted(&["ghcr.io/acme/*"], "ghcr.io/other/x"));
        assert!(trusted(&["docker.io/library/*"], "python:3.12"));
        assert!(!trusted(&["docker.io/library/*"], "someone/python"));
        assert!(trusted(&["*"], "quay.io/a/b"));
        assert!(trusted(
            &["registry.example.com:5000"],
            "registry.example.com:5000/a"
        ));
        assert!(glob("a*b*c", "aXXbYYc"));
        assert!(!glob("a*b*c", "aXXc"));
    }
}
