use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::{Body, InstructionKind};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `ADD` whose sources are all local files or folders of the build context
    /// that are not archives: what `COPY` does.
    ///
    /// Not reported: URLs (`https://…`), git addresses (`git@…`, `….git`), and local
    /// archives (`.tar`, `.tar.gz`, `.tgz`, `.tar.xz`, `.zip`, …), which `ADD` downloads,
    /// clones or unpacks on purpose; sources written with a variable whose value is not
    /// known.
    ///
    /// ## Why is this bad?
    /// `ADD` does more than copy: it unpacks any local tar archive it is given — by
    /// content, whatever the file is called — and fetches URLs. A reader must check each
    /// source to know what happens, and a file that later turns into a tarball is
    /// silently unpacked. `COPY` says what it does. Docker's best practices, hadolint,
    /// Trivy and Checkov all ask for `COPY`.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// ADD requirements.txt ./
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY requirements.txt ./
    /// ADD https://example.com/data.csv /data/
    /// ADD vendor.tar.gz /opt/
    /// ```
    ///
    /// ## Fix safety
    /// Safe: `COPY` copies local files and folders exactly as `ADD` does, with the same
    /// `--chown`, `--chmod`, `--link` and `--exclude`. The fix is unsafe when a source is
    /// a wildcard (it may match a tar archive, which `ADD` would unpack), and not offered
    /// when `ADD`-only flags (`--checksum`, `--keep-git-dir`, `--unpack`) are used.
    pub(crate) struct AddInsteadOfCopy {
        code: "LL128",
        name: "add-instead-of-copy",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        summary: "`ADD` of local files where `COPY` does the job",
        equivalents: [Hadolint("DL3020"), Trivy("DS-0005"), Checkov("CKV_DOCKER_4")],
    }
}

/// Flags `COPY` does not take.
const ADD_ONLY_FLAGS: [&str; 3] = ["checksum", "keep-git-dir", "unpack"];

/// File names `ADD` unpacks (tar, possibly compressed) or that look like archives a
/// reader may expect to be unpacked.
const ARCHIVE_SUFFIXES: [&str; 24] = [
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz",
    ".tbz2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".tzst",
    ".tar.lz",
    ".tar.lzma",
    ".tlz",
    ".tar.z",
    ".taz",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".lz",
    ".lzma",
    ".zip",
    ".7z",
    ".rar",
];

impl Check for AddInsteadOfCopy {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Add]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let instruction = node.instruction;
        let Body::Add(paths) = &instruction.body else {
            return;
        };
        let sources = paths.sources();
        if sources.is_empty() {
            return;
        }
        let escape = cx.file.escape();
        let mut wildcard = false;
        for source in sources {
            if source.text.starts_with("<<") {
                continue;
            }
            let Ok(expanded) = node.scope.expand(&source.text, escape) else {
                return;
            };
            if !expanded.unmatched.is_empty() {
                return;
            }
            let path = expanded.result;
            if is_remote(&path) || is_archive(&path) {
                return;
            }
            wildcard |= path.contains(['*', '?', '[']);
        }
        let add_only = instruction
            .flags
            .iter()
            .find(|f| ADD_ONLY_FLAGS.contains(&f.name.as_str()));
        let copy = if cx.text(instruction.keyword).starts_with(char::is_lowercase) {
            "copy"
        } else {
            "COPY"
        };
        let edits = vec![Edit::replace(instruction.keyword, copy)];
        let fix = match add_only {
            Some(_) => None,
            None if wildcard => Some(Fix::unsafe_edits("Use `COPY`", edits)),
            None => Some(Fix::safe("Use `COPY`", edits)),
        };
        let note =
            add_only.map(|flag| format!("no fix: `--{}` is a flag only ADD takes", flag.name));
        let report = cx
            .report(
                instruction.keyword,
                "ADD of local files: use COPY, which only copies",
            )
            .maybe_fix(fix);
        if let Some(note) = note {
            report.note(note);
        }
    }
}

fn is_remote(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("://") || lower.starts_with("git@") || lower.ends_with(".git")
}

fn is_archive(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    ARCHIVE_SUFFIXES
        .iter()
        .any(|suffix| lower.ends_with(suffix))
}
