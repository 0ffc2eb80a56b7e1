//! A minimal LSP client speaking JSON-RPC to the server over an in-memory pipe.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};

pub struct Client {
    writer: DuplexStream,
    reader: BufReader<DuplexStream>,
    next_id: i64,
    /// Notifications (and server requests) received while waiting for something else.
    pub inbox: VecDeque<Value>,
    /// What the client answers to server requests, by method (default: `null`).
    pub answers: Vec<(String, Value)>,
    /// Server requests received.
    pub server_requests: Vec<Value>,
}

const TIMEOUT: Duration = Duration::from_secs(10);

impl Client {
    /// Starts a server on an in-memory pipe.
    pub fn start() -> Client {
        let (client_writer, server_reader) = tokio::io::duplex(1 << 20);
        let (server_writer, client_reader) = tokio::io::duplex(1 << 20);
        tokio::spawn(layerlint_lsp::serve(server_reader, server_writer));
        Client {
            writer: client_writer,
            reader: BufReader::new(client_reader),
            next_id: 0,
            inbox: VecDeque::new(),
            answers: Vec::new(),
            server_requests: Vec::new(),
        }
    }

    pub async fn send_raw(&mut self, body: &str) {
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.writer.write_all(frame.as_bytes()).await.unwrap();
    }

    async fn send(&mut self, message: &Value) {
        self.send_raw(&message.to_string()).await;
    }

    async fn read(&mut self) -> Value {
        tokio::time::timeout(TIMEOUT, async {
            let mut length = None;
            loop {
                let mut line = String::new();
                self.reader.read_line(&mut line).await.unwrap();
                assert!(!line.is_empty(), "the server closed the stream");
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(value) = line.strip_prefix("Content-Length: ") {
                    length = Some(value.parse::<usize>().unwrap());
                }
            }
            let mut body = vec![0; length.expect("Content-Length")];
            self.reader.read_exact(&mut body).await.unwrap();
            serde_json::from_slice(&body).unwrap()
        })
        .await
        .expect("timed out waiting for the server")
    }

    /// Reads one message; answers server requests on the way.
    async fn next(&mut self) -> Value {
        let message = self.read().await;
        if message.get("method").is_some() && message.get("id").is_some() {
            let method = message["method"].as_str().unwrap().to_owned();
            let result = self
                .answers
                .iter()
                .find(|(m, _)| *m == method)
                .map_or(Value::Null, |(_, v)| v.clone());
            self.send(&json!({"jsonrpc": "2.0", "id": message["id"], "result": result}))
                .await;
            self.server_requests.push(message.clone());
        }
        message
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    pub async fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        loop {
            let message = self.next().await;
            if message.get("method").is_none() && message["id"] == json!(id) {
                return message;
            }
            self.inbox.push_back(message);
        }
    }

    /// Sends a request and returns its result (panics on an error response).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params).await;
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    /// The next notification of `method` (earlier ones of other methods are kept).
    pub async fn notification(&mut self, method: &str) -> Value {
        if let Some(i) = self.inbox.iter().position(|m| m["method"] == method) {
            return self.inbox.remove(i).unwrap()["params"].clone();
        }
        loop {
            let message = self.next().await;
            if message["method"] == method && message.get("id").is_none() {
                return message["params"].clone();
            }
            self.inbox.push_back(message);
        }
    }

    /// The next `publishDiagnostics` for `uri`.
    pub async fn diagnostics(&mut self, uri: &str) -> Value {
        loop {
            let params = self.notification("textDocument/publishDiagnostics").await;
            if params["uri"] == uri {
                return params;
            }
        }
    }

    pub async fn initialize(&mut self, capabilities: Value, options: Value) -> Value {
        let result = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": null,
                    "capabilities": capabilities,
                    "initializationOptions": options,
                }),
            )
            .await;
        self.notify("initialized", json!({})).await;
        result
    }

    pub async fn open(&mut self, uri: &str, text: &str) {
        self.open_as(uri, "dockerfile", text).await;
    }

    /// Opens a document with the language the editor gives it.
    pub async fn open_as(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        )
        .await;
    }

    pub async fn shutdown(&mut self) {
        assert_eq!(self.request("shutdown", Value::Null).await, Value::Null);
        self.notify("exit", Value::Null).await;
    }
}

/// Applies LSP text edits (UTF-16 positions, ASCII text assumed by the callers) to `text`.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| -> usize {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + character
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_owned();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    out
}

/// The text edits of a workspace edit for `uri` (`changes` or `documentChanges`).
pub fn edits_of(edit: &Value, uri: &str) -> Vec<Value> {
    if let Some(changes) = edit.get("changes") {
        return changes[uri].as_array().unwrap().clone();
    }
    edit["documentChanges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["textDocument"]["uri"] == uri)
        .flat_map(|c| c["edits"].as_array().unwrap().clone())
        .collect()
}
