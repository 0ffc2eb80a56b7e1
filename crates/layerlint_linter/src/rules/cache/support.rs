//! What the cache rules share: the copies of the whole build context, the context paths a
//! file copies by name, and whether the image builds the project.

use std::path::{Path, PathBuf};

use layerlint_cache::BuildContext;
use layerlint_cache::dockerignore::DockerIgnore;
use layerlint_cache::stage::{CopyFrom, CopyStep, FileWalk};
use layerlint_syntax::InstructionKind;
use layerlint_text::{TextRange, TextSize};

use crate::Context;

/// The build context, when it is the one the file is built with: a Dockerfile whose COPY
/// sources are not in its own directory is built from another one (`docker build -f
/// docker/Dockerfile .`), and rules that read the context say nothing then.
/// The optimizer made the same check when it was built, over the same walk: its answer
/// is taken.
pub(crate) fn trusted_context<'a>(cx: &Context<'a>) -> Option<&'a BuildContext> {
    cx.build_context?;
    cx.optimizer().context()
}

/// Every COPY or ADD that takes the whole build context (`COPY . .`, `ADD . /app`,
/// `COPY * ./`), with its instruction index.
pub(crate) fn whole_context_copies(walk: &FileWalk) -> impl Iterator<Item = (usize, &CopyStep)> {
    walk.stages
        .iter()
        .flat_map(|s| &s.steps)
        .filter_map(|s| Some((s.index, s.copy.as_deref()?)))
        .filter(|(_, copy)| copies_whole_context(copy))
}

/// Whether `copy` (of the whole context) lays the context directory `dir` into the image:
/// not when its `--exclude` leaves `dir` out with all it holds (`COPY
/// --exclude=node_modules . .`). BuildKit matches the patterns below each source, and a
/// source itself is never left out, so only a copy of the context root alone is read so
/// (a `node_modules` matched by `COPY * ./` is a source of its own). The directory is still
/// sent to the builder: `.dockerignore` alone keeps it out of the upload.
pub(crate) fn copies_dir(copy: &CopyStep, dir: &str) -> bool {
    let mut patterns = copy.excludes().peekable();
    if copy.sources != [""] || patterns.peek().is_none() {
        return true;
    }
    DockerIgnore::from_patterns(patterns)
        .map_or(true, |excluded| !excluded.excludes_dir_entirely(dir))
}

pub(crate) fn copies_whole_context(copy: &CopyStep) -> bool {
    copy.from == CopyFrom::Context
        && copy
            .sources
            .iter()
            .any(|s| s.is_empty() || s == "*" || s == "**")
}

/// The context paths COPY and ADD name (not the root).
pub(crate) fn named_sources(walk: &FileWalk) -> Vec<String> {
    walk.stages
        .iter()
        .flat_map(|s| &s.steps)
        .filter_map(|s| s.copy.as_deref())
        .filter(|c| c.from == CopyFrom::Context)
        .flat_map(|c| c.sources.iter())
        .filter(|s| !s.is_empty() && !CopyStep::is_url(s))
        .cloned()
        .collect()
}

/// Whether a RUN of the file builds the project (so build output in the context is not
/// needed).
pub(crate) fn builds_project(cx: &Context<'_>) -> bool {
    const BUILDS: [&str; 10] = [
        "run build",
        "yarn build",
        "pnpm build",
        "bun run build",
        "next build",
        "vite build",
        "ng build",
        "tsc",
        "webpack",
        "nuxt build",
    ];
    cx.file
        .instructions()
        .iter()
        .filter(|i| i.kind == InstructionKind::Run)
        .any(|i| {
            let text = cx.text(i.args);
            crate::search::contains_any(text, &BUILDS)
        })
}

/// The Dockerfile's path inside the context, when both are on disk and it is inside.
pub(crate) fn dockerfile_in_context(path: Option<&Path>, context: &BuildContext) -> Option<String> {
    let root = context.root()?;
    let path = path?;
    let canonical_root = context.canonical_root()?;
    // A Dockerfile right in the context directory that is not a symbolic link resolves to
    // the resolved directory and its name: its name is its path in the context. Whoever
    // listed the directory may have said which names are links (no `lstat` then).
    let plain_in_root = || {
        path.file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| context.plain_root_entry(name))
            .unwrap_or_else(|| {
                std::fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_symlink())
            })
    };
    let relative = if path.parent() == Some(root) && plain_in_root() {
        PathBuf::from(path.file_name()?)
    } else {
        std::fs::canonicalize(path)
            .ok()?
            .strip_prefix(canonical_root)
            .ok()?
            .to_path_buf()
    };
    // Joined with `/` component by component: `\` is a separator on Windows only, and part
    // of the name elsewhere.
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect();
    let text = parts?.join("/");
    (!text.is_empty()).then_some(text)
}

/// The lines of instruction `index`, with the comment lines right above it (no blank line
/// between; not the parser directives) and its line ending: what deleting or moving the
/// instruction takes along.
pub(crate) fn instruction_block(cx: &Context<'_>, index: usize) -> TextRange {
    let source = cx.source();
    let instruction = &cx.file.instructions()[index];
    let mut start = source[..instruction.range.start().to_usize()]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    while start > 0 {
        let previous = source[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = source[previous..start].trim();
        let directive = cx
            .file
            .directives()
            .iter()
            .any(|d| d.range.start().to_usize() == previous);
        if line.starts_with('#') && !directive {
            start = previous;
        } else {
            break;
        }
    }
    let end = source[instruction.range.end().to_usize()..]
        .find('\n')
        .map_or(source.len(), |i| instruction.range.end().to_usize() + i + 1);
    TextRange::new(TextSize::from_usize(start), TextSize::from_usize(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Dockerfile's path in the context: its name right in the context directory, its
    /// relative path below it, where a symbolic link points, nothing outside.
    #[cfg(unix)]
    #[test]
    fn dockerfile_paths_in_the_context() {
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ctx");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("Dockerfile"), "FROM a\n").unwrap();
        std::fs::write(root.join("sub/Dockerfile"), "FROM a\n").unwrap();
        std::fs::write(root.join("sub/Docker\\file"), "FROM a\n").unwrap();
        std::fs::write(outside.path().join("Dockerfile"), "FROM a\n").unwrap();
        std::os::unix::fs::symlink(root.join("sub/Dockerfile"), root.join("link")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("Dockerfile"), root.join("out")).unwrap();
        std::os::unix::fs::symlink(&root, dir.path().join("alias")).unwrap();
        let context = BuildContext::on_disk(&root, None);
        let alias = dir.path().join("alias");
        let via_alias = BuildContext::on_disk(&alias, None);
        // Listed, with the links said: the listing answers, as the disk would.
        let names = ["Dockerfile", "link", "out", "sub"].map(String::from);
        let listed = BuildContext::on_disk(&root, None)
            .cached()
            .with_listing("", names.clone())
            .with_root_links(std::sync::Arc::from(["link", "out"].map(String::from)));
        // A listing that calls the link a file is taken at its word: no `lstat`.
        let trusted = BuildContext::on_disk(&root, None)
            .cached()
            .with_listing("", names)
            .with_root_links(std::sync::Arc::from([]));
        let cases: [(&BuildContext, PathBuf, Option<&str>); 12] = [
            (&listed, root.join("Dockerfile"), Some("Dockerfile")),
            (&listed, root.join("link"), Some("sub/Dockerfile")),
            (&listed, root.join("out"), None),
            (&trusted, root.join("link"), Some("link")),
            (&context, root.join("Dockerfile"), Some("Dockerfile")),
            // A backslash is part of the name, not a separator.
            (
                &context,
                root.join("sub/Docker\\file"),
                Some("sub/Docker\\file"),
            ),
            (
                &context,
                root.join("sub/Dockerfile"),
                Some("sub/Dockerfile"),
            ),
            (&context, root.join("sub/../Dockerfile"), Some("Dockerfile")),
            (&context, root.join("link"), Some("sub/Dockerfile")),
            (&context, root.join("out"), None),
            (&context, root.join("missing"), None),
            (&via_alias, alias.join("Dockerfile"), Some("Dockerfile")),
        ];
        for (context, path, expected) in cases {
            assert_eq!(
                dockerfile_in_context(Some(&path), context).as_deref(),
                expected,
                "{}",
                path.display()
            );
        }
    }
}
