//! The report formats. Each one is a function from the checked files to bytes; they all
//! carry the rule code, name, severity, exact range and the fix, when there is one.

mod checkstyle;
mod concise;
mod github;
mod gitlab;
mod json;
mod junit;
mod sarif;
mod text;

use std::io::{self, Write};

use crate::check::FileReport;
use crate::cli::Format;

/// Writes the findings of `files` in `format`; `color` only matters to `text`.
pub fn write(
    format: Format,
    files: &[FileReport],
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(files, color, out),
        Format::Concise => concise::write(files, out),
        Format::Json => json::write(files, out),
        Format::Sarif => sarif::write(files, out),
        Format::Checkstyle => checkstyle::write(files, out),
        Format::Junit => junit::write(files, out),
        Format::Github => github::write(files, out),
        Format::Gitlab => gitlab::write(files, out),
    }
}

/// A format whose report is each file's part in turn, with nothing between them but what
/// [`write`] adds around them: its parts can be rendered per file, as soon as each file is
/// checked ([`crate::check::RunOptions::render`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PerFile {
    format: Format,
    color: bool,
}

impl PerFile {
    /// `format` written with `color` (which only `text` has), if its parts are per file.
    pub fn of(format: Format, color: bool) -> Option<PerFile> {
        matches!(format, Format::Text | Format::Concise | Format::Github)
            .then_some(PerFile { format, color })
    }
}

/// Renders the part of `file` (its findings, and `source`, the text they point into, for
/// the text format's code frames) that [`write`] would write for it in `format`.
pub fn render_file(
    format: PerFile,
    file: &FileReport,
    source: Option<&str>,
    out: &mut Vec<u8>,
) -> io::Result<()> {
    match format.format {
        Format::Text => text::write_file_part(file, source, format.color, out),
        Format::Concise => concise::write_file(file, out),
        Format::Github => github::write_file(file, out),
        _ => Ok(()),
    }
}

/// A path as the line-oriented formats (`concise`, `text`) write it: as it is or, when it
/// holds a control character (a line break would split a finding's line in two), quoted
/// with escapes (Go's `strconv.Quote`, as BuildKit quotes in its messages; much as git
/// quotes such names): `"a\nb.Dockerfile"`. The structured formats carry the path as it
/// is, escaped by their own syntax.
pub(crate) fn line_path(path: &str) -> std::borrow::Cow<'_, str> {
    if has_control(path) {
        std::borrow::Cow::Owned(layerlint_syntax::go_quote(path))
    } else {
        std::borrow::Cow::Borrowed(path)
    }
}

/// Whether `text` holds a control character ([`char::is_control`]: U+0000 to U+001F and
/// U+007F to U+009F). In UTF-8 their first byte is below 0x20, 0x7F or 0xC2: a text with
/// none of those bytes (every usual path) is not decoded character by character. The
/// bytes are tested without stopping at the first (a loop the compiler vectorises).
fn has_control(text: &str) -> bool {
    let maybe = text.bytes().fold(false, |found, b| {
        found | (b < 0x20) | (b == 0x7f) | (b == 0xc2)
    });
    maybe && text.chars().any(char::is_control)
}

/// Writes, in file order, parts rendered per file in parallel: for the formats that are a
/// sequence of independent per-file parts. Rendered a batch of files at a time, so that
/// memory stays bounded on a monorepo; a single file is rendered on this thread (the
/// lint of one file starts no thread pool either).
pub(crate) fn per_file(
    files: &[FileReport],
    out: &mut dyn Write,
    render: impl Fn(&FileReport, &mut Vec<u8>) -> io::Result<()> + Sync,
) -> io::Result<()> {
    use rayon::prelude::*;
    if files.len() < 2 {
        // One file (an editor on save, a hook per file): no thread pool to start.
        let mut part = Vec::new();
        for file in files {
            if let Some(rendered) = &file.rendered {
                out.write_all(rendered)?;
            } else if !file.findings.is_empty() {
                part.clear();
                render(file, &mut part)?;
                out.write_all(&part)?;
            }
        }
        return Ok(());
    }
    // The parts not rendered as each file was checked.
    let pending = |file: &FileReport| file.rendered.is_none() && !file.findings.is_empty();
    for batch in files.chunks(512) {
        let parts: Vec<Vec<u8>> = if batch.iter().any(pending) {
            batch
                .par_iter()
                .map(|file| {
                    let mut part = Vec::new();
                    if pending(file) {
                        // Room for a line of about 200 bytes per finding without growing.
                        part.reserve(file.findings.len() * 200);
                        render(file, &mut part)?;
                    }
                    Ok(part)
                })
                .collect::<io::Result<_>>()?
        } else {
            Vec::new()
        };
        let mut parts = parts.iter();
        // Handed to the writer as they are, a few hundred at a time: a `writev` rather
        // than a copy of each into the writer's buffer (megabytes, on a monorepo).
        let mut slices: Vec<io::IoSlice<'_>> = Vec::with_capacity(batch.len());
        for file in batch {
            let part = parts.next();
            match (&file.rendered, part) {
                (Some(rendered), _) => slices.push(io::IoSlice::new(rendered)),
                (None, Some(part)) => slices.push(io::IoSlice::new(part)),
                (None, None) => {}
            }
        }
        write_all_vectored(out, &mut slices)?;
    }
    Ok(())
}

/// Writes every byte of `slices` (`Write::write_all_vectored`, not yet stable): a writer
/// may take part of them, or none of the empty ones, at each call.
fn write_all_vectored(out: &mut dyn Write, mut slices: &mut [io::IoSlice<'_>]) -> io::Result<()> {
    io::IoSlice::advance_slices(&mut slices, 0);
    while !slices.is_empty() {
        match out.write_vectored(slices) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => io::IoSlice::advance_slices(&mut slices, n),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// Whether a format is for people (its stream may also get the summary line).
pub fn is_human(format: Format) -> bool {
    matches!(format, Format::Text | Format::Concise)
}

/// Escapes text for XML attributes and content, dropping the characters XML 1.0 forbids
/// even as references (control characters other than tab and line breaks, U+FFFE and
/// U+FFFF), so that the document stays well-formed whatever a message quotes.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
            c => out.push(c),
        }
    }
    out
}

/// A path with `/` separators: `\` becomes `/` only where it separates directories
/// (Windows); elsewhere it is a character of a file name (`a\b.Dockerfile` is one file).
pub(crate) fn slashed(path: &str) -> std::borrow::Cow<'_, str> {
    if std::path::MAIN_SEPARATOR == '\\' {
        path.replace('\\', "/").into()
    } else {
        path.into()
    }
}

/// A path as a URI reference (`/` separators, reserved bytes %-encoded): relative for a
/// relative path, with its colons encoded (`a:b.Dockerfile` would otherwise read as a URI
/// of scheme `a`); a Windows path with a drive letter becomes a `file:///C:/…` URI.
pub(crate) fn uri(path: &str) -> String {
    let absolute = std::path::Path::new(path).is_absolute();
    let path = slashed(path);
    let mut out = String::with_capacity(path.len() + 8);
    if absolute && !path.starts_with('/') {
        out.push_str("file:///");
    }
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric()
            || b"-._~/!$&'()*+,;=@".contains(&byte)
            || (byte == b':' && absolute)
        {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::io::{self, IoSlice, Write};

    /// A writer that takes a few bytes of its first non-empty slice at a time, and is
    /// interrupted every other call.
    struct Trickle {
        written: Vec<u8>,
        calls: usize,
    }

    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.write_vectored(&[IoSlice::new(buf)])
        }

        fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls.is_multiple_of(2) {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let first = bufs
                .iter()
                .find(|b| !b.is_empty())
                .map_or(&[][..], |b| &b[..]);
            let n = first.len().min(3);
            self.written.extend_from_slice(&first[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Every byte of every slice is written, in order, however little the writer takes at
    /// a time; empty slices are skipped.
    #[test]
    fn vectored_writes_write_everything() {
        let parts: [&[u8]; 5] = [b"", b"a:1:1: one\n", b"", b"b:2:3: two\n", b"c"];
        let mut slices: Vec<IoSlice<'_>> = parts.iter().map(|p| IoSlice::new(p)).collect();
        let mut out = Trickle {
            written: Vec::new(),
            calls: 0,
        };
        super::write_all_vectored(&mut out, &mut slices).unwrap();
        assert_eq!(out.written, b"a:1:1: one\nb:2:3: two\nc");
        assert!(out.calls > 8);
        // A writer that takes nothing fails rather than loops.
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Ok(0)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut slices = [IoSlice::new(b"x")];
        let err = super::write_all_vectored(&mut Full, &mut slices).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WriteZero);
    }

    #[test]
    fn control_characters_are_found_as_char_is_control_finds_them() {
        for c in (0..=0x800u32)
            .filter_map(char::from_u32)
            .chain(['\u{ffff}', '\u{10ffff}'])
        {
            for text in [c.to_string(), format!("a/{c}b"), format!("é{c}")] {
                assert_eq!(
                    super::has_control(&text),
                    text.chars().any(char::is_control),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn line_paths_quote_only_names_with_control_characters() {
        use std::borrow::Cow;
        for plain in ["Dockerfile", "dir/a b.Dockerfile", "é\\\"x\".Dockerfile"] {
            assert!(matches!(super::line_path(plain), Cow::Borrowed(p) if p == plain));
        }
        assert_eq!(
            super::line_path("a\\b\"\u{1}\u{85}\r\n.Dockerfile"),
            r#""a\\b\"\x01\u0085\r\n.Dockerfile""#
        );
        // One line, whatever the name holds.
        let every: String = (0..=0xa0u32).filter_map(char::from_u32).collect();
        assert!(!super::line_path(&every).contains(['\n', '\r']));
    }

    /// XML 1.0's `Char` production: what a well-formed document may contain.
    fn is_xml_char(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
            || c >= '\u{10000}'
    }

    #[test]
    fn xml_escape_leaves_only_xml_characters() {
        let every: String = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .collect();
        let escaped = super::xml_escape(&every);
        assert!(escaped.chars().all(is_xml_char));
        assert!(!escaped.contains(['<', '>', '"', '\'', '\n']));
        assert_eq!(
            super::xml_escape("a\u{1}\u{1b}[1m\u{fffe}\u{ffff}b"),
            "a[1mb"
        );
    }

    #[test]
    fn uri_of_a_relative_path_has_no_scheme() {
        assert_eq!(super::uri("c:x.Dockerfile"), "c%3Ax.Dockerfile");
        assert_eq!(super::uri("api/a:b.Dockerfile"), "api/a%3Ab.Dockerfile");
        assert_eq!(
            super::uri("d #1/ü x%.Dockerfile"),
            "d%20%231/%C3%BC%20x%25.Dockerfile"
        );
        assert_eq!(super::uri("../Dockerfile"), "../Dockerfile");
    }

    #[cfg(unix)]
    #[test]
    fn uri_keeps_a_backslash_in_a_file_name() {
        assert_eq!(super::uri("a\\b.Dockerfile"), "a%5Cb.Dockerfile");
    }

    #[cfg(unix)]
    #[test]
    fn uri_of_an_absolute_path() {
        assert_eq!(super::uri("/srv/a:b/Dockerfile"), "/srv/a:b/Dockerfile");
    }

    #[cfg(windows)]
    #[test]
    fn uri_of_an_absolute_path() {
        assert_eq!(
            super::uri(r"C:\src\Dockerfile"),
            "file:///C:/src/Dockerfile"
        );
    }
}
