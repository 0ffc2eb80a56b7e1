use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How serious a finding is. Ordered: `Style < Info < Warning < Error`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Style,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Self::Error, Self::Warning, Self::Info, Self::Style];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
            Self::Style => "style",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Ok(Self::Error),
            "warning" => Ok(Self::Warning),
            "info" => Ok(Self::Info),
            "style" => Ok(Self::Style),
            _ => Err(format!(
                "unknown severity `{s}` (expected error, warning, info or style)"
            )),
        }
    }
}

/// The rule families, by the first digit of the code (`LL1xx` is build correctness).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    /// `LL0xx`: syntax, directives and suppression comments.
    Syntax,
    /// `LL1xx`: mistakes that break the build or change what the container does.
    Correctness,
    /// `LL2xx`: layer cache and image size.
    Cache,
    /// `LL3xx`: security.
    Security,
    /// `LL4xx`: reproducibility (pinning).
    Reproducibility,
    /// `LL5xx`: shell and package-manager hygiene.
    Shell,
    /// `LL6xx`: style and metadata.
    Style,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Self::Syntax,
        Self::Correctness,
        Self::Cache,
        Self::Security,
        Self::Reproducibility,
        Self::Shell,
        Self::Style,
    ];

    /// The code prefix: `LL0` … `LL6`.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Syntax => "LL0",
            Self::Correctness => "LL1",
            Self::Cache => "LL2",
            Self::Security => "LL3",
            Self::Reproducibility => "LL4",
            Self::Shell => "LL5",
            Self::Style => "LL6",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Syntax => "Syntax and directives",
            Self::Correctness => "Build correctness",
            Self::Cache => "Layer cache and image size",
            Self::Security => "Security",
            Self::Reproducibility => "Reproducibility",
            Self::Shell => "Shell and package managers",
            Self::Style => "Style and metadata",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::Syntax => "syntax",
            Self::Correctness => "correctness",
            Self::Cache => "cache",
            Self::Security => "security",
            Self::Reproducibility => "reproducibility",
            Self::Shell => "shell",
            Self::Style => "style",
        }
    }
}

/// Whether a rule can fix what it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Sometimes => "sometimes",
            Self::Always => "always",
        }
    }
}

/// The same check in another tool; its id is accepted as an alias of ours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Equivalent {
    /// hadolint's `DLxxxx` (or `SCxxxx`).
    Hadolint(&'static str),
    /// A BuildKit build check (`docker build --check`), e.g. `JSONArgsRecommended`.
    BuildKit(&'static str),
    /// A Trivy misconfiguration id, e.g. `DS-0016`.
    Trivy(&'static str),
    /// A Checkov id, e.g. `CKV_DOCKER_7`.
    Checkov(&'static str),
}

impl Equivalent {
    pub fn id(self) -> &'static str {
        match self {
            Self::Hadolint(id) | Self::BuildKit(id) | Self::Trivy(id) | Self::Checkov(id) => id,
        }
    }

    pub fn tool(self) -> &'static str {
        match self {
            Self::Hadolint(_) => "hadolint",
            Self::BuildKit(_) => "buildkit",
            Self::Trivy(_) => "trivy",
            Self::Checkov(_) => "checkov",
        }
    }

    /// The peer's documentation page, when it has a stable one.
    pub fn url(self) -> Option<String> {
        match self {
            Self::Hadolint(id) if id.starts_with("DL") => {
                Some(format!("https://github.com/hadolint/hadolint/wiki/{id}"))
            }
            Self::Hadolint(id) => Some(format!("https://www.shellcheck.net/wiki/{id}")),
            Self::BuildKit(name) => Some(format!(
                "https://docs.docker.com/go/dockerfile/rule/{}/",
                kebab(name)
            )),
            Self::Trivy(id) => Some(format!(
                "https://avd.aquasec.com/misconfig/{}",
                id.to_ascii_lowercase().replace('-', "")
            )),
            Self::Checkov(_) => None,
        }
    }
}

/// `JSONArgsRecommended` → `json-args-recommended`.
fn kebab(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev_lower = chars[i - 1].is_ascii_lowercase();
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if prev_lower || (chars[i - 1].is_ascii_uppercase() && next_lower) {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Everything known about a rule except how it checks: its identity, documentation and
/// metadata. Declared once, in the rule's own file.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleMeta {
    /// `LL101`.
    pub code: &'static str,
    /// `invalid-json-exec-form`.
    pub name: &'static str,
    pub category: Category,
    /// One line: what the rule finds.
    pub summary: &'static str,
    pub severity: Severity,
    /// Whether it runs without being selected.
    pub default_enabled: bool,
    pub fix: FixAvailability,
    pub equivalents: &'static [Equivalent],
    /// The documentation in Markdown (`## What it does`, `## Why is this bad?`,
    /// `## Examples` with `### Invalid` / `### Valid`, `## Fix safety`).
    pub docs: &'static str,
}

impl RuleMeta {
    /// Where the rule's page is published.
    pub fn url(&self) -> String {
        format!(
            "https://github.com/layerlint/layerlint/blob/main/rules/{}-{}.md",
            self.code, self.name
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buildkit_urls() {
        assert_eq!(
            Equivalent::BuildKit("JSONArgsRecommended").url().unwrap(),
            "https://docs.docker.com/go/dockerfile/rule/json-args-recommended/"
        );
        assert_eq!(kebab("FromAsCasing"), "from-as-casing");
        assert_eq!(kebab("UndefinedArgInFrom"), "undefined-arg-in-from");
        assert_eq!(kebab("SecretsUsedInArgOrEnv"), "secrets-used-in-arg-or-env");
    }

    #[test]
    fn severity_order() {
        assert!(Severity::Style < Severity::Info);
        assert!(Severity::Warning < Severity::Error);
        assert_eq!("Warning".parse::<Severity>(), Ok(Severity::Warning));
    }

    /// Every severity reads back from its name (as configuration files write it) and
    /// prints as that name.
    #[test]
    fn severity_names_round_trip() {
        for severity in Severity::ALL {
            assert_eq!(severity.as_str().parse::<Severity>(), Ok(severity));
            assert_eq!(severity.to_string(), severity.as_str());
        }
        assert_eq!(
            Severity::ALL.map(Severity::as_str),
            ["error", "warning", "info", "style"]
        );
        assert!("fatal".parse::<Severity>().is_err());
    }

    /// A rule's code starts with its category's prefix, and the slugs name the folders
    /// the rules live in.
    #[test]
    fn categories() {
        let prefixes = Category::ALL.map(Category::prefix);
        assert_eq!(prefixes, ["LL0", "LL1", "LL2", "LL3", "LL4", "LL5", "LL6"]);
        assert_eq!(Category::Cache.slug(), "cache");
        assert_eq!(Category::Shell.title(), "Shell and package managers");
        let meta = RuleMeta {
            code: "LL101",
            name: "invalid-json-exec-form",
            category: Category::Correctness,
            summary: "",
            severity: Severity::Error,
            default_enabled: true,
            fix: FixAvailability::Sometimes,
            equivalents: &[],
            docs: "",
        };
        assert!(
            meta.url()
                .ends_with("/rules/LL101-invalid-json-exec-form.md")
        );
        assert_eq!(meta.fix.as_str(), "sometimes");
    }

    #[test]
    fn peer_urls() {
        let dl = Equivalent::Hadolint("DL3008");
        assert_eq!((dl.tool(), dl.id()), ("hadolint", "DL3008"));
        assert_eq!(
            dl.url().unwrap(),
            "https://github.com/hadolint/hadolint/wiki/DL3008"
        );
        assert_eq!(
            Equivalent::Hadolint("SC2086").url().unwrap(),
            "https://www.shellcheck.net/wiki/SC2086"
        );
        assert_eq!(
            Equivalent::Trivy("DS-0016").url().unwrap(),
            "https://avd.aquasec.com/misconfig/ds0016"
        );
        assert_eq!(Equivalent::Checkov("CKV_DOCKER_7").url(), None);
    }
}
