//! The server's state: open documents with their latest lint, the workspace's
//! configuration, what the client can do and what it asked for.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock};
use std::time::Duration;

use layerlint_text::PositionEncoding;
use serde::{Deserialize, Serialize};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{MessageType, Uri};

use crate::document::Document;
use crate::snapshot::Snapshot;
use crate::workspace::{ConfigProblem, Workspace};

/// How long edits must pause before diagnostics are pushed.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(50);

/// What the client said it supports, read once at `initialize`.
#[derive(Clone, Debug, Default)]
pub struct ClientCaps {
    pub encoding: PositionEncoding,
    /// `textDocument/diagnostic`: the client pulls, the server does not push.
    pub pull_diagnostics: bool,
    /// `workspace/diagnostic/refresh`.
    pub diagnostic_refresh: bool,
    pub hierarchical_symbols: bool,
    /// Versioned `documentChanges` in workspace edits.
    pub document_changes: bool,
    /// `create` resource operations in workspace edits (fixes that create a file, such as
    /// a `.dockerignore`).
    pub create_files: bool,
    /// `workspace/didChangeWatchedFiles` registered at run time.
    pub watch_files: bool,
    /// Markdown in hovers (`hover.contentFormat`).
    pub markdown: bool,
    /// Markdown in completion items' documentation
    /// (`completionItem.documentationFormat`); plain strings otherwise.
    pub completion_markdown: bool,
}

/// Options the editor passes (`initializationOptions`, or the `layerlint` section of
/// `workspace/didChangeConfiguration`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", default)]
pub struct ClientOptions {
    /// Let "fix all" apply unsafe fixes too (as `unsafe-fixes = true` in the configuration
    /// file does).
    pub unsafe_fixes: bool,
    /// How long edits must pause before diagnostics are pushed, in milliseconds.
    pub debounce_ms: Option<u64>,
}

impl ClientOptions {
    /// Reads options from `{ "unsafeFixes": … }` or `{ "layerlint": { … } }`; `None` when the
    /// value holds none.
    pub fn from_value(value: &serde_json::Value) -> Option<ClientOptions> {
        let value = value.get("layerlint").unwrap_or(value);
        if !value.is_object() {
            return None;
        }
        serde_json::from_value(value.clone()).ok()
    }

    /// Reads options from the settings of `workspace/didChangeConfiguration`; `None` when
    /// they hold none of layerlint's: no `layerlint` section and no key of ours, as in the
    /// empty `{}` Emacs' eglot sends after connecting, or only other servers' sections.
    /// Such settings leave the options as they are (those of `initializationOptions`).
    pub fn from_settings(value: &serde_json::Value) -> Option<ClientOptions> {
        if value.get("layerlint").is_none() {
            let ours = serde_json::to_value(ClientOptions::default()).ok()?;
            let ours = ours.as_object()?;
            if !value.as_object()?.keys().any(|key| ours.contains_key(key)) {
                return None;
            }
        }
        ClientOptions::from_value(value)
    }

    pub fn debounce(&self) -> Duration {
        self.debounce_ms
            .map_or(DEFAULT_DEBOUNCE, Duration::from_millis)
    }
}

/// An open document and its latest lint.
#[derive(Debug)]
pub struct OpenDocument {
    pub document: Document,
    pub path: Option<PathBuf>,
    snapshot: Option<Arc<Snapshot>>,
}

/// Everything the handlers share.
pub struct Session {
    pub client: Client,
    documents: Mutex<HashMap<Uri, OpenDocument>>,
    workspace: Mutex<Workspace>,
    caps: OnceLock<ClientCaps>,
    options: RwLock<ClientOptions>,
    /// Configuration problems already shown (shown once each).
    shown_problems: Mutex<HashSet<ConfigProblem>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Session {
    pub fn new(client: Client) -> Self {
        Session {
            client,
            documents: Mutex::default(),
            workspace: Mutex::default(),
            caps: OnceLock::new(),
            options: RwLock::default(),
            shown_problems: Mutex::default(),
        }
    }

    pub fn set_caps(&self, caps: ClientCaps) {
        let _ = self.caps.set(caps);
    }

    pub fn caps(&self) -> ClientCaps {
        self.caps.get().cloned().unwrap_or_default()
    }

    pub fn encoding(&self) -> PositionEncoding {
        self.caps.get().map(|c| c.encoding).unwrap_or_default()
    }

    pub fn options(&self) -> ClientOptions {
        self.options
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn set_options(&self, options: ClientOptions) {
        *self
            .options
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = options;
    }

    pub fn open(&self, uri: Uri, document: Document) {
        let path = file_path(&uri);
        lock(&self.documents).insert(
            uri,
            OpenDocument {
                document,
                path,
                snapshot: None,
            },
        );
    }

    pub fn close(&self, uri: &Uri) {
        lock(&self.documents).remove(uri);
    }

    /// Runs `f` on an open document (to apply changes); `None` when it is not open.
    pub fn with_document<R>(&self, uri: &Uri, f: impl FnOnce(&mut Document) -> R) -> Option<R> {
        lock(&self.documents)
            .get_mut(uri)
            .map(|open| f(&mut open.document))
    }

    /// The open documents.
    pub fn uris(&self) -> Vec<Uri> {
        lock(&self.documents).keys().cloned().collect()
    }

    /// The current version of a document.
    pub fn version(&self, uri: &Uri) -> Option<i32> {
        lock(&self.documents)
            .get(uri)
            .map(|open| open.document.version())
    }

    /// The lint of the document's current version: the kept one, or a new one.
    pub fn snapshot(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.snapshot_and_problem(uri).map(|(snapshot, _)| snapshot)
    }

    fn snapshot_and_problem(&self, uri: &Uri) -> Option<(Arc<Snapshot>, Option<ConfigProblem>)> {
        let mut documents = lock(&self.documents);
        let open = documents.get_mut(uri)?;
        let generation = lock(&self.workspace).generation();
        if let Some(snapshot) = &open.snapshot
            && snapshot.version == open.document.version()
            && snapshot.env.generation == generation
        {
            return Some((Arc::clone(snapshot), None));
        }
        let (env, problem) = lock(&self.workspace).env_for(open.path.as_deref());
        let snapshot = Arc::new(Snapshot::new(
            open.document.text(),
            open.document.version(),
            env,
        ));
        open.snapshot = Some(Arc::clone(&snapshot));
        Some((snapshot, problem))
    }

    /// Forgets the configuration and build contexts: a watched file changed.
    pub fn reload_workspace(&self) {
        lock(&self.workspace).reload();
        lock(&self.shown_problems).clear();
    }

    /// Lints the document if needed, tells the client about a broken configuration file
    /// once, and pushes the diagnostics unless the client pulls them.
    pub async fn publish(&self, uri: &Uri) {
        let Some((snapshot, problem)) = self.snapshot_and_problem(uri) else {
            return;
        };
        if let Some(problem) = problem {
            self.show_problem(problem).await;
        }
        if snapshot.crashed {
            self.client
                .log_message(
                    MessageType::ERROR,
                    format!(
                        "layerlint: the lint of {} (version {}) failed; please report it with the file",
                        uri.as_str(),
                        snapshot.version
                    ),
                )
                .await;
        }
        if self.caps().pull_diagnostics {
            return;
        }
        let diagnostics = snapshot.lsp_diagnostics(uri, self.encoding());
        self.client
            .publish_diagnostics(uri.clone(), diagnostics, Some(snapshot.version))
            .await;
    }

    /// Publishes the diagnostics of `version` once edits pause; a later edit cancels it.
    pub fn publish_debounced(self: &Arc<Self>, uri: Uri, version: i32) {
        let debounce = self.options().debounce();
        let session = Arc::clone(self);
        tokio::spawn(async move {
            if !debounce.is_zero() {
                tokio::time::sleep(debounce).await;
            }
            if session.version(&uri) == Some(version) {
                session.publish(&uri).await;
            }
        });
    }

    /// Makes every open document's diagnostics current (after a configuration change).
    pub async fn republish_all(&self) {
        for uri in self.uris() {
            self.publish(&uri).await;
        }
        let caps = self.caps();
        if caps.pull_diagnostics && caps.diagnostic_refresh {
            let _ = self.client.workspace_diagnostic_refresh().await;
        }
    }

    async fn show_problem(&self, problem: ConfigProblem) {
        let message = format!(
            "layerlint: {} (using the default settings)",
            problem.message
        );
        if lock(&self.shown_problems).insert(problem) {
            self.client
                .show_message(MessageType::WARNING, message)
                .await;
        }
    }
}

/// The file a document is, when it is one: only a `file:` URI names a file. Any other
/// scheme (an editor's `untitled:` buffer) has no file, so no directory to take a build
/// context and configuration from; `to_file_path` alone would read `untitled:Dockerfile`
/// as a path relative to the server's working directory.
fn file_path(uri: &Uri) -> Option<std::path::PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path()
        .map(std::borrow::Cow::into_owned)
        .filter(|path| path.is_absolute())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn options_from_the_editor() {
        let nested = json!({"layerlint": {"unsafeFixes": true, "debounceMs": 0}});
        let options = ClientOptions::from_value(&nested).unwrap();
        assert!(options.unsafe_fixes);
        assert!(options.debounce().is_zero());
        let flat = ClientOptions::from_value(&json!({"unsafeFixes": false})).unwrap();
        assert_eq!(flat.debounce(), DEFAULT_DEBOUNCE);
        assert_eq!(ClientOptions::from_value(&json!(null)), None);
        // Unknown keys (other editors' settings) are ignored.
        assert!(ClientOptions::from_value(&json!({"other": 1})).is_some());
    }
}
