use layerlint_shell::Command;
use layerlint_syntax::semantic::Stage;
use layerlint_syntax::{Body, InstructionKind};
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Programs, Wants};
use crate::rules::shell::run_support::commands;
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a local tar archive (`.tar`, `.tar.gz`/`.tgz`, `.tar.bz2`, `.tar.xz`,
    /// `.tar.zst`) copied with `COPY` and then extracted with `tar -x` by a later `RUN` of
    /// the same stage. The finding is at the `COPY`, with the extraction as a related
    /// location.
    ///
    /// Not reported: zip files and other formats `ADD` does not extract (hadolint's DL3010
    /// suggests `ADD` for them too), and extractions `ADD` cannot do: `tar` with
    /// `--strip-components`, `--exclude`, `--wildcards`, `--transform` or a list of members.
    ///
    /// ## Why is this bad?
    /// The archive stays in the `COPY` layer even when the `RUN` deletes it afterwards, so
    /// the image carries it twice: packed and unpacked. `ADD app.tar.gz /opt/` unpacks a
    /// local tar archive in one layer.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM debian:12
    /// COPY vendor/app-1.4.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app-1.4.tar.gz -C /opt && rm /tmp/app-1.4.tar.gz
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM debian:12
    /// ADD vendor/app-1.4.tar.gz /opt/
    /// ```
    ///
    /// ```dockerfile
    /// FROM debian:12
    /// COPY vendor/app-1.4.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app-1.4.tar.gz --strip-components=1 -C /opt
    /// ```
    ///
    /// ## Fix safety
    /// No fix: `ADD` extracts into the destination directory, while the `RUN` may extract
    /// elsewhere, change ownership, or run other commands in between.
    pub(crate) struct CopyArchiveThenExtract {
        code: "LL527",
        name: "copy-archive-then-extract",
        category: Shell,
        severity: Info,
        fix: None,
        summary: "a tar archive copied with COPY and extracted by a later RUN, instead of ADD",
        equivalents: [Hadolint("DL3010")],
    }
}

/// The archives copied so far in the stage: basename, the source's range, reported.
#[derive(Default)]
pub(crate) struct Copied {
    archives: Vec<(String, TextRange, bool)>,
}

const TAR_EXTENSIONS: [&str; 12] = [
    ".tar", ".tar.gz", ".tgz", ".taz", ".tar.bz2", ".tbz2", ".tbz", ".tb2", ".tar.xz", ".txz",
    ".tar.zst", ".tzst",
];

fn is_tar_archive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TAR_EXTENSIONS.iter().any(|e| lower.ends_with(e)) && lower.len() > 4
}

fn basename(path: &str) -> &str {
    let path = path.trim_matches(['"', '\'']);
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

impl Check for CopyArchiveThenExtract {
    type State = Copied;
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Copy, InstructionKind::Run]);
    const PROGRAMS: Programs = Programs::named(&["tar"]);

    fn start_stage(&self, _cx: &mut Context<'_>, state: &mut Copied, _stage: &Stage) {
        state.archives.clear();
    }

    fn instruction(&self, cx: &mut Context<'_>, state: &mut Copied, node: &Node<'_>) {
        let instruction = node.instruction;
        match &instruction.body {
            Body::Copy(paths) => {
                if instruction.flag("from").is_some() || !instruction.heredocs.is_empty() {
                    return;
                }
                let Some(destination) = paths.destination() else {
                    return;
                };
                if destination.text.contains('$') {
                    return;
                }
                let sources = paths.sources();
                let to_file = is_tar_archive(basename(&destination.text))
                    && !destination.text.ends_with('/')
                    && sources.len() == 1;
                for source in sources {
                    if source.text.contains(['$', '*', '?'])
                        || !is_tar_archive(basename(&source.text))
                    {
                        continue;
                    }
                    let name = if to_file {
                        basename(&destination.text)
                    } else {
                        basename(&source.text)
                    };
                    state.archives.push((name.to_owned(), source.range, false));
                }
            }
            Body::Run(_) => {
                if state.archives.iter().all(|(_, _, reported)| *reported) {
                    return;
                }
                let scripts = cx.scripts(node);
                for command in commands(&scripts) {
                    let Some(archive) = plain_tar_extraction(command) else {
                        continue;
                    };
                    let name = basename(&archive);
                    for (copied, range, reported) in &mut state.archives {
                        if *reported || copied != name {
                            continue;
                        }
                        *reported = true;
                        cx.report(
                            *range,
                            format!(
                                "`{copied}` is copied, then extracted by a later RUN; `ADD` \
                                 extracts a local tar archive in one layer"
                            ),
                        )
                        .related(command.range(), "extracted here");
                    }
                }
            }
            _ => {}
        }
    }
}

/// The archive a `tar` command extracts whole (no member list, no path rewriting).
fn plain_tar_extraction(command: Command<'_>) -> Option<String> {
    if !command.is("tar") {
        return None;
    }
    let words: Vec<&str> = command.args().map(|w| w.value_lossy()).collect();
    let mut extract = false;
    let mut archive: Option<String> = None;
    let mut operands = 0;
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        i += 1;
        if let Some(long) = word.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            match name {
                "extract" | "get" => extract = true,
                "file" => {
                    archive = value.map(str::to_owned).or_else(|| {
                        i += 1;
                        words.get(i - 1).map(|s| (*s).to_owned())
                    });
                }
                "strip-components" | "exclude" | "exclude-from" | "wildcards" | "transform"
                | "xform" | "files-from" => return None,
                "directory" | "owner" | "group" | "mode" | "use-compress-program"
                    if value.is_none() =>
                {
                    i += 1;
                }
                _ => {}
            }
            continue;
        }
        // `tar xzf file` (letters without a dash) as the first argument, or `-xzf file`.
        let letters = match word.strip_prefix('-') {
            Some(letters) if !letters.is_empty() => letters,
            Some(_) => {
                operands += 1;
                continue;
            }
            None if i == 1 && word.bytes().all(|b| b.is_ascii_alphabetic()) => word,
            None => {
                operands += 1;
                continue;
            }
        };
        for (at, letter) in letters.char_indices() {
            match letter {
                'x' => extract = true,
                'f' | 'C' | 'T' | 'X' => {
                    let rest = &letters[at + 1..];
                    let value = if rest.is_empty() {
                        i += 1;
                        words.get(i - 1).map(|s| (*s).to_owned())
                    } else {
                        Some(rest.to_owned())
                    };
                    match letter {
                        'f' => archive = value,
                        'T' | 'X' => return None,
                        _ => {}
                    }
                    break;
                }
                _ => {}
            }
        }
    }
    (extract && operands == 0).then_some(archive).flatten()
}

#[cfg(test)]
mod tests {
    use layerlint_shell::parse_str;

    use super::*;

    #[test]
    fn tar_extractions() {
        let archive = |text: &str| plain_tar_extraction(parse_str(text).commands().next().unwrap());
        assert_eq!(
            archive("tar -xzf /tmp/a.tgz -C /opt").as_deref(),
            Some("/tmp/a.tgz")
        );
        assert_eq!(archive("tar xzf a.tar.gz").as_deref(), Some("a.tar.gz"));
        assert_eq!(archive("tar -C /opt -xf a.tar").as_deref(), Some("a.tar"));
        assert_eq!(
            archive("tar --extract --file=a.tar").as_deref(),
            Some("a.tar")
        );
        assert_eq!(archive("tar -xf a.tar --strip-components=1"), None);
        assert_eq!(archive("tar -xf a.tar some/member"), None);
        assert_eq!(archive("tar -czf a.tgz dir"), None);
        assert!(is_tar_archive("app.TGZ"));
        assert!(!is_tar_archive("app.zip"));
        assert!(!is_tar_archive("app.gz"));
    }
}
