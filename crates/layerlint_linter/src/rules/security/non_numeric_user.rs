use layerlint_syntax::semantic::Base;
use layerlint_syntax::{Body, InstructionKind};

use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::shell::run_support::{base_image, is_root_user};

declare_rule! {
    /// ## What it does
    /// Reports a non-numeric user (`USER app`, `USER node:node`) as the user the image
    /// runs as: the last `USER` of the final stage, or of the stages it is built on.
    ///
    /// Only that `USER` is reported: a `USER` followed by another one, and the users of
    /// build stages, never reach a running container. A value with a variable is resolved
    /// through `ARG` and `ENV` defaults, and not reported when it cannot be. `root` is left
    /// to `root-user` (LL303), and Windows images (whose users have no numeric ids,
    /// `USER ContainerUser`, `ContainerAdministrator`) are not checked.
    ///
    /// ## Why is this bad?
    /// A user name is resolved inside the container, from the image's `/etc/passwd`; the
    /// host and the orchestrator cannot. Kubernetes' `runAsNonRoot: true` refuses to start
    /// a container whose image user is not numeric ("image has non-numeric user, cannot
    /// verify user is non-root"), and security scanners cannot tell that `app` is not
    /// root. Use the numeric id the user was created with (`USER 10001:10001`).
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY . /app
    /// USER node
    /// CMD ["node", "/app/index.js"]
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY . /app
    /// USER 1000:1000
    /// CMD ["node", "/app/index.js"]
    /// ```
    ///
    /// ```dockerfile
    /// FROM node:20-slim AS build
    /// USER node
    /// RUN npm ci
    /// FROM gcr.io/distroless/nodejs20-debian12
    /// USER 65532
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the numeric id is in the image's `/etc/passwd`, not in the Dockerfile.
    pub(crate) struct NonNumericUser {
        code: "LL310",
        name: "non-numeric-user",
        category: Security,
        severity: Info,
        fix: None,
        summary: "the image runs as a user given by name, not by numeric id",
        equivalents: [Hadolint("DL3066")],
    }
}

impl Check for NonNumericUser {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        let Some(index) = last_user(cx) else { return };
        // Windows has no numeric user ids (`USER ContainerUser`).
        let windows = cx.semantic.final_stage().is_some_and(|stage| {
            base_image(cx.semantic, stage.index).is_some_and(|image| {
                let image = image.to_ascii_lowercase();
                ["windows", "nanoserver", "servercore"]
                    .iter()
                    .any(|w| image.contains(w))
            })
        });
        if windows {
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
        let user = expanded.result.trim().to_owned();
        let uid = user.split(':').next().unwrap_or(&user);
        let windows_account = ["ContainerUser", "ContainerAdministrator"]
            .iter()
            .any(|a| uid.eq_ignore_ascii_case(a));
        if uid.is_empty()
            || uid.bytes().all(|b| b.is_ascii_digit())
            || is_root_user(&user)
            || windows_account
        {
            return;
        }
        cx.report(
            word.range,
            format!("the image runs as `{uid}`, a user name rather than a numeric id"),
        )
        .note("use the user's numeric id (`USER 10001:10001`) so the runtime can check it is not root");
    }
}

/// The index of the `USER` the image runs as: the last one of the final stage, or of the
/// stages it is built on.
fn last_user(cx: &Context<'_>) -> Option<usize> {
    let instructions = cx.file.instructions();
    let mut stage = cx.semantic.stages.len().checked_sub(1)?;
    for _ in 0..cx.semantic.stages.len() {
        let current = &cx.semantic.stages[stage];
        if let Some(index) = current
            .body()
            .rev()
            .find(|&i| instructions[i].kind == InstructionKind::User)
        {
            return Some(index);
        }
        match current.base {
            Base::Stage(parent) if parent < stage => stage = parent,
            _ => return None,
        }
    }
    None
}
