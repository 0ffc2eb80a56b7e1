//! The real ShellCheck over `RUN` scripts.
//!
//! The `shellcheck` rule (`LL528`) prepares one [`Job`] per script a RUN runs (its shell
//! form, with any heredoc bodies appended the way BuildKit hands them to the shell, and
//! each heredoc body a POSIX shell executes). A job is the file ShellCheck reads:
//!
//! ```sh
//! #!/bin/bash                  <- only when the script has its own shebang (a heredoc)
//! export NODE_ENV=1 HTTP_PROXY=1 ...   <- the stage's ARG and ENV names, as hadolint does
//! apt-get install -y $PACKAGES <- the script, continuations removed
//! ```
//!
//! ShellCheck runs once per batch of files (`--format=json1`, `--shell` from `SHELL` or
//! the heredoc's interpreter, SC1090, SC1091 and SC2187 excluded) and each finding is
//! mapped back through the prepended line and the script's [`MappedText`] to its exact
//! range in the Dockerfile. ShellCheck's own fixes become unsafe fixes when every
//! replaced range maps back exactly.
//!
//! Two ways to run it:
//!
//! * [`check`](crate::check) (and [`lint`](crate::lint)) run it per file, one process per
//!   file, when the rule is enabled and a binary is found;
//! * [`Batch`] collects the scripts of many files and runs a few processes for all of
//!   them: what a command line linting a tree should use, together with
//!   [`check_without_shellcheck`](crate::check_without_shellcheck).
//!
//! No binary (or `shellcheck = "off"`) means no ShellCheck findings and no error;
//! [`status`] says why, for a `--verbose` note.
//!
//! ShellCheck is what costs: on the 1,952 files of the real-Dockerfile corpus (4,889
//! scripts, 2,807 distinct once the same `RUN` in many files is checked once), the other
//! rules take 0.11 s of CPU, the batch 21 s of ShellCheck CPU (two processes at a time, so
//! about 11 s on two idle cores), one process per file 47 s
//! (`cargo run --release -p layerlint_linter --example corpus`). Findings depend on the
//! installed ShellCheck's version.

use std::collections::HashMap;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use layerlint_diagnostics::{Diagnostic, Edit, Fix, Severity};
use layerlint_syntax::Parse;
use layerlint_syntax::semantic::Semantic;
use layerlint_text::{MappedText, TextRange, TextSize};
use serde::Deserialize;

use crate::settings::ShellcheckSetting;
use crate::suppression::Suppressions;
use crate::{Rule, Settings, Target};

/// Codes never reported: `source`d files cannot be followed (SC1090, SC1091) and ash is
/// checked as dash (SC2187), as hadolint does.
pub const EXCLUDED: [&str; 3] = ["SC1090", "SC1091", "SC2187"];

/// How many scripts one ShellCheck process reads at most.
const FILES_PER_PROCESS: usize = 400;

/// The shell dialect ShellCheck checks a script as (`--shell`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    Sh,
    Bash,
    Dash,
    Ksh,
}

impl Dialect {
    /// The dialect of a shell program, by basename (`/usr/bin/bash` → bash); `None` for a
    /// shell ShellCheck does not read (zsh, fish, PowerShell, cmd).
    pub fn of_program(program: &str) -> Option<Dialect> {
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        match name {
            "sh" => Some(Dialect::Sh),
            "bash" => Some(Dialect::Bash),
            // ShellCheck checks ash (BusyBox) as dash.
            "dash" | "ash" => Some(Dialect::Dash),
            "ksh" | "mksh" | "ksh93" => Some(Dialect::Ksh),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Sh => "sh",
            Dialect::Bash => "bash",
            Dialect::Dash => "dash",
            Dialect::Ksh => "ksh",
        }
    }
}

/// One part of a job's file: where it starts in the file, its length, and where it starts
/// in the script (`None` for the lines layerlint adds).
#[derive(Clone, Copy, Debug)]
struct Segment {
    file_start: usize,
    len: usize,
    text_start: Option<usize>,
}

/// A script prepared for ShellCheck, and the way back to the Dockerfile.
#[derive(Clone, Debug)]
pub struct Job {
    /// The instruction the script belongs to (for a trigger, its `ONBUILD`).
    pub(crate) instruction: usize,
    pub(crate) stage: Option<usize>,
    pub(crate) dialect: Dialect,
    /// What ShellCheck reads.
    content: String,
    segments: Vec<Segment>,
    script: MappedText,
}

impl Job {
    /// A job for `script`, run by `dialect`, with `exports` defined before it.
    pub(crate) fn new(
        instruction: usize,
        stage: Option<usize>,
        dialect: Dialect,
        script: MappedText,
        exports: &[&str],
    ) -> Job {
        let text = script.as_str();
        let mut content = String::with_capacity(text.len() + 16 * exports.len() + 16);
        let mut segments = Vec::with_capacity(3);
        let mut rest_start = 0;
        if text.starts_with("#!") {
            let end = text.find('\n').map_or(text.len(), |i| i + 1);
            content.push_str(&text[..end]);
            if !content.ends_with('\n') {
                content.push('\n');
            }
            segments.push(Segment {
                file_start: 0,
                len: end,
                text_start: Some(0),
            });
            rest_start = end;
        }
        if !exports.is_empty() {
            let start = content.len();
            content.push_str("export");
            for name in exports {
                content.push(' ');
                content.push_str(name);
                content.push_str("=1");
            }
            content.push('\n');
            segments.push(Segment {
                file_start: start,
                len: content.len() - start,
                text_start: None,
            });
        }
        segments.push(Segment {
            file_start: content.len(),
            len: text.len() - rest_start,
            text_start: Some(rest_start),
        });
        content.push_str(&text[rest_start..]);
        Job {
            instruction,
            stage,
            dialect,
            content,
            segments,
            script,
        }
    }

    /// What ShellCheck reads.
    pub fn content(&self) -> &str {
        &self.content
    }

    /// The byte offset in `content` of ShellCheck's 1-based line and character column.
    fn file_offset(&self, line: u32, column: u32) -> usize {
        let mut start = 0;
        for _ in 1..line.max(1) {
            match self.content[start..].find('\n') {
                Some(i) => start += i + 1,
                None => return self.content.len(),
            }
        }
        let line_text = &self.content[start..];
        let line_len = line_text.find('\n').unwrap_or(line_text.len());
        let column = column.max(1) as usize - 1;
        let within = line_text[..line_len]
            .char_indices()
            .nth(column)
            .map_or(line_len, |(i, _)| i);
        start + within
    }

    /// The script offset of a file offset; `end` leans left at a segment's end.
    fn text_offset(&self, offset: usize, end: bool) -> Option<usize> {
        self.segments.iter().find_map(|s| {
            let inside = if end {
                s.file_start < offset && offset <= s.file_start + s.len
            } else {
                s.file_start <= offset && offset < s.file_start + s.len
            };
            let at_empty_end = s.len == 0 && offset == s.file_start;
            (inside || at_empty_end)
                .then_some(s.text_start?)
                .map(|t| t + (offset - s.file_start))
        })
    }

    /// The Dockerfile range of a ShellCheck range; `None` when it is in the added lines.
    fn source_range(&self, start: (u32, u32), end: (u32, u32)) -> Option<TextRange> {
        let start_offset = self.file_offset(start.0, start.1);
        let end_offset = self.file_offset(end.0, end.1).max(start_offset);
        let text_start = self
            .text_offset(start_offset, false)
            .or_else(|| self.text_offset(start_offset, true))?;
        if end_offset == start_offset {
            let at = self.script.to_source(TextSize::from_usize(text_start));
            return Some(TextRange::empty(at));
        }
        let text_end = self.text_offset(end_offset, true)?;
        Some(
            self.script
                .range_to_source(TextRange::from_usize(text_start, text_end.max(text_start))),
        )
    }

    /// The script text of a ShellCheck range, and its Dockerfile range, when the range is
    /// one unbroken slice of the Dockerfile (so replacing it there replaces it in the
    /// script).
    fn exact_source_range(
        &self,
        source: &str,
        start: (u32, u32),
        end: (u32, u32),
    ) -> Option<TextRange> {
        let start_offset = self.file_offset(start.0, start.1);
        let end_offset = self.file_offset(end.0, end.1);
        if end_offset < start_offset {
            return None;
        }
        let text_start = self
            .text_offset(start_offset, false)
            .or_else(|| self.text_offset(start_offset, true))?;
        let text_end = if end_offset == start_offset {
            text_start
        } else {
            self.text_offset(end_offset, true)?
        };
        let text = &self.script.as_str()[text_start..text_end];
        let range = if text_start == text_end {
            TextRange::empty(self.script.to_source(TextSize::from_usize(text_start)))
        } else {
            self.script
                .range_to_source(TextRange::from_usize(text_start, text_end))
        };
        (source.get(range.to_std()) == Some(text)).then_some(range)
    }
}

/// Whether and where ShellCheck runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// `shellcheck = "off"`, or the rule is not enabled.
    Off,
    /// No binary: why, for a `--verbose` note.
    Missing(String),
    /// This binary runs.
    Found(PathBuf),
}

impl Status {
    /// The binary, when there is one.
    pub fn binary(&self) -> Option<&Path> {
        match self {
            Status::Found(path) => Some(path),
            _ => None,
        }
    }

    /// A one-line note for `--verbose` when ShellCheck does not run.
    pub fn note(&self) -> Option<String> {
        match self {
            Status::Found(_) => None,
            Status::Off => Some("ShellCheck is off".to_owned()),
            Status::Missing(why) => Some(why.clone()),
        }
    }
}

/// Where ShellCheck is, for these settings (the `PATH` lookup is done once per process).
pub fn status(settings: &Settings) -> Status {
    if !settings.is_enabled(Rule::Shellcheck) {
        return Status::Off;
    }
    match &settings.options.shellcheck {
        ShellcheckSetting::Off => Status::Off,
        ShellcheckSetting::Auto => {
            static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
            match FOUND.get_or_init(|| find_in_path("shellcheck")) {
                Some(path) => Status::Found(path.clone()),
                None => Status::Missing(
                    "no `shellcheck` on PATH: ShellCheck findings (SC codes) are skipped \
                     (install the `shellcheck` package, or set `shellcheck = \"off\"`)"
                        .to_owned(),
                ),
            }
        }
        ShellcheckSetting::Path(path) => {
            let found = if path.components().count() == 1 {
                find_in_path(&path.to_string_lossy())
            } else {
                path.is_file().then(|| path.clone())
            };
            match found {
                Some(path) => Status::Found(path),
                None => Status::Missing(format!(
                    "the configured ShellCheck `{}` was not found: ShellCheck findings are \
                     skipped",
                    path.display()
                )),
            }
        }
    }
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file() || path.with_extension("exe").is_file()
}

/// ShellCheck's `json1` output.
#[derive(Deserialize)]
struct Output {
    comments: Vec<Comment>,
}

/// One ShellCheck finding.
#[derive(Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
struct Comment {
    file: String,
    line: u32,
    end_line: u32,
    column: u32,
    end_column: u32,
    level: String,
    code: u32,
    message: String,
    fix: Option<ShellcheckFix>,
}

#[derive(Deserialize, Clone, Debug)]
struct ShellcheckFix {
    replacements: Vec<Replacement>,
}

#[derive(Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    line: u32,
    end_line: u32,
    column: u32,
    end_column: u32,
    replacement: String,
}

/// Runs ShellCheck on `jobs`: the findings of each job, in order. Jobs with the same
/// text (the same `RUN` in many files) are checked once. Errors when no process could run
/// or its output was unreadable.
fn run_jobs(binary: &Path, jobs: &[&Job]) -> Result<Vec<Vec<Comment>>, String> {
    let mut results: Vec<Vec<Comment>> = vec![Vec::new(); jobs.len()];
    if jobs.is_empty() {
        return Ok(results);
    }
    // The distinct (dialect, text) pairs, and which jobs share each.
    let mut distinct: HashMap<(Dialect, &str), usize> = HashMap::new();
    let mut unique: Vec<(Dialect, &str)> = Vec::new();
    let mut shared_by: Vec<Vec<usize>> = Vec::new();
    for (i, job) in jobs.iter().enumerate() {
        let key = (job.dialect, job.content());
        let at = *distinct.entry(key).or_insert_with(|| {
            unique.push(key);
            shared_by.push(Vec::new());
            unique.len() - 1
        });
        shared_by[at].push(i);
    }
    let dir = tempfile::Builder::new()
        .prefix("layerlint-shellcheck")
        .tempdir()
        .map_err(|e| format!("ShellCheck: cannot create a temporary directory: {e}"))?;
    let mut paths = Vec::with_capacity(unique.len());
    for (i, (_, content)) in unique.iter().enumerate() {
        let path = dir.path().join(format!("{i}.sh"));
        std::fs::write(&path, content)
            .map_err(|e| format!("ShellCheck: cannot write {}: {e}", path.display()))?;
        paths.push(path);
    }
    // One process per dialect and chunk of files.
    let mut by_dialect: HashMap<Dialect, Vec<usize>> = HashMap::new();
    for (i, (dialect, _)) in unique.iter().enumerate() {
        by_dialect.entry(*dialect).or_default().push(i);
    }
    let mut chunks: Vec<(Dialect, Vec<usize>)> = Vec::new();
    let mut dialects: Vec<_> = by_dialect.into_iter().collect();
    dialects.sort_by_key(|(d, _)| *d);
    for (dialect, indices) in dialects {
        for chunk in indices.chunks(FILES_PER_PROCESS) {
            chunks.push((dialect, chunk.to_vec()));
        }
    }
    let parallel = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(chunks.len())
        .max(1);
    let outputs: Vec<Result<Vec<Comment>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..parallel)
            .map(|worker| {
                let chunks = &chunks;
                let paths = &paths;
                scope.spawn(move || {
                    chunks
                        .iter()
                        .skip(worker)
                        .step_by(parallel)
                        .map(|(dialect, indices)| {
                            run_process(binary, *dialect, indices.iter().map(|&i| &paths[i]))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut errors = Vec::new();
    let mut any_ok = false;
    for output in outputs {
        match output {
            Ok(comments) => {
                any_ok = true;
                for comment in comments {
                    let index = Path::new(&comment.file)
                        .file_stem()
                        .and_then(|s| s.to_str())
                        .and_then(|s| s.parse::<usize>().ok());
                    if let Some(jobs) = index.and_then(|i| shared_by.get(i)) {
                        for &job in jobs {
                            results[job].push(comment.clone());
                        }
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if !any_ok && let Some(error) = errors.into_iter().next() {
        return Err(error);
    }
    Ok(results)
}

fn run_process<'p>(
    binary: &Path,
    dialect: Dialect,
    files: impl Iterator<Item = &'p PathBuf>,
) -> Result<Vec<Comment>, String> {
    let output = Command::new(binary)
        .arg("--format=json1")
        .arg(format!("--shell={}", dialect.as_str()))
        .arg(format!("--exclude={}", EXCLUDED.join(",")))
        .args(files)
        .output()
        .map_err(|e| format!("ShellCheck `{}` could not run: {e}", binary.display()))?;
    let parsed: Output = serde_json::from_slice(&output.stdout).map_err(|e| {
        let stderr = String::from_utf8_lossy(&output.stderr);
        format!(
            "ShellCheck `{}` gave no readable output ({e}): {}",
            binary.display(),
            stderr.lines().next().unwrap_or("")
        )
    })?;
    Ok(parsed.comments)
}

fn severity(level: &str) -> Severity {
    match level {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        _ => Severity::Style,
    }
}

/// ShellCheck's message in our style: lower-case start (unless it starts with a name like
/// `POSIX`), no final period.
fn message(text: &str) -> String {
    let text = text.trim().trim_end_matches('.');
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => first
            .to_lowercase()
            .chain(text[first.len_utf8()..].chars())
            .collect(),
        _ => text.to_owned(),
    }
}

/// A finding of the `shellcheck` rule from a ShellCheck comment on `job`.
fn diagnostic(job: &Job, comment: &Comment, source: &str) -> Option<Diagnostic> {
    let code = format!("SC{:04}", comment.code);
    if EXCLUDED.contains(&code.as_str()) {
        return None;
    }
    let range = job.source_range(
        (comment.line, comment.column),
        (comment.end_line, comment.end_column),
    )?;
    let mut diagnostic = Diagnostic::new(Rule::Shellcheck.meta(), range, message(&comment.message));
    diagnostic.severity = severity(&comment.level);
    diagnostic.note = Some(format!("https://www.shellcheck.net/wiki/{code}"));
    diagnostic.subcode = Some(code);
    if let Some(fix) = &comment.fix {
        let edits: Option<Vec<Edit>> = fix
            .replacements
            .iter()
            .map(|r| {
                let range =
                    job.exact_source_range(source, (r.line, r.column), (r.end_line, r.end_column))?;
                Some(Edit::replace(range, r.replacement.clone()))
            })
            .collect();
        if let Some(mut edits) = edits.filter(|e| !e.is_empty()) {
            edits.sort_by_key(|e| (e.range.start(), e.range.end()));
            let overlapping = edits
                .windows(2)
                .any(|w| w[0].range.end() > w[1].range.start());
            if !overlapping {
                diagnostic.fix = Some(Fix::unsafe_edits("Apply ShellCheck's fix", edits));
            }
        }
    }
    Some(diagnostic)
}

/// The ShellCheck findings of one file's jobs (per-file path). `Err` when ShellCheck
/// could not run.
pub(crate) fn check_jobs(
    binary: &Path,
    jobs: &[Job],
    source: &str,
    settings: &Settings,
) -> Result<Vec<Diagnostic>, String> {
    let refs: Vec<&Job> = jobs.iter().collect();
    let results = run_jobs(binary, &refs)?;
    Ok(jobs
        .iter()
        .zip(&results)
        .flat_map(|(job, comments)| comments.iter().filter_map(|c| diagnostic(job, c, source)))
        .filter(|d| {
            d.subcode
                .as_deref()
                .is_some_and(|c| settings.shellcheck_codes.allows(c))
        })
        .collect())
}

/// ShellCheck over many Dockerfiles with a few processes.
///
/// ```no_run
/// use layerlint_linter::shellcheck::Batch;
/// use layerlint_linter::{Settings, Target, check_without_shellcheck};
///
/// let settings = Settings::default();
/// let files = [("a.Dockerfile", "FROM debian:12\nRUN echo $1\n")];
/// let mut batch = Batch::new(&settings);
/// let mut results = Vec::new();
/// for (i, (name, text)) in files.iter().enumerate() {
///     let parse = layerlint_syntax::parse(text);
///     let target = Target::path(std::path::Path::new(name));
///     results.push(check_without_shellcheck(&parse, &target, &settings));
///     batch.add(i, &parse, &target);
/// }
/// let outcome = batch.run();
/// for (i, found) in outcome.findings {
///     results[i].extend(found);
///     layerlint_linter::sort_diagnostics(&mut results[i]);
/// }
/// if let Some(note) = outcome.note {
///     eprintln!("note: {note}");
/// }
/// ```
pub struct Batch<'s, K> {
    settings: &'s Settings,
    status: Status,
    files: Vec<BatchFile<'s, K>>,
}

struct BatchFile<'s, K> {
    id: K,
    settings: &'s Settings,
    source: String,
    suppressions: Suppressions,
    jobs: Vec<Job>,
}

/// What a [`Batch`] found.
#[derive(Debug)]
pub struct BatchOutcome<K> {
    /// The ShellCheck findings of every file added (an empty list for a file without any),
    /// after suppression comments, with their severities, sorted by position; with the
    /// `unused-suppression` findings of suppressions naming ShellCheck codes.
    pub findings: HashMap<K, Vec<Diagnostic>>,
    /// Why ShellCheck did not run, or what went wrong, for a `--verbose` note.
    pub note: Option<String>,
}

impl<'s, K: Eq + Hash + Clone> Batch<'s, K> {
    /// A batch for files checked with `settings` (the binary is looked up now).
    pub fn new(settings: &'s Settings) -> Self {
        Batch {
            settings,
            status: status(settings),
            files: Vec::new(),
        }
    }

    /// Whether ShellCheck will run.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// Adds a parsed Dockerfile checked with the batch's settings.
    pub fn add(&mut self, id: K, parse: &Parse, target: &Target<'_>) {
        self.add_with_settings(id, parse, target, self.settings);
    }

    /// Adds a parsed Dockerfile checked with its own settings (a configuration file found
    /// beside it). The ShellCheck binary stays the batch's.
    pub fn add_with_settings(
        &mut self,
        id: K,
        parse: &Parse,
        target: &Target<'_>,
        settings: &'s Settings,
    ) {
        let enabled = self.status.binary().is_some()
            && settings.is_enabled(Rule::Shellcheck)
            && settings.options.shellcheck != ShellcheckSetting::Off;
        let file = &parse.file;
        let (jobs, suppressions) = if enabled {
            let semantic = Semantic::new(file);
            let walk = crate::checker::run(
                file,
                &semantic,
                &parse.errors,
                settings,
                target,
                &[Rule::Shellcheck],
            );
            let check_override = settings
                .build_args
                .get(crate::suppression::CHECK_BUILD_ARG)
                .map(String::as_str);
            (
                walk.shellcheck_jobs,
                Suppressions::collect(file, &semantic, check_override),
            )
        } else {
            (Vec::new(), Suppressions::default())
        };
        self.files.push(BatchFile {
            id,
            settings,
            source: if enabled {
                file.source().to_owned()
            } else {
                String::new()
            },
            suppressions,
            jobs,
        });
    }

    /// Runs ShellCheck over every script added.
    pub fn run(self) -> BatchOutcome<K> {
        let mut findings: HashMap<K, Vec<Diagnostic>> = HashMap::with_capacity(self.files.len());
        let Some(binary) = self.status.binary() else {
            for file in self.files {
                findings.insert(file.id, Vec::new());
            }
            return BatchOutcome {
                findings,
                note: self.status.note(),
            };
        };
        let all: Vec<&Job> = self.files.iter().flat_map(|f| &f.jobs).collect();
        let (results, note) = match run_jobs(binary, &all) {
            Ok(results) => (Some(results), None),
            Err(error) => (None, Some(error)),
        };
        let mut next = 0;
        for mut file in self.files {
            let count = file.jobs.len();
            let mut found = Vec::new();
            if let Some(results) = &results {
                for (job, comments) in file.jobs.iter().zip(&results[next..next + count]) {
                    for comment in comments {
                        let Some(mut d) = diagnostic(job, comment, &file.source) else {
                            continue;
                        };
                        let code = d.subcode.clone().unwrap_or_default();
                        if !file.settings.shellcheck_codes.allows(&code)
                            || file.suppressions.suppresses(
                                Rule::Shellcheck,
                                Some(&code),
                                Some(job.instruction),
                                job.stage,
                            )
                        {
                            continue;
                        }
                        d.severity = file.settings.severity_of(&d);
                        found.push(d);
                    }
                }
                if file.settings.is_enabled(Rule::Shellcheck) {
                    found.extend(
                        file.suppressions
                            .report_shellcheck_unused(&file.source, file.settings),
                    );
                }
            }
            next += count;
            crate::sort_diagnostics(&mut found);
            findings.insert(file.id, found);
        }
        BatchOutcome { findings, note }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_through_the_exports_and_the_shebang() {
        let source = "RUN apt-get install \\\n  $P";
        let mut text = MappedText::new();
        text.push(&source[4..20], TextSize::new(4));
        text.push(&source[22..], TextSize::new(22));
        let job = Job::new(0, None, Dialect::Sh, text, &["A"]);
        assert_eq!(job.content(), "export A=1\napt-get install   $P");
        let range = job.source_range((2, 19), (2, 21)).unwrap();
        assert_eq!(&source[range], "$P");
        assert!(job.source_range((1, 1), (1, 3)).is_none());

        let body = "#!/bin/bash\necho $x\n";
        let job = Job::new(
            0,
            None,
            Dialect::Bash,
            MappedText::contiguous(body, TextSize::new(100)),
            &["B"],
        );
        assert_eq!(job.content(), "#!/bin/bash\nexport B=1\necho $x\n");
        let range = job.source_range((3, 6), (3, 8)).unwrap();
        assert_eq!(range, TextRange::from_usize(117, 119));
        assert_eq!(
            job.source_range((1, 1), (1, 3)).unwrap().start(),
            TextSize::new(100)
        );
    }

    #[test]
    fn messages_follow_the_house_style() {
        assert_eq!(
            message("Double quote to prevent globbing and word splitting."),
            "double quote to prevent globbing and word splitting"
        );
        assert_eq!(
            message("In POSIX sh, set option pipefail is undefined."),
            "in POSIX sh, set option pipefail is undefined"
        );
        assert_eq!(message("POSIX sh lacks it."), "POSIX sh lacks it");
    }
}
