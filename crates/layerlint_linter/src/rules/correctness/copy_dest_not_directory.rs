use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::{Body, InstructionKind, Word};
use layerlint_text::TextSize;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::correctness::invalid_json_exec_form::is_broken_paths_array;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `COPY` or `ADD` with several sources, or with a wildcard source that may
    /// match several files, whose destination does not end with `/`. A single wildcard
    /// source copied to a file name with the pattern's extension
    /// (`COPY target/*.jar app.jar`) is taken to match one file on purpose and is not
    /// reported.
    ///
    /// ## Why is this bad?
    /// The Dockerfile reference requires it: "If you specify multiple source files,
    /// either directly or using a wildcard, then the destination must be a directory
    /// (must end with a slash `/`)". The classic builder (and tools that follow the
    /// reference, such as Podman and Kaniko) refuse the instruction with
    /// `When using COPY with more than one source file, the destination must be a
    /// directory and end with a /`. BuildKit accepts it, but when the destination does
    /// not exist yet, each source overwrites a *file* of that name (moby/buildkit#1853):
    /// `COPY a.conf b.conf /etc/app` leaves one file `/etc/app` holding `b.conf`.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// WORKDIR /app
    /// COPY package.json package-lock.json .
    /// ```
    ///
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY conf/*.conf /etc/nginx/conf.d
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20
    /// WORKDIR /app
    /// COPY package.json package-lock.json ./
    /// COPY tsconfig.json .
    /// ```
    ///
    /// ## Fix safety
    /// Safe for several sources, and for a wildcard copied to `.`: with a trailing `/`
    /// the destination is a directory, which is what several files need; where the build
    /// worked, it already was one. Unsafe for a single wildcard copied to another path
    /// (`COPY dist/*.js /srv/app`): if the pattern matches one file and `/srv/app` does
    /// not exist, that file used to be written as `/srv/app` and is now written into it.
    pub(crate) struct CopyDestNotDirectory {
        code: "LL124",
        name: "copy-dest-not-directory",
        category: Correctness,
        severity: Warning,
        fix: Always,
        summary: "`COPY` of several files to a destination without a trailing `/`",
        equivalents: [Hadolint("DL3021"), Trivy("DS-0011")],
    }
}

impl Check for CopyDestNotDirectory {
    type State = ();
    const WANTS: Wants =
        Wants::kinds(&[InstructionKind::Copy, InstructionKind::Add]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let instruction = node.instruction;
        let (Body::Copy(paths) | Body::Add(paths)) = &instruction.body else {
            return;
        };
        let Some(dest) = paths.destination() else {
            return;
        };
        // A broken JSON array (`COPY ["a b", "/d/", ]`): its last word (`]`) is no
        // destination the author meant; invalid-json-exec-form reports the array.
        if is_broken_paths_array(cx, paths) {
            return;
        }
        let sources = paths.sources();
        let wildcard = sources.iter().find(|s| is_wildcard(s));
        if sources.len() < 2 && wildcard.is_none() {
            return;
        }
        let escape = cx.file.escape();
        // The destination as BuildKit uses it: quotes removed, variables expanded.
        let Ok(expanded) = node.scope.expand(&dest.text, escape) else {
            return;
        };
        if !expanded.unmatched.is_empty() || expanded.result.ends_with(['/', '\\']) {
            return;
        }
        let keyword = instruction.kind;
        let message = match wildcard {
            Some(source) if sources.len() == 1 => format!(
                "{keyword} destination `{}` does not end with `/`, but the wildcard `{}` may match several files",
                expanded.result, source.text
            ),
            _ => format!(
                "{keyword} of {} sources to `{}`: a destination for several files must end with `/`",
                sources.len(),
                expanded.result
            ),
        };
        // One wildcard source may be meant to match one file, renamed: `*.jar app.jar`.
        let single_pattern = sources.len() == 1;
        let last = expanded.result.rsplit('/').next().unwrap_or_default();
        let dir_like = matches!(last, "." | "..");
        if single_pattern && !dir_like && same_extension(&sources[0].text, last) {
            return;
        }
        // Insert before a closing quote (`"/app"`, JSON form), else at the end.
        let written = cx.text(dest.range);
        let at = if written.len() > 1 && written.ends_with(['"', '\'']) {
            dest.range.end() - TextSize::from(1)
        } else {
            dest.range.end()
        };
        let edits = vec![Edit::insert(at, "/")];
        // When one match is renamed to a file that does not exist yet, the slash makes it
        // a directory instead: only unsafe then.
        let fix = if single_pattern && !dir_like {
            Fix::unsafe_edits("Add `/` to the destination", edits)
        } else {
            Fix::safe("Add `/` to the destination", edits)
        };
        cx.report(dest.range, message)
            .note("BuildKit overwrites one file per source when the destination does not exist; the classic builder refuses the instruction")
            .fix(fix);
    }
}

/// Whether the file name `dest` has the extension the pattern's files have
/// (`target/*.jar` → `app.jar`).
fn same_extension(pattern: &str, dest: &str) -> bool {
    let extension = |name: &str| {
        let name = name.rsplit('/').next().unwrap_or(name);
        name.rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
    };
    match (extension(pattern), extension(dest)) {
        (Some(a), Some(b)) => a == b && !a.contains(['*', '?', '[']),
        _ => false,
    }
}

/// Whether a source is a pattern (`*`, `?`, `[`), as BuildKit's copy checks; not a URL
/// or a git address (where `?` starts a query) and not a heredoc.
fn is_wildcard(source: &Word) -> bool {
    let text = source.text.as_str();
    // The pattern characters first: most sources have none, and need no search for `://`.
    let mut chars = text.chars();
    let mut pattern = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '*' | '?' | '[' => {
                pattern = true;
                break;
            }
            _ => {}
        }
    }
    pattern && !(text.starts_with("<<") || text.contains("://") || text.starts_with("git@"))
}
