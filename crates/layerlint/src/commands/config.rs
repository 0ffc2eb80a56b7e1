//! `layerlint config`: the configuration file's JSON schema, and which file applies.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::EXIT_OK;

#[derive(Debug, Args)]
#[command(arg_required_else_help = true)]
pub struct ConfigArgs {
    /// Print the JSON schema of `layerlint.toml` (the same as `layerlint.schema.json`).
    #[arg(long)]
    pub schema: bool,
    /// Print the configuration file that applies to this Dockerfile or directory.
    #[arg(long, value_name = "PATH", conflicts_with = "schema")]
    pub which: Option<PathBuf>,
}

/// The JSON schema of `layerlint.toml`, pretty-printed with a final newline.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(layerlint_linter::settings::ConfigFile);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

pub fn run(args: &ConfigArgs) -> Result<u8> {
    if args.schema {
        print!("{}", schema_json());
    } else if let Some(path) = &args.which {
        let path = std::path::absolute(path)?;
        let dir = if path.is_dir() {
            path.as_path()
        } else {
            path.parent().unwrap_or(&path)
        };
        match crate::config::find_config_file(dir) {
            Some(found) => println!("{}", found.display()),
            None => println!("(none: built-in defaults)"),
        }
    }
    Ok(EXIT_OK)
}
