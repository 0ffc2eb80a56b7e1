//! Configuration files and build contexts, found from each document's directory as the
//! CLI finds them, cached until a watched file changes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use layerlint_linter::{BuildContext, Settings};

use crate::snapshot::LintEnv;

/// Settings per configuration file and build contexts per document.
#[derive(Debug, Default)]
pub struct Workspace {
    /// The configuration file that applies in a directory.
    config_of_dir: HashMap<PathBuf, Option<PathBuf>>,
    /// Loaded configuration files (or why they could not be loaded).
    settings: HashMap<PathBuf, Result<Arc<Settings>, String>>,
    /// The build context of a Dockerfile (its directory).
    contexts: HashMap<PathBuf, Arc<BuildContext>>,
    default: Arc<Settings>,
    /// Bumped at every reload, so that snapshots made before it are redone.
    generation: u64,
}

/// A configuration file that could not be used (the defaults are used instead).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConfigProblem {
    pub path: PathBuf,
    pub message: String,
}

impl Workspace {
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Forgets every configuration file and build context (one changed on disk).
    pub fn reload(&mut self) {
        self.config_of_dir.clear();
        self.settings.clear();
        self.contexts.clear();
        self.generation += 1;
    }

    /// What a document at `path` (`None`: not a file) is linted with, and the problem of its
    /// configuration file if it has a broken one.
    pub fn env_for(&mut self, path: Option<&Path>) -> (LintEnv, Option<ConfigProblem>) {
        let Some(path) = path else {
            return (
                LintEnv {
                    path: None,
                    settings: Arc::clone(&self.default),
                    context: None,
                    generation: self.generation,
                },
                None,
            );
        };
        let dir = path.parent().unwrap_or(Path::new("/"));
        let config = self
            .config_of_dir
            .entry(dir.to_owned())
            .or_insert_with(|| Settings::find_config(dir))
            .clone();
        let (settings, problem) = match config {
            None => (Arc::clone(&self.default), None),
            Some(config) => {
                let loaded = self.settings.entry(config.clone()).or_insert_with(|| {
                    Settings::from_file(&config)
                        .map(Arc::new)
                        .map_err(|e| e.to_string())
                });
                match loaded {
                    Ok(settings) => (Arc::clone(settings), None),
                    Err(message) => (
                        Arc::clone(&self.default),
                        Some(ConfigProblem {
                            path: config,
                            message: message.clone(),
                        }),
                    ),
                }
            }
        };
        let context = self
            .contexts
            .entry(path.to_owned())
            .or_insert_with(|| Arc::new(BuildContext::on_disk(dir, Some(path))));
        (
            LintEnv {
                path: Some(path.to_owned()),
                settings,
                context: Some(Arc::clone(context)),
                generation: self.generation,
            },
            problem,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_reloads_and_reports_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("svc");
        std::fs::create_dir(&sub).unwrap();
        let dockerfile = sub.join("Dockerfile");
        let mut workspace = Workspace::default();
        let (env, problem) = workspace.env_for(Some(&dockerfile));
        assert!(problem.is_none());
        assert!(env.settings.origin.is_none());
        assert_eq!(env.context.unwrap().root(), Some(sub.as_path()));

        std::fs::write(dir.path().join("layerlint.toml"), "ignore = [\"LL101\"]\n").unwrap();
        // Cached until a reload.
        assert!(
            workspace
                .env_for(Some(&dockerfile))
                .0
                .settings
                .origin
                .is_none()
        );
        workspace.reload();
        let (env, _) = workspace.env_for(Some(&dockerfile));
        assert_eq!(env.generation, 1);
        assert_eq!(
            env.settings.origin.as_deref(),
            Some(dir.path().join("layerlint.toml").as_path())
        );

        std::fs::write(dir.path().join("layerlint.toml"), "colour = 1\n").unwrap();
        workspace.reload();
        let (env, problem) = workspace.env_for(Some(&dockerfile));
        assert!(env.settings.origin.is_none());
        assert!(problem.unwrap().message.contains("unknown field `colour`"));
    }
}
