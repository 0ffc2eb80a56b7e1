//! `workspace/didChangeConfiguration`: the editor's `layerlint.*` settings changed.

use tower_lsp_server::ls_types::DidChangeConfigurationParams;

use crate::session::{ClientOptions, Session};

pub async fn handle(session: &Session, params: DidChangeConfigurationParams) {
    let Some(options) = ClientOptions::from_settings(&params.settings) else {
        return;
    };
    if options != session.options() {
        session.set_options(options);
        session.republish_all().await;
    }
}
