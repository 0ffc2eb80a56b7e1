//! What user the final image runs as: shared by `root-user` and `missing-user`.

use std::sync::LazyLock;

use layerlint_syntax::InstructionKind;
use layerlint_syntax::image::ImageRef;
use layerlint_syntax::semantic::Base;
use regex::Regex;

use crate::Context;

/// The final stage and the stages it is built `FROM`, newest first, and the last `USER`
/// instruction of that chain.
pub(crate) struct FinalUser {
    pub chain: Vec<usize>,
    /// The index of the last `USER` instruction of the chain (the newest stage that has
    /// one).
    pub user: Option<usize>,
}

pub(crate) fn final_user(cx: &Context<'_>) -> Option<FinalUser> {
    let last = cx.semantic.final_stage()?;
    let mut chain = vec![last.index];
    // The stages in the chain, once it is long: asking the chain itself is quadratic in a
    // file of thousands of stages built one on the other.
    let mut seen: Vec<bool> = Vec::new();
    while let Base::Stage(parent) = cx.semantic.stages[*chain.last().unwrap_or(&0)].base {
        if chain.len() == CHAIN_TABLE_FROM {
            seen = vec![false; cx.semantic.stages.len()];
            for &stage in &chain {
                seen[stage] = true;
            }
        }
        let known = if seen.is_empty() {
            chain.contains(&parent)
        } else {
            seen[parent]
        };
        if known {
            break;
        }
        if !seen.is_empty() {
            seen[parent] = true;
        }
        chain.push(parent);
    }
    let user = chain.iter().find_map(|&stage| {
        cx.semantic.stages[stage]
            .body()
            .rev()
            .find(|&i| cx.file.instructions()[i].kind == InstructionKind::User)
    });
    Some(FinalUser { chain, user })
}

/// From this many stages in a chain, [`final_user`] keeps a table of them.
const CHAIN_TABLE_FROM: usize = 16;

/// Tools that start a process as another user.
const PRIVILEGE_DROP_TOOLS: [&str; 6] = [
    "gosu",
    "su-exec",
    "setpriv",
    "runuser",
    "s6-setuidgid",
    "chpst",
];

/// [`PRIVILEGE_DROP_TOOLS`] as whole words.
static PRIVILEGE_DROP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^A-Za-z0-9_.-])(?:gosu|su-exec|setpriv|runuser|s6-setuidgid|chpst)(?:$|[^A-Za-z0-9_-])")
        .expect("valid pattern")
});

/// Whether the stages' RUN, ENTRYPOINT or CMD use a tool that starts the process as
/// another user (the official images' `gosu` entrypoints).
pub(crate) fn drops_privileges(cx: &Context<'_>, chain: &[usize]) -> bool {
    chain.iter().any(|&stage| {
        let stage = &cx.semantic.stages[stage];
        cx.file.instructions()[stage.body()].iter().any(|i| {
            matches!(
                i.effective().kind,
                InstructionKind::Run | InstructionKind::Entrypoint | InstructionKind::Cmd
            ) && {
                // The pattern is compiled only for a text that names a tool.
                let text = cx.text(i.range);
                crate::search::contains_any(text, &PRIVILEGE_DROP_TOOLS)
                    && PRIVILEGE_DROP.is_match(text)
            }
        })
    })
}

/// Whether the stages set an ENTRYPOINT or CMD.
pub(crate) fn has_command(cx: &Context<'_>, chain: &[usize]) -> bool {
    chain.iter().any(|&stage| {
        cx.file.instructions()[cx.semantic.stages[stage].body()]
            .iter()
            .any(|i| matches!(i.kind, InstructionKind::Entrypoint | InstructionKind::Cmd))
    })
}

/// Base images known to default to a non-root user.
pub(crate) fn runs_as_non_root(base: &Base) -> bool {
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
