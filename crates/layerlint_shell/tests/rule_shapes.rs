//! Lint-rule-shaped queries (hadolint's DL3xxx/DL4xxx concerns) written against the API,
//! to keep it short and precise for the people writing rules. Each check is what a rule
//! would do, minus the diagnostic.

use layerlint_shell::{Command, OptionSpec, Script, known, parse_str};
use layerlint_text::TextRange;

/// `apt-get install` without `-y`: the ranges of the offending commands.
fn apt_get_without_yes(script: &Script) -> Vec<TextRange> {
    script
        .find("apt-get")
        .filter(|c| c.subcommand_with(known::APT_GET) == Some("install"))
        .filter(|c| !c.has_any_flag(&["-y", "--yes", "--assume-yes", "-qq"]))
        .map(Command::range)
        .collect()
}

/// Unpinned `apt-get install` packages: the ranges of the package words.
fn unpinned_apt_packages(script: &Script) -> Vec<TextRange> {
    script
        .find("apt-get")
        .filter(|c| c.subcommand_with(known::APT_GET) == Some("install"))
        .flat_map(|c| c.positionals(known::APT_GET).skip(1))
        .filter(|w| !w.static_prefix().contains('=') && !w.value_lossy().ends_with(".deb"))
        .map(|w| w.range())
        .collect()
}

/// A pipe with no `set -o pipefail` before it (in the same script).
fn pipe_without_pipefail(script: &Script) -> bool {
    let pipefail_at = script
        .find("set")
        .find(|c| c.flag_values(&["-o"]).any(|v| v.as_str() == "pipefail"))
        .map(|c| c.id());
    script
        .pipelines()
        .filter(|p| p.is_piped())
        .filter_map(|p| p.commands().next())
        .any(|first| pipefail_at.is_none_or(|set| set > first.id()))
}

/// A download piped into a shell: `curl ... | sh`, `wget -O- ... | sudo bash`.
fn download_piped_to_shell(script: &Script) -> Vec<TextRange> {
    const SHELLS: &[&str] = &["sh", "bash", "dash", "zsh", "ash"];
    script
        .find_any(&["curl", "wget"])
        .filter_map(|download| {
            let next = download.piped_into()?.command()?;
            let runs_shell = next.is_any(SHELLS)
                || (next.is("sudo") && next.args().any(|w| SHELLS.contains(&w.value_lossy())));
            runs_shell.then(|| download.pipeline().unwrap().range())
        })
        .collect()
}

#[test]
fn dl3014_apt_get_yes() {
    let text = "apt-get update && apt-get -q install curl && apt-get install -qy git";
    let s = parse_str(text);
    let ranges = apt_get_without_yes(&s);
    assert_eq!(ranges, [TextRange::from_usize(18, 41)]);
    assert_eq!(&text[ranges[0].to_std()], "apt-get -q install curl");
    let s = parse_str("apt-get -o APT::Get::Assume-Yes=true install --yes x");
    assert!(apt_get_without_yes(&s).is_empty());
}

#[test]
fn dl3008_apt_pinning() {
    let text = "apt-get install -y --no-install-recommends -t bullseye-backports \
                curl=7.74.0-1.3 \"git=1:2.30.*\" vim ./local.deb pkg=${V}";
    let s = parse_str(text);
    let ranges = unpinned_apt_packages(&s);
    let words: Vec<_> = ranges.iter().map(|r| &text[r.to_std()]).collect();
    assert_eq!(words, ["vim"]);
}

#[test]
fn dl4006_pipefail() {
    assert!(pipe_without_pipefail(&parse_str(
        "wget -O - https://x | tar xz"
    )));
    assert!(!pipe_without_pipefail(&parse_str(
        "set -euxo pipefail; wget -O - https://x | tar xz"
    )));
    assert!(pipe_without_pipefail(&parse_str(
        "wget -O - https://x | tar xz; set -o pipefail"
    )));
    assert!(!pipe_without_pipefail(&parse_str("echo a || echo b")));
}

#[test]
fn curl_piped_to_shell() {
    let s = parse_str(
        "curl -fsSL https://get.docker.com | sh && wget -qO- https://x | sudo -E bash - \
         && curl -o /tmp/x https://y && tar xf /tmp/x",
    );
    let ranges = download_piped_to_shell(&s);
    assert_eq!(ranges.len(), 2);
    assert_eq!(
        &s.text()[ranges[0].to_std()],
        "curl -fsSL https://get.docker.com | sh"
    );
}

#[test]
fn dl3003_cd_and_dl3004_sudo() {
    let s = parse_str("cd /app && make; (cd /x && ls); sudo apt-get update; sh -c 'cd /y'");
    let cds: Vec<_> = s.find("cd").collect();
    assert_eq!(cds.len(), 3);
    // A rule may decide that `cd` in a subshell is fine:
    let flagged = cds.iter().filter(|c| !c.context().in_subshell()).count();
    assert_eq!(flagged, 2);
    assert_eq!(s.find("sudo").count(), 1);
}

#[test]
fn dl3009_apt_lists_removed() {
    let removes_lists = |s: &Script| {
        s.find("rm").any(|c| {
            c.has_flag("-r") || c.has_flag("-R") || c.has_flag("--recursive")
        } && c.args().any(|w| w.value_lossy().starts_with("/var/lib/apt/lists")))
    };
    assert!(removes_lists(&parse_str(
        "apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*"
    )));
    assert!(!removes_lists(&parse_str(
        "apt-get update && rm /var/lib/apt/lists/lock"
    )));
}

#[test]
fn dl3013_pip_pinning_and_dl3042_no_cache() {
    let s =
        parse_str("pip install --no-cache-dir -r requirements.txt flask==2.0 requests 'numpy>=1'");
    let pip = s.find("pip").next().unwrap();
    assert_eq!(pip.subcommand_with(known::PIP), Some("install"));
    let unpinned: Vec<_> = pip
        .positionals(known::PIP)
        .skip(1)
        .filter(|w| !w.value_lossy().contains(['=', '<', '>', '@']))
        .map(|w| w.value_lossy())
        .collect();
    assert_eq!(unpinned, ["requests"]);
    assert!(pip.has_flag("--no-cache-dir"));
    assert_eq!(
        pip.flag_values(&["-r", "--requirement"])
            .map(|v| v.as_str())
            .collect::<Vec<_>>(),
        ["requirements.txt"]
    );
}

#[test]
fn npm_go_and_env_prefix() {
    let s = parse_str("CGO_ENABLED=0 go install example.com/cmd@latest && npm ci --omit=dev");
    let go = s.find("go").next().unwrap();
    assert_eq!(go.subcommand(), Some("install"));
    assert_eq!(
        go.assignment("CGO_ENABLED").unwrap().value().value(),
        Some("0")
    );
    let target = go.positionals(OptionSpec::NONE).nth(1).unwrap();
    assert!(target.value_lossy().ends_with("@latest"));
    let npm = s.find("npm").next().unwrap();
    assert_eq!(npm.subcommand_with(known::NPM), Some("ci"));
    assert_eq!(npm.flag_values(&["--omit"]).next().unwrap().as_str(), "dev");
}
