//! Helpers for the command-line tests: a scratch directory with files, and the binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub const TUTORIAL: &str = "FROM node:20\n\nWORKDIR /usr/src/app\n\nCOPY package* .\nCOPY ./prisma .\n    \nRUN npm install\nRUN npx prisma generate\n\nCOPY . .\n\nEXPOSE 3000\n\nCMD [\"node\", \"dist/index.js\", ]\n";
pub const FIXED_TUTORIAL_CMD: &str = "CMD [\"node\", \"dist/index.js\"]\n";
pub const CLEAN: &str = "FROM alpine:3.20\nCMD [\"echo\", \"hi\"]\n";

/// A scratch directory.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

/// The rules the command-line tests run (a `select` in the scratch directory's
/// `layerlint.toml`), so that rules added later do not change what they expect.
pub const RULES: &str = "LL001,LL002,LL003,LL004,LL005,LL006,LL101";

/// `select = [...]` for a test's own configuration file.
pub fn select_line() -> String {
    let codes: Vec<String> = RULES.split(',').map(|c| format!("{c:?}")).collect();
    format!("select = [{}]\n", codes.join(", "))
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch {
            dir: tempfile::tempdir().unwrap(),
        }
    }
}

impl Scratch {
    /// A scratch directory whose `layerlint.toml` selects [`RULES`].
    pub fn new() -> Scratch {
        let scratch = Scratch::default();
        scratch.file("layerlint.toml", select_line());
        scratch
    }

    /// A scratch directory without configuration (every default rule runs).
    pub fn bare() -> Scratch {
        Scratch::default()
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(relative)).unwrap()
    }

    /// `layerlint` run in this directory, with no colour and no config from outside.
    pub fn layerlint(&self) -> Command {
        let mut command = Command::cargo_bin("layerlint").unwrap();
        command
            .current_dir(self.dir.path())
            .env_remove("FORCE_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env("NO_COLOR", "1");
        command
    }
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_owned()
}
