//! `textDocument/didClose`: forget the document and clear its diagnostics.

use tower_lsp_server::ls_types::DidCloseTextDocumentParams;

use crate::session::Session;

pub async fn handle(session: &Session, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    session.close(&uri);
    if !session.caps().pull_diagnostics {
        session
            .client
            .publish_diagnostics(uri, Vec::new(), None)
            .await;
    }
}
