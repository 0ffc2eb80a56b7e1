use layerlint_syntax::{Body, InstructionKind};

use super::support::trusted_context;
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` or `ADD` source that `.dockerignore` leaves out of the build
    /// context, as BuildKit's `CopyIgnoredFile` check does: not when the ignore file has
    /// `!` exceptions (whether a path comes back is too hard to tell from the pattern),
    /// and for the context root (`COPY . .`) only when a pattern `*`, `**` or `**/*`
    /// leaves out everything. Needs the build context (and says nothing when the COPY
    /// sources are not in it: the file is then built from another directory).
    ///
    /// ## Why is this bad?
    /// The builder never receives the file: `COPY` of a single ignored file fails with
    /// "not found", and a directory or wildcard copies less than it says — often only
    /// noticed when the container starts without its configuration.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile context=.dockerignore:config.json,config.json
    /// FROM alpine:3.20
    /// COPY config.json /etc/app/
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile context=.dockerignore:*.log,config.json
    /// FROM alpine:3.20
    /// COPY config.json /etc/app/
    /// ```
    ///
    /// ## Fix safety
    /// No fix: either the pattern or the COPY is wrong, and only the author knows which.
    pub(crate) struct CopyIgnoredFile {
        code: "LL206",
        name: "copy-ignored-file",
        category: Cache,
        severity: Warning,
        fix: None,
        summary: "a COPY or ADD source is left out of the build context by .dockerignore",
        equivalents: [BuildKit("CopyIgnoredFile")],
    }
}

impl Check for CopyIgnoredFile {
    /// Whether the build context is the file's (computed at the first COPY).
    type State = Option<bool>;
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Copy, InstructionKind::Add]);

    fn instruction(&self, cx: &mut Context<'_>, trusted: &mut Option<bool>, node: &Node<'_>) {
        let Some(ignore) = cx.build_context.and_then(|c| c.dockerignore()) else {
            return;
        };
        let trusted = *trusted.get_or_insert_with(|| trusted_context(cx).is_some());
        if !trusted {
            return;
        }
        if ignore.has_exclusions() {
            return;
        }
        let instruction = node.instruction;
        if instruction.flag("from").is_some() {
            return;
        }
        let (Body::Copy(paths) | Body::Add(paths)) = &instruction.body else {
            return;
        };
        let verb = if instruction.kind == InstructionKind::Add {
            "ADD"
        } else {
            "COPY"
        };
        let escape = cx.file.escape();
        let mut reports = Vec::new();
        for word in paths.sources() {
            if word.text.starts_with("<<") && !instruction.heredocs.is_empty() {
                continue;
            }
            let Ok(expanded) = node.scope.expand(&word.text, escape) else {
                continue;
            };
            let source = expanded.result;
            if source.starts_with("http://")
                || source.starts_with("https://")
                || source.starts_with("git@")
            {
                continue;
            }
            let cleaned = layerlint_cache::paths::clean(&source);
            let ignored = if cleaned == "." || cleaned == "/" {
                let root_ignored = ignore
                    .patterns()
                    .iter()
                    .any(|p| !p.is_exclusion() && matches!(p.pattern(), "*" | "**" | "**/*"));
                root_ignored.then(|| ".".to_owned())
            } else if cleaned.starts_with('/') {
                // BuildKit matches the path as written: a leading `/` matches no pattern.
                None
            } else {
                ignore
                    .matched_by(&cleaned)
                    .map(|p| format!("`{}` (line {})", p.text(), p.line()))
            };
            let Some(pattern) = ignored else { continue };
            let display = if cleaned == "/" {
                "."
            } else {
                cleaned.as_str()
            };
            let note = if pattern == "." {
                "a pattern of .dockerignore leaves out every file of the context".to_owned()
            } else {
                format!("left out by the pattern {pattern} of .dockerignore")
            };
            reports.push((
                word.range,
                format!("`{display}` is excluded by .dockerignore, so {verb} cannot copy it"),
                note,
            ));
        }
        for (range, message, note) in reports {
            cx.report(range, message).note(note);
        }
    }
}
