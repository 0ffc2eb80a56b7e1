//! The input side of the connection, made robust.
//!
//! `tower-lsp-server` stops serving after the first frame it cannot decode (its framed
//! reader ends the stream on a decoder error): one message with broken JSON, or JSON that
//! is not a JSON-RPC message, would end the session. So frames are read here first; each
//! valid message is passed on unchanged, and each broken one is replaced by a request to
//! [`MALFORMED_METHOD`], whose handler answers with the JSON-RPC error the client should
//! get (`-32700` parse error or `-32600` invalid request, with the message's id when it has
//! one, else `null`).

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// The method broken messages are replaced with.
pub const MALFORMED_METHOD: &str = "layerlint/malformedMessage";

/// The largest message accepted (a bigger one is skipped).
const MAX_MESSAGE: usize = 256 << 20;

/// Copies frames from `input` to `output` until `input` ends, replacing broken messages.
pub async fn forward<R, W>(input: R, mut output: W) -> std::io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut reader = BufReader::new(input);
    loop {
        let Some(length) = read_headers(&mut reader).await? else {
            return Ok(());
        };
        let Some(length) = length.filter(|&l| l <= MAX_MESSAGE) else {
            continue;
        };
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await?;
        let body = sanitize(body);
        output
            .write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
            .await?;
        output.write_all(&body).await?;
        output.flush().await?;
    }
}

/// Reads a frame's headers: `None` at the end of the input, `Some(None)` for headers
/// without a usable `Content-Length`.
async fn read_headers<R: AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
) -> std::io::Result<Option<Option<usize>>> {
    let mut length = None;
    let mut any = false;
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if any {
                return Ok(Some(length));
            }
            continue;
        }
        any = true;
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok();
        }
    }
}

/// The body itself when it is a JSON-RPC message `tower-lsp-server` can decode, else a
/// request to [`MALFORMED_METHOD`] describing the problem.
pub fn sanitize(body: Vec<u8>) -> Vec<u8> {
    let value: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(err) => return malformed(&Value::Null, -32700, &format!("parse error: {err}")),
    };
    if is_message(&value) {
        return body;
    }
    let id = value
        .get("id")
        .filter(|id| valid_id(id))
        .cloned()
        .unwrap_or(Value::Null);
    malformed(&id, -32600, "invalid request: not a JSON-RPC 2.0 message")
}

fn valid_id(id: &Value) -> bool {
    id.is_null() || id.is_i64() || id.is_string()
}

fn is_message(value: &Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return false;
    }
    if object.get("id").is_some_and(|id| !valid_id(id)) {
        return false;
    }
    if let Some(method) = object.get("method") {
        return method.is_string();
    }
    let valid_error = |e: &Value| e["code"].is_i64() && e["message"].is_string();
    object.contains_key("id")
        && (object.contains_key("result") || object.get("error").is_some_and(valid_error))
}

fn malformed(id: &Value, code: i64, message: &str) -> Vec<u8> {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": MALFORMED_METHOD,
        "params": {"code": code, "message": message},
    })
    .to_string()
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replaced(body: &str) -> Option<Value> {
        let out = sanitize(body.as_bytes().to_vec());
        (out != body.as_bytes()).then(|| serde_json::from_slice(&out).unwrap())
    }

    #[test]
    fn valid_messages_pass_unchanged() {
        for body in [
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
            r#"{"jsonrpc":"2.0","method":"exit"}"#,
            r#"{"jsonrpc":"2.0","id":"a","result":null}"#,
            r#"{"jsonrpc":"2.0","id":2,"error":{"code":-1,"message":"no"}}"#,
        ] {
            assert_eq!(replaced(body), None, "{body}");
        }
    }

    #[test]
    fn broken_messages_become_error_requests() {
        let parse = replaced(r#"{"jsonrpc": "2.0", "id": 7, "method": "#).unwrap();
        assert_eq!(parse["id"], Value::Null);
        assert_eq!(parse["method"], MALFORMED_METHOD);
        assert_eq!(parse["params"]["code"], -32700);
        let invalid = replaced(r#"{"id": 7, "method": "x"}"#).unwrap();
        assert_eq!(invalid["id"], 7);
        assert_eq!(invalid["params"]["code"], -32600);
        assert_eq!(
            replaced(r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#).unwrap()["id"],
            Value::Null
        );
        assert!(replaced("[1, 2]").is_some());
        assert!(replaced(r#"{"jsonrpc":"2.0","id":3}"#).is_some());
    }

    #[tokio::test]
    async fn frames_are_reframed_and_garbage_skipped() {
        let input = b"garbage\r\n\r\nContent-Length: 2\r\ncontent-type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}Content-Length: 33\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}";
        let mut output = Vec::new();
        forward(&input[..], &mut output).await.unwrap();
        let output = String::from_utf8(output).unwrap();
        let frames: Vec<&str> = output.split("Content-Length: ").skip(1).collect();
        assert_eq!(frames.len(), 2, "{output}");
        assert!(frames[0].contains(MALFORMED_METHOD));
        assert!(frames[1].ends_with("{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}"));
    }
}
