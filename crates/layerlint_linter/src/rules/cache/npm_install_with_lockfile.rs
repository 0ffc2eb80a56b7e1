use layerlint_cache::ecosystem::Ecosystem;
use layerlint_cache::optimize::Optimizer;
use layerlint_cache::paths::{base_name, join};
use layerlint_cache::stage::{CopyFrom, StageWalk};
use layerlint_diagnostics::{Edit, Fix};
use layerlint_shell::known;
use layerlint_syntax::InstructionKind;

use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::shell::word_replacement;

declare_rule! {
    /// ## What it does
    /// Reports `npm install` (no package named) in a stage that has copied a lock file
    /// (`package-lock.json` or `npm-shrinkwrap.json`) to where it runs.
    ///
    /// ## Why is this bad?
    /// `npm install` treats the lock file as a starting point: it may resolve other
    /// versions and rewrite the lock, so two builds of the same sources can install
    /// different dependencies, and the layer cache hides which. `npm ci` installs exactly
    /// what the lock file records, fails when it disagrees with `package.json`, and is
    /// faster on a clean install. It is the command npm documents for automated builds.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm install
    /// COPY . .
    /// ```
    ///
    /// ```dockerfile context=package.json,package-lock.json
    /// FROM node:20
    /// WORKDIR /app
    /// COPY package*.json ./
    /// RUN npm install --omit=dev
    /// COPY . .
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// RUN npm ci
    /// COPY . .
    /// ```
    ///
    /// ```dockerfile context=package.json
    /// FROM node:20
    /// WORKDIR /app
    /// COPY package*.json ./
    /// RUN npm install
    /// COPY . .
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: `npm ci` fails when `package.json` and the lock file disagree (which
    /// `npm install` would have papered over), and it deletes an existing `node_modules`
    /// first. Not reported when the install opts out of the lock file
    /// (`--no-package-lock`, `--package-lock=false`). Inside an `sh -c` string the fix
    /// replaces the word with its escapes (`sh -c "npm \"install\""` gives
    /// `sh -c "npm ci"`); there is no fix when the word cannot be mapped back to the
    /// Dockerfile exactly (a line continuation inside the string, a quote of the outer
    /// shell in the middle of the word).
    pub(crate) struct NpmInstallWithLockfile {
        code: "LL202",
        name: "npm-install-with-lockfile",
        category: Cache,
        severity: Warning,
        fix: Sometimes,
        summary: "`npm install` where a lock file is copied; `npm ci` installs exactly what it locks",
    }
}

const LOCKS: [&str; 2] = ["package-lock.json", "npm-shrinkwrap.json"];

/// Whether a copy from the build context before `position` in `stage` lays the lock file
/// `lock` at `path`: it maps there, and the context holds it (when known; without one, the
/// copy names a file of that name). What [`LockSearch`] answers, by searching the copies.
fn provided(
    optimizer: &Optimizer<'_>,
    stage: &StageWalk,
    position: usize,
    path: &str,
    lock: &str,
) -> bool {
    stage.steps[..position]
        .iter()
        .filter_map(|s| s.copy.as_deref())
        .filter(|c| c.from == CopyFrom::Context)
        .any(|copy| match optimizer.map_copy(copy, path) {
            None => false,
            Some(q) => match optimizer.context() {
                Some(context) => context.exists(&q) && !context.is_ignored(&q),
                None => copy.sources.iter().any(|s| base_name(s) == lock),
            },
        })
}

/// Whether the copy at position `p` of `stage` lays the lock file `lock` at `path`.
fn provides(
    optimizer: &Optimizer<'_>,
    stage: &StageWalk,
    p: usize,
    path: &str,
    lock: &str,
) -> bool {
    let Some(copy) = stage.steps[p].copy.as_deref() else {
        return false;
    };
    match optimizer.context() {
        Some(context) => optimizer
            .map_copy_at(stage, p, path)
            .is_some_and(|q| context.exists(&q) && !context.is_ignored(&q)),
        None => {
            copy.sources.iter().any(|s| base_name(s) == lock)
                && optimizer.map_copy_at(stage, p, path).is_some()
        }
    }
}

/// Whether a copy before a position lays a lock file, for the installs of a stage in
/// order, each copy read once per path: asked
/// at every install, searching every copy before it is quadratic in a stage of many
/// copies and installs.
#[derive(Default)]
struct LockSearch {
    /// The positions of the stage's copies from the build context (made at the first
    /// question).
    copies: Option<Vec<usize>>,
    /// Per path and lock: how many of `copies` are read, and whether one of them lays it.
    known: foldhash::HashMap<(String, &'static str), (usize, bool)>,
    /// Whether a stage of a few steps is remembered too (for the tests).
    carry_always: bool,
}

/// From this many steps, what the copies of a stage lay out is remembered.
const CARRY_FROM: usize = 64;

impl LockSearch {
    /// Whether a copy from the build context before `position` lays the lock file `lock` at
    /// `path` (the context holds it; without a context, the copy names a file of that
    /// name), for positions that do not go down from one call to the next.
    fn provided(
        &mut self,
        optimizer: &Optimizer<'_>,
        stage: &StageWalk,
        position: usize,
        path: String,
        lock: &'static str,
    ) -> bool {
        if stage.steps.len() < CARRY_FROM && !self.carry_always {
            // A stage of a few steps: searching costs less than remembering.
            return provided(optimizer, stage, position, &path, lock);
        }
        let copies = self.copies.get_or_insert_with(|| {
            (0..stage.steps.len())
                .filter(|&p| {
                    stage.steps[p]
                        .copy
                        .as_deref()
                        .is_some_and(|c| c.from == CopyFrom::Context)
                })
                .collect()
        });
        let key = (path, lock);
        let (mut read, mut found) = self.known.get(&key).copied().unwrap_or((0, false));
        while !found && read < copies.len() && copies[read] < position {
            found = provides(optimizer, stage, copies[read], &key.0, lock);
            read += 1;
        }
        self.known.insert(key, (read, found));
        found
    }
}

impl Check for NpmInstallWithLockfile {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        let optimizer = cx.optimizer();
        let mut reports = Vec::new();
        for stage in &optimizer.walk().stages {
            let mut locks = LockSearch::default();
            for (position, step) in stage.steps.iter().enumerate() {
                if step.kind != InstructionKind::Run {
                    continue;
                }
                let instruction = &cx.file.instructions()[step.index];
                if instruction.command().is_none_or(|c| c.is_exec()) {
                    continue;
                }
                // The planner's scripts of the step: the same as `cx.run_scripts` gives, kept
                // per step for the other cache rules.
                let Some(scripts) = optimizer.scripts(stage, position) else {
                    continue;
                };
                // Only an `npm` command makes an npm install: the planner's analysis (which
                // most RUNs would otherwise get only for this rule) is asked for those.
                let runs_npm = scripts.iter().any(|s| {
                    s.commands()
                        .any(|c| c.is("npm") || s.unwrapped_name(c.id()) == Some("npm"))
                });
                if !runs_npm {
                    continue;
                }
                let Some(analysis) = optimizer.analysis(stage, position) else {
                    continue;
                };
                if !analysis
                    .installs
                    .iter()
                    .any(|i| i.ecosystem == Ecosystem::Npm)
                {
                    continue;
                }
                for install in analysis
                    .installs
                    .iter()
                    .filter(|i| i.ecosystem == Ecosystem::Npm)
                {
                    let Some((script, command)) = scripts.iter().find_map(|s| {
                        s.commands()
                            .map(|c| c.unwrapped())
                            .find(|c| c.range() == install.range)
                            .map(|c| (s, c))
                    }) else {
                        continue;
                    };
                    let Some(sub) = command.positionals(known::NPM).next() else {
                        continue;
                    };
                    if !matches!(
                        sub.value(),
                        Some("install" | "i" | "in" | "add" | "isntall")
                    ) {
                        continue;
                    }
                    let opts_out = command
                        .has_any_flag(&["--no-package-lock", "--package-lock-only"])
                        || command
                            .flag_values(&["--package-lock"])
                            .any(|v| v.as_str() == "false");
                    if opts_out {
                        continue;
                    }
                    let lock = LOCKS.iter().find_map(|lock| {
                        let path = join(&install.cwd, lock);
                        locks
                            .provided(&optimizer, stage, position, path, lock)
                            .then_some(*lock)
                    });
                    let Some(lock) = lock else {
                        continue;
                    };
                    // `install` as written in the Dockerfile: inside an `sh -c` string, with
                    // its escapes; no fix when it cannot be told.
                    let edit = word_replacement(cx.source(), script, command, sub, "ci");
                    reports.push((command.range(), edit, lock));
                }
            }
        }
        for (range, edit, lock) in reports {
            cx.report(
                range,
                format!(
                    "`npm install` may change what {lock} locks; `npm ci` installs exactly that"
                ),
            )
            .maybe_fix(
                edit.map(|sub| Fix::unsafe_edits("Use `npm ci`", vec![Edit::replace(sub, "ci")])),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use layerlint_cache::BuildContext;
    use layerlint_syntax::semantic::Semantic;

    /// Lines of stages: copies of lock files, of the sources, of wildcards, to other
    /// directories, from another stage, and RUNs in between.
    fn line() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "WORKDIR /app",
            "WORKDIR /srv",
            "COPY package-lock.json ./",
            "COPY package.json npm-shrinkwrap.json /srv/",
            "COPY . .",
            "COPY src/ ./",
            "COPY *.json ./",
            "COPY app/package-lock.json /app/",
            "COPY --from=build /out/package-lock.json ./",
            "COPY f1 ./",
            "RUN npm install",
            "FROM node:20 AS build",
        ])
    }

    proptest::proptest! {
        /// `LockSearch`, asked at positions in order, answers what a search of every copy
        /// before the position answers, with a build context and without.
        #[test]
        fn lock_search_matches_a_search(
            lines in proptest::collection::vec(line(), 0..30),
            asks in proptest::collection::vec((0usize..40, 0usize..4, 0usize..2), 0..30),
        ) {
            let source = format!("FROM node:20\n{}\n", lines.join("\n"));
            let parse = layerlint_syntax::parse(&source);
            let semantic = Semantic::new(&parse.file);
            let contexts = [
                None,
                Some(BuildContext::in_memory([
                    ("package-lock.json", ""),
                    ("package.json", ""),
                    ("src/package-lock.json", ""),
                    ("app/package-lock.json", ""),
                    ("f1", ""),
                    ("npm-shrinkwrap.json", ""),
                    (".dockerignore", "src/package-lock.json\n"),
                ])),
            ];
            for context in &contexts {
                let optimizer = Optimizer::new(&parse.file, &semantic, context.as_ref());
                for stage in &optimizer.walk().stages {
                    let mut asks = asks.clone();
                    asks.sort_unstable();
                    let mut search = LockSearch {
                        carry_always: true,
                        ..LockSearch::default()
                    };
                    for (position, cwd, lock) in asks {
                        let position = position.min(stage.steps.len());
                        let cwd = ["/app", "/srv", "/", "/app/sub"][cwd];
                        let lock = LOCKS[lock];
                        let path = join(cwd, lock);
                        proptest::prop_assert_eq!(
                            search.provided(&optimizer, stage, position, path.clone(), lock),
                            provided(&optimizer, stage, position, &path, lock),
                            "{} at {}",
                            path,
                            position
                        );
                    }
                }
            }
        }
    }
}
