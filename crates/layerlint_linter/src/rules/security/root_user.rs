use layerlint_syntax::Body;

use super::final_user::{drops_privileges, final_user};
use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports a final image whose last `USER` — in the final stage, or in the stages it
    /// is built `FROM` — is `root` or `0` (with any group: `root:root`, `0:0`). Earlier
    /// build stages may run as root: their files are copied out, their user is not.
    /// A final image that never sets a `USER` is `missing-user`'s finding (off by
    /// default: most images leave the user to the base image).
    ///
    /// Not reported: a `USER` written with a variable whose value is not known, and
    /// images that drop privileges when they start, as the official database images
    /// do (the final stage chain installs or calls `gosu`, `su-exec`, `setpriv`,
    /// `runuser`, `s6-setuidgid` or `chpst`).
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
        summary: "the final image switches to the root user last",
        equivalents: [Hadolint("DL3002"), Trivy("DS-0002"), Checkov("CKV_DOCKER_8")],
    }
}

impl Check for RootUser {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        let Some(found) = final_user(cx) else { return };
        let Some(index) = found.user else { return };
        if drops_privileges(cx, &found.chain) {
            return;
        }
        let instruction = &cx.file.instructions()[index];
        let Body::User(Some(word)) = &instruction.body else {
            return;
        };
        let scope = cx.semantic.scope_before(index);
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
        let in_final = cx.semantic.stage_of(index) == Some(found.chain[0]);
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
}
