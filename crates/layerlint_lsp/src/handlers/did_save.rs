//! `textDocument/didSave`: for clients that cannot watch files (Neovim on Linux by
//! default), a save is when configuration and ignore files are read again.

use tower_lsp_server::ls_types::DidSaveTextDocumentParams;

use crate::session::Session;

pub async fn handle(session: &Session, _: DidSaveTextDocumentParams) {
    if session.caps().watch_files {
        return;
    }
    session.reload_workspace();
    session.republish_all().await;
}
