//! Reading `.hadolint.yaml` / `.hadolint.yml` when a project has no layerlint
//! configuration, so that moving from hadolint keeps its settings.
//!
//! | hadolint | layerlint |
//! |---|---|
//! | `ignored: [DL3008]` | the rules with that alias are off |
//! | `override: {error: [DL3001], warning: […], info: […], style: […]}` | their severity |
//! | `trustedRegistries: [docker.io]` | `trusted-registries` |
//! | `label-schema: {maintainer: text}` | `label-schema` |
//! | `strict-labels: true` | `strict-labels` |
//! | `failure-threshold: warning` (`ignore`/`none`: never) | `failure-threshold` |
//! | `no-fail: true` | `failure-threshold = "none"` |
//!
//! Other keys (`format`, `no-color`, `disable-ignore-pragma`, …) are accepted and
//! ignored; a hadolint id that no layerlint rule lists as an equivalent is skipped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use layerlint_linter::settings::LabelType;
use layerlint_linter::{FailureThreshold, Rule, Settings, Severity};
use serde::Deserialize;

/// The names hadolint's project configuration may have, in the order looked for.
pub const FILE_NAMES: [&str; 2] = [".hadolint.yaml", ".hadolint.yml"];

/// The part of a hadolint configuration file that layerlint uses.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HadolintConfig {
    pub ignored: Vec<String>,
    #[serde(rename = "override")]
    pub overrides: Overrides,
    #[serde(rename = "trustedRegistries", alias = "trusted-registries")]
    pub trusted_registries: Vec<String>,
    #[serde(rename = "label-schema", alias = "labelSchema")]
    pub label_schema: BTreeMap<String, LabelType>,
    #[serde(rename = "strict-labels", alias = "strictLabels")]
    pub strict_labels: Option<bool>,
    #[serde(rename = "failure-threshold", alias = "failureThreshold")]
    pub failure_threshold: Option<String>,
    #[serde(rename = "no-fail", alias = "noFail")]
    pub no_fail: Option<bool>,
}

/// `override:`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Overrides {
    pub error: Vec<String>,
    pub warning: Vec<String>,
    pub info: Vec<String>,
    pub style: Vec<String>,
}

impl Overrides {
    pub fn by_severity(&self) -> [(Severity, &[String]); 4] {
        [
            (Severity::Error, &self.error),
            (Severity::Warning, &self.warning),
            (Severity::Info, &self.info),
            (Severity::Style, &self.style),
        ]
    }
}

/// The `.hadolint.yaml` or `.hadolint.yml` in `dir`, if any.
pub fn file_in(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|p| p.is_file())
}

impl HadolintConfig {
    pub fn parse(text: &str, path: &Path) -> Result<HadolintConfig, String> {
        if text.trim().is_empty() {
            return Ok(HadolintConfig::default());
        }
        serde_yaml_ng::from_str(text).map_err(|e| match e.location() {
            Some(at) => format!(
                "{}:{}:{}: {}",
                path.display(),
                at.line(),
                at.column(),
                strip_location(&e.to_string())
            ),
            None => format!("{}: {e}", path.display()),
        })
    }

    pub fn load(path: &Path) -> Result<HadolintConfig, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&text, path)
    }

    /// The failure threshold, if one is set.
    pub fn threshold(&self, path: &Path) -> Result<Option<FailureThreshold>, String> {
        if self.no_fail == Some(true) {
            return Ok(Some(FailureThreshold::None));
        }
        let Some(text) = &self.failure_threshold else {
            return Ok(None);
        };
        match text.to_ascii_lowercase().as_str() {
            "ignore" | "none" => Ok(Some(FailureThreshold::None)),
            other => other
                .parse()
                .map(Some)
                .map_err(|e| format!("{}: failure-threshold: {e}", path.display())),
        }
    }

    /// Layerlint settings with this configuration applied to the defaults.
    pub fn to_settings(&self, path: &Path) -> Result<Settings, String> {
        let mut settings = Settings::default();
        settings.origin = Some(path.to_owned());
        for id in &self.ignored {
            for rule in Rule::from_alias(id.trim()) {
                settings.set_enabled(rule, false);
            }
        }
        for (severity, ids) in self.overrides.by_severity() {
            for id in ids {
                for rule in Rule::from_alias(id.trim()) {
                    settings.set_severity(rule, severity);
                }
            }
        }
        if !self.trusted_registries.is_empty() {
            settings
                .options
                .trusted_registries
                .clone_from(&self.trusted_registries);
        }
        if !self.label_schema.is_empty() {
            settings.options.label_schema.clone_from(&self.label_schema);
        }
        if let Some(strict) = self.strict_labels {
            settings.options.strict_labels = strict;
        }
        if let Some(threshold) = self.threshold(path)? {
            settings.failure_threshold = threshold;
        }
        Ok(settings)
    }
}

/// serde_yaml's messages end with " at line L column C"; the location is given first.
fn strip_location(message: &str) -> &str {
    message.find(" at line ").map_or(message, |i| &message[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_every_key() {
        let text = "ignored:\n  - DL3025\noverride:\n  error:\n    - DL4003\ntrustedRegistries:\n  - docker.io\nlabel-schema:\n  author: text\nstrict-labels: true\nfailure-threshold: warning\nformat: tty\n";
        let config = HadolintConfig::parse(text, Path::new(".hadolint.yaml")).unwrap();
        let settings = config.to_settings(Path::new(".hadolint.yaml")).unwrap();
        for rule in Rule::from_alias("DL3025") {
            assert!(!settings.is_enabled(rule));
        }
        for rule in Rule::from_alias("DL4003") {
            assert_eq!(settings.severity(rule), Severity::Error);
        }
        assert_eq!(settings.options.trusted_registries, ["docker.io"]);
        assert_eq!(settings.options.label_schema["author"], LabelType::Text);
        assert!(settings.options.strict_labels);
        assert_eq!(settings.failure_threshold, FailureThreshold::Warning);
    }

    #[test]
    fn errors_name_file_and_line() {
        let err = HadolintConfig::parse("ignored: 3\n", Path::new(".hadolint.yaml")).unwrap_err();
        assert!(err.starts_with(".hadolint.yaml:1:"), "{err}");
        let config =
            HadolintConfig::parse("failure-threshold: loud\n", Path::new("h.yaml")).unwrap();
        assert!(config.to_settings(Path::new("h.yaml")).is_err());
        assert!(
            HadolintConfig::parse("", Path::new("h.yaml"))
                .unwrap()
                .ignored
                .is_empty()
        );
    }
}
