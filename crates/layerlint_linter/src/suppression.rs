//! Suppression comments:
//!
//! * `# layerlint ignore=CODE[,CODE]` on the lines before an instruction (or inside its
//!   continuation lines); `# layerlint stage ignore=…` before a FROM for the whole stage;
//!   `# layerlint global ignore=…` anywhere, for the file.
//! * hadolint's `# hadolint ignore=…`, `# hadolint stage ignore=…`, `# hadolint global
//!   ignore=…`, so files moving from hadolint keep working.
//! * BuildKit's `# check=skip=Rule,…|all` in the header (the file) or directly above an
//!   instruction (that instruction) or a FROM (its stage); `experimental=` turns on
//!   experimental checks, `error=true` makes BuildKit-equivalent findings errors.
//!
//! Codes are ours, rule names, or any equivalent id (`DL3008`, `JSONArgsRecommended`).
//! A malformed suppression, an unknown code and a suppression that suppresses nothing are
//! each reported by their own rule.

use layerlint_diagnostics::{Diagnostic, Edit, Fix, Severity};
use layerlint_syntax::semantic::Semantic;
use layerlint_syntax::{DirectiveKind, Dockerfile, InstructionKind};
use layerlint_text::{TextRange, TextSize};

use crate::Rule;
use crate::selector::{resolve_selector, shellcheck_code};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    File,
    Instruction(usize),
    Stage(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    Layerlint,
    Hadolint,
    BuildKit,
}

#[derive(Debug)]
pub(crate) struct Code {
    pub text: String,
    pub range: TextRange,
    /// `None` for `all`; empty when the code is unknown.
    pub rules: Option<Vec<Rule>>,
    /// A ShellCheck code (`SC2086`): only the `shellcheck` rule's findings with it.
    pub subcode: Option<String>,
    pub used: bool,
}

#[derive(Debug)]
pub(crate) struct Entry {
    /// The comment line (from `#`).
    pub comment: TextRange,
    pub scope: Scope,
    pub origin: Origin,
    pub codes: Vec<Code>,
}

/// The suppressions of one file, and what the header's `# check=` asks for.
#[derive(Debug, Default)]
pub(crate) struct Suppressions {
    pub entries: Vec<Entry>,
    /// Malformed suppression comments: (comment, problem).
    pub malformed: Vec<(TextRange, String)>,
    /// `# check=experimental=…` in the header.
    pub experimental: Vec<Rule>,
    /// `# check=error=true` in the header.
    pub error_on_warning: bool,
    /// Where BuildKit stops reading parser directives: the start of the first line after
    /// them (after the byte order mark when there are none).
    pub header_end: TextSize,
}

/// One suppression comment, parsed.
#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    Codes {
        origin: Origin,
        kind: Kind,
        /// (code, offset of the code within the comment text)
        codes: Vec<(String, usize)>,
    },
    /// `# check=…` options other than `skip` (experimental, error).
    Check {
        skip: Vec<(String, usize)>,
        skip_all: Option<usize>,
        experimental: Vec<String>,
        error: bool,
    },
    Malformed(String),
    NotASuppression,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Next,
    Stage,
    Global,
}

/// Whether the text between a comment and an instruction is only the end of the comment's
/// line and the indentation of the next: the instruction starts on the next line.
fn is_next_line(between: &str) -> bool {
    between.bytes().filter(|&b| b == b'\n').count() == 1 && between.trim().is_empty()
}

/// The build argument that replaces the `# check=` directive of the file.
pub(crate) const CHECK_BUILD_ARG: &str = "BUILDKIT_DOCKERFILE_CHECK";

impl Suppressions {
    /// The suppressions of `file`; `check_override` (the `BUILDKIT_DOCKERFILE_CHECK` build
    /// argument) replaces the header's `# check=` directive, as BuildKit does.
    pub(crate) fn collect(
        file: &Dockerfile,
        semantic: &Semantic,
        check_override: Option<&str>,
    ) -> Suppressions {
        let mut out = Suppressions::default();
        let source = file.source();
        out.header_end = match file.directives().last() {
            Some(last) => {
                let end = last.range.end().to_usize();
                TextSize::from_usize(
                    source[end..]
                        .find('\n')
                        .map_or(source.len(), |i| end + i + 1),
                )
            }
            None if source.starts_with('\u{feff}') => TextSize::from_usize('\u{feff}'.len_utf8()),
            None => TextSize::from_usize(0),
        };
        if let Some(value) = check_override {
            // Not in the file: its codes have no place to point at.
            let parsed = parse_check(value, 0);
            let nowhere = TextRange::empty(TextSize::from_usize(0));
            out.add_override(parsed, nowhere);
        } else if let Some(check) = file.directive(DirectiveKind::Check) {
            let value = file.text(check.value);
            let parsed = parse_check(value, check.value.start().to_usize());
            out.add(parsed, check.range, Scope::File, true);
        }
        let instructions = file.instructions();
        for &comment in file.comments() {
            let text = file.text(comment);
            let parsed = parse_comment(text);
            if matches!(parsed, Parsed::NotASuppression) {
                continue;
            }
            // The instruction the comment belongs to: the one holding it (a comment inside
            // continuation lines) or the next one.
            let next = instructions.partition_point(|i| i.range.end() < comment.start());
            let target = instructions.get(next);
            let scope_for = |kind: Kind| -> Option<Scope> {
                match kind {
                    Kind::Global => Some(Scope::File),
                    Kind::Next => target.map(|_| Scope::Instruction(next)),
                    Kind::Stage => {
                        let instruction = target?;
                        (instruction.kind == InstructionKind::From)
                            .then(|| semantic.stage_of(next).map(Scope::Stage))
                            .flatten()
                    }
                }
            };
            let scope = match &parsed {
                // hadolint applies its pragma to the line after it only (`line + 1`): above
                // a blank line, another comment, or another pragma, it suppresses nothing
                // there, and hiding here what hadolint shows would surprise a team moving
                // over.
                Parsed::Codes {
                    origin: Origin::Hadolint,
                    kind: kind @ (Kind::Next | Kind::Stage),
                    ..
                } if target.is_some_and(|i| {
                    i.range.start() > comment.start()
                        && !is_next_line(
                            &source[comment.end().to_usize()..i.range.start().to_usize()],
                        )
                }) =>
                {
                    let what = if *kind == Kind::Stage {
                        "stage ignore"
                    } else {
                        "ignore"
                    };
                    out.malformed.push((
                        comment,
                        format!(
                            "hadolint reads `# hadolint {what}=` on the line right above an \
                             instruction only, so this one suppresses nothing (move it there, \
                             join consecutive lists into one, or write `# layerlint {what}=`, \
                             which may stand anywhere above)"
                        ),
                    ));
                    continue;
                }
                Parsed::Codes { kind, .. } => scope_for(*kind),
                Parsed::Check { .. } => {
                    // BuildKit reads `# check=` only from the comments right above an
                    // instruction; above a FROM it covers the stage.
                    let is_prev = target.is_some_and(|i| i.comments.contains(&comment));
                    match target {
                        Some(i) if is_prev && i.kind == InstructionKind::From => {
                            semantic.stage_of(next).map(Scope::Stage)
                        }
                        Some(_) if is_prev => Some(Scope::Instruction(next)),
                        _ => None,
                    }
                }
                _ => Some(Scope::File),
            };
            let Some(scope) = scope else {
                if let Parsed::Codes {
                    kind: Kind::Stage, ..
                } = parsed
                {
                    out.malformed.push((
                        comment,
                        "a stage suppression must come right before a FROM".into(),
                    ));
                }
                continue;
            };
            out.add(parsed, comment, scope, false);
        }
        out
    }

    /// The `BUILDKIT_DOCKERFILE_CHECK` value: like the header's directive, with every code
    /// range empty.
    fn add_override(&mut self, parsed: Parsed, nowhere: TextRange) {
        self.add(parsed, nowhere, Scope::File, true);
        for entry in &mut self.entries {
            for code in &mut entry.codes {
                code.range = nowhere;
            }
        }
    }

    fn add(&mut self, parsed: Parsed, comment: TextRange, scope: Scope, header: bool) {
        let code_range = |offset: usize, len: usize| {
            TextRange::at(
                comment.start() + TextSize::from_usize(offset),
                TextSize::from_usize(len),
            )
        };
        match parsed {
            Parsed::NotASuppression => {}
            Parsed::Malformed(message) => self.malformed.push((comment, message)),
            Parsed::Codes { origin, codes, .. } => {
                let codes = codes
                    .into_iter()
                    .map(|(text, offset)| Code {
                        range: code_range(offset, text.len()),
                        rules: Some(resolve_code(&text)),
                        subcode: shellcheck_code(&text),
                        text,
                        used: false,
                    })
                    .collect();
                self.entries.push(Entry {
                    comment,
                    scope,
                    origin,
                    codes,
                });
            }
            Parsed::Check {
                skip,
                skip_all,
                experimental,
                error,
            } => {
                if header {
                    self.error_on_warning = error;
                    for name in experimental {
                        self.experimental.extend(Rule::from_alias(&name));
                    }
                }
                let mut codes: Vec<Code> = skip
                    .into_iter()
                    .map(|(text, offset)| Code {
                        range: code_range(offset, text.len()),
                        rules: Some(resolve_code(&text)),
                        subcode: shellcheck_code(&text),
                        text,
                        used: false,
                    })
                    .collect();
                if let Some(offset) = skip_all {
                    codes.push(Code {
                        text: "all".into(),
                        range: code_range(offset, 3),
                        rules: None,
                        subcode: None,
                        used: false,
                    });
                }
                if !codes.is_empty() {
                    self.entries.push(Entry {
                        comment,
                        scope,
                        origin: Origin::BuildKit,
                        codes,
                    });
                }
            }
        }
    }

    /// Whether `diagnostic` is suppressed; marks the suppression used.
    pub(crate) fn suppresses(
        &mut self,
        rule: Rule,
        subcode: Option<&str>,
        instruction: Option<usize>,
        stage: Option<usize>,
    ) -> bool {
        let mut suppressed = false;
        for entry in &mut self.entries {
            let applies = match entry.scope {
                Scope::File => true,
                Scope::Instruction(i) => instruction == Some(i),
                Scope::Stage(s) => stage == Some(s),
            };
            if !applies {
                continue;
            }
            for code in &mut entry.codes {
                let matches = match &code.rules {
                    None => {
                        // `check=skip=all` covers the BuildKit checks only.
                        rule.meta()
                            .equivalents
                            .iter()
                            .any(|e| matches!(e, layerlint_diagnostics::Equivalent::BuildKit(_)))
                    }
                    Some(rules) => {
                        rules.contains(&rule)
                            && code.subcode.as_deref().is_none_or(|c| subcode == Some(c))
                    }
                };
                if matches {
                    code.used = true;
                    suppressed = true;
                }
            }
        }
        suppressed
    }

    /// The findings about the suppressions themselves. Codes that name ShellCheck findings
    /// are judged unused only when `shellcheck_ran`.
    pub(crate) fn report(
        &self,
        file: &Dockerfile,
        settings: &crate::Settings,
        shellcheck_ran: bool,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let meta = |rule: Rule| rule.meta();
        if settings.is_enabled(Rule::InvalidSuppression) {
            for (range, message) in &self.malformed {
                out.push(Diagnostic::new(
                    meta(Rule::InvalidSuppression),
                    *range,
                    format!("malformed suppression comment: {message}"),
                ));
            }
        }
        for entry in &self.entries {
            for code in &entry.codes {
                let Some(rules) = &code.rules else { continue };
                if rules.is_empty() {
                    let unknown_reported = match entry.origin {
                        Origin::Layerlint => true,
                        // hadolint and BuildKit know codes we do not have.
                        Origin::Hadolint => !looks_like_hadolint_code(&code.text),
                        Origin::BuildKit => false,
                    };
                    if unknown_reported && settings.is_enabled(Rule::UnknownSuppressedRule) {
                        let mut message = format!("unknown rule `{}` in suppression", code.text);
                        if let Some(near) = crate::selector::suggest(&code.text) {
                            message.push_str(&format!(" (did you mean `{near}`?)"));
                        }
                        out.push(Diagnostic::new(
                            meta(Rule::UnknownSuppressedRule),
                            code.range,
                            message,
                        ));
                    }
                    continue;
                }
                let any_enabled = rules.iter().any(|r| settings.is_enabled(*r));
                if code.used || !any_enabled || entry.origin == Origin::BuildKit {
                    continue;
                }
                if rules.contains(&Rule::Shellcheck)
                    && (!shellcheck_ran
                        || code
                            .subcode
                            .as_deref()
                            .is_some_and(|c| !settings.shellcheck_codes.allows(c)))
                {
                    continue;
                }
                if settings.is_enabled(Rule::UnusedSuppression) {
                    let fix = removal_fix(file.source(), self.header_end, entry, code);
                    let mut diagnostic = Diagnostic::new(
                        meta(Rule::UnusedSuppression),
                        code.range,
                        format!("suppression of `{}` suppresses nothing", code.text),
                    );
                    diagnostic.fix = fix;
                    out.push(diagnostic);
                }
            }
        }
        out
    }
}

impl Suppressions {
    /// The `unused-suppression` findings of codes naming ShellCheck findings only (a
    /// ShellCheck code, or the `shellcheck` rule), for a ShellCheck pass run apart from
    /// the other rules ([`crate::shellcheck::Batch`]).
    pub(crate) fn report_shellcheck_unused(
        &self,
        source: &str,
        settings: &crate::Settings,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if !settings.is_enabled(Rule::UnusedSuppression) {
            return out;
        }
        for entry in &self.entries {
            if entry.origin == Origin::BuildKit {
                continue;
            }
            for code in &entry.codes {
                let only_shellcheck = code.rules.as_deref() == Some(&[Rule::Shellcheck]);
                let allowed = code
                    .subcode
                    .as_deref()
                    .is_none_or(|c| settings.shellcheck_codes.allows(c));
                if code.used || !only_shellcheck || !allowed {
                    continue;
                }
                let mut diagnostic = Diagnostic::new(
                    Rule::UnusedSuppression.meta(),
                    code.range,
                    format!("suppression of `{}` suppresses nothing", code.text),
                );
                diagnostic.fix = removal_fix(source, self.header_end, entry, code);
                out.push(diagnostic);
            }
        }
        out
    }
}

fn looks_like_hadolint_code(code: &str) -> bool {
    let upper = code.to_ascii_uppercase();
    (upper.starts_with("DL") || upper.starts_with("SC"))
        && upper.len() == 6
        && upper[2..].bytes().all(|b| b.is_ascii_digit())
}

/// The rules a suppression code names (empty when none): a ShellCheck code names the
/// `shellcheck` rule.
fn resolve_code(code: &str) -> Vec<Rule> {
    if shellcheck_code(code).is_some() {
        return vec![Rule::Shellcheck];
    }
    resolve_selector(code).unwrap_or_default()
}

/// Removes an unused code from its comment, or the whole comment line when it is the only
/// one. A comment line that ends the parser directives (`header_end`) and has a comment
/// after it is emptied, not removed: the comment after it would become a directive
/// (`# escape=`` ` ``).
fn removal_fix(source: &str, header_end: TextSize, entry: &Entry, code: &Code) -> Option<Fix> {
    if entry.codes.len() == 1 {
        let start = entry.comment.start().to_usize();
        let bom = if source.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        let line_start = source[..start].rfind('\n').map_or(bom, |i| i + 1);
        let end = entry.comment.end().to_usize();
        // Only when the comment is alone on its line.
        if !source[line_start..start].trim().is_empty() {
            return None;
        }
        let line_end = source[end..]
            .find('\n')
            .map_or(source.len(), |i| end + i + 1);
        let next_is_comment = source[line_end..]
            .trim_start_matches([' ', '\t'])
            .starts_with('#');
        let removed = if line_start == header_end.to_usize() && next_is_comment {
            TextRange::from_usize(line_start, end)
        } else {
            TextRange::from_usize(line_start, line_end)
        };
        return Some(Fix::safe(
            "Remove the unused suppression comment",
            vec![Edit::delete(removed)],
        ));
    }
    // Remove `CODE,` or `,CODE`.
    let start = code.range.start().to_usize();
    let end = code.range.end().to_usize();
    let range = if source[end..].starts_with(',') {
        TextRange::from_usize(start, end + 1)
    } else if source[..start].ends_with(',') {
        TextRange::from_usize(start - 1, end)
    } else {
        return None;
    };
    Some(Fix::safe(
        format!("Remove `{}` from the suppression", code.text),
        vec![Edit::delete(range)],
    ))
}

/// Splits `codes` (after `=`) into codes with their offsets; the rest of the comment may
/// only be a trailing `# reason` or `-- reason`. Blanks around a comma belong to the list
/// (`DL3008, DL3015`, which hadolint reads too); the list ends at a blank no comma
/// follows.
fn split_codes(text: &str, offset: usize) -> Result<Vec<(String, usize)>, String> {
    let mut codes = Vec::new();
    let mut at = 0;
    loop {
        let rest = &text[at..];
        let len = rest
            .find(|c: char| c == ',' || c.is_whitespace())
            .unwrap_or(rest.len());
        codes.push((rest[..len].to_owned(), offset + at));
        let Some(next) = rest[len..].trim_start().strip_prefix(',') else {
            at += len;
            break;
        };
        at = text.len() - next.trim_start().len();
    }
    let trailing = text[at..].trim();
    if !trailing.is_empty() && !trailing.starts_with('#') && !trailing.starts_with("--") {
        return Err(format!(
            "unexpected `{trailing}` after the codes (put a reason after `#`)"
        ));
    }
    if codes.iter().any(|(code, _)| code.is_empty()) {
        return Err("empty code in the list".into());
    }
    Ok(codes)
}

/// Parses a comment (`# …`) as a suppression.
fn parse_comment(comment: &str) -> Parsed {
    // Most comments are prose. After its `#`s and white space, a suppression starts with
    // `layerlint` or `hadolint` and a directive with `check`: a comment whose first other
    // character is ASCII and none of `l`, `h`, `c` is neither, which its first bytes tell.
    let first = comment
        .bytes()
        .find(|&b| b != b'#' && !(b.is_ascii() && char::from(b).is_whitespace()));
    match first {
        None => return Parsed::NotASuppression,
        Some(b) if b.is_ascii() && !matches!(b, b'l' | b'h' | b'c') => {
            return Parsed::NotASuppression;
        }
        Some(_) => {}
    }
    parse_comment_text(comment)
}

/// [`parse_comment`] without its shortcut for prose.
fn parse_comment_text(comment: &str) -> Parsed {
    let body = comment.trim_start_matches('#');
    let body_offset = comment.len() - body.len();
    let trimmed = body.trim_start();
    let offset = body_offset + (body.len() - trimmed.len());
    let (origin, rest) = if let Some(rest) = strip_word(trimmed, "layerlint") {
        (Origin::Layerlint, rest)
    } else if let Some(rest) = strip_word(trimmed, "hadolint") {
        (Origin::Hadolint, rest)
    } else if trimmed.starts_with("check") {
        return match directive_value(trimmed, "check") {
            Some((value, at)) => parse_check(value, offset + at),
            None => Parsed::NotASuppression,
        };
    } else {
        return Parsed::NotASuppression;
    };
    let mut rest_offset = offset + (trimmed.len() - rest.len());
    let words = rest.trim_start();
    rest_offset += rest.len() - words.len();
    let (kind, after_kind) = if let Some(r) = strip_word(words, "global") {
        (Kind::Global, r.trim_start())
    } else if let Some(r) = strip_word(words, "stage") {
        (Kind::Stage, r.trim_start())
    } else {
        (Kind::Next, words)
    };
    rest_offset += words.len() - after_kind.len();
    if origin == Origin::Hadolint && after_kind.starts_with("shell") {
        return Parsed::NotASuppression;
    }
    let Some(after_ignore) = after_kind.strip_prefix("ignore") else {
        // Prose that starts with the tool's name (`# layerlint runs in CI`) is a comment:
        // only text with `=`, or after `global`/`stage`, is an attempted suppression.
        if kind == Kind::Next && !after_kind.contains('=') {
            return Parsed::NotASuppression;
        }
        return Parsed::Malformed(format!(
            "expected `ignore=` after `{}`",
            if origin == Origin::Layerlint {
                "layerlint"
            } else {
                "hadolint"
            }
        ));
    };
    let eq = after_ignore.trim_start();
    let Some(after_eq) = eq.strip_prefix('=') else {
        return Parsed::Malformed("expected `=` after `ignore`".into());
    };
    let list = after_eq.trim_start();
    let list_offset = rest_offset + (after_kind.len() - list.len());
    match split_codes(list, list_offset) {
        Ok(codes) => Parsed::Codes {
            origin,
            kind,
            codes,
        },
        Err(message) => Parsed::Malformed(message),
    }
}

/// A well-formed `# layerlint ignore=…` or `# hadolint ignore=…` for the next instruction,
/// read as [`Suppressions::collect`] reads it: who wrote it, and its codes with their
/// offsets in `comment` (which starts at `#`). `None` for any other comment.
pub(crate) fn next_instruction_ignore(comment: &str) -> Option<(Origin, Vec<(String, usize)>)> {
    match parse_comment(comment) {
        Parsed::Codes {
            origin,
            kind: Kind::Next,
            codes,
        } => Some((origin, codes)),
        _ => None,
    }
}

/// `word` followed by whitespace or the end.
fn strip_word<'t>(text: &'t str, word: &str) -> Option<&'t str> {
    let rest = text.strip_prefix(word)?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(rest)
}

/// `check = value` (BuildKit's directive syntax without the `#`): the value and its offset.
fn directive_value<'t>(text: &'t str, key: &str) -> Option<(&'t str, usize)> {
    let rest = text.strip_prefix(key)?.trim_start();
    let value = rest.strip_prefix('=')?.trim_start();
    Some((value, text.len() - value.len()))
}

/// BuildKit's `ParseLintOptions` over a check value (cut at the first space).
fn parse_check(value: &str, offset: usize) -> Parsed {
    let value = value.split(' ').next().unwrap_or("");
    let mut skip = Vec::new();
    let mut skip_all = None;
    let mut experimental = Vec::new();
    let mut error = false;
    let mut at = 0;
    for part in value.splitn(3, ';') {
        let part_offset = offset + at;
        at += part.len() + 1;
        if part.trim().is_empty() && value.trim().is_empty() {
            continue;
        }
        let Some((key, v)) = part.split_once('=') else {
            return Parsed::Malformed(format!("invalid check option \"{part}\""));
        };
        let v_offset = part_offset + key.len() + 1;
        match key.trim() {
            "skip" => {
                if v.trim() == "all" {
                    skip_all = Some(v_offset + (v.len() - v.trim_start().len()));
                } else {
                    let mut o = v_offset;
                    for name in v.split(',') {
                        let trimmed = name.trim();
                        let lead = name.len() - name.trim_start().len();
                        if !trimmed.is_empty() {
                            skip.push((trimmed.to_owned(), o + lead));
                        }
                        o += name.len() + 1;
                    }
                }
            }
            "experimental" => {
                experimental.extend(
                    v.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty()),
                );
            }
            "error" => match layerlint_syntax_bool(v.trim()) {
                Some(b) => error = b,
                None => {
                    return Parsed::Malformed(format!("failed to parse check option \"{part}\""));
                }
            },
            other => return Parsed::Malformed(format!("invalid check option \"{other}\"")),
        }
    }
    Parsed::Check {
        skip,
        skip_all,
        experimental,
        error,
    }
}

/// Go's `strconv.ParseBool`.
fn layerlint_syntax_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Raises BuildKit-equivalent findings to errors under `# check=error=true`.
pub(crate) fn apply_error_on_warning(diagnostics: &mut [Diagnostic]) {
    for diagnostic in diagnostics {
        let buildkit = diagnostic
            .rule
            .equivalents
            .iter()
            .any(|e| matches!(e, layerlint_diagnostics::Equivalent::BuildKit(_)));
        if buildkit {
            diagnostic.severity = Severity::Error;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes, each checked to be found in `text` at its offset.
    fn at_offsets(text: &str, codes: Vec<(String, usize)>) -> Vec<String> {
        codes
            .into_iter()
            .map(|(code, offset)| {
                assert_eq!(&text[offset..offset + code.len()], code);
                code
            })
            .collect()
    }

    /// The codes of a comment, each checked to be found in the comment at its offset.
    fn codes(comment: &str) -> Vec<String> {
        match parse_comment(comment) {
            Parsed::Codes { codes, .. } => at_offsets(comment, codes),
            Parsed::Malformed(m) => vec![format!("malformed: {m}")],
            Parsed::Check { skip, .. } => at_offsets(comment, skip),
            Parsed::NotASuppression => vec![],
        }
    }

    proptest::proptest! {
        /// The shortcut for prose says "not a suppression" only of comments that are not.
        #[test]
        fn prose_shortcut_agrees_with_the_parse(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "#", " ", "\t", "\u{b}", "\u{c}", "\r", "\u{a0}", "\u{3000}", "é",
                "l", "h", "c", "a", "L", "layerlint", "hadolint", "check", "ignore", "=",
                "global", "stage", "LL101", ",", "skip=all", "shell",
            ]), 0..8)
        ) {
            let comment = parts.concat();
            proptest::prop_assert_eq!(parse_comment(&comment), parse_comment_text(&comment));
        }
    }

    #[test]
    fn comment_forms() {
        assert_eq!(
            codes("# layerlint ignore=LL101,multiple-cmd"),
            ["LL101", "multiple-cmd"]
        );
        assert_eq!(
            codes("#layerlint global ignore = DL3008 # pinned elsewhere"),
            ["DL3008"]
        );
        assert_eq!(
            codes("# hadolint ignore=DL3008,SC2086"),
            ["DL3008", "SC2086"]
        );
        assert_eq!(codes("# hadolint stage ignore=DL3011"), ["DL3011"]);
        // Blanks around commas, as hadolint reads them.
        assert_eq!(
            codes("# hadolint ignore=DL3008, DL3015 ,SC2086\t,  DL3009"),
            ["DL3008", "DL3015", "SC2086", "DL3009"]
        );
        assert_eq!(
            codes("# layerlint ignore=LL101, LL102  # reason, with a comma"),
            ["LL101", "LL102"]
        );
        assert_eq!(
            codes("# hadolint ignore=DL3008 DL3015"),
            ["malformed: unexpected `DL3015` after the codes (put a reason after `#`)"]
        );
        assert_eq!(
            codes("# layerlint ignore=LL101,"),
            ["malformed: empty code in the list"]
        );
        assert_eq!(
            codes("##  layerlint  stage  ignore = LL101,LL102"),
            ["LL101", "LL102"]
        );
        assert_eq!(
            codes("#  check = skip=JSONArgsRecommended,StageNameCasing"),
            ["JSONArgsRecommended", "StageNameCasing"]
        );
        assert_eq!(
            codes("#check=error=true;skip=StageNameCasing,FromAsCasing"),
            ["StageNameCasing", "FromAsCasing"]
        );
        assert_eq!(codes("# hadolint shell=powershell"), Vec::<String>::new());
        assert_eq!(
            codes("# check=skip=JSONArgsRecommended,StageNameCasing"),
            ["JSONArgsRecommended", "StageNameCasing"]
        );
        assert_eq!(codes("# an ordinary comment"), Vec::<String>::new());
        assert_eq!(codes("# layerlintish"), Vec::<String>::new());
        assert_eq!(
            codes("# layerlint reads on and reports every error"),
            Vec::<String>::new()
        );
        assert_eq!(codes("# hadolint is slower"), Vec::<String>::new());
        assert_eq!(
            codes("# layerlint ignore=LL101 because"),
            ["malformed: unexpected `because` after the codes (put a reason after `#`)"]
        );
        assert_eq!(
            codes("# layerlint ignore"),
            ["malformed: expected `=` after `ignore`"]
        );
        assert_eq!(
            codes("# layerlint skip=LL101"),
            ["malformed: expected `ignore=` after `layerlint`"]
        );
        assert_eq!(
            codes("# layerlint ignore=LL101,,LL102"),
            ["malformed: empty code in the list"]
        );
        assert_eq!(
            codes("# check=bogus"),
            ["malformed: invalid check option \"bogus\""]
        );
    }

    /// The fixed text of `source` with the safe fixes applied.
    fn fixed(source: &str) -> String {
        crate::fix::fix_file(
            source,
            &crate::Target::default(),
            &crate::Settings::default(),
            crate::Applicability::Safe,
        )
        .source
    }

    #[test]
    fn an_unused_comment_is_removed_with_its_whole_line() {
        // CRLF: the comment ends before `\r`; the line goes with both bytes.
        assert_eq!(
            fixed("FROM alpine:3.20\r\n# layerlint ignore=maintainer-deprecated\r\nRUN true\r\n"),
            "FROM alpine:3.20\r\nRUN true\r\n"
        );
        // The last line, without a newline.
        assert_eq!(
            fixed("FROM alpine:3.20\n# layerlint global ignore=LL101"),
            "FROM alpine:3.20\n"
        );
    }

    /// Where BuildKit still reads parser directives, the comment's line stays when a comment
    /// follows it: that comment would become a directive. A byte order mark stays.
    #[test]
    fn an_unused_comment_that_ends_the_directives_keeps_its_line() {
        assert_eq!(
            fixed("# layerlint ignore=LL101\n# escape=`\nFROM alpine:3.20\n"),
            "\n# escape=`\nFROM alpine:3.20\n"
        );
        assert_eq!(
            fixed(
                "# syntax=docker/dockerfile:1\r\n  # layerlint ignore=LL101\r\n# check=error=true\r\nFROM alpine:3.20\r\n"
            ),
            "# syntax=docker/dockerfile:1\r\n\r\n# check=error=true\r\nFROM alpine:3.20\r\n"
        );
        // Past the directives, or with no comment after it, the line goes.
        assert_eq!(
            fixed("# comment\n# layerlint ignore=LL101\n# escape=`\nFROM alpine:3.20\n"),
            "# comment\n# escape=`\nFROM alpine:3.20\n"
        );
        assert_eq!(
            fixed("# layerlint ignore=LL101\nFROM alpine:3.20\n"),
            "FROM alpine:3.20\n"
        );
        assert_eq!(
            fixed("\u{feff}# layerlint ignore=LL101\nFROM alpine:3.20\n"),
            "\u{feff}FROM alpine:3.20\n"
        );
    }

    /// BuildKit's check options, with every code found at its offset.
    fn check(value: &str) -> String {
        match parse_check(value, 0) {
            Parsed::Check {
                skip,
                skip_all,
                experimental,
                error,
            } => {
                if let Some(at) = skip_all {
                    assert_eq!(&value[at..at + 3], "all");
                }
                let skip = at_offsets(value, skip);
                format!(
                    "skip={skip:?} all={} experimental={experimental:?} error={error}",
                    skip_all.is_some()
                )
            }
            Parsed::Malformed(message) => format!("malformed: {message}"),
            _ => "not a check".to_owned(),
        }
    }

    #[test]
    fn check_options() {
        let none = "skip=[] all=false experimental=[] error=false";
        assert_eq!(check(""), none);
        assert_eq!(
            check("skip=\t\tall"),
            "skip=[] all=true experimental=[] error=false"
        );
        assert_eq!(
            check("skip=A,\t\tB"),
            "skip=[\"A\", \"B\"] all=false experimental=[] error=false"
        );
        assert_eq!(
            check("skip= all"),
            none,
            "the value ends at the first space"
        );
        assert_eq!(
            check("skip=A , B"),
            "skip=[\"A\"] all=false experimental=[] error=false",
            "the value ends at the first space"
        );
        assert_eq!(
            check("error=true;skip=A,B"),
            "skip=[\"A\", \"B\"] all=false experimental=[] error=true"
        );
        assert_eq!(
            check("skip=A;experimental=X,,Y;error=0"),
            "skip=[\"A\"] all=false experimental=[\"X\", \"Y\"] error=false"
        );
        for (word, value) in [("1", true), ("T", true), ("TRUE", true), ("True", true)]
            .into_iter()
            .chain([
                ("0", false),
                ("f", false),
                ("FALSE", false),
                ("False", false),
            ])
        {
            assert_eq!(
                check(&format!("error={word}")),
                format!("skip=[] all=false experimental=[] error={value}"),
                "{word}"
            );
        }
        assert_eq!(
            check("error=yes"),
            "malformed: failed to parse check option \"error=yes\""
        );
        assert_eq!(check("skip=A;"), "malformed: invalid check option \"\"");
        assert_eq!(check("sk1p=A"), "malformed: invalid check option \"sk1p\"");
    }

    #[test]
    fn error_true_raises_buildkit_findings_only() {
        let severities = |source: &str| -> Vec<String> {
            crate::lint(source, None, &crate::Settings::default())
                .diagnostics
                .iter()
                .map(|d| format!("{} {}", d.rule.code, d.severity.as_str()))
                .collect()
        };
        // LL401 (untagged base) has no BuildKit check; LL605 is BuildKit's FromAsCasing.
        assert_eq!(
            severities("FROM alpine as base\n"),
            ["LL401 warning", "LL605 style"]
        );
        assert_eq!(
            severities("#check=error=true\nFROM alpine as base\n"),
            ["LL401 warning", "LL605 error"]
        );
        // The BUILDKIT_DOCKERFILE_CHECK build argument replaces the directive.
        let mut settings = crate::Settings::default();
        settings
            .build_args
            .insert(CHECK_BUILD_ARG.into(), "skip=FromAsCasing".into());
        let result = crate::lint("#check=error=true\nFROM alpine as base\n", None, &settings);
        let codes: Vec<&str> = result.diagnostics.iter().map(|d| d.rule.code).collect();
        assert_eq!(codes, ["LL401"]);
    }
}
