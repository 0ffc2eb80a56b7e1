//! `layerlint cache FILE [--changed PATH…] [--context DIR] [--format text|json]`: the
//! layer-cache report of `layerlint_cache::report`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::{Args, ValueEnum};
use layerlint_cache::BuildContext;
use layerlint_cache::report::CacheReport;

#[derive(Debug, Args)]
pub struct CacheArgs {
    /// The Dockerfile.
    file: PathBuf,
    /// Context paths to ask about (default: a source file of the context that a layer
    /// copies and that is not a manifest).
    #[arg(long, value_name = "PATH", num_args = 1..)]
    changed: Vec<String>,
    /// The build context (default: the Dockerfile's directory).
    #[arg(long, value_name = "DIR")]
    context: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = CacheFormat::Text)]
    format: CacheFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum CacheFormat {
    Text,
    Json,
}

pub fn run(args: &CacheArgs) -> Result<u8> {
    let source = std::fs::read_to_string(&args.file)
        .with_context(|| format!("{}: cannot read", args.file.display()))?;
    let dir = match &args.context {
        Some(dir) => dir.clone(),
        None => args
            .file
            .parent()
            .map(Path::to_path_buf)
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from(".")),
    };
    anyhow::ensure!(
        dir.is_dir(),
        "{}: the build context is not a directory",
        dir.display()
    );
    let context = BuildContext::on_disk(&dir, Some(&args.file));
    let report = CacheReport::new(
        &source,
        &args.file.display().to_string(),
        Some(&context),
        &args.changed,
    );
    match args.format {
        CacheFormat::Text => print!("{}", report.to_text()),
        CacheFormat::Json => println!("{}", report.to_json()),
    }
    Ok(crate::EXIT_OK)
}
