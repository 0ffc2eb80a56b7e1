//! `layerlint debug`: tools for developing layerlint.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use layerlint_text::LineIndex;

use crate::files::read_dockerfile;
use crate::{EXIT_FINDINGS, EXIT_OK};

#[derive(Debug, Args)]
pub struct DebugArgs {
    #[command(subcommand)]
    pub command: DebugCommand,
}

#[derive(Debug, Subcommand)]
pub enum DebugCommand {
    /// Print the syntax tree of a Dockerfile.
    Parse {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = TreeFormat::Tree)]
        format: TreeFormat,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TreeFormat {
    /// Nodes with byte ranges.
    Tree,
    /// BuildKit's `Node.Dump()`.
    Buildkit,
}

pub fn run(args: &DebugArgs) -> Result<u8> {
    let DebugCommand::Parse { file, format } = &args.command;
    let source = read_dockerfile(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let source = source.text;
    let parsed = layerlint_syntax::parse(&source);
    let index = LineIndex::new(&source);
    let report = |errors: &mut dyn Iterator<Item = &layerlint_syntax::ParseError>| {
        let mut any = false;
        for error in errors {
            let at = index.position(error.range.start(), &source);
            eprintln!(
                "{}:{}:{}: {}",
                file.display(),
                at.line,
                at.column,
                error.message
            );
            any = true;
        }
        any
    };
    let failed = match format {
        TreeFormat::Buildkit => {
            let failed = report(&mut parsed.errors.iter().filter(|e| e.kind.is_parser_level()));
            if !failed {
                print!("{}", layerlint_syntax::buildkit::dump(&parsed.file));
            }
            failed
        }
        TreeFormat::Tree => {
            print!("{}", layerlint_syntax::debug::tree(&parsed));
            report(&mut parsed.errors.iter())
        }
    };
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
}
