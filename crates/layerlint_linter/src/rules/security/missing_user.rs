use layerlint_syntax::Body;
use layerlint_syntax::semantic::Base;

use super::final_user::{drops_privileges, final_user, has_command, runs_as_non_root};
use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports a final image that never sets a `USER` — neither its final stage nor the
    /// stages it is built `FROM` — so it runs as the base image's user, which for most
    /// images (`node`, `python`, `debian`) is root. Reported once, at the final `FROM`.
    ///
    /// Off by default: leaving the user to the base image is common and sometimes right
    /// (most real Dockerfiles do it); turn it on (`extend-select = ["missing-user"]`) to
    /// require every image to name its user. An explicit `USER root` at the end is
    /// `root-user`'s finding.
    ///
    /// Not reported:
    /// * base images known to run as a non-root user already: distroless images
    ///   tagged `nonroot` (`gcr.io/distroless/static:nonroot`), Chainguard images
    ///   (`cgr.dev/chainguard/…`, not `-dev` tags or `wolfi-base`), .NET `chiseled` and
    ///   `distroless` images, Bitnami images and `nginx-unprivileged`;
    /// * Windows images (`servercore`, `nanoserver`): there is no uid 0, and nanoserver
    ///   runs as `ContainerUser` already;
    /// * images that drop privileges when they start (`gosu`, `su-exec`, `setpriv`,
    ///   `runuser`, `s6-setuidgid`, `chpst` in the final stage chain);
    /// * a `scratch` image without `ENTRYPOINT` or `CMD`: it runs nothing — an export or
    ///   artifact stage (`docker build --output`). With a command it is reported: its
    ///   process runs as uid 0, and there is no user database, so use a numeric user
    ///   (`USER 65532:65532`).
    ///
    /// ## Why is this bad?
    /// A process running as root in the container is uid 0 on the host's kernel (unless
    /// the daemon remaps users): a container escape, a writable host mount or a
    /// misconfigured capability then gives an attacker the host.
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
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY . .
    /// USER node
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which user the image should run as, and what it must be allowed to write,
    /// is a decision about the image.
    pub(crate) struct MissingUser {
        code: "LL312",
        name: "missing-user",
        category: Security,
        severity: Info,
        fix: None,
        default: false,
        summary: "the final image never sets a USER, so it runs as the base image's user",
        equivalents: [Trivy("DS-0002"), Checkov("CKV_DOCKER_3")],
    }
}

impl Check for MissingUser {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        let Some(found) = final_user(cx) else { return };
        if found.user.is_some() || drops_privileges(cx, &found.chain) {
            return;
        }
        let last = &cx.semantic.stages[found.chain[0]];
        let root = &cx.semantic.stages[*found.chain.last().unwrap_or(&last.index)];
        if runs_as_non_root(&root.base) || root.windows {
            return;
        }
        // A `scratch` image without a command runs nothing: it carries files.
        if root.base == Base::Scratch && !has_command(cx, &found.chain) {
            return;
        }
        let Body::From(from) = &cx.file.instructions()[last.from].body else {
            return;
        };
        let Some(word) = from.image() else { return };
        let (message, note) = if root.base == Base::Scratch {
            (
                "no USER is set in the final stage, so the container runs as uid 0",
                "a `scratch` image has no user database: add a numeric user, e.g. `USER 65532:65532`",
            )
        } else {
            (
                "no USER is set in the final stage, so the container runs as the base image's user (root for most images)",
                "create an unprivileged user and switch to it at the end (`USER app`, or a numeric `USER 10001:10001`)",
            )
        };
        cx.report(word.range, message).note(note);
    }
}
