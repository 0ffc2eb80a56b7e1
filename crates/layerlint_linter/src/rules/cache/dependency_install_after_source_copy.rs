use layerlint_cache::classify::InstallKind;
use layerlint_diagnostics::Fix;

use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports a dependency install (`npm ci`, `yarn install`, `pnpm install`,
    /// `bun install`, `pip install -r`, `poetry install --no-root`, `uv sync`,
    /// `pipenv install`, `go mod download`, `bundle install`, `composer install`,
    /// `dotnet restore`, `mix deps.get`, `mvn dependency:go-offline`,
    /// `gradle dependencies`, `cargo chef cook`) that runs after a copy of the sources
    /// (`COPY . .`, `COPY src/ …`) in the same stage — and a build that fetches its
    /// dependencies on the way (`go build`, `cargo build`, `mvn package`, `dotnet publish`)
    /// with no install before the copy of the sources. Such a build is not reported when its
    /// RUN keeps the downloads in a cache mount (`--mount=type=cache,target=/go/pkg/mod`,
    /// `target=/usr/local/cargo/registry`): a source edit then re-downloads nothing.
    ///
    /// ## Why is this bad?
    /// A layer's cache breaks when the files it copies change, and every layer after it
    /// rebuilds. With the sources copied before the install, editing any source file —
    /// one line of `src/index.ts` — rebuilds the install layer: every build downloads and
    /// installs all the dependencies again, minutes instead of seconds. Copying the
    /// manifests and lock files first, installing, and only then copying the sources
    /// keeps the install cached until a manifest changes.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile context=package.json,package-lock.json,src/index.js
    /// FROM node:20
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci
    /// CMD ["node", "src/index.js"]
    /// ```
    ///
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// CMD ["python", "app.py"]
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile context=package.json,package-lock.json,src/index.js
    /// FROM node:20
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// COPY . .
    /// CMD ["node", "src/index.js"]
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe. The fix inserts `COPY <manifests and lock files> <dir>` before the install
    /// (with the copy's `--chown`/`--chmod`, and below the copy's destination as written
    /// when it is absolute or holds a variable: `COPY . /app/` gives
    /// `COPY package.json /app/` whatever the `WORKDIR`, `COPY . $APP/` gives
    /// `COPY package.json $APP/`), and moves the copy of the sources after the
    /// install and after every following RUN that reads only manifests or nothing of the
    /// project (`npx prisma generate`, `apt-get install`); nothing else moves. Which
    /// files: those the install reads that exist in the build context (lock files,
    /// `.npmrc`, `prisma/`, workspace manifests), or without a context the ecosystem's
    /// conventional names (`package*.json`). It is unsafe because an install script may
    /// read files layerlint does not know about, and because a file the install writes in
    /// the project (a lock file `npm install` updates) is now replaced by the copy of the
    /// sources. There is no fix — the finding says why — when a RUN in between needs the
    /// sources, when the install itself does (a `postinstall` that builds, `poetry install`
    /// without `--no-root`, `composer install` with scripts), when the context holds what
    /// the install writes (`node_modules` not in `.dockerignore` nor in an `--exclude` of
    /// the copy), when the copy of the sources has a flag the copy of the manifests cannot
    /// carry over (`--parents`), when its `--exclude` leaves out a file the copy of the
    /// manifests would bring in (`COPY --exclude=.npmrc . .`; without a build context, a
    /// pattern with wildcards may leave out any of the conventional names, so there is no
    /// fix either), or for a build with no separate install step (`go build`: add
    /// `go mod download` first). `--exclude` stays on the copy of the sources only: BuildKit
    /// matches it below each source, so on `COPY prisma ./prisma` it would match other
    /// paths, and a file named as a source is never left out. The install
    /// command itself is left as written: `npm-install-with-lockfile` (LL202) offers
    /// `npm ci` when a lock file is copied.
    pub(crate) struct DependencyInstallAfterSourceCopy {
        code: "LL201",
        name: "dependency-install-after-source-copy",
        category: Cache,
        severity: Warning,
        fix: Sometimes,
        summary: "a dependency install runs after the sources are copied, so every source edit reinstalls",
    }
}

impl Check for DependencyInstallAfterSourceCopy {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        let optimizer = cx.optimizer();
        let findings = optimizer.findings();
        for finding in findings {
            let copy = &cx.file.instructions()[finding.copy];
            let copy_text = layerlint_cache::classify::short(cx.text(copy.range));
            let message = match finding.kind {
                InstallKind::Install => format!(
                    "`{}` runs after `{copy_text}`, so every source edit reinstalls the dependencies",
                    finding.command
                ),
                InstallKind::Build => format!(
                    "`{}` runs after `{copy_text}` with no dependency install before it, so every \
                     source edit downloads the dependencies again",
                    finding.command
                ),
            };
            let (fix, note) = match finding.fix {
                Ok(rewrite) => {
                    let note = (!finding.notes.is_empty()).then(|| finding.notes.join("; "));
                    let title = if rewrite.inserted.is_empty() {
                        "Copy the sources after the install".to_owned()
                    } else {
                        "Copy the manifests first, install, then copy the sources".to_owned()
                    };
                    (Some(Fix::unsafe_edits(title, rewrite.edits)), note)
                }
                Err(reason) => (None, Some(format!("no automatic fix: {reason}"))),
            };
            let report = cx
                .report(finding.range, message)
                .related(copy.range, "the sources are copied here")
                .maybe_fix(fix);
            if let Some(note) = note {
                report.note(note);
            }
        }
    }
}
