//! `layerlint init`: a commented starter `layerlint.toml` (importing `.hadolint.yaml`
//! when there is one).

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};
use clap::Args;

use crate::EXIT_OK;
use crate::hadolint::{self, HadolintConfig};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The directory to write `layerlint.toml` in.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite an existing `layerlint.toml`.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: &InitArgs) -> Result<u8> {
    let path = args.dir.join("layerlint.toml");
    if path.exists() && !args.force {
        bail!(
            "{}: already exists (use --force to overwrite)",
            path.display()
        );
    }
    let imported = match hadolint::file_in(&args.dir) {
        Some(file) => Some((
            file.clone(),
            HadolintConfig::load(&file).map_err(|e| anyhow::anyhow!("{e}"))?,
        )),
        None => None,
    };
    let text = starter(imported.as_ref().map(|(p, c)| (p.display().to_string(), c)));
    std::fs::write(&path, text).with_context(|| format!("{}: cannot write", path.display()))?;
    eprintln!("Wrote {}.", path.display());
    if let Some((file, _)) = imported {
        eprintln!(
            "Imported {}; layerlint reads layerlint.toml from now on.",
            file.display()
        );
    }
    Ok(EXIT_OK)
}

fn quoted(items: &[String]) -> String {
    let list: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    list.join(", ")
}

/// The starter configuration; with a hadolint configuration, its settings translated.
pub fn starter(hadolint: Option<(String, &HadolintConfig)>) -> String {
    let mut out = String::from(
        "# layerlint configuration: https://github.com/layerlint/layerlint#configuration\n\
         # layerlint uses the nearest layerlint.toml or .layerlint.toml above each Dockerfile.\n\
         #:schema ./layerlint.schema.json\n\n",
    );
    let ignored: Vec<String>;
    let mut severities: Vec<(String, &str)> = Vec::new();
    // Tables come last: a key after `[table]` belongs to it.
    let mut tables = String::new();
    match hadolint {
        Some((path, config)) => {
            let _ = writeln!(out, "# Imported from {path}.\n");
            let known = |id: &String| !layerlint_linter::Rule::from_alias(id.trim()).is_empty();
            let mut unknown: Vec<String> = Vec::new();
            ignored = config
                .ignored
                .iter()
                .filter(|id| known(id))
                .cloned()
                .collect();
            unknown.extend(config.ignored.iter().filter(|id| !known(id)).cloned());
            for (severity, ids) in config.overrides.by_severity() {
                for id in ids {
                    if known(id) {
                        severities.push((id.clone(), severity.as_str()));
                    } else {
                        unknown.push(id.clone());
                    }
                }
            }
            if !unknown.is_empty() {
                let _ = writeln!(
                    out,
                    "# No layerlint rule has these hadolint ids as equivalents: {}.\n",
                    unknown.join(", ")
                );
            }
            if let Ok(Some(threshold)) = config.threshold(std::path::Path::new(&path)) {
                let name = format!("{threshold:?}").to_ascii_lowercase();
                let _ = writeln!(out, "failure-threshold = \"{name}\"\n");
            }
            if !config.trusted_registries.is_empty() {
                let _ = writeln!(
                    out,
                    "trusted-registries = [{}]\n",
                    quoted(&config.trusted_registries)
                );
            }
            if !config.label_schema.is_empty() {
                tables.push_str(
                    "# Labels the final image must carry, and their format.\n[label-schema]\n",
                );
                for (label, kind) in &config.label_schema {
                    let kind = format!("{kind:?}").to_ascii_lowercase();
                    let _ = writeln!(tables, "{label:?} = \"{kind}\"");
                }
                tables.push('\n');
            }
            if let Some(strict) = config.strict_labels {
                let _ = writeln!(out, "strict-labels = {strict}\n");
            }
        }
        None => {
            ignored = Vec::new();
            out.push_str(
                "# Findings at or above this severity make `layerlint check` exit with 1:\n\
                 # \"error\", \"warning\", \"info\" (the default), \"style\" or \"none\".\n\
                 # failure-threshold = \"warning\"\n\n\
                 # Registries base images may come from.\n\
                 # trusted-registries = [\"docker.io\", \"ghcr.io/my-org/*\"]\n\n",
            );
        }
    }
    out.push_str(
        "# Rules: codes (LL101), prefixes (LL1), names (invalid-json-exec-form), categories\n\
         # (cache, security, ...), aliases (DL3008, JSONArgsRecommended) or \"ALL\".\n\
         # select = [\"ALL\"]\n\
         # extend-select = [\"LL2\"]\n",
    );
    if ignored.is_empty() {
        out.push_str("# ignore = [\"DL3008\"]\n");
    } else {
        let _ = writeln!(out, "ignore = [{}]", quoted(&ignored));
    }
    out.push_str(
        "\n# Apply safe fixes on every `layerlint check` (as `--fix` does).\n\
         # fix = true\n\n\
         # Paths to skip when walking directories (names anywhere, or paths from here).\n\
         # exclude = [\"vendor\", \"testdata/**\"]\n\n",
    );
    out.push_str(&tables);
    out.push_str("# Severity per rule.\n[severity]\n");
    if severities.is_empty() {
        out.push_str("# LL101 = \"error\"\n");
    } else {
        for (id, severity) in severities {
            let _ = writeln!(out, "{id:?} = \"{severity}\"");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starters_are_valid_configuration() {
        let path = std::path::Path::new("layerlint.toml");
        layerlint_linter::Settings::from_toml(&starter(None), path).unwrap();
        let hadolint = HadolintConfig::parse(
            "ignored: [DL3025]\noverride:\n  error: [DL4003]\ntrustedRegistries: [docker.io]\nlabel-schema:\n  author: text\nstrict-labels: true\nfailure-threshold: warning\n",
            std::path::Path::new(".hadolint.yaml"),
        )
        .unwrap();
        let text = starter(Some((".hadolint.yaml".to_owned(), &hadolint)));
        layerlint_linter::Settings::from_toml(&text, path)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
    }
}
