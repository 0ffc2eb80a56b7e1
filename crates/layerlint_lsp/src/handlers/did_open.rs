//! `textDocument/didOpen`: keep the text, lint it, publish at once.

use tower_lsp_server::ls_types::{DidOpenTextDocumentParams, Uri};

use crate::document::Document;
use crate::session::Session;

pub async fn handle(session: &Session, params: DidOpenTextDocumentParams) {
    let item = params.text_document;
    let uri = item.uri;
    if !is_dockerfile(&item.language_id, &uri) {
        // An editor set up to start the server for more than Dockerfiles (or one opening
        // the `.dockerignore` a fix created) would otherwise get Dockerfile findings on a
        // `.dockerignore` or a `layerlint.toml`. The server keeps no such document, so
        // every request about it answers nothing.
        return;
    }
    session.open(uri.clone(), Document::new(item.text, item.version));
    session.publish(&uri).await;
}

/// Whether a document is a Dockerfile: by its language (`dockerfile`, as VS Code, Neovim
/// and Helix call it, or `containerfile`), else by its file name.
fn is_dockerfile(language_id: &str, uri: &Uri) -> bool {
    if ["dockerfile", "containerfile"]
        .iter()
        .any(|id| language_id.eq_ignore_ascii_case(id))
    {
        return true;
    }
    let path = uri.path();
    let name = path.rsplit_once('/').map_or(path, |(_, name)| name);
    layerlint_linter::is_dockerfile_name(&name.decode().to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(text: &str) -> Uri {
        text.parse().expect("a valid URI")
    }

    #[test]
    fn dockerfiles_by_language_or_name() {
        // By language, whatever the name (an untitled buffer, a file set to the language).
        assert!(is_dockerfile("dockerfile", &uri("untitled:Untitled-1")));
        assert!(is_dockerfile("Dockerfile", &uri("file:///w/build.docker")));
        assert!(is_dockerfile("containerfile", &uri("file:///w/x")));
        // By name, whatever the language.
        assert!(is_dockerfile("plaintext", &uri("file:///w/Dockerfile")));
        assert!(is_dockerfile("", &uri("file:///w/api.Dockerfile")));
        assert!(is_dockerfile(
            "plaintext",
            &uri("file:///w/My%20App.dockerfile")
        ));
        // Neither.
        assert!(!is_dockerfile("ignore", &uri("file:///w/.dockerignore")));
        assert!(!is_dockerfile(
            "plaintext",
            &uri("file:///w/Dockerfile.dockerignore")
        ));
        assert!(!is_dockerfile("toml", &uri("file:///w/layerlint.toml")));
        assert!(!is_dockerfile(
            "plaintext",
            &uri("file:///w/Dockerfile/notes.txt")
        ));
    }
}
