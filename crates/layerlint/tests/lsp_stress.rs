//! The language server under stress, over the real `layerlint lsp` process (standard input
//! and output): 10,000 rapid incremental edits, positions out of range and inside surrogate
//! pairs, edits to documents never opened, a 5 MB document, malformed JSON-RPC and unknown
//! methods. The server must stay up, answer each request within [`ANSWER_BOUND`], and its
//! memory must not grow from one open/close cycle of the big document to the next.

#![cfg(target_os = "linux")]
// The helpers take `json!` values by value, as they are written at the call.
#![allow(clippy::needless_pass_by_value)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any one answer may take (a debug build on a busy two-core machine; the release
/// build answers in milliseconds, the 5 MB document's lint in about a second).
const ANSWER_BOUND: Duration = Duration::from_secs(120);

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("layerlint"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = value.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.unwrap()];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                if send.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            next_id: 0,
        }
    }

    fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        let message = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(message.to_string().as_bytes());
    }

    /// Sends a request and waits for its answer (the whole message: `result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_raw(message.to_string().as_bytes());
        self.answer(&json!(id))
    }

    /// Waits for the answer with `id`, answering server requests (`null`) on the way.
    fn answer(&mut self, id: &Value) -> Value {
        let started = Instant::now();
        loop {
            let left = ANSWER_BOUND.saturating_sub(started.elapsed());
            let message = match self.messages.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => panic!("no answer to {id} in {ANSWER_BOUND:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server exited"),
            };
            if message.get("method").is_some() {
                if let Some(server_id) = message.get("id") {
                    let reply = json!({"jsonrpc": "2.0", "id": server_id, "result": null});
                    self.send_raw(reply.to_string().as_bytes());
                }
                continue;
            }
            if message.get("id") == Some(id) {
                return message;
            }
        }
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Resident memory, from `/proc/PID/status`.
    fn rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}})
}

fn change(uri: &str, version: i32, changes: Value) -> Value {
    json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes})
}

fn hover(server: &mut Server, uri: &str, line: u32, character: u32) -> Value {
    server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
    )
}

#[test]
fn the_server_stays_up_under_stress() {
    let mut server = Server::start();
    let init = server.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {},
               "initializationOptions": {"debounceMs": 0}}),
    );
    assert!(init["result"]["capabilities"].is_object(), "{init}");
    server.notify("initialized", json!({}));
    let base_rss = server.rss_kb();

    // 10,000 rapid incremental edits, then an answer about the result.
    let uri = "file:///stress/Dockerfile";
    let text = "FROM alpine:3.20\nRUN echo hi\nCMD [\"echo\", \"hi\"]\n";
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": text}}),
    );
    let started = Instant::now();
    for version in 2..10_002 {
        // Insert a comment line, then take it out again.
        let changes = if version % 2 == 0 {
            json!([{"range": range(1, 0, 1, 0), "text": "# edit\n"}])
        } else {
            json!([{"range": range(1, 0, 2, 0), "text": ""}])
        };
        server.notify("textDocument/didChange", change(uri, version, changes));
    }
    let symbols = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let elapsed = started.elapsed();
    assert!(symbols["result"].is_array(), "{symbols}");
    let answer = hover(&mut server, uri, 1, 1);
    assert!(
        answer["result"]["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("RUN")),
        "the edits did not leave the text they should: {answer}"
    );
    eprintln!("10,000 edits and an answer: {elapsed:?}");

    // Out-of-range positions: in edits and requests.
    server.notify(
        "textDocument/didChange",
        change(
            uri,
            20_000,
            json!([{"range": range(1000, 1000, 2000, 5), "text": "\n# end\n"}]),
        ),
    );
    for (line, character) in [(99_999, 0), (0, 99_999), (u32::MAX, u32::MAX)] {
        assert!(
            hover(&mut server, uri, line, character)
                .get("error")
                .is_none()
        );
        let completion = server.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        );
        assert!(completion.get("error").is_none(), "{completion}");
    }
    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(u32::MAX, 0, 0, u32::MAX),
               "context": {"diagnostics": []}}),
    );
    assert!(actions.get("error").is_none(), "{actions}");

    // Edits and requests for a document never opened.
    let ghost = "file:///stress/never-opened/Dockerfile";
    server.notify(
        "textDocument/didChange",
        change(
            ghost,
            2,
            json!([{"range": range(0, 0, 0, 0), "text": "FROM x\n"}]),
        ),
    );
    let answer = hover(&mut server, ghost, 0, 0);
    assert!(answer["result"].is_null(), "{answer}");

    // Positions inside a surrogate pair (UTF-16): the emoji is two units.
    let emoji = "file:///stress/emoji/Dockerfile";
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": emoji, "languageId": "dockerfile", "version": 1,
               "text": "FROM alpine:3.20\nLABEL x=\"😀😀\"\n"}}),
    );
    for character in 9..14 {
        server.notify(
            "textDocument/didChange",
            change(
                emoji,
                i32::try_from(character).unwrap(),
                json!([{"range": range(1, character, 1, character + 1), "text": "é"}]),
            ),
        );
        assert!(
            hover(&mut server, emoji, 1, character)
                .get("error")
                .is_none()
        );
    }
    let symbols = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": emoji}}),
    );
    assert!(symbols["result"].is_array(), "{symbols}");

    // Malformed JSON-RPC, and unknown methods.
    server.send_raw(b"{\"jsonrpc\": \"2.0\", \"id\": 777, \"method\": ");
    server.send_raw(b"[1, 2, 3]");
    server.send_raw(b"\xff\xfe not even UTF-8");
    let unknown = server.request("layerlint/noSuchMethod", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    server.notify("layerlint/noSuchNotification", json!({}));
    assert!(hover(&mut server, uri, 0, 1)["result"].is_object());

    // A 5 MB document, opened, answered about, and closed, three times: memory must come
    // back to the same level each time.
    // 5 MB in 5,000 instructions of 1 KB (linting 80,000 short ones takes a minute in a
    // debug build).
    let line = format!(
        "RUN apt-get install -y curl && echo {} > /tmp/x\n",
        "hello ".repeat(160)
    );
    let big_text = format!(
        "FROM alpine:3.20\n{}",
        line.repeat(5_000_000 / line.len() + 1)
    );
    assert!(big_text.len() >= 5_000_000);
    let big = "file:///stress/big/Dockerfile";
    let mut after_close = Vec::new();
    for round in 0..3 {
        let started = Instant::now();
        server.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": big, "languageId": "dockerfile", "version": 1, "text": big_text}}),
        );
        let answer = hover(&mut server, big, 2_000, 1);
        assert!(answer["result"].is_object(), "{answer}");
        let pulled = server.request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": big}}),
        );
        assert!(pulled.get("error").is_none());
        eprintln!(
            "5 MB document, round {round}: answered in {:?}",
            started.elapsed()
        );
        server.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": big}}),
        );
        // A request after the close: the close has been handled.
        assert!(hover(&mut server, uri, 0, 1)["result"].is_object());
        after_close.push(server.rss_kb());
    }
    eprintln!(
        "RSS: {base_rss} kB after start; after each close of the 5 MB document: {after_close:?} kB"
    );
    assert!(
        after_close[2] < after_close[0] + 64 * 1024,
        "memory grows from one open/close cycle to the next: {after_close:?} kB"
    );
    assert!(server.alive());
    let shutdown = server.request("shutdown", json!(null));
    assert!(shutdown.get("error").is_none());
    server.notify("exit", json!(null));
    let started = Instant::now();
    while server.alive() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no exit after `exit`"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}
