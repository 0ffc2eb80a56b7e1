//! Small queries the hygiene, security and ShellCheck rules share: commands through their
//! wrappers, the image a stage builds on, the user a RUN runs as.

use layerlint_diagnostics::Edit;
use layerlint_shell::Command;
use layerlint_syntax::semantic::{Base, Semantic};
use layerlint_syntax::{Body, Instruction, InstructionKind};
use layerlint_text::TextSize;

use crate::Context;
use crate::search::contains_any;
use crate::shell::ShellScript;

/// The command a chain of wrappers runs: `curl` for `sudo -E env A=1 curl -k u`.
pub(crate) fn innermost(command: Command<'_>) -> Command<'_> {
    command.unwrapped()
}

/// Every simple command of the scripts, nested ones included, each viewed through its
/// wrappers.
pub(crate) fn commands(scripts: &[ShellScript]) -> impl Iterator<Item = Command<'_>> {
    scripts
        .iter()
        .flat_map(|s| s.script.commands())
        .map(innermost)
}

/// The image reference a stage is built on, following `FROM <earlier stage>`:
/// `scratch`, or the reference after ARG expansion. `None` when unknown.
pub(crate) fn base_image(semantic: &Semantic, stage: usize) -> Option<&str> {
    let mut current = stage;
    for _ in 0..semantic.stages.len() + 1 {
        match &semantic.stages.get(current)?.base {
            Base::Stage(parent) if *parent < current => current = *parent,
            Base::Scratch => return Some("scratch"),
            Base::Image {
                resolved: Some(resolved),
                unmatched,
                ..
            } if unmatched.is_empty() => return Some(resolved),
            _ => return None,
        }
    }
    None
}

/// What the shell of an image is likely to be, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ImageShell {
    /// Alpine or BusyBox: `/bin/sh` is BusyBox ash, there is no bash.
    Busybox,
    /// No shell at all: `scratch`, distroless, Windows images.
    NoPosixShell,
    /// Anything else: most likely a glibc distribution with bash.
    Other,
}

pub(crate) fn image_shell(image: &str) -> ImageShell {
    let lower = image.to_ascii_lowercase();
    if lower == "scratch"
        || contains_any(
            &lower,
            &["distroless", "windows", "nanoserver", "servercore"],
        )
    {
        return ImageShell::NoPosixShell;
    }
    if contains_any(&lower, &["alpine"]) {
        return ImageShell::Busybox;
    }
    // The repository is cut out only when the searches did not tell (most images).
    let name = lower.split('@').next().unwrap_or(&lower);
    let repository = name.rsplit('/').next().unwrap_or(name);
    let repository = repository.split(':').next().unwrap_or(repository);
    if repository == "busybox" {
        ImageShell::Busybox
    } else {
        ImageShell::Other
    }
}

/// The `USER` in effect before instruction `index` (as written), following the stages a
/// stage is built on; `None` when no `USER` in the file applies (the base image's user).
pub(crate) fn user_before(cx: &Context<'_>, index: usize) -> Option<String> {
    let (file, semantic) = (cx.file, cx.semantic);
    let instructions = file.instructions();
    // The USER instructions with a value, found once per file (a scan back from every RUN
    // is quadratic on big files).
    let users = cx.memo(|cx| {
        UserIndices(
            cx.file
                .instructions()
                .iter()
                .enumerate()
                .filter(|(_, i)| {
                    i.kind == InstructionKind::User && matches!(i.body, Body::User(Some(_)))
                })
                .map(|(i, _)| i)
                .collect(),
        )
    });
    let mut stage = semantic.stage_of(index)?;
    let mut end = index;
    for _ in 0..semantic.stages.len() + 1 {
        let from = semantic.stages[stage].from;
        let before = users.0.partition_point(|&i| i < end);
        if let Some(&i) = users.0[..before].last()
            && i > from
            && let Body::User(Some(word)) = &instructions[i].body
        {
            return Some(word.text.clone());
        }
        match semantic.stages[stage].base {
            Base::Stage(parent) if parent < stage => {
                stage = parent;
                end = semantic.stages[parent].end;
            }
            _ => return None,
        }
    }
    None
}

/// The indices of the USER instructions that give a user.
struct UserIndices(Vec<usize>);

/// Whether a `USER` value is root (`root`, `0`, `root:staff`, `0:0`).
pub(crate) fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}

/// An edit inserting the line `KEYWORD args` before `instruction` (and before the comments
/// that lead it), with the instruction's indentation and its keyword's case (`workdir`
/// in a lower-case file).
pub(crate) fn insert_instruction_before(
    cx: &Context<'_>,
    instruction: &Instruction,
    keyword: &str,
    args: &str,
) -> Edit {
    let source = cx.source();
    let anchor = instruction
        .comments
        .first()
        .map_or(instruction.range.start(), |c| c.start());
    let line_start = source[..anchor.to_usize()].rfind('\n').map_or(0, |i| i + 1);
    let indent = &source[line_start..instruction.range.start().to_usize()];
    let indent = if indent.trim().is_empty() { indent } else { "" };
    let lower = cx
        .text(instruction.keyword)
        .bytes()
        .all(|b| b.is_ascii_lowercase());
    let keyword = if lower {
        keyword.to_ascii_lowercase()
    } else {
        keyword.to_owned()
    };
    Edit::insert(
        TextSize::from_usize(line_start),
        [indent, keyword.as_str(), " ", args, cx.newline()].concat(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_shells() {
        assert_eq!(image_shell("alpine:3.20"), ImageShell::Busybox);
        assert_eq!(image_shell("node:20-alpine"), ImageShell::Busybox);
        assert_eq!(image_shell("busybox:1.36"), ImageShell::Busybox);
        assert_eq!(
            image_shell("gcr.io/distroless/static"),
            ImageShell::NoPosixShell
        );
        assert_eq!(image_shell("debian:12"), ImageShell::Other);
        assert_eq!(
            image_shell("mcr.microsoft.com/windows/servercore"),
            ImageShell::NoPosixShell
        );
        assert_eq!(image_shell("Alpine-Windows"), ImageShell::NoPosixShell);
        assert_eq!(image_shell("SCRATCH"), ImageShell::NoPosixShell);
        assert!(is_root_user("0:0"));
        assert!(is_root_user("root"));
        assert!(!is_root_user("app"));
    }
}
