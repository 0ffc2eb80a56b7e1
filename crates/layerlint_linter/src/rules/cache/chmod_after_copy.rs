use layerlint_cache::features::{self, MOUNTS, SYMBOLIC_CHMOD};
use layerlint_cache::paths::{is_within, join};
use layerlint_diagnostics::{Edit, Fix};
use layerlint_shell::{Command, OptionSpec};
use layerlint_syntax::{CommandLine, InstructionKind};

use super::support::instruction_block;
use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports `RUN chmod` or `RUN chown` right after a `COPY` or `ADD` (nothing in
    /// between), on what that instruction copied.
    ///
    /// ## Why is this bad?
    /// A RUN that changes a file's mode or owner stores the whole file again in a new
    /// layer: the image carries it twice — for `chown -R app /app` after `COPY . .`, the
    /// whole application twice. The extra layer also rebuilds whenever the copy does.
    /// `COPY --chmod=755` and `COPY --chown=user:group` set them as the file is copied.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY entrypoint.sh /usr/local/bin/entrypoint.sh
    /// RUN chmod 755 /usr/local/bin/entrypoint.sh
    /// ```
    ///
    /// ```dockerfile
    /// FROM node:20
    /// WORKDIR /app
    /// COPY . .
    /// RUN chown -R node:node /app
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY --chmod=755 entrypoint.sh /usr/local/bin/entrypoint.sh
    /// ```
    ///
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY entrypoint.sh /usr/local/bin/entrypoint.sh
    /// RUN apk add --no-cache bash
    /// RUN chmod 755 /usr/local/bin/entrypoint.sh
    /// ```
    ///
    /// ## Fix safety
    /// Safe, under exact conditions: the RUN is only `chmod` (an octal mode, or a
    /// symbolic one under `# syntax=docker/dockerfile:1.14` or later) and/or `chown`
    /// with an explicit `user:group`, each on a single file the COPY copied by name, the
    /// COPY has no `--chmod`/`--chown` already, and the file's syntax allows
    /// `COPY --chmod` (BuildKit; not a Windows image). Then the file ends up with the same
    /// mode and owner. A recursive change of a copied directory gets no fix:
    /// `COPY --chown` does not change the destination directory itself when it exists
    /// (a `WORKDIR`), nor files already in it.
    pub(crate) struct ChmodAfterCopy {
        code: "LL208",
        name: "chmod-after-copy",
        category: Cache,
        severity: Warning,
        fix: Sometimes,
        summary: "`RUN chmod`/`chown` right after a COPY stores the copied files a second time",
    }
}

/// One `chmod`/`chown` of the RUN.
struct Change {
    /// The command as written.
    text: String,
    /// `chmod` or `chown`.
    flag: &'static str,
    value: String,
    recursive: bool,
    paths: Vec<String>,
    /// Can be written as a COPY flag (see the fix conditions).
    exact: bool,
}

fn change(command: Command<'_>, workdir: &str) -> Option<Change> {
    let name = command.name()?;
    let flag = match name {
        "chmod" => "chmod",
        "chown" => "chown",
        _ => return None,
    };
    let recursive = command.has_any_flag(&["-R", "--recursive"]);
    let options_ok = command
        .options(OptionSpec::NONE)
        .filter_map(|a| a.option())
        .all(|o| o.is("-R") || o.is("--recursive") || o.is("-v") || o.is("-f"));
    let mut operands = command.positionals(OptionSpec::NONE).map(|w| w.value());
    let value = operands.next()??.to_owned();
    let paths: Option<Vec<String>> = operands
        .map(|w| w.filter(|p| !p.contains('$')).map(|p| join(workdir, p)))
        .collect();
    let paths = paths?;
    if paths.is_empty() {
        return None;
    }
    let exact = options_ok
        && match flag {
            "chmod" => !value.is_empty(),
            _ => {
                let mut parts = value.split(':');
                let (user, group) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
                !user.is_empty() && !group.is_empty() && parts.next().is_none()
            }
        };
    Some(Change {
        text: command.text().to_owned(),
        flag,
        value,
        recursive,
        paths,
        exact,
    })
}

fn is_octal(mode: &str) -> bool {
    !mode.is_empty() && mode.len() <= 4 && mode.bytes().all(|b| (b'0'..=b'7').contains(&b))
}

impl Check for ChmodAfterCopy {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        let optimizer = cx.optimizer();
        // Both asked only for a COPY followed by a change of its files (few files have
        // one): the frontend once per file, whether a stage is Windows once per finding.
        let known_frontend = std::cell::OnceCell::new();
        let frontend = || known_frontend.get_or_init(|| features::frontend(cx.file));
        let mut reports = Vec::new();
        for stage in &optimizer.walk().stages {
            for position in 1..stage.steps.len() {
                let (copy_step, run_step) = (&stage.steps[position - 1], &stage.steps[position]);
                let Some(copy) = &copy_step.copy else {
                    continue;
                };
                if run_step.kind != InstructionKind::Run || copy.unresolved || copy.heredocs > 0 {
                    continue;
                }
                let run = &cx.file.instructions()[run_step.index];
                if !run.heredocs.is_empty() || !matches!(run.command(), Some(CommandLine::Shell(_)))
                {
                    continue;
                }
                if let layerlint_syntax::Body::Run(body) = &run.body
                    && !body.mounts.is_empty()
                {
                    continue;
                }
                let Some(scripts) = cx.run_scripts(run, &run_step.shell) else {
                    continue;
                };
                let commands: Vec<Command<'_>> =
                    scripts.iter().flat_map(|s| s.commands()).collect();
                let changes: Vec<Option<Change>> = commands
                    .iter()
                    .map(|c| change(*c, &run_step.workdir))
                    .collect();
                if changes.iter().all(Option::is_none) {
                    continue;
                }
                // What the copy laid down: single files by name, and directory trees.
                let files: Vec<String> = if !copy.dest_is_dir
                    && copy.sources.len() == 1
                    && !optimizer.source_is_dir(copy, &copy.sources[0])
                {
                    // One file copied to a file name (a wildcard then matches one file).
                    vec![copy.dest.clone()]
                } else {
                    copy.sources
                        .iter()
                        .filter(|s| {
                            !optimizer.source_is_dir(copy, s)
                                && !layerlint_cache::paths::has_wildcards(s)
                                && !layerlint_cache::stage::CopyStep::is_url(s)
                        })
                        .map(|s| copy.target_of(s))
                        .collect()
                };
                let copies_tree = copy.sources.iter().any(|s| {
                    optimizer.source_is_dir(copy, s) || layerlint_cache::paths::has_wildcards(s)
                });
                let on_copied = |c: &Change| {
                    c.paths.iter().all(|p| {
                        files.contains(p)
                            || (copies_tree
                                && (is_within(p, &copy.dest)
                                    || c.recursive && is_within(&copy.dest, p) && p == &copy.dest))
                    })
                };
                let relevant: Vec<&Change> =
                    changes.iter().flatten().filter(|c| on_copied(c)).collect();
                if relevant.is_empty() {
                    continue;
                }
                let all_changes = changes.iter().all(|c| c.as_ref().is_some_and(&on_copied));
                let joined_by_and = commands.iter().all(|c| {
                    matches!(
                        c.separator(),
                        layerlint_shell::Separator::And
                            | layerlint_shell::Separator::End
                            | layerlint_shell::Separator::Newline
                            | layerlint_shell::Separator::Semicolon
                    )
                });
                let mut reason: Option<String> = None;
                if !all_changes || !joined_by_and {
                    reason = Some("the RUN does more than change modes and owners".to_owned());
                }
                for c in &relevant {
                    if reason.is_some() {
                        break;
                    }
                    if !c.exact {
                        reason = Some(match c.flag {
                            "chown" => format!(
                                "`chown {}` sets no group; `COPY --chown` would set the user's",
                                c.value
                            ),
                            _ => "the command has options `COPY --chmod` does not have".to_owned(),
                        });
                    } else if c
                        .paths
                        .iter()
                        .any(|p| p == &copy.dest && !files.contains(p))
                    {
                        reason = Some(
                            "`COPY --chown`/`--chmod` would not change the destination directory itself, nor files already in it"
                                .to_owned(),
                        );
                    } else if let Some(p) = c.paths.iter().find(|p| !files.contains(p)) {
                        reason = Some(format!(
                            "the COPY copies more than `{p}`: `--{}` would apply to every file it copies",
                            c.flag
                        ));
                    } else if copy.flag(c.flag).is_some() {
                        reason = Some(format!("the COPY already has `--{}`", c.flag));
                    } else if c.flag == "chmod" && !is_octal(&c.value) {
                        reason = frontend()
                            .missing("a symbolic `COPY --chmod`", SYMBOLIC_CHMOD)
                            .map(|r| format!("{r}, or the mode in octal (`--chmod=755`)"));
                    } else if c.flag == "chmod" {
                        reason = frontend().missing("`COPY --chmod`", MOUNTS);
                    }
                }
                if reason.is_none() && features::is_windows(cx.file, stage) {
                    reason = Some(
                        "`COPY --chmod` and `--chown` need BuildKit and a Linux image".to_owned(),
                    );
                }
                let mut flags: Vec<(&'static str, String)> = Vec::new();
                for c in &relevant {
                    match flags.iter().find(|(f, _)| *f == c.flag) {
                        Some((_, v)) if *v != c.value => {
                            reason.get_or_insert_with(|| {
                                format!("two different `{}` values", c.flag)
                            });
                        }
                        Some(_) => {}
                        None => flags.push((c.flag, c.value.clone())),
                    }
                }
                let copy_instruction = &cx.file.instructions()[copy_step.index];
                let fix = match reason.as_ref() {
                    Some(_) => None,
                    None => {
                        let text: String =
                            flags.iter().map(|(f, v)| format!(" --{f}={v}")).collect();
                        let block = instruction_block(cx, run_step.index);
                        let title = flags
                            .iter()
                            .map(|(f, v)| format!("`--{f}={v}`"))
                            .collect::<Vec<_>>()
                            .join(" and ");
                        Some(Fix::safe(
                            format!("Set {title} on the {}", copy_instruction.kind),
                            vec![
                                Edit::insert(copy_instruction.keyword.end(), text),
                                Edit::delete(block),
                            ],
                        ))
                    }
                };
                let verbs: Vec<&str> = relevant.iter().map(|c| c.flag).collect();
                let mut verbs = verbs;
                verbs.dedup();
                let flags_text = verbs
                    .iter()
                    .map(|v| format!("`--{v}`"))
                    .collect::<Vec<_>>()
                    .join(" and ");
                let message = format!(
                    "`{}` right after the {} stores the copied files again; use {} on the {}",
                    if all_changes {
                        layerlint_cache::classify::short(cx.text(run.args))
                    } else {
                        layerlint_cache::classify::short(&relevant[0].text)
                    },
                    copy_instruction.kind,
                    flags_text,
                    copy_instruction.kind
                );
                reports.push((run.range, message, copy_instruction.range, fix, reason));
            }
        }
        for (range, message, copy, fix, reason) in reports {
            let report = cx
                .report(range, message)
                .related(copy, "copied here")
                .maybe_fix(fix);
            if let Some(reason) = reason {
                report.note(format!("no automatic fix: {reason}"));
            }
        }
    }
}
