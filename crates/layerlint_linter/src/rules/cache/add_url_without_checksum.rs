use layerlint_syntax::{Body, InstructionKind};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `ADD <http(s) URL>` without `--checksum`.
    ///
    /// ## Why is this bad?
    /// BuildKit asks the server at every build whether the file changed (its ETag and
    /// modification time): when the server says yes — a new release behind a `latest`
    /// URL, a server that sends no ETag — the layer and every layer after it rebuild, and
    /// the image silently gets other content. `--checksum=sha256:…` pins the content:
    /// the cache key is the checksum, and a changed file fails the build instead of
    /// slipping in.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// ADD --checksum=sha256:c5b0666b4cb676901f90dfcb37106783c5fe2077b04590973b885950611b30ee https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the checksum is the digest of the file the URL serves, which layerlint does
    /// not download. `curl -fsSL <url> | sha256sum` gives it.
    pub(crate) struct AddUrlWithoutChecksum {
        code: "LL210",
        name: "add-url-without-checksum",
        category: Cache,
        severity: Warning,
        fix: None,
        summary: "`ADD <url>` without `--checksum` gets whatever the server sends at build time",
    }
}

impl Check for AddUrlWithoutChecksum {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Add]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let instruction = node.instruction;
        if instruction.flag("checksum").is_some() {
            return;
        }
        let Body::Add(paths) = &instruction.body else {
            return;
        };
        let escape = cx.file.escape();
        let mut found = Vec::new();
        for word in paths.sources() {
            let value = node
                .scope
                .expand(&word.text, escape)
                .map_or_else(|_| word.text.clone(), |e| e.result);
            let url = value.trim_matches('"');
            let is_http = url.starts_with("http://") || url.starts_with("https://");
            // A Git repository (`https://github.com/x/y.git#v1`) is pinned by its ref.
            let is_git = url.contains(".git#") || url.ends_with(".git");
            if is_http && !is_git {
                found.push(word.range);
            }
        }
        for range in found {
            cx.report(range, "`ADD` downloads this URL without `--checksum`, so the content is not pinned")
                .note("add `--checksum=sha256:<digest>` (BuildKit, `# syntax=docker/dockerfile:1.6` or later)");
        }
    }
}
