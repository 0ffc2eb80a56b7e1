//! Which settings apply to each Dockerfile: the nearest `layerlint.toml` /
//! `.layerlint.toml` walking up from its directory (else the nearest `.hadolint.yaml`,
//! else the defaults), or the one `--config` file; then the command line's overrides.
//! Loaded configurations are cached per directory and per file, so a tree of Dockerfiles
//! reads each configuration once.

use foldhash::{HashMap, HashMapExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Result, bail};
use globset::{GlobSet, GlobSetBuilder};
use layerlint_linter::settings::{CONFIG_FILE_NAMES, ShellcheckSetting};
use layerlint_linter::{FailureThreshold, Rule, Settings, Severity, resolve_selector, suggest};

use crate::cli::CheckArgs;
use crate::hadolint::{self, HadolintConfig};

/// The command line's changes to every file's settings.
#[derive(Debug, Default)]
pub struct Overrides {
    select: Option<Vec<Rule>>,
    extend_select: Vec<Rule>,
    ignore: Vec<Rule>,
    severity: Vec<(Rule, Severity)>,
    failure_threshold: Option<FailureThreshold>,
    fix: Option<bool>,
    unsafe_fixes: Option<bool>,
    exclude: Option<Vec<String>>,
    extend_exclude: Vec<String>,
    shellcheck: Option<ShellcheckSetting>,
    build_args: Vec<(String, String)>,
}

fn resolve_all(list: &[String], flag: &str) -> Result<Vec<Rule>> {
    let mut rules = Vec::new();
    for selector in list.iter().filter(|s| !s.trim().is_empty()) {
        match resolve_selector(selector) {
            Some(found) => rules.extend(found),
            None => match suggest(selector) {
                Some(near) => bail!("{flag}: unknown rule `{selector}` (did you mean `{near}`?)"),
                None => bail!("{flag}: unknown rule `{selector}`"),
            },
        }
    }
    Ok(rules)
}

impl Overrides {
    pub fn from_args(args: &CheckArgs) -> Result<Overrides> {
        let mut severity = Vec::new();
        for pair in &args.severity {
            let Some((selector, level)) = pair.split_once('=') else {
                bail!("--severity: expected RULE=LEVEL, got `{pair}`");
            };
            let level: Severity = level
                .trim()
                .parse()
                .map_err(|e| anyhow::anyhow!("--severity: {e}"))?;
            for rule in resolve_all(&[selector.to_owned()], "--severity")? {
                severity.push((rule, level));
            }
        }
        let mut build_args = Vec::new();
        for arg in &args.build_arg {
            let (name, value) = match arg.split_once('=') {
                Some((name, value)) => (name, Some(value.to_owned())),
                // Docker passes the environment's value, and nothing when it is unset.
                None => (arg.as_str(), std::env::var(arg).ok()),
            };
            if name.is_empty() || name.contains(char::is_whitespace) {
                bail!("--build-arg: expected NAME=VALUE or NAME, got `{arg}`");
            }
            if let Some(value) = value {
                build_args.push((name.to_owned(), value));
            }
        }
        let flag = |on: bool, off: bool| {
            if on {
                Some(true)
            } else if off {
                Some(false)
            } else {
                None
            }
        };
        Ok(Overrides {
            select: args
                .select
                .as_ref()
                .map(|s| resolve_all(s, "--select"))
                .transpose()?,
            extend_select: resolve_all(&args.extend_select, "--extend-select")?,
            ignore: resolve_all(&args.ignore, "--ignore")?,
            severity,
            failure_threshold: args.failure_threshold.map(Into::into),
            fix: flag(args.fix || args.fix_only, args.no_fix),
            unsafe_fixes: flag(args.unsafe_fixes, args.no_unsafe_fixes),
            exclude: args.exclude.clone(),
            extend_exclude: args.extend_exclude.clone(),
            shellcheck: args.shellcheck.as_deref().map(|value| match value {
                "auto" => ShellcheckSetting::Auto,
                "off" => ShellcheckSetting::Off,
                path => ShellcheckSetting::Path(PathBuf::from(path)),
            }),
            build_args,
        })
    }

    fn apply(&self, settings: &mut Settings) {
        settings.apply_selection(self.select.as_deref(), &self.extend_select, &self.ignore);
        for (rule, severity) in &self.severity {
            settings.set_severity(*rule, *severity);
        }
        if let Some(threshold) = self.failure_threshold {
            settings.failure_threshold = threshold;
        }
        if let Some(fix) = self.fix {
            settings.fix = fix;
        }
        if let Some(unsafe_fixes) = self.unsafe_fixes {
            settings.unsafe_fixes = unsafe_fixes;
        }
        if let Some(shellcheck) = &self.shellcheck {
            settings.options.shellcheck = shellcheck.clone();
        }
        for (name, value) in &self.build_args {
            settings.build_args.insert(name.clone(), value.clone());
        }
    }
}

/// Settings ready to use for the Dockerfiles of some directories, with their excludes.
#[derive(Debug)]
pub struct Resolved {
    pub settings: Settings,
    excludes: Vec<Excludes>,
}

impl Resolved {
    /// Whether the (absolute) path is excluded by the configuration or the command line.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.excludes.iter().any(|e| e.matches(path))
    }
}

/// `exclude` globs. A pattern without `/` matches a file or directory name anywhere
/// below the base directory (`vendor`, `*.generated.Dockerfile`); a pattern with `/` is
/// a path relative to the base (`docs/examples`, `/build/**`) and also excludes what is
/// below it.
#[derive(Debug, Default)]
pub struct Excludes {
    base: PathBuf,
    names: GlobSet,
    paths: GlobSet,
}

impl Excludes {
    pub fn new(base: &Path, patterns: &[String], origin: &str) -> Result<Excludes, String> {
        let mut names = GlobSetBuilder::new();
        let mut paths = GlobSetBuilder::new();
        for pattern in patterns {
            let trimmed = pattern.trim().trim_end_matches('/');
            if trimmed.is_empty() {
                continue;
            }
            let glob = |p: &str| {
                globset::GlobBuilder::new(p)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| format!("{origin}: exclude pattern `{pattern}`: {e}"))
            };
            let anchored = trimmed.trim_start_matches("./").trim_start_matches('/');
            if trimmed.contains('/') {
                paths.add(glob(anchored)?);
            } else {
                names.add(glob(trimmed)?);
            }
        }
        let build = |b: GlobSetBuilder| b.build().map_err(|e| format!("{origin}: {e}"));
        Ok(Excludes {
            base: base.to_owned(),
            names: build(names)?,
            paths: build(paths)?,
        })
    }

    /// Whether the (absolute) `path` or a directory above it (below the base) is
    /// excluded.
    pub fn matches(&self, path: &Path) -> bool {
        if self.names.is_empty() && self.paths.is_empty() {
            return false;
        }
        let relative = path.strip_prefix(&self.base).unwrap_or(path);
        let mut prefix = PathBuf::new();
        for component in relative.components() {
            prefix.push(component);
            if let std::path::Component::Normal(name) = component
                && self.names.is_match(Path::new(name))
            {
                return true;
            }
            if self.paths.is_match(&prefix) {
                return true;
            }
        }
        false
    }
}

/// A configuration file that cannot be used, or a hadolint file that could not be read:
/// the one-line message.
pub type ConfigProblem = Arc<String>;

enum Mode {
    /// `--config FILE` or `--isolated`: one set of settings for everything.
    Fixed(Arc<Resolved>),
    /// The nearest configuration file of each Dockerfile.
    Discover,
}

/// Finds, loads and caches the settings of each directory.
pub struct ConfigResolver {
    mode: Mode,
    overrides: Overrides,
    cwd: PathBuf,
    /// Directory → the configuration file that governs it (`None`: defaults).
    dirs: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Configuration file (or `""` for the defaults) → its settings.
    loaded: Mutex<HashMap<PathBuf, Result<Arc<Resolved>, ConfigProblem>>>,
}

/// The layerlint configuration file for a Dockerfile in `dir`: in it or a parent; else
/// the nearest `.hadolint.yaml` / `.hadolint.yml`.
pub fn find_config_file(dir: &Path) -> Option<PathBuf> {
    Settings::find_config(dir).or_else(|| dir.ancestors().find_map(hadolint::file_in))
}

impl ConfigResolver {
    pub fn new(args: &CheckArgs, overrides: Overrides) -> Result<ConfigResolver> {
        let cwd = std::env::current_dir()?;
        let mode = if let Some(path) = &args.config {
            let resolved = load(path, &cwd, &overrides).map_err(|e| anyhow::anyhow!("{e}"))?;
            Mode::Fixed(resolved)
        } else if args.isolated {
            Mode::Fixed(defaults(&cwd, &overrides).map_err(|e| anyhow::anyhow!("{e}"))?)
        } else {
            Mode::Discover
        };
        Ok(ConfigResolver {
            mode,
            overrides,
            cwd,
            dirs: Mutex::new(HashMap::new()),
            loaded: Mutex::new(HashMap::new()),
        })
    }

    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// The settings for a Dockerfile in the (absolute) directory `dir`.
    pub fn for_dir(&self, dir: &Path) -> Result<Arc<Resolved>, ConfigProblem> {
        if let Mode::Fixed(resolved) = &self.mode {
            return Ok(Arc::clone(resolved));
        }
        let file = self.config_file_of(dir);
        let key = file.clone().unwrap_or_default();
        if let Some(found) = self.loaded.lock().expect("not poisoned").get(&key) {
            return found.clone();
        }
        let result = match &file {
            Some(path) => load(path, &self.cwd, &self.overrides),
            None => defaults(&self.cwd, &self.overrides),
        };
        self.loaded
            .lock()
            .expect("not poisoned")
            .entry(key)
            .or_insert(result)
            .clone()
    }

    /// The configuration file governing `dir`, found by walking up (cached per
    /// directory, and for the directories above it).
    fn config_file_of(&self, dir: &Path) -> Option<PathBuf> {
        if let Some(found) = self.dirs.lock().expect("not poisoned").get(dir) {
            return found.clone();
        }
        let found = self
            .layerlint_config_of(dir)
            .or_else(|| dir.ancestors().find_map(hadolint::file_in));
        self.dirs
            .lock()
            .expect("not poisoned")
            .insert(dir.to_owned(), found.clone());
        found
    }

    fn layerlint_config_of(&self, dir: &Path) -> Option<PathBuf> {
        for name in CONFIG_FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        let parent = dir.parent()?;
        if let Some(Some(found)) = self.dirs.lock().expect("not poisoned").get(parent)
            && !is_hadolint(found)
        {
            return Some(found.clone());
        }
        self.layerlint_config_of(parent)
    }
}

fn is_hadolint(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| hadolint::FILE_NAMES.contains(&n))
}

fn finish(
    mut settings: Settings,
    base: &Path,
    origin: &str,
    cwd: &Path,
    overrides: &Overrides,
) -> Result<Arc<Resolved>, ConfigProblem> {
    overrides.apply(&mut settings);
    let mut groups = Vec::new();
    // The configuration's patterns are relative to its directory, the command line's to
    // the working directory; `--exclude` replaces the configuration's.
    if overrides.exclude.is_none() && !settings.exclude.is_empty() {
        groups.push(Excludes::new(base, &settings.exclude, origin)?);
    }
    let mut cli: Vec<String> = overrides.exclude.clone().unwrap_or_default();
    cli.extend(overrides.extend_exclude.iter().cloned());
    if !cli.is_empty() {
        groups.push(Excludes::new(cwd, &cli, "--exclude")?);
        if overrides.exclude.is_some() {
            settings.exclude.clear();
        }
        settings.exclude.extend(cli);
    }
    Ok(Arc::new(Resolved {
        settings,
        excludes: groups,
    }))
}

fn defaults(cwd: &Path, overrides: &Overrides) -> Result<Arc<Resolved>, ConfigProblem> {
    finish(Settings::default(), cwd, "defaults", cwd, overrides)
}

/// Loads a configuration file (layerlint's TOML, or hadolint's YAML).
fn load(path: &Path, cwd: &Path, overrides: &Overrides) -> Result<Arc<Resolved>, ConfigProblem> {
    let base = std::path::absolute(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_owned))
        .unwrap_or_else(|| cwd.to_owned());
    let origin = path.display().to_string();
    let settings =
        if is_hadolint(path) || path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            HadolintConfig::load(path)
                .and_then(|config| config.to_settings(path))
                .map_err(Arc::new)?
        } else {
            Settings::from_file(path).map_err(|e| Arc::new(e.to_string()))?
        };
    finish(settings, &base, &origin, cwd, overrides)
}
