//! `layerlint completions SHELL`: a completion script generated from the command line's
//! definition.

use anyhow::Result;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::EXIT_OK;
use crate::cli::Cli;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> Result<u8> {
    let mut command = Cli::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "layerlint",
        &mut std::io::stdout(),
    );
    Ok(EXIT_OK)
}
