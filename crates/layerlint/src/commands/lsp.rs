//! `layerlint lsp`: the language server, over standard input and output.

use anyhow::{Context as _, Result};
use clap::Args;

use crate::EXIT_OK;

#[derive(Debug, Args)]
pub struct LspArgs {}

pub fn run(_args: &LspArgs) -> Result<u8> {
    layerlint_lsp::run_stdio().context("language server")?;
    Ok(EXIT_OK)
}
