//! A readable dump of the tree with byte ranges (`layerlint debug parse --format tree`).

use std::fmt::Write;

use crate::ast::{Body, CommandLine, Instruction, Word};
use crate::parser::Parse;

/// The tree of `parse` as indented text: every node with its byte range and text.
pub fn tree(parse: &Parse) -> String {
    let file = &parse.file;
    let mut out = String::new();
    if file.has_bom() {
        out.push_str("bom 0..3\n");
    }
    for directive in file.directives() {
        let _ = writeln!(
            out,
            "directive {} {:?} value {:?}",
            directive.kind.as_str(),
            directive.range,
            file.text(directive.value)
        );
    }
    for instruction in file.instructions() {
        write_instruction(&mut out, file.source(), instruction, 0);
    }
    for comment in file.comments() {
        let _ = writeln!(out, "comment {comment:?} {:?}", file.text(*comment));
    }
    for line in file.empty_continuation_lines() {
        let _ = writeln!(out, "empty-continuation-line {line:?}");
    }
    for error in &parse.errors {
        let _ = writeln!(
            out,
            "error {:?} {:?}: {}",
            error.range, error.kind, error.message
        );
    }
    out
}

fn word(out: &mut String, indent: usize, label: &str, word: &Word) {
    let _ = writeln!(
        out,
        "{:indent$}{label} {:?} {:?}",
        "",
        word.range,
        word.text,
        indent = indent
    );
}

fn write_instruction(out: &mut String, source: &str, instruction: &Instruction, depth: usize) {
    let pad = depth * 2;
    let _ = writeln!(
        out,
        "{:pad$}{} {:?} keyword {:?} {:?}",
        "", instruction.kind, instruction.range, instruction.keyword, &source[instruction.keyword],
    );
    let inner = pad + 2;
    for comment in &instruction.comments {
        let _ = writeln!(out, "{:inner$}prev-comment {comment:?}", "");
    }
    for flag in &instruction.flags {
        let _ = writeln!(
            out,
            "{:inner$}flag {:?} name {:?} value {:?}",
            "",
            flag.range,
            flag.name,
            flag.value.as_ref().map(|v| v.text.as_str())
        );
    }
    match &instruction.body {
        Body::From(from) => from.words.iter().for_each(|w| word(out, inner, "word", w)),
        Body::Expose(words) => words.iter().for_each(|w| word(out, inner, "port", w)),
        Body::Copy(paths) | Body::Add(paths) | Body::Volume(paths) => {
            let label = if paths.json { "json-path" } else { "path" };
            paths.words.iter().for_each(|w| word(out, inner, label, w));
        }
        Body::Run(run) => {
            for mount in &run.mounts {
                let options: Vec<String> = mount
                    .options
                    .iter()
                    .map(|o| match &o.value {
                        Some(v) => format!("{}={v}", o.key),
                        None => o.key.clone(),
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "{:inner$}mount {} {}",
                    "",
                    mount.kind.as_str(),
                    options.join(",")
                );
            }
            command(out, inner, run.command.as_ref());
        }
        Body::Cmd(cmd) | Body::Entrypoint(cmd) | Body::Shell(cmd) => {
            command(out, inner, cmd.as_ref());
        }
        Body::Env(pairs) | Body::Label(pairs) => {
            for pair in pairs {
                let form = if pair.legacy { "legacy-pair" } else { "pair" };
                let _ = writeln!(out, "{:inner$}{form} {:?}", "", pair.range);
                word(out, inner + 2, "key", &pair.key);
                word(out, inner + 2, "value", &pair.value);
            }
        }
        Body::Arg(args) => {
            for arg in args {
                word(out, inner, "arg", &arg.name);
                if let Some(default) = &arg.default {
                    word(out, inner + 2, "default", default);
                }
            }
        }
        Body::User(w) | Body::Workdir(w) | Body::Maintainer(w) | Body::Stopsignal(w) => {
            if let Some(w) = w {
                word(out, inner, "value", w);
            }
        }
        Body::Healthcheck(health) => {
            if let Some(kind) = &health.kind {
                word(out, inner, "type", kind);
            }
            command(out, inner, health.command.as_ref());
        }
        Body::Onbuild(Some(trigger)) => write_instruction(out, source, trigger, depth + 1),
        Body::Onbuild(None) | Body::Unknown => {}
    }
    for heredoc in &instruction.heredocs {
        let _ = writeln!(
            out,
            "{:inner$}heredoc {:?} marker {:?} body {:?} terminator {:?}{}{}",
            "",
            heredoc.name,
            heredoc.marker,
            heredoc.body,
            heredoc.terminator,
            if heredoc.chomp { " chomp" } else { "" },
            if heredoc.expand { "" } else { " no-expand" },
        );
    }
}

fn command(out: &mut String, indent: usize, command: Option<&CommandLine>) {
    match command {
        Some(CommandLine::Exec(exec)) => {
            let _ = writeln!(out, "{:indent$}exec {:?}", "", exec.range);
            exec.args
                .iter()
                .for_each(|a| word(out, indent + 2, "arg", a));
        }
        Some(CommandLine::Shell(shell)) => {
            let _ = writeln!(
                out,
                "{:indent$}shell {:?} {:?}",
                "",
                shell.range,
                shell.as_str()
            );
        }
        None => {}
    }
}
