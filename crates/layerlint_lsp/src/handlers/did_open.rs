//! `textDocument/didOpen`: keep the text, lint it, publish at once.

use tower_lsp_server::ls_types::DidOpenTextDocumentParams;

use crate::document::Document;
use crate::session::Session;

pub async fn handle(session: &Session, params: DidOpenTextDocumentParams) {
    let item = params.text_document;
    let uri = item.uri;
    session.open(uri.clone(), Document::new(item.text, item.version));
    session.publish(&uri).await;
}
