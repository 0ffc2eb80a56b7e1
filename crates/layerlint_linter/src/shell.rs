//! The shell scripts a RUN executes, parsed once per instruction for every rule.

use std::rc::Rc;

use layerlint_cache::script::ParsedScripts;
use layerlint_shell::{Command, Script, TextId, Word};
use layerlint_syntax::{Dockerfile, Heredoc, Instruction};
use layerlint_text::{TextRange, TextSize};

/// Where a script comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptSource {
    /// The shell-form text of the RUN.
    ShellForm,
    /// The body of the RUN's heredoc of this index, run by a POSIX shell.
    Heredoc(usize),
}

/// A parsed script of a RUN.
#[derive(Debug)]
pub struct ShellScript {
    pub source: ScriptSource,
    /// Shared with the layer-cache planner, which reads the same RUNs.
    pub script: Rc<Script>,
    /// Which package managers the script may run, and which of its commands may be one,
    /// for the package-manager rules to look only at those.
    pub(crate) managers: std::cell::OnceCell<crate::rules::shell::package_managers::Managers>,
}

pub use layerlint_cache::script::{POSIX_SHELLS, is_posix_shell, shebang_interpreter};

/// The scripts `instruction` (a RUN) runs with `shell`: its shell-form text, and each
/// heredoc body that a POSIX shell executes (`RUN <<EOF`, `RUN bash <<EOF`, not
/// `RUN sh -c '…' <<EOF`; not a body whose `#!` names another interpreter). Nothing when
/// `shell` is not a POSIX shell (PowerShell, cmd).
pub fn scripts(
    file: &Dockerfile,
    instruction: &Instruction,
    shell: &[String],
    parsed: &ParsedScripts,
) -> Vec<ShellScript> {
    if !is_posix_shell(shell) {
        return Vec::new();
    }
    let Some(main) = parsed.shell_form(instruction) else {
        return Vec::new();
    };
    // The heredoc bodies a shell runs: a lone marker's, or those a POSIX shell reads
    // its script from.
    let executed = layerlint_cache::script::executed_heredocs(instruction, &main);
    let mut scripts = Vec::with_capacity(1 + instruction.heredocs.len());
    scripts.push(ShellScript {
        source: ScriptSource::ShellForm,
        script: main,
        managers: std::cell::OnceCell::new(),
    });
    for (index, heredoc) in instruction.heredocs.iter().enumerate() {
        if !executed[index] || !runs_heredoc(file, heredoc) {
            continue;
        }
        scripts.push(ShellScript {
            source: ScriptSource::Heredoc(index),
            script: parsed.heredoc(file, instruction, index),
            managers: std::cell::OnceCell::new(),
        });
    }
    scripts
}

/// Whether a heredoc body a shell reads is a POSIX shell script: not one whose `#!` names
/// another interpreter, or none.
fn runs_heredoc(file: &Dockerfile, heredoc: &Heredoc) -> bool {
    shebang_interpreter(&file.source()[heredoc.body])
        .is_none_or(|interpreter| POSIX_SHELLS.contains(&interpreter))
}

/// Whether `word`'s range in the Dockerfile `source` holds exactly its text (no line
/// continuation inside, not mapped through an outer shell's quotes).
pub(crate) fn maps_exactly(source: &str, word: Word<'_>) -> bool {
    source.get(word.range().to_std()) == Some(word.text())
}

/// The Dockerfile range to replace with `with` so that `word` (of a command of `script`)
/// reads as `with` and nothing else changes, when there is one. `with` is plain text: no
/// quotes, escapes, expansions or whitespace.
///
/// A word of the RUN's own script whose source text is its text is replaced where it
/// stands. A word inside an `sh -c` string is mapped through the outer shell's quote
/// removal, so its range in the Dockerfile may leave out an escape that belongs to it
/// (`\"install\"` in `sh -c "npm \"install\""`, which the inner shell reads as
/// `"install"`) or take in a quote of the outer shell (`ins"tall` in
/// `sh -c "npm "ins"tall"`): the string is rewritten with the word's range, or that range
/// with the escape before it, replaced, parsed again, and must read as the inner script
/// with only that word changed. Otherwise (the string spans a line continuation, is
/// itself in an `sh -c` string with escapes, or the word is cut by a quote of the outer
/// shell) there is none.
pub(crate) fn word_replacement(
    source: &str,
    script: &Script,
    command: Command<'_>,
    word: Word<'_>,
    with: &str,
) -> Option<TextRange> {
    let range = word.range();
    let text = word.text_id();
    if text == TextId::ROOT {
        // The script's text is the Dockerfile's, less its line continuations.
        return maps_exactly(source, word).then_some(range);
    }
    // The command whose `sh -c` string is the word's text.
    let mut holder = command.parent();
    while let Some(h) = holder {
        if h.shell_string_text() == Some(text) {
            break;
        }
        holder = h.parent();
    }
    let string = holder?.shell_string()?;
    let string_range = string.range();
    if source.get(string_range.to_std()) != Some(string.text()) {
        return None;
    }
    let inner = script.mapped_text(text).as_str();
    let at = word.text_range();
    let expected = format!(
        "{}{with}{}",
        &inner[..at.start().to_usize()],
        &inner[at.end().to_usize()..]
    );
    // The escape of the word's first character is dropped from the inner script, so the
    // mapped range starts after it.
    let escaped =
        range.start() > string_range.start() && source[..range.start().to_usize()].ends_with('\\');
    let candidates = [
        Some(range),
        escaped.then(|| TextRange::new(range.start() - TextSize::new(1), range.end())),
    ];
    candidates.into_iter().flatten().find(|candidate| {
        if !string_range.contains_range(*candidate) {
            return false;
        }
        let from = (candidate.start() - string_range.start()).to_usize();
        let to = (candidate.end() - string_range.start()).to_usize();
        let written = format!("{}{with}{}", &string.text()[..from], &string.text()[to..]);
        let again = layerlint_shell::parse_str(&format!("sh -c {written}"));
        let Some(sh) = again.commands().next() else {
            return false;
        };
        !again.has_errors()
            && sh.shell_string().map(|w| w.text()) == Some(written.as_str())
            && sh
                .shell_string_text()
                .map(|t| again.mapped_text(t).as_str())
                == Some(expected.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `npm install` in `RUN <script>`, with `install` replaced by `ci` where
    /// [`word_replacement`] says; `None` when it gives no range.
    fn replaced(script: &str) -> Option<String> {
        let source = format!("RUN {script}");
        let parsed = layerlint_shell::parse(&layerlint_text::MappedText::contiguous(
            script,
            TextSize::new(4),
        ));
        let npm = parsed
            .commands()
            .find(|c| c.unwrapped().is("npm"))?
            .unwrapped();
        let install = npm.words().nth(1)?;
        let range = word_replacement(&source, &parsed, npm, install, "ci")?;
        let mut fixed = source;
        fixed.replace_range(range.to_std(), "ci");
        Some(fixed)
    }

    #[test]
    fn words_are_replaced_with_their_escapes() {
        let cases = [
            ("npm install", Some("RUN npm ci")),
            (r#"sh -c "npm \"install\"""#, Some(r#"RUN sh -c "npm ci""#)),
            (
                r#"env sh -c "npm \\install""#,
                Some(r#"RUN env sh -c "npm ci""#),
            ),
            (r#"sh -c 'npm "install"'"#, Some("RUN sh -c 'npm ci'")),
            (r#"sh -c "npm "install"#, Some(r#"RUN sh -c "npm "ci"#)),
            (
                r#"bash -ec "npm \"install\" && echo \"done\"""#,
                Some(r#"RUN bash -ec "npm ci && echo \"done\"""#),
            ),
            // A quote of the outer shell inside the word; a string in a string.
            (r#"sh -c "npm "ins"tall""#, None),
            (r#"sh -c "sh -c \"npm \\\"install\\\"\"""#, None),
        ];
        for (script, expected) in cases {
            assert_eq!(replaced(script).as_deref(), expected, "{script}");
        }
    }

    fn heredoc_scripts(source: &str) -> usize {
        let file = layerlint_syntax::parse(source).file;
        let run = &file.instructions()[1];
        scripts(&file, run, &[], &ParsedScripts::default())
            .iter()
            .filter(|s| matches!(s.source, ScriptSource::Heredoc(_)))
            .count()
    }

    #[test]
    fn which_heredocs_are_scripts() {
        assert_eq!(
            heredoc_scripts("FROM a\nRUN <<EOF\napt-get update\nEOF\n"),
            1
        );
        assert_eq!(
            heredoc_scripts("FROM a\nRUN bash <<EOF\napt-get update\nEOF\n"),
            1
        );
        assert_eq!(
            heredoc_scripts("FROM a\nRUN <<EOF python3\nprint(1)\nEOF\n"),
            0
        );
        assert_eq!(
            heredoc_scripts("FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n"),
            0
        );
        assert_eq!(
            heredoc_scripts("FROM a\nRUN <<EOF\n#!/bin/bash\nset -e\nEOF\n"),
            1
        );
        // A `#!` line naming no program: the kernel runs no shell on it (`env` alone
        // prints the environment).
        for shebang in ["#!", "#! ", "#!/usr/bin/env", "#!/usr/bin/env -S"] {
            let source = format!("FROM a\nRUN <<EOF\n{shebang}\napt-get update\nEOF\n");
            assert_eq!(heredoc_scripts(&source), 0, "{shebang:?}");
        }
        // Input of the command its marker belongs to: a script only for a shell reading
        // its script from standard input.
        for (source, expected) in [
            ("FROM a\nRUN sudo bash -e <<EOF\nset -e\nEOF\n", 1),
            (
                "FROM a\nRUN sh -o errexit -s -- a b <<EOF\nset -e\nEOF\n",
                1,
            ),
            ("FROM a\nRUN sh -c 'cat > /x' <<EOF\nset -e\nEOF\n", 0),
            ("FROM a\nRUN bash -ec 'cat > /x' <<EOF\nset -e\nEOF\n", 0),
            ("FROM a\nRUN sh /setup.sh <<EOF\nset -e\nEOF\n", 0),
            ("FROM a\nRUN bash 3<<EOF\nset -e\nEOF\n", 0),
            (
                "FROM a\nRUN <<A sh; <<B cat > /x\nset -e\nA\nset -e\nB\n",
                1,
            ),
            (
                "FROM a\nRUN <<A cat > /x; <<B sh\nset -e\nA\nset -e\nB\n",
                1,
            ),
            // More than a lone marker: the shell runs the markers as redirections of no
            // command, and no body.
            ("FROM a\nRUN <<A <<B\nset -e\nA\nset -e\nB\n", 0),
            ("FROM a\nRUN <<EOF > /x\nset -e\nEOF\n", 0),
        ] {
            assert_eq!(heredoc_scripts(source), expected, "{source}");
        }
        assert!(is_posix_shell(&["/bin/bash".into(), "-c".into()]));
        assert!(!is_posix_shell(&["powershell".into(), "-Command".into()]));
        assert!(!is_posix_shell(&[
            "cmd.exe".into(),
            "/S".into(),
            "/C".into()
        ]));
    }
}
