//! `layerlint check`: find the Dockerfiles, check (and fix) them in parallel, write the
//! reports, and decide the exit status.

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use clap::ArgMatches;
use layerlint_linter::{Applicability, Severity};

use crate::check::{self, FileReport, FixMode, RunOptions};
use crate::cli::{CheckArgs, ColorChoice, Format};
use crate::config::{ConfigResolver, Overrides};
use crate::discovery;
use crate::files;
use crate::listing::{Contexts, Listings};
use crate::report;
use crate::{EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};

/// A report to write: its format, and its file (`None`: standard output).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub format: Format,
    pub file: Option<PathBuf>,
}

/// Where each `--format` and each `--output` stood on the command line (argument indices),
/// which pairs them.
#[derive(Clone, Debug, Default)]
pub struct Positions {
    format: Vec<usize>,
    output: Vec<usize>,
}

impl Positions {
    /// The positions in the matches of `check`.
    pub fn of(matches: &ArgMatches) -> Positions {
        let of = |id: &str| {
            matches
                .indices_of(id)
                .map(Iterator::collect)
                .unwrap_or_default()
        };
        Positions {
            format: of("format"),
            output: of("output"),
        }
    }
}

/// `listings`: the directory listings made so far (see [`Listings::list_early`]).
pub fn run(args: &CheckArgs, positions: &Positions, listings: Listings) -> Result<u8> {
    if let Some(reason) = &args.add_ignore
        && reason.contains(['\n', '\r'])
    {
        bail!("--add-ignore: the reason must be one line");
    }
    let stdout_terminal = std::io::stdout().is_terminal();
    let outputs = pair_outputs(args, positions, stdout_terminal)?;
    let color = use_color(args.color, stdout_terminal);
    let overrides = Overrides::from_args(args)?;
    let resolver = Arc::new(ConfigResolver::new(args, overrides)?);
    let contexts = Contexts::default();
    let found = discovery::discover(
        &args.paths,
        args.stdin_filename.as_deref(),
        args.force_exclude,
        &resolver,
        &listings,
    );
    let mut errors: Vec<String> = found.errors.clone();
    if !args.allow_empty {
        for dir in &found.empty_dirs {
            errors.push(format!(
                "{}: no Dockerfile found (looked for Dockerfile, Dockerfile.*, Dockerfile-*, \
                 *.Dockerfile, *.dockerfile, Containerfile, Containerfile.*, dockerfile)",
                dir.display()
            ));
        }
    }
    if found.inputs.is_empty() {
        // pre-commit passes `--force-exclude` and the files of the commit: when `exclude`
        // takes every one, there is nothing to check, and nothing wrong.
        if found.force_excluded > 0 && errors.is_empty() {
            if let Some(path) = &found.stdin_excluded
                && prints_stdin(args, &resolver, path)
            {
                // As `--fix -` would print it with nothing to fix: unchanged.
                std::io::copy(&mut std::io::stdin().lock(), &mut std::io::stdout().lock())
                    .context("standard input")?;
            }
            if !args.quiet {
                eprintln!("No Dockerfile to check: `exclude` takes every one given.");
            }
            return Ok(EXIT_OK);
        }
        if args.allow_empty && errors.is_empty() {
            if !args.quiet {
                eprintln!("No Dockerfile found.");
            }
            return Ok(EXIT_OK);
        }
        for error in &errors {
            eprintln!("error: {error}");
        }
        if errors.is_empty() {
            eprintln!("error: no Dockerfile found");
        }
        return Ok(EXIT_ERROR);
    }
    let stdin = found
        .inputs
        .iter()
        .any(|i| i.stdin)
        .then(|| files::read_stdin().map_err(|e| e.to_string()));
    let context = args
        .context
        .as_ref()
        .map(std::path::absolute)
        .transpose()
        .context("--context")?;
    if let Some(dir) = &context
        && !dir.is_dir()
    {
        bail!("--context {}: not a directory", dir.display());
    }
    let mode = if args.diff {
        FixMode::Diff
    } else if args.add_ignore.is_some() {
        FixMode::AddIgnore
    } else {
        FixMode::Check
    };
    let options = RunOptions {
        mode,
        listings: &listings,
        contexts: &contexts,
        context: context.as_deref(),
        ignore_reason: args.add_ignore.as_deref(),
        // `--statistics` replaces the reports on standard output, not those in files.
        keep_source: outputs
            .iter()
            .any(|o| o.format == Format::Text && (o.file.is_some() || !args.statistics)),
        fingerprints: outputs
            .iter()
            .any(|o| matches!(o.format, Format::Sarif | Format::Gitlab)),
        // One report, of parts per file, of the findings as they are (not `--statistics`,
        // which counts them per rule).
        render: match outputs.as_slice() {
            [output] if mode == FixMode::Check && !args.fix_only && !args.statistics => {
                report::PerFile::of(output.format, color && output.file.is_none())
            }
            _ => None,
        },
    };
    let mut reports = check::run(&found.inputs, stdin.as_ref(), &resolver, &options);

    // Problems: each configuration error once, then each file's.
    let mut config_errors_seen: Vec<Arc<String>> = Vec::new();
    for report in &reports {
        if let Some(problem) = &report.config_error {
            if !config_errors_seen.iter().any(|p| Arc::ptr_eq(p, problem)) {
                config_errors_seen.push(Arc::clone(problem));
                errors.push(problem.to_string());
            }
        } else if let Some(error) = &report.error {
            errors.push(error.clone());
        }
    }
    let warnings: Vec<String> = reports.iter().flat_map(|r| r.warnings.clone()).collect();

    let fixed_total: usize = reports
        .iter()
        .map(|r| r.fixed.values().sum::<usize>())
        .sum();
    if args.fix_only {
        for report in &mut reports {
            report.clear_findings();
        }
    }

    // Fixed standard input goes to standard output; the reports then go to stderr.
    let stdin_fixed = reports.iter().find_map(|r| r.fixed_stdin.clone());
    let mut stdout = std::io::stdout().lock();
    if let Some(text) = &stdin_fixed {
        stdout.write_all(text.as_bytes())?;
    }
    if mode == FixMode::Diff {
        for report in &reports {
            if let Some(diff) = &report.diff {
                stdout.write_all(diff.as_bytes())?;
            }
        }
    } else if !args.fix_only {
        for output in &outputs {
            match &output.file {
                Some(path) => {
                    let mut buffer = Vec::new();
                    report::write(output.format, &reports, false, &mut buffer)?;
                    if let Err(err) = std::fs::write(path, &buffer) {
                        errors.push(format!(
                            "{}: cannot write the report: {}",
                            path.display(),
                            discovery::io_message(&err)
                        ));
                    }
                }
                None => {
                    // Streamed, not built in memory first: the report of a monorepo can
                    // be megabytes.
                    let mut stderr;
                    let stream: &mut dyn std::io::Write = if stdin_fixed.is_some() {
                        stderr = std::io::stderr().lock();
                        &mut stderr
                    } else {
                        &mut stdout
                    };
                    let mut out = std::io::BufWriter::with_capacity(1 << 16, stream);
                    if args.statistics {
                        let mut buffer = Vec::new();
                        write_statistics(&reports, output.format, &mut buffer)?;
                        out.write_all(&buffer)?;
                    } else {
                        report::write(output.format, &reports, color, &mut out)?;
                    }
                    out.flush()?;
                }
            }
        }
    }
    stdout.flush()?;
    drop(stdout);

    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    for error in &errors {
        eprintln!("error: {error}");
    }
    if args.show_fixes && fixed_total > 0 {
        eprint!("{}", fixes_listing(&reports, mode));
    }
    if !args.quiet {
        eprint!("{}", summary(&reports, args, mode, fixed_total));
    }

    let status = if !errors.is_empty() {
        EXIT_ERROR
    } else if mode == FixMode::Diff {
        if reports.iter().any(|r| r.diff.is_some()) {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        }
    } else if args.exit_non_zero_on_fix && fixed_total > 0 {
        EXIT_FINDINGS
    } else if args.fix_only || args.exit_zero {
        EXIT_OK
    } else if reports.iter().any(FileReport::fails) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    // The process ends after this: freeing thousands of reports one allocation at a time
    // (a few percent of a monorepo run, after the last file) is work the exit does anyway.
    std::mem::forget(reports);
    std::mem::forget(found);
    std::mem::forget(listings);
    std::mem::forget(contexts);
    Ok(status)
}

/// Whether the Dockerfile read from standard input, at `path`, is to be printed back
/// (`--fix`, `--add-ignore`, or `fix = true` in its configuration).
fn prints_stdin(args: &CheckArgs, resolver: &ConfigResolver, path: &std::path::Path) -> bool {
    if args.diff {
        return false;
    }
    let dir = path.parent().unwrap_or(path);
    args.add_ignore.is_some() || resolver.for_dir(dir).is_ok_and(|r| r.settings.fix)
}

fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
            if set("NO_COLOR") {
                false
            } else if set("FORCE_COLOR") || set("CLICOLOR_FORCE") {
                true
            } else {
                terminal && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        }
    }
}

/// Pairs each `--output` with the `--format` given before it (or, failing that, the next
/// one); formats left over print to standard output. Without `--format`, one report in
/// the default format: `text` on a terminal, `concise` otherwise (and in files).
pub fn pair_outputs(
    args: &CheckArgs,
    positions: &Positions,
    stdout_terminal: bool,
) -> Result<Vec<Output>> {
    let (format_at, output_at) = (&positions.format, &positions.output);
    let mut outputs: Vec<Output> = args
        .format
        .iter()
        .map(|format| Output {
            format: *format,
            file: None,
        })
        .collect();
    if outputs.is_empty() {
        let format = if stdout_terminal && args.output.is_empty() {
            Format::Text
        } else {
            Format::Concise
        };
        outputs.push(Output { format, file: None });
        return match args.output.as_slice() {
            [] => Ok(outputs),
            [file] => {
                outputs[0].file = Some(file.clone());
                Ok(outputs)
            }
            _ => bail!("several --output files need a --format each"),
        };
    }
    let mut taken = vec![false; outputs.len()];
    for (file, at) in args.output.iter().zip(output_at.iter()) {
        let before = (0..outputs.len())
            .rev()
            .find(|&i| !taken[i] && format_at.get(i).is_some_and(|f| f < at));
        let slot = before.or_else(|| (0..outputs.len()).find(|&i| !taken[i]));
        let Some(slot) = slot else {
            bail!(
                "--output {}: no --format left to write to it",
                file.display()
            );
        };
        taken[slot] = true;
        outputs[slot].file = Some(file.clone());
    }
    // Two reports to one file: the last would silently replace the first.
    let mut seen = Vec::new();
    for file in outputs.iter().filter_map(|o| o.file.as_deref()) {
        let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_owned());
        // The directory resolved (`..`, symbolic links) when it exists.
        let absolute = match (absolute.parent(), absolute.file_name()) {
            (Some(dir), Some(name)) => {
                std::fs::canonicalize(dir).map_or(absolute.clone(), |d| d.join(name))
            }
            _ => absolute,
        };
        if seen.contains(&absolute) {
            bail!("--output {}: named twice", file.display());
        }
        seen.push(absolute);
    }
    Ok(outputs)
}

fn write_statistics(reports: &[FileReport], format: Format, out: &mut Vec<u8>) -> Result<()> {
    struct Count {
        name: &'static str,
        count: usize,
        fixable: usize,
    }
    let mut counts: BTreeMap<&str, Count> = BTreeMap::new();
    for report in reports {
        for finding in &report.findings {
            let d = &finding.diagnostic;
            let entry = counts.entry(d.rule.code).or_insert(Count {
                name: d.rule.name,
                count: 0,
                fixable: 0,
            });
            entry.count += 1;
            entry.fixable += usize::from(finding.fixable(Applicability::Safe));
        }
    }
    let mut rows: Vec<(&str, Count)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
    if format == Format::Json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|(code, c)| {
                serde_json::json!({"code": code, "name": c.name, "count": c.count, "fixable": c.fixable})
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &list)?;
        writeln!(out)?;
        return Ok(());
    }
    let width = rows
        .iter()
        .map(|(_, c)| c.count.to_string().len())
        .max()
        .unwrap_or(1);
    for (code, c) in &rows {
        let fixable = if c.fixable > 0 {
            format!(" ({} fixable)", c.fixable)
        } else {
            String::new()
        };
        writeln!(out, "{:>width$}  {code}  {}{fixable}", c.count, c.name)?;
    }
    Ok(())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn fixes_listing(reports: &[FileReport], mode: FixMode) -> String {
    let verb = if mode == FixMode::Diff {
        "Would fix"
    } else {
        "Fixed"
    };
    let mut out = format!("{verb}:\n");
    for report in reports.iter().filter(|r| !r.fixed.is_empty()) {
        out.push_str(&format!("  {}:\n", report.path));
        for (rule, count) in &report.fixed {
            out.push_str(&format!(
                "    {count} × {} ({})\n",
                rule.code(),
                rule.name()
            ));
        }
    }
    out
}

fn summary(reports: &[FileReport], args: &CheckArgs, mode: FixMode, fixed: usize) -> String {
    let files = reports.iter().filter(|r| r.error.is_none()).count();
    if files == 0 {
        // Every file had an error, and each was reported.
        return String::new();
    }
    if mode == FixMode::Diff {
        let changed = reports.iter().filter(|r| r.diff.is_some()).count();
        return if changed == 0 {
            format!("No fixes to apply in {}.\n", plural(files, "file", "files"))
        } else {
            format!(
                "Would fix {} in {}.\n",
                plural(fixed, "finding", "findings"),
                plural(changed, "file", "files")
            )
        };
    }
    let mut out = String::new();
    if mode == FixMode::AddIgnore {
        let (comments, hidden) = reports.iter().fold((0, 0), |(c, h), r| {
            (c + r.ignores_added.0, h + r.ignores_added.1)
        });
        let changed = reports.iter().filter(|r| r.ignores_added.0 > 0).count();
        out.push_str(&if comments == 0 {
            format!(
                "No suppression comments to add in {}.\n",
                plural(files, "file", "files")
            )
        } else {
            format!(
                "Hid {} with {} in {}.\n",
                plural(hidden, "finding", "findings"),
                plural(comments, "suppression comment", "suppression comments"),
                plural(changed, "file", "files")
            )
        });
    }
    if fixed > 0 {
        out.push_str(&format!(
            "Fixed {}.\n",
            plural(fixed, "finding", "findings")
        ));
    }
    if args.fix_only {
        if fixed == 0 {
            out.push_str(&format!(
                "No fixes to apply in {}.\n",
                plural(files, "file", "files")
            ));
        }
        return out;
    }
    let mut by_severity = [0; Severity::ALL.len()];
    let (mut total, mut safe, mut unsafe_only) = (0, 0, 0);
    let with_findings = reports.iter().filter(|r| r.tally.total > 0).count();
    for tally in reports.iter().map(|r| &r.tally) {
        total += tally.total;
        safe += tally.safe;
        unsafe_only += tally.unsafe_only;
        for (sum, n) in by_severity.iter_mut().zip(tally.by_severity) {
            *sum += n;
        }
    }
    if total == 0 {
        out.push_str(&format!(
            "No findings in {}.\n",
            plural(files, "checked file", "checked files")
        ));
        return out;
    }
    let parts: Vec<String> = Severity::ALL
        .iter()
        .zip(by_severity)
        .filter(|(_, n)| *n > 0)
        .map(|(severity, n)| format!("{n} {}", severity.as_str()))
        .collect();
    out.push_str(&format!(
        "Found {} ({}) in {} of {}.\n",
        plural(total, "finding", "findings"),
        parts.join(", "),
        with_findings,
        plural(files, "file", "files")
    ));
    let fixing = args.fix || args.fix_only;
    if safe > 0 && !fixing {
        out.push_str(&format!("{safe} fixable with `--fix`"));
        if unsafe_only > 0 {
            out.push_str(&format!(
                " ({unsafe_only} more with `--fix --unsafe-fixes`)"
            ));
        }
        out.push_str(".\n");
    } else if unsafe_only > 0 && !(fixing && args.unsafe_fixes) {
        out.push_str(&format!(
            "{unsafe_only} fixable with `--fix --unsafe-fixes`.\n"
        ));
    }
    out
}
