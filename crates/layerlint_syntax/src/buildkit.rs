//! BuildKit's `Node.Dump()`: the parse tree as BuildKit's parser tests print it.

use crate::ast::{Body, CommandLine, Dockerfile, Instruction};
use crate::goquote::go_quote;

/// The whole file as `AST.Dump()` prints it, with the trailing newline BuildKit's test
/// files have.
pub fn dump(file: &Dockerfile) -> String {
    let mut out = String::new();
    for instruction in file.instructions() {
        out.push('(');
        out.push_str(&dump_instruction(file, instruction));
        out.push_str(")\n");
    }
    let mut trimmed = out.trim().to_owned();
    trimmed.push('\n');
    trimmed
}

fn keyword(file: &Dockerfile, instruction: &Instruction) -> String {
    if instruction.kind != crate::InstructionKind::Unknown {
        return instruction.kind.as_str().to_lowercase();
    }
    // The keyword as BuildKit saw it: continuations removed.
    let raw = file.text(instruction.keyword);
    let escape = file.escape();
    let mut out = String::new();
    for line in raw.split_inclusive('\n') {
        let line = line.trim_end_matches(['\r', '\n']);
        let trimmed = line.trim_end_matches([' ', '\t']);
        out.push_str(trimmed.strip_suffix(escape).unwrap_or(line));
    }
    out.to_lowercase()
}

fn dump_instruction(file: &Dockerfile, instruction: &Instruction) -> String {
    let mut out = keyword(file, instruction);
    if !instruction.flags.is_empty() {
        let flags: Vec<String> = instruction
            .flags
            .iter()
            .map(|flag| {
                let mut word = format!("--{}", flag.name);
                if let Some(value) = &flag.value {
                    word.push('=');
                    word.push_str(&value.text);
                }
                go_quote(&word)
            })
            .collect();
        out.push_str(" [");
        out.push_str(&flags.join(" "));
        out.push(']');
    }
    if let Body::Onbuild(Some(inner)) = &instruction.body {
        out.push_str(" (");
        out.push_str(&dump_instruction(file, inner));
        out.push(')');
    }
    for value in node_values(instruction) {
        out.push(' ');
        out.push_str(&go_quote(value));
    }
    out.trim().to_owned()
}

/// The values of the nodes BuildKit chains after the keyword.
fn node_values(instruction: &Instruction) -> Vec<&str> {
    let mut values = Vec::new();
    match &instruction.body {
        Body::From(from) => values.extend(from.words.iter().map(|w| w.text.as_str())),
        Body::Expose(words) => values.extend(words.iter().map(|w| w.text.as_str())),
        Body::Copy(paths) | Body::Add(paths) | Body::Volume(paths) => {
            values.extend(paths.words.iter().map(|w| w.text.as_str()));
        }
        Body::Run(run) => push_command(run.command.as_ref(), &mut values),
        Body::Cmd(cmd) | Body::Entrypoint(cmd) | Body::Shell(cmd) => {
            push_command(cmd.as_ref(), &mut values);
        }
        Body::Env(pairs) | Body::Label(pairs) => {
            for pair in pairs {
                values.push(&pair.key.text);
                values.push(&pair.value.text);
                values.push(if pair.legacy { "" } else { "=" });
            }
        }
        Body::Arg(args) => values.extend(args.iter().map(|a| a.word.text.as_str())),
        Body::User(word)
        | Body::Workdir(word)
        | Body::Maintainer(word)
        | Body::Stopsignal(word) => {
            values.extend(word.iter().map(|w| w.text.as_str()));
        }
        Body::Healthcheck(health) => {
            values.extend(health.kind.iter().map(|w| w.text.as_str()));
            push_command(health.command.as_ref(), &mut values);
        }
        Body::Onbuild(_) => {}
        Body::Unknown => values.push(""),
    }
    values
}

fn push_command<'a>(command: Option<&'a CommandLine>, values: &mut Vec<&'a str>) {
    match command {
        Some(CommandLine::Exec(exec)) => values.extend(exec.args.iter().map(|a| a.text.as_str())),
        Some(CommandLine::Shell(shell)) => values.push(shell.as_str()),
        None => {}
    }
}
