//! `textDocument/completion`: instruction keywords at the start of a line (in the file's
//! casing), flags per instruction (`--mount=type=cache,target=`, `--platform=$BUILDPLATFORM`
//! …) and their values, stage names after `--from=` / `from=` / `FROM`, variable names
//! after `$` and `${`, and rule codes in suppression comments.

use layerlint_linter::Rule;
use layerlint_syntax::{Body, Dockerfile, Instruction, InstructionKind};
use layerlint_text::{TextRange, TextSize};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit,
    Documentation, MarkupContent, MarkupKind, TextEdit,
};

use crate::reference::{self, MOUNT_OPTIONS, MOUNT_TYPES};
use crate::session::Session;
use crate::snapshot::Snapshot;

pub fn handle(session: &Session, params: CompletionParams) -> Option<CompletionResponse> {
    let position = params.text_document_position;
    let snapshot = session.snapshot(&position.text_document.uri)?;
    let lines = snapshot.lines(session.encoding());
    let markdown = session.caps().completion_markdown;
    let offset = lines.offset(position.position);
    let items = completions(&snapshot, offset)
        .into_iter()
        .enumerate()
        .map(|(i, item)| CompletionItem {
            label: item.label.clone(),
            kind: Some(item.kind),
            detail: item.detail,
            documentation: item.documentation.map(|value| {
                if markdown {
                    Documentation::MarkupContent(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value,
                    })
                } else {
                    // A client that shows plain text only gets the text as written.
                    Documentation::String(value)
                }
            }),
            sort_text: Some(format!("{i:04}")),
            filter_text: item.filter,
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                lines.range(item.replace),
                item.insert,
            ))),
            ..CompletionItem::default()
        })
        .collect();
    Some(CompletionResponse::Array(items))
}

/// A completion, independent of the protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub kind: CompletionItemKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// The text it replaces (what has been typed of it).
    pub replace: TextRange,
    pub insert: String,
    pub filter: Option<String>,
}

impl Item {
    fn new(label: impl Into<String>, kind: CompletionItemKind, replace: TextRange) -> Self {
        let label = label.into();
        Item {
            insert: label.clone(),
            label,
            kind,
            detail: None,
            documentation: None,
            replace,
            filter: None,
        }
    }

    fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    fn insert(mut self, insert: impl Into<String>) -> Self {
        self.insert = insert.into();
        self
    }
}

/// The completions at `offset`.
pub fn completions(snapshot: &Snapshot, offset: TextSize) -> Vec<Item> {
    let source = snapshot.source();
    let at = offset.to_usize().min(source.len());
    let line_start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let before_cursor = &source[line_start..at];
    let file = snapshot.file();
    let index = layerlint_linter::instruction_at(file, offset);
    if before_cursor.trim_start().starts_with('#') && !in_heredoc(file, index, offset) {
        return suppression_codes(before_cursor, offset);
    }
    let Some(index) = index else {
        return keyword_items(file, before_cursor, offset, false);
    };
    let outer = &file.instructions()[index];
    // In the keyword, or before it: an instruction can start with continuation lines
    // (`\` alone on a line) ahead of its keyword.
    if offset <= outer.keyword.end() {
        return keyword_items(file, before_cursor, offset, false);
    }
    let instruction = match &outer.body {
        Body::Onbuild(Some(inner)) if inner.keyword.contains_inclusive(offset) => {
            return keyword_items(file, before_cursor, offset, true);
        }
        Body::Onbuild(Some(inner)) if inner.keyword.end() < offset => inner.as_ref(),
        Body::Onbuild(_) => return keyword_items(file, before_cursor, offset, true),
        _ => outer,
    };
    argument_items(snapshot, index, instruction, offset)
}

fn in_heredoc(file: &Dockerfile, index: Option<usize>, offset: TextSize) -> bool {
    index.is_some_and(|i| {
        file.instructions()[i]
            .effective()
            .heredocs
            .iter()
            .any(|h| h.body.contains_inclusive(offset))
    })
}

/// Whether most keywords of the file are written in lower case.
fn lowercase_file(file: &Dockerfile) -> bool {
    let (mut lower, mut other) = (0usize, 0usize);
    for instruction in file.instructions() {
        if instruction.kind == InstructionKind::Unknown {
            continue;
        }
        if file
            .text(instruction.keyword)
            .bytes()
            .all(|b| b.is_ascii_lowercase())
        {
            lower += 1;
        } else {
            other += 1;
        }
    }
    lower > other
}

fn keyword_items(
    file: &Dockerfile,
    before_cursor: &str,
    offset: TextSize,
    trigger: bool,
) -> Vec<Item> {
    let typed = before_cursor
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    if !typed.chars().all(|c| c.is_ascii_alphabetic()) {
        return Vec::new();
    }
    // Only the first word of a line (or the instruction after ONBUILD).
    let words_before = before_cursor.split_whitespace().count() - usize::from(!typed.is_empty());
    if words_before > usize::from(trigger) {
        return Vec::new();
    }
    let replace = TextRange::new(offset - TextSize::of(typed), offset);
    let at_line_end = file.source()[offset.to_usize()..]
        .chars()
        .next()
        .is_none_or(|c| c == '\n' || c == '\r');
    let lower = lowercase_file(file);
    reference::INSTRUCTIONS
        .iter()
        .filter(|doc| {
            !trigger
                || !matches!(
                    doc.kind,
                    InstructionKind::Onbuild | InstructionKind::From | InstructionKind::Maintainer
                )
        })
        .map(|doc| {
            let keyword = if lower {
                doc.kind.as_str().to_ascii_lowercase()
            } else {
                doc.kind.as_str().to_owned()
            };
            let insert = if at_line_end {
                format!("{keyword} ")
            } else {
                keyword.clone()
            };
            Item {
                documentation: Some(doc.summary.to_owned()),
                ..Item::new(keyword, CompletionItemKind::KEYWORD, replace)
                    .detail(doc.syntax[0])
                    .insert(insert)
            }
        })
        .collect()
}

/// Rule codes after `ignore=` / `skip=` in a suppression comment.
fn suppression_codes(before_cursor: &str, offset: TextSize) -> Vec<Item> {
    let body = before_cursor
        .trim_start()
        .trim_start_matches('#')
        .trim_start();
    let (tool, key) = if body.starts_with("layerlint") {
        ("layerlint", "ignore=")
    } else if body.starts_with("hadolint") {
        ("hadolint", "ignore=")
    } else if body.starts_with("check") {
        ("buildkit", "skip=")
    } else {
        return Vec::new();
    };
    let Some(list_at) = before_cursor.find(key) else {
        return Vec::new();
    };
    let list = &before_cursor[list_at + key.len()..];
    if list.contains(char::is_whitespace) || list.contains(';') {
        return Vec::new();
    }
    let typed = list.rsplit(',').next().unwrap_or("");
    let replace = TextRange::new(offset - TextSize::of(typed), offset);
    let mut items = Vec::new();
    for rule in Rule::ALL {
        let meta = rule.meta();
        let ids: Vec<&str> = match tool {
            "layerlint" => vec![meta.code],
            other => meta
                .equivalents
                .iter()
                .filter(|e| e.tool() == other)
                .map(|e| e.id())
                .collect(),
        };
        for id in ids {
            if items.iter().any(|i: &Item| i.label == id) {
                continue;
            }
            items.push(Item {
                filter: Some(format!("{id} {}", meta.name)),
                documentation: Some(meta.summary.to_owned()),
                ..Item::new(id, CompletionItemKind::VALUE, replace)
                    .detail(format!("{} {}", meta.code, meta.name))
            });
        }
    }
    items
}

fn argument_items(
    snapshot: &Snapshot,
    index: usize,
    instruction: &Instruction,
    offset: TextSize,
) -> Vec<Item> {
    let file = snapshot.file();
    let source = file.source();
    let at = offset.to_usize();
    let args_start = instruction.keyword.end().to_usize();
    // After the last whitespace character, which may take more than one byte (a
    // no-break space pasted from a web page).
    let word_start = source[..at]
        .char_indices()
        .rfind(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8())
        .max(args_start);
    let word = &source[word_start..at];
    if let Some(items) = variable_items(snapshot, index, instruction, word, offset) {
        return items;
    }
    if in_heredoc(file, Some(index), offset) {
        return Vec::new();
    }
    let escape = file.escape().to_string();
    let flag_position = source[args_start..word_start]
        .split_whitespace()
        .all(|w| w.starts_with("--") || w == escape || w.starts_with('#'));
    let kind = instruction.kind;
    if flag_position && word.starts_with("--") && word.contains('=') {
        return flag_value_items(snapshot, index, kind, word, offset);
    }
    if flag_position && (word.is_empty() || word.starts_with('-')) {
        let replace = TextRange::new(offset - TextSize::of(word), offset);
        let mut items: Vec<Item> = Vec::new();
        if let Some(doc) = reference::instruction(kind) {
            for flag in doc.flags {
                for completion in flag.completions {
                    items.push(Item {
                        documentation: Some(flag.summary.to_owned()),
                        ..Item::new(*completion, CompletionItemKind::PROPERTY, replace)
                            .detail(reference::flag_usage(flag))
                    });
                }
            }
        }
        if !word.is_empty() || kind != InstructionKind::From {
            return items;
        }
    }
    if kind == InstructionKind::From && flag_position && !word.starts_with('-') {
        let replace = TextRange::new(offset - TextSize::of(word), offset);
        let mut items = stage_items(snapshot, index, replace);
        items.push(
            Item::new("scratch", CompletionItemKind::VALUE, replace).detail("the empty image"),
        );
        return items;
    }
    if kind == InstructionKind::From
        && let Body::From(from) = &instruction.body
        && from.words.len() <= 2
        && from
            .image()
            .is_some_and(|w| w.range.end().to_usize() < word_start)
    {
        let replace = TextRange::new(offset - TextSize::of(word), offset);
        let keyword = if lowercase_file(file) { "as" } else { "AS" };
        return vec![
            Item::new(keyword, CompletionItemKind::KEYWORD, replace).detail("name the stage"),
        ];
    }
    Vec::new()
}

/// The names of the stages before the instruction's own.
fn stage_items(snapshot: &Snapshot, index: usize, replace: TextRange) -> Vec<Item> {
    let semantic = snapshot.semantic();
    let file = snapshot.file();
    let current = semantic
        .stages
        .iter()
        .position(|s| s.from <= index && index < s.end)
        .unwrap_or(semantic.stages.len());
    let current = if file.instructions()[index].kind == InstructionKind::From {
        semantic
            .stages
            .iter()
            .position(|s| s.from == index)
            .unwrap_or(current)
    } else {
        current
    };
    semantic.stages[..current]
        .iter()
        .filter_map(|stage| {
            let name = stage.name.as_ref()?;
            let from = &file.instructions()[stage.from];
            let image = match &from.body {
                Body::From(f) => f.image().map_or("", |w| w.text.as_str()),
                _ => "",
            };
            Some(
                Item::new(name.clone(), CompletionItemKind::MODULE, replace)
                    .detail(format!("stage {} from {image}", stage.index)),
            )
        })
        .collect()
}

/// Values of `--name=…`: stage names, mount types and options, platforms, networks.
fn flag_value_items(
    snapshot: &Snapshot,
    index: usize,
    kind: InstructionKind,
    word: &str,
    offset: TextSize,
) -> Vec<Item> {
    let (name, value) = word[2..].split_once('=').unwrap_or((&word[2..], ""));
    let replace_value = |typed: &str| TextRange::new(offset - TextSize::of(typed), offset);
    match (kind, name) {
        (InstructionKind::Copy, "from") => stage_items(snapshot, index, replace_value(value)),
        (InstructionKind::Run, "mount") => {
            let segments: Vec<&str> = value.split(',').collect();
            let current = segments.last().copied().unwrap_or("");
            let mount_type = segments
                .iter()
                .find_map(|s| s.strip_prefix("type="))
                .unwrap_or("bind");
            match current.split_once('=') {
                Some(("type", typed)) => MOUNT_TYPES
                    .iter()
                    .map(|(t, doc)| {
                        Item::new(*t, CompletionItemKind::ENUM_MEMBER, replace_value(typed))
                            .detail(*doc)
                    })
                    .collect(),
                Some(("from", typed)) => stage_items(snapshot, index, replace_value(typed)),
                Some(("sharing", typed)) => ["shared", "private", "locked"]
                    .iter()
                    .map(|s| Item::new(*s, CompletionItemKind::ENUM_MEMBER, replace_value(typed)))
                    .collect(),
                Some(_) => Vec::new(),
                None => MOUNT_OPTIONS
                    .iter()
                    .filter(|(key, types, _)| {
                        (types.is_empty() || types.contains(&mount_type))
                            && !segments[..segments.len() - 1]
                                .iter()
                                .any(|s| s.split('=').next() == Some(*key))
                    })
                    .map(|(key, _, doc)| {
                        let bare = matches!(*key, "readonly" | "required" | "rw");
                        let insert = if bare {
                            (*key).to_owned()
                        } else {
                            format!("{key}=")
                        };
                        Item::new(insert, CompletionItemKind::PROPERTY, replace_value(current))
                            .detail(*doc)
                    })
                    .collect(),
            }
        }
        _ => {
            let Some(flag) = reference::flag_doc(kind, name) else {
                return Vec::new();
            };
            let prefix = format!("--{name}=");
            flag.completions
                .iter()
                .filter_map(|c| c.strip_prefix(&prefix))
                .filter(|v| !v.is_empty())
                .map(|v| {
                    Item::new(v, CompletionItemKind::VALUE, replace_value(value))
                        .detail(reference::flag_usage(flag))
                })
                .collect()
        }
    }
}

/// Variable names after `$` or `${` at the end of the word being typed.
fn variable_items(
    snapshot: &Snapshot,
    index: usize,
    instruction: &Instruction,
    word: &str,
    offset: TextSize,
) -> Option<Vec<Item>> {
    let dollar = word.rfind('$')?;
    let after = &word[dollar + 1..];
    let (braced, typed) = match after.strip_prefix('{') {
        Some(typed) => (true, typed),
        None => (false, after),
    };
    if !typed
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return None;
    }
    let file = snapshot.file();
    let semantic = snapshot.semantic();
    let scope = if instruction.kind == InstructionKind::From {
        semantic.global_scope.clone()
    } else {
        semantic.scope_before(index)
    };
    let mut names: Vec<&str> = scope.names().collect();
    names.sort_unstable();
    let closes = file.source()[offset.to_usize()..].starts_with('}');
    let replace = TextRange::new(offset - TextSize::of(typed), offset);
    Some(
        names
            .into_iter()
            .map(|name| {
                let value = scope.get_var(name).and_then(|v| v.value.as_deref());
                let insert = if braced && !closes {
                    format!("{name}}}")
                } else {
                    name.to_owned()
                };
                let item = Item::new(name, CompletionItemKind::VARIABLE, replace).insert(insert);
                match value {
                    Some(value) => item.detail(format!("= {value}")),
                    None => item.detail("no default"),
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::LintEnv;

    /// Completions at `|` in `source`.
    fn complete(source: &str) -> Vec<Item> {
        let at = source.find('|').expect("cursor");
        let text = source.replacen('|', "", 1);
        let snapshot = Snapshot::new(&text, 1, LintEnv::default());
        completions(&snapshot, TextSize::from_usize(at))
    }

    fn labels(source: &str) -> Vec<String> {
        complete(source).into_iter().map(|i| i.label).collect()
    }

    #[test]
    fn keywords_at_line_start_in_the_file_casing() {
        let items = complete("FROM a\nRU|\n");
        assert_eq!(items.len(), 18);
        let run = items.iter().find(|i| i.label == "RUN").unwrap();
        assert_eq!(run.insert, "RUN ");
        assert_eq!(run.replace, TextRange::from_usize(7, 9));
        assert!(labels("from a\nrun x\n|").contains(&"workdir".to_owned()));
        assert!(labels("FROM a\n|").contains(&"COPY".to_owned()));
        // Not in arguments, nor on a continuation line.
        assert!(labels("FROM a\nRUN apt-get |\n").is_empty());
        assert!(labels("FROM a\nRUN apt-get \\\n  ins|\n").is_empty());
        // After ONBUILD: the triggers it may hold.
        let onbuild = labels("FROM a\nONBUILD |");
        assert!(onbuild.contains(&"RUN".to_owned()));
        assert!(!onbuild.contains(&"FROM".to_owned()));
    }

    #[test]
    fn flags_per_instruction() {
        let run = labels("FROM a\nRUN --|\n");
        assert!(
            run.contains(&"--mount=type=cache,target=".to_owned()),
            "{run:?}"
        );
        assert!(run.contains(&"--network=none".to_owned()));
        assert!(!run.contains(&"--from=".to_owned()));
        let copy = labels("FROM a\nCOPY --chown=1 -|\n");
        assert!(copy.contains(&"--from=".to_owned()));
        let from = labels("FROM --|");
        assert!(from.contains(&"--platform=$BUILDPLATFORM".to_owned()));
        // After the first argument, no more flags.
        assert!(labels("FROM a\nRUN echo --|\n").is_empty());
    }

    #[test]
    fn flag_values_and_stage_names() {
        let source = "FROM node AS build\nFROM build AS test\nFROM nginx\nCOPY --from=b|\n";
        let items = complete(source);
        let names: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(names, ["build", "test"]);
        assert_eq!(items[0].replace.len(), TextSize::new(1));
        assert_eq!(
            labels("FROM a AS deps\nFROM a\nRUN --mount=type=|"),
            ["cache", "bind", "secret", "ssh", "tmpfs"]
        );
        let options = labels("FROM a\nRUN --mount=type=cache,|");
        assert!(options.contains(&"target=".to_owned()));
        assert!(options.contains(&"sharing=".to_owned()));
        assert!(!options.contains(&"type=".to_owned()));
        assert!(!options.contains(&"env=".to_owned()));
        assert_eq!(
            labels("FROM a AS deps\nFROM a\nRUN --mount=type=bind,from=|"),
            ["deps"]
        );
        assert!(labels("FROM --platform=|").contains(&"$BUILDPLATFORM".to_owned()));
        // The image of FROM: earlier stages and scratch; then AS.
        assert_eq!(labels("FROM a AS deps\nFROM |"), ["deps", "scratch"]);
        assert_eq!(labels("FROM a |"), ["AS"]);
    }

    #[test]
    fn variables_in_scope() {
        let source = "ARG BASE=alpine\nFROM $|\n";
        let names = labels(source);
        assert!(names.contains(&"BASE".to_owned()));
        assert!(names.contains(&"BUILDPLATFORM".to_owned()));
        let items = complete("FROM a\nARG VERSION=1\nENV HOME_DIR=/app\nRUN echo ${V|\n");
        let names: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(names, ["HOME_DIR", "VERSION"]);
        assert_eq!(items[1].insert, "VERSION}");
        assert_eq!(items[1].detail.as_deref(), Some("= 1"));
    }

    /// A no-break space (two bytes) or an ideographic space (three) ends the word being
    /// typed as a space does: the word starts after the whole character.
    #[test]
    fn after_whitespace_of_more_than_one_byte() {
        for space in ['\u{a0}', '\u{3000}'] {
            let items = complete(&format!("FROM a\nARG V=1\nRUN echo{space}${{|\n"));
            let names: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
            assert!(names.contains(&"V"), "{names:?}");
            let cursor = TextSize::from_usize(format!("FROM a\nARG V=1\nRUN echo{space}${{").len());
            assert_eq!(items[0].replace, TextRange::empty(cursor));
        }
    }

    #[test]
    fn rule_codes_in_suppressions() {
        let items = complete("FROM a\n# layerlint ignore=LL1|\n");
        assert!(items.iter().any(|i| i.label == "LL101"));
        assert_eq!(items[0].replace.len(), TextSize::new(3));
        assert!(labels("FROM a\n# a comment |\n").is_empty());
    }

    #[test]
    fn before_the_keyword_of_an_instruction_that_starts_with_a_continuation() {
        // Found by the lsp_edits fuzz target: the instruction starts at the `\` line, so
        // the cursor at 0 is in it but ahead of its keyword (this used to panic).
        let items = complete("|\\\n     RUN echo\n");
        assert!(items.iter().any(|i| i.label == "RUN"), "{items:?}");
        assert_eq!(items[0].replace, TextRange::from_usize(0, 0));
        // Every offset of such documents answers without panicking.
        for text in [
            "\\\n     er=\"platfore buil",
            "\\\n\\\n  FROM a AS b\nONBUILD \\\n  RUN x\n",
            "# escape=`\n`\n  COPY --from=a . .\n",
        ] {
            let snapshot = Snapshot::new(text, 1, LintEnv::default());
            for at in (0..=text.len()).filter(|&at| text.is_char_boundary(at)) {
                completions(&snapshot, TextSize::from_usize(at));
            }
        }
    }
}
