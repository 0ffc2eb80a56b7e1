use layerlint_cache::suggest::{self, Usage};
use layerlint_diagnostics::{FileEdit, Fix};

use layerlint_cache::stage::CopyStep;

use super::support::{
    builds_project, copies_dir, dockerfile_in_context, named_sources, trusted_context,
    whole_context_copies,
};
use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile that copies the whole build context (`COPY . .`) when the
    /// context has no `.dockerignore` (nor a `<Dockerfile>.dockerignore`). Needs the build
    /// context: nothing is reported without one.
    ///
    /// ## Why is this bad?
    /// Everything in the directory goes to the builder and into the image: `.git`,
    /// `node_modules`, virtual environments, build output, logs, `.env` files with secrets.
    /// The context upload gets slow, the image gets big, and — the cache cost — the copy's
    /// layer and every layer after it rebuild whenever any of those files changes: a
    /// commit (`.git`), a local `npm install`, a log line.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile context=package.json,src/index.js
    /// FROM node:20
    /// WORKDIR /app
    /// COPY . .
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile context=.dockerignore:node_modules,package.json,src/index.js
    /// FROM node:20
    /// WORKDIR /app
    /// COPY . .
    /// ```
    ///
    /// ```dockerfile context=package.json,src/index.js
    /// FROM node:20
    /// WORKDIR /app
    /// COPY package.json ./
    /// COPY src ./src
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe. The fix creates `.dockerignore` at the root of the build context with
    /// entries that fit it: `.git`; `**/node_modules` for a Node project;
    /// `**/__pycache__`, `**/*.py[cod]` and `.venv` for Python; `**/bin` and `**/obj`
    /// for .NET; the directories that exist among `.venv`, `venv`, `coverage`, `.gradle`,
    /// `.idea`, `.vscode`, `.terraform`, `target` (Cargo, Maven), `dist`, `build` and
    /// `.next` (when the image builds the project); `**/*.log`; `.env` and `.env.*`
    /// (keeping `.env.example`); and the Dockerfile itself, which the builder reads on
    /// its own — unless its name would read as another pattern (`#…`, `!…`, leading or
    /// trailing spaces, `*`, `?`, `[`, `\`). An entry that would leave out a path the
    /// Dockerfile copies by name is not written. It is unsafe because a RUN may read a
    /// file it leaves out (a script that loads `.env`), and because the image no longer
    /// contains those files.
    pub(crate) struct MissingDockerignore {
        code: "LL204",
        name: "missing-dockerignore",
        category: Cache,
        severity: Warning,
        fix: Always,
        summary: "the whole build context is copied and no .dockerignore leaves anything out",
    }
}

impl Check for MissingDockerignore {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        let walk = cx.file_walk();
        let Some(context) = trusted_context(cx) else {
            return;
        };
        if context.dockerignore_path().is_some() || context.dockerignore_error().is_some() {
            return;
        }
        let copies: Vec<(usize, &CopyStep)> = whole_context_copies(&walk).collect();
        let Some(&(copy, _)) = copies.first() else {
            return;
        };
        let sources = named_sources(&walk);
        let dockerfile = dockerfile_in_context(cx.path, context);
        let usage = Usage {
            sources: &sources,
            dockerfile: dockerfile.as_deref(),
            builds: builds_project(cx),
        };
        let entries = suggest::for_new_file(context, &usage);
        let text = suggest::render(&entries, cx.newline());
        let instruction = &cx.file.instructions()[copy];
        let copy_text = layerlint_cache::classify::short(cx.text(instruction.range));
        // What the copies take into the image (not what `--exclude` leaves out; the new
        // file still keeps it out of the upload).
        let present: Vec<&str> = entries
            .iter()
            .filter_map(|e| e.present.as_deref())
            .filter(|p| copies.iter().any(|(_, c)| copies_dir(c, p)))
            .collect();
        let message = if present.is_empty() {
            format!("`{copy_text}` copies the whole build context, and there is no .dockerignore")
        } else {
            format!(
                "`{copy_text}` copies the whole build context, {} included: there is no .dockerignore",
                present.join(", ")
            )
        };
        cx.report(instruction.range, message).fix(
            Fix::unsafe_edits("Create a .dockerignore", Vec::new())
                .with_file(FileEdit::create(".dockerignore", text)),
        );
    }
}
