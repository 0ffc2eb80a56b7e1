//! TEST SUPPORT ONLY — a stand-in for the Dockerfile parser (`layerlint_syntax`), which
//! will replace it: extracts the shell-form `RUN` bodies of a Dockerfile as
//! [`MappedText`]s, the way the real parser will hand them to `layerlint_shell::parse`.
//!
//! It joins `\`-continued lines (dropping the backslash, the blanks after it and the line
//! break), skips comment lines and empty lines inside continuations, strips `RUN` flags
//! (`--mount=...`), and skips what it does not model: JSON-form `RUN`s, `RUN`s with
//! here-documents (their bodies are skipped too), files with a `` ` `` escape directive and
//! everything after a `SHELL` instruction (Windows and PowerShell files).
//!
//! The corpus of real Dockerfiles is read in place from `/work/shared/corpus/real` (or
//! `$LAYERLINT_CORPUS`); it is never copied into the repository.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use layerlint_text::{MappedText, TextSize};

/// The corpus directory, if present.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("LAYERLINT_CORPUS")
        .map_or_else(|| PathBuf::from("/work/shared/corpus/real"), PathBuf::from);
    dir.is_dir().then_some(dir)
}

/// Every Dockerfile of the corpus (sorted by name): path and content.
pub fn corpus_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.retain(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        p.is_file() && !name.ends_with(".tsv") && !name.ends_with(".json") && !name.ends_with(".md")
    });
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            Some((p, text))
        })
        .collect()
}

struct Line {
    start: usize,
    /// End of the content, without `\n` or `\r\n`.
    end: usize,
}

fn lines(source: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in source.bytes().enumerate() {
        if b == b'\n' {
            let end = if i > start && source.as_bytes()[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            out.push(Line { start, end });
            start = i + 1;
        }
    }
    if start < source.len() {
        out.push(Line {
            start,
            end: source.len(),
        });
    }
    out
}

fn has_backtick_escape(source: &str) -> bool {
    source
        .lines()
        .take_while(|l| l.trim_start().starts_with('#'))
        .any(|l| {
            let l: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            l.to_ascii_lowercase().starts_with("#escape=`")
        })
}

/// The here-document delimiters opened on a logical line: `<<EOF`, `<<-"EOF"`.
fn heredoc_delimiters(line: &str) -> Vec<(String, bool)> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < bytes.len() {
        if &bytes[i..i + 2] != b"<<"
            || bytes.get(i + 2) == Some(&b'<')
            || (i > 0 && bytes[i - 1] == b'<')
        {
            i += 1;
            continue;
        }
        let mut j = i + 2;
        let strip = bytes.get(j) == Some(&b'-');
        if strip {
            j += 1;
        }
        let quote = match bytes.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                j += 1;
                Some(q)
            }
            _ => None,
        };
        let start = j;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
            j += 1;
        }
        if j > start && (quote.is_none() || bytes.get(j) == quote.as_ref()) {
            out.push((line[start..j].to_owned(), strip));
        }
        i = j.max(i + 1);
    }
    out
}

/// Strips a trailing continuation backslash (and blanks after it) from a line's content.
fn strip_continuation(content: &str) -> Option<&str> {
    let trimmed = content.trim_end_matches([' ', '\t']);
    trimmed.strip_suffix('\\')
}

/// The shell-form `RUN` bodies of one Dockerfile.
pub fn run_bodies(source: &str) -> Vec<MappedText> {
    extract(source).0
}

/// The here-document bodies of the `RUN <<EOF` instructions of one Dockerfile (scripts
/// of several lines), when the `RUN` has no other here-document and runs the default shell
/// (nothing but flags before `<<`).
pub fn run_heredoc_bodies(source: &str) -> Vec<MappedText> {
    extract(source).1
}

fn extract(source: &str) -> (Vec<MappedText>, Vec<MappedText>) {
    let mut bodies = Vec::new();
    let mut heredocs = Vec::new();
    if has_backtick_escape(source) {
        return (bodies, heredocs);
    }
    let lines = lines(source);
    let mut i = 0;
    while i < lines.len() {
        let line = &source[lines[i].start..lines[i].end];
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        // Gather the logical line.
        let mut pieces: Vec<(usize, usize)> = Vec::new();
        let mut j = i;
        loop {
            let l = &lines[j];
            let content = &source[l.start..l.end];
            let in_continuation = j > i;
            let t = content.trim_start();
            if in_continuation && (t.is_empty() || t.starts_with('#')) {
                j += 1;
                if j >= lines.len() {
                    break;
                }
                continue;
            }
            match strip_continuation(content) {
                Some(kept) => {
                    pieces.push((l.start, l.start + kept.len()));
                    j += 1;
                    if j >= lines.len() {
                        break;
                    }
                }
                None => {
                    pieces.push((l.start, l.end));
                    j += 1;
                    break;
                }
            }
        }
        i = j;
        let logical: String = pieces.iter().map(|&(s, e)| &source[s..e]).collect();
        // Skip here-document bodies, whatever the instruction.
        let delimiters = heredoc_delimiters(&logical);
        let body_start = i;
        for (delimiter, strip) in &delimiters {
            while i < lines.len() {
                let l = &source[lines[i].start..lines[i].end];
                i += 1;
                let l = if *strip {
                    l.trim_start_matches('\t')
                } else {
                    l
                };
                if l == delimiter {
                    break;
                }
            }
        }
        let single_heredoc = matches!(delimiters.as_slice(), [(_, false)]);
        if single_heredoc && is_plain_heredoc_run(&logical) && i > body_start + 1 {
            let mut body = MappedText::new();
            for line in &lines[body_start..i - 1] {
                body.push(
                    &source[line.start..line.end],
                    TextSize::from_usize(line.start),
                );
                body.push("\n", TextSize::from_usize(line.end));
            }
            heredocs.push(body);
        }
        let keyword_end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let keyword = trimmed[..keyword_end].to_ascii_uppercase();
        if keyword == "SHELL" {
            break;
        }
        if !delimiters.is_empty() {
            continue;
        }
        if let Some(body) = run_body(source, &pieces) {
            bodies.push(body);
        }
    }
    (bodies, heredocs)
}

/// `RUN [--flags] <<EOF` with nothing else on the line.
fn is_plain_heredoc_run(logical: &str) -> bool {
    let mut words = logical.split_whitespace();
    if !words.next().is_some_and(|w| w.eq_ignore_ascii_case("RUN")) {
        return false;
    }
    let rest: Vec<&str> = words.filter(|w| !w.starts_with("--")).collect();
    matches!(rest.as_slice(), [only] if only.starts_with("<<"))
}

/// The body of a `RUN` (or `ONBUILD RUN`) logical line made of `pieces`, if shell form.
fn run_body(source: &str, pieces: &[(usize, usize)]) -> Option<MappedText> {
    let &(first_start, first_end) = pieces.first()?;
    let first = &source[first_start..first_end];
    let mut offset = first.len() - first.trim_start().len();
    let word = |offset: &mut usize| -> String {
        let rest = &first[*offset..];
        let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let w = rest[..len].to_ascii_uppercase();
        *offset += len;
        *offset += first[*offset..].len() - first[*offset..].trim_start().len();
        w
    };
    let mut keyword = word(&mut offset);
    if keyword == "ONBUILD" {
        keyword = word(&mut offset);
    }
    if keyword != "RUN" {
        return None;
    }
    let mut text = MappedText::new();
    text.push(&first[offset..], TextSize::from_usize(first_start + offset));
    for &(s, e) in &pieces[1..] {
        text.push(&source[s..e], TextSize::from_usize(s));
    }
    // Strip RUN flags (--mount=..., --network=..., --security=...).
    let full = text.as_str().to_owned();
    let mut skip = 0;
    loop {
        let rest = &full[skip..];
        let trimmed = rest.trim_start();
        if !trimmed.starts_with("--") {
            skip += rest.len() - trimmed.len();
            break;
        }
        let len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        skip += rest.len() - trimmed.len() + len;
    }
    let body_text = &full[skip..];
    if body_text.trim_start().starts_with('[') || body_text.trim().is_empty() {
        return None;
    }
    let mut body = MappedText::new();
    for (range, src) in text.pieces() {
        let (s, e) = (range.start().to_usize(), range.end().to_usize());
        if e <= skip {
            continue;
        }
        let from = s.max(skip);
        body.push(&full[from..e], src + TextSize::from_usize(from - s));
    }
    Some(body)
}
