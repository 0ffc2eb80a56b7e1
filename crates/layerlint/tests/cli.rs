//! The command line's behaviours and exit codes, run as a user runs them.

mod common;

use common::{CLEAN, FIXED_TUTORIAL_CMD, Scratch, TUTORIAL, select_line, stderr, stdout};

#[test]
fn findings_exit_1_clean_files_exit_0() {
    let s = Scratch::new();
    s.file("Dockerfile", TUTORIAL);
    s.file("clean/Dockerfile", CLEAN);
    let out = s.layerlint().arg("Dockerfile").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "Dockerfile:15:5: LL101 [invalid-json-exec-form] CMD array is not valid JSON, so it runs as a shell command\n"
    );
    assert!(
        stderr(&out).contains("1 fixable with `--fix`"),
        "{}",
        stderr(&out)
    );
    let out = s.layerlint().args(["check", "clean"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("No findings in 1 checked file."));
}

#[test]
fn exit_zero_and_failure_threshold() {
    let s = Scratch::new();
    s.file("Dockerfile", TUTORIAL);
    let code = |args: &[&str]| s.layerlint().args(args).output().unwrap().status.code();
    assert_eq!(code(&["--exit-zero", "Dockerfile"]), Some(0));
    assert_eq!(
        code(&["--failure-threshold", "none", "Dockerfile"]),
        Some(0)
    );
    assert_eq!(
        code(&["--failure-threshold", "error", "Dockerfile"]),
        Some(1)
    );
    assert_eq!(
        code(&[
            "--severity",
            "LL101=info",
            "--failure-threshold",
            "warning",
            "Dockerfile"
        ]),
        Some(0)
    );
    assert_eq!(
        code(&["--ignore", "invalid-json-exec-form", "Dockerfile"]),
        Some(0)
    );
    assert_eq!(code(&["--select", "LL0", "Dockerfile"]), Some(0));
    assert_eq!(code(&["--select", "correctness", "Dockerfile"]), Some(1));
    assert_eq!(code(&["--extend-select", "ALL", "Dockerfile"]), Some(1));
}

#[test]
fn usage_errors_exit_2() {
    let s = Scratch::new();
    s.file("Dockerfile", TUTORIAL);
    let out = s
        .layerlint()
        .args(["--select", "LL9999", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown rule `LL9999`"),
        "{}",
        stderr(&out)
    );
    let out = s
        .layerlint()
        .args(["--severity", "LL101", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = s
        .layerlint()
        .args(["--format", "yaml", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = s.layerlint().args(["--no-such-flag"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn errors_name_the_file_and_the_rest_is_still_checked() {
    let s = Scratch::new();
    s.file("a/Dockerfile", TUTORIAL);
    s.file("binary.Dockerfile", b"\x7fELF\x02\x01\x01\x00\x00\x00");
    s.file(
        "latin1.Dockerfile",
        b"FROM alpine\nLABEL author=\"Jos\xe9\"\n",
    );
    std::fs::create_dir_all(s.path().join("empty")).unwrap();
    let out = s
        .layerlint()
        .args([
            "missing/Dockerfile",
            "binary.Dockerfile",
            "latin1.Dockerfile",
            "empty",
            "a/Dockerfile",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).starts_with("a/Dockerfile:15:5: LL101 "),
        "{}",
        stdout(&out)
    );
    let err = stderr(&out);
    for line in [
        "error: missing/Dockerfile: No such file or directory",
        "error: binary.Dockerfile: binary file (NUL byte at offset 7), not a Dockerfile",
        "error: latin1.Dockerfile: not UTF-8 text (invalid byte at line 2, column 18)",
        "error: empty: no Dockerfile found",
    ] {
        assert!(err.contains(line), "missing `{line}` in:\n{err}");
    }
}

#[test]
fn build_args_as_docker_build_takes_them() {
    let s = Scratch::bare();
    s.file(
        "layerlint.toml",
        "select = [\"from-as-casing\", \"inconsistent-instruction-casing\", \"undefined-variable\"]\n",
    );
    s.file(".dockerignore", "");
    s.file(
        "Dockerfile",
        "#check=error=true\nFROM scratch as base\ncopy Dockerfile .\nARG OUT=$UNSET\nCOPY a $OUT\n",
    );
    let codes = |args: &[&str], env: Option<(&str, &str)>| {
        let mut cmd = s.layerlint();
        cmd.args(["check", "--format", "concise", "--exit-zero"])
            .args(args)
            .arg("Dockerfile");
        if let Some((name, value)) = env {
            cmd.env(name, value);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
            .lines()
            .map(|l| l.split(' ').nth(1).unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&[], None), ["LL605", "LL603", "LL109"]);
    // A given ARG's default is not evaluated: `$UNSET` does not matter.
    assert_eq!(
        codes(&["--build-arg", "OUT=/out"], None),
        ["LL605", "LL603"]
    );
    // `NAME` alone takes the environment's value, and is not given when that is unset.
    assert_eq!(
        codes(&["--build-arg", "OUT"], Some(("OUT", "/out"))),
        ["LL605", "LL603"]
    );
    assert_eq!(
        codes(&["--build-arg", "LAYERLINT_TEST_UNSET_ARG"], None),
        ["LL605", "LL603", "LL109"]
    );
    // BUILDKIT_DOCKERFILE_CHECK replaces the file's `# check=` (so `error=true` is gone too).
    assert_eq!(
        codes(
            &["--build-arg", "BUILDKIT_DOCKERFILE_CHECK=skip=FromAsCasing"],
            None
        ),
        ["LL603", "LL109"]
    );
    assert!(codes(&["--build-arg=BUILDKIT_DOCKERFILE_CHECK=skip=all"], None).is_empty());
    // The file's `error=true` makes its BuildKit findings errors; replaced, they are not.
    let out = s.layerlint().arg("Dockerfile").output().unwrap();
    assert!(stderr(&out).contains("(3 error)"), "{}", stderr(&out));
    let out = s
        .layerlint()
        .args([
            "--build-arg",
            "BUILDKIT_DOCKERFILE_CHECK=skip=none",
            "Dockerfile",
        ])
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("(1 warning, 2 style)"),
        "{}",
        stderr(&out)
    );
    // The configuration's `build-args`, which `--build-arg` adds to and overrides.
    s.file(
        "layerlint.toml",
        "select = [\"from-as-casing\", \"inconsistent-instruction-casing\", \"undefined-variable\"]\n[build-args]\nOUT = \"/out\"\nBUILDKIT_DOCKERFILE_CHECK = \"skip=all\"\n",
    );
    assert!(codes(&[], None).is_empty());
    assert_eq!(
        codes(
            &["--build-arg", "BUILDKIT_DOCKERFILE_CHECK=skip=FromAsCasing"],
            None
        ),
        ["LL603"]
    );
    let out = s
        .layerlint()
        .args(["--build-arg", "=x", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "layerlint: --build-arg: expected NAME=VALUE or NAME, got `=x`\n"
    );
}

#[test]
fn no_dockerfile_found() {
    let s = Scratch::new();
    s.file("README.md", "# nothing here\n");
    let out = s.layerlint().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no Dockerfile found"),
        "{}",
        stderr(&out)
    );
    let out = s.layerlint().arg("--allow-empty").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn discovery_walks_directories_with_their_ignores() {
    let s = Scratch::new();
    for path in [
        "Dockerfile",
        "dockerfile",
        "Dockerfile.dev",
        "Dockerfile-prod",
        "api.Dockerfile",
        "web/web.dockerfile",
        "Containerfile",
        "Containerfile.arm64",
        ".devcontainer/Dockerfile",
        "ignored/Dockerfile",
        "node_modules/pkg/Dockerfile",
        "vendor/Dockerfile",
        "deep/vendor/Dockerfile",
    ] {
        s.file(path, TUTORIAL);
    }
    s.file("Dockerfile.dockerignore", "node_modules\n");
    s.file("README.md", "FROM x\n");
    s.file(".gitignore", "ignored/\n");
    s.file("layerlint.toml", select_line() + "exclude = [\"vendor\"]\n");
    let out = s
        .layerlint()
        .args(["--format", "concise"])
        .output()
        .unwrap();
    let mut files: Vec<String> = stdout(&out)
        .lines()
        .map(|l| l.split(':').next().unwrap().to_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            ".devcontainer/Dockerfile",
            "Containerfile",
            "Containerfile.arm64",
            "Dockerfile",
            "Dockerfile-prod",
            "Dockerfile.dev",
            "api.Dockerfile",
            "dockerfile",
            "web/web.dockerfile",
        ]
    );
    // A file named explicitly is checked even when excluded, unless --force-exclude.
    let out = s.layerlint().args(["vendor/Dockerfile"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = s
        .layerlint()
        .args(["--force-exclude", "vendor/Dockerfile", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
    assert!(stdout(&out).starts_with("Dockerfile:"));
    // A commit that touches only excluded files: pre-commit's hook passes.
    let out = s
        .layerlint()
        .args([
            "--force-exclude",
            "vendor/Dockerfile",
            "deep/vendor/Dockerfile",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    // An excluded file on standard input with --fix comes back unchanged.
    let out = s
        .layerlint()
        .args(["--force-exclude", "--fix", "--stdin-filename"])
        .args(["vendor/Dockerfile", "-"])
        .write_stdin(TUTORIAL)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), TUTORIAL);
    let out = s
        .layerlint()
        .args(["--force-exclude", "vendor/Dockerfile", "missing/Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a missing file is still an error"
    );
    let out = s
        .layerlint()
        .args(["--extend-exclude", "web", "--format", "concise", "."])
        .output()
        .unwrap();
    assert!(!stdout(&out).contains("web/"), "{}", stdout(&out));
}

#[test]
fn stdin_with_a_filename() {
    let s = Scratch::new();
    s.file(
        "layerlint.toml",
        select_line() + "[severity]\nLL101 = \"info\"\n",
    );
    let out = s
        .layerlint()
        .args([
            "-",
            "--stdin-filename",
            "sub/Dockerfile",
            "--format",
            "json",
        ])
        .write_stdin(TUTORIAL)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json[0]["file"], "sub/Dockerfile");
    assert_eq!(
        json[0]["severity"], "info",
        "the config above the stdin path applies"
    );
    let out = s.layerlint().arg("-").write_stdin(CLEAN).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = s
        .layerlint()
        .arg("-")
        .write_stdin(&b"\x00\x01binary"[..])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: -: binary file (NUL byte at offset 0), not a Dockerfile\n"
    );
    // --fix on standard input prints the fixed file.
    let out = s
        .layerlint()
        .args(["--fix", "--quiet", "-"])
        .write_stdin(TUTORIAL)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).ends_with(FIXED_TUTORIAL_CMD),
        "{}",
        stdout(&out)
    );
    // ... and the file as it was when there is nothing to fix, with the findings on
    // standard error: what a pipe through `--fix -` reads back is always the file.
    for (args, input) in [
        (&["--isolated", "--fix", "-"][..], CLEAN),
        (&["--isolated", "--fix", "-"], "FROM ubuntu\n"),
        (&["--isolated", "--fix-only", "-"], "FROM ubuntu\n"),
        (&["--isolated", "--add-ignore", "-"], CLEAN),
    ] {
        let out = s
            .layerlint()
            .args(args)
            .write_stdin(input)
            .output()
            .unwrap();
        assert_eq!(stdout(&out), input, "{args:?}\n{}", stderr(&out));
    }
    let out = s
        .layerlint()
        .args(["--isolated", "--fix", "-"])
        .write_stdin("FROM ubuntu\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("-:1:6: LL401"),
        "the report goes to standard error: {}",
        stderr(&out)
    );
    // A fix that writes another file (`.dockerignore`, beside the path given) writes it,
    // as for a file on disk, rather than counting it fixed and dropping it.
    s.file("node/package.json", "{}");
    std::fs::create_dir(s.path().join("node/node_modules")).unwrap();
    let node = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
    let out = s
        .layerlint()
        .args(["--isolated", "--fix", "--unsafe-fixes", "--select", "LL204"])
        .args(["--stdin-filename", "node/Dockerfile", "-"])
        .write_stdin(node)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), node);
    assert!(
        s.read("node/.dockerignore").contains("node_modules"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn fix_writes_atomically_keeping_line_endings_bom_and_mode() {
    let s = Scratch::new();
    let crlf = format!("\u{feff}{}", TUTORIAL.replace('\n', "\r\n"));
    let path = s.file("Dockerfile", &crlf);
    s.file("clean/Dockerfile", CLEAN);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let clean_before = std::fs::metadata(s.path().join("clean/Dockerfile"))
        .unwrap()
        .modified()
        .unwrap();
    let out = s
        .layerlint()
        .args(["--fix", "--show-fixes", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("1 × LL101 (invalid-json-exec-form)"),
        "{}",
        stderr(&out)
    );
    let fixed = s.read("Dockerfile");
    assert!(fixed.starts_with('\u{feff}'), "BOM kept");
    assert!(
        fixed.ends_with(&FIXED_TUTORIAL_CMD.replace('\n', "\r\n")),
        "{fixed:?}"
    );
    assert_eq!(fixed.matches('\n').count(), fixed.matches("\r\n").count());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let clean_after = std::fs::metadata(s.path().join("clean/Dockerfile"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(
        clean_before, clean_after,
        "an unchanged file is not written"
    );
    let leftovers: Vec<_> = std::fs::read_dir(s.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".layerlint-"))
        .collect();
    assert!(leftovers.is_empty());
    let out = s.layerlint().arg(".").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn diff_writes_nothing_and_exits_1_with_changes() {
    let s = Scratch::new();
    s.file("Dockerfile", TUTORIAL);
    let out = s
        .layerlint()
        .args(["--diff", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -12,4 +12,4 @@\n \n EXPOSE 3000\n \n-CMD [\"node\", \"dist/index.js\", ]\n+CMD [\"node\", \"dist/index.js\"]\n"
    );
    assert_eq!(s.read("Dockerfile"), TUTORIAL);
    s.file("clean/Dockerfile", CLEAN);
    let out = s.layerlint().args(["--diff", "clean"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
}

#[test]
fn fix_only_and_exit_non_zero_on_fix() {
    let s = Scratch::new();
    s.file("Dockerfile", TUTORIAL);
    let out = s
        .layerlint()
        .args(["--fix-only", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(s.read("Dockerfile").ends_with(FIXED_TUTORIAL_CMD));
    s.file("Dockerfile", TUTORIAL);
    let out = s
        .layerlint()
        .args(["--fix", "--exit-non-zero-on-fix", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = s
        .layerlint()
        .args(["--fix", "--exit-non-zero-on-fix", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "nothing left to fix");
}

#[test]
fn fix_stops_where_the_file_stops_parsing() {
    // The heredoc is never terminated: fixes before it apply, the rest are held back
    // and named, and the run is not an error.
    let s = Scratch::bare();
    s.file(".dockerignore", ".git\n");
    let broken = "FROM debian:12\nARG BUILD_DATE\nrun apt-get install -y curl\nRUN <<EOF\napt-get install -y make\n";
    s.file("Dockerfile", broken);
    let out = s
        .layerlint()
        .args(["--fix", "--unsafe-fixes", "--exit-zero", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "warning: Dockerfile: fixes from line 4 on not applied: the file does not parse from there (LL209, LL503)"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        s.read("Dockerfile"),
        broken.replace(
            "\nrun apt-get install -y curl",
            "\nRUN apt-get install --no-install-recommends -y curl"
        )
    );
}

#[test]
fn fix_from_the_configuration() {
    let s = Scratch::new();
    s.file("Dockerfile", TUTORIAL);
    std::fs::remove_file(s.path().join("layerlint.toml")).unwrap();
    s.file(".layerlint.toml", select_line() + "fix = true\n");
    let out = s.layerlint().arg("Dockerfile").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(s.read("Dockerfile").ends_with(FIXED_TUTORIAL_CMD));
    s.file("Dockerfile", TUTORIAL);
    let out = s
        .layerlint()
        .args(["--no-fix", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(s.read("Dockerfile"), TUTORIAL);
}

#[test]
fn configuration_per_directory() {
    let s = Scratch::new();
    s.file("a/Dockerfile", TUTORIAL);
    s.file("a/layerlint.toml", select_line() + "ignore = [\"LL101\"]\n");
    s.file("b/Dockerfile", TUTORIAL);
    s.file("b/sub/Dockerfile", TUTORIAL);
    s.file("broken/Dockerfile", TUTORIAL);
    s.file(
        "broken/layerlint.toml",
        "select = [\"LL101\"]\ncolour = \"red\"\n",
    );
    let out = s.layerlint().args(["a", "b"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out)
            .lines()
            .map(|l| &l[..l.find(':').unwrap()])
            .collect::<Vec<_>>(),
        ["b/Dockerfile", "b/sub/Dockerfile"]
    );
    let out = s.layerlint().args(["broken", "b"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out).lines().count(), 2, "b is still checked");
    let err = stderr(&out);
    assert!(
        err.contains("layerlint.toml:2:1: unknown field `colour`"),
        "{err}"
    );
    assert_eq!(err.matches("unknown field").count(), 1, "{err}");
    // --config replaces discovery; --isolated ignores every file.
    s.file(
        "strict.toml",
        select_line() + "[severity]\nLL101 = \"style\"\n",
    );
    let out = s
        .layerlint()
        .args(["--config", "strict.toml", "--format", "json", "a", "broken"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(json[0]["severity"], "style");
    assert_eq!(
        out.status.code(),
        Some(0),
        "style is below the default threshold"
    );
    let out = s.layerlint().args(["--isolated", "a"]).output().unwrap();
    // (--isolated runs every default rule: at least LL101 fails.)
    assert_eq!(out.status.code(), Some(1));
    let out = s
        .layerlint()
        .args(["--config", "nope.toml", "a"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope.toml"), "{}", stderr(&out));
}

#[test]
fn hadolint_configuration_when_there_is_no_layerlint_one() {
    let s = Scratch::bare();
    s.file("Dockerfile", "FROM alpine:3.20\nRUN echo a \\\n\n    b\n");
    s.file(
        ".hadolint.yaml",
        "ignored:\n  - NoEmptyContinuation\nfailure-threshold: error\nformat: tty\n",
    );
    let out = s.layerlint().arg("Dockerfile").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains("LL006"), "{}", stdout(&out));
    s.file("layerlint.toml", "");
    let out = s.layerlint().arg("Dockerfile").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "layerlint.toml wins");
    std::fs::remove_file(s.path().join("layerlint.toml")).unwrap();
    s.file(".hadolint.yaml", "ignored: [\n");
    let out = s.layerlint().arg("Dockerfile").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(".hadolint.yaml:"), "{}", stderr(&out));
}

#[test]
fn several_formats_and_outputs_in_one_run() {
    let s = Scratch::new();
    s.file("Dockerfile", TUTORIAL);
    let out = s
        .layerlint()
        .args([
            "--format",
            "sarif",
            "--output",
            "report.sarif",
            "--format",
            "concise",
            "--format",
            "json",
            "-o",
            "report.json",
            "Dockerfile",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with("Dockerfile:15:5: LL101"),
        "{}",
        stdout(&out)
    );
    let sarif: serde_json::Value = serde_json::from_str(&s.read("report.sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let json: serde_json::Value = serde_json::from_str(&s.read("report.json")).unwrap();
    assert_eq!(json[0]["code"], "LL101");
    // Without --format, a file gets the concise format.
    let out = s
        .layerlint()
        .args(["-o", "out.txt", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "");
    assert!(s.read("out.txt").starts_with("Dockerfile:15:5: LL101"));
    // Two reports to one file (however it is spelled), or a report file with --diff or
    // --fix-only, which write no report: refused before anything runs.
    std::fs::remove_file(s.path().join("out.txt")).unwrap();
    std::fs::create_dir(s.path().join("a")).unwrap();
    for args in [
        &[
            "--format",
            "json",
            "-o",
            "out.txt",
            "--format",
            "sarif",
            "-o",
            "./out.txt",
        ][..],
        &[
            "--format",
            "json",
            "-o",
            "out.txt",
            "--format",
            "sarif",
            "-o",
            "a/../out.txt",
        ],
        &["--diff", "-o", "out.txt"],
        &["--fix-only", "--format", "sarif", "-o", "out.txt"],
    ] {
        let out = s.layerlint().args(args).arg("Dockerfile").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--output"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!s.path().join("out.txt").exists(), "{args:?}");
        assert_eq!(s.read("Dockerfile"), TUTORIAL, "{args:?}");
    }
}

#[test]
fn statistics_and_quiet() {
    let s = Scratch::new();
    s.file("a/Dockerfile", TUTORIAL);
    s.file("b/Dockerfile", TUTORIAL);
    let out = s
        .layerlint()
        .args(["--statistics", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "2  LL101  invalid-json-exec-form (2 fixable)\n"
    );
    assert_eq!(stderr(&out), "");
    let out = s
        .layerlint()
        .args(["--statistics", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json[0]["count"], 2);
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let s = Scratch::new();
    s.file("Dockerfile", TUTORIAL);
    let out = s
        .layerlint()
        .args(["--format", "text", "--color", "always", "Dockerfile"])
        .output()
        .unwrap();
    assert!(stdout(&out).contains("\u{1b}["), "colour when asked");
    let out = s
        .layerlint()
        .args(["--format", "text", "Dockerfile"])
        .output()
        .unwrap();
    assert!(
        !stdout(&out).contains("\u{1b}["),
        "NO_COLOR and no terminal"
    );
    assert!(stdout(&out).contains("error[LL101]"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("help: Write the array as valid JSON"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn context_must_be_a_directory() {
    let s = Scratch::new();
    s.file("Dockerfile", TUTORIAL);
    let out = s
        .layerlint()
        .args(["--context", "nope", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    std::fs::create_dir_all(s.path().join("ctx")).unwrap();
    let out = s
        .layerlint()
        .args(["--context", "ctx", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn version_help_and_completions() {
    let s = Scratch::new();
    let out = s.layerlint().arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        format!("layerlint {}\n", env!("CARGO_PKG_VERSION"))
    );
    let out = s.layerlint().arg("--help").output().unwrap();
    assert!(stdout(&out).contains("check"));
    for shell in ["bash", "zsh", "fish"] {
        let out = s.layerlint().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains("layerlint"), "{shell}");
    }
}

#[test]
fn init_writes_a_starter_that_loads() {
    let s = Scratch::bare();
    s.file(".hadolint.yaml", "ignored: [NoEmptyContinuation, DL9999]\n");
    let out = s.layerlint().arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = s.read("layerlint.toml");
    assert!(
        text.contains("ignore = [\"NoEmptyContinuation\"]"),
        "{text}"
    );
    assert!(text.contains("DL9999"), "{text}");
    s.file("Dockerfile", CLEAN);
    let out = s
        .layerlint()
        .args(["check", "--select", common::RULES, "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = s.layerlint().arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "refuses to overwrite");
}

#[test]
fn rule_pages_match_the_committed_ones() {
    let s = Scratch::new();
    let out = s.layerlint().args(["rule", "LL101"]).output().unwrap();
    let page =
        std::fs::read_to_string(common::root().join("rules/LL101-invalid-json-exec-form.md"))
            .unwrap();
    assert_eq!(stdout(&out), page);
    let by_name = s
        .layerlint()
        .args(["rule", "invalid-json-exec-form"])
        .output()
        .unwrap();
    assert_eq!(stdout(&by_name), page);
    let by_alias = s
        .layerlint()
        .args(["rule", "NoEmptyContinuation"])
        .output()
        .unwrap();
    assert!(stdout(&by_alias).starts_with("# LL006 `empty-continuation-line`"));
    let out = s
        .layerlint()
        .args(["rule", "--all", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let codes: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"LL101"));
    assert!(json[0]["url"].as_str().unwrap().contains("/rules/"));
    let out = s
        .layerlint()
        .args(["rule", "invalid-json-exec-from"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `invalid-json-exec-form`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn committed_schema_is_current() {
    let s = Scratch::new();
    let out = s.layerlint().args(["config", "--schema"]).output().unwrap();
    let committed = std::fs::read_to_string(common::root().join("layerlint.schema.json")).unwrap();
    assert_eq!(stdout(&out), committed, "run `cargo xtask schema`");
}

#[test]
fn the_repository_dockerfile_lints_clean() {
    let root = common::root();
    let out = assert_cmd::Command::cargo_bin("layerlint")
        .unwrap()
        .current_dir(&root)
        .args(["check", "--isolated", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn many_paths_in_one_directory() {
    // Enough paths to make discovery list the directory instead of a `stat` each.
    let s = Scratch::new();
    let mut args: Vec<String> = Vec::new();
    for i in 0..20 {
        s.file(&format!("many/{i}.Dockerfile"), TUTORIAL);
        args.push(format!("many/{i}.Dockerfile"));
    }
    s.file("many/sub/Dockerfile", TUTORIAL);
    args.push("many/sub".to_owned());
    args.push("many/missing.Dockerfile".to_owned());
    let out = s.layerlint().args(&args).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out).lines().count(), 21, "{}", stdout(&out));
    assert!(
        stderr(&out).contains("error: many/missing.Dockerfile: No such file or directory"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn shellcheck_can_be_turned_off_from_the_command_line() {
    let s = Scratch::new();
    s.file("Dockerfile", "FROM alpine:3.20\nRUN echo $HOME\n");
    let out = s
        .layerlint()
        .args([
            "check",
            "--shellcheck",
            "off",
            "--select",
            "ALL",
            "Dockerfile",
        ])
        .output()
        .unwrap();
    assert!(!stdout(&out).contains("SC"), "{}", stdout(&out));
}

/// `--add-ignore` writes one comment per instruction with findings (above a hadolint
/// pragma, which must stay on the line before its instruction), keeps the file's BOM, line
/// endings and mode, leaves the findings no comment may hide, and adds nothing the second
/// time.
#[test]
fn add_ignore_hides_findings_and_writes_like_fix() {
    let s = Scratch::bare();
    let source = "\u{feff}FROM node\nWORKDIR /app\n  # hadolint ignore=DL3008\n  RUN apt-get install curl && cd /x\nCMD [\"node\", ]\nFOO bar\n";
    let path = s.file("Dockerfile", source.replace('\n', "\r\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let run = |args: &[&str]| {
        s.layerlint()
            .args(["--isolated", "--shellcheck", "off"])
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--add-ignore=baseline", "."]);
    // The unknown instruction is to be fixed, not hidden: it is still reported.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    insta::assert_snapshot!(stdout(&out), @"Dockerfile:9:1: LL002 [invalid-instruction] unknown instruction: FOO");
    insta::assert_snapshot!(stderr(&out), @r"
    Hid 5 findings with 3 suppression comments in 1 file.
    Found 1 finding (1 error) in 1 of 1 file.
    ");
    let written = s.read("Dockerfile");
    assert!(written.starts_with('\u{feff}'), "BOM kept");
    assert_eq!(
        written.matches('\n').count(),
        written.matches("\r\n").count()
    );
    insta::assert_snapshot!(written.replace("\r\n", "\n").trim_start_matches('\u{feff}'), @r#"
    # layerlint ignore=LL401  # baseline
    FROM node
    WORKDIR /app
      # layerlint ignore=LL502,LL503,LL518  # baseline
      # hadolint ignore=DL3008
      RUN apt-get install curl && cd /x
    # layerlint ignore=LL101  # baseline
    CMD ["node", ]
    FOO bar
    "#);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    let out = run(&["--add-ignore", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("No suppression comments to add in 1 file.\n"),
        "{}",
        stderr(&out)
    );
    assert_eq!(s.read("Dockerfile"), written);
}

#[test]
fn add_ignore_on_stdin_prints_the_file_and_refuses_fix_modes() {
    let s = Scratch::bare();
    let out = s
        .layerlint()
        .args(["--isolated", "--add-ignore", "-"])
        .write_stdin("FROM alpine\nRUN sudo id\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "# layerlint ignore=LL401\nFROM alpine\n# layerlint ignore=LL304\nRUN sudo id\n"
    );
    for conflict in ["--fix", "--diff", "--fix-only", "--unsafe-fixes"] {
        let out = s
            .layerlint()
            .args(["--add-ignore", conflict, "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{conflict}");
        assert!(stderr(&out).contains("cannot be used with"), "{conflict}");
    }
    let out = s
        .layerlint()
        .args(["--add-ignore=two\nlines", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the reason must be one line"));
}

/// With ShellCheck, `--add-ignore` waits for its batched run and hides each of its
/// findings by its own code, for files and for standard input alike.
#[test]
fn add_ignore_hides_shellcheck_findings_by_their_codes() {
    if std::process::Command::new("shellcheck")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipping: no shellcheck on PATH");
        return;
    }
    let s = Scratch::bare();
    let source = "FROM alpine:3.20\nRUN cd /x && echo $HOME\n";
    s.file("a/Dockerfile", source);
    s.file("b/Dockerfile", source);
    let run = |args: &[&str]| {
        s.layerlint()
            .args(["--isolated", "--shellcheck", "auto"])
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--add-ignore", "a", "b"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let commented = "FROM alpine:3.20\n# layerlint ignore=LL518,SC2086\nRUN cd /x && echo $HOME\n";
    assert_eq!(s.read("a/Dockerfile"), commented);
    assert_eq!(s.read("b/Dockerfile"), commented);
    let out = run(&["a", "b"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = s
        .layerlint()
        .args(["--isolated", "--shellcheck", "auto", "--add-ignore", "-"])
        .write_stdin(source)
        .output()
        .unwrap();
    assert_eq!(stdout(&out), commented, "{}", stderr(&out));
}

/// `--diff` prints a patch that `git apply` takes as it is, and that makes of the files
/// what `--fix` makes of them: a file the fix creates (`.dockerignore`) comes from
/// `/dev/null` and lands next to its Dockerfile; a name with a quote or a line break is
/// quoted as git quotes it.
#[test]
fn diff_is_a_patch_git_applies_as_fix_would() {
    const NODE: &str = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD [\"node\", \"dist/index.js\", ]\n";
    let dirs: &[&str] = if cfg!(unix) {
        &["app", "we\"ird\nd"]
    } else {
        &["app"]
    };
    let project = || {
        let s = Scratch::bare();
        for dir in dirs {
            s.file(&format!("{dir}/Dockerfile"), NODE);
            s.file(&format!("{dir}/package.json"), "{\"name\": \"x\"}\n");
            s.file(&format!("{dir}/package-lock.json"), "{}\n");
        }
        s
    };
    // Every rule and every fix; 1: findings remain (or, with `--diff`, fixes pending).
    let run = |s: &Scratch, mode: &str| {
        let out = s
            .layerlint()
            .args(["--isolated", "--shellcheck", "off", "--select", "ALL"])
            .args(["--unsafe-fixes", mode, "."])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        stdout(&out)
    };
    let patched = project();
    let patch = run(&patched, "--diff");
    let headers: Vec<&str> = patch
        .lines()
        .filter(|l| l.starts_with("--- ") || l.starts_with("+++ "))
        .collect();
    let mut expected = vec![
        "--- a/app/Dockerfile",
        "+++ b/app/Dockerfile",
        "--- /dev/null",
        "+++ b/app/.dockerignore",
    ];
    if cfg!(unix) {
        expected.extend([
            r#"--- "a/we\"ird\nd/Dockerfile""#,
            r#"+++ "b/we\"ird\nd/Dockerfile""#,
            "--- /dev/null",
            r#"+++ "b/we\"ird\nd/.dockerignore""#,
        ]);
    }
    assert_eq!(headers, expected, "{patch}");
    let git = |args: &[&str], input: &str| {
        let mut child = std::process::Command::new("git")
            .current_dir(patched.path())
            .args(args)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("git runs");
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
        assert!(child.wait().unwrap().success(), "git {args:?}");
    };
    git(&["init", "-q"], "");
    git(&["apply", "-"], &patch);
    let fixed = project();
    run(&fixed, "--fix");
    for dir in dirs {
        for file in ["Dockerfile", ".dockerignore"] {
            let path = format!("{dir}/{file}");
            assert_eq!(patched.read(&path), fixed.read(&path), "{path}");
        }
    }
    assert_ne!(patched.read("app/Dockerfile"), NODE);
}
