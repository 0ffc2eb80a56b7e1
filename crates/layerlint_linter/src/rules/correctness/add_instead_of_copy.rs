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
    /// bare `.gz`, `.bz2`, `.xz`, `.zst` that may hold one; or a file of the build context
    /// that is a tar archive whatever its name), which `ADD` downloads, clones or unpacks
    /// on purpose; sources written with a variable whose value is not known.
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
    /// file that is not a tar archive) as it is, as `ADD` did. `ADD` tells a tar archive by
    /// its content, not its name, so the fix is safe only when the build context shows
    /// each source: a folder, or a file that is neither a tar archive nor compressed. It
    /// is unsafe when a source is not in the build context (or there is none) or is a
    /// wildcard (either may be a tar archive, which `ADD` would unpack); not offered for a
    /// compressed file (`ADD` unpacks it if it holds a tar archive), or when `ADD`-only
    /// flags (`--checksum`, `--keep-git-dir`, `--unpack`) are used.
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
        // A source whose content the build context does not show, and one that is
        // compressed (unpacked when it holds a tar).
        let mut unknown = None;
        let mut compressed = None;
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
            if not_unpacked.is_none() && is_not_unpacked_archive(&path) {
                not_unpacked = Some(path.clone());
            }
            if path.contains(['*', '?', '[']) {
                wildcard = true;
                continue;
            }
            match content(cx.build_context, &path) {
                // `ADD` unpacks it: what it is for.
                Content::Tar => return,
                Content::Compressed => {
                    compressed.get_or_insert_with(|| path.clone());
                }
                Content::Unknown => {
                    unknown.get_or_insert_with(|| path.clone());
                }
                Content::Copied => {}
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
            None if compressed.is_some() => None,
            None if wildcard || unknown.is_some() => Some(Fix::unsafe_edits("Use `COPY`", edits)),
            None => Some(Fix::safe("Use `COPY`", edits)),
        };
        let notes: Vec<String> = [
            not_unpacked.map(|archive| {
                format!("ADD does not unpack `{archive}`: it unpacks only tar archives (bare or compressed with gzip, bzip2, xz or zstd)")
            }),
            add_only.map(|flag| format!("no fix: `--{}` is a flag only ADD takes", flag.name)),
            compressed.map(|file| {
                format!("no fix: `{file}` is compressed, and ADD unpacks it if it holds a tar archive")
            }),
            unknown
                .filter(|_| add_only.is_none())
                .map(|file| {
                    format!("unsafe fix: `{file}` is not in the build context, so whether it is a tar archive (which ADD unpacks, whatever its name) is not known")
                }),
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

/// What a local source of `ADD` holds, as far as the build context tells: BuildKit
/// unpacks a file when, decompressed if its first bytes name gzip, bzip2, xz or zstd, it
/// reads as a tar archive, whatever it is called.
#[derive(Debug, PartialEq, Eq)]
enum Content {
    /// A directory, or a file `ADD` copies as it is: not compressed, not a tar.
    Copied,
    /// A tar archive, which `ADD` unpacks.
    Tar,
    /// A compressed file, which `ADD` unpacks when it holds a tar archive.
    Compressed,
    /// No build context, or no such file in it (or a path out of it).
    Unknown,
}

/// The first bytes of the compressed formats BuildKit decompresses before looking for a
/// tar archive (gzip, bzip2, xz, zstd).
const COMPRESSION_MAGIC: [&[u8]; 4] = [
    &[0x1f, 0x8b, 0x08],
    b"BZh",
    &[0xfd, b'7', b'z', b'X', b'Z', 0x00],
    &[0x28, 0xb5, 0x2f, 0xfd],
];

fn content(context: Option<&layerlint_cache::BuildContext>, path: &str) -> Content {
    let Some(context) = context else {
        return Content::Unknown;
    };
    if path.split('/').any(|part| part == "..") {
        return Content::Unknown;
    }
    if context.is_dir(path) {
        return Content::Copied;
    }
    let Some(head) = context.head(path, 512) else {
        return Content::Unknown;
    };
    if COMPRESSION_MAGIC
        .iter()
        .any(|magic| head.starts_with(magic))
    {
        Content::Compressed
    } else if is_tar_header(&head) {
        Content::Tar
    } else {
        Content::Copied
    }
}

/// Whether `block` starts with a tar header a tar reader takes: 512 bytes, not all zero,
/// whose checksum field (octal, at 148) is the sum of the header's bytes with that field
/// counted as spaces, unsigned or signed (as Go's `archive/tar` accepts both).
fn is_tar_header(block: &[u8]) -> bool {
    let Some(block) = block.get(..512) else {
        return false;
    };
    if block.iter().all(|&b| b == 0) {
        return false;
    }
    let field = &block[148..156];
    let digits: String = field
        .iter()
        .map(|&b| b as char)
        .filter(|c| !matches!(c, ' ' | '\0'))
        .collect();
    let Ok(expected) = i64::from_str_radix(&digits, 8) else {
        return false;
    };
    let counted = |i: usize, b: u8| if (148..156).contains(&i) { b' ' } else { b };
    let unsigned: i64 = block
        .iter()
        .enumerate()
        .map(|(i, &b)| i64::from(counted(i, b)))
        .sum();
    let signed: i64 = block
        .iter()
        .enumerate()
        .map(|(i, &b)| i64::from(counted(i, b).cast_signed()))
        .sum();
    expected == unsigned || expected == signed
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BuildContext, Rule, Settings, Target, lint_target};

    /// A ustar header for `name`, with its checksum, padded to 512 bytes.
    fn tar_header(name: &str) -> Vec<u8> {
        let mut block = vec![0u8; 512];
        block[..name.len()].copy_from_slice(name.as_bytes());
        block[100..108].copy_from_slice(b"0000644\0");
        block[124..136].copy_from_slice(b"00000000006\0");
        block[156] = b'0';
        block[257..263].copy_from_slice(b"ustar\0");
        block[263..265].copy_from_slice(b"00");
        block[148..156].copy_from_slice(b"        ");
        let sum: u32 = block.iter().map(|&b| u32::from(b)).sum();
        block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        block
    }

    #[test]
    fn tar_headers() {
        let header = tar_header("hello.txt");
        assert!(is_tar_header(&header));
        // A checksum off by one, a short block, zeros, text.
        let mut wrong = header.clone();
        wrong[0] = b'j';
        assert!(!is_tar_header(&wrong));
        assert!(!is_tar_header(&header[..511]));
        assert!(!is_tar_header(&[0; 512]));
        assert!(!is_tar_header(&[b'a'; 512]));
        // Signed sums are accepted too: a name byte above 127.
        let mut high = header;
        high[1] = 0xe9;
        high[148..156].copy_from_slice(b"        ");
        let signed: i64 = high.iter().map(|&b| i64::from(b.cast_signed())).sum();
        high[148..156].copy_from_slice(format!("{signed:06o}\0 ").as_bytes());
        assert!(is_tar_header(&high));
    }

    /// What the context shows decides: a tar (whatever its name) is not reported, a
    /// compressed file gets no fix, a file not in the context an unsafe one, each with a
    /// note saying why.
    #[test]
    fn the_context_shows_what_add_unpacks() {
        let tar = String::from_utf8(tar_header("hello.txt")).unwrap();
        let context = BuildContext::in_memory([
            ("rootfs.img", tar.as_str()),
            ("app.conf", "key = value\n"),
            ("dir/file", ""),
        ]);
        let mut settings = Settings::default();
        settings.set_enabled(Rule::AddInsteadOfCopy, true);
        let lint = |source: &str| {
            let target = Target {
                path: None,
                context: Some(&context),
            };
            lint_target(source, &target, &settings)
                .diagnostics
                .into_iter()
                .filter(|d| d.rule.code == "LL128")
                .map(|d| {
                    let fix = d.fix.map(|f| format!("{:?}", f.applicability));
                    (fix, d.note.unwrap_or_default())
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(lint("FROM a\nADD rootfs.img /\n"), []);
        assert_eq!(
            lint("FROM a\nADD app.conf dir /etc/\n"),
            [(Some("Safe".to_owned()), String::new())]
        );
        let compressed = lint("FROM a\nADD data.bin /\n");
        assert_eq!(compressed.len(), 1);
        let (fix, note) = &compressed[0];
        assert_eq!(fix.as_deref(), Some("Unsafe"), "not in the context");
        assert!(
            note.contains("`data.bin` is not in the build context"),
            "{note}"
        );
        // bzip2's magic (in-memory files are text: gzip's is in the fixture, on disk).
        let context = BuildContext::in_memory([("data.bin", "BZh91AY&SY")]);
        let target = Target {
            path: None,
            context: Some(&context),
        };
        let found = lint_target("FROM a\nADD data.bin /\n", &target, &settings).diagnostics;
        let finding = found.iter().find(|d| d.rule.code == "LL128").unwrap();
        assert!(finding.fix.is_none());
        assert!(
            finding
                .note
                .as_deref()
                .is_some_and(|n| n.contains("`data.bin` is compressed")),
            "{:?}",
            finding.note
        );
    }
}
