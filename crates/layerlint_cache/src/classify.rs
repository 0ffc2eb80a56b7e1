//! What a RUN reads from the project: nothing (an OS package install, `mkdir /data`), only
//! the manifests of a package manager (`npm ci`, `pip install -r requirements.txt`,
//! `npx prisma generate`), or the sources (`npm run build`, anything not known).
//!
//! Paths are container paths: a command's relative paths are resolved against the RUN's
//! working directory (and `cd`s before it). Files are looked up through a [`Project`],
//! which maps container paths to the build context when the optimizer knows how.

use std::rc::Rc;

use layerlint_shell::{Command, OptionSpec, RedirectOp, Script, known};
use layerlint_text::TextRange;
use serde::Serialize;

use crate::ecosystem::Ecosystem;
use crate::paths::{self, base_name, has_wildcards, is_within, join};

/// The files of the project a command can look at, by container path.
pub trait Project {
    /// Whether the path exists; `None` when it is not known.
    fn exists(&self, path: &str) -> Option<bool>;
    /// The text of the file; `None` when missing, unknown or unreadable.
    fn read(&self, path: &str) -> Option<String>;
    /// The names in a directory; `None` when not known.
    fn list(&self, dir: &str) -> Option<Vec<String>>;
    /// The names in a directory that `keep` accepts: [`Project::list`] filtered, which a
    /// project can answer without making (and checking) every name of a big directory.
    fn list_where(&self, dir: &str, keep: &dyn Fn(&str) -> bool) -> Option<Vec<String>> {
        let mut names = self.list(dir)?;
        names.retain(|name| keep(name));
        Some(names)
    }
}

/// A project nothing is known about.
pub struct UnknownProject;

impl Project for UnknownProject {
    fn exists(&self, _path: &str) -> Option<bool> {
        None
    }
    fn read(&self, _path: &str) -> Option<String> {
        None
    }
    fn list(&self, _dir: &str) -> Option<Vec<String>> {
        None
    }
}

/// A file or directory a command reads.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Need {
    /// Container path, cleaned; may hold wildcards (`/app/*.csproj`).
    pub path: String,
    /// A directory (copied whole).
    pub dir: bool,
    /// The command fails (or does something else) without it; else it is read when present.
    pub required: bool,
}

impl Need {
    fn file(path: String) -> Need {
        Need {
            path,
            dir: false,
            required: true,
        }
    }

    fn optional(path: String) -> Need {
        Need {
            path,
            dir: false,
            required: false,
        }
    }

    fn dir(path: String, required: bool) -> Need {
        Need {
            path,
            dir: true,
            required,
        }
    }
}

/// Whether a command installs dependencies or builds the project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstallKind {
    /// Installs the dependencies a manifest lists (`npm ci`): can run before the sources.
    Install,
    /// Builds the project and fetches its dependencies on the way (`go build`,
    /// `cargo build`, `mvn package`): needs the sources.
    Build,
}

/// A dependency install (or a build that fetches dependencies) found in a RUN.
#[derive(Clone, Debug, Serialize)]
pub struct Install {
    pub ecosystem: Ecosystem,
    pub kind: InstallKind,
    /// The command's range in the Dockerfile.
    #[serde(skip)]
    pub range: TextRange,
    /// The command as written.
    pub text: String,
    /// The directory it runs in (container path).
    pub cwd: String,
    /// What it reads.
    pub needs: Vec<Need>,
    /// Why it cannot run before the sources are copied, when it cannot.
    pub blocker: Option<String>,
    /// What was not checked (a manifest that could not be read).
    pub unchecked: Vec<String>,
}

/// What a RUN reads, all commands together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reads {
    /// Nothing of the project.
    Nothing,
    /// Manifest and configuration files only (see [`RunAnalysis::needs`]).
    Manifests,
    /// The sources (or something not known).
    Sources,
}

/// The analysis of one RUN.
#[derive(Clone, Debug)]
pub struct RunAnalysis {
    pub reads: Reads,
    /// The first command that needs the sources, and why.
    pub sources_reason: Option<String>,
    /// The installs and builds found, in order.
    pub installs: Vec<Install>,
    /// What the RUN reads when `reads` is [`Reads::Manifests`].
    pub needs: Vec<Need>,
    /// Notes on what could not be checked.
    pub unchecked: Vec<String>,
}

/// Where the RUN runs and which directories hold the project.
pub struct RunSite<'a> {
    /// The RUN's working directory (container path; `/?` when the base image's is unknown).
    pub workdir: &'a str,
    /// The user's home (for `~` and `$HOME`).
    pub home: &'a str,
    /// Directories the sources are copied to: a command touching a path there, or a
    /// relative path, reads the sources.
    pub project_dirs: &'a [String],
    pub project: &'a dyn Project,
    /// The ARG and ENV values the RUN sees, for `$VAR` in paths.
    pub scope: Option<crate::scopes::ScopeView<'a>>,
}

/// Analyses the scripts of a RUN.
pub fn analyze(scripts: &[Rc<Script>], site: &RunSite<'_>) -> RunAnalysis {
    let mut walker = Walker {
        site,
        cwd: site.workdir.to_owned(),
        out: RunAnalysis {
            reads: Reads::Nothing,
            sources_reason: None,
            installs: Vec::new(),
            needs: Vec::new(),
            unchecked: Vec::new(),
        },
        depth: 0,
    };
    for script in scripts {
        walker.cwd = site.workdir.to_owned();
        walker.script(script);
    }
    let mut out = walker.out;
    dedup_needs(&mut out.needs);
    out
}

/// Leaves out the needs equal to an earlier one, keeping the order. A short list (most)
/// is compared in place: hashing a copy of each need cost more than the comparisons.
fn dedup_needs(needs: &mut Vec<Need>) {
    if needs.len() > 16 {
        let mut seen = foldhash::HashSet::default();
        needs.retain(|n| seen.insert(n.clone()));
        return;
    }
    let mut kept = 0;
    for i in 0..needs.len() {
        if !needs[..kept].contains(&needs[i]) {
            needs.swap(kept, i);
            kept += 1;
        }
    }
    needs.truncate(kept);
}

/// Analyses one shell text (a `package.json` script) as if run at `cwd`.
fn analyze_text(text: &str, site: &RunSite<'_>, cwd: &str, depth: usize) -> RunAnalysis {
    let script = layerlint_shell::parse_str(text);
    let mut walker = Walker {
        site,
        cwd: cwd.to_owned(),
        out: RunAnalysis {
            reads: Reads::Nothing,
            sources_reason: None,
            installs: Vec::new(),
            needs: Vec::new(),
            unchecked: Vec::new(),
        },
        depth,
    };
    walker.script(&script);
    walker.out
}

struct Walker<'s, 'a> {
    site: &'s RunSite<'a>,
    cwd: String,
    out: RunAnalysis,
    depth: usize,
}

/// Commands whose operands are packages, names or text, never project files.
/// (A `match`: a list searched entry by entry cost more than the rest of the walk.)
fn is_inert(name: &str) -> bool {
    matches!(
        name,
        "apt-get"
            | "apt"
            | "aptitude"
            | "apk"
            | "yum"
            | "dnf"
            | "microdnf"
            | "tdnf"
            | "zypper"
            | "pacman"
            | "emerge"
            | "dpkg-reconfigure"
            | "debconf-set-selections"
            | "locale-gen"
            | "localedef"
            | "update-locale"
            | "update-ca-certificates"
            | "update-ca-trust"
            | "update-alternatives"
            | "ldconfig"
            | "useradd"
            | "adduser"
            | "groupadd"
            | "addgroup"
            | "usermod"
            | "groupmod"
            | "passwd"
            | "chpasswd"
            | "echo"
            | "printf"
            | "true"
            | "false"
            | ":"
            | "set"
            | "export"
            | "unset"
            | "sleep"
            | "which"
            | "command"
            | "type"
            | "hash"
            | "exit"
            | "id"
            | "whoami"
            | "date"
            | "uname"
            | "env"
            | "rustup"
            | "corepack"
            | "a2enmod"
            | "a2dismod"
            | "a2enconf"
            | "a2ensite"
            | "a2dissite"
            | "docker-php-ext-install"
            | "docker-php-ext-enable"
            | "docker-php-ext-configure"
            | "docker-php-source"
            | "pecl"
            | "pear"
            | "install-php-extensions"
            | "ssh-keyscan"
            | "gpg"
            | "locale"
            | "test"
            | "["
            | "[["
            | "ulimit"
            | "umask"
            | "nproc"
            | "sync"
    )
}

/// Commands whose operands are paths: inert when every path is outside the project.
fn is_path_command(name: &str) -> bool {
    matches!(
        name,
        "mkdir"
            | "rm"
            | "rmdir"
            | "ln"
            | "chmod"
            | "chown"
            | "chgrp"
            | "touch"
            | "cp"
            | "mv"
            | "install"
            | "cat"
            | "ls"
            | "stat"
            | "readlink"
            | "realpath"
            | "tar"
            | "unzip"
            | "gunzip"
            | "gzip"
            | "xz"
            | "bunzip2"
            | "sed"
            | "find"
            | "tee"
            | "test"
            | "source"
            | "."
    )
}

impl Walker<'_, '_> {
    fn script(&mut self, script: &Script) {
        for command in script.commands() {
            let command = command.unwrapped();
            self.command(command);
        }
    }

    /// The RUN reads the sources; `reason` says why (built only for the first reason: the
    /// messages shorten the command, which costs more than the rest of the walk).
    fn sources(&mut self, reason: impl FnOnce() -> String) {
        if self.out.reads < Reads::Sources {
            self.out.reads = Reads::Sources;
            self.out.sources_reason = Some(reason());
        }
    }

    fn manifests(&mut self, needs: Vec<Need>) {
        if self.out.reads < Reads::Manifests {
            self.out.reads = Reads::Manifests;
        }
        self.out.needs.extend(needs);
    }

    /// A path argument: resolved, and whether it may touch the project.
    fn path_touches_project(&self, raw: &str) -> bool {
        let Some(path) = self.resolve(raw) else {
            return true;
        };
        self.site
            .project_dirs
            .iter()
            .any(|dir| dir.starts_with("/?") || is_within(&path, dir) || is_within(dir, &path))
            || path.starts_with("/?")
    }

    /// A word's container path: `~` and `$HOME` read as the home; other variables make it
    /// unknown.
    fn resolve(&self, raw: &str) -> Option<String> {
        let raw: std::borrow::Cow<'_, str> = if let Some(rest) = raw.strip_prefix("~") {
            format!("{}{rest}", self.site.home).into()
        } else if let Some(rest) = raw
            .strip_prefix("${HOME}")
            .or_else(|| raw.strip_prefix("$HOME"))
        {
            format!("{}{rest}", self.site.home).into()
        } else {
            raw.into()
        };
        if raw.contains('`') {
            return None;
        }
        if raw.contains('$') {
            let expanded = self.site.scope?.expand(&raw, '\\').ok()?;
            if !expanded.unmatched.is_empty() || expanded.result.contains('$') {
                return None;
            }
            return Some(join(&self.cwd, &expanded.result));
        }
        Some(join(&self.cwd, &raw))
    }

    fn command(&mut self, command: Command<'_>) {
        // Redirections to files (a here-document's word is its delimiter, a here-string's
        // its text: no file).
        for redirect in command.redirects() {
            if matches!(
                redirect.op(),
                RedirectOp::DupInput
                    | RedirectOp::DupOutput
                    | RedirectOp::Heredoc
                    | RedirectOp::HeredocStripTabs
                    | RedirectOp::HereString
            ) {
                continue;
            }
            if let Some(target) = redirect.target() {
                let value = target.value_lossy();
                if value.starts_with("/dev/") {
                    continue;
                }
                if self.path_touches_project(value) {
                    self.sources(|| format!("`{}` reads or writes `{value}`", command.text()));
                    return;
                }
            }
        }
        let Some(name) = command.name() else {
            // `RUN <<EOF` alone: the marker runs nothing itself (its body is a script of
            // its own).
            let only_markers =
                command.redirects().len() > 0 && command.redirects().all(|r| r.op().is_heredoc());
            if command.words().len() > 0 || (command.assignments().len() == 0 && !only_markers) {
                self.sources(|| format!("`{}` is not a command layerlint knows", command.text()));
            }
            return;
        };
        match name {
            "sh" | "bash" | "dash" | "ash" | "ksh" | "zsh"
                if command.has_flag("-c")
                    || command.piped_from().is_some() && command.args().len() <= 1 =>
            {
                // The string's commands are listed on their own; a script piped in
                // (`curl … | sh`) comes from elsewhere.
            }
            "cd" | "pushd" => {
                let target = command.args().next().map(|w| w.value_lossy().to_owned());
                match target.as_deref().and_then(|t| self.resolve(t)) {
                    Some(dir) => self.cwd = dir,
                    None => self.sources(|| {
                        format!("`{}` changes to an unknown directory", command.text())
                    }),
                }
            }
            "popd" => self.cwd = self.site.workdir.to_owned(),
            n if is_inert(n) => {}
            n if is_path_command(n) => self.path_command(command),
            "curl" | "wget" => self.download(command),
            "git" => self.git(command),
            "npm" => self.npm(command),
            "npx" | "pnpx" | "bunx" => self.tool(command, 0),
            "yarn" => self.yarn(command),
            "pnpm" => self.pnpm(command),
            "bun" => self.bun(command),
            "prisma" => self.tool(command, usize::MAX),
            n if is_pip(n) => self.pip(command, 0),
            n if is_python(n) => self.python(command),
            "uv" => self.uv(command),
            "poetry" => self.poetry(command),
            "pipenv" => self.pipenv(command),
            "pipx" | "gem" => self.global_installer(command),
            "go" => self.go(command),
            "cargo" => self.cargo(command),
            "mvn" | "mvnw" | "./mvnw" => self.maven(command),
            "gradle" | "gradlew" | "./gradlew" => self.gradle(command),
            "bundle" | "bundler" => self.bundler(command),
            "composer" | "composer.phar" => self.composer(command),
            "dotnet" => self.dotnet(command),
            "mix" => self.mix(command),
            _ => self.sources(|| format!("`{}` may read the sources", short(command.text()))),
        }
    }

    fn path_command(&mut self, command: Command<'_>) {
        let name = command.name().unwrap_or("");
        const DIRECTORY: [&str; 5] = ["-C", "--directory", "-d", "-t", "--target-directory"];
        const FILE: [&str; 2] = ["-f", "--file"];
        // Borrowed from the script: only a path that touches the project is copied (into
        // the reason).
        let mut operands: Vec<&str> = Vec::new();
        // Whether one of the options below is given at all. Read with no option taking a
        // value, the arguments read the same as with one of them taking a value up to its
        // first use, so without one, reading them again per option finds no value.
        let (mut directory, mut file) = (false, false);
        for arg in command.options(OptionSpec::NONE) {
            if let Some(word) = arg.positional() {
                operands.push(word.value_lossy());
            } else if let Some(option) = arg.option() {
                directory |= DIRECTORY.iter().any(|f| option.is(f));
                file |= FILE.iter().any(|f| option.is(f));
            }
        }
        // The mode or owner of chmod/chown, the script of sed, are not paths.
        if matches!(name, "chmod" | "chown" | "chgrp" | "sed") && !operands.is_empty() {
            operands.remove(0);
        }
        for option in DIRECTORY.iter().filter(|_| directory) {
            operands.extend(command.flag_values(&[option]).map(|v| v.as_str()));
        }
        if file && (name == "tar" || name == "unzip") {
            // `tar -xzf /tmp/x.tgz -C /opt`: the archive comes as the value of -f.
            operands.extend(command.flag_values(&FILE).map(|v| v.as_str()));
        }
        if let Some(path) = operands.into_iter().find(|p| self.path_touches_project(p)) {
            self.sources(|| format!("`{}` touches `{path}`", short(command.text())));
        }
    }

    fn download(&mut self, command: Command<'_>) {
        let name = command.name().unwrap_or("");
        let outputs: Vec<&str> = if name == "curl" {
            if command.has_any_flag(&["-O", "--remote-name", "--remote-name-all"]) {
                vec!["."]
            } else {
                command
                    .flag_values(&["-o", "--output"])
                    .map(|v| v.as_str())
                    .collect()
            }
        } else {
            let mut outputs: Vec<&str> = command
                .flag_values(&["-O", "--output-document", "-P", "--directory-prefix"])
                .map(|v| v.as_str())
                .collect();
            if outputs.is_empty() && !command.is_piped() {
                outputs.push(".");
            }
            outputs
        };
        if let Some(path) = outputs
            .into_iter()
            .find(|&p| p != "-" && self.path_touches_project(p))
        {
            self.sources(|| format!("`{}` writes `{path}`", short(command.text())));
        }
    }

    fn git(&mut self, command: Command<'_>) {
        match command.subcommand() {
            Some("config") if command.has_any_flag(&["--global", "--system"]) => {}
            Some("clone") => {
                let operands: Vec<String> = command
                    .positionals(OptionSpec::new(&[
                        "-b", "--branch", "--depth", "-c", "--config",
                    ]))
                    .skip(1)
                    .map(|w| w.value_lossy().to_owned())
                    .collect();
                match operands.get(1) {
                    Some(dir) if !self.path_touches_project(dir) => {}
                    _ => self
                        .sources(|| format!("`{}` writes into the project", short(command.text()))),
                }
            }
            _ => self.sources(|| format!("`{}` reads the repository", short(command.text()))),
        }
    }

    fn global_installer(&mut self, command: Command<'_>) {
        // `gem install x`, `pipx install x`: named packages from a registry.
        let local = command
            .positionals(known::GEM)
            .skip(1)
            .any(|w| looks_like_path(w.value_lossy()));
        if local {
            self.sources(|| format!("`{}` installs a local path", short(command.text())));
        }
    }

    // ----- JavaScript -----

    fn npm(&mut self, command: Command<'_>) {
        let positionals: Vec<String> = command
            .positionals(known::NPM)
            .map(|w| w.value_lossy().to_owned())
            .collect();
        let global = command.has_any_flag(&["-g", "--global"]);
        let cwd = prefix_dir(command, &["--prefix", "-C"])
            .map_or_else(|| self.cwd.clone(), |d| join(&self.cwd, &d));
        let Some(sub) = positionals.first().map(String::as_str) else {
            return;
        };
        match sub {
            "ci" | "clean-install" | "ic" | "install-clean" | "isntall-clean" => {
                self.js_install(command, Ecosystem::Npm, &cwd);
            }
            "install" | "i" | "in" | "ins" | "inst" | "insta" | "instal" | "isnt" | "isnta"
            | "isntal" | "isntall" | "add" => {
                if positionals.len() > 1 {
                    if global {
                        return;
                    }
                    self.sources(|| format!("`{}` changes package.json", short(command.text())));
                } else if global {
                    // `npm install -g` with no package installs the project globally.
                    self.sources(|| format!("`{}` installs the project", short(command.text())));
                } else {
                    self.js_install(command, Ecosystem::Npm, &cwd);
                }
            }
            "cache" | "config" | "c" | "set" | "get" | "login" | "logout" | "adduser"
            | "whoami" | "version" | "help" | "doctor" | "ping" | "view" | "info" | "show"
            | "bin" | "root" | "prefix" => {}
            "update" | "up" | "upgrade" | "uninstall" | "remove" | "rm" | "un" | "unlink" | "r"
                if global => {}
            "prune" | "rebuild" | "rb" | "dedupe" | "ddp" | "ls" | "list" | "ll" | "la" => {
                let needs = js_manifest_needs(Ecosystem::Npm, &cwd);
                self.manifests(needs);
            }
            "run" | "run-script" | "rum" | "urn" => {
                if let Some(script) = positionals.get(1) {
                    self.package_script(command, script, &cwd);
                }
            }
            "start" | "test" | "t" | "tst" | "stop" | "restart" => {
                let script = if sub.starts_with('t') { "test" } else { sub };
                self.package_script(command, script, &cwd);
            }
            "exec" | "x" => self.tool(command, 1),
            _ => self.sources(|| format!("`{}` may read the sources", short(command.text()))),
        }
    }

    fn yarn(&mut self, command: Command<'_>) {
        let spec = OptionSpec::new(&[
            "--cwd",
            "--modules-folder",
            "--cache-folder",
            "--network-timeout",
            "--mutex",
        ]);
        let positionals: Vec<String> = command
            .positionals(spec)
            .map(|w| w.value_lossy().to_owned())
            .collect();
        let cwd = prefix_dir(command, &["--cwd"])
            .map_or_else(|| self.cwd.clone(), |d| join(&self.cwd, &d));
        let berry = self.is_berry(command, &cwd);
        let ecosystem = if berry {
            Ecosystem::YarnBerry
        } else {
            Ecosystem::Yarn
        };
        match positionals.first().map(String::as_str) {
            None | Some("install") => {
                if positionals.len() > 1 {
                    self.sources(|| format!("`{}` changes package.json", short(command.text())));
                } else {
                    self.js_install(command, ecosystem, &cwd);
                }
            }
            Some("global") => {}
            Some("cache") => {}
            Some("config") if !berry => {}
            Some("add" | "upgrade" | "remove" | "up") => {
                self.sources(|| format!("`{}` changes package.json", short(command.text())));
            }
            Some("run") => {
                if let Some(script) = positionals.get(1) {
                    self.package_script(command, script, &cwd);
                }
            }
            Some("dlx" | "exec") => self.tool(command, 1),
            Some("prisma") => self.tool(command, 0),
            Some(other) => {
                let other = other.to_owned();
                self.package_script(command, &other, &cwd);
            }
        }
    }

    fn pnpm(&mut self, command: Command<'_>) {
        let spec = OptionSpec::new(&[
            "-C",
            "--dir",
            "--filter",
            "-F",
            "--store-dir",
            "--reporter",
            "--loglevel",
        ]);
        let positionals: Vec<String> = command
            .positionals(spec)
            .map(|w| w.value_lossy().to_owned())
            .collect();
        let global = command.has_any_flag(&["-g", "--global"]);
        let cwd = prefix_dir(command, &["-C", "--dir"])
            .map_or_else(|| self.cwd.clone(), |d| join(&self.cwd, &d));
        match positionals.first().map(String::as_str) {
            Some("install" | "i") => {
                if positionals.len() > 1 {
                    self.sources(|| format!("`{}` changes package.json", short(command.text())));
                } else {
                    self.js_install(command, Ecosystem::Pnpm, &cwd);
                }
            }
            Some("fetch") => {
                // Reads the lock file only (pnpm's documented Docker pattern).
                let needs = vec![
                    Need::file(join(&cwd, "pnpm-lock.yaml")),
                    Need::optional(join(&cwd, ".npmrc")),
                    Need::optional(join(&cwd, "pnpm-workspace.yaml")),
                ];
                self.out.installs.push(Install {
                    ecosystem: Ecosystem::Pnpm,
                    kind: InstallKind::Install,
                    range: command.range(),
                    text: command.text().to_owned(),
                    cwd: cwd.clone(),
                    needs: needs.clone(),
                    blocker: None,
                    unchecked: Vec::new(),
                });
                self.manifests(needs);
            }
            Some("add" | "remove" | "update" | "up" | "rm") if global => {}
            Some("add" | "remove" | "update" | "up" | "rm") => {
                self.sources(|| format!("`{}` changes package.json", short(command.text())));
            }
            Some("store" | "config" | "setup" | "env" | "--version") | None => {}
            Some("prune") => {
                let needs = js_manifest_needs(Ecosystem::Pnpm, &cwd);
                self.manifests(needs);
            }
            Some("run") => {
                if let Some(script) = positionals.get(1) {
                    self.package_script(command, script, &cwd);
                }
            }
            Some("exec" | "dlx") => self.tool(command, 1),
            Some(other) => {
                let other = other.to_owned();
                self.package_script(command, &other, &cwd);
            }
        }
    }

    fn bun(&mut self, command: Command<'_>) {
        let positionals: Vec<String> = command
            .positionals(OptionSpec::new(&["--cwd", "--cache-dir"]))
            .map(|w| w.value_lossy().to_owned())
            .collect();
        let cwd = prefix_dir(command, &["--cwd"])
            .map_or_else(|| self.cwd.clone(), |d| join(&self.cwd, &d));
        match positionals.first().map(String::as_str) {
            Some("install" | "i") if positionals.len() == 1 => {
                self.js_install(command, Ecosystem::Bun, &cwd);
            }
            Some("add" | "remove" | "update" | "install" | "i") => {
                if command.has_any_flag(&["-g", "--global"]) {
                    return;
                }
                self.sources(|| format!("`{}` changes package.json", short(command.text())));
            }
            Some("pm") => {}
            Some("run") => {
                if let Some(script) = positionals.get(1) {
                    self.package_script(command, script, &cwd);
                }
            }
            Some("x") => self.tool(command, 1),
            None => {}
            Some(other) => {
                let other = other.to_owned();
                self.package_script(command, &other, &cwd);
            }
        }
    }

    fn is_berry(&self, command: Command<'_>, cwd: &str) -> bool {
        if command.has_any_flag(&["--immutable", "--immutable-cache", "--check-cache"]) {
            return true;
        }
        if command.has_flag("--frozen-lockfile") {
            return false;
        }
        self.site
            .project
            .exists(&join(cwd, ".yarnrc.yml"))
            .unwrap_or(false)
    }

    /// `npm ci`, `yarn install`, `pnpm install`, `bun install`.
    fn js_install(&mut self, command: Command<'_>, ecosystem: Ecosystem, cwd: &str) {
        let mut needs = js_manifest_needs(ecosystem, cwd);
        let mut blocker = None;
        let mut unchecked = Vec::new();
        let ignore_scripts = command.has_flag("--ignore-scripts");
        let package_json = join(cwd, "package.json");
        match self.site.project.read(&package_json) {
            Some(text) => match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(manifest) => {
                    if !ignore_scripts {
                        for hook in [
                            "preinstall",
                            "install",
                            "postinstall",
                            "preprepare",
                            "prepare",
                            "postprepare",
                        ] {
                            let Some(script) = manifest
                                .get("scripts")
                                .and_then(|s| s.get(hook))
                                .and_then(|s| s.as_str())
                            else {
                                continue;
                            };
                            if script_is_harmless(script) {
                                continue;
                            }
                            let analysis = self.nested(script, cwd);
                            match analysis.reads {
                                Reads::Nothing => {}
                                Reads::Manifests => needs.extend(analysis.needs),
                                Reads::Sources => {
                                    blocker.get_or_insert(format!(
                                        "the `{hook}` script of package.json (`{}`) needs the sources",
                                        short(script)
                                    ));
                                }
                            }
                        }
                    }
                    match workspace_needs(&manifest, cwd, self.site.project) {
                        Ok(found) => needs.extend(found),
                        Err(reason) => {
                            blocker.get_or_insert(reason);
                        }
                    }
                    if let Some(reason) = local_dependencies(&manifest) {
                        blocker.get_or_insert(reason);
                    }
                }
                Err(_) => unchecked.push("package.json could not be read as JSON".to_owned()),
            },
            None => {
                if self.site.project.exists(&package_json) != Some(false) {
                    unchecked.push(
                        "package.json was not read: its install scripts and workspaces were not checked"
                            .to_owned(),
                    );
                }
            }
        }
        if ecosystem == Ecosystem::Pnpm {
            let workspace = join(cwd, "pnpm-workspace.yaml");
            let recursive = command.has_any_flag(&["-r", "--recursive", "--filter", "-F"]);
            if recursive && self.site.project.read(&workspace).is_none() {
                blocker.get_or_insert(
                    "a recursive pnpm install needs the workspace's packages, which are not known"
                        .to_owned(),
                );
            }
            if let Some(text) = self.site.project.read(&workspace) {
                match pnpm_workspace_needs(&text, cwd, self.site.project) {
                    Ok(found) => needs.extend(found),
                    Err(reason) => {
                        blocker.get_or_insert(reason);
                    }
                }
            } else if self.site.project.exists(&workspace) == Some(true) {
                blocker
                    .get_or_insert("the packages of the pnpm workspace are not known".to_owned());
            }
        }
        self.push_install(
            command,
            ecosystem,
            InstallKind::Install,
            cwd,
            needs,
            blocker,
            unchecked,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn push_install(
        &mut self,
        command: Command<'_>,
        ecosystem: Ecosystem,
        kind: InstallKind,
        cwd: &str,
        needs: Vec<Need>,
        blocker: Option<String>,
        unchecked: Vec<String>,
    ) {
        self.out.unchecked.extend(unchecked.iter().cloned());
        let needs = if kind == InstallKind::Build && needs.is_empty() {
            build_needs(ecosystem, cwd)
        } else {
            needs
        };
        self.out.installs.push(Install {
            ecosystem,
            kind,
            range: command.range(),
            text: command.text().to_owned(),
            cwd: cwd.to_owned(),
            needs: needs.clone(),
            blocker: blocker.clone(),
            unchecked,
        });
        match (kind, blocker) {
            (InstallKind::Build, _) => {
                self.sources(|| format!("`{}` builds the project", short(command.text())));
            }
            (InstallKind::Install, Some(reason)) => self.sources(|| reason),
            (InstallKind::Install, None) => self.manifests(needs),
        }
    }

    fn nested(&self, text: &str, cwd: &str) -> RunAnalysis {
        if self.depth >= 4 {
            let mut out = analyze_text("", self.site, cwd, self.depth + 1);
            out.reads = Reads::Sources;
            out.sources_reason = Some("scripts nest too deeply".to_owned());
            return out;
        }
        analyze_text(text, self.site, cwd, self.depth + 1)
    }

    /// `npm run <name>`: the script's text, with its `pre`/`post` scripts.
    fn package_script(&mut self, command: Command<'_>, name: &str, cwd: &str) {
        let manifest = self
            .site
            .project
            .read(&join(cwd, "package.json"))
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
        let Some(scripts) = manifest.as_ref().and_then(|m| m.get("scripts")) else {
            self.sources(|| format!("`{}` runs a script of package.json", short(command.text())));
            return;
        };
        let Some(body) = scripts.get(name).and_then(|s| s.as_str()) else {
            // Not a script: `yarn <bin>` runs a binary of node_modules.
            self.tool(command, 0);
            return;
        };
        let mut texts = vec![body.to_owned()];
        for hook in [format!("pre{name}"), format!("post{name}")] {
            if let Some(text) = scripts.get(&hook).and_then(|s| s.as_str()) {
                texts.push(text.to_owned());
            }
        }
        for text in texts {
            let analysis = self.nested(&text, cwd);
            match analysis.reads {
                Reads::Nothing => {}
                Reads::Manifests => self.manifests(analysis.needs),
                Reads::Sources => {
                    self.sources(|| {
                        format!(
                            "`{}` runs `{}`, which needs the sources",
                            short(command.text()),
                            short(&text)
                        )
                    });
                }
            }
        }
    }

    /// A binary run through `npx`/`yarn`/`pnpm exec` (`skip` words after the name), or
    /// directly (`usize::MAX`: the command itself).
    fn tool(&mut self, command: Command<'_>, skip: usize) {
        let words: Vec<String> = if skip == usize::MAX {
            command
                .words()
                .map(|w| w.value_lossy().to_owned())
                .collect()
        } else {
            command
                .positionals(OptionSpec::new(&["-p", "--package", "-c", "--call"]))
                .skip(skip)
                .map(|w| w.value_lossy().to_owned())
                .collect()
        };
        let mut rest = words.iter().map(String::as_str);
        let Some(tool) = rest.next() else {
            return;
        };
        let tool = base_name(tool);
        let tool = tool.split('@').next().unwrap_or(tool);
        let operands: Vec<&str> = rest.filter(|w| !w.starts_with('-')).collect();
        if tool == "prisma" && operands.first() == Some(&"generate") {
            let needs = self.prisma_needs(command);
            self.manifests(needs);
            return;
        }
        if matches!(tool, "husky" | "ngcc" | "patch-package") && self.depth > 0 {
            return;
        }
        self.sources(|| format!("`{}` may read the sources", short(command.text())));
    }

    fn prisma_needs(&self, command: Command<'_>) -> Vec<Need> {
        let mut needs = vec![Need::optional(join(&self.cwd, "package.json"))];
        if let Some(schema) = command.flag_values(&["--schema"]).next() {
            needs.push(Need::file(join(&self.cwd, schema.as_str())));
            return needs;
        }
        let configured = self
            .site
            .project
            .read(&join(&self.cwd, "package.json"))
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|m| {
                m.get("prisma")
                    .and_then(|p| p.get("schema"))
                    .and_then(|s| s.as_str())
                    .map(str::to_owned)
            });
        if let Some(schema) = configured {
            needs.push(Need::file(join(&self.cwd, &schema)));
            return needs;
        }
        let dir = join(&self.cwd, "prisma");
        let root_schema = join(&self.cwd, "schema.prisma");
        match (
            self.site.project.exists(&dir),
            self.site.project.exists(&root_schema),
        ) {
            (Some(false), Some(true)) => needs.push(Need::file(root_schema)),
            _ => needs.push(Need::dir(dir, true)),
        }
        needs
    }

    // ----- Python -----

    fn python(&mut self, command: Command<'_>) {
        let words: Vec<String> = command.args().map(|w| w.value_lossy().to_owned()).collect();
        match words.first().map(String::as_str) {
            Some("-m") => match words.get(1).map(String::as_str) {
                Some("pip") => self.pip(command, 2),
                Some("venv" | "virtualenv") => {
                    let target = words.iter().skip(2).find(|w| !w.starts_with('-'));
                    match target {
                        Some(dir) if !self.path_touches_project(dir) => {}
                        _ => self.sources(|| {
                            format!("`{}` writes into the project", short(command.text()))
                        }),
                    }
                }
                Some("ensurepip") => {}
                _ => self.sources(|| format!("`{}` may read the sources", short(command.text()))),
            },
            Some("--version" | "-V") => {}
            _ => self.sources(|| format!("`{}` may read the sources", short(command.text()))),
        }
    }

    /// `pip install ...`; `skip` words before `install` (`-m pip` under python).
    fn pip(&mut self, command: Command<'_>, skip: usize) {
        let args: Vec<layerlint_shell::Arg<'_>> = command.options(known::PIP).collect();
        let mut positionals = args.iter().filter_map(|a| a.positional()).skip(skip);
        let Some(sub) = positionals.next().map(|w| w.value_lossy().to_owned()) else {
            return;
        };
        match sub.as_str() {
            "install" | "download" | "wheel" => {}
            "sync" => {}
            _ => return,
        }
        let packages: Vec<String> = positionals.map(|w| w.value_lossy().to_owned()).collect();
        let editable = args
            .iter()
            .any(|a| a.is_flag("-e") || a.is_flag("--editable"));
        let files: Vec<String> = args
            .iter()
            .filter(|a| {
                ["-r", "--requirement", "-c", "--constraint"]
                    .iter()
                    .any(|f| a.is_flag(f))
            })
            .filter_map(|a| a.value().map(|v| v.as_str().to_owned()))
            .collect();
        if editable {
            self.sources(|| format!("`{}` installs the project (`-e`)", short(command.text())));
            return;
        }
        if let Some(local) = packages
            .iter()
            .find(|p| looks_like_path(p) && self.path_touches_project(p))
        {
            let local = local.clone();
            self.sources(|| {
                format!(
                    "`{}` installs the local path `{local}`",
                    short(command.text())
                )
            });
            return;
        }
        // `uv pip sync requirements.txt`: the operands are requirement files.
        let files: Vec<String> = if sub == "sync" {
            files.into_iter().chain(packages).collect()
        } else {
            files
        };
        if files.is_empty() {
            return;
        }
        let mut needs = Vec::new();
        let mut blocker = None;
        let mut unchecked = Vec::new();
        let mut todo: Vec<String> = files.iter().map(|f| join(&self.cwd, f)).collect();
        let mut seen = Vec::new();
        while let Some(path) = todo.pop() {
            if seen.contains(&path) || seen.len() > 50 {
                continue;
            }
            seen.push(path.clone());
            if path.contains('$') {
                blocker.get_or_insert(format!(
                    "the requirement file `{path}` is named with a variable"
                ));
                continue;
            }
            needs.push(Need::file(path.clone()));
            match self.site.project.read(&path) {
                Some(text) => {
                    let dir = paths::parent(&path).to_owned();
                    let dir = if dir.is_empty() { "/".to_owned() } else { dir };
                    for line in text.lines() {
                        let line = line.split(" #").next().unwrap_or(line).trim();
                        if let Some(include) = [
                            "-r ",
                            "--requirement ",
                            "-c ",
                            "--constraint ",
                            "--requirement=",
                            "--constraint=",
                            "-r",
                            "-c",
                        ]
                        .iter()
                        .find_map(|p| line.strip_prefix(p))
                        {
                            let include = include.trim();
                            if !include.is_empty() {
                                todo.push(join(&dir, include));
                            }
                        } else if line.starts_with("-e ")
                            || line.starts_with("--editable")
                            || line.starts_with('.')
                            || line.starts_with('/')
                            || line.starts_with("file:")
                            || line.contains(" @ file:")
                        {
                            blocker.get_or_insert(format!(
                                "{} installs a local path (`{line}`)",
                                base_name(&path)
                            ));
                        }
                    }
                }
                None => {
                    if self.site.project.exists(&path) != Some(false) {
                        unchecked.push(format!(
                            "{} was not read: requirement files it includes were not looked for",
                            base_name(&path)
                        ));
                    }
                }
            }
        }
        needs.push(Need::optional(join(&self.cwd, "pip.conf")));
        self.push_install(
            command,
            Ecosystem::Pip,
            InstallKind::Install,
            &self.cwd.clone(),
            needs,
            blocker,
            unchecked,
        );
    }

    fn uv(&mut self, command: Command<'_>) {
        let positionals: Vec<String> = command
            .positionals(OptionSpec::new(&[
                "--directory",
                "--project",
                "-p",
                "--python",
                "--extra",
                "--group",
                "--only-group",
                "--package",
            ]))
            .map(|w| w.value_lossy().to_owned())
            .collect();
        let cwd = prefix_dir(command, &["--directory", "--project"])
            .map_or_else(|| self.cwd.clone(), |d| join(&self.cwd, &d));
        match positionals.first().map(String::as_str) {
            Some("pip") => self.pip(command, 1),
            Some("sync") => {
                let needs = vec![
                    Need::file(join(&cwd, "pyproject.toml")),
                    Need::optional(join(&cwd, "uv.lock")),
                    Need::optional(join(&cwd, ".python-version")),
                    Need::optional(join(&cwd, "uv.toml")),
                ];
                let mut blocker = None;
                if !command.has_any_flag(&["--no-install-project", "--no-install-workspace"]) {
                    blocker = Some(
                        "`uv sync` also installs the project itself, which needs its sources; \
                         add `--no-install-project`"
                            .to_owned(),
                    );
                }
                if let Some(text) = self.site.project.read(&join(&cwd, "pyproject.toml")) {
                    if text.contains("[tool.uv.workspace]")
                        && !command.has_flag("--no-install-workspace")
                    {
                        blocker.get_or_insert("the uv workspace members are not known".to_owned());
                    }
                    if text.contains("path =") || text.contains("path=") {
                        blocker.get_or_insert("pyproject.toml installs a local path".to_owned());
                    }
                }
                self.push_install(
                    command,
                    Ecosystem::Uv,
                    InstallKind::Install,
                    &cwd,
                    needs,
                    blocker,
                    Vec::new(),
                );
            }
            Some("venv") => {
                let target = positionals
                    .get(1)
                    .cloned()
                    .unwrap_or_else(|| ".venv".to_owned());
                if self.path_touches_project(&target) {
                    self.sources(|| format!("`{}` writes into the project", short(command.text())));
                }
            }
            Some("python" | "tool" | "cache" | "self" | "--version" | "version") | None => {}
            _ => self.sources(|| format!("`{}` may read the sources", short(command.text()))),
        }
    }

    fn poetry(&mut self, command: Command<'_>) {
        let positionals: Vec<String> = command
            .positionals(OptionSpec::new(&[
                "--only",
                "--with",
                "--without",
                "-E",
                "--extras",
                "-C",
                "--directory",
                "-P",
                "--project",
            ]))
            .map(|w| w.value_lossy().to_owned())
            .collect();
        let cwd = prefix_dir(command, &["-C", "--directory", "-P", "--project"])
            .map_or_else(|| self.cwd.clone(), |d| join(&self.cwd, &d));
        match positionals.first().map(String::as_str) {
            Some("install") => {
                let needs = vec![
                    Need::file(join(&cwd, "pyproject.toml")),
                    Need::optional(join(&cwd, "poetry.lock")),
                    Need::optional(join(&cwd, "poetry.toml")),
                ];
                let pyproject = self.site.project.read(&join(&cwd, "pyproject.toml"));
                let package_mode_off = pyproject.as_deref().is_some_and(|t| {
                    t.contains("package-mode = false") || t.contains("package-mode=false")
                });
                let mut blocker = None;
                if !command.has_flag("--no-root") && !package_mode_off {
                    blocker = Some(
                        "`poetry install` also installs the project itself, which needs its \
                         sources; add `--no-root`"
                            .to_owned(),
                    );
                }
                if pyproject.is_some_and(|t| t.contains("path =") || t.contains("path=")) {
                    blocker.get_or_insert("pyproject.toml installs a local path".to_owned());
                }
                self.push_install(
                    command,
                    Ecosystem::Poetry,
                    InstallKind::Install,
                    &cwd,
                    needs,
                    blocker,
                    Vec::new(),
                );
            }
            Some("config" | "self" | "--version" | "about" | "cache") | None => {}
            _ => self.sources(|| format!("`{}` may read the sources", short(command.text()))),
        }
    }

    fn pipenv(&mut self, command: Command<'_>) {
        let positionals: Vec<String> = command
            .positionals(OptionSpec::new(&["--python", "--categories"]))
            .map(|w| w.value_lossy().to_owned())
            .collect();
        match positionals.first().map(String::as_str) {
            Some("install" | "sync") if positionals.len() == 1 => {
                let needs = vec![
                    Need::file(join(&self.cwd, "Pipfile")),
                    Need::optional(join(&self.cwd, "Pipfile.lock")),
                ];
                let mut blocker = None;
                if let Some(text) = self.site.project.read(&join(&self.cwd, "Pipfile"))
                    && (text.contains("path =") || text.contains("editable = true"))
                {
                    blocker = Some("the Pipfile installs a local path".to_owned());
                }
                let cwd = self.cwd.clone();
                self.push_install(
                    command,
                    Ecosystem::Pipenv,
                    InstallKind::Install,
                    &cwd,
                    needs,
                    blocker,
                    Vec::new(),
                );
            }
            Some("--version") => {}
            None if command.has_any_flag(&["--version", "--python", "--three"]) => {}
            _ => self.sources(|| format!("`{}` may read the sources", short(command.text()))),
        }
    }

    // ----- Go, Rust, JVM -----

    fn go(&mut self, command: Command<'_>) {
        let positionals: Vec<String> = command
            .positionals(OptionSpec::new(&[
                "-o", "-C", "-ldflags", "-tags", "-gcflags", "-mod", "-p",
            ]))
            .map(|w| w.value_lossy().to_owned())
            .collect();
        let cwd =
            prefix_dir(command, &["-C"]).map_or_else(|| self.cwd.clone(), |d| join(&self.cwd, &d));
        match (
            positionals.first().map(String::as_str),
            positionals.get(1).map(String::as_str),
        ) {
            (Some("mod"), Some("download" | "verify")) => {
                let needs = vec![
                    Need::file(join(&cwd, "go.mod")),
                    Need::optional(join(&cwd, "go.sum")),
                ];
                let mut blocker = None;
                if let Some(text) = self.site.project.read(&join(&cwd, "go.mod"))
                    && text.lines().any(|l| {
                        let l = l.trim();
                        (l.starts_with("replace") || l.contains("=>"))
                            && (l.contains("=> ./") || l.contains("=> ../"))
                    })
                {
                    blocker = Some("go.mod replaces a module with a local directory".to_owned());
                }
                if self.site.project.exists(&join(&cwd, "go.work")) == Some(true) {
                    blocker
                        .get_or_insert("the Go workspace (go.work) needs its modules".to_owned());
                }
                self.push_install(
                    command,
                    Ecosystem::Go,
                    InstallKind::Install,
                    &cwd,
                    needs,
                    blocker,
                    Vec::new(),
                );
            }
            (Some("install"), Some(target)) if target.contains('@') => {}
            (Some("env" | "version" | "telemetry"), _) => {}
            (Some("build" | "install" | "test" | "vet" | "generate" | "run" | "list"), _) => {
                let vendored = command
                    .words()
                    .any(|w| matches!(w.value_lossy(), "-mod=vendor" | "--mod=vendor"))
                    || self
                        .site
                        .scope
                        .and_then(|s| s.get_var("GOFLAGS"))
                        .and_then(|v| v.value.as_deref())
                        .is_some_and(|v| v.contains("-mod=vendor"))
                    || self.site.project.exists(&join(&cwd, "vendor")) == Some(true);
                if vendored {
                    // The modules come from vendor/: nothing is downloaded.
                    self.sources(|| format!("`{}` builds the project", short(command.text())));
                    return;
                }
                self.push_install(
                    command,
                    Ecosystem::Go,
                    InstallKind::Build,
                    &cwd,
                    Vec::new(),
                    None,
                    Vec::new(),
                );
            }
            _ => self.sources(|| format!("`{}` may read the sources", short(command.text()))),
        }
    }

    fn cargo(&mut self, command: Command<'_>) {
        let positionals: Vec<String> = command
            .positionals(OptionSpec::new(&[
                "--manifest-path",
                "--target",
                "--features",
                "-F",
                "-p",
                "--package",
                "--bin",
                "--recipe-path",
                "--root",
                "--version",
                "-j",
                "--jobs",
                "--profile",
                "--target-dir",
            ]))
            .map(|w| w.value_lossy().to_owned())
            .collect();
        let cwd = self.cwd.clone();
        match positionals.first().map(String::as_str) {
            Some("chef") if positionals.get(1).map(String::as_str) == Some("cook") => {
                let recipe = command
                    .flag_values(&["--recipe-path"])
                    .next()
                    .map_or_else(|| "recipe.json".to_owned(), |v| v.as_str().to_owned());
                let needs = vec![Need::file(join(&cwd, &recipe))];
                self.push_install(
                    command,
                    Ecosystem::Cargo,
                    InstallKind::Install,
                    &cwd,
                    needs,
                    None,
                    Vec::new(),
                );
            }
            Some("install") if !command.has_flag("--path") && positionals.len() > 1 => {}
            Some("fetch") => {
                let needs = vec![
                    Need::file(join(&cwd, "Cargo.toml")),
                    Need::optional(join(&cwd, "Cargo.lock")),
                ];
                let blocker = Some(
                    "Cargo reads every target's source file to load the manifest; use \
                     cargo-chef (`cargo chef cook`) to build the dependencies first"
                        .to_owned(),
                );
                self.push_install(
                    command,
                    Ecosystem::Cargo,
                    InstallKind::Install,
                    &cwd,
                    needs,
                    blocker,
                    Vec::new(),
                );
            }
            Some(
                "build" | "b" | "install" | "test" | "t" | "run" | "r" | "check" | "c" | "doc",
            ) => {
                self.push_install(
                    command,
                    Ecosystem::Cargo,
                    InstallKind::Build,
                    &cwd,
                    Vec::new(),
                    None,
                    Vec::new(),
                );
            }
            Some("--version" | "version") | None => {}
            _ => self.sources(|| format!("`{}` may read the sources", short(command.text()))),
        }
    }

    fn maven(&mut self, command: Command<'_>) {
        let spec = OptionSpec::new(&[
            "-f",
            "--file",
            "-s",
            "--settings",
            "-P",
            "--activate-profiles",
            "-pl",
            "--projects",
            "-T",
            "--threads",
            "-D",
            "-gs",
            "-t",
            "-l",
            "--log-file",
            "-Dmaven.repo.local",
        ]);
        let goals: Vec<String> = command
            .positionals(spec)
            .map(|w| w.value_lossy().to_owned())
            .filter(|g| !g.starts_with("-D"))
            .collect();
        if goals.is_empty() {
            return;
        }
        let cwd = self.cwd.clone();
        let resolving = goals.iter().all(|g| {
            g.starts_with("dependency:")
                || g.contains("go-offline")
                || g == "help:evaluate"
                || g.ends_with(":resolve-dependencies")
        });
        if !resolving {
            self.push_install(
                command,
                Ecosystem::Maven,
                InstallKind::Build,
                &cwd,
                Vec::new(),
                None,
                Vec::new(),
            );
            return;
        }
        let pom = command
            .flag_values(&["-f", "--file"])
            .next()
            .map_or_else(|| "pom.xml".to_owned(), |v| v.as_str().to_owned());
        let pom = join(&cwd, &pom);
        let mut needs = vec![
            Need::file(pom.clone()),
            Need::dir(join(&cwd, ".mvn"), false),
        ];
        if command.name().is_some_and(|n| n.contains("mvnw")) {
            needs.push(Need::file(join(&cwd, "mvnw")));
        }
        let mut unchecked = Vec::new();
        match self.site.project.read(&pom) {
            Some(text) => {
                let dir = paths::parent(&pom).to_owned();
                for module in xml_values(&text, "module") {
                    needs.push(Need::file(join(&join(&dir, &module), "pom.xml")));
                }
            }
            None => {
                if self.site.project.exists(&pom) != Some(false) {
                    unchecked
                        .push("pom.xml was not read: module poms were not looked for".to_owned());
                }
            }
        }
        self.push_install(
            command,
            Ecosystem::Maven,
            InstallKind::Install,
            &cwd,
            needs,
            None,
            unchecked,
        );
    }

    fn gradle(&mut self, command: Command<'_>) {
        let tasks: Vec<String> = command
            .positionals(OptionSpec::new(&[
                "-p",
                "--project-dir",
                "-b",
                "--build-file",
                "-c",
                "--settings-file",
                "-x",
                "--exclude-task",
                "-D",
                "-P",
                "--init-script",
                "-I",
                "--console",
                "--warning-mode",
            ]))
            .map(|w| w.value_lossy().to_owned())
            .collect();
        let cwd = prefix_dir(command, &["-p", "--project-dir"])
            .map_or_else(|| self.cwd.clone(), |d| join(&self.cwd, &d));
        if tasks.is_empty() {
            if command.has_any_flag(&["--version", "-v", "--help", "-h", "--stop"]) {
                return;
            }
            self.push_install(
                command,
                Ecosystem::Gradle,
                InstallKind::Build,
                &cwd,
                Vec::new(),
                None,
                Vec::new(),
            );
            return;
        }
        let resolving = tasks.iter().all(|t| {
            matches!(
                t.rsplit(':').next().unwrap_or(t),
                "dependencies"
                    | "androidDependencies"
                    | "downloadDependencies"
                    | "resolveDependencies"
                    | "buildEnvironment"
            )
        });
        if !resolving {
            self.push_install(
                command,
                Ecosystem::Gradle,
                InstallKind::Build,
                &cwd,
                Vec::new(),
                None,
                Vec::new(),
            );
            return;
        }
        let mut needs: Vec<Need> = [
            "settings.gradle",
            "settings.gradle.kts",
            "build.gradle",
            "build.gradle.kts",
            "gradle.properties",
            "gradle.lockfile",
        ]
        .iter()
        .map(|f| Need::optional(join(&cwd, f)))
        .collect();
        needs.push(Need::dir(join(&cwd, "gradle"), false));
        needs.push(Need::dir(join(&cwd, "buildSrc"), false));
        if command.name().is_some_and(|n| n.contains("gradlew")) {
            needs.push(Need::file(join(&cwd, "gradlew")));
        }
        let mut unchecked = Vec::new();
        let settings = ["settings.gradle", "settings.gradle.kts"]
            .iter()
            .find_map(|f| self.site.project.read(&join(&cwd, f)));
        match settings {
            Some(text) => {
                for project in gradle_includes(&text) {
                    let dir = join(&cwd, &project.replace(':', "/"));
                    needs.push(Need::optional(join(&dir, "build.gradle")));
                    needs.push(Need::optional(join(&dir, "build.gradle.kts")));
                }
            }
            None => {
                let known_missing = ["settings.gradle", "settings.gradle.kts"]
                    .iter()
                    .all(|f| self.site.project.exists(&join(&cwd, f)) == Some(false));
                if !known_missing {
                    unchecked.push(
                        "the Gradle settings were not read: subprojects were not looked for"
                            .to_owned(),
                    );
                }
            }
        }
        self.push_install(
            command,
            Ecosystem::Gradle,
            InstallKind::Install,
            &cwd,
            needs,
            None,
            unchecked,
        );
    }

    // ----- Ruby, PHP, .NET, Elixir -----

    fn bundler(&mut self, command: Command<'_>) {
        let positionals: Vec<String> = command
            .positionals(OptionSpec::new(&[
                "--gemfile",
                "--path",
                "--jobs",
                "-j",
                "--retry",
                "--without",
                "--with",
                "--deployment-path",
            ]))
            .map(|w| w.value_lossy().to_owned())
            .collect();
        match positionals.first().map(String::as_str) {
            None | Some("install") if positionals.len() <= 1 => {
                let gemfile = command
                    .flag_values(&["--gemfile"])
                    .next()
                    .map_or_else(|| "Gemfile".to_owned(), |v| v.as_str().to_owned());
                let gemfile = join(&self.cwd, &gemfile);
                let needs = vec![
                    Need::file(gemfile.clone()),
                    Need::optional(format!("{gemfile}.lock")),
                    Need::dir(join(&self.cwd, ".bundle"), false),
                    Need::optional(join(&self.cwd, ".ruby-version")),
                ];
                let mut blocker = None;
                if let Some(text) = self.site.project.read(&gemfile)
                    && text.lines().any(|l| {
                        let l = l.trim();
                        l.starts_with("gemspec") || l.contains("path:") || l.contains(":path")
                    })
                {
                    blocker =
                        Some("the Gemfile reads the project's gemspec or a local path".to_owned());
                }
                if self
                    .site
                    .project
                    .list_where(&self.cwd, &|n| n.ends_with(".gemspec"))
                    .is_some_and(|names| !names.is_empty())
                {
                    blocker.get_or_insert("the project's gemspec may read its sources".to_owned());
                }
                let cwd = self.cwd.clone();
                self.push_install(
                    command,
                    Ecosystem::Bundler,
                    InstallKind::Install,
                    &cwd,
                    needs,
                    blocker,
                    Vec::new(),
                );
            }
            Some("config") if !command.has_flag("--local") => {}
            Some("--version" | "version" | "-v") => {}
            _ => self.sources(|| format!("`{}` may read the sources", short(command.text()))),
        }
    }

    fn composer(&mut self, command: Command<'_>) {
        let positionals: Vec<String> = command
            .positionals(OptionSpec::new(&["-d", "--working-dir"]))
            .map(|w| w.value_lossy().to_owned())
            .collect();
        let cwd = prefix_dir(command, &["-d", "--working-dir"])
            .map_or_else(|| self.cwd.clone(), |d| join(&self.cwd, &d));
        match positionals.first().map(String::as_str) {
            Some("install" | "i") if positionals.len() == 1 => {
                let needs = vec![
                    Need::file(join(&cwd, "composer.json")),
                    Need::optional(join(&cwd, "composer.lock")),
                    Need::optional(join(&cwd, "auth.json")),
                ];
                let manifest = self
                    .site
                    .project
                    .read(&join(&cwd, "composer.json"))
                    .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
                let no_scripts = command.has_flag("--no-scripts");
                let no_autoloader = command.has_flag("--no-autoloader");
                let mut blocker = None;
                match &manifest {
                    Some(m) => {
                        let runs_scripts = m.get("scripts").is_some_and(|s| {
                            s.as_object().is_some_and(|o| {
                                o.keys().any(|k| {
                                    k.contains("install")
                                        || k.contains("autoload")
                                        || k.contains("package")
                                })
                            })
                        });
                        if runs_scripts && !no_scripts {
                            blocker = Some(
                                "composer runs the project's scripts; add `--no-scripts`"
                                    .to_owned(),
                            );
                        }
                        let classmap = m.get("autoload").is_some_and(|a| {
                            a.get("classmap").is_some() || a.get("files").is_some()
                        });
                        if classmap && !no_autoloader {
                            blocker.get_or_insert(
                                "composer builds a class map from the sources; add `--no-autoloader` \
                                 and run `composer dump-autoload` after the sources are copied"
                                    .to_owned(),
                            );
                        }
                    }
                    None if !(no_scripts && no_autoloader) => {
                        blocker = Some(
                            "composer may run the project's scripts and build its autoloader from \
                             the sources; add `--no-scripts --no-autoloader` and run \
                             `composer dump-autoload` after the sources are copied"
                                .to_owned(),
                        );
                    }
                    None => {}
                }
                self.push_install(
                    command,
                    Ecosystem::Composer,
                    InstallKind::Install,
                    &cwd,
                    needs,
                    blocker,
                    Vec::new(),
                );
            }
            Some(
                "config" | "global" | "self-update" | "selfupdate" | "clear-cache" | "clearcache"
                | "--version" | "diagnose",
            ) => {}
            None => {}
            _ => self.sources(|| format!("`{}` may read the sources", short(command.text()))),
        }
    }

    fn dotnet(&mut self, command: Command<'_>) {
        let positionals: Vec<String> = command
            .positionals(OptionSpec::new(&[
                "-s",
                "--source",
                "-r",
                "--runtime",
                "--packages",
                "--configfile",
                "-c",
                "--configuration",
                "-o",
                "--output",
                "-f",
                "--framework",
                "-v",
                "--verbosity",
                "--arch",
                "-a",
                "--os",
            ]))
            .map(|w| w.value_lossy().to_owned())
            .collect();
        match positionals.first().map(String::as_str) {
            Some("restore") => {
                let (needs, blocker, unchecked) =
                    self.dotnet_needs(positionals.get(1).map(String::as_str));
                let cwd = self.cwd.clone();
                self.push_install(
                    command,
                    Ecosystem::Dotnet,
                    InstallKind::Install,
                    &cwd,
                    needs,
                    blocker,
                    unchecked,
                );
            }
            Some("build" | "publish" | "test" | "pack" | "run" | "msbuild") => {
                let cwd = self.cwd.clone();
                self.push_install(
                    command,
                    Ecosystem::Dotnet,
                    InstallKind::Build,
                    &cwd,
                    Vec::new(),
                    None,
                    Vec::new(),
                );
            }
            Some("tool") if command.has_any_flag(&["-g", "--global", "--tool-path"]) => {}
            Some("--info" | "--version" | "--list-sdks" | "nuget" | "dev-certs" | "workload")
            | None => {}
            _ => self.sources(|| format!("`{}` may read the sources", short(command.text()))),
        }
    }

    fn dotnet_needs(&self, target: Option<&str>) -> (Vec<Need>, Option<String>, Vec<String>) {
        let mut needs: Vec<Need> = Ecosystem::Dotnet
            .info()
            .extras
            .iter()
            .chain(Ecosystem::Dotnet.info().locks)
            .map(|f| Need::optional(join(&self.cwd, f)))
            .collect();
        let is_project = |n: &str| {
            [".sln", ".slnx", ".csproj", ".fsproj", ".vbproj"]
                .iter()
                .any(|e| n.ends_with(e))
        };
        let mut roots: Vec<String> = Vec::new();
        let dir = match target {
            Some(t) if is_project(t) => {
                roots.push(join(&self.cwd, t));
                None
            }
            Some(t) => Some(join(&self.cwd, t)),
            None => Some(self.cwd.clone()),
        };
        if let Some(dir) = dir {
            // Only the project and solution files: a directory can hold thousands of names.
            match self.site.project.list_where(&dir, &is_project) {
                Some(names) => {
                    let solutions: Vec<&String> = names
                        .iter()
                        .filter(|n| n.ends_with(".sln") || n.ends_with(".slnx"))
                        .collect();
                    let projects: Vec<&String> = names
                        .iter()
                        .filter(|n| is_project(n) && !n.ends_with(".sln") && !n.ends_with(".slnx"))
                        .collect();
                    match (solutions.as_slice(), projects.as_slice()) {
                        ([one], _) => roots.push(join(&dir, one)),
                        ([], [one]) => roots.push(join(&dir, one)),
                        _ => {
                            return (
                                needs,
                                Some(
                                    "`dotnet restore` finds no single project or solution file"
                                        .to_owned(),
                                ),
                                Vec::new(),
                            );
                        }
                    }
                }
                None => {
                    for glob in Ecosystem::Dotnet.info().conventional {
                        needs.push(Need::optional(join(&dir, glob)));
                    }
                    return (
                        needs,
                        None,
                        vec!["the project files were not read: project references were not looked for".to_owned()],
                    );
                }
            }
        }
        let mut unchecked = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        while let Some(project) = roots.pop() {
            if seen.contains(&project) || seen.len() > 100 {
                continue;
            }
            seen.push(project.clone());
            needs.push(Need::file(project.clone()));
            let dir = paths::parent(&project).to_owned();
            for extra in [
                "Directory.Build.props",
                "Directory.Packages.props",
                "packages.lock.json",
            ] {
                needs.push(Need::optional(join(&dir, extra)));
            }
            match self.site.project.read(&project) {
                Some(text) => {
                    let references: Vec<String> = if project.ends_with(".sln") {
                        sln_projects(&text)
                    } else {
                        xml_attributes(&text, "ProjectReference", "Include")
                    };
                    for reference in references {
                        roots.push(join(&dir, &reference.replace('\\', "/")));
                    }
                }
                None => {
                    if self.site.project.exists(&project) != Some(false) {
                        unchecked.push(format!(
                            "{} was not read: project references were not looked for",
                            base_name(&project)
                        ));
                    }
                }
            }
        }
        (needs, None, unchecked)
    }

    fn mix(&mut self, command: Command<'_>) {
        let positionals: Vec<String> = command
            .positionals(OptionSpec::new(&["--only"]))
            .map(|w| w.value_lossy().to_owned())
            .collect();
        let cwd = self.cwd.clone();
        let mut needs = vec![
            Need::file(join(&cwd, "mix.exs")),
            Need::optional(join(&cwd, "mix.lock")),
        ];
        match positionals.first().map(String::as_str) {
            Some("deps.get" | "deps.compile") => {
                if positionals[0] == "deps.compile" {
                    needs.push(Need::dir(join(&cwd, "config"), false));
                }
                let mut blocker = None;
                match self.site.project.list(&join(&cwd, "apps")) {
                    Some(apps) => {
                        for app in apps {
                            needs.push(Need::file(join(&cwd, &format!("apps/{app}/mix.exs"))));
                        }
                    }
                    None if self.site.project.exists(&join(&cwd, "apps")) == Some(true) => {
                        blocker = Some("the umbrella's apps are not known".to_owned());
                    }
                    None => {}
                }
                self.push_install(
                    command,
                    Ecosystem::Mix,
                    InstallKind::Install,
                    &cwd,
                    needs,
                    blocker,
                    Vec::new(),
                );
            }
            Some("local.hex" | "local.rebar" | "archive.install" | "hex.config") => {}
            Some(_) => {
                self.push_install(
                    command,
                    Ecosystem::Mix,
                    InstallKind::Build,
                    &cwd,
                    Vec::new(),
                    None,
                    Vec::new(),
                );
            }
            None => {}
        }
    }
}

/// The manifest a build reads its dependencies from (to tell that the copy of the
/// sources brings it).
fn build_needs(ecosystem: Ecosystem, cwd: &str) -> Vec<Need> {
    let names: &[(&str, bool)] = match ecosystem {
        Ecosystem::Go => &[("go.mod", true)],
        Ecosystem::Cargo => &[("Cargo.toml", true)],
        Ecosystem::Maven => &[("pom.xml", true)],
        Ecosystem::Gradle => &[
            ("build.gradle", false),
            ("build.gradle.kts", false),
            ("settings.gradle", false),
            ("settings.gradle.kts", false),
        ],
        Ecosystem::Dotnet => &[
            ("*.csproj", false),
            ("*.fsproj", false),
            ("*.vbproj", false),
            ("*.sln", false),
        ],
        Ecosystem::Mix => &[("mix.exs", true)],
        _ => &[],
    };
    names
        .iter()
        .map(|(name, required)| Need {
            path: join(cwd, name),
            dir: false,
            required: *required,
        })
        .collect()
}

/// The manifests, lock files and configuration of a JavaScript install at `cwd`.
fn js_manifest_needs(ecosystem: Ecosystem, cwd: &str) -> Vec<Need> {
    let info = ecosystem.info();
    let mut needs: Vec<Need> = info
        .manifests
        .iter()
        .map(|m| Need::file(join(cwd, m)))
        .collect();
    for optional in info.locks.iter().chain(info.extras) {
        if let Some(dir) = optional.strip_suffix('/') {
            needs.push(Need::dir(join(cwd, dir), false));
        } else {
            needs.push(Need::optional(join(cwd, optional)));
        }
    }
    needs
}

/// Install scripts that read nothing of the project: git hooks (`husky`) need `.git`,
/// which builds do not have, and they skip it.
fn script_is_harmless(script: &str) -> bool {
    let script = script.trim();
    script.starts_with("husky") || script == "is-ci || husky install" || script.starts_with("ngcc")
}

/// The `package.json` of each workspace of `manifest` (npm and yarn `workspaces`).
fn workspace_needs(
    manifest: &serde_json::Value,
    cwd: &str,
    project: &dyn Project,
) -> Result<Vec<Need>, String> {
    let patterns: Vec<String> = match manifest.get("workspaces") {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        Some(serde_json::Value::Object(o)) => o
            .get("packages")
            .and_then(|p| p.as_array())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        _ => return Ok(Vec::new()),
    };
    expand_workspaces(&patterns, cwd, project)
}

fn expand_workspaces(
    patterns: &[String],
    cwd: &str,
    project: &dyn Project,
) -> Result<Vec<Need>, String> {
    let mut needs = Vec::new();
    for pattern in patterns {
        if pattern.starts_with('!') {
            continue;
        }
        let pattern = pattern.trim_end_matches('/').trim_start_matches("./");
        if pattern.contains("**") {
            return Err(format!(
                "the workspace pattern `{pattern}` is not expanded by layerlint"
            ));
        }
        let mut dirs = vec![String::new()];
        for part in pattern.split('/') {
            let mut next = Vec::new();
            for dir in &dirs {
                let full = join(cwd, dir);
                if has_wildcards(part) {
                    let Some(names) = project.list(&full) else {
                        return Err("the workspace packages are not known (the build context is not available)".to_owned());
                    };
                    for name in names {
                        if paths::glob_match(part, &name) {
                            next.push(if dir.is_empty() {
                                name.clone()
                            } else {
                                format!("{dir}/{name}")
                            });
                        }
                    }
                } else {
                    next.push(if dir.is_empty() {
                        part.to_owned()
                    } else {
                        format!("{dir}/{part}")
                    });
                }
            }
            dirs = next;
        }
        for dir in dirs {
            let manifest = join(&join(cwd, &dir), "package.json");
            match project.exists(&manifest) {
                Some(true) => needs.push(Need::file(manifest)),
                Some(false) => {}
                None => return Err("the workspace packages are not known".to_owned()),
            }
        }
    }
    if needs.len() > 40 {
        return Err(format!("the workspace has {} packages", needs.len()));
    }
    Ok(needs)
}

fn pnpm_workspace_needs(text: &str, cwd: &str, project: &dyn Project) -> Result<Vec<Need>, String> {
    let mut patterns = Vec::new();
    let mut in_packages = false;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.starts_with('-') {
            in_packages = line.trim_end() == "packages:";
            continue;
        }
        if in_packages && let Some(item) = line.trim().strip_prefix('-') {
            patterns.push(item.trim().trim_matches(['\'', '"']).to_owned());
        }
    }
    expand_workspaces(&patterns, cwd, project)
}

/// Dependencies on local paths (`"lib": "file:../lib"`): the install needs those sources.
fn local_dependencies(manifest: &serde_json::Value) -> Option<String> {
    for key in ["dependencies", "devDependencies", "optionalDependencies"] {
        let Some(deps) = manifest.get(key).and_then(|d| d.as_object()) else {
            continue;
        };
        for (name, spec) in deps {
            let spec = spec.as_str().unwrap_or("");
            if spec.starts_with("file:")
                || spec.starts_with("link:")
                || spec.starts_with("./")
                || spec.starts_with("../")
                || spec.starts_with("portal:")
            {
                return Some(format!(
                    "package.json depends on the local path `{spec}` ({name})"
                ));
            }
        }
    }
    None
}

/// The value of `--prefix dir` / `-C dir` style options.
fn prefix_dir(command: Command<'_>, flags: &[&str]) -> Option<String> {
    let value = command.flag_values(flags).last()?;
    Some(value.as_str().to_owned())
}

/// Whether a command named `name` (seen through its wrappers) may be read as a dependency
/// install or a build: the names [`Walker::command`] hands to a package manager or a build
/// tool, the only ones that add to [`RunAnalysis::installs`]. A RUN that runs none of them
/// has no installs, which the planner tells from the names alone, without the analysis.
pub fn may_install(name: &str) -> bool {
    matches!(
        name,
        "npm"
            | "yarn"
            | "pnpm"
            | "bun"
            | "uv"
            | "poetry"
            | "pipenv"
            | "go"
            | "cargo"
            | "mvn"
            | "mvnw"
            | "./mvnw"
            | "gradle"
            | "gradlew"
            | "./gradlew"
            | "bundle"
            | "bundler"
            | "composer"
            | "composer.phar"
            | "dotnet"
            | "mix"
    ) || is_pip(name)
        || is_python(name)
}

fn is_pip(name: &str) -> bool {
    name == "pip"
        || name
            .strip_prefix("pip")
            .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

fn is_python(name: &str) -> bool {
    name == "python"
        || name
            .strip_prefix("python")
            .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// Whether an operand names a local file rather than a package.
fn looks_like_path(word: &str) -> bool {
    word == "."
        || word.starts_with("./")
        || word.starts_with("../")
        || word.starts_with('/')
        || (word.contains('/') && !word.contains("://") && !word.contains('@'))
        || word.ends_with(".whl")
        || word.ends_with(".tar.gz")
        || word.ends_with(".zip")
        || word.ends_with(".gem")
}

/// The text of `<tag>…</tag>` elements.
fn xml_values(text: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&open) {
        rest = &rest[start + open.len()..];
        let Some(end) = rest.find(&close) else { break };
        out.push(rest[..end].trim().to_owned());
        rest = &rest[end..];
    }
    out
}

/// The values of `attribute` on `<tag …>` elements.
fn xml_attributes(text: &str, tag: &str, attribute: &str) -> Vec<String> {
    let open = format!("<{tag}");
    let key = format!("{attribute}=\"");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&open) {
        rest = &rest[start + open.len()..];
        let element = &rest[..rest.find('>').unwrap_or(rest.len())];
        if let Some(at) = element.find(&key) {
            let value = &element[at + key.len()..];
            if let Some(end) = value.find('"') {
                out.push(value[..end].to_owned());
            }
        }
    }
    out
}

/// The project paths of a `.sln` file.
fn sln_projects(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with("Project("))
        .filter_map(|l| {
            let parts: Vec<&str> = l.split('"').collect();
            let path = parts.get(5)?;
            [".csproj", ".fsproj", ".vbproj"]
                .iter()
                .any(|e| path.ends_with(e))
                .then(|| (*path).to_owned())
        })
        .collect()
}

/// The projects a Gradle settings file includes (`include ':app', 'lib'`).
fn gradle_includes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let Some(rest) = line.strip_prefix("include") else {
            continue;
        };
        if !rest.starts_with([' ', '(']) {
            continue;
        }
        for part in rest.split(['\'', '"']).skip(1).step_by(2) {
            let name = part.trim_start_matches(':');
            if !name.is_empty() {
                out.push(name.to_owned());
            }
        }
    }
    out
}

/// The first line of a command, shortened for messages.
pub fn short(text: &str) -> String {
    // Line continuations joined, so that `RUN \` shows its command (a text of one line,
    // most commands, has none).
    let joined = if text.contains('\n') {
        std::borrow::Cow::Owned(text.replace("\\\r\n", " ").replace("\\\n", " "))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let mut line = String::with_capacity(joined.len());
    for word in joined.lines().next().unwrap_or("").split_whitespace() {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.chars().count() > 60 {
        let cut: String = line.chars().take(57).collect();
        format!("{cut}...")
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn needs_are_deduplicated_in_order() {
        // Lists of every length up to 40 over a few needs, in place and through a set
        // alike: the first of equal needs kept, the order kept.
        let pool = [
            Need::file("/app/a".to_owned()),
            Need::optional("/app/a".to_owned()),
            Need::dir("/app/a".to_owned(), false),
            Need::file("/app/b".to_owned()),
            Need::optional("/app/c".to_owned()),
        ];
        for len in 0..=40 {
            for seed in 0..12usize {
                let needs: Vec<Need> = (0..len)
                    .map(|i| pool[(i * (seed + 1) + seed * seed + i / 3) % pool.len()].clone())
                    .collect();
                let mut expected = needs.clone();
                let mut seen = std::collections::HashSet::new();
                expected.retain(|n| seen.insert(n.clone()));
                let mut got = needs;
                dedup_needs(&mut got);
                assert_eq!(got, expected, "{len} {seed}");
            }
        }
    }

    struct Files(BTreeMap<String, String>);

    impl Project for Files {
        fn exists(&self, path: &str) -> Option<bool> {
            Some(
                self.0.contains_key(path)
                    || self.0.keys().any(|k| k.starts_with(&format!("{path}/"))),
            )
        }
        fn read(&self, path: &str) -> Option<String> {
            self.0.get(path).cloned()
        }
        fn list(&self, dir: &str) -> Option<Vec<String>> {
            let prefix = format!("{}/", dir.trim_end_matches('/'));
            let mut names: Vec<String> = self
                .0
                .keys()
                .filter_map(|k| k.strip_prefix(&prefix))
                .map(|r| r.split('/').next().unwrap().to_owned())
                .collect();
            names.dedup();
            Some(names)
        }
    }

    fn run(text: &str, files: &[(&str, &str)]) -> RunAnalysis {
        let project = Files(
            files
                .iter()
                .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
                .collect(),
        );
        let dirs = vec!["/app".to_owned()];
        let site = RunSite {
            workdir: "/app",
            home: "/root",
            project_dirs: &dirs,
            project: &project,
            scope: None,
        };
        analyze(&[Rc::new(layerlint_shell::parse_str(text))], &site)
    }

    #[test]
    fn os_packages_read_nothing() {
        let a = run(
            "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*",
            &[],
        );
        assert_eq!(a.reads, Reads::Nothing);
        assert!(a.installs.is_empty());
        assert_eq!(
            run("mkdir -p /data && chown node /data", &[]).reads,
            Reads::Nothing
        );
        assert_eq!(run("chmod +x ./run.sh", &[]).reads, Reads::Sources);
        assert_eq!(run("chown -R node /app", &[]).reads, Reads::Sources);
        assert_eq!(run("echo hi > config.json", &[]).reads, Reads::Sources);
        assert_eq!(run("npm install -g pm2", &[]).reads, Reads::Nothing);
        assert_eq!(run("pip install --upgrade pip", &[]).reads, Reads::Nothing);
        assert_eq!(
            run("curl -fsSL https://x.sh | sh", &[]).reads,
            Reads::Nothing
        );
    }

    #[test]
    fn npm_install_and_scripts() {
        let a = run("npm ci", &[("/app/package.json", "{}")]);
        assert_eq!(a.reads, Reads::Manifests);
        assert_eq!(a.installs.len(), 1);
        assert_eq!(a.installs[0].ecosystem, Ecosystem::Npm);
        assert!(
            a.needs
                .iter()
                .any(|n| n.path == "/app/package.json" && n.required)
        );
        assert!(
            a.needs
                .iter()
                .any(|n| n.path == "/app/package-lock.json" && !n.required)
        );

        let pkg = r#"{"scripts": {"build": "tsc", "postinstall": "prisma generate", "gen": "prisma generate"}}"#;
        let a = run(
            "npm install",
            &[
                ("/app/package.json", pkg),
                ("/app/prisma/schema.prisma", ""),
            ],
        );
        assert_eq!(a.reads, Reads::Manifests);
        assert!(a.needs.iter().any(|n| n.path == "/app/prisma" && n.dir));
        let a = run("npm run build", &[("/app/package.json", pkg)]);
        assert_eq!(a.reads, Reads::Sources);
        let a = run(
            "npm run gen",
            &[
                ("/app/package.json", pkg),
                ("/app/prisma/schema.prisma", ""),
            ],
        );
        assert_eq!(a.reads, Reads::Manifests);
        let a = run("npx prisma generate", &[]);
        assert_eq!(a.reads, Reads::Manifests);
        assert!(a.needs.iter().any(|n| n.path == "/app/prisma"));

        let blocked = r#"{"scripts": {"postinstall": "npm run build", "build": "tsc"}}"#;
        let a = run("npm ci", &[("/app/package.json", blocked)]);
        assert_eq!(a.reads, Reads::Sources);
        assert!(
            a.installs[0]
                .blocker
                .as_deref()
                .unwrap()
                .contains("postinstall")
        );
        assert_eq!(run("npm install express", &[]).reads, Reads::Sources);
        assert_eq!(run("npm ci && npm run build", &[]).reads, Reads::Sources);
    }

    #[test]
    fn workspaces() {
        let pkg = r#"{"workspaces": ["packages/*"]}"#;
        let a = run(
            "yarn install --frozen-lockfile",
            &[
                ("/app/package.json", pkg),
                ("/app/packages/a/package.json", "{}"),
                ("/app/packages/b/package.json", "{}"),
            ],
        );
        assert_eq!(a.reads, Reads::Manifests);
        assert_eq!(a.installs[0].ecosystem, Ecosystem::Yarn);
        assert!(
            a.needs
                .iter()
                .any(|n| n.path == "/app/packages/b/package.json")
        );
    }

    #[test]
    fn python_and_others() {
        let a = run(
            "pip install --no-cache-dir -r requirements.txt",
            &[
                ("/app/requirements.txt", "-r base.txt\nflask\n"),
                ("/app/base.txt", ""),
            ],
        );
        assert_eq!(a.reads, Reads::Manifests);
        assert!(a.needs.iter().any(|n| n.path == "/app/base.txt"));
        let a = run(
            "pip install -r requirements.txt",
            &[("/app/requirements.txt", "-e .\n")],
        );
        assert_eq!(a.reads, Reads::Sources);
        assert_eq!(run("pip install .", &[]).reads, Reads::Sources);
        assert_eq!(run("poetry install", &[]).reads, Reads::Sources);
        assert_eq!(run("poetry install --no-root", &[]).reads, Reads::Manifests);
        assert_eq!(
            run("cd backend && pip install -r requirements.txt", &[]).needs[0].path,
            "/app/backend/requirements.txt"
        );
        assert_eq!(run("go mod download", &[]).reads, Reads::Manifests);
        let a = run("go build -o /bin/app .", &[]);
        assert_eq!(a.reads, Reads::Sources);
        assert_eq!(a.installs[0].kind, InstallKind::Build);
        assert_eq!(run("bundle install", &[]).reads, Reads::Manifests);
        assert_eq!(run("composer install", &[]).reads, Reads::Sources);
        assert_eq!(
            run("composer install --no-scripts --no-autoloader", &[]).reads,
            Reads::Manifests
        );
        assert_eq!(
            run("mvn -B dependency:go-offline", &[]).reads,
            Reads::Manifests
        );
        assert_eq!(run("mvn -B package -DskipTests", &[]).reads, Reads::Sources);
        assert_eq!(
            run("./gradlew dependencies --no-daemon", &[]).reads,
            Reads::Manifests
        );
        assert_eq!(run("mix deps.get --only prod", &[]).reads, Reads::Manifests);
        let a = run(
            "dotnet restore",
            &[
                (
                    "/app/App.csproj",
                    r#"<ProjectReference Include="..\Lib\Lib.csproj" />"#,
                ),
                ("/Lib/Lib.csproj", ""),
            ],
        );
        assert_eq!(a.reads, Reads::Manifests);
        assert!(a.needs.iter().any(|n| n.path == "/Lib/Lib.csproj"));
    }

    /// A script with an install (or a build) runs a command that `may_install` names, seen
    /// through its wrappers: the planner skips the analysis of RUNs that run none. Every
    /// command the walker hands to a package manager or build tool, as written in
    /// Dockerfiles (through wrappers, `sh -c`, `python -m pip`, versioned names).
    #[test]
    fn installs_come_from_commands_may_install_names() {
        let package = (
            "/app/package.json",
            r#"{"scripts": {"build": "npm ci && tsc"}}"#,
        );
        let scripts = [
            "npm ci",
            "npm install",
            "npm i --omit=dev",
            "npm run build",
            "yarn",
            "yarn install --frozen-lockfile",
            "pnpm install",
            "pnpm fetch",
            "pnpm i --frozen-lockfile",
            "bun install",
            "pip install -r requirements.txt",
            "pip3 install -r requirements.txt",
            "pip3.11 install .",
            "python -m pip install -r requirements.txt",
            "python3.12 -m pip install .",
            "uv sync --frozen",
            "uv pip install -r requirements.txt",
            "poetry install --no-root",
            "pipenv install --deploy",
            "go mod download",
            "go build -o /bin/app .",
            "cargo build --release",
            "cargo chef cook --release",
            "cargo fetch",
            "mvn -B dependency:go-offline",
            "./mvnw package",
            "mvnw -B package",
            "gradle build",
            "./gradlew dependencies",
            "bundle install",
            "bundler install",
            "composer install",
            "composer.phar install",
            "dotnet restore",
            "dotnet publish -c Release",
            "mix deps.get",
            "mix compile",
            "sudo -E npm ci",
            "env CI=1 yarn install",
            "timeout 600 go mod download",
            "sh -c 'npm ci'",
            "bash -c \"cd /app && pip install -r requirements.txt\"",
            "cd /app && (npm ci) && echo ok",
            "echo $(go mod download)",
        ];
        let mut installs = 0;
        for text in scripts {
            let analysis = run(text, &[package]);
            installs += analysis.installs.len();
            if analysis.installs.is_empty() {
                continue;
            }
            let script = layerlint_shell::parse_str(text);
            assert!(
                script
                    .commands()
                    .any(|c| script.unwrapped_name(c.id()).is_some_and(may_install)),
                "{text}: installs from commands may_install does not name"
            );
        }
        assert!(installs > 30, "{installs} installs");
    }
}
