//! The one place where LSP methods are routed to their handlers (`handlers/<method>.rs`).

use std::sync::Arc;

use serde::Deserialize;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{
    CodeActionParams, CodeActionResponse, CompletionParams, CompletionResponse,
    DidChangeConfigurationParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    DocumentDiagnosticParams, DocumentDiagnosticReportResult, DocumentSymbolParams,
    DocumentSymbolResponse, Hover, HoverParams, InitializeParams, InitializeResult,
    InitializedParams,
};
use tower_lsp_server::{Client, LanguageServer};

use crate::handlers;
use crate::session::Session;

/// The language server: a thin router over the shared [`Session`].
pub struct Server {
    session: Arc<Session>,
}

impl Server {
    pub fn new(client: Client) -> Self {
        Server {
            session: Arc::new(Session::new(client)),
        }
    }

    /// Answers a message the transport could not pass on (see `transport.rs`).
    pub async fn malformed(&self, params: Malformed) -> Result<()> {
        Err(Error {
            code: ErrorCode::from(params.code),
            message: params.message.into(),
            data: None,
        })
    }
}

/// What was wrong with a message.
#[derive(Debug, Deserialize)]
pub struct Malformed {
    code: i64,
    message: String,
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        Ok(handlers::initialize::handle(&self.session, &params))
    }

    async fn initialized(&self, params: InitializedParams) {
        handlers::initialized::handle(&self.session, params).await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        handlers::did_open::handle(&self.session, params).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        handlers::did_change::handle(&self.session, params);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        handlers::did_save::handle(&self.session, params).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        handlers::did_close::handle(&self.session, params).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        handlers::did_change_configuration::handle(&self.session, params).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        handlers::did_change_watched_files::handle(&self.session, params).await;
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        answer("textDocument/diagnostic", || {
            handlers::diagnostic::handle(&self.session, params)
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        answer("textDocument/codeAction", || {
            handlers::code_action::handle(&self.session, params)
        })
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        answer("textDocument/hover", || {
            handlers::hover::handle(&self.session, params)
        })
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        answer("textDocument/documentSymbol", || {
            handlers::document_symbol::handle(&self.session, params)
        })
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        answer("textDocument/completion", || {
            handlers::completion::handle(&self.session, params)
        })
    }
}

/// Runs a request's handler, turning a panic into an error response: a bug met at one
/// position (a hover, a completion) must not end the session and take the editor's
/// diagnostics and fixes with it. The panic message still goes to standard error, the
/// server's log.
fn answer<T>(method: &str, handler: impl FnOnce() -> T) -> Result<T> {
    crate::snapshot::guard(handler).ok_or_else(|| Error {
        code: ErrorCode::InternalError,
        message: format!("layerlint: internal error in {method} (see the server's log)").into(),
        data: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_handler_answers_an_error() {
        let error = answer("textDocument/hover", || -> Option<()> { panic!("a bug") }).unwrap_err();
        assert_eq!(error.code, ErrorCode::InternalError);
        assert!(error.message.contains("textDocument/hover"), "{error:?}");
        assert_eq!(answer("textDocument/hover", || Some(1)).unwrap(), Some(1));
    }
}
