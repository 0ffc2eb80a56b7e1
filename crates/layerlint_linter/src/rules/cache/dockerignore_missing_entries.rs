use layerlint_cache::suggest::{self, Usage};
use layerlint_diagnostics::{FileEdit, Fix};

use layerlint_cache::stage::CopyStep;

use super::support::{
    builds_project, copies_dir, named_sources, trusted_context, whole_context_copies,
};
use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports a `.dockerignore` that lets through directories a build should not copy —
    /// `.git`, `node_modules`, `__pycache__`, `.venv`, `venv`, test and type-checker caches,
    /// `.gradle`, `.terraform`, `target` (Cargo, Maven), `bin`/`obj` (.NET), and `dist`,
    /// `build`, `.next` when the image builds the project — when they exist in the build
    /// context and a stage copies the whole context. Needs the build context. A directory
    /// every such copy leaves out with `--exclude` (`COPY --exclude=node_modules . .`) is
    /// not reported: it is still uploaded, but reaches neither the image nor the cache key.
    ///
    /// ## Why is this bad?
    /// Those directories change without any source change — a commit, a local install,
    /// a test run — and each change breaks the cache of `COPY . .` and rebuilds every
    /// layer after it. They also make the context upload slow and the image big, and an
    /// installed `node_modules` copied over the one the image installed breaks native
    /// modules built for another platform.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile context=.dockerignore:*.log,package.json,node_modules/x/index.js,src/index.js
    /// FROM node:20
    /// WORKDIR /app
    /// COPY . .
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile context=.dockerignore:node_modules,package.json,node_modules/x/index.js,src/index.js
    /// FROM node:20
    /// WORKDIR /app
    /// COPY . .
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the fix appends the missing directories to the ignore file that applies
    /// (`.dockerignore`, or `<Dockerfile>.dockerignore`). A directory the Dockerfile copies
    /// by name is never added, nor one the ignore file lets through on purpose with an
    /// exception (`!node_modules`, `!target/release/app`), which a line appended after it
    /// would undo; still, a RUN may read one of them (a build step that expects a prebuilt
    /// `dist`), and the image no longer contains them.
    pub(crate) struct DockerignoreMissingEntries {
        code: "LL205",
        name: "dockerignore-missing-entries",
        category: Cache,
        severity: Warning,
        fix: Always,
        summary: "the .dockerignore lets through directories that the whole-context copy should not take",
    }
}

impl Check for DockerignoreMissingEntries {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        let walk = cx.file_walk();
        let Some(context) = trusted_context(cx) else {
            return;
        };
        let (Some(path), Some(_)) = (context.dockerignore_path(), context.dockerignore()) else {
            return;
        };
        let copies: Vec<(usize, &CopyStep)> = whole_context_copies(&walk).collect();
        let sources = named_sources(&walk);
        let usage = Usage {
            sources: &sources,
            dockerfile: None,
            builds: builds_project(cx),
        };
        let mut missing = suggest::missing_entries(context, &usage);
        // A directory every such copy leaves out with `--exclude` is not copied.
        missing.retain(|m| copies.iter().any(|(_, c)| copies_dir(c, &m.pattern)));
        // Reported at the first copy that takes one of them.
        let Some(&(copy, copy_step)) = copies
            .iter()
            .find(|(_, c)| missing.iter().any(|m| copies_dir(c, &m.pattern)))
        else {
            return;
        };
        // What that copy takes (another may take the rest).
        let copied: Vec<&str> = missing
            .iter()
            .map(|m| m.pattern.as_str())
            .filter(|name| copies_dir(copy_step, name))
            .collect();
        let existing = context.read(&path.to_string_lossy()).unwrap_or_default();
        let newline = if existing.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let text = suggest::render(&missing, newline);
        let names: Vec<&str> = missing.iter().map(|m| m.pattern.as_str()).collect();
        let instruction = &cx.file.instructions()[copy];
        let copy_text = layerlint_cache::classify::short(cx.text(instruction.range));
        let title = if names.len() == 1 {
            format!("Add `{}` to {}", names[0], path.display())
        } else {
            format!("Add {} entries to {}", names.len(), path.display())
        };
        cx.report(
            instruction.range,
            format!(
                "`{copy_text}` copies {}, which {} does not leave out",
                copied.join(", "),
                path.display()
            ),
        )
        .fix(
            Fix::unsafe_edits(title, Vec::new())
                .with_file(FileEdit::append(path.to_path_buf(), text)),
        );
    }
}
