use std::sync::LazyLock;

use layerlint_syntax::image::ImageRef;
use layerlint_syntax::semantic::{Base, Stage};
use layerlint_syntax::{Body, InstructionKind};
use regex::Regex;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a final image that runs as root: the last `USER` of the final stage —
    /// or of the stages it is built `FROM` — is `root` or `0` (with any group:
    /// `root:root`, `0:0`), or no stage of that chain sets a `USER`. It is reported
    /// once: at that `USER`, or at the final `FROM` when none is set. Earlier build
    /// stages may run as root: their files are copied out, their user is not.
    ///
    /// Not reported:
    /// * a `USER` written with a variable whose value is not known;
    /// * base images known to run as a non-root user already: distroless images
    ///   tagged `nonroot` (`gcr.io/distroless/static:nonroot`), Chainguard images
    ///   (`cgr.dev/chainguard/…`, not `-dev` tags or `wolfi-base`), .NET `chiseled` and
    ///   `distroless` images, Bitnami images and `nginx-unprivileged`;
    /// * Windows base images (`servercore`, `nanoserver`): there is no uid 0, and
    ///   nanoserver runs as `ContainerUser` already;
    /// * images that drop privileges when they start, as the official database images
    ///   do: the final stage chain installs or calls `gosu`, `su-exec`, `setpriv`,
    ///   `runuser`, `s6-setuidgid` or `chpst`.
    ///
    /// A `scratch` image without `USER` is reported when it has an `ENTRYPOINT` or
    /// `CMD`: its process runs as uid 0 too. There is no user database in it, so use a
    /// numeric user (`USER 65532:65532`). Without a command it runs nothing — an
    /// export or artifact stage (`docker build --output`) — and is not reported.
    ///
    /// ## Why is this bad?
    /// A process running as root in the container is uid 0 on the host's kernel
    /// (unless the daemon remaps users): a container escape, a writable host mount or
    /// a misconfigured capability then gives an attacker the host. Most images (`node`, `python`, `debian`) default to
    /// root unless the Dockerfile says otherwise.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY . .
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ```dockerfile
    /// FROM node:20-slim
    /// USER node
    /// RUN npm ci
    /// USER root
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20-slim AS build
    /// RUN npm ci
    ///
    /// FROM node:20-slim
    /// COPY --from=build /app /app
    /// USER node
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which user the image should run as, and what it must be allowed to
    /// write, is a decision about the image.
    pub(crate) struct RootUser {
        code: "LL303",
        name: "root-user",
        category: Security,
        severity: Warning,
        fix: None,
        summary: "the final image runs as root",
        equivalents: [
            Hadolint("DL3002"),
            Trivy("DS-0002"),
            Checkov("CKV_DOCKER_8"),
            Checkov("CKV_DOCKER_3"),
        ],
    }
}

/// Tools that start a process as another user.
static PRIVILEGE_DROP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^A-Za-z0-9_.-])(?:gosu|su-exec|setpriv|runuser|s6-setuidgid|chpst)(?:$|[^A-Za-z0-9_-])")
        .expect("valid pattern")
});

#[derive(Default)]
pub(crate) struct Users {
    /// Per stage: the index of its last USER.
    last_user: Vec<Option<usize>>,
}

impl Check for RootUser {
    type State = Users;
    const WANTS: Wants = Wants::kinds(&[InstructionKind::User]);

    fn start_stage(&self, _cx: &mut Context<'_>, state: &mut Users, stage: &Stage) {
        state.last_user.resize(stage.index + 1, None);
    }

    fn instruction(&self, _cx: &mut Context<'_>, state: &mut Users, node: &Node<'_>) {
        if let Some(stage) = node.stage {
            state.last_user.resize(stage.index + 1, None);
            state.last_user[stage.index] = Some(node.index);
        }
    }

    fn finish(&self, cx: &mut Context<'_>, state: &mut Users) {
        let Some(last) = cx.semantic.final_stage() else {
            return;
        };
        // The final stage and the stages it is built on, newest first.
        let mut chain = vec![last.index];
        while let Base::Stage(parent) = cx.semantic.stages[*chain.last().unwrap_or(&0)].base {
            if chain.contains(&parent) {
                break;
            }
            chain.push(parent);
        }
        if drops_privileges(cx, &chain) {
            return;
        }
        let user = chain
            .iter()
            .find_map(|&stage| state.last_user.get(stage).copied().flatten());
        match user {
            Some(index) => {
                let instruction = &cx.file.instructions()[index];
                let Body::User(Some(word)) = &instruction.body else {
                    return;
                };
                let scope = cx.semantic.scope_before(cx.file, index);
                let Ok(expanded) = scope.expand(&word.text, cx.file.escape()) else {
                    return;
                };
                if !expanded.unmatched.is_empty() {
                    return;
                }
                let user = expanded.result;
                let name = user.split(':').next().unwrap_or_default();
                if name != "root" && name != "0" {
                    return;
                }
                let in_final = cx.semantic.stage_of(index) == Some(last.index);
                let message = if in_final {
                    format!("the last USER is `{user}`, so the container runs as root")
                } else {
                    format!(
                        "the final stage inherits USER `{user}` from the stage it is built on, so the container runs as root"
                    )
                };
                cx.report(word.range, message)
                    .note("switch to an unprivileged user after the steps that need root (`USER app`, or a numeric `USER 10001:10001`)");
            }
            None => {
                let root = &cx.semantic.stages[*chain.last().unwrap_or(&last.index)];
                if runs_as_non_root(&root.base) || is_windows(&root.base) {
                    return;
                }
                // A `scratch` image without a command runs nothing: it carries files
                // (`docker build --output`, `COPY --from=` in other builds).
                if root.base == Base::Scratch && !has_command(cx, &chain) {
                    return;
                }
                let Body::From(from) = &cx.file.instructions()[last.from].body else {
                    return;
                };
                let Some(word) = from.image() else { return };
                let (message, note) = if root.base == Base::Scratch {
                    (
                        "no USER is set in the final stage, so the container runs as uid 0"
                            .to_owned(),
                        "a `scratch` image has no user database: add a numeric user, e.g. `USER 65532:65532`",
                    )
                } else {
                    (
                        "no USER is set in the final stage, so the container runs as root unless the base image sets a user".to_owned(),
                        "create an unprivileged user and switch to it at the end (`USER app`, or a numeric `USER 10001:10001`)",
                    )
                };
                cx.report(word.range, message).note(note);
            }
        }
    }
}

/// Whether the stages' RUN, ENTRYPOINT or CMD use a tool that starts the process as
/// another user (the official images' `gosu` entrypoints).
fn drops_privileges(cx: &Context<'_>, chain: &[usize]) -> bool {
    chain.iter().any(|&stage| {
        let stage = &cx.semantic.stages[stage];
        cx.file.instructions()[stage.body()].iter().any(|i| {
            matches!(
                i.effective().kind,
                InstructionKind::Run | InstructionKind::Entrypoint | InstructionKind::Cmd
            ) && PRIVILEGE_DROP.is_match(cx.text(i.range))
        })
    })
}

/// Whether the stages set an ENTRYPOINT or CMD.
fn has_command(cx: &Context<'_>, chain: &[usize]) -> bool {
    chain.iter().any(|&stage| {
        cx.file.instructions()[cx.semantic.stages[stage].body()]
            .iter()
            .any(|i| matches!(i.kind, InstructionKind::Entrypoint | InstructionKind::Cmd))
    })
}

/// Windows base images: their users are not Linux's root, and nanoserver already runs
/// as `ContainerUser`.
fn is_windows(base: &Base) -> bool {
    let Base::Image {
        resolved: Some(resolved),
        ..
    } = base
    else {
        return false;
    };
    let lower = resolved.to_ascii_lowercase();
    [
        "windows/",
        "windowsservercore",
        "nanoserver",
        "-ltsc20",
        ":ltsc20",
    ]
    .iter()
    .any(|marker| lower.contains(marker))
}

/// Base images known to default to a non-root user.
fn runs_as_non_root(base: &Base) -> bool {
    let Base::Image {
        resolved: Some(resolved),
        ..
    } = base
    else {
        return false;
    };
    let Ok(image) = ImageRef::parse(resolved) else {
        return false;
    };
    let domain = image.domain.as_deref().unwrap_or("docker.io");
    let path = image.path.as_str();
    let tag = image.tag.as_deref().unwrap_or("latest");
    let last = path.rsplit('/').next().unwrap_or(path);
    (domain == "gcr.io" && path.starts_with("distroless/") && tag.contains("nonroot"))
        || (domain == "mcr.microsoft.com"
            && path.starts_with("dotnet/")
            && (tag.contains("chiseled") || tag.contains("distroless")))
        || (domain == "cgr.dev"
            && path.starts_with("chainguard/")
            && last != "wolfi-base"
            && !tag.ends_with("-dev"))
        || (domain == "docker.io" && path.starts_with("bitnami/"))
        || last == "nginx-unprivileged"
}
