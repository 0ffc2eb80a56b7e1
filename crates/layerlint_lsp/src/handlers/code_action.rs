//! `textDocument/codeAction`: a quick fix per fix (safe, unsafe and display-only, from the
//! same `Fix` objects as the CLI), "Ignore CODE for this instruction", fix-all
//! (`source.fixAll.layerlint`, what fix-on-save runs) and "Optimize layer caching"
//! (`refactor.rewrite`: the layer-cache rules' fixes for the stage under the cursor).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use layerlint_diagnostics::{FileChange, FileEdit, FixSet};
use layerlint_linter::fix::fix_held_back;
use layerlint_linter::ignore::{ignore_code, ignore_edit};
use layerlint_linter::{Applicability, Category, Diagnostic, Edit};
use layerlint_text::{TextRange, TextSize};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    CreateFile, CreateFileOptions, DocumentChangeOperation, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, Position, Range, ResourceOp, TextDocumentEdit,
    TextEdit, Uri, WorkspaceEdit,
};

use crate::convert::{self, Lines};
use crate::handlers::initialize::FIX_ALL_KIND;
use crate::session::{ClientCaps, Session};
use crate::snapshot::Snapshot;

pub fn handle(session: &Session, params: CodeActionParams) -> Option<CodeActionResponse> {
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri)?;
    let caps = session.caps();
    let unsafe_fixes = session.options().unsafe_fixes || snapshot.env.settings.unsafe_fixes;
    let range = snapshot.lines(caps.encoding).text_range(params.range);
    Some(
        actions(
            &snapshot,
            &uri,
            &caps,
            range,
            params.context.only.as_deref(),
            unsafe_fixes,
        )
        .into_iter()
        .map(CodeActionOrCommand::CodeAction)
        .collect(),
    )
}

/// The code actions for `range` of a snapshot (what [`handle`] answers, without a session).
pub fn actions(
    snapshot: &Snapshot,
    uri: &Uri,
    caps: &ClientCaps,
    range: TextRange,
    only: Option<&[CodeActionKind]>,
    unsafe_fixes: bool,
) -> Vec<CodeAction> {
    let lines = snapshot.lines(caps.encoding);
    let wants = |kind: &str| {
        only.is_none_or(|only| {
            only.iter().any(|asked| {
                let asked = asked.as_str();
                kind == asked || kind.strip_prefix(asked).is_some_and(|r| r.starts_with('.'))
            })
        })
    };
    let out = Output {
        uri,
        snapshot,
        lines: &lines,
        caps,
    };

    let mut actions = Vec::new();
    if wants(CodeActionKind::QUICKFIX.as_str()) {
        for diagnostic in snapshot
            .diagnostics()
            .iter()
            .filter(|d| touches(d.range, range))
        {
            if let Some(action) = out.quick_fix(diagnostic) {
                actions.push(action);
            }
        }
        // One ignore action per code and instruction: several findings of one rule in an
        // instruction (two out-of-range ports of one EXPOSE) share its comment. Found by
        // its code and edit (which make its title and workspace edit), not by comparing
        // with every action made: a range over a file of thousands of findings took
        // 45 s so.
        let mut ignores: HashMap<(&str, Edit), usize> = HashMap::new();
        for diagnostic in snapshot
            .diagnostics()
            .iter()
            .filter(|d| touches(d.range, range))
        {
            let Some((code, edit)) = out.ignoring(diagnostic) else {
                continue;
            };
            match ignores.entry((code, edit)) {
                Entry::Occupied(at) => actions[*at.get()]
                    .diagnostics
                    .get_or_insert_with(Vec::new)
                    .push(convert::diagnostic(diagnostic, out.lines, out.uri)),
                Entry::Vacant(slot) => {
                    let (code, edit) = slot.key();
                    let action = out.ignore(diagnostic, code, edit.clone());
                    slot.insert(actions.len());
                    actions.push(action);
                }
            }
        }
    }
    if wants(CodeActionKind::REFACTOR_REWRITE.as_str())
        && let Some(action) = out.optimize(range.start())
    {
        actions.push(action);
    }
    if wants(FIX_ALL_KIND)
        && let Some(action) = out.fix_all(unsafe_fixes)
    {
        actions.push(action);
    }
    actions
}

/// Whether a finding is at the requested range (a cursor touching either end counts).
fn touches(finding: TextRange, requested: TextRange) -> bool {
    finding.start() <= requested.end() && requested.start() <= finding.end()
}

struct Output<'a> {
    uri: &'a Uri,
    snapshot: &'a Snapshot,
    lines: &'a Lines<'a>,
    caps: &'a ClientCaps,
}

impl Output<'_> {
    fn quick_fix(&self, diagnostic: &Diagnostic) -> Option<CodeAction> {
        let fix = diagnostic.fix.as_ref()?;
        if fix.edits.is_empty() && fix.files.is_empty() {
            return None;
        }
        // As fix-all and `--fix`: none at or after where the parser stops.
        if fix_held_back(&self.snapshot.result.parse, diagnostic) {
            return None;
        }
        let edit = if fix.files.is_empty() {
            self.edit(&fix.edits)
        } else {
            let files = fix
                .files
                .iter()
                .map(|file| self.on_disk(file))
                .collect::<Option<Vec<_>>>()?;
            self.edit_with_files(&fix.edits, &files)?
        };
        let code = diagnostic.code();
        let title = match fix.applicability {
            Applicability::Safe => format!("{} ({code})", fix.title),
            Applicability::Unsafe => format!("{} ({code}, unsafe fix)", fix.title),
            Applicability::DisplayOnly => {
                format!("{} ({code}, display-only: review the result)", fix.title)
            }
        };
        Some(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![convert::diagnostic(diagnostic, self.lines, self.uri)]),
            edit: Some(edit),
            is_preferred: Some(fix.applicability == Applicability::Safe),
            ..CodeAction::default()
        })
    }

    /// The code a finding can be ignored by, and the edit that ignores it in its
    /// instruction.
    fn ignoring<'d>(&self, diagnostic: &'d Diagnostic) -> Option<(&'d str, Edit)> {
        let code = ignore_code(diagnostic)?;
        let edit = ignore_edit(
            self.snapshot.file(),
            diagnostic.range.start(),
            &[code],
            None,
        )?;
        Some((code, edit))
    }

    /// The action ignoring `code` with `edit` ([`Output::ignoring`]) for `diagnostic`.
    fn ignore(&self, diagnostic: &Diagnostic, code: &str, edit: Edit) -> CodeAction {
        CodeAction {
            title: format!("Ignore {code} for this instruction"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![convert::diagnostic(diagnostic, self.lines, self.uri)]),
            edit: Some(self.edit(&[edit])),
            is_preferred: Some(false),
            ..CodeAction::default()
        }
    }

    fn fix_all(&self, unsafe_fixes: bool) -> Option<CodeAction> {
        let required = if unsafe_fixes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        let source = self.snapshot.source();
        let outcome = self.snapshot.fixed(required)?;
        let edits: Vec<Edit> = minimal_edit(source, &outcome.source).into_iter().collect();
        // The other files the fixes change (a `.dockerignore` created or extended), when
        // the client can take them in the same edit; else this document's edits alone.
        let edit = self
            .other_files(&outcome.files)
            .and_then(|files| self.edit_with_files(&edits, &files))
            .or_else(|| (!edits.is_empty()).then(|| self.edit(&edits)))?;
        Some(CodeAction {
            title: "Fix all auto-fixable problems".to_owned(),
            kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
            edit: Some(edit),
            ..CodeAction::default()
        })
    }

    /// The other files a fix run changes, by their content after it, as the edits that
    /// make it from what is on disk: a file created, or text appended. `None` when there
    /// are none, or one cannot be written so (the disk changed since the lint).
    fn other_files(
        &self,
        files: &std::collections::BTreeMap<std::path::PathBuf, String>,
    ) -> Option<Vec<OtherFile>> {
        if files.is_empty() {
            return None;
        }
        let root = self.snapshot.env.context.as_deref()?.root()?;
        files
            .iter()
            .map(|(path, after)| {
                let path = root.join(path);
                match std::fs::read_to_string(&path) {
                    Ok(current) => {
                        let text = after.strip_prefix(current.as_str())?.to_owned();
                        Some(OtherFile {
                            path,
                            current: Some(current),
                            text,
                        })
                    }
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => Some(OtherFile {
                        path,
                        current: None,
                        text: after.clone(),
                    }),
                    Err(_) => None,
                }
            })
            .collect()
    }

    /// A quick fix's change to another file, against the file as it is on disk. `None`
    /// when it does not apply there: a file to create that exists (the lint's view of the
    /// context may be older than the disk, for a client that does not watch files, and the
    /// new content would go in front of the file's own), or one to extend that is gone.
    fn on_disk(&self, file: &FileEdit) -> Option<OtherFile> {
        let path = self
            .snapshot
            .env
            .context
            .as_deref()?
            .root()?
            .join(&file.path);
        let current = match &file.change {
            FileChange::Create(_) if path.exists() => return None,
            FileChange::Create(_) => None,
            FileChange::Append(_) => Some(std::fs::read_to_string(&path).ok()?),
        };
        let after = file.apply(current.as_deref())?;
        let text = after
            .get(current.as_deref().map_or(0, str::len)..)?
            .to_owned();
        Some(OtherFile {
            path,
            current,
            text,
        })
    }

    fn optimize(&self, at: TextSize) -> Option<CodeAction> {
        let file = self.snapshot.file();
        let semantic = self.snapshot.semantic();
        let instructions = file.instructions();
        let stage = semantic
            .stages
            .iter()
            .rev()
            .find(|s| instructions[s.from].range.start() <= at)?;
        let span = instructions[stage.from]
            .range
            .cover(instructions[stage.end - 1].range);
        let parse = &self.snapshot.result.parse;
        // As fix-all and `--fix`: none at or after where the parser stops.
        let fixable = self
            .snapshot
            .cache_findings()
            .iter()
            .filter(|d| !fix_held_back(parse, d));
        let edits = stage_fixes(fixable, span);
        if edits.is_empty() {
            return None;
        }
        let title = match &stage.name {
            Some(name) => format!("Optimize layer caching of stage `{name}`"),
            None => "Optimize layer caching".to_owned(),
        };
        Some(CodeAction {
            title,
            kind: Some(CodeActionKind::REFACTOR_REWRITE),
            edit: Some(self.edit(&edits)),
            ..CodeAction::default()
        })
    }

    /// A fix that also creates or extends another file (a `.dockerignore`): resource
    /// operations plus text edits. `None` when the client cannot edit several documents
    /// in one edit, or cannot create a file the fix creates.
    fn edit_with_files(&self, edits: &[Edit], files: &[OtherFile]) -> Option<WorkspaceEdit> {
        let creates = files.iter().any(|f| f.current.is_none());
        if !self.caps.document_changes || (creates && !self.caps.create_files) {
            return None;
        }
        let mut operations = Vec::new();
        for file in files {
            let uri = Uri::from_file_path(&file.path)?;
            let insert_at = match &file.current {
                None => {
                    operations.push(DocumentChangeOperation::Op(ResourceOp::Create(
                        CreateFile {
                            uri: uri.clone(),
                            options: Some(CreateFileOptions {
                                overwrite: Some(false),
                                ignore_if_exists: Some(true),
                            }),
                            annotation_id: None,
                        },
                    )));
                    Position::new(0, 0)
                }
                Some(current) => end_position(current, self.caps.encoding),
            };
            operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
                edits: vec![OneOf::Left(TextEdit::new(
                    Range::new(insert_at, insert_at),
                    file.text.clone(),
                ))],
            }));
        }
        if !edits.is_empty() {
            operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: self.uri.clone(),
                    version: Some(self.snapshot.version),
                },
                edits: edits
                    .iter()
                    .map(|e| {
                        OneOf::Left(TextEdit::new(self.lines.range(e.range), e.content.clone()))
                    })
                    .collect(),
            }));
        }
        Some(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Operations(operations)),
            ..WorkspaceEdit::default()
        })
    }

    /// Byte edits of the snapshot's text as a workspace edit, tied to the snapshot's
    /// version when the client takes versioned edits.
    fn edit(&self, edits: &[Edit]) -> WorkspaceEdit {
        let edits: Vec<TextEdit> = edits
            .iter()
            .map(|e| TextEdit::new(self.lines.range(e.range), e.content.clone()))
            .collect();
        if self.caps.document_changes {
            WorkspaceEdit {
                document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier {
                        uri: self.uri.clone(),
                        version: Some(self.snapshot.version),
                    },
                    edits: edits.into_iter().map(OneOf::Left).collect(),
                }])),
                ..WorkspaceEdit::default()
            }
        } else {
            WorkspaceEdit {
                changes: Some(HashMap::from([(self.uri.clone(), edits)])),
                ..WorkspaceEdit::default()
            }
        }
    }
}

/// Another file a fix changes, read once from disk: created with `text` (`current` is
/// `None`), or `text` added after its `current` content.
struct OtherFile {
    path: std::path::PathBuf,
    current: Option<String>,
    text: String,
}

/// The position just after the last character of `text`.
fn end_position(text: &str, encoding: layerlint_text::PositionEncoding) -> Position {
    let index = layerlint_text::LineIndex::new(text);
    let at = index.line_col(TextSize::of(text), text, encoding);
    Position::new(at.line, at.col)
}

/// The fixes of layer-cache findings inside `span`, as one set of edits: applied in order
/// of position, skipping any that overlaps one already taken (display-only fixes are left
/// out).
pub fn stage_fixes<'d>(
    findings: impl IntoIterator<Item = &'d Diagnostic>,
    span: TextRange,
) -> Vec<Edit> {
    let mut fixes: Vec<&layerlint_linter::Fix> = findings
        .into_iter()
        .filter(|d| d.rule.category == Category::Cache && span.contains_range(d.range))
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| f.applies(Applicability::Unsafe) && !f.edits.is_empty())
        .collect();
    fixes.sort_by_key(|f| f.range().map(|r| (r.start(), r.end())));
    let mut set = FixSet::default();
    for fix in fixes {
        set.take(fix);
    }
    set.edits()
}

/// One edit turning `before` into `after`: the span between their common prefix and suffix.
fn minimal_edit(before: &str, after: &str) -> Option<Edit> {
    if before == after {
        return None;
    }
    let mut prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(prefix) || !after.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = before.len().min(after.len()) - prefix;
    let mut suffix = before
        .bytes()
        .rev()
        .zip(after.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(before.len() - suffix)
        || !after.is_char_boundary(after.len() - suffix)
    {
        suffix -= 1;
    }
    Some(Edit::replace(
        TextRange::from_usize(prefix, before.len() - suffix),
        &after[prefix..after.len() - suffix],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use layerlint_linter::{Fix, FixAvailability, RuleMeta, Settings, Severity};

    #[test]
    fn inserted_comment_suppresses_the_finding() {
        let source = "FROM node:20\nCMD [\"node\", \"index.js\", ]\n";
        let result = layerlint_linter::lint(source, None, &Settings::default());
        let finding = &result.diagnostics[0];
        assert_eq!(finding.rule.code, "LL101");
        let edit =
            ignore_edit(&result.parse.file, finding.range.start(), &["LL101"], None).unwrap();
        let fixed = layerlint_diagnostics::apply_edits(source, [&edit]);
        let again = layerlint_linter::lint(&fixed, None, &Settings::default());
        assert!(again.diagnostics.is_empty(), "{:?}", again.diagnostics);
    }

    #[test]
    fn minimal_edits() {
        let edit = minimal_edit("FROM a\nCMD [\"x\", ]\n", "FROM a\nCMD [\"x\"]\n").unwrap();
        assert_eq!(edit.range, TextRange::from_usize(15, 17));
        assert_eq!(edit.content, "");
        let edit = minimal_edit("aé", "aè").unwrap();
        assert_eq!(
            (edit.range, edit.content.as_str()),
            (TextRange::from_usize(1, 3), "è")
        );
        // A common tail that starts inside a character ("é" and "©" end in the same
        // byte) is shortened to a character boundary.
        let edit = minimal_edit("a\u{e9}", "a\u{a9}").unwrap();
        assert_eq!(
            (edit.range, edit.content.as_str()),
            (TextRange::from_usize(1, 3), "\u{a9}")
        );
        // A common head and tail that would overlap: the tail stops where the head ends.
        let edit = minimal_edit("aa", "aaa").unwrap();
        assert_eq!(
            (edit.range, edit.content.as_str()),
            (TextRange::from_usize(2, 2), "a")
        );
        assert!(minimal_edit("x", "x").is_none());
    }

    /// In a file the parser rejects, the quick fixes and the stage rewrite leave out what
    /// lies at or after where it stops, as fix-all and `--fix` do: here an unterminated
    /// heredoc, into which moving the ARG (LL209) would put it, and whose lines the apt
    /// rules would edit.
    #[test]
    fn no_fix_is_offered_where_the_file_stops_parsing() {
        use std::str::FromStr;
        let broken = "FROM debian:12\nARG BUILD_DATE\nrun apt-get install -y curl\nRUN <<EOF\napt-get update\napt-get install -y make\n";
        let env = crate::snapshot::LintEnv {
            context: Some(std::sync::Arc::new(
                layerlint_linter::BuildContext::in_memory([(".dockerignore", ".git\n")]),
            )),
            ..crate::snapshot::LintEnv::default()
        };
        let snapshot = Snapshot::new(broken, 1, env);
        let after_stop = |d: &Diagnostic| d.range.end().to_usize() > broken.find("RUN <<").unwrap();
        assert!(
            snapshot
                .diagnostics()
                .iter()
                .any(|d| d.rule.code == "LL209" && d.fix.is_some()),
            "{:?}",
            snapshot.diagnostics()
        );
        assert!(
            snapshot
                .diagnostics()
                .iter()
                .any(|d| after_stop(d) && d.fix.is_some()),
            "{:?}",
            snapshot.diagnostics()
        );
        let uri = tower_lsp_server::ls_types::Uri::from_str("file:///x/Dockerfile").unwrap();
        let caps = ClientCaps::default();
        let all = TextRange::up_to(TextSize::of(broken));
        let actions = actions(&snapshot, &uri, &caps, all, None, true);
        let mut lines = Vec::new();
        for action in &actions {
            if action.title.starts_with("Ignore ") {
                continue;
            }
            let changes = action.edit.as_ref().unwrap().changes.as_ref().unwrap();
            lines.extend(changes[&uri].iter().map(|e| e.range.end.line));
        }
        let titles: Vec<&str> = actions.iter().map(|a| a.title.as_str()).collect();
        assert!(titles.iter().any(|t| t.contains("(LL603")), "{titles:?}");
        assert!(!titles.iter().any(|t| t.contains("(LL209")), "{titles:?}");
        // Line 3 (from 0) is the heredoc's; fix-all ends at the `run` it rewrites.
        assert!(lines.iter().all(|&line| line < 3), "{titles:?} {lines:?}");
    }

    static CACHE_RULE: RuleMeta = RuleMeta {
        code: "LL299",
        name: "test-cache-rule",
        category: Category::Cache,
        summary: "a stand-in for the optimizer's rules",
        severity: Severity::Warning,
        default_enabled: true,
        fix: FixAvailability::Always,
        equivalents: &[],
        docs: "",
    };
    static OTHER_RULE: RuleMeta = RuleMeta {
        code: "LL199",
        category: Category::Correctness,
        ..CACHE_RULE
    };

    fn finding(meta: &'static RuleMeta, range: (usize, usize), fix: Option<Fix>) -> Diagnostic {
        let mut d = Diagnostic::new(meta, TextRange::from_usize(range.0, range.1), "x");
        d.fix = fix;
        d
    }

    #[test]
    fn optimize_takes_the_cache_fixes_of_the_stage() {
        let span = TextRange::from_usize(0, 100);
        let move_copy = Fix::unsafe_edits(
            "Copy the manifests first",
            vec![
                Edit::insert(TextSize::new(10), "COPY package.json .\n"),
                Edit::delete(TextRange::from_usize(40, 50)),
            ],
        );
        let findings = [
            finding(&CACHE_RULE, (10, 50), Some(move_copy)),
            // Overlaps the first: left for the next round.
            finding(
                &CACHE_RULE,
                (45, 48),
                Some(Fix::safe(
                    "x",
                    vec![Edit::delete(TextRange::from_usize(45, 48))],
                )),
            ),
            // Outside the stage.
            finding(
                &CACHE_RULE,
                (120, 130),
                Some(Fix::safe(
                    "x",
                    vec![Edit::delete(TextRange::from_usize(120, 130))],
                )),
            ),
            // Not a cache rule.
            finding(
                &OTHER_RULE,
                (60, 61),
                Some(Fix::safe(
                    "x",
                    vec![Edit::delete(TextRange::from_usize(60, 61))],
                )),
            ),
            // Display-only.
            finding(
                &CACHE_RULE,
                (70, 71),
                Some(Fix::display_only(
                    "x",
                    vec![Edit::delete(TextRange::from_usize(70, 71))],
                )),
            ),
            finding(
                &CACHE_RULE,
                (80, 90),
                Some(Fix::safe(
                    "Add a cache mount",
                    vec![Edit::insert(
                        TextSize::new(84),
                        "--mount=type=cache,target=/root/.npm ",
                    )],
                )),
            ),
            finding(&CACHE_RULE, (91, 92), None),
            // An insertion inside a deletion already taken.
            finding(
                &CACHE_RULE,
                (47, 47),
                Some(Fix::safe("x", vec![Edit::insert(TextSize::new(47), "y")])),
            ),
            // A deletion over an insertion already taken.
            finding(
                &CACHE_RULE,
                (84, 88),
                Some(Fix::safe(
                    "x",
                    vec![Edit::delete(TextRange::from_usize(84, 88))],
                )),
            ),
            // Another insertion at the same point.
            finding(
                &CACHE_RULE,
                (84, 84),
                Some(Fix::safe("x", vec![Edit::insert(TextSize::new(84), "z")])),
            ),
        ];
        let edits = stage_fixes(&findings, span);
        let starts: Vec<u32> = edits.iter().map(|e| e.range.start().to_u32()).collect();
        assert_eq!(starts, [10, 40, 84]);
        assert_eq!(edits[2].content, "--mount=type=cache,target=/root/.npm ");
    }
}
