//! `textDocument/hover`: an instruction keyword or flag (what it does), a rule code in a
//! suppression comment (the rule's page), a base image in FROM (the reference with ARG
//! defaults applied, or the stage it names).

use layerlint_linter::{Rule, docs};
use layerlint_syntax::image::ImageRef;
use layerlint_syntax::semantic::{Base, Semantic, VarSource};
use layerlint_syntax::{Body, Dockerfile};
use layerlint_text::{LineIndex, TextRange, TextSize};
use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

use crate::reference;
use crate::session::Session;
use crate::snapshot::Snapshot;

pub fn handle(session: &Session, params: HoverParams) -> Option<Hover> {
    let position = params.text_document_position_params;
    let snapshot = session.snapshot(&position.text_document.uri)?;
    let caps = session.caps();
    let lines = snapshot.lines(caps.encoding);
    let offset = lines.offset(position.position);
    let (range, markdown) = hover_at(&snapshot, offset)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: if caps.markdown {
                MarkupKind::Markdown
            } else {
                MarkupKind::PlainText
            },
            value: markdown,
        }),
        range: Some(lines.range(range)),
    })
}

/// What to show at `offset`: the range it is about and Markdown.
pub fn hover_at(snapshot: &Snapshot, offset: TextSize) -> Option<(TextRange, String)> {
    let file = snapshot.file();
    let comment = file
        .comments()
        .iter()
        .copied()
        .chain(file.directives().iter().map(|d| d.range))
        .find(|range| range.contains_inclusive(offset));
    if let Some(comment) = comment {
        return suppression_hover(file, comment, offset);
    }
    let index = layerlint_linter::instruction_at(file, offset)?;
    let outer = &file.instructions()[index];
    let mut candidates = vec![outer];
    if let Body::Onbuild(Some(inner)) = &outer.body {
        candidates.push(inner);
    }
    for instruction in candidates {
        if instruction.keyword.contains_inclusive(offset) {
            let doc = reference::instruction(instruction.kind)?;
            return Some((instruction.keyword, reference::instruction_markdown(doc)));
        }
        if let Some(flag) = instruction
            .flags
            .iter()
            .find(|f| f.range.contains_inclusive(offset))
        {
            let doc = reference::flag_doc(instruction.kind, &flag.name)?;
            return Some((flag.range, reference::flag_markdown(instruction.kind, doc)));
        }
    }
    if let Body::From(from) = &outer.body
        && let Some(image) = from.image()
        && image.range.contains_inclusive(offset)
    {
        let stage = snapshot.semantic().stage_of(index)?;
        let text = base_hover(file, snapshot.semantic(), &snapshot.index, stage)?;
        return Some((image.range, text));
    }
    None
}

/// The rule named by the code under the cursor in `# layerlint ignore=…`,
/// `# hadolint ignore=…` or `# check=skip=…`.
fn suppression_hover(
    file: &Dockerfile,
    comment: TextRange,
    offset: TextSize,
) -> Option<(TextRange, String)> {
    let text = file.text(comment);
    let at = (offset - comment.start()).to_usize();
    let (start, end) = suppression_code_at(text, at)?;
    let code = &text[start..end];
    let rules = match Rule::from_code_or_name(code) {
        Some(rule) => vec![rule],
        None => Rule::from_alias(code),
    };
    if rules.is_empty() {
        return None;
    }
    let pages: Vec<String> = rules.iter().map(|r| docs::page(r.meta())).collect();
    let range = TextRange::from_usize(
        comment.start().to_usize() + start,
        comment.start().to_usize() + end,
    );
    Some((range, pages.join("\n---\n\n")))
}

/// The bounds of the code around byte `at` of a suppression comment, when the comment is
/// one and the cursor is on one of its codes.
pub fn suppression_code_at(comment: &str, at: usize) -> Option<(usize, usize)> {
    let body = comment.trim_start_matches('#').trim_start();
    let list_key = if body.starts_with("layerlint") || body.starts_with("hadolint") {
        "ignore="
    } else if body.starts_with("check") {
        "skip="
    } else {
        return None;
    };
    let is_delimiter = |c: char| c == '=' || c == ',' || c == ';' || c.is_whitespace();
    let at = at.min(comment.len());
    if !comment.is_char_boundary(at) {
        return None;
    }
    // After the whole delimiter: a whitespace character can take more than one byte.
    let start = comment[..at]
        .char_indices()
        .rfind(|&(_, c)| is_delimiter(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = comment[at..]
        .find(is_delimiter)
        .map_or(comment.len(), |i| at + i);
    if start >= end {
        return None;
    }
    // The code must be in the list right after `ignore=` / `skip=`.
    let list_start = comment.find(list_key)? + list_key.len();
    if start < list_start {
        return None;
    }
    let list = &comment[list_start..];
    let list_end = list_start + list.find([' ', '\t', ';']).unwrap_or(list.len());
    (end <= list_end).then_some((start, end))
}

/// The base of stage `stage`: the image reference resolved through the global ARGs'
/// defaults, or the stage it builds on.
fn base_hover(
    file: &Dockerfile,
    semantic: &Semantic,
    index: &LineIndex,
    stage: usize,
) -> Option<String> {
    let line_of =
        |instruction: usize| index.line_of(file.instructions()[instruction].range.start()) + 1;
    match &semantic.stages[stage].base {
        Base::Missing => None,
        Base::Scratch => Some(
            "**`scratch`**: the empty image. The stage starts with no files at all.\n".to_owned(),
        ),
        Base::Stage(parent) => {
            let parent = &semantic.stages[*parent];
            let name = parent.name.as_deref().unwrap_or("?");
            let mut out = format!(
                "**Stage `{name}`** (stage {}, line {})\n\nThis stage builds on an earlier \
                 stage of this file, not on an image.",
                parent.index,
                line_of(parent.from)
            );
            if let Some(base) = describe_base(&parent.base) {
                out.push_str(&format!(" That stage is built `FROM {base}`."));
            }
            out.push('\n');
            Some(out)
        }
        Base::Image {
            written,
            resolved,
            unmatched,
            matched,
        } => {
            let mut out = String::new();
            match resolved {
                Some(resolved) if resolved != written => {
                    out.push_str(&format!(
                        "**Base image `{resolved}`**\n\nWritten `{written}`; resolved with the \
                         ARG defaults (no `--build-arg`).\n\n"
                    ));
                }
                Some(resolved) => out.push_str(&format!("**Base image `{resolved}`**\n\n")),
                None => out.push_str(&format!(
                    "**Base image `{written}`**\n\nThe reference cannot be expanded.\n\n"
                )),
            }
            if let Some(resolved) = resolved {
                match ImageRef::parse(resolved) {
                    Ok(image) => out.push_str(&image_table(&image)),
                    Err(err) => out.push_str(&format!("Not a valid image reference: {err}.\n")),
                }
            }
            if !matched.is_empty() {
                out.push_str("\n| variable | default | declared |\n|---|---|---|\n");
                for name in matched {
                    let var = semantic.global_scope.get_var(name);
                    let value = var.and_then(|v| v.value.as_deref()).unwrap_or("");
                    let declared = match var.map(|v| v.source) {
                        Some(VarSource::Arg(i)) => format!("`ARG`, line {}", line_of(i)),
                        Some(VarSource::Platform) => "by BuildKit (platform)".to_owned(),
                        _ => String::new(),
                    };
                    out.push_str(&format!("| `{name}` | `{value}` | {declared} |\n"));
                }
            }
            for name in unmatched {
                out.push_str(&format!(
                    "\n`{name}` has no default value: it is empty unless the build passes \
                     `--build-arg {name}=…`.\n"
                ));
            }
            Some(out)
        }
    }
}

fn describe_base(base: &Base) -> Option<String> {
    match base {
        Base::Scratch => Some("scratch".to_owned()),
        Base::Image {
            written, resolved, ..
        } => Some(resolved.clone().unwrap_or_else(|| written.clone())),
        _ => None,
    }
}

fn image_table(image: &ImageRef) -> String {
    let tag = match (&image.tag, &image.digest) {
        (Some(tag), _) => format!("`{tag}`"),
        (None, Some(_)) => "none (pinned by digest)".to_owned(),
        (None, None) => "`latest` (implicit: the image can change under you)".to_owned(),
    };
    let mut out = format!(
        "| | |\n|---|---|\n| registry | `{}` |\n| repository | `{}` |\n| tag | {tag} |\n",
        image.registry(),
        image.normalized_name()
    );
    match &image.digest {
        Some(digest) => out.push_str(&format!("| digest | `{digest}` |\n")),
        None => out.push_str("| digest | none: the tag can move to another image |\n"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::LintEnv;

    fn hover(source: &str, at: &str) -> Option<String> {
        let snapshot = Snapshot::new(source, 1, LintEnv::default());
        let offset = TextSize::from_usize(source.find(at).expect("marker"));
        hover_at(&snapshot, offset).map(|(range, text)| {
            assert!(range.contains_inclusive(offset));
            text
        })
    }

    #[test]
    fn keywords_and_flags() {
        let source = "FROM alpine\nonbuild RUN --mount=type=cache,target=/x echo\n";
        assert!(hover(source, "FROM").unwrap().starts_with("**FROM**"));
        assert!(hover(source, "onbuild").unwrap().starts_with("**ONBUILD**"));
        let run = hover(source, "RUN").unwrap();
        assert!(run.contains("`--mount=type=<cache"), "{run}");
        let mount = hover(source, "type=cache").unwrap();
        assert!(mount.starts_with("**RUN `--mount="), "{mount}");
        assert!(hover(source, "echo").is_none());
    }

    #[test]
    fn rule_codes_in_suppressions() {
        let source = "# check=skip=JSONArgsRecommended\nFROM a\n# layerlint ignore=LL103,invalid-json-exec-form # why\n# hadolint ignore=DL3025\nCMD [\"x\", ]\n";
        let page = hover(source, "json-exec-form").unwrap();
        assert!(
            page.starts_with("# LL101 `invalid-json-exec-form`"),
            "{page}"
        );
        assert!(hover(source, "# why").is_none());
        assert!(hover(source, "layerlint ignore").is_none());
        assert_eq!(
            suppression_code_at("# layerlint ignore=LL101,LL102", 26),
            Some((25, 30))
        );
        assert_eq!(
            suppression_code_at("# check=skip=A,B;error=true", 14),
            Some((13, 14))
        );
        assert_eq!(suppression_code_at("# check=skip=A,B;error=true", 20), None);
        assert_eq!(suppression_code_at("# just a comment=LL101", 18), None);
    }

    /// A no-break space (two bytes) after a comma, as pasted from a web page: the code
    /// after it starts after the whole character.
    #[test]
    fn rule_code_after_a_no_break_space() {
        let comment = "# layerlint ignore=LL103,\u{a0}LL101";
        let at = comment.find("LL101").unwrap();
        assert_eq!(
            suppression_code_at(comment, at + 2),
            Some((at, comment.len()))
        );
        let source = format!("FROM a\n{comment}\nCMD [\"x\", ]\n");
        let page = hover(&source, "101").unwrap();
        assert!(page.starts_with("# LL101 "), "{page}");
    }

    #[test]
    fn base_images_resolve_through_arg_defaults() {
        let source = "ARG VERSION=20\nARG FLAVOR\nFROM node:${VERSION}-alpine${FLAVOR} AS build\nFROM build\nFROM scratch\nFROM ghcr.io/org/app@sha256:0123456789012345678901234567890123456789012345678901234567890123\n";
        let node = hover(source, "node:").unwrap();
        assert!(
            node.starts_with("**Base image `node:20-alpine`**"),
            "{node}"
        );
        assert!(
            node.contains("| repository | `docker.io/library/node` |"),
            "{node}"
        );
        assert!(
            node.contains("| `VERSION` | `20` | `ARG`, line 1 |"),
            "{node}"
        );
        assert!(node.contains("`FLAVOR` has no default value"), "{node}");
        let stage = hover(source, "build\nFROM scratch").unwrap();
        assert!(
            stage.starts_with("**Stage `build`** (stage 0, line 3)"),
            "{stage}"
        );
        assert!(hover(source, "scratch").unwrap().contains("empty image"));
        let pinned = hover(source, "ghcr.io").unwrap();
        assert!(
            pinned.contains("| tag | none (pinned by digest) |"),
            "{pinned}"
        );
        assert!(pinned.contains("| registry | `ghcr.io` |"), "{pinned}");
    }
}
