//! The command line: every subcommand and option, as clap sees them.
//!
//! A subcommand is a variant of [`Command`] whose arguments and `run` function live in
//! `src/commands/<name>.rs`; adding one is one variant here, one arm in
//! [`crate::commands::run`] and one file.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use layerlint_linter::FailureThreshold;

use crate::commands;

/// Lint Dockerfiles, fix them, explain their layer cache.
#[derive(Debug, Parser)]
#[command(
    name = "layerlint",
    version,
    about = "A Dockerfile linter and layer-cache optimizer",
    long_about = "A Dockerfile linter and layer-cache optimizer.\n\n\
        `layerlint PATH...` with no subcommand means `layerlint check PATH...`.",
    after_help = "Exit status: 0 no finding at or above the failure threshold; 1 findings \
        (or changes pending with --diff); 2 usage, configuration or I/O error.",
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Dockerfiles (the default: `layerlint PATH...` means `layerlint check PATH...`).
    Check(Box<CheckArgs>),
    /// Print a rule's documentation, or every rule's metadata.
    Rule(commands::rule::RuleArgs),
    /// Show the configuration schema.
    Config(commands::config::ConfigArgs),
    /// Write a commented starter `layerlint.toml`.
    Init(commands::init::InitArgs),
    /// Print a shell completion script.
    Completions(commands::completions::CompletionsArgs),
    /// Which layers rebuild when a path of the build context changes, as written and as
    /// the optimizer would rewrite the file.
    Cache(commands::cache::CacheArgs),
    /// Serve editors: the language server, over stdin and stdout.
    Lsp(commands::lsp::LspArgs),
    /// Developer tools.
    #[command(hide = true)]
    Debug(commands::debug::DebugArgs),
    // A new subcommand: one variant here, its arguments and `run` in
    // `src/commands/<name>.rs`, and one arm in `commands::run`.
}

/// How findings are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Code frames with the fix as a help note (the default on a terminal).
    Text,
    /// One line per finding: `file:line:col: CODE [name] message` (the default otherwise).
    Concise,
    /// An array of findings (schema in the README).
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// Checkstyle XML.
    Checkstyle,
    /// JUnit XML: one test case per finding.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    Always,
    Never,
}

/// `layerlint check`.
#[derive(Debug, Args, Default)]
#[command(next_help_heading = "Rule selection")]
pub struct CheckArgs {
    /// Files and directories to check (`-` reads standard input); default: `.`.
    #[arg(value_name = "PATH", help_heading = None)]
    pub paths: Vec<PathBuf>,

    /// Use this configuration file for every Dockerfile, instead of the nearest
    /// `layerlint.toml` / `.layerlint.toml`.
    #[arg(long, value_name = "FILE", help_heading = "Configuration")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file (built-in defaults and the options given here).
    #[arg(long, conflicts_with = "config", help_heading = "Configuration")]
    pub isolated: bool,
    /// A build argument, as `docker build --build-arg` takes it: `NAME=VALUE`, or `NAME`
    /// for the environment's value; added to the configuration's `build-args`. A given
    /// ARG's default is not evaluated, and `BUILDKIT_DOCKERFILE_CHECK` replaces the files'
    /// `# check=` directive. Repeatable.
    #[arg(long, value_name = "NAME[=VALUE]", help_heading = "Configuration")]
    pub build_arg: Vec<String>,

    /// Rules to run instead of the configured set: codes (`LL101`), prefixes (`LL1`),
    /// names, categories, aliases (`DL3008`, `JSONArgsRecommended`) or `ALL`.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Option<Vec<String>>,
    /// Rules to run in addition to the configured set.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub extend_select: Vec<String>,
    /// Rules not to run.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Change a rule's severity: `LL101=error`, `DL3008=info`, `cache=warning`.
    #[arg(long, value_delimiter = ',', value_name = "RULE=LEVEL")]
    pub severity: Vec<String>,
    /// Exit with 1 for findings at or above this severity (`none`: never).
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub failure_threshold: Option<FailureThresholdArg>,
    /// Run ShellCheck on RUN scripts: `auto` (when `shellcheck` is on PATH), `off`, or the
    /// binary's path.
    #[arg(long, value_name = "auto|off|PATH")]
    pub shellcheck: Option<String>,

    /// Apply safe fixes and write the files.
    #[arg(long, overrides_with = "no_fix", help_heading = "Fixes")]
    pub fix: bool,
    #[arg(long, overrides_with = "fix", hide = true)]
    pub no_fix: bool,
    /// Also apply unsafe fixes (with `--fix` or `--diff`); show them otherwise.
    #[arg(long, overrides_with = "no_unsafe_fixes", help_heading = "Fixes")]
    pub unsafe_fixes: bool,
    #[arg(long, overrides_with = "unsafe_fixes", hide = true)]
    pub no_unsafe_fixes: bool,
    /// Apply fixes and report nothing else (implies `--fix`); exit 0 unless an error.
    #[arg(long, help_heading = "Fixes")]
    pub fix_only: bool,
    /// Print the fixes as a unified diff and write nothing; exit 1 when there are any.
    #[arg(long, conflicts_with = "fix_only", help_heading = "Fixes")]
    pub diff: bool,
    /// Hide every finding a comment may hide with a `# layerlint ignore=CODE,…` comment
    /// above its instruction, and write the files: to adopt layerlint without fixing
    /// everything first. `--add-ignore=REASON` writes the reason after the codes.
    #[arg(
        long,
        value_name = "REASON",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "",
        conflicts_with_all = ["fix", "fix_only", "diff", "unsafe_fixes"],
        help_heading = "Fixes"
    )]
    pub add_ignore: Option<String>,
    /// List the fixes applied, per file and rule.
    #[arg(long, help_heading = "Fixes")]
    pub show_fixes: bool,

    /// Output format; repeat with `--output` to write several reports in one run.
    #[arg(long, value_enum, value_name = "FORMAT", help_heading = "Output")]
    pub format: Vec<Format>,
    /// Write the report of the `--format` given before it to this file.
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        conflicts_with_all = ["diff", "fix_only"],
        help_heading = "Output"
    )]
    pub output: Vec<PathBuf>,
    /// Print a count of findings per rule instead of the findings.
    #[arg(long, help_heading = "Output")]
    pub statistics: bool,
    /// Print only findings (no summary line).
    #[arg(long, short, help_heading = "Output")]
    pub quiet: bool,
    /// When to use colour.
    #[arg(
        long,
        value_enum,
        default_value_t,
        value_name = "WHEN",
        help_heading = "Output"
    )]
    pub color: ColorChoice,

    /// Exit with 0 even when there are findings.
    #[arg(long, short = 'e', help_heading = "Exit status")]
    pub exit_zero: bool,
    /// Exit with 1 when a fix was applied, even if nothing remains.
    #[arg(long, help_heading = "Exit status")]
    pub exit_non_zero_on_fix: bool,

    /// The build context for every Dockerfile (default: each Dockerfile's directory).
    #[arg(long, value_name = "DIR", help_heading = "Files")]
    pub context: Option<PathBuf>,
    /// The path of the Dockerfile read from standard input (for reports, configuration
    /// and the build context).
    #[arg(long, value_name = "PATH", help_heading = "Files")]
    pub stdin_filename: Option<PathBuf>,
    /// Paths (globs) to skip, replacing the configured `exclude`.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "GLOB",
        help_heading = "Files"
    )]
    pub exclude: Option<Vec<String>>,
    /// Paths (globs) to skip, in addition to `exclude`.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "GLOB",
        help_heading = "Files"
    )]
    pub extend_exclude: Vec<String>,
    /// Apply `exclude` to files named on the command line too (for pre-commit).
    #[arg(long, help_heading = "Files")]
    pub force_exclude: bool,
    /// Exit with 0 when no Dockerfile is found (instead of 2).
    #[arg(long, help_heading = "Files")]
    pub allow_empty: bool,
}

/// `--failure-threshold`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailureThresholdArg {
    Error,
    Warning,
    Info,
    Style,
    None,
}

impl From<FailureThresholdArg> for FailureThreshold {
    fn from(arg: FailureThresholdArg) -> Self {
        match arg {
            FailureThresholdArg::Error => FailureThreshold::Error,
            FailureThresholdArg::Warning => FailureThreshold::Warning,
            FailureThresholdArg::Info => FailureThreshold::Info,
            FailureThresholdArg::Style => FailureThreshold::Style,
            FailureThresholdArg::None => FailureThreshold::None,
        }
    }
}

/// The paths at the end of a `check` command line (after [`with_default_subcommand`]), but
/// the first of them, split off for the caller to add to what clap parses: clap makes
/// several values of each path it reads (a copy, a typed value, its place), and `xargs` or
/// pre-commit names thousands. What is split off is what clap would take as paths: the
/// arguments after the last one that starts with `-`, none of them empty (which clap
/// rejects), but the first, which clap reads as the value of the option before it or as
/// a path (and then checks the paths as it does). Nothing is split off when a `--` ends
/// the options, or if an option of `check` could take more than one value.
pub fn split_trailing_paths(
    command: &clap::Command,
    mut args: Vec<std::ffi::OsString>,
) -> (Vec<std::ffi::OsString>, Vec<std::ffi::OsString>) {
    let none = |args| (args, Vec::new());
    if args.get(1).is_none_or(|a| a != "check") || args.iter().any(|a| a == "--") {
        return none(args);
    }
    let one_value_each = command.find_subcommand("check").is_some_and(|check| {
        check
            .get_arguments()
            .all(|a| a.is_positional() || a.get_num_args().is_none_or(|n| n.max_values() <= 1))
    });
    if !one_value_each {
        return none(args);
    }
    let is_path = |a: &std::ffi::OsString| {
        let bytes = a.as_encoded_bytes();
        !bytes.is_empty() && bytes[0] != b'-'
    };
    let mut start = args.len();
    while start > 2 && is_path(&args[start - 1]) {
        start -= 1;
    }
    if start + 1 >= args.len() {
        return none(args);
    }
    let rest = args.split_off(start + 1);
    (args, rest)
}

/// The arguments as given, with `check` put in front when the first one is not a
/// subcommand of `command` (`layerlint Dockerfile`, `layerlint --fix .`, `layerlint`).
pub fn with_default_subcommand(
    command: &clap::Command,
    mut args: Vec<std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    let first = args.get(1).and_then(|a| a.to_str()).map(str::to_owned);
    let is_subcommand = |name: &str| {
        command
            .get_subcommands()
            .any(|c| c.get_name() == name || c.get_all_aliases().any(|a| a == name))
    };
    let keep = match first.as_deref() {
        None => false,
        Some("-h" | "--help" | "-V" | "--version" | "help") => true,
        Some(name) => is_subcommand(name),
    };
    if !keep {
        args.insert(1.min(args.len()), "check".into());
    }
    args
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use clap::{CommandFactory, FromArgMatches};

    use super::*;

    /// The command line parsed as `main` parses it, with the trailing paths split off or
    /// not: the parse (or the error), and where the formats and outputs stood.
    fn parse(args: &[&str], split: bool) -> (Result<String, String>, usize) {
        let command = Cli::command();
        let args: Vec<OsString> = std::iter::once("layerlint")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        let args = with_default_subcommand(&command, args);
        let (args, rest) = if split {
            split_trailing_paths(&command, args)
        } else {
            (args, Vec::new())
        };
        let split_off = rest.len();
        let mut matches = match command.try_get_matches_from(args) {
            Ok(matches) => matches,
            Err(err) => return (Err(err.kind().to_string()), split_off),
        };
        let positions = matches
            .subcommand_matches("check")
            .map(commands::check::Positions::of)
            .unwrap_or_default();
        let mut cli = match Cli::from_arg_matches_mut(&mut matches) {
            Ok(cli) => cli,
            Err(err) => return (Err(err.kind().to_string()), split_off),
        };
        if let Command::Check(check) = &mut cli.command {
            check.paths.extend(rest.into_iter().map(PathBuf::from));
        }
        (Ok(format!("{cli:?} {positions:?}")), split_off)
    }

    #[test]
    fn paths_split_off_parse_as_clap_parses_them() {
        let lines: &[&[&str]] = &[
            &["a", "b", "c"],
            &["check", "a", "b", "c"],
            &["check", "--select", "LL101", "a", "b"],
            &["check", "--select=LL101", "a", "b"],
            &["check", "--quiet", "a", "b"],
            &["check", "-q", "a", "b"],
            &["check", "-e", "a", "b"],
            &["check", "-o", "out.json", "a", "b"],
            &[
                "check", "--format", "json", "--output", "x", "--format", "sarif", "a", "b", "c",
            ],
            &["check", "--add-ignore", "a", "b"],
            &["check", "--add-ignore=why", "a", "b"],
            &["check", "-qe", "a", "b"],
            &["check", "--no-such-option", "a", "b"],
            &["check", "--select", "a", "b"],
            &["check", "a", "", "b", "c"],
            &["check", "a", "b", ""],
            &["check", "a", "-", "b", "c"],
            &["check", "--", "-a", "b", "c"],
            &["check", "a", "b", "--quiet"],
            &["check", "a", "b", "--select", "LL1", "c", "d"],
            &["rule", "LL101", "x"],
            &["check", "a"],
            &["check"],
            &["--quiet", "a", "b"],
        ];
        let mut split = 0;
        for line in lines {
            let (with, split_off) = parse(line, true);
            assert_eq!(with, parse(line, false).0, "{line:?}");
            split += split_off;
        }
        // Most of these lines have paths to split off.
        assert!(split > 10, "{split} paths split off");
        assert_eq!(
            parse(&["check", "--select", "LL1", "a", "b", "c"], true).1,
            3
        );
    }
}
