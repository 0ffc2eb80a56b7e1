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
    let path = uri.path().as_str();
    let name = path.rsplit('/').next().unwrap_or(path);
    let name = percent_decoded(name);
    layerlint_linter::is_dockerfile_name(&name)
}

/// A URI path segment with its `%XX` escapes decoded (left as written when they do not
/// decode to UTF-8).
fn percent_decoded(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = segment
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| segment.to_owned())
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
