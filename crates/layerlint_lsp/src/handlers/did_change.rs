//! `textDocument/didChange`: apply the edits now (before anything else can run, so that
//! changes apply in order), publish once the edits pause.

use std::sync::Arc;

use tower_lsp_server::ls_types::DidChangeTextDocumentParams;

use crate::session::Session;

pub fn handle(session: &Arc<Session>, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let version = params.text_document.version;
    let encoding = session.encoding();
    let applied = session.with_document(&uri, |document| {
        document.apply_changes(params.content_changes, version, encoding);
    });
    if applied.is_some() {
        session.publish_debounced(uri, version);
    }
}
