//! One file per subcommand; [`run`] sends the parsed command line to it.

pub mod cache;
pub mod check;
pub mod completions;
pub mod config;
pub mod debug;
pub mod init;
pub mod lsp;
pub mod rule;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::listing::Listings;

/// Runs a parsed command line; the exit status on success. For `check`: where its
/// `--format`s and `--output`s stood, and the directory listings begun before the command
/// line was parsed.
pub fn run(cli: Cli, positions: &check::Positions, listings: Listings) -> Result<u8> {
    match cli.command {
        Command::Check(args) => {
            let status = check::run(&args, positions, listings);
            // The process ends after this: the paths named (thousands, from `xargs` or
            // pre-commit) are freed by the exit rather than one at a time.
            std::mem::forget(args);
            status
        }
        Command::Cache(args) => cache::run(&args),
        Command::Rule(args) => rule::run(&args),
        Command::Config(args) => config::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Lsp(args) => lsp::run(&args),
        Command::Debug(args) => debug::run(&args),
    }
}
