//! Writing suppression comments: `# layerlint ignore=CODE` above an instruction. The
//! language server's "Ignore CODE for this instruction" writes one; `check --add-ignore`
//! writes one per instruction with findings, to adopt layerlint in a code base without
//! fixing everything first.
//!
//! Reading them is [`crate::suppression`]'s work; what is written here is what it reads.

use std::collections::BTreeMap;

use layerlint_diagnostics::{Diagnostic, Edit};
use layerlint_syntax::Dockerfile;
use layerlint_text::TextSize;

use crate::suppression::{Origin, next_instruction_ignore};
use crate::{Rule, instruction_at};

/// Rules whose findings no comment should hide: what BuildKit refuses to build (to be
/// fixed, not hidden), and the findings about suppression comments themselves.
const NOT_IGNORABLE: [Rule; 5] = [
    Rule::SyntaxError,
    Rule::InvalidInstruction,
    Rule::InvalidSuppression,
    Rule::UnknownSuppressedRule,
    Rule::UnusedSuppression,
];

/// The code a suppression comment names to hide `diagnostic`: the ShellCheck code of a
/// ShellCheck finding (`SC2086`, which hides that one only), the rule's code otherwise.
/// `None` for findings no comment should hide.
pub fn ignore_code(diagnostic: &Diagnostic) -> Option<&str> {
    let rule = Rule::from_meta(diagnostic.rule)?;
    (!NOT_IGNORABLE.contains(&rule)).then(|| diagnostic.code())
}

/// The edit that makes the instruction holding `offset` ignore `codes`: a
/// `# layerlint ignore=CODE,…` line before it (with its indentation and the file's line
/// ending, and the `reason` after `#` when there is one), or the codes not listed yet
/// added to such a comment already there. The new line goes above `# hadolint ignore=`
/// lines right before the instruction, since hadolint reads its pragma from the line
/// just above only. `None` when the instruction does not start its line, or every code is
/// listed already.
pub fn ignore_edit(
    file: &Dockerfile,
    offset: TextSize,
    codes: &[&str],
    reason: Option<&str>,
) -> Option<Edit> {
    let index = instruction_at(file, offset)?;
    let instructions = file.instructions();
    let source = file.source();
    let keyword = instructions[index].range.start().to_usize();
    // Where the first line's text starts: after the byte-order mark, if any.
    let text_start = if file.has_bom() {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let line_start = source[..keyword].rfind('\n').map_or(text_start, |i| i + 1);
    let indent = &source[line_start..keyword];
    if !indent.chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    // Lines above the instruction, up to the end of the one before it.
    let floor = index
        .checked_sub(1)
        .map_or(0, |i| instructions[i].range.end().to_usize());
    let previous_line = |at: usize| -> Option<(usize, &str)> {
        if at == 0 || at <= floor || !source[..at].ends_with('\n') {
            return None;
        }
        let end = at - 1;
        let start = source[..end].rfind('\n').map_or(text_start, |i| i + 1);
        (start >= floor).then(|| (start, source[start..end].trim_end_matches('\r')))
    };
    let mut at = line_start;
    while let Some((start, line)) = previous_line(at) {
        if !matches!(ignore_comment(line), Some((Origin::Hadolint, _))) {
            break;
        }
        at = start;
    }
    if let Some((start, line)) = previous_line(at)
        && let Some((Origin::Layerlint, listed)) = ignore_comment(line)
        && let Some((last, last_at)) = listed.last()
    {
        let mut added = String::new();
        for code in codes {
            if !listed.iter().any(|(c, _)| c.eq_ignore_ascii_case(code)) {
                added.push(',');
                added.push_str(code);
            }
        }
        let end = start + last_at + last.len();
        return (!added.is_empty()).then(|| Edit::insert(TextSize::from_usize(end), added));
    }
    if codes.is_empty() {
        return None;
    }
    let newline = match source.find('\n') {
        Some(i) if source[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    };
    // A reason is a comment's tail: a line break in it would start a line of its own.
    let reason = reason
        .map(|r| r.replace(['\r', '\n'], " "))
        .filter(|r| !r.trim().is_empty())
        .map(|r| format!("  # {}", r.trim()))
        .unwrap_or_default();
    Some(Edit::insert(
        TextSize::from_usize(at),
        format!(
            "{indent}# layerlint ignore={}{reason}{newline}",
            codes.join(",")
        ),
    ))
}

/// What [`ignore_all`] would write.
#[derive(Debug, Default)]
pub struct Ignores {
    /// One edit per instruction with findings, in file order.
    pub edits: Vec<Edit>,
    /// The findings the edits hide.
    pub hidden: usize,
    /// The findings they leave (indices into the findings given): those no comment should
    /// hide ([`ignore_code`]), those outside any instruction, and those of an instruction
    /// that does not start its line.
    pub left: Vec<usize>,
}

/// The comments that hide every finding of `diagnostics` that a comment may hide: one
/// `# layerlint ignore=` per instruction, with its codes sorted.
pub fn ignore_all(file: &Dockerfile, diagnostics: &[Diagnostic], reason: Option<&str>) -> Ignores {
    let mut out = Ignores::default();
    // Per instruction: its codes, and the findings they hide.
    let mut by_instruction: BTreeMap<usize, (Vec<&str>, Vec<usize>)> = BTreeMap::new();
    for (i, diagnostic) in diagnostics.iter().enumerate() {
        let code = ignore_code(diagnostic);
        let instruction = instruction_at(file, diagnostic.range.start());
        match code.zip(instruction) {
            Some((code, index)) => {
                let (codes, findings) = by_instruction.entry(index).or_default();
                codes.push(code);
                findings.push(i);
            }
            None => out.left.push(i),
        }
    }
    for (index, (mut codes, findings)) in by_instruction {
        codes.sort_unstable();
        codes.dedup();
        let offset = file.instructions()[index].range.start();
        match ignore_edit(file, offset, &codes, reason) {
            Some(edit) => {
                out.edits.push(edit);
                out.hidden += findings.len();
            }
            None => out.left.extend(findings),
        }
    }
    out.left.sort_unstable();
    out
}

/// The suppression comment for the next instruction that `line` holds, if it is a
/// well-formed one ([`next_instruction_ignore`]): who wrote it, and its codes with their
/// offsets in `line`. A malformed comment suppresses nothing, so codes are not added to it.
fn ignore_comment(line: &str) -> Option<(Origin, Vec<(String, usize)>)> {
    let comment = line.trim_start();
    if !comment.starts_with('#') {
        return None;
    }
    let indent = line.len() - comment.len();
    let (origin, codes) = next_instruction_ignore(comment)?;
    Some((
        origin,
        codes.into_iter().map(|(c, at)| (c, indent + at)).collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Settings, lint};

    fn ignore(source: &str, at: &str, code: &str) -> String {
        let parse = layerlint_syntax::parse(source);
        let offset = TextSize::from_usize(source.find(at).unwrap());
        let edit = ignore_edit(&parse.file, offset, &[code], None).expect("an edit");
        layerlint_diagnostics::apply_edits(source, [&edit])
    }

    #[test]
    fn comment_is_inserted_with_indentation_and_line_ending() {
        assert_eq!(
            ignore("FROM a\nCMD [\"x\", ]\n", "CMD", "LL101"),
            "FROM a\n# layerlint ignore=LL101\nCMD [\"x\", ]\n"
        );
        assert_eq!(
            ignore("FROM a\r\nONBUILD  RUN x\r\n  CMD y\r\n", "CMD", "LL102"),
            "FROM a\r\nONBUILD  RUN x\r\n  # layerlint ignore=LL102\r\n  CMD y\r\n"
        );
        // A finding inside a continuation line: before the instruction's first line.
        assert_eq!(
            ignore("FROM a\nRUN a \\\n  && b\n", "b\n", "LL501"),
            "FROM a\n# layerlint ignore=LL501\nRUN a \\\n  && b\n"
        );
        // At the top of a file with a BOM, and after the directives of a header.
        assert_eq!(
            ignore("\u{feff}FROM a\n", "FROM", "LL401"),
            "\u{feff}# layerlint ignore=LL401\nFROM a\n"
        );
        assert_eq!(
            ignore("# syntax=docker/dockerfile:1\nFROM a\n", "FROM", "LL401"),
            "# syntax=docker/dockerfile:1\n# layerlint ignore=LL401\nFROM a\n"
        );
    }

    #[test]
    fn codes_merge_into_an_existing_comment() {
        assert_eq!(
            ignore(
                "FROM a\n# layerlint ignore=LL102\nCMD [\"x\", ]\n",
                "CMD",
                "LL101"
            ),
            "FROM a\n# layerlint ignore=LL102,LL101\nCMD [\"x\", ]\n"
        );
        assert_eq!(
            ignore(
                "FROM a\r\n  #layerlint ignore=LL102 # legacy\r\n  CMD x\r\n",
                "CMD",
                "LL101"
            ),
            "FROM a\r\n  #layerlint ignore=LL102,LL101 # legacy\r\n  CMD x\r\n"
        );
        // After the last code of a list with blanks around its commas.
        assert_eq!(
            ignore(
                "FROM a\n# layerlint ignore=LL102, LL103 # legacy\nCMD x\n",
                "CMD",
                "LL101"
            ),
            "FROM a\n# layerlint ignore=LL102, LL103,LL101 # legacy\nCMD x\n"
        );
        // A code listed already is not listed twice.
        let source = "FROM a\n# layerlint ignore=ll101\nCMD x\n";
        let parse = layerlint_syntax::parse(source);
        let offset = TextSize::from_usize(source.find("CMD").unwrap());
        assert_eq!(ignore_edit(&parse.file, offset, &["LL101"], None), None);
        // Not into a global suppression.
        assert_eq!(
            ignore(
                "FROM a\n# layerlint global ignore=LL1\nCMD x\n",
                "CMD",
                "LL101"
            ),
            "FROM a\n# layerlint global ignore=LL1\n# layerlint ignore=LL101\nCMD x\n"
        );
        assert!(ignore_comment("# layerlint global ignore=LL1").is_none());
        // Not into a malformed one, which hides nothing (`invalid-suppression` reports it).
        assert_eq!(
            ignore(
                "FROM a\n# layerlint ignore=LL102 as intended\nCMD x\n",
                "CMD",
                "LL101"
            ),
            "FROM a\n# layerlint ignore=LL102 as intended\n# layerlint ignore=LL101\nCMD x\n"
        );
        assert_eq!(
            ignore(
                "FROM a\n# layerlint ignore=LL102 -- intended\nCMD x\n",
                "CMD",
                "LL101"
            ),
            "FROM a\n# layerlint ignore=LL102,LL101 -- intended\nCMD x\n"
        );
    }

    #[test]
    fn hadolint_pragmas_stay_right_above_their_instruction() {
        assert_eq!(
            ignore("FROM a\n# hadolint ignore=DL3025\nCMD x\n", "CMD", "LL101"),
            "FROM a\n# layerlint ignore=LL101\n# hadolint ignore=DL3025\nCMD x\n"
        );
        // And the next code joins the comment above them.
        assert_eq!(
            ignore(
                "FROM a\n# layerlint ignore=LL101\n# hadolint ignore=DL3025\nCMD x\n",
                "CMD",
                "LL102"
            ),
            "FROM a\n# layerlint ignore=LL101,LL102\n# hadolint ignore=DL3025\nCMD x\n"
        );
        // Also on the first line of a file with a byte-order mark.
        assert_eq!(
            ignore("\u{feff}# hadolint ignore=DL3025\nCMD x\n", "CMD", "LL101"),
            "\u{feff}# layerlint ignore=LL101\n# hadolint ignore=DL3025\nCMD x\n"
        );
        // A pragma with a blank line before the instruction is hadolint's no more.
        assert_eq!(
            ignore(
                "FROM a\n# hadolint ignore=DL3025\n\nCMD x\n",
                "CMD",
                "LL101"
            ),
            "FROM a\n# hadolint ignore=DL3025\n\n# layerlint ignore=LL101\nCMD x\n"
        );
    }

    #[test]
    fn reason_follows_the_codes() {
        let source = "FROM a\nCMD x\n";
        let parse = layerlint_syntax::parse(source);
        let offset = TextSize::from_usize(source.find("CMD").unwrap());
        let edit = ignore_edit(&parse.file, offset, &["LL102", "LL616"], Some(" baseline "));
        assert_eq!(
            layerlint_diagnostics::apply_edits(source, [&edit.unwrap()]),
            "FROM a\n# layerlint ignore=LL102,LL616  # baseline\nCMD x\n"
        );
        // A line break in a reason would start an instruction.
        let edit = ignore_edit(&parse.file, offset, &["LL102"], Some("a\nRUN rm -rf /"));
        assert_eq!(
            layerlint_diagnostics::apply_edits(source, [&edit.unwrap()]),
            "FROM a\n# layerlint ignore=LL102  # a RUN rm -rf /\nCMD x\n"
        );
    }

    /// Every finding a comment may hide is hidden, once, and nothing else changes.
    #[test]
    fn ignore_all_hides_what_it_counts() {
        let source = "FROM node\nRUN apt-get install curl && cd /x\nCMD [\"node\", ]\nRUN sudo x\n";
        let mut settings = Settings::default();
        settings.options.shellcheck = crate::settings::ShellcheckSetting::Off;
        let before = lint(source, None, &settings);
        let ignores = ignore_all(&before.parse.file, &before.diagnostics, None);
        assert_eq!(
            ignores.hidden + ignores.left.len(),
            before.diagnostics.len()
        );
        assert!(ignores.hidden >= 6, "{:#?}", before.diagnostics);
        let after = layerlint_diagnostics::apply_edits(source, &ignores.edits);
        insta::assert_snapshot!(after, @r#"
        # layerlint ignore=LL401
        FROM node
        # layerlint ignore=LL403,LL502,LL503,LL518
        RUN apt-get install curl && cd /x
        # layerlint ignore=LL101
        CMD ["node", ]
        # layerlint ignore=LL304
        RUN sudo x
        "#);
        let again = lint(&after, None, &settings);
        assert_eq!(
            again.diagnostics.len(),
            ignores.left.len(),
            "{:#?}",
            again.diagnostics
        );
        let twice = ignore_all(&again.parse.file, &again.diagnostics, None);
        assert!(twice.edits.is_empty());
    }

    #[test]
    fn shellcheck_findings_are_hidden_by_their_own_code() {
        use layerlint_text::TextRange;
        let mut finding = Diagnostic::new(Rule::Shellcheck.meta(), TextRange::default(), "x");
        assert_eq!(ignore_code(&finding), Some("LL528"));
        finding.subcode = Some("SC2164".into());
        assert_eq!(ignore_code(&finding), Some("SC2164"));
        let syntax = Diagnostic::new(Rule::SyntaxError.meta(), TextRange::default(), "x");
        assert_eq!(ignore_code(&syntax), None);
    }

    #[test]
    fn syntax_errors_and_suppression_findings_are_not_hidden() {
        let source = "FROM a\n# layerlint ignore=LL999\nCMD x\nFOO bar\n";
        let result = lint(source, None, &Settings::default());
        let ignores = ignore_all(&result.parse.file, &result.diagnostics, None);
        let codes: Vec<&str> = result.diagnostics.iter().map(|d| d.code()).collect();
        assert!(
            codes.contains(&"LL002") && codes.contains(&"LL004"),
            "{codes:?}"
        );
        let after = layerlint_diagnostics::apply_edits(source, &ignores.edits);
        let again = lint(&after, None, &Settings::default());
        let left: Vec<&str> = again.diagnostics.iter().map(|d| d.code()).collect();
        assert_eq!(left, ["LL004", "LL002"]);
        assert_eq!(ignores.left.len(), 2);
    }
}
