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
    /// tar archives (`.tar`, `.tar.gz`, `.tgz`, `.tar.bz2`, `.tar.xz`, `.tar.zst`, or a
    /// bare `.gz`, `.bz2`, `.xz`, `.zst` that may hold one), which `ADD` downloads, clones
    /// or unpacks on purpose; sources written with a variable whose value is not known.
    ///
    /// Other archives are reported: `ADD` unpacks only tar, bare or compressed with
    /// gzip, bzip2, xz or zstd. A `.zip`, `.7z`, `.rar`, `.lz` or `.Z` file is copied as it
    /// is, exactly as `COPY` would copy it (hadolint's DL3020 exempts `.lz`, `.lzma` and `.Z`
    /// as if `ADD` unpacked them).
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
    /// ```dockerfile
    /// FROM nginx:1.27
    /// ADD site.zip /usr/share/nginx/html/
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
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD site.tar.zst /srv/
    /// ```
    ///
    /// ## Fix safety
    /// Safe: `COPY` copies local files and folders exactly as `ADD` does, with the same
    /// `--chown`, `--chmod`, `--link` and `--exclude`, and copies a zip file (or any other
    /// file that is not a tar archive) as it is, as `ADD` did. The fix is unsafe when a source is
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

/// File names `ADD` may unpack: a tar archive, bare or compressed with gzip, bzip2, xz or
/// zstd (BuildKit detects these by content: `moby/go-archive` `DetectCompression`), and a
/// bare compression suffix, which may hold a tar. Other archives — zip, 7z, rar, lzip,
/// lzma, `compress` (`.Z`) — are copied as they are, exactly as `COPY` copies them.
const ARCHIVE_SUFFIXES: [&str; 15] = [
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tb2", ".tar.xz", ".txz", ".tar.zst",
    ".tzst", ".gz", ".bz2", ".xz", ".zst",
];

/// Archive formats `ADD` does not unpack, named in a note because a reader may expect it to.
const NOT_UNPACKED_SUFFIXES: [&str; 6] = [".zip", ".7z", ".rar", ".lz", ".lzma", ".z"];

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
        let mut not_unpacked = None;
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
            if not_unpacked.is_none() && is_not_unpacked_archive(&path) {
                not_unpacked = Some(path);
            }
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
        let notes: Vec<String> = [
            not_unpacked.map(|archive| {
                format!("ADD does not unpack `{archive}`: it unpacks only tar archives (bare or compressed with gzip, bzip2, xz or zstd)")
            }),
            add_only.map(|flag| format!("no fix: `--{}` is a flag only ADD takes", flag.name)),
        ]
        .into_iter()
        .flatten()
        .collect();
        let report = cx
            .report(
                instruction.keyword,
                "ADD of local files: use COPY, which only copies",
            )
            .maybe_fix(fix);
        if !notes.is_empty() {
            report.note(notes.join("; "));
        }
    }
}

fn is_remote(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("://") || lower.starts_with("git@") || lower.ends_with(".git")
}

/// A zip, 7z, rar, lzip, lzma or `compress` file: `ADD` copies it without unpacking it.
fn is_not_unpacked_archive(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    NOT_UNPACKED_SUFFIXES
        .iter()
        .any(|suffix| lower.ends_with(suffix))
}

fn is_archive(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    ARCHIVE_SUFFIXES
        .iter()
        .any(|suffix| lower.ends_with(suffix))
}
