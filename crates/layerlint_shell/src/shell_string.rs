//! Strings run by another shell: `sh -c '...'`, `bash -ec "..."`, `su -c '...' user`,
//! also behind wrappers such as `sudo`, `env`, `xargs` or `gosu`.
//!
//! The string's value (after quote removal) becomes a text of its own, a [`MappedText`]
//! whose pieces point straight into the Dockerfile: a quoted string without escapes is
//! one piece; each escape, dropped quote or Dockerfile line continuation starts a new one.

use layerlint_text::{MappedText, TextRange, TextSize};

use crate::data::{Span, SpanKind, WordData};
use crate::lexer::NameFilter;

/// Shells whose `-c` string is parsed.
const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "yash"];

/// Commands that run the command given in their arguments; a shell among those arguments
/// is looked for.
const WRAPPERS: &[&str] = &[
    "sudo",
    "doas",
    "env",
    "exec",
    "nohup",
    "time",
    "nice",
    "ionice",
    "gosu",
    "su-exec",
    "chroot",
    "setsid",
    "stdbuf",
    "timeout",
    "xargs",
    "busybox",
    "command",
    "builtin",
    "setpriv",
    "tini",
    "dumb-init",
    "unshare",
    "flock",
    "eatmydata",
];

/// Commands with a `-c COMMAND` option run by the user's shell.
const SU_LIKE: &[&str] = &["su", "runuser"];

pub(crate) fn basename(path: &str) -> &str {
    match path.bytes().rposition(|b| b == b'/') {
        Some(slash) => &path[slash + 1..],
        None => path,
    }
}

/// What a command name is, for finding shell strings.
#[derive(PartialEq, Eq)]
enum Role {
    Shell,
    SuLike,
    Wrapper,
    Other,
}

/// Every name of [`SHELLS`], [`SU_LIKE`] and [`WRAPPERS`]: most commands are none of them.
static ROLE_NAMES: NameFilter = NameFilter::EMPTY
    .with_all(SHELLS)
    .with_all(SU_LIKE)
    .with_all(WRAPPERS);

fn role(name: &str) -> Role {
    if !ROLE_NAMES.may_contain(name) {
        Role::Other
    } else if SHELLS.contains(&name) {
        Role::Shell
    } else if SU_LIKE.contains(&name) {
        Role::SuLike
    } else if WRAPPERS.contains(&name) {
        Role::Wrapper
    } else {
        Role::Other
    }
}

/// The index in `words` (name first) of the word holding the script that the command runs
/// with a shell, if it does. `value` gives a word's static value.
pub(crate) fn find_script_word<'a>(
    words: &'a [WordData],
    value: impl Fn(&'a WordData) -> Option<&'a str>,
) -> Option<usize> {
    // The shortest: a shell (or `su`), `-c` and the script. Most commands are shorter
    // than that or have another name; this is asked for every command.
    if words.len() < 3 {
        return None;
    }
    let name_of = |i: usize| -> Option<&'a str> {
        let word = words.get(i)?;
        if word.flags.has_expansion() {
            return None;
        }
        value(word).map(basename)
    };
    let mut i = 0;
    for _ in 0..4 {
        match role(name_of(i)?) {
            Role::Shell => return shell_script_arg(words, i, &value),
            Role::SuLike => return su_script_arg(words, i, &value),
            Role::Wrapper => {}
            Role::Other => return None,
        }
        i = (i + 1..words.len())
            .find(|&j| name_of(j).is_some_and(|n| matches!(role(n), Role::Shell | Role::SuLike)))?;
    }
    None
}

/// `sh [options] -c SCRIPT [name [args]]`, options perhaps clustered (`-ec`, `-xc`),
/// `-o NAME` taking a value.
fn shell_script_arg<'a>(
    words: &'a [WordData],
    shell: usize,
    value: &impl Fn(&'a WordData) -> Option<&'a str>,
) -> Option<usize> {
    let mut saw_c = false;
    let mut j = shell + 1;
    while let Some(word) = words.get(j) {
        let v = value(word).unwrap_or_default();
        if v == "--" {
            return saw_c.then_some(j + 1).filter(|&k| is_script(words.get(k)));
        }
        let is_option = (v.starts_with('-') || v.starts_with('+')) && v.len() > 1;
        if !is_option {
            return (saw_c && is_script(Some(word))).then_some(j);
        }
        if !v.starts_with("--") {
            let letters = &v[1..];
            saw_c |= letters.contains('c');
            if letters.contains('o') || letters.contains('O') {
                j += 1;
            }
        }
        j += 1;
    }
    None
}

/// `su [options] -c COMMAND [user]`, `--command COMMAND`.
fn su_script_arg<'a>(
    words: &'a [WordData],
    su: usize,
    value: &impl Fn(&'a WordData) -> Option<&'a str>,
) -> Option<usize> {
    let mut j = su + 1;
    while let Some(word) = words.get(j) {
        match value(word).unwrap_or_default() {
            "-c" | "--command" => return Some(j + 1).filter(|&k| is_script(words.get(k))),
            "-s" | "--shell" | "-g" | "--group" | "-G" | "--supp-group" => j += 2,
            _ => j += 1,
        }
    }
    None
}

/// A word worth parsing as a script: not just `$CMD`.
fn is_script(word: Option<&WordData>) -> bool {
    word.is_some_and(|w| w.flags.has_quotes() || !w.flags.has_expansion())
}

/// The source offset of text offset `at`, given the text's map pieces.
fn source_of(pieces: &[(TextRange, TextSize)], at: usize) -> TextSize {
    let idx = pieces.partition_point(|(r, _)| r.end().to_usize() <= at);
    match pieces.get(idx) {
        Some(&(range, source)) if range.start().to_usize() <= at => {
            source + (TextSize::from_usize(at) - range.start())
        }
        _ => TextSize::from_usize(at),
    }
}

/// Appends `text[start..end]` to `inner`, split where the outer text's pieces are, so that
/// each byte keeps its source offset.
pub(crate) fn push_mapped(
    inner: &mut MappedText,
    text: &str,
    pieces: &[(TextRange, TextSize)],
    start: usize,
    end: usize,
) {
    let mut at = start;
    while at < end {
        let idx = pieces.partition_point(|(r, _)| r.end().to_usize() <= at);
        let Some(&(range, source)) = pieces.get(idx).filter(|(r, _)| r.start().to_usize() <= at)
        else {
            inner.push(
                text.get(at..end).unwrap_or_default(),
                TextSize::from_usize(at),
            );
            return;
        };
        let piece_end = range.end().to_usize().min(end);
        let offset = source + (TextSize::from_usize(at) - range.start());
        inner.push(text.get(at..piece_end).unwrap_or_default(), offset);
        at = piece_end;
    }
}

/// The value of the word at `range` (with its quote `spans`) as a mapped text, and the
/// ranges in it that the outer shell expands before the inner one runs.
pub(crate) fn unquote(
    text: &str,
    pieces: &[(TextRange, TextSize)],
    range: TextRange,
    spans: &[Span],
) -> (MappedText, Vec<TextRange>) {
    let mut inner = MappedText::with_capacity(range.len().to_usize());
    let mut opaque = Vec::new();
    let mut at = range.start().to_usize();
    for span in spans {
        let (s, e) = (span.range.start().to_usize(), span.range.end().to_usize());
        push_mapped(&mut inner, text, pieces, at, s);
        match span.kind {
            SpanKind::Drop => {}
            SpanKind::Char(ch) => {
                let mut buf = [0u8; 4];
                inner.push(ch.encode_utf8(&mut buf), source_of(pieces, s));
            }
            SpanKind::Expansion(_) => {
                let from = inner.len();
                push_mapped(&mut inner, text, pieces, s, e);
                opaque.push(TextRange::new(from, inner.len()));
            }
        }
        at = e;
    }
    push_mapped(&mut inner, text, pieces, at, range.end().to_usize());
    (inner, opaque)
}
