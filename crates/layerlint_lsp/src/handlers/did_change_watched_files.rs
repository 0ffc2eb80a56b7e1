//! `workspace/didChangeWatchedFiles`: a configuration or ignore file changed, so every
//! open document is linted again with what is on disk now.

use tower_lsp_server::ls_types::DidChangeWatchedFilesParams;

use crate::session::Session;

pub async fn handle(session: &Session, params: DidChangeWatchedFilesParams) {
    let relevant = params.changes.iter().any(|change| {
        let path = change.uri.path().as_str();
        let name = path.rsplit('/').next().unwrap_or(path);
        layerlint_linter::settings::CONFIG_FILE_NAMES.contains(&name)
            || name.ends_with(".dockerignore")
    });
    if relevant {
        session.reload_workspace();
        session.republish_all().await;
    }
}
