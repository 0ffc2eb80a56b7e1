//! `layerlint`: lint Dockerfiles, fix them, explain their layer cache, serve editors.
//!
//! The binary is a thin shell over this library: [`cli`] declares the command line,
//! [`commands`] holds one file per subcommand, and `check` is built from file discovery
//! ([`discovery`]), per-directory configuration ([`config`]), linting and fixing in
//! parallel ([`check`]), and the reporters ([`report`]).

pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod discovery;
pub mod files;
pub mod hadolint;
pub mod listing;
pub mod pool;
pub mod report;

use std::io::Write as _;

use clap::{CommandFactory, FromArgMatches};

/// Exit status: nothing at or above the failure threshold.
pub const EXIT_OK: u8 = 0;
/// Exit status: findings (or, with `--diff`, changes pending).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: usage, configuration or I/O error.
pub const EXIT_ERROR: u8 = 2;

/// Runs the command line of this process; its exit status (the binary exits with it
/// without the C library's exit hooks, once standard output is flushed).
pub fn run() -> u8 {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // A command line naming many paths has their directory listed, and its files checked
    // by a pool of threads (see `pool`): begun now on another thread, the listing is
    // ready about when the command line is parsed and the named paths made absolute, and
    // the pool just after it.
    let listings = listing::Listings::default();
    if let Some(dir) = discovery::likely_listed_dir(&args) {
        listings.list_early(dir, pool::start);
    }
    let command = cli::Cli::command();
    let args = cli::with_default_subcommand(&command, args);
    let (args, more_paths) = cli::split_trailing_paths(&command, args);
    let mut matches = match command.try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(err) => {
            let code = if err.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_OK
            };
            let _ = err.print();
            return code;
        }
    };
    // Read before the values are taken out of the matches: where `check`'s `--format`s
    // and `--output`s stand, which the parsed values do not keep.
    let positions = matches
        .subcommand_matches("check")
        .map(commands::check::Positions::of)
        .unwrap_or_default();
    // Taking the values out of the matches rather than copying them (a path per file
    // named, by the thousand from `xargs`).
    let mut parsed = match cli::Cli::from_arg_matches_mut(&mut matches) {
        Ok(parsed) => parsed,
        Err(err) => {
            let _ = err.print();
            return EXIT_ERROR;
        }
    };
    if let cli::Command::Check(check) = &mut parsed.command {
        check
            .paths
            .extend(more_paths.into_iter().map(std::path::PathBuf::from));
    }
    let status = commands::run(parsed, &positions, listings);
    // As the reports and the paths: what the command line parsed into (a value per path
    // named) is freed by the exit.
    std::mem::forget(matches);
    match status {
        Ok(code) => code,
        Err(err) => {
            let _ = std::io::stdout().flush();
            eprintln!("layerlint: {err:#}");
            EXIT_ERROR
        }
    }
}
