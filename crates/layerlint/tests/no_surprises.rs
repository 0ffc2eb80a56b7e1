//! No surprises: the binary never touches the network (checked with `strace`, skipped with a
//! message where it cannot run), and its JSON report does not depend on the terminal, the
//! locale, the time zone or the home directory.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{Scratch, TUTORIAL, stderr, stdout};

/// Socket system calls (`strace -e trace=network` shows these and no others).
const SOCKET_CALLS: [&str; 15] = [
    "socket(",
    "socketpair(",
    "connect(",
    "bind(",
    "listen(",
    "accept(",
    "accept4(",
    "sendto(",
    "sendmsg(",
    "sendmmsg(",
    "recvfrom(",
    "recvmsg(",
    "getsockopt(",
    "setsockopt(",
    "getsockname(",
];

fn strace_works() -> bool {
    Command::new("strace")
        .args(["-f", "-e", "trace=network", "-o", "/dev/null", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `layerlint ARGS` under `strace -f -e trace=network` with `input` on standard input;
/// the socket calls made (by it or any child, such as ShellCheck).
fn socket_calls(dir: &Path, args: &[&str], input: &[u8]) -> Vec<String> {
    let log = dir.join("strace.log");
    let mut child = Command::new("strace")
        .args(["-f", "-e", "trace=network", "-o"])
        .arg(&log)
        .arg(assert_cmd::cargo::cargo_bin("layerlint"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input).unwrap();
    }
    child.wait().unwrap();
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.contains("+++ exited with"),
        "strace traced nothing:\n{log}"
    );
    log.lines()
        .filter(|line| SOCKET_CALLS.iter().any(|call| line.contains(call)))
        .map(str::to_owned)
        .collect()
}

fn frame(message: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{message}", message.len()).into_bytes()
}

#[test]
fn no_network_access() {
    if !strace_works() {
        eprintln!("skipping: strace is missing or cannot trace here (ptrace not permitted)");
        return;
    }
    let s = Scratch::bare();
    s.file("Dockerfile", TUTORIAL);
    s.file(
        "api/Dockerfile",
        "FROM debian:12\nRUN apt-get update && apt-get install curl\nRUN cd /tmp && echo $HOME\n",
    );
    // check (ShellCheck as configured by default: it runs when installed), fix, diff.
    for args in [
        &["check", "."][..],
        &["check", "--fix", "--unsafe-fixes", "."],
        &["check", "--diff", "--format", "sarif", "."],
        &["rule", "--all", "--format", "json"],
    ] {
        let calls = socket_calls(s.path(), args, b"");
        assert!(
            calls.is_empty(),
            "{args:?} made socket calls:\n{}",
            calls.join("\n")
        );
    }
    // The language server: a whole session over standard input and output.
    let uri = format!("file://{}/Dockerfile", s.path().display());
    let mut session = Vec::new();
    for message in [
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}"#.to_owned(),
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#.to_owned(),
        serde_json::json!({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":uri,"languageId":"dockerfile","version":1,"text":TUTORIAL}}}).to_string(),
        serde_json::json!({"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":uri},"position":{"line":0,"character":1}}}).to_string(),
        serde_json::json!({"jsonrpc":"2.0","id":3,"method":"textDocument/codeAction","params":{"textDocument":{"uri":uri},"range":{"start":{"line":0,"character":0},"end":{"line":20,"character":0}},"context":{"diagnostics":[]}}}).to_string(),
        r#"{"jsonrpc":"2.0","id":4,"method":"shutdown"}"#.to_owned(),
        r#"{"jsonrpc":"2.0","method":"exit"}"#.to_owned(),
    ] {
        session.extend(frame(&message));
    }
    let calls = socket_calls(s.path(), &["lsp"], &session);
    assert!(
        calls.is_empty(),
        "lsp made socket calls:\n{}",
        calls.join("\n")
    );
}

#[test]
fn json_output_does_not_depend_on_the_environment() {
    let s = Scratch::new();
    s.file("Dockerfile", TUTORIAL);
    s.file(
        "é/Dockerfile",
        "FROM alpine\nLABEL a=\"ü\" \nCMD [\"x\", ]\n",
    );
    let home_a = tempfile::tempdir().unwrap();
    let home_b = tempfile::tempdir().unwrap();
    let run = |env: &[(&str, &Path)], term: &str, locale: &str, tz: &str| {
        let mut command = s.layerlint();
        command
            .args(["check", "--format", "json", "--shellcheck", "off", "."])
            .env("TERM", term)
            .env("LANG", locale)
            .env("LC_ALL", locale)
            .env("TZ", tz)
            .env("COLUMNS", "20");
        for (name, value) in env {
            command.env(name, value);
        }
        let out = command.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        stdout(&out)
    };
    let reference = run(
        &[("HOME", home_a.path()), ("XDG_CONFIG_HOME", home_a.path())],
        "xterm-256color",
        "en_US.UTF-8",
        "UTC",
    );
    assert!(reference.contains("\"LL101\""), "{reference}");
    for (env, term, locale, tz) in [
        (
            [("HOME", home_b.path()), ("XDG_CONFIG_HOME", home_b.path())],
            "dumb",
            "C",
            "Asia/Kolkata",
        ),
        (
            [
                ("HOME", Path::new("/nonexistent")),
                ("XDG_CONFIG_HOME", Path::new("/nonexistent")),
            ],
            "",
            "tr_TR.UTF-8",
            "America/St_Johns",
        ),
    ] {
        assert_eq!(
            run(&env, term, locale, tz),
            reference,
            "TERM={term} LANG={locale} TZ={tz}"
        );
    }
}
