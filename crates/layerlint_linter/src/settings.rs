//! Which rules run, how serious their findings are, and the options some rules read:
//! from `layerlint.toml` / `.layerlint.toml` (found by walking up from each Dockerfile)
//! and command-line overrides.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use layerlint_diagnostics::Severity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Rule;
use crate::selector::{Selection, resolve_selection, suggest};

/// The names a configuration file may have, in the order they are looked for.
pub const CONFIG_FILE_NAMES: [&str; 2] = ["layerlint.toml", ".layerlint.toml"];

/// When `layerlint check` exits with 1: findings at or above this severity (`none`:
/// never).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum FailureThreshold {
    Error,
    Warning,
    #[default]
    Info,
    Style,
    None,
}

impl FailureThreshold {
    /// Whether a finding of `severity` fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            Self::None => false,
            Self::Error => severity >= Severity::Error,
            Self::Warning => severity >= Severity::Warning,
            Self::Info => severity >= Severity::Info,
            Self::Style => true,
        }
    }
}

impl std::str::FromStr for FailureThreshold {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Ok(Self::Error),
            "warning" => Ok(Self::Warning),
            "info" => Ok(Self::Info),
            "style" => Ok(Self::Style),
            "none" => Ok(Self::None),
            _ => Err(format!(
                "unknown failure threshold `{s}` (expected error, warning, info, style or none)"
            )),
        }
    }
}

/// The format a label's value must have (hadolint's `label-schema`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LabelType {
    Text,
    Url,
    Semver,
    Hash,
    Rfc3339,
    Spdx,
    Email,
}

/// Whether to run the real ShellCheck on RUN scripts.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum ShellcheckSetting {
    /// When a `shellcheck` binary is on `PATH`.
    #[default]
    Auto,
    Off,
    /// This binary.
    Path(PathBuf),
}

/// Which ShellCheck codes the `shellcheck` rule reports, and their severities: ShellCheck
/// codes (`SC2086`) can be selected, ignored, given a severity and suppressed like rules.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ShellcheckCodes {
    /// When set (`select = ["SC2086"]` without the whole rule), only these codes.
    pub only: Option<BTreeSet<String>>,
    /// Codes turned off (`ignore = ["SC2086"]`).
    pub ignored: BTreeSet<String>,
    /// Severities per code (`[severity] SC2086 = "error"`); otherwise ShellCheck's own.
    pub severity: BTreeMap<String, Severity>,
}

impl ShellcheckCodes {
    /// Whether findings with this ShellCheck code are reported.
    pub fn allows(&self, code: &str) -> bool {
        !self.ignored.contains(code) && self.only.as_ref().is_none_or(|only| only.contains(code))
    }
}

/// Options that some rules read. In a configuration file each can be given at the top
/// level or in a rule's table (`[rules.untrusted-registry]`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Options {
    /// Registries base images (and `COPY --from` images) may come from; `*` wildcards.
    pub trusted_registries: Vec<String>,
    /// Labels every final image must carry, and the format of each.
    pub label_schema: BTreeMap<String, LabelType>,
    /// Report labels not in `label_schema`.
    pub strict_labels: bool,
    pub shellcheck: ShellcheckSetting,
}

/// Everything the linter needs to know to check a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    enabled: Vec<bool>,
    severity: HashMap<Rule, Severity>,
    pub failure_threshold: FailureThreshold,
    /// Apply safe fixes.
    pub fix: bool,
    /// Also apply unsafe fixes (with `fix`), or show them.
    pub unsafe_fixes: bool,
    /// Paths (globs) to skip when walking directories.
    pub exclude: Vec<String>,
    pub options: Options,
    /// Build arguments, as `docker build --build-arg NAME=VALUE` gives them: the values
    /// some checks evaluate with (an ARG's default is not evaluated when its value is
    /// given), and `BUILDKIT_DOCKERFILE_CHECK`, which replaces the file's `# check=`
    /// directive as it does for BuildKit.
    pub build_args: BTreeMap<String, String>,
    /// ShellCheck codes selected, ignored or given a severity.
    pub shellcheck_codes: ShellcheckCodes,
    /// The configuration file these settings came from.
    pub origin: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            enabled: Rule::ALL.iter().map(|r| r.meta().default_enabled).collect(),
            severity: HashMap::new(),
            failure_threshold: FailureThreshold::default(),
            fix: false,
            unsafe_fixes: false,
            exclude: Vec::new(),
            options: Options::default(),
            build_args: BTreeMap::new(),
            shellcheck_codes: ShellcheckCodes::default(),
            origin: None,
        }
    }
}

impl Settings {
    /// Settings with exactly these rules enabled.
    pub fn only(rules: &[Rule]) -> Self {
        let mut settings = Settings::default();
        settings.enabled.fill(false);
        for rule in rules {
            settings.enabled[*rule as usize] = true;
        }
        settings
    }

    /// Settings with every rule enabled.
    pub fn all() -> Self {
        Self::only(Rule::ALL)
    }

    pub fn is_enabled(&self, rule: Rule) -> bool {
        self.enabled[rule as usize]
    }

    pub fn set_enabled(&mut self, rule: Rule, enabled: bool) {
        self.enabled[rule as usize] = enabled;
    }

    /// The enabled rules, by code.
    pub fn enabled_rules(&self) -> impl Iterator<Item = Rule> + '_ {
        Rule::ALL.iter().copied().filter(|r| self.is_enabled(*r))
    }

    /// The severity findings of `rule` get.
    pub fn severity(&self, rule: Rule) -> Severity {
        self.severity
            .get(&rule)
            .copied()
            .unwrap_or(rule.meta().severity)
    }

    pub fn set_severity(&mut self, rule: Rule, severity: Severity) {
        self.severity.insert(rule, severity);
    }

    /// The severity a finding gets: a severity configured for its ShellCheck code, else
    /// one configured for its rule, else the one it was reported with (ShellCheck's level
    /// for ShellCheck findings), else the rule's default.
    pub fn severity_of(&self, diagnostic: &layerlint_diagnostics::Diagnostic) -> Severity {
        if let Some(code) = &diagnostic.subcode
            && let Some(severity) = self.shellcheck_codes.severity.get(code)
        {
            return *severity;
        }
        let Some(rule) = Rule::from_meta(diagnostic.rule) else {
            return diagnostic.severity;
        };
        match self.severity.get(&rule) {
            Some(severity) => *severity,
            None if diagnostic.subcode.is_some() => diagnostic.severity,
            None => rule.meta().severity,
        }
    }

    /// Applies selectors as written on a command line or in a configuration file (codes,
    /// prefixes, names, categories, aliases, `ALL`, ShellCheck codes): `select` (replacing
    /// the enabled set), then `extend_select`, then `ignore`. The error names the first
    /// selector that names nothing.
    pub fn apply_selectors(
        &mut self,
        select: Option<&[&str]>,
        extend_select: &[&str],
        ignore: &[&str],
    ) -> Result<(), String> {
        let resolve = |list: &[&str]| -> Result<Vec<Selection>, String> {
            list.iter()
                .map(|s| resolve_selection(s).ok_or_else(|| (*s).to_owned()))
                .collect()
        };
        let select = select.map(resolve).transpose()?;
        let extend = resolve(extend_select)?;
        let ignore = resolve(ignore)?;
        self.apply_selections(select.as_deref(), &extend, &ignore);
        Ok(())
    }

    /// [`Settings::apply_selection`] for rules and ShellCheck codes: selecting a ShellCheck
    /// code enables the `shellcheck` rule for that code (only the selected codes when
    /// `select` does not also name the whole rule); ignoring one turns off that code.
    pub fn apply_selections(
        &mut self,
        select: Option<&[Selection]>,
        extend_select: &[Selection],
        ignore: &[Selection],
    ) {
        let rules = |list: &[Selection]| -> Vec<Rule> {
            list.iter()
                .flat_map(|s| match s {
                    Selection::Rules(rules) => rules.clone(),
                    Selection::ShellCheck(_) => vec![Rule::Shellcheck],
                })
                .collect()
        };
        let codes = |list: &[Selection]| -> Vec<String> {
            list.iter()
                .filter_map(|s| match s {
                    Selection::ShellCheck(code) => Some(code.clone()),
                    Selection::Rules(_) => None,
                })
                .collect()
        };
        let whole_rule = |list: &[Selection]| {
            list.iter()
                .any(|s| matches!(s, Selection::Rules(r) if r.contains(&Rule::Shellcheck)))
        };
        let was_enabled = self.is_enabled(Rule::Shellcheck);
        if let Some(select) = select {
            let selected = codes(select);
            self.shellcheck_codes.only = (!selected.is_empty() && !whole_rule(select))
                .then(|| selected.into_iter().collect());
        }
        let extended = codes(extend_select);
        if !extended.is_empty() && !whole_rule(extend_select) {
            let enabled_before = select.map_or(was_enabled, |s| {
                whole_rule(s) || s.iter().any(|x| matches!(x, Selection::ShellCheck(_)))
            });
            match &mut self.shellcheck_codes.only {
                Some(only) => only.extend(extended),
                None if !enabled_before => {
                    self.shellcheck_codes.only = Some(extended.into_iter().collect());
                }
                None => {}
            }
        } else if whole_rule(extend_select) {
            self.shellcheck_codes.only = None;
        }
        self.shellcheck_codes.ignored.extend(codes(ignore));
        let ignored_rules: Vec<Rule> = ignore
            .iter()
            .filter_map(|s| match s {
                Selection::Rules(rules) => Some(rules.clone()),
                Selection::ShellCheck(_) => None,
            })
            .flatten()
            .collect();
        self.apply_selection(
            select.map(rules).as_deref(),
            &rules(extend_select),
            &ignored_rules,
        );
    }

    /// Applies `select` (replacing the enabled set), then `extend-select`, then `ignore`.
    pub fn apply_selection(
        &mut self,
        select: Option<&[Rule]>,
        extend_select: &[Rule],
        ignore: &[Rule],
    ) {
        if let Some(select) = select {
            self.enabled.fill(false);
            for rule in select {
                self.enabled[*rule as usize] = true;
            }
        }
        for rule in extend_select {
            self.enabled[*rule as usize] = true;
        }
        for rule in ignore {
            self.enabled[*rule as usize] = false;
        }
    }

    fn set_selection_severity(&mut self, selection: &Selection, severity: Severity) {
        match selection {
            Selection::Rules(rules) => {
                for rule in rules {
                    self.set_severity(*rule, severity);
                }
            }
            Selection::ShellCheck(code) => {
                self.shellcheck_codes
                    .severity
                    .insert(code.clone(), severity);
            }
        }
    }

    /// Reads a configuration file.
    pub fn from_file(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text, path)
    }

    /// Reads configuration text; `path` is for messages.
    pub fn from_toml(text: &str, path: &Path) -> Result<Settings, ConfigError> {
        let invalid = |span: Option<std::ops::Range<usize>>, message: String| {
            let (line, column) = span.map_or((1, 1), |s| line_column(text, s.start));
            ConfigError::Invalid {
                path: path.to_owned(),
                line,
                column,
                message,
            }
        };
        let file: ConfigFile =
            toml::from_str(text).map_err(|e| invalid(e.span(), e.message().to_owned()))?;
        let resolve = |list: &Option<Vec<toml::Spanned<String>>>,
                       key: &str|
         -> Result<Option<Vec<Selection>>, ConfigError> {
            let Some(list) = list else { return Ok(None) };
            let mut selections = Vec::new();
            for selector in list {
                match resolve_selection(selector.get_ref()) {
                    Some(found) => selections.push(found),
                    None => {
                        return Err(invalid(
                            Some(selector.span()),
                            unknown_rule_message(selector.get_ref(), key),
                        ));
                    }
                }
            }
            Ok(Some(selections))
        };
        let mut settings = Settings {
            origin: Some(path.to_owned()),
            ..Settings::default()
        };
        let select = resolve(&file.select, "select")?;
        let extend = resolve(&file.extend_select, "extend-select")?.unwrap_or_default();
        let ignore = resolve(&file.ignore, "ignore")?.unwrap_or_default();
        settings.apply_selections(select.as_deref(), &extend, &ignore);
        if let Some(threshold) = file.failure_threshold {
            settings.failure_threshold = threshold;
        }
        settings.fix = file.fix.unwrap_or(false);
        settings.unsafe_fixes = file.unsafe_fixes.unwrap_or(false);
        settings.exclude = file.exclude.unwrap_or_default();
        settings.build_args = file.build_args.unwrap_or_default();
        settings
            .exclude
            .extend(file.extend_exclude.unwrap_or_default());
        apply_options(
            &mut settings.options,
            file.trusted_registries.as_ref(),
            file.label_schema.as_ref(),
            file.strict_labels,
            file.shellcheck.as_ref(),
        );
        for (selector, severity) in &file.severity {
            let selection = resolve_selection(selector.get_ref()).ok_or_else(|| {
                invalid(
                    Some(selector.span()),
                    unknown_rule_message(selector.get_ref(), "severity"),
                )
            })?;
            settings.set_selection_severity(&selection, *severity);
        }
        for (selector, table) in &file.rules {
            let selection = resolve_selection(selector.get_ref()).ok_or_else(|| {
                invalid(
                    Some(selector.span()),
                    unknown_rule_message(selector.get_ref(), "rules"),
                )
            })?;
            if let Some(severity) = table.severity {
                settings.set_selection_severity(&selection, severity);
            }
            if let Some(enabled) = table.enabled {
                let one = std::slice::from_ref(&selection);
                if enabled {
                    settings.apply_selections(None, one, &[]);
                } else {
                    settings.apply_selections(None, &[], one);
                }
            }
            apply_options(
                &mut settings.options,
                table.trusted_registries.as_ref(),
                table.label_schema.as_ref(),
                table.strict_labels,
                table.shellcheck.as_ref(),
            );
        }
        Ok(settings)
    }

    /// The configuration file for a Dockerfile in `dir`: the first `layerlint.toml` or
    /// `.layerlint.toml` in it or a parent.
    pub fn find_config(dir: &Path) -> Option<PathBuf> {
        let mut current = Some(dir);
        while let Some(dir) = current {
            for name in CONFIG_FILE_NAMES {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
            current = dir.parent();
        }
        None
    }
}

fn unknown_rule_message(selector: &str, key: &str) -> String {
    match suggest(selector) {
        Some(near) => format!("unknown rule `{selector}` in `{key}` (did you mean `{near}`?)"),
        None => format!("unknown rule `{selector}` in `{key}`"),
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

/// The shape of `layerlint.toml` (also the source of its JSON schema).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "layerlint configuration")]
pub struct ConfigFile {
    /// Rules to enable instead of the default set: codes (`LL101`), prefixes (`LL1`),
    /// names, categories (`cache`), aliases (`DL3008`, `JSONArgsRecommended`) or `ALL`.
    #[schemars(with = "Option<Vec<String>>")]
    pub select: Option<Vec<toml::Spanned<String>>>,
    /// Rules to enable on top of the default set (or of `select`).
    #[schemars(with = "Option<Vec<String>>")]
    pub extend_select: Option<Vec<toml::Spanned<String>>>,
    /// Rules to disable.
    #[schemars(with = "Option<Vec<String>>")]
    pub ignore: Option<Vec<toml::Spanned<String>>>,
    /// Severity per rule: `LL101 = "error"`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Severity>")]
    pub severity: BTreeMap<toml::Spanned<String>, Severity>,
    /// Findings at or above this severity make `layerlint check` exit with 1.
    pub failure_threshold: Option<FailureThreshold>,
    /// Apply safe fixes by default.
    pub fix: Option<bool>,
    /// Apply (with `fix`) or show unsafe fixes by default.
    pub unsafe_fixes: Option<bool>,
    /// Paths (globs) to skip when walking directories.
    pub exclude: Option<Vec<String>>,
    /// More paths to skip, added to `exclude`.
    pub extend_exclude: Option<Vec<String>>,
    /// Per-rule tables: `[rules.untrusted-registry]` with `severity`, `enabled` and the
    /// options the rule reads.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, RuleTable>")]
    pub rules: BTreeMap<toml::Spanned<String>, RuleTable>,
    /// Registries base images may come from (`docker.io`, `ghcr.io/org/*`).
    pub trusted_registries: Option<Vec<String>>,
    /// Required labels and their format (text, url, semver, hash, rfc3339, spdx, email).
    pub label_schema: Option<BTreeMap<String, LabelType>>,
    /// Report labels that are not in `label-schema`.
    pub strict_labels: Option<bool>,
    /// `"auto"` (run `shellcheck` when it is on PATH), `"off"`, or a path to the binary.
    pub shellcheck: Option<String>,
    /// Build arguments the images are built with (`docker build --build-arg`): a given
    /// ARG's default is not evaluated, and `BUILDKIT_DOCKERFILE_CHECK` replaces the files'
    /// `# check=` directive. `--build-arg` on the command line adds to them.
    pub build_args: Option<BTreeMap<String, String>>,
}

/// `[rules.<rule>]`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleTable {
    /// The severity of this rule's findings.
    pub severity: Option<Severity>,
    /// Turn the rule on or off.
    pub enabled: Option<bool>,
    /// See the top-level key of the same name.
    pub trusted_registries: Option<Vec<String>>,
    /// See the top-level key of the same name.
    pub label_schema: Option<BTreeMap<String, LabelType>>,
    /// See the top-level key of the same name.
    pub strict_labels: Option<bool>,
    /// See the top-level key of the same name.
    pub shellcheck: Option<String>,
}

fn apply_options(
    options: &mut Options,
    trusted_registries: Option<&Vec<String>>,
    label_schema: Option<&BTreeMap<String, LabelType>>,
    strict_labels: Option<bool>,
    shellcheck: Option<&String>,
) {
    if let Some(registries) = trusted_registries {
        options.trusted_registries.clone_from(registries);
    }
    if let Some(schema) = label_schema {
        options.label_schema.clone_from(schema);
    }
    if let Some(strict) = strict_labels {
        options.strict_labels = strict;
    }
    if let Some(shellcheck) = shellcheck {
        options.shellcheck = match shellcheck.as_str() {
            "auto" => ShellcheckSetting::Auto,
            "off" => ShellcheckSetting::Off,
            path => ShellcheckSetting::Path(PathBuf::from(path)),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Settings, String> {
        Settings::from_toml(text, Path::new("layerlint.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn unknown_keys_and_rules_name_file_and_line() {
        let err = load("select = [\"LL1\"]\ncolour = \"red\"\n").unwrap_err();
        assert!(
            err.starts_with("layerlint.toml:2:1: unknown field `colour`"),
            "{err}"
        );
        assert_eq!(
            load("\nignore = [\"LL1\", \"NOPE999\"]\n").unwrap_err(),
            "layerlint.toml:2:18: unknown rule `NOPE999` in `ignore`"
        );
        let err = load("[rules.LL1]\nseverity = \"error\"\nwhatever = 1\n").unwrap_err();
        assert!(
            err.starts_with("layerlint.toml:3:1: unknown field `whatever`"),
            "{err}"
        );
        let err = load("[rules.not-a-rule]\nseverity = \"error\"\n").unwrap_err();
        assert!(
            err.starts_with("layerlint.toml:1:8: unknown rule `not-a-rule`"),
            "{err}"
        );
        assert_eq!(
            load("failure-threshold = \"loud\"\n")
                .unwrap_err()
                .split(": ")
                .next(),
            Some("layerlint.toml:1:21")
        );
    }

    #[test]
    fn selection_and_severity() {
        let settings = load(
            "select = [\"LL0\"]\nignore = [\"NoEmptyContinuation\"]\n[severity]\nLL0 = \"info\"\n[rules.syntax-error]\ntrusted-registries = [\"docker.io\"]\n",
        )
        .unwrap();
        assert!(
            settings
                .enabled_rules()
                .all(|r| r.code().starts_with("LL0"))
        );
        assert!(!settings.is_enabled(Rule::EmptyContinuationLine));
        assert!(settings.is_enabled(Rule::SyntaxError));
        assert!(
            settings
                .enabled_rules()
                .all(|r| settings.severity(r) == Severity::Info)
        );
        assert_eq!(settings.options.trusted_registries, ["docker.io"]);
    }

    #[test]
    fn build_args() {
        let settings =
            load("[build-args]\nBASE = \"node:20\"\nBUILDKIT_DOCKERFILE_CHECK = \"skip=all\"\n")
                .unwrap();
        assert_eq!(
            settings.build_args,
            BTreeMap::from([
                ("BASE".to_owned(), "node:20".to_owned()),
                (
                    "BUILDKIT_DOCKERFILE_CHECK".to_owned(),
                    "skip=all".to_owned()
                ),
            ])
        );
        let err = load("[build-args]\nPORT = 8080\n").unwrap_err();
        assert!(err.starts_with("layerlint.toml:2:8: invalid type"), "{err}");
    }

    #[test]
    fn shellcheck_codes_select_ignore_and_severity() {
        let settings =
            load("ignore = [\"SC2086\"]\n[severity]\nSC2046 = \"error\"\n[rules.sc2164]\nenabled = false\n")
                .unwrap();
        assert!(settings.is_enabled(Rule::Shellcheck));
        assert!(!settings.shellcheck_codes.allows("SC2086"));
        assert!(!settings.shellcheck_codes.allows("SC2164"));
        assert!(settings.shellcheck_codes.allows("SC2046"));
        assert_eq!(
            settings.shellcheck_codes.severity.get("SC2046"),
            Some(&Severity::Error)
        );
        let only = load("select = [\"LL1\", \"SC2086\"]\n").unwrap();
        assert!(only.is_enabled(Rule::Shellcheck));
        assert!(only.shellcheck_codes.allows("SC2086"));
        assert!(!only.shellcheck_codes.allows("SC2046"));
        let whole = load("select = [\"shellcheck\", \"SC2086\"]\n").unwrap();
        assert!(whole.shellcheck_codes.allows("SC2046"));
        let mut cli = Settings::default();
        cli.apply_selectors(None, &[], &["sc2086", "LL528"])
            .unwrap();
        assert!(!cli.is_enabled(Rule::Shellcheck));
        assert_eq!(
            cli.apply_selectors(None, &["nope"], &[]),
            Err("nope".to_owned())
        );
    }

    #[test]
    fn thresholds() {
        assert!(FailureThreshold::Info.fails(Severity::Info));
        assert!(!FailureThreshold::Info.fails(Severity::Style));
        assert!(!FailureThreshold::None.fails(Severity::Error));
        assert!(FailureThreshold::Style.fails(Severity::Style));
    }
}
