//! Checking (and fixing) the discovered Dockerfiles, in parallel: each file is read once,
//! parsed and linted once per fix pass, and turned into a [`FileReport`] that every
//! reporter can print without the source, except the text reporter's code frames.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use layerlint_linter::fix::fix_file;
use layerlint_linter::{Applicability, Diagnostic, FailureThreshold, Rule, Target, lint_target};
use layerlint_text::{LineIndex, PositionCursor, SourcePosition, TextSize};
use rayon::prelude::*;

use crate::config::ConfigResolver;
use crate::discovery::Input;
use crate::files::{self, SourceFile};
use crate::listing::{Contexts, FilePath, Listings};

/// How the run treats fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixMode {
    /// Report; apply fixes where the settings say `fix = true`.
    Check,
    /// Print the fixes as a diff, write nothing.
    Diff,
    /// Add suppression comments for the findings and write the files; no fixes.
    AddIgnore,
}

/// What the run needs besides the files.
pub struct RunOptions<'a> {
    pub mode: FixMode,
    /// Directory listings made during discovery.
    pub listings: &'a Listings,
    /// The build contexts of the run, shared by the Dockerfiles of a context root.
    pub contexts: &'a Contexts,
    /// `--context DIR` (absolute).
    pub context: Option<&'a Path>,
    /// Keep each file's text for reporters that quote it (the text format).
    pub keep_source: bool,
    /// With [`FixMode::AddIgnore`]: the reason written after the codes.
    pub ignore_reason: Option<&'a str>,
    /// Compute each finding's [`Finding::text_hash`] (the SARIF and GitLab formats'
    /// fingerprints; 0 otherwise).
    pub fingerprints: bool,
    /// The one report of the run, when its format is a sequence of per-file parts: each
    /// file's part is rendered on the thread that checked the file, as soon as its
    /// findings are known, and kept instead of them ([`FileReport::rendered`]).
    pub render: Option<crate::report::PerFile>,
}

/// One finding, with the positions every format needs.
#[derive(Debug)]
pub struct Finding {
    pub diagnostic: Diagnostic,
    /// One-based line and column (in characters) of the start and of the end.
    pub start: SourcePosition,
    pub end: SourcePosition,
    /// Positions of the related locations, in the order of `diagnostic.related`.
    pub related: Vec<(SourcePosition, SourcePosition)>,
    /// A hash of the finding's text with whitespace collapsed: with the path and the code
    /// it identifies the finding across edits that move lines (GitLab fingerprints). 0
    /// unless [`RunOptions::fingerprints`].
    pub text_hash: u64,
}

impl Finding {
    pub fn fixable(&self, required: Applicability) -> bool {
        self.diagnostic
            .fix
            .as_ref()
            .is_some_and(|f| !f.edits.is_empty() && f.applies(required))
    }
}

/// Everything the reporters and the exit status need about one file.
#[derive(Debug, Default)]
pub struct FileReport {
    /// The path as reports show it.
    pub path: String,
    /// The text the findings point into (the fixed text after `--fix`); only kept for
    /// the text format.
    pub source: Option<String>,
    pub findings: Vec<Finding>,
    /// Fixes applied (or, with `--diff`, that would be), per rule.
    pub fixed: BTreeMap<Rule, usize>,
    /// `--diff`: the unified diff, when something would change.
    pub diff: Option<String>,
    /// `--add-ignore`: the suppression comments added, and the findings they hide.
    pub ignores_added: (usize, usize),
    /// Standard input with `--fix` or `--add-ignore`: the text to print instead of writing
    /// it (fixed, or as it was when nothing changed).
    pub fixed_stdin: Option<String>,
    /// A problem that stopped the file from being checked or written: one line.
    pub error: Option<String>,
    /// Things the user should know (fixes that did not converge or were dropped).
    pub warnings: Vec<String>,
    pub threshold: FailureThreshold,
    /// The configuration error behind `error`, shared by every file it governs.
    pub config_error: Option<Arc<String>>,
    /// ShellCheck still to run over this file (batched across files after the walk).
    deferred: Option<Box<Deferred>>,
    /// What the summary and the exit status need of the findings, counted when they are
    /// set ([`FileReport::set_findings`]): it stays when they are dropped.
    pub tally: Tally,
    /// The file's part of the report, rendered as soon as the findings were known
    /// ([`RunOptions::render`]); `findings` and `source` are then left empty.
    pub rendered: Option<Vec<u8>>,
}

/// The findings of a file, counted: what the summary line and the exit status need.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub total: usize,
    /// Per severity, in the order of [`Severity::ALL`](layerlint_linter::Severity::ALL).
    pub by_severity: [usize; 4],
    /// Fixable with `--fix`.
    pub safe: usize,
    /// Fixable only with `--fix --unsafe-fixes`.
    pub unsafe_only: usize,
    /// Whether a finding is at or above the file's failure threshold.
    pub fails: bool,
}

impl Tally {
    fn of(findings: &[Finding], threshold: FailureThreshold) -> Tally {
        let mut tally = Tally {
            total: findings.len(),
            ..Tally::default()
        };
        for finding in findings {
            let severity = finding.diagnostic.severity;
            if let Some(i) = layerlint_linter::Severity::ALL
                .iter()
                .position(|s| *s == severity)
            {
                tally.by_severity[i] += 1;
            }
            if finding.fixable(Applicability::Safe) {
                tally.safe += 1;
            } else if finding.fixable(Applicability::Unsafe) {
                tally.unsafe_only += 1;
            }
            tally.fails |= threshold.fails(severity);
        }
        tally
    }
}

impl FileReport {
    /// Whether a finding is at or above the file's failure threshold.
    pub fn fails(&self) -> bool {
        self.tally.fails
    }

    /// Sets the findings (of a file whose `threshold` is set), and counts them.
    fn set_findings(&mut self, findings: Vec<Finding>) {
        self.tally = Tally::of(&findings, self.threshold);
        self.findings = findings;
    }

    /// Drops the findings (`--fix-only` reports none), and their count.
    pub fn clear_findings(&mut self) {
        self.findings.clear();
        self.tally = Tally::default();
    }
}

/// Checks every input; reports come back in input order.
pub fn run(
    inputs: &[Input],
    stdin: Option<&Result<SourceFile, String>>,
    resolver: &ConfigResolver,
    options: &RunOptions<'_>,
) -> Vec<FileReport> {
    let contexts = options.contexts;
    let one = |memo: &mut DirMemo, input: &Input| {
        check_one(input, stdin, resolver, options, contexts, memo)
    };
    let mut reports: Vec<FileReport> = if inputs.len() < 2 {
        let mut memo = DirMemo::default();
        inputs.iter().map(|input| one(&mut memo, input)).collect()
    } else {
        // Started already when the command line named many files (see `crate::run`).
        crate::pool::start();
        inputs.par_iter().map_init(DirMemo::default, one).collect()
    };
    run_shellcheck(&mut reports, options.fingerprints);
    reports
}

/// What the last file checked on a thread found for its directory (its settings, the
/// listing discovery made of it, the slot of its shared build context, whose root is the
/// directory or the one `--context` names for every file): the files of a directory are
/// checked one after another, and the next one in the same directory gets the same
/// answers, which the run's maps hold anyway, without hashing the directory's path into
/// them again.
#[derive(Default)]
struct DirMemo {
    dir: Option<std::path::PathBuf>,
    resolved: Option<Result<Arc<crate::config::Resolved>, crate::config::ConfigProblem>>,
    listing: Option<Option<Arc<crate::listing::Listing>>>,
    context: Option<crate::listing::Slot>,
}

impl DirMemo {
    /// Forgets the answers of another directory than `dir`.
    fn enter(&mut self, dir: &Path) {
        if self.dir.as_deref() != Some(dir) {
            *self = DirMemo {
                dir: Some(dir.to_owned()),
                ..DirMemo::default()
            };
        }
    }
}

/// A file whose ShellCheck findings are still to come: ShellCheck runs once over many
/// files rather than once per file.
#[derive(Debug)]
pub struct Deferred {
    parse: layerlint_syntax::Parse,
    resolved: Arc<crate::config::Resolved>,
    context: Option<Arc<layerlint_linter::BuildContext>>,
    /// The path as reports show it.
    path: std::path::PathBuf,
    /// The absolute path, where the rules look for the file ([`Target::path`]).
    absolute: std::path::PathBuf,
    diagnostics: Vec<Diagnostic>,
    keep_source: bool,
    /// `--add-ignore`: where to write the comments once ShellCheck's findings are in.
    add_ignore: Option<AddIgnore>,
}

/// A deferred file once ShellCheck has run: its findings, and the text they point into.
struct Completed {
    index: usize,
    diagnostics: Vec<Diagnostic>,
    text: String,
    keep_source: bool,
    /// `--add-ignore`: what writing the comments adds to the file's report.
    ignored: Option<FileReport>,
}

/// A file whose suppression comments wait for its ShellCheck findings.
#[derive(Debug)]
struct AddIgnore {
    input: Input,
    modified: Option<std::time::SystemTime>,
    reason: Option<String>,
}

/// Runs ShellCheck over the deferred files, in as many batches (processes) as there are
/// threads, and completes their reports.
fn run_shellcheck(reports: &mut [FileReport], fingerprints: bool) {
    let work: Vec<(usize, Box<Deferred>)> = reports
        .iter_mut()
        .enumerate()
        .filter_map(|(i, r)| r.deferred.take().map(|d| (i, d)))
        .collect();
    if work.is_empty() {
        return;
    }
    let threads = rayon::current_num_threads().max(1);
    let chunk = work.len().div_ceil(threads);
    let results: Vec<Completed> = work
        .par_chunks(chunk)
        .flat_map_iter(|part| {
            let mut batch = layerlint_linter::shellcheck::Batch::new(&part[0].1.resolved.settings);
            for (i, file) in part {
                let target = Target {
                    path: Some(&file.absolute),
                    context: file.context.as_deref(),
                };
                batch.add_with_settings(*i, &file.parse, &target, &file.resolved.settings);
            }
            let mut outcome = batch.run();
            part.iter()
                .map(|(i, file)| {
                    let mut diagnostics = file.diagnostics.clone();
                    diagnostics.extend(outcome.findings.remove(i).unwrap_or_default());
                    layerlint_linter::sort_diagnostics(&mut diagnostics);
                    let source = file.parse.file.source();
                    let Some(job) = &file.add_ignore else {
                        return Completed {
                            index: *i,
                            diagnostics,
                            text: source.to_owned(),
                            keep_source: file.keep_source,
                            ignored: None,
                        };
                    };
                    // The comments, now that every finding is known; what they change
                    // goes back into the file's report.
                    let mut report = FileReport {
                        path: file.path.display().to_string(),
                        ..FileReport::default()
                    };
                    let original = SourceFile {
                        text: source.to_owned(),
                        modified: job.modified,
                    };
                    let target = Target {
                        path: Some(&file.absolute),
                        context: file.context.as_deref(),
                    };
                    let (text, diagnostics) = add_ignores(
                        &job.input,
                        &original,
                        &file.parse,
                        diagnostics,
                        &target,
                        &file.resolved.settings,
                        job.reason.as_deref(),
                        &mut report,
                    );
                    Completed {
                        index: *i,
                        diagnostics,
                        text: text.unwrap_or(original.text),
                        keep_source: file.keep_source,
                        ignored: Some(report),
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for Completed {
        index,
        diagnostics,
        text,
        keep_source,
        ignored,
    } in results
    {
        let report = &mut reports[index];
        if let Some(ignored) = ignored {
            report.warnings.extend(ignored.warnings);
            report.error = report.error.take().or(ignored.error);
            report.ignores_added = ignored.ignores_added;
            report.fixed_stdin = ignored.fixed_stdin;
        }
        report.set_findings(findings(&text, diagnostics, fingerprints));
        if keep_source && !report.findings.is_empty() {
            report.source = Some(text);
        }
    }
}

fn check_one(
    input: &Input,
    stdin: Option<&Result<SourceFile, String>>,
    resolver: &ConfigResolver,
    options: &RunOptions<'_>,
    contexts: &Contexts,
    memo: &mut DirMemo,
) -> FileReport {
    let mut deferred = None;
    let mut report = check_file(
        input,
        stdin,
        resolver,
        options,
        contexts,
        memo,
        &mut deferred,
    );
    report.deferred = deferred.map(Box::new);
    report
}

fn check_file(
    input: &Input,
    stdin: Option<&Result<SourceFile, String>>,
    resolver: &ConfigResolver,
    options: &RunOptions<'_>,
    contexts: &Contexts,
    memo: &mut DirMemo,
    deferred: &mut Option<Deferred>,
) -> FileReport {
    // A name that is UTF-8 (all but rare ones) is the text `display` would give, without
    // its lossy decoding.
    let path = match input.display.to_str() {
        Some(path) => path.to_owned(),
        None => input.display.display().to_string(),
    };
    // How messages name the file: on one line, whatever the name holds.
    // Only a message names it (rare): made when one is.
    let shown = || crate::report::line_path(&path);
    let mut report = FileReport {
        path: path.clone(),
        ..FileReport::default()
    };
    let file = FilePath::new(&input.absolute);
    let dir = file.dir.unwrap_or(&input.absolute);
    memo.enter(dir);
    let resolved = match memo
        .resolved
        .get_or_insert_with(|| resolver.for_dir(dir))
        .clone()
    {
        Ok(resolved) => resolved,
        Err(problem) => {
            report.error = Some(problem.to_string());
            report.config_error = Some(problem);
            return report;
        }
    };
    let settings = &resolved.settings;
    report.threshold = settings.failure_threshold;
    let read;
    let source: &SourceFile = if input.stdin {
        match stdin {
            Some(Ok(source)) => source,
            Some(Err(err)) => {
                report.error = Some(format!("{}: {err}", shown()));
                return report;
            }
            None => {
                report.error = Some(format!("{}: standard input was not read", shown()));
                return report;
            }
        }
    } else {
        // The modification time is only needed to write the file back.
        let read_file = if settings.fix || options.mode == FixMode::AddIgnore {
            files::read_dockerfile
        } else {
            files::read_dockerfile_only
        };
        // A relative path without `..` names the file the absolute path names (which
        // resolves `..` lexically), with fewer elements for the kernel to look up.
        let read_path = if input.display.is_relative() && !has_parent_dir(&input.display) {
            &input.display
        } else {
            &input.absolute
        };
        match read_file(read_path) {
            Ok(file) => {
                read = file;
                &read
            }
            Err(err) => {
                report.error = Some(format!("{}: {}", shown(), read_message(&err)));
                return report;
            }
        }
    };
    let context_dir = match options.context {
        Some(dir) => Some(dir),
        None if input.stdin && input.display.as_os_str() == "-" => None,
        None => Some(dir),
    };
    let context = context_dir.map(|root| {
        // Discovery lists the directories holding several of the Dockerfiles checked.
        let listing = match file.dir {
            Some(dir) => memo
                .listing
                .get_or_insert_with(|| options.listings.get(dir))
                .as_deref(),
            None => None,
        };
        contexts.get(root, file, listing, &mut memo.context)
    });
    // The absolute path: the file read, where the rules look for it in its build context
    // (the path as written would be resolved against the working directory again).
    let target = Target {
        path: Some(&input.absolute),
        context: context.as_deref(),
    };
    let required = if settings.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let text = &source.text;
    let (fixed_text, diagnostics): (Option<String>, Vec<Diagnostic>) =
        if options.mode != FixMode::AddIgnore && (options.mode == FixMode::Diff || settings.fix) {
            let outcome = fix_file(text, &target, settings, required);
            if let Some(rules) = &outcome.not_converged {
                report.warnings.push(format!(
                    "{}: fixes did not converge after {} passes ({}); please report this",
                    shown(),
                    layerlint_linter::fix::MAX_ITERATIONS,
                    codes(rules)
                ));
            }
            if let Some(warning) = held_back_warning(&shown(), &outcome) {
                report.warnings.push(warning);
            }
            if !outcome.dropped.is_empty() {
                report.warnings.push(format!(
                    "{}: fixes dropped because the result did not parse ({}); please report this",
                    shown(),
                    codes(&outcome.dropped)
                ));
            }
            let changed = outcome.changed(text);
            report.fixed = outcome.fixed;
            if options.mode == FixMode::Diff {
                if changed {
                    let mut diff = String::new();
                    if outcome.source != *text {
                        diff.push_str(&unified_diff(&path, Some(text), &outcome.source));
                    }
                    for (file, content) in &outcome.files {
                        let shown = diff_path(input, context_dir, file);
                        // A file that is not there yet is a new file (`--- /dev/null`).
                        let old = context_dir
                            .and_then(|dir| std::fs::read_to_string(dir.join(file)).ok());
                        diff.push_str(&unified_diff(&shown, old.as_deref(), content));
                    }
                    report.diff = Some(diff);
                }
                // `--diff` reports the changes only.
                (None, Vec::new())
            } else if !changed && !input.stdin {
                (None, outcome.remaining.diagnostics)
            } else {
                // Standard input is printed back, even unchanged: whoever pipes a file
                // through `--fix -` reads the file from standard output. The other files
                // a fix changes (`.dockerignore`, beside the path given with
                // `--stdin-filename` for standard input) are written either way: the
                // findings left were linted with them changed.
                let written = if input.stdin {
                    report.fixed_stdin = Some(outcome.source.clone());
                    Ok(())
                } else if outcome.source == *text {
                    Ok(())
                } else {
                    files::write_atomic(
                        &input.absolute,
                        source,
                        &outcome.source,
                        input.walked_from.as_deref(),
                    )
                };
                let written = written.and_then(|()| {
                    write_other_files(&outcome.files, context_dir, &mut report.warnings)
                });
                match written {
                    Ok(()) => (
                        changed.then_some(outcome.source),
                        outcome.remaining.diagnostics,
                    ),
                    Err(err) => {
                        report.error = Some(format!("{}: {err}", shown()));
                        report.fixed.clear();
                        if input.stdin {
                            report.fixed_stdin = Some(text.clone());
                        }
                        let result = lint_target(text, &target, settings);
                        (None, result.diagnostics)
                    }
                }
            }
        } else if shellcheck_wanted(settings) {
            // Linted now; ShellCheck runs later over many files at once (and
            // `--add-ignore`'s comments wait for it).
            let parse = layerlint_syntax::parse(text);
            let diagnostics = layerlint_linter::check_without_shellcheck(&parse, &target, settings);
            *deferred = Some(Deferred {
                parse,
                resolved: Arc::clone(&resolved),
                context: context.clone(),
                path: input.display.clone(),
                absolute: input.absolute.clone(),
                diagnostics,
                keep_source: options.keep_source,
                add_ignore: (options.mode == FixMode::AddIgnore).then(|| AddIgnore {
                    input: input.clone(),
                    modified: source.modified,
                    reason: options.ignore_reason.map(str::to_owned),
                }),
            });
            return report;
        } else if options.mode == FixMode::AddIgnore {
            let result = lint_target(text, &target, settings);
            add_ignores(
                input,
                source,
                &result.parse,
                result.diagnostics,
                &target,
                settings,
                options.ignore_reason,
                &mut report,
            )
        } else {
            let result = lint_target(text, &target, settings);
            (None, result.diagnostics)
        };
    let text: &str = fixed_text.as_deref().unwrap_or(text);
    report.set_findings(findings(text, diagnostics, options.fingerprints));
    if report.findings.is_empty() {
        return report;
    }
    if let Some(format) = options.render {
        // Rendered now, while the findings are in the cache, and dropped: a report holds
        // its part (a line per finding) rather than them until the last file is done.
        // Room for a line of about 200 bytes per finding without growing.
        let mut part = Vec::with_capacity(report.findings.len() * 200);
        match crate::report::render_file(format, &report, Some(text), &mut part) {
            Ok(()) => {
                report.rendered = Some(part);
                report.findings = Vec::new();
            }
            // A part that cannot be rendered now (a code frame the text cannot give) is
            // left to the end, from the findings and the text, as in any other run.
            Err(_) if options.keep_source => report.source = Some(text.to_owned()),
            Err(_) => {}
        }
    } else if options.keep_source {
        report.source = Some(text.to_owned());
    }
    report
}

/// `--add-ignore`: writes the suppression comments that hide `diagnostics` (the findings
/// of `parse`, ShellCheck's included), once the text with them leaves exactly the findings
/// no comment may hide (and no parse error more). The text is re-checked without
/// ShellCheck (its findings are hidden by their own codes, which the rest of the check
/// leaves alone), unless one of them is to be left. Returns the text the findings point
/// into, when it changed, and the findings.
#[allow(clippy::too_many_arguments)]
fn add_ignores(
    input: &Input,
    source: &SourceFile,
    parse: &layerlint_syntax::Parse,
    diagnostics: Vec<Diagnostic>,
    target: &Target<'_>,
    settings: &layerlint_linter::Settings,
    reason: Option<&str>,
    report: &mut FileReport,
) -> (Option<String>, Vec<Diagnostic>) {
    if input.stdin {
        // Printed back as it is unless the comments are added below.
        report.fixed_stdin = Some(source.text.clone());
    }
    let ignores = layerlint_linter::ignore::ignore_all(&parse.file, &diagnostics, reason);
    if ignores.edits.is_empty() {
        return (None, diagnostics);
    }
    let is_shellcheck = |d: &Diagnostic| Rule::from_meta(d.rule) == Some(Rule::Shellcheck);
    let left: Vec<&Diagnostic> = ignores.left.iter().map(|&i| &diagnostics[i]).collect();
    let text = layerlint_diagnostics::apply_edits(&source.text, &ignores.edits);
    let again = if left.iter().any(|d| is_shellcheck(d)) {
        lint_target(&text, target, settings)
    } else {
        let parse = layerlint_syntax::parse(&text);
        let diagnostics = layerlint_linter::check_without_shellcheck(&parse, target, settings);
        layerlint_linter::LintResult { parse, diagnostics }
    };
    // The findings left must be those no comment was to hide: the same codes, as many.
    let codes = |list: &mut dyn Iterator<Item = &Diagnostic>| {
        let mut codes: Vec<String> = list
            .filter(|d| !is_shellcheck(d))
            .map(|d| d.code().to_owned())
            .collect();
        codes.sort_unstable();
        codes
    };
    let expected = codes(&mut left.iter().copied());
    let found = codes(&mut again.diagnostics.iter());
    if found != expected || again.parse.errors.len() != parse.errors.len() {
        report.warnings.push(format!(
            "{}: suppression comments not added: with them, the findings left would be [{}] \
             instead of [{}]; please report this",
            crate::report::line_path(&report.path),
            found.join(", "),
            expected.join(", ")
        ));
        return (None, diagnostics);
    }
    let written = if input.stdin {
        report.fixed_stdin = Some(text.clone());
        Ok(())
    } else {
        files::write_atomic(&input.absolute, source, &text, input.walked_from.as_deref())
    };
    match written {
        Ok(()) => {
            report.ignores_added = (ignores.edits.len(), ignores.hidden);
            (Some(text), again.diagnostics)
        }
        Err(err) => {
            report.error = Some(format!("{}: {err}", crate::report::line_path(&report.path)));
            (None, diagnostics)
        }
    }
}

/// Whether ShellCheck is to run on files checked with `settings` (its binary is looked up
/// once per run, by the batch).
fn shellcheck_wanted(settings: &layerlint_linter::Settings) -> bool {
    settings.is_enabled(Rule::Shellcheck)
        && settings.options.shellcheck != layerlint_linter::settings::ShellcheckSetting::Off
}

/// Writes the files fixes created or extended (a `.dockerignore`), relative to the build
/// context, atomically.
fn write_other_files(
    files: &BTreeMap<std::path::PathBuf, String>,
    context: Option<&Path>,
    warnings: &mut Vec<String>,
) -> Result<(), files::WriteError> {
    for (file, content) in files {
        let path = match context {
            Some(dir) => dir.join(file),
            None if file.is_absolute() => file.clone(),
            None => {
                warnings.push(format!(
                    "{}: not written: the fix needs a build context",
                    file.display()
                ));
                continue;
            }
        };
        files::write_new_or_changed(&path, content)?;
    }
    Ok(())
}

/// Whether a path has a `..` component; one without two dots in a row anywhere (most) is
/// not parsed into components.
fn has_parent_dir(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    memchr::memchr_iter(b'.', bytes).any(|i| bytes.get(i + 1) == Some(&b'.'))
        && path
            .components()
            .any(|c| c == std::path::Component::ParentDir)
}

fn read_message(err: &files::ReadError) -> String {
    match err {
        files::ReadError::Io(io) => crate::discovery::io_message(io),
        other => other.to_string(),
    }
}

/// Names the fixes held back in a file that does not parse, if any were.
fn held_back_warning(path: &str, outcome: &layerlint_linter::fix::FixOutcome) -> Option<String> {
    let (line, rules) = outcome.held_back.as_ref()?;
    (!rules.is_empty()).then(|| {
        format!(
            "{path}: fixes from line {line} on not applied: the file does not parse from there ({})",
            codes(rules)
        )
    })
}

fn codes(rules: &[Rule]) -> String {
    let mut codes: Vec<&str> = rules.iter().map(|r| r.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes.join(", ")
}

/// A unified diff of a file's fixes, with git's headers (`--- a/path`, `+++ b/path`;
/// `--- /dev/null` for a file the fix creates, `old` being `None`), so that `git apply`
/// and `patch -p1` take the output of `--diff` as it is.
pub fn unified_diff(path: &str, old: Option<&str>, new: &str) -> String {
    unified_diff_within(path, old, new, DIFF_TIMEOUT)
}

/// How long the diff of one file may take before it is approximated. Myers' algorithm
/// takes time in proportion to the lines times the changes: about 2 s for a file of 20,000
/// changed lines, a hundred times that at ten times the lines. Past the timeout the diff
/// is coarser (fewer, larger hunks) but still exact: applied, it gives the fixed text. A
/// file of a few thousand lines is diffed in milliseconds, well within it.
const DIFF_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(500);

/// [`unified_diff`], approximated after `timeout`.
fn unified_diff_within(
    path: &str,
    old: Option<&str>,
    new: &str,
    timeout: std::time::Duration,
) -> String {
    let path = path.trim_start_matches('/');
    let from = old.map_or_else(|| "/dev/null".to_owned(), |_| diff_name("a/", path));
    similar::TextDiff::configure()
        .timeout(timeout)
        .diff_lines(old.unwrap_or_default(), new)
        .unified_diff()
        .context_radius(3)
        .header(&from, &diff_name("b/", path))
        .to_string()
}

/// A name in a diff header as git writes it: as it is or, when it holds a control
/// character (a line break would end the header early), `"` or `\`, in double quotes
/// with C escapes (octal for the control characters that have no letter), which `git
/// apply` and `patch` read back. Not [`crate::report::line_path`]'s Go quoting: `\x01`
/// and `\u0085` are escapes neither tool reads.
fn diff_name(side: &str, path: &str) -> String {
    use std::fmt::Write as _;
    let name = format!("{side}{path}");
    if !name
        .chars()
        .any(|c| c.is_control() || c == '"' || c == '\\')
    {
        return name;
    }
    let mut quoted = String::with_capacity(name.len() + 8);
    quoted.push('"');
    for c in name.chars() {
        if let Some(escape) = layerlint_syntax::c_escape(c) {
            quoted.push_str(escape);
        } else if c.is_control() {
            for byte in c.encode_utf8(&mut [0; 4]).bytes() {
                let _ = write!(quoted, "\\{byte:03o}");
            }
        } else {
            quoted.push(c);
        }
    }
    quoted.push('"');
    quoted
}

/// How `--diff` names a file a fix writes besides the Dockerfile (`.dockerignore`): in
/// the build context that is the Dockerfile's own directory, next to the Dockerfile's
/// name as given (`app/Dockerfile` → `app/.dockerignore`); in a context given by
/// `--context`, relative to the current directory when it is below it. The diff then
/// creates the file where `--fix` would.
fn diff_path(input: &Input, context: Option<&Path>, file: &Path) -> String {
    let own_dir = input.absolute.parent();
    let path = match context {
        Some(dir) if Some(dir) == own_dir => input
            .display
            .parent()
            .map_or_else(|| file.to_path_buf(), |shown| shown.join(file)),
        Some(dir) => {
            let full = dir.join(file);
            std::env::current_dir()
                .ok()
                .and_then(|cwd| full.strip_prefix(cwd).ok().map(Path::to_path_buf))
                .unwrap_or(full)
        }
        None => file.to_path_buf(),
    };
    path.display().to_string()
}

/// Positions for each diagnostic.
fn findings(text: &str, diagnostics: Vec<Diagnostic>, fingerprints: bool) -> Vec<Finding> {
    if diagnostics.is_empty() {
        return Vec::new();
    }
    // Only the hashes need every line's start; positions are counted from one to the next.
    let index = fingerprints.then(|| LineIndex::new(text));
    let mut cursor = PositionCursor::new(text);
    let bom = text.starts_with('\u{feff}');
    let mut position = |offset: TextSize| {
        let mut at = cursor.position(offset);
        if bom && at.line == 1 && at.column > 1 {
            at.column -= 1;
        }
        at
    };
    diagnostics
        .into_iter()
        .map(|diagnostic| {
            let range = diagnostic.range;
            let (start, end) = (position(range.start()), position(range.end()));
            let related = diagnostic
                .related
                .iter()
                .map(|r| (position(r.range.start()), position(r.range.end())))
                .collect();
            Finding {
                start,
                end,
                related,
                text_hash: index
                    .as_ref()
                    .map_or(0, |index| text_hash(text, index, range)),
                diagnostic,
            }
        })
        .collect()
}

/// The hash of a finding's text; for a finding on blank text (an empty line, a position
/// between two words), the hash of its line and the line before, which identify it as well
/// and move with it.
fn text_hash(text: &str, index: &LineIndex, range: layerlint_text::TextRange) -> u64 {
    let snippet = &text[range];
    if !snippet.trim().is_empty() {
        return normalized_hash(snippet);
    }
    let line = index.line_of(range.start());
    let from = index.line_start(line.saturating_sub(1));
    let to = index.line_range(line).end();
    let mut hash = Fnv(normalized_hash(
        &text[layerlint_text::TextRange::new(from, to)],
    ));
    hash.write(
        &range
            .start()
            .to_u32()
            .saturating_sub(from.to_u32())
            .to_le_bytes(),
    );
    hash.0
}

/// FNV-1a of the text with runs of whitespace made one space.
pub fn normalized_hash(text: &str) -> u64 {
    let mut hash = Fnv::default();
    let mut space = false;
    for word in text.split_whitespace() {
        if space {
            hash.write(b" ");
        }
        hash.write(word.as_bytes());
        space = true;
    }
    hash.0
}

/// The 64-bit FNV-1a hash: small, stable across versions and platforms.
#[derive(Clone, Copy, Debug)]
pub struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    /// Applies a unified diff of one file (as `--diff` writes it) to `old`.
    fn apply(old: &str, diff: &str) -> String {
        let old: Vec<&str> = old.split_inclusive('\n').collect();
        let mut out = String::new();
        let mut at = 0;
        for line in diff.split_inclusive('\n').skip(2) {
            if let Some(header) = line.strip_prefix("@@ -") {
                // `@@ -start,count +...`: the lines before the hunk are copied.
                let start: usize = header
                    .split([',', ' '])
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("a hunk header");
                let start = start.saturating_sub(1).max(at);
                out.extend(old[at..start].iter().copied());
                at = start;
            } else if let Some(added) = line.strip_prefix('+') {
                out.push_str(added);
            } else if line.starts_with('-') {
                at += 1;
            } else if line.starts_with(' ') {
                out.push_str(old[at]);
                at += 1;
            }
        }
        out.extend(old[at..].iter().copied());
        out
    }

    /// A diff that runs out of time is coarser, and as exact: applied, it gives the new
    /// text.
    #[test]
    fn a_diff_cut_short_still_gives_the_new_text() {
        let old: String = (0..400).map(|i| format!("RUN step {i}\n")).collect();
        let new: String = (0..400)
            .map(|i| match i % 7 {
                0 => format!("RUN step {i} changed\n"),
                3 => String::new(),
                _ => format!("RUN step {i}\n"),
            })
            .collect();
        let full = super::unified_diff("Dockerfile", Some(&old), &new);
        let cut =
            super::unified_diff_within("Dockerfile", Some(&old), &new, std::time::Duration::ZERO);
        assert!(
            full.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"),
            "{full}"
        );
        assert!(
            cut.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n"),
            "{cut}"
        );
        assert_ne!(cut, full, "no time: the diff is approximated");
        assert!(cut.len() > full.len(), "and coarser");
        assert_eq!(apply(&old, &full), new);
        assert_eq!(apply(&old, &cut), new);
    }

    #[test]
    fn diff_names_are_quoted_as_git_quotes_them() {
        assert_eq!(
            super::diff_name("a/", "dir/é x.Dockerfile"),
            "a/dir/é x.Dockerfile"
        );
        // git's escapes: a letter where C has one, octal bytes for the other controls.
        assert_eq!(
            super::diff_name("b/", "\u{7}\u{8}\t\n\u{b}\u{c}\r\"\\\u{1}\u{7f}\u{85}é"),
            r#""b/\a\b\t\n\v\f\r\"\\\001\177\302\205é""#
        );
        let every: String = (0..=0xa0u32).filter_map(char::from_u32).collect();
        assert!(!super::diff_name("a/", &every).contains(['\n', '\r', '\t']));
    }
}
