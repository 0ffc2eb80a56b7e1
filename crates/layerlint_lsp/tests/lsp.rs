//! The server driven over JSON-RPC, as an editor drives it.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use support::{Client, apply_edits, edits_of};

fn tutorial() -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/seed/tutorial/Dockerfile")
        .canonicalize()
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    (file_uri(&path), text)
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A project on disk in a fresh directory: a Dockerfile at `dockerfile` (relative) with
/// `text`, and `files` beside it (relative to the root).
struct Project {
    _dir: tempfile::TempDir,
    /// The root, canonical (as the server sees paths).
    root: PathBuf,
    /// The Dockerfile's URI.
    uri: String,
}

fn project(dockerfile: &str, text: &str, files: &[(&str, &str)]) -> Project {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for (name, content) in std::iter::once((dockerfile, text)).chain(files.iter().copied()) {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    Project {
        uri: file_uri(&root.join(dockerfile)),
        root,
        _dir: dir,
    }
}

/// What VS Code declares, in the parts the server reads (push diagnostics: no `diagnostic`).
fn push_client() -> Value {
    json!({
        "textDocument": {
            "documentSymbol": {"hierarchicalDocumentSymbolSupport": true},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "publishDiagnostics": {"relatedInformation": true, "versionSupport": true}
        },
        "workspace": {"workspaceEdit": {"documentChanges": true}}
    })
}

fn position(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

/// A client that can create files (`documentChanges` with `create` operations), started
/// with the initialization `options`.
async fn client_creating_files(options: Value) -> Client {
    let mut client = Client::start();
    client
        .initialize(
            json!({"workspace": {"workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}}}),
            options,
        )
        .await;
    client
}

/// The quick fix of rule `code` among `actions`.
fn fix_of<'a>(actions: &'a [Value], code: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains(&format!("({code}")))
        .unwrap_or_else(|| panic!("no fix for {code} in {actions:?}"))
}

/// The quick fixes offered for the finding of rule `code` in the diagnostics published
/// next for `uri`.
async fn quick_fixes_for(client: &mut Client, uri: &str, code: &str) -> Vec<Value> {
    let published = client.diagnostics(uri).await;
    let diagnostic = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} finding in {published}"))
        .clone();
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic], "only": ["quickfix"]}}),
        )
        .await;
    actions.as_array().unwrap().clone()
}

/// The rule codes of a `publishDiagnostics` notification's findings.
fn codes(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

fn titles(actions: &[Value]) -> Vec<&str> {
    actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn tutorial_diagnostic_quick_fix_and_cleared_diagnostics() {
    let mut client = Client::start();
    let init = client
        .initialize(push_client(), json!({"debounceMs": 0}))
        .await;
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.layerlint", "refactor.rewrite"])
    );
    assert_eq!(caps["diagnosticProvider"]["identifier"], "layerlint");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["documentSymbolProvider"], true);
    assert!(caps["completionProvider"]["triggerCharacters"].is_array());
    assert_eq!(init["serverInfo"]["name"], "layerlint");

    let (uri, text) = tutorial();
    client.open(&uri, &text).await;
    let published = client.diagnostics(&uri).await;
    assert_eq!(published["version"], 1);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    // Other rules may report on the tutorial too; this test follows LL101.
    let diagnostic = diagnostics
        .iter()
        .find(|d| d["code"] == "LL101")
        .unwrap_or_else(|| panic!("no LL101 in {published}"));
    assert_eq!(diagnostic["source"], "layerlint");
    assert_eq!(diagnostic["severity"], 1, "LL101 is an error");
    assert_eq!(diagnostic["range"]["start"], position(14, 4));
    assert!(
        diagnostic["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/rules/LL101-invalid-json-exec-form.md")
    );

    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": diagnostic["range"],
                "context": {"diagnostics": [diagnostic], "only": ["quickfix"]}
            }),
        )
        .await;
    let actions = actions.as_array().unwrap();
    let offered = titles(actions);
    assert_eq!(offered.len(), 2, "{offered:?}");
    assert!(offered[0].ends_with("(LL101)"), "{offered:?}");
    assert_eq!(offered[1], "Ignore LL101 for this instruction");
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "LL101");
    let document_change = &fix["edit"]["documentChanges"][0];
    assert_eq!(document_change["textDocument"]["version"], 1);
    let edits = edits_of(&fix["edit"], &uri);
    let fixed = apply_edits(&text, &edits);
    assert!(
        fixed.ends_with("CMD [\"node\", \"dist/index.js\"]\n"),
        "{fixed}"
    );

    // The editor applies the edit and sends it back as an incremental change.
    let changes: Vec<Value> = edits
        .iter()
        .rev()
        .map(|e| json!({"range": e["range"], "text": e["newText"]}))
        .collect();
    client
        .notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": changes}),
        )
        .await;
    let cleared = client.diagnostics(&uri).await;
    assert_eq!(cleared["version"], 2);
    let remaining = cleared["diagnostics"].as_array().unwrap();
    assert!(remaining.iter().all(|d| d["code"] != "LL101"), "{cleared}");
    assert_eq!(remaining.len(), diagnostics.len() - 1, "{cleared}");

    // Nothing left to fix for LL101.
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": position(0, 0), "end": position(20, 0)}, "context": {"diagnostics": []}}),
        )
        .await;
    let titles = titles(actions.as_array().unwrap());
    assert!(titles.iter().all(|t| !t.contains("LL101")), "{titles:?}");

    client
        .notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    assert_eq!(client.diagnostics(&uri).await["diagnostics"], json!([]));
    client.shutdown().await;
}

#[tokio::test]
async fn ignore_fix_all_and_optimize_actions() {
    let mut client = Client::start();
    client.initialize(json!({}), json!({"debounceMs": 0})).await;
    let uri = "untitled:Dockerfile-1";
    let text =
        "FROM node:20\n  CMD [\"node\", \"a.js\", ]\nFROM alpine:3.20\nENTRYPOINT [\"sh\", ]\n";
    client.open(uri, text).await;
    let published = client.diagnostics(uri).await;
    assert_eq!(published["diagnostics"].as_array().unwrap().len(), 2);

    // The ignore comment, with the instruction's indentation.
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": position(1, 7), "end": position(1, 7)}, "context": {"diagnostics": []}}),
        )
        .await;
    let ignore = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Ignore LL101 for this instruction")
        .expect("an ignore action");
    assert_eq!(ignore["kind"], "quickfix");
    assert_eq!(
        ignore["isPreferred"], false,
        "a suppression is never preferred"
    );
    assert_eq!(ignore["diagnostics"][0]["code"], "LL101");
    // Without `documentChanges` support: plain `changes`.
    let edits = edits_of(&ignore["edit"], uri);
    assert_eq!(
        apply_edits(text, &edits),
        "FROM node:20\n  # layerlint ignore=LL101\n  CMD [\"node\", \"a.js\", ]\nFROM alpine:3.20\nENTRYPOINT [\"sh\", ]\n"
    );

    // Fix all: one edit fixing both.
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": position(0, 0), "end": position(0, 0)}, "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
        )
        .await;
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.layerlint");
    assert_eq!(actions[0]["title"], "Fix all auto-fixable problems");
    let fixed = apply_edits(text, &edits_of(&actions[0]["edit"], uri));
    assert_eq!(
        fixed,
        "FROM node:20\n  CMD [\"node\", \"a.js\"]\nFROM alpine:3.20\nENTRYPOINT [\"sh\"]\n"
    );
    // `only` matches whole dot-separated parts of a kind: `source.fix` is not a prefix
    // of `source.fixAll.layerlint`.
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": position(1, 7), "end": position(1, 7)}, "context": {"diagnostics": [], "only": ["source.fix"]}}),
        )
        .await;
    assert_eq!(actions, json!([]));

    // "Optimize layer caching" is offered only when a cache rule has a fix in the stage
    // at the cursor: not in this file.
    let refactor = |uri: &str, line: u32| json!({"textDocument": {"uri": uri}, "range": {"start": position(line, 0), "end": position(line, 0)}, "context": {"diagnostics": [], "only": ["refactor"]}});
    let actions = client
        .request("textDocument/codeAction", refactor(uri, 0))
        .await;
    assert_eq!(actions, json!([]));
    // In a project, for the stage that copies the sources before its install, with the
    // project's manifests: the reorder and the cache mount together.
    let text = "FROM node:20 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\n\nFROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\n";
    let built = project(
        "Dockerfile",
        text,
        &[
            ("package.json", "{}"),
            ("package-lock.json", "{}"),
            (".dockerignore", ".git\nnode_modules\n"),
        ],
    );
    let uri = &built.uri;
    client.open(uri, text).await;
    client.diagnostics(uri).await;
    let actions = client
        .request("textDocument/codeAction", refactor(uri, 3))
        .await;
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(
        actions[0]["title"],
        "Optimize layer caching of stage `build`"
    );
    assert_eq!(actions[0]["kind"], "refactor.rewrite");
    assert_eq!(
        apply_edits(text, &edits_of(&actions[0]["edit"], uri)),
        "FROM node:20 AS build\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci\nCOPY . .\nRUN npm run build\n\nFROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\n"
    );
    let actions = client
        .request("textDocument/codeAction", refactor(uri, 7))
        .await;
    assert_eq!(actions, json!([]), "the nginx stage has nothing to reorder");
    client.shutdown().await;
}

#[tokio::test]
async fn hover_symbols_and_completion() {
    let mut client = Client::start();
    client.initialize(push_client(), json!({})).await;
    let uri = "untitled:Dockerfile-2";
    let text = "ARG NODE=20\nFROM node:${NODE}-slim AS build\n# layerlint ignore=LL101\nCMD [\"node\", ]\nFROM nginx:1.27\nCOPY --from=\n";
    client.open(uri, text).await;
    client.diagnostics(uri).await;

    let hover = |line: u32, character: u32| json!({"textDocument": {"uri": uri}, "position": position(line, character)});
    let keyword = client.request("textDocument/hover", hover(3, 1)).await;
    assert_eq!(keyword["contents"]["kind"], "markdown");
    assert!(
        keyword["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**CMD**")
    );
    assert_eq!(keyword["range"]["end"], position(3, 3));
    let code = client.request("textDocument/hover", hover(2, 21)).await;
    assert!(
        code["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("# LL101 `invalid-json-exec-form`")
    );
    let image = client.request("textDocument/hover", hover(1, 7)).await;
    assert!(
        image["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**Base image `node:20-slim`**"),
        "{image}"
    );
    assert_eq!(
        client.request("textDocument/hover", hover(0, 11)).await,
        Value::Null
    );

    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await;
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ARG NODE=20", "build", "nginx:1.27"]);
    assert_eq!(symbols[1]["children"].as_array().unwrap().len(), 2);

    let completion = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": position(5, 12)}),
        )
        .await;
    let labels: Vec<&str> = completion
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["build"]);
    client.shutdown().await;
}

/// A client that shows plain text only gets plain text: hovers of kind `plaintext`, and
/// completion documentation as plain strings.
#[tokio::test]
async fn plain_text_clients() {
    let mut client = Client::start();
    let caps = json!({"textDocument": {
        "hover": {"contentFormat": ["plaintext"]},
        "completion": {"completionItem": {"documentationFormat": ["plaintext"]}}
    }});
    client.initialize(caps, json!({"debounceMs": 0})).await;
    let uri = "untitled:Dockerfile-7";
    client.open(uri, "FROM alpine:3.20\nRU\n").await;
    client.diagnostics(uri).await;
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position(0, 1)}),
        )
        .await;
    assert_eq!(hover["contents"]["kind"], "plaintext", "{hover}");
    let completion = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": position(1, 2)}),
        )
        .await;
    let run = completion
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "RUN")
        .expect("RUN is offered");
    assert!(run["documentation"].is_string(), "{run}");
    client.shutdown().await;
}

/// An `untitled:` buffer is no file: it has no build context, wherever the server runs
/// (the tests run it in this crate's directory, which has no `.dockerignore`), so no
/// finding needs one; the same text saved in a project gets them.
#[tokio::test]
async fn untitled_documents_have_no_build_context() {
    let mut client = Client::start();
    client.initialize(json!({}), json!({"debounceMs": 0})).await;
    let text = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
    client.open("untitled:Dockerfile-9", text).await;
    let untitled = client.diagnostics("untitled:Dockerfile-9").await;
    assert!(
        !codes(&untitled).contains(&"LL204".to_owned()),
        "{untitled}"
    );
    assert!(codes(&untitled).contains(&"LL201".to_owned()), "{untitled}");

    let on_disk = project("Dockerfile", text, &[("package.json", "{}")]);
    client.open(&on_disk.uri, text).await;
    let saved = client.diagnostics(&on_disk.uri).await;
    assert!(codes(&saved).contains(&"LL204".to_owned()), "{saved}");
    client.shutdown().await;
}

/// An editor that sends the server more than Dockerfiles (a `.dockerignore`, the config)
/// gets no Dockerfile findings on them, nor hovers; a Dockerfile by name is linted
/// whatever language the editor gives it.
#[tokio::test]
async fn only_dockerfiles_are_linted() {
    let mut client = Client::start();
    client.initialize(json!({}), json!({"debounceMs": 0})).await;
    let ignore = "file:///w/.dockerignore";
    client
        .open_as(ignore, "ignore", "FROM x\nnode_modules\n")
        .await;
    client
        .open_as(
            "file:///w/layerlint.toml",
            "toml",
            "[lint]\nselect = [\"ALL\"]\n",
        )
        .await;
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": ignore}, "position": position(0, 1)}),
        )
        .await;
    assert_eq!(hover, Value::Null);
    let dockerfile = "file:///w/api.Dockerfile";
    client
        .open_as(dockerfile, "plaintext", "FROM alpine:3.20\nCMD [\"x\", ]\n")
        .await;
    // The first diagnostics published are the Dockerfile's: none came for the others.
    let published = client.notification("textDocument/publishDiagnostics").await;
    assert_eq!(published["uri"], dockerfile);
    let codes: Vec<&str> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"LL101"), "{codes:?}");
    client.shutdown().await;
}

#[tokio::test]
async fn pull_diagnostics_in_utf8() {
    let mut client = Client::start();
    let init = client
        .initialize(
            json!({
                "general": {"positionEncodings": ["utf-8", "utf-16"]},
                "textDocument": {"diagnostic": {"dynamicRegistration": false}}
            }),
            json!({"debounceMs": 0}),
        )
        .await;
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let uri = "untitled:Dockerfile-3";
    // "é" is 2 bytes: the diagnostic's column counts bytes.
    client
        .open(uri, "FROM alpine:3.20\nLABEL x=\"é\"\nCMD [\"é\", ]\n")
        .await;
    let params = json!({"textDocument": {"uri": uri}});
    let report = client
        .request("textDocument/diagnostic", params.clone())
        .await;
    assert_eq!(report["kind"], "full");
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["code"], "LL101");
    assert_eq!(items[0]["range"]["end"], position(2, 12));
    let result_id = report["resultId"].as_str().unwrap().to_owned();
    let again = client
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": uri}, "previousResultId": result_id}),
        )
        .await;
    assert_eq!(again["kind"], "unchanged");
    // A client that pulls gets no pushes.
    assert!(
        !client
            .inbox
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics")
    );
    client.shutdown().await;
}

#[tokio::test]
async fn rapid_edits_publish_once() {
    let mut client = Client::start();
    client
        .initialize(json!({}), json!({"debounceMs": 100}))
        .await;
    let uri = "untitled:Dockerfile-4";
    client.open(uri, "FROM alpine:3.20\n").await;
    assert_eq!(client.diagnostics(uri).await["version"], 1);
    for version in 2..=6 {
        client
            .notify(
                "textDocument/didChange",
                json!({
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": {"start": position(1, 0), "end": position(1, 0)}, "text": if version == 6 { "CMD [\"x\", ]" } else { "" }}]
                }),
            )
            .await;
    }
    let published = client.diagnostics(uri).await;
    assert_eq!(published["version"], 6, "only the last version is linted");
    assert_eq!(published["diagnostics"][0]["code"], "LL101");
    // The server answers in order: nothing else was published before the request below.
    client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position(0, 0)}),
        )
        .await;
    assert!(
        !client
            .inbox
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics")
    );
    client.shutdown().await;
}

#[tokio::test]
async fn malformed_and_unknown_messages_leave_the_server_running() {
    let mut client = Client::start();
    client.initialize(json!({}), json!({})).await;
    // Broken JSON: a parse error for an unknown id.
    client
        .send_raw("{\"jsonrpc\": \"2.0\", \"id\": 99, \"method\": ")
        .await;
    let parse_error = client.request_raw("layerlint/another", json!({})).await;
    let broken = client
        .inbox
        .iter()
        .find(|m| m["id"].is_null() && m.get("error").is_some())
        .expect("an error for the broken message");
    assert_eq!(broken["error"]["code"], -32700, "{broken}");
    assert_eq!(parse_error["error"]["code"], -32601);
    // JSON that is not a JSON-RPC message: an invalid request, with its id.
    client.send_raw("{\"id\": 98, \"method\": \"x\"}").await;
    client.request_raw("layerlint/yetAnother", json!({})).await;
    let invalid = client
        .inbox
        .iter()
        .find(|m| m["id"] == 98)
        .expect("an error for the invalid message");
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");
    let unknown = client
        .request_raw("layerlint/doesNotExist", json!({}))
        .await;
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    client
        .notify("layerlint/unknownNotification", json!({}))
        .await;
    let bad_params = client
        .request_raw("textDocument/hover", json!({"textDocument": 42}))
        .await;
    assert_eq!(bad_params["error"]["code"], -32602, "{bad_params}");
    // A request about a document that is not open.
    let none = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": "file:///nowhere/Dockerfile"}, "position": position(0, 0)}),
        )
        .await;
    assert_eq!(none, Value::Null);
    // Still serving.
    client
        .open("untitled:x", "FROM alpine:3.20\nCMD [\"a\", ]\n")
        .await;
    let published = client.diagnostics("untitled:x").await;
    assert_eq!(published["diagnostics"][0]["code"], "LL101");
    client.shutdown().await;
}

#[tokio::test]
async fn configuration_files_are_found_and_reloaded() {
    let text = "FROM alpine:3.20\nCMD [\"a\", ]\n";
    let Project {
        _dir,
        root: dir_path,
        uri,
    } = project(
        "app/Dockerfile",
        text,
        &[("layerlint.toml", "ignore = [\"LL101\"]\n")],
    );

    let mut client = Client::start();
    client
        .initialize(
            json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
            json!({"debounceMs": 0}),
        )
        .await;
    client.open(&uri, text).await;
    assert_eq!(client.diagnostics(&uri).await["diagnostics"], json!([]));
    let registration = client
        .server_requests
        .iter()
        .find(|r| r["method"] == "client/registerCapability")
        .expect("a registration for watched files");
    let watchers = &registration["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert_eq!(watchers[0]["globPattern"], "**/layerlint.toml");

    std::fs::write(dir_path.join("layerlint.toml"), "select = [\"LL1\"]\n").unwrap();
    let config_uri = file_uri(&dir_path.join("layerlint.toml"));
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": config_uri, "type": 2}]}),
        )
        .await;
    let published = client.diagnostics(&uri).await;
    assert_eq!(published["diagnostics"][0]["code"], "LL101");

    // A broken configuration: the defaults, and a message saying why.
    std::fs::write(dir_path.join("layerlint.toml"), "colour = \"red\"\n").unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": config_uri, "type": 2}]}),
        )
        .await;
    let message = client.notification("window/showMessage").await;
    assert!(
        message["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `colour`"),
        "{message}"
    );
    assert_eq!(
        client.diagnostics(&uri).await["diagnostics"][0]["code"],
        "LL101"
    );
    client.shutdown().await;
}

#[tokio::test]
async fn build_args_from_the_configuration() {
    let text = "FROM alpine:3.20 as base\nCMD [\"a\", ]\n";
    let mut client = Client::start();
    client.initialize(json!({}), json!({"debounceMs": 0})).await;
    let plain = project("Dockerfile", text, &[]);
    client.open(&plain.uri, text).await;
    let published = client.diagnostics(&plain.uri).await;
    assert!(
        codes(&published).contains(&"LL605".to_owned()),
        "{published}"
    );
    let configured = project(
        "Dockerfile",
        text,
        &[(
            "layerlint.toml",
            "[build-args]\nBUILDKIT_DOCKERFILE_CHECK = \"skip=FromAsCasing\"\n",
        )],
    );
    client.open(&configured.uri, text).await;
    let published = client.diagnostics(&configured.uri).await;
    let found = codes(&published);
    assert!(!found.contains(&"LL605".to_owned()), "{published}");
    assert!(found.contains(&"LL101".to_owned()), "{published}");
    client.shutdown().await;
}

#[tokio::test]
async fn a_fix_that_creates_the_dockerignore() {
    let text = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n";
    let Project { _dir, root, uri } = project(
        "Dockerfile",
        text,
        &[("package.json", "{}"), ("package-lock.json", "{}")],
    );

    let mut client = client_creating_files(json!({"debounceMs": 0})).await;
    client.open(&uri, text).await;
    let actions = quick_fixes_for(&mut client, &uri, "LL204").await;
    let fix = fix_of(&actions, "LL204");
    let changes = fix["edit"]["documentChanges"].as_array().unwrap();
    let ignore_uri = file_uri(&root.join(".dockerignore"));
    assert_eq!(changes[0]["kind"], "create");
    assert_eq!(changes[0]["uri"], ignore_uri.as_str());
    assert_eq!(changes[0]["options"]["ignoreIfExists"], true);
    assert_eq!(changes[1]["textDocument"]["uri"], ignore_uri.as_str());
    let content = changes[1]["edits"][0]["newText"].as_str().unwrap();
    assert!(content.lines().any(|l| l.trim() == ".git"), "{content}");

    // A client that cannot create files is not offered the fix.
    let mut plain = Client::start();
    plain.initialize(json!({}), json!({"debounceMs": 0})).await;
    plain.open(&uri, text).await;
    let actions = quick_fixes_for(&mut plain, &uri, "LL204").await;
    let titles = titles(&actions);
    assert!(!titles.iter().any(|t| t.contains("(LL204")), "{titles:?}");
}

/// A `.dockerignore` made on disk after the lint, unseen by the server (this client
/// watches no files, and the Dockerfile was not saved): the create would be skipped and
/// the new content put in front of the file's own, so the fix is no longer offered.
#[tokio::test]
async fn no_fix_creates_a_dockerignore_that_exists_by_now() {
    let text = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
    let Project { _dir, root, uri } = project("Dockerfile", text, &[("package.json", "{}")]);
    let mut client = client_creating_files(json!({"debounceMs": 0})).await;
    client.open(&uri, text).await;
    let actions = quick_fixes_for(&mut client, &uri, "LL204").await;
    let fix = fix_of(&actions, "LL204");
    let diagnostic = fix["diagnostics"][0].clone();

    std::fs::write(root.join(".dockerignore"), "dist\n").unwrap();
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic], "only": ["quickfix"]}}),
        )
        .await;
    let actions = actions.as_array().unwrap();
    let offered = titles(actions);
    assert!(!offered.iter().any(|t| t.contains("(LL204")), "{actions:?}");
    assert!(offered.contains(&"Ignore LL204 for this instruction"));
    client.shutdown().await;
}

#[tokio::test]
async fn a_fix_that_extends_the_dockerignore() {
    // The ignore file's last line has no newline and a character outside the BMP: the
    // insertion point is counted in the client's encoding (UTF-16 here).
    let ignore = "*.log\n# \u{1f433} whale";
    let text = "FROM node:20\nWORKDIR /app\nCOPY . .\n";
    let Project { _dir, root, uri } = project(
        "Dockerfile",
        text,
        &[
            (".dockerignore", ignore),
            ("package.json", "{}"),
            ("node_modules/x/index.js", ""),
            ("src/index.js", ""),
        ],
    );
    let ignore_uri = file_uri(&root.join(".dockerignore"));

    // Extending a file needs no resource operation: `documentChanges` is enough.
    let mut client = Client::start();
    client
        .initialize(
            json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
            json!({"debounceMs": 0}),
        )
        .await;
    client.open(&uri, text).await;
    let actions = quick_fixes_for(&mut client, &uri, "LL205").await;
    let fix = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("(LL205"))
        .unwrap_or_else(|| panic!("no fix for LL205 in {actions:?}"));
    assert_eq!(
        fix["title"],
        "Add `node_modules` to .dockerignore (LL205, unsafe fix)"
    );
    assert_eq!(fix["isPreferred"], false, "an unsafe fix is not preferred");
    let changes = fix["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(
        changes.len(),
        1,
        "only the ignore file changes: {changes:?}"
    );
    assert_eq!(changes[0]["textDocument"]["uri"], ignore_uri.as_str());
    let edit = &changes[0]["edits"][0];
    let end = position(1, 10);
    assert_eq!(edit["range"], json!({"start": end, "end": end}));
    let added = edit["newText"].as_str().unwrap();
    assert!(added.starts_with('\n'), "{added:?}");
    assert!(added.lines().any(|l| l == "node_modules"), "{added:?}");
    client.shutdown().await;

    // Without `documentChanges` an edit cannot reach a second file: no fix offered.
    let mut plain = Client::start();
    plain.initialize(json!({}), json!({"debounceMs": 0})).await;
    plain.open(&uri, text).await;
    let actions = quick_fixes_for(&mut plain, &uri, "LL205").await;
    let titles = titles(&actions);
    assert!(!titles.iter().any(|t| t.contains("(LL205")), "{titles:?}");
    assert!(
        titles.contains(&"Ignore LL205 for this instruction"),
        "{titles:?}"
    );
}

#[tokio::test]
async fn fix_all_takes_unsafe_fixes_from_the_client_or_the_configuration() {
    // The JSON fix is safe; turning a shell-form CMD into exec form is unsafe.
    let text = "FROM alpine:3.20\nENTRYPOINT [\"tini\", ]\nCMD node index.js\n";
    let safe = "FROM alpine:3.20\nENTRYPOINT [\"tini\"]\nCMD node index.js\n";
    let all = "FROM alpine:3.20\nENTRYPOINT [\"tini\"]\nCMD [\"node\", \"index.js\"]\n";
    let fix_all = |uri: &str| json!({"textDocument": {"uri": uri}, "range": {"start": position(0, 0), "end": position(0, 0)}, "context": {"diagnostics": [], "only": ["source.fixAll"]}});
    let fixed = |actions: &Value, uri: &str| {
        let actions = actions.as_array().unwrap();
        assert_eq!(actions.len(), 1, "{actions:?}");
        apply_edits(text, &edits_of(&actions[0]["edit"], uri))
    };

    let mut client = Client::start();
    client.initialize(json!({}), json!({"debounceMs": 0})).await;
    let uri = "untitled:Dockerfile-unsafe";
    client.open(uri, text).await;
    client.diagnostics(uri).await;
    let actions = client
        .request("textDocument/codeAction", fix_all(uri))
        .await;
    assert_eq!(fixed(&actions, uri), safe);
    // The editor's `layerlint.unsafeFixes` setting.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"layerlint": {"unsafeFixes": true, "debounceMs": 0}}}),
        )
        .await;
    let actions = client
        .request("textDocument/codeAction", fix_all(uri))
        .await;
    assert_eq!(fixed(&actions, uri), all);
    client.shutdown().await;

    // `unsafe-fixes = true` in the project's configuration file.
    let built = project(
        "Dockerfile",
        text,
        &[
            ("layerlint.toml", "unsafe-fixes = true\n"),
            (".dockerignore", ".git\n"),
        ],
    );
    let mut client = Client::start();
    client.initialize(json!({}), json!({"debounceMs": 0})).await;
    client.open(&built.uri, text).await;
    client.diagnostics(&built.uri).await;
    let actions = client
        .request("textDocument/codeAction", fix_all(&built.uri))
        .await;
    assert_eq!(fixed(&actions, &built.uri), all);
    client.shutdown().await;
}

/// A range over several findings of one rule in one instruction: one "Ignore" action
/// (one comment hides them all), naming every finding it hides.
#[tokio::test]
async fn one_ignore_action_per_rule_and_instruction() {
    let mut client = Client::start();
    client.initialize(json!({}), json!({"debounceMs": 0})).await;
    let uri = "untitled:Dockerfile-ports";
    let text = "FROM alpine:3.20\nEXPOSE 80000 90000\n";
    client.open(uri, text).await;
    let published = client.diagnostics(uri).await;
    assert_eq!(codes(&published), ["LL125", "LL125"], "{published}");
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": position(1, 0), "end": position(1, 18)}, "context": {"diagnostics": published["diagnostics"], "only": ["quickfix"]}}),
        )
        .await;
    let actions = actions.as_array().unwrap();
    assert_eq!(
        titles(actions),
        ["Ignore LL125 for this instruction"],
        "{actions:?}"
    );
    assert_eq!(actions[0]["diagnostics"].as_array().unwrap().len(), 2);
    assert_eq!(
        apply_edits(text, &edits_of(&actions[0]["edit"], uri)),
        "FROM alpine:3.20\n# layerlint ignore=LL125\nEXPOSE 80000 90000\n"
    );
    client.shutdown().await;
}

/// Settings that hold nothing of layerlint's (the empty object Emacs' eglot sends after
/// connecting, or only another server's section) keep the initialization options.
#[tokio::test]
async fn configuration_without_layerlint_settings_keeps_the_options() {
    let text = "FROM alpine:3.20\nENTRYPOINT [\"tini\", ]\nCMD node index.js\n";
    let all = "FROM alpine:3.20\nENTRYPOINT [\"tini\"]\nCMD [\"node\", \"index.js\"]\n";
    let uri = "untitled:Dockerfile-settings";
    let fix_all = json!({"textDocument": {"uri": uri}, "range": {"start": position(0, 0), "end": position(0, 0)}, "context": {"diagnostics": [], "only": ["source.fixAll"]}});
    let mut client = Client::start();
    client
        .initialize(json!({}), json!({"unsafeFixes": true, "debounceMs": 0}))
        .await;
    client.open(uri, text).await;
    client.diagnostics(uri).await;
    for settings in [json!({}), json!({"pylsp": {"plugins": {}}})] {
        client
            .notify(
                "workspace/didChangeConfiguration",
                json!({ "settings": settings }),
            )
            .await;
        let actions = client
            .request("textDocument/codeAction", fix_all.clone())
            .await;
        assert_eq!(
            apply_edits(text, &edits_of(&actions[0]["edit"], uri)),
            all,
            "after {settings}"
        );
    }
    client.shutdown().await;
}

/// The fix-all edit `client` gets for the document `uri` opened with `text`.
async fn fix_all_edit(mut client: Client, uri: &str, text: &str) -> Value {
    client.open(uri, text).await;
    client.diagnostics(uri).await;
    let request = json!({"textDocument": {"uri": uri}, "range": {"start": position(0, 0), "end": position(0, 0)}, "context": {"diagnostics": [], "only": ["source.fixAll"]}});
    let actions = client.request("textDocument/codeAction", request).await;
    client.shutdown().await;
    actions[0]["edit"].clone()
}

/// Fix-all with unsafe fixes takes the other files its fixes change: the `.dockerignore`
/// missing-dockerignore (LL204) creates comes in the same edit, or extends the one on disk.
/// A client that cannot create files still gets the Dockerfile's edits.
#[tokio::test]
async fn fix_all_creates_or_extends_the_dockerignore() {
    let text = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"x.js\", ]\n";
    let Project { _dir, root, uri } = project("Dockerfile", text, &[("package.json", "{}")]);
    let ignore_uri = file_uri(&root.join(".dockerignore"));
    let options = json!({"unsafeFixes": true, "debounceMs": 0});
    let edit = fix_all_edit(client_creating_files(options.clone()).await, &uri, text).await;
    let changes = edit["documentChanges"].as_array().unwrap();
    assert_eq!(changes[0]["kind"], "create", "{edit}");
    assert_eq!(changes[0]["uri"], ignore_uri.as_str());
    let created = apply_edits("", &edits_of(&edit, &ignore_uri));
    assert!(created.lines().any(|l| l == ".git"), "{created}");
    let fixed = apply_edits(text, &edits_of(&edit, &uri));
    assert!(fixed.contains("CMD [\"node\", \"x.js\"]"), "{fixed}");

    // A `.dockerignore` without a final line break, missing `node_modules`
    // (dockerignore-missing-entries, LL205): the entry is appended after a line break.
    std::fs::write(root.join(".dockerignore"), ".git").unwrap();
    std::fs::create_dir(root.join("node_modules")).unwrap();
    let edit = fix_all_edit(client_creating_files(options.clone()).await, &uri, text).await;
    let extended = apply_edits(".git", &edits_of(&edit, &ignore_uri));
    assert_eq!(extended, ".git\nnode_modules\n");

    let mut plain = Client::start();
    plain.initialize(json!({}), options).await;
    let edit = fix_all_edit(plain, &uri, text).await;
    assert!(edit.get("documentChanges").is_none(), "{edit}");
    let fixed = apply_edits(text, &edits_of(&edit, &uri));
    assert!(fixed.contains("CMD [\"node\", \"x.js\"]"), "{fixed}");
}
