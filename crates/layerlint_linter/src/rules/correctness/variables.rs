//! Helpers for the rules about variables (`undefined-variable`, `undefined-arg-in-from`,
//! `invalid-default-arg-in-from`): where a variable is referenced in a word, a `FROM`'s
//! image expanded with the global ARGs, and BuildKit's "did you mean".

use std::borrow::Cow;

use layerlint_syntax::Word;
use layerlint_syntax::image::ImageRef;
use layerlint_syntax::semantic::{Base, Stage};
use layerlint_text::{TextRange, TextSize};

use crate::Context;

/// The image of a `FROM` expanded with the global ARGs (`undefined-arg-in-from`,
/// `invalid-default-arg-in-from`).
pub(crate) struct FromImage<'a> {
    pub resolved: Cow<'a, str>,
    /// Variables of the reference that have a value.
    pub matched: Cow<'a, [String]>,
    /// Variables of the reference without a value.
    pub unmatched: Cow<'a, [String]>,
    /// The stage whose base this is, when the expansion is the one it kept.
    kept: Option<&'a Stage>,
}

impl FromImage<'_> {
    /// Whether the expanded reference parses as an image reference (the stage's, parsed
    /// once for every rule that asks, when the expansion is the stage's).
    pub fn parses(&self) -> bool {
        match self.kept {
            Some(stage) => stage.image().is_some(),
            None => ImageRef::parse(&self.resolved).is_ok(),
        }
    }
}

/// `image`, the image of the `FROM` that starts `stage`, expanded with the global ARGs:
/// the expansion the stage's base kept when the file was read, or made now when it kept
/// none (a base read as `scratch` or as a stage). `None` when the expansion fails.
pub(crate) fn from_image<'s>(
    cx: &Context<'_>,
    stage: Option<&'s Stage>,
    image: &Word,
) -> Option<FromImage<'s>> {
    match stage.map(|s| (s, &s.base)) {
        Some((
            stage,
            Base::Image {
                resolved,
                matched,
                unmatched,
                ..
            },
        )) => resolved.as_deref().map(|resolved| FromImage {
            resolved: Cow::Borrowed(resolved),
            matched: Cow::Borrowed(matched),
            unmatched: Cow::Borrowed(unmatched),
            kept: Some(stage),
        }),
        _ => {
            let expansion = cx
                .semantic
                .global_scope
                .expand(&image.text, cx.file.escape())
                .ok()?;
            Some(FromImage {
                resolved: Cow::Owned(expansion.result),
                matched: Cow::Owned(expansion.matched),
                unmatched: Cow::Owned(expansion.unmatched),
                kept: None,
            })
        }
    }
}

/// A `$NAME` or `${NAME…}` in a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reference {
    pub name: String,
    /// Byte offsets in the scanned text, from `$` to the end of the name (of the `}` for
    /// `${NAME}`).
    pub start: usize,
    pub end: usize,
    /// Written `${NAME:-…}`, `${NAME-…}`, `${NAME:+…}`, `${NAME+…}`, `${NAME:?…}` or
    /// `${NAME?…}`: the author expects that the variable may be unset.
    pub guarded: bool,
}

/// The variable references in `text`, as BuildKit's word lexer finds them: not inside
/// single quotes (unless `quotes` is false, as for heredoc contents), not after the escape
/// character. References nested in `${A:-$B}` are found too.
pub(crate) fn references(text: &str, escape: char, quotes: bool) -> Vec<Reference> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut in_single = false;
    let mut in_double = false;
    while let Some((i, ch)) = chars.next() {
        if in_single {
            if ch == '\'' {
                in_single = false;
            }
            continue;
        }
        if ch == escape {
            chars.next();
            continue;
        }
        match ch {
            '\'' if quotes && !in_double => in_single = true,
            '"' if quotes => in_double = !in_double,
            '$' => {
                let Some(&(next_at, next)) = chars.peek() else {
                    continue;
                };
                if next == '{' {
                    chars.next();
                    let name_start = next_at + 1;
                    let name_end = name_end(text, name_start);
                    if name_end == name_start {
                        continue;
                    }
                    let after = &text[name_end..];
                    let guarded = ["-", ":-", "+", ":+", "?", ":?"]
                        .iter()
                        .any(|m| after.starts_with(m));
                    // `${NAME}` ends at its brace; with a modifier, at the name.
                    let end = if after.starts_with('}') {
                        name_end + 1
                    } else {
                        name_end
                    };
                    out.push(Reference {
                        name: text[name_start..name_end].to_owned(),
                        start: i,
                        end,
                        guarded,
                    });
                    // Continue inside the braces: nested references are references too.
                    while chars.peek().is_some_and(|&(at, _)| at < name_end) {
                        chars.next();
                    }
                } else {
                    let name_end = name_end(text, next_at);
                    if name_end == next_at {
                        continue;
                    }
                    out.push(Reference {
                        name: text[next_at..name_end].to_owned(),
                        start: i,
                        end: name_end,
                        guarded: false,
                    });
                    while chars.peek().is_some_and(|&(at, _)| at < name_end) {
                        chars.next();
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The end of a variable name starting at `start`: `[A-Za-z_][A-Za-z0-9_]*`, or one digit
/// (BuildKit reads `$1` as the name `1`).
fn name_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    match bytes.get(start) {
        Some(b) if b.is_ascii_digit() => start + 1,
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {
            let mut end = start + 1;
            while bytes
                .get(end)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            {
                end += 1;
            }
            end
        }
        _ => start,
    }
}

/// The source range of the first reference to `name` in the text of `range` (which may
/// hold line continuations), or `range` itself.
pub(crate) fn reference_range(
    source: &str,
    range: TextRange,
    name: &str,
    escape: char,
) -> TextRange {
    let text = &source[range];
    references(text, escape, true)
        .into_iter()
        .find(|r| r.name == name)
        .map_or(range, |r| {
            TextRange::new(
                range.start() + TextSize::from_usize(r.start),
                range.start() + TextSize::from_usize(r.end),
            )
        })
}

/// BuildKit's `suggest.Search` (case-sensitive): the first option closer than 3 edits to
/// `value`, a closer one replacing it; nothing when an option is `value` itself.
pub(crate) fn suggest<'o>(
    value: &str,
    options: impl IntoIterator<Item = &'o str>,
) -> Option<&'o str> {
    let mut best: Option<&str> = None;
    let mut min = 3;
    for option in options {
        if option == value {
            return None;
        }
        let distance = crate::levenshtein(value, option);
        if distance < min {
            best = Some(option);
            min = distance;
        }
    }
    best
}

/// The optimal-string-alignment distance: Levenshtein where swapping two neighbours
/// (`PAHT` → `PATH`) is one edit.
pub(crate) fn transposition_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, bool)> {
        references(text, '\\', true)
            .into_iter()
            .map(|r| {
                assert!(text[r.start..r.end].starts_with('$'));
                (r.name, r.guarded)
            })
            .collect()
    }

    #[test]
    fn finds_references() {
        assert_eq!(names("$a/${b}"), [("a".into(), false), ("b".into(), false)]);
        assert_eq!(
            names("${A:-$B}x"),
            [("A".into(), true), ("B".into(), false)]
        );
        assert_eq!(names("'$a' \\$b \"$c\""), [("c".into(), false)]);
        assert_eq!(names("$ ${} $$"), Vec::<(String, bool)>::new());
        assert_eq!(names("$1x"), [("1".into(), false)]);
        assert_eq!(references("'$a'", '\\', false).len(), 1);
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("PAHT", ["HOME", "PATH"]), Some("PATH"));
        assert_eq!(
            suggest("DIR_ASSET", ["DIR_BINARIES", "DIR_ASSETS"]),
            Some("DIR_ASSETS")
        );
        assert_eq!(suggest("foo", ["bar"]), None);
        assert_eq!(suggest("PATH", ["PATH", "PAT"]), None);
        assert_eq!(transposition_distance("PAHT", "PATH"), 1);
        assert_eq!(transposition_distance("HOST", "HOME"), 2);
    }
}
