//! `initialized`: ask the client to watch the files the lint depends on.

use tower_lsp_server::ls_types::{
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern, InitializedParams,
    MessageType, Registration,
};

use crate::session::Session;

/// The files whose change means "lint again": configuration files and ignore files.
pub const WATCHED: [&str; 4] = [
    "**/layerlint.toml",
    "**/.layerlint.toml",
    "**/.dockerignore",
    "**/*.dockerignore",
];

pub async fn handle(session: &Session, _: InitializedParams) {
    if !session.caps().watch_files {
        return;
    }
    let options = DidChangeWatchedFilesRegistrationOptions {
        watchers: WATCHED
            .iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String((*glob).to_owned()),
                kind: None,
            })
            .collect(),
    };
    let registration = Registration {
        id: "layerlint-watched-files".to_owned(),
        method: "workspace/didChangeWatchedFiles".to_owned(),
        register_options: serde_json::to_value(options).ok(),
    };
    if let Err(err) = session.client.register_capability(vec![registration]).await {
        session
            .client
            .log_message(
                MessageType::WARNING,
                format!("layerlint: cannot watch configuration files: {err}"),
            )
            .await;
    }
}
