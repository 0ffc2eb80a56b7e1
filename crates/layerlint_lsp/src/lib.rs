//! The layerlint language server: diagnostics as you type, quick fixes, fix-all, "ignore
//! for this instruction", "optimize layer caching", hover, document symbols and completion.
//!
//! LSP types stay in this crate: positions are converted from and to byte offsets at the
//! boundary ([`convert`]), in UTF-16 unless the client negotiates UTF-8. The handlers are one
//! file per method (`handlers/`), registered in one place (`server.rs`).
//!
//! [`run_stdio`] serves a client over standard input and output (`layerlint lsp`); [`serve`]
//! serves any byte stream (the tests use an in-memory pipe).

pub mod convert;
pub mod document;
#[doc(hidden)]
pub mod fuzzing;
mod handlers;
pub mod reference;
mod server;
mod session;
pub mod snapshot;
mod transport;
pub mod workspace;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

pub use session::{ClientOptions, DEFAULT_DEBOUNCE};

/// Serves one client over standard input and output until it exits.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // A read of stdin may still be blocking a thread (the client keeps its end open until
    // the process exits): do not wait for it.
    runtime.shutdown_background();
    Ok(())
}

/// Serves one client over a pair of byte streams until it exits (or the input ends).
pub async fn serve<I, O>(input: I, output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::build(server::Server::new)
        .custom_method(transport::MALFORMED_METHOD, server::Server::malformed)
        .finish();
    // Messages pass through `transport::forward`, which keeps broken ones from ending the
    // session.
    let (writer, reader) = tokio::io::duplex(1 << 16);
    let serve = Server::new(reader, output, socket).serve(service);
    tokio::pin!(serve);
    let forward = async move {
        let _ = transport::forward(input, writer).await;
    };
    tokio::select! {
        () = &mut serve => {}
        () = forward => serve.await,
    }
}
