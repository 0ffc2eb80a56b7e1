//! `layerlint`: lint Dockerfiles, fix them, explain their layer cache, serve editors.

mod cache;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand, ValueEnum};
use layerlint_linter::{Settings, lint};
use layerlint_text::LineIndex;

#[derive(Parser)]
#[command(
    name = "layerlint",
    version,
    about = "A Dockerfile linter and layer-cache optimizer"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint Dockerfiles.
    Check {
        /// Dockerfiles to check.
        paths: Vec<PathBuf>,
    },
    /// Print a rule's documentation.
    Rule {
        /// A code (`LL101`), name or alias.
        rule: String,
    },
    /// Which layers rebuild when a path of the build context changes, as written and as
    /// the optimizer would rewrite the file.
    Cache(cache::CacheArgs),
    /// Serve editors: the language server, over stdin and stdout.
    Lsp,
    /// Developer tools.
    Debug {
        #[command(subcommand)]
        command: DebugCommand,
    },
}

#[derive(Subcommand)]
enum DebugCommand {
    /// Print the syntax tree of a Dockerfile.
    Parse {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = TreeFormat::Tree)]
        format: TreeFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum TreeFormat {
    /// Nodes with byte ranges.
    Tree,
    /// BuildKit's `Node.Dump()`.
    Buildkit,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("layerlint: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Check { paths } => check(&paths),
        Command::Rule { rule } => {
            let found = layerlint_linter::resolve_selector(&rule)
                .filter(|rules| rules.len() == 1)
                .with_context(|| format!("no rule `{rule}`"))?;
            print!("{}", layerlint_linter::docs::page(found[0].meta()));
            Ok(ExitCode::SUCCESS)
        }
        Command::Cache(args) => cache::run(&args),
        Command::Lsp => {
            layerlint_lsp::run_stdio().context("language server")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Debug {
            command: DebugCommand::Parse { file, format },
        } => debug_parse(&file, format),
    }
}

fn read(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    String::from_utf8(bytes).with_context(|| format!("{}: not UTF-8 text", path.display()))
}

fn check(paths: &[PathBuf]) -> Result<ExitCode> {
    let settings = Settings::default();
    let mut failed = false;
    for path in paths {
        let source = read(path)?;
        let result = lint(&source, Some(path), &settings);
        let index = LineIndex::new(&source);
        for d in &result.diagnostics {
            let at = index.position(d.range.start(), &source);
            println!(
                "{}:{}:{}: {} [{}] {}",
                path.display(),
                at.line,
                at.column,
                d.code(),
                d.rule.name,
                d.message
            );
            failed |= settings.failure_threshold.fails(d.severity);
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn debug_parse(file: &Path, format: TreeFormat) -> Result<ExitCode> {
    let source = read(file)?;
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
    match format {
        TreeFormat::Buildkit => {
            if report(&mut parsed.errors.iter().filter(|e| e.kind.is_parser_level())) {
                return Ok(ExitCode::from(1));
            }
            print!("{}", layerlint_syntax::buildkit::dump(&parsed.file));
            Ok(ExitCode::SUCCESS)
        }
        TreeFormat::Tree => {
            print!("{}", layerlint_syntax::debug::tree(&parsed));
            let failed = report(&mut parsed.errors.iter());
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}
