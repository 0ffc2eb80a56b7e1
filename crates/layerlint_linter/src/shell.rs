//! The shell scripts a RUN executes, parsed once per instruction for every rule.

use std::rc::Rc;

use layerlint_cache::script::ParsedScripts;
use layerlint_shell::Script;
use layerlint_syntax::{Dockerfile, Heredoc, Instruction};

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
    let mut scripts = Vec::new();
    if !is_posix_shell(shell) {
        return scripts;
    }
    let Some(main) = parsed.shell_form(instruction) else {
        return scripts;
    };
    // The heredoc bodies a shell runs: a lone marker's, or those a POSIX shell reads
    // its script from.
    let executed = layerlint_cache::script::executed_heredocs(instruction, &main);
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
    scripts.insert(
        0,
        ShellScript {
            source: ScriptSource::ShellForm,
            script: main,
            managers: std::cell::OnceCell::new(),
        },
    );
    scripts
}

/// Whether a heredoc body a shell reads is a POSIX shell script: not one whose `#!` names
/// another interpreter, or none.
fn runs_heredoc(file: &Dockerfile, heredoc: &Heredoc) -> bool {
    shebang_interpreter(&file.source()[heredoc.body])
        .is_none_or(|interpreter| POSIX_SHELLS.contains(&interpreter))
}

#[cfg(test)]
mod tests {
    use super::*;

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
