//! What layerlint knows about package managers, as data: the names each goes by, its
//! options that take a value, which subcommands install, ask for confirmation or refresh
//! the index, the flags that answer "yes", where it keeps its cache, the environment
//! variables that move or disable that cache, and how to clean it.
//!
//! The package-manager rules (`LL403`–`LL410`, `LL501`–`LL516`) read everything from here;
//! other rules (cache mounts, cleanup in later layers) can too. Adding a package manager
//! or a subcommand is a change to a table, not to a rule.
//!
//! The helpers find a manager's commands in a RUN ([`uses`]: through `sudo`/`env`/`xargs`
//! wrappers, inside `sh -c` strings and heredoc scripts, `python -m pip` as `pip`), say
//! whether the RUN mounts a cache over a directory ([`cache_mounted`]), whether a command
//! removes a directory ([`removes_dir`]), and where a fix can safely insert text
//! ([`word_end`], [`append_point`]).

use layerlint_diagnostics::{Edit, Fix};
use layerlint_shell::known;
use layerlint_shell::{Command, CommandId, OptionSpec, Separator, Word};
use layerlint_syntax::mount::MountKind;
use layerlint_syntax::semantic::{Base, Scope, Stage};
use layerlint_syntax::{Body, Instruction};
use layerlint_text::{TextRange, TextSize};

use crate::shell::ShellScript;
use crate::{Context, Node};

/// A package manager.
#[derive(Debug)]
pub(crate) struct PackageManager {
    /// How messages name it.
    pub name: &'static str,
    /// Its bit in [`Managers::commands`]: `1 << i` for [`ALL`]`[i]` (a test checks); 0 for
    /// a manager outside [`ALL`].
    pub bit: u16,
    /// The command names (basenames) it goes by.
    pub commands: &'static [&'static str],
    /// Whether a name may carry a version suffix (`pip3.12`).
    pub versioned: bool,
    /// `python -m <module>` runs it too.
    pub module: Option<&'static str>,
    /// Its options that take a value (so that the value is not read as a package).
    pub spec: OptionSpec<'static>,
    /// Subcommands that download packages (and so fill the cache).
    pub install: &'static [&'static str],
    /// Subcommands that change the system and ask for confirmation unless told yes.
    pub confirm: &'static [&'static str],
    /// Options that answer yes to every question.
    pub yes: &'static [&'static str],
    /// Subcommands that only refresh the package index.
    pub update: &'static [&'static str],
    /// Where it keeps downloads and indexes: absolute, or `~/` for the user's home.
    pub cache_dirs: &'static [&'static str],
    /// Environment variables that move the cache (their value is a cache directory too).
    pub cache_dir_env: &'static [&'static str],
    /// Environment variables that disable the cache when set to a true value.
    pub no_cache_env: &'static [&'static str],
    /// The subcommand words that empty the cache (`["clean", "all"]`), as a fix appends
    /// them after the command's name.
    pub clean: &'static [&'static str],
    /// Directories whose removal empties the cache (as `rm -rf DIR/*` does).
    pub clean_dirs: &'static [&'static str],
    /// Where its package index is kept.
    pub index_dir: &'static str,
    /// Subcommands that remove the package index (`apt-get dist-clean`, `dnf clean all`).
    pub index_clean: &'static [&'static str],
}

/// Debian's `apt-get`.
pub(crate) const APT_GET: PackageManager = PackageManager {
    bit: 1 << 0,
    name: "apt-get",
    // `xx-apt-get` (tonistiigi/xx, for cross builds) passes everything on to `apt-get`.
    commands: &["apt-get", "xx-apt-get"],
    versioned: false,
    module: None,
    spec: known::APT_GET,
    install: &[
        "install",
        "upgrade",
        "dist-upgrade",
        "full-upgrade",
        "build-dep",
        "reinstall",
        "satisfy",
        "source",
        "download",
    ],
    confirm: &[
        "install",
        "upgrade",
        "dist-upgrade",
        "full-upgrade",
        "build-dep",
        "reinstall",
        "satisfy",
        "remove",
        "purge",
        "autoremove",
        "autopurge",
    ],
    yes: &["-y", "--yes", "--assume-yes"],
    update: &["update"],
    cache_dirs: &["/var/cache/apt", "/var/lib/apt"],
    cache_dir_env: &[],
    no_cache_env: &[],
    clean: &["clean"],
    clean_dirs: &["/var/cache/apt/archives"],
    index_dir: "/var/lib/apt/lists",
    index_clean: &["dist-clean", "distclean"],
};

/// Debian's `apt`, the interactive front end.
pub(crate) const APT: PackageManager = PackageManager {
    bit: 1 << 1,
    name: "apt",
    commands: &["apt"],
    ..APT_GET
};

/// `aptitude`: only its index refresh matters here.
pub(crate) const APTITUDE: PackageManager = PackageManager {
    bit: 1 << 2,
    name: "aptitude",
    commands: &["aptitude"],
    ..APT_GET
};

/// `apt-get` and `apt`, which the apt rules check alike.
pub(crate) const APT_FAMILY: [&PackageManager; 2] = [&APT_GET, &APT];

/// The apt front ends whose `update` writes the package lists.
pub(crate) const APT_UPDATERS: [&PackageManager; 3] = [&APT_GET, &APT, &APTITUDE];

/// Where `apt-get update` writes the package index.
pub(crate) const APT_LISTS: &str = "/var/lib/apt/lists";

/// The `apt` subcommands `apt-get` has with the same meaning, and how `apt-get` spells
/// them. (`apt upgrade` also installs new dependencies, which `apt-get upgrade` does not;
/// `apt list`, `search`, `show` have no `apt-get` twin.)
pub(crate) const APT_TO_APT_GET: &[(&str, &str)] = &[
    ("install", "install"),
    ("update", "update"),
    ("remove", "remove"),
    ("purge", "purge"),
    ("autoremove", "autoremove"),
    ("autopurge", "autopurge"),
    ("clean", "clean"),
    ("autoclean", "autoclean"),
    ("dist-upgrade", "dist-upgrade"),
    ("full-upgrade", "dist-upgrade"),
    ("build-dep", "build-dep"),
    ("source", "source"),
    ("download", "download"),
    ("changelog", "changelog"),
    ("check", "check"),
    ("satisfy", "satisfy"),
    ("reinstall", "reinstall"),
];

/// Alpine's `apk`.
pub(crate) const APK: PackageManager = PackageManager {
    bit: 1 << 3,
    name: "apk",
    commands: &["apk", "xx-apk"],
    versioned: false,
    module: None,
    spec: known::APK,
    install: &["add", "upgrade", "fix", "fetch"],
    confirm: &[],
    yes: &[],
    update: &["update"],
    cache_dirs: &["/var/cache/apk", "/etc/apk/cache"],
    cache_dir_env: &[],
    no_cache_env: &[],
    clean: &["cache", "clean"],
    clean_dirs: &["/var/cache/apk"],
    index_dir: "/var/cache/apk",
    index_clean: &[],
};

const RPM_INSTALL: &[&str] = &[
    "install",
    "in",
    "groupinstall",
    "localinstall",
    "reinstall",
    "rei",
    "update",
    "upgrade",
    "up",
    "update-minimal",
    "upgrade-minimal",
    "up-min",
    "downgrade",
    "distro-sync",
    "distrosync",
    "dsync",
    "groupupdate",
    "swap",
];

const RPM_CONFIRM: &[&str] = &[
    "install",
    "in",
    "groupinstall",
    "localinstall",
    "reinstall",
    "rei",
    "update",
    "upgrade",
    "up",
    "update-minimal",
    "upgrade-minimal",
    "up-min",
    "downgrade",
    "distro-sync",
    "distrosync",
    "dsync",
    "groupupdate",
    "swap",
    "remove",
    "erase",
    "rm",
    "autoremove",
    "groupremove",
];

/// Red Hat's `yum`.
pub(crate) const YUM: PackageManager = PackageManager {
    bit: 1 << 4,
    name: "yum",
    commands: &["yum"],
    versioned: false,
    module: None,
    spec: known::YUM_DNF,
    install: RPM_INSTALL,
    confirm: RPM_CONFIRM,
    yes: &["-y", "--assumeyes"],
    update: &["makecache"],
    cache_dirs: &["/var/cache/yum", "/var/cache/dnf"],
    cache_dir_env: &[],
    no_cache_env: &[],
    clean: &["clean", "all"],
    clean_dirs: &["/var/cache/yum", "/var/cache/dnf"],
    index_dir: "/var/cache/yum",
    index_clean: &["clean"],
};

/// Fedora's `dnf` (and `dnf5`).
pub(crate) const DNF: PackageManager = PackageManager {
    bit: 1 << 5,
    name: "dnf",
    index_dir: "/var/cache/dnf",
    commands: &["dnf", "dnf5", "dnf-3"],
    cache_dirs: &[
        "/var/cache/dnf",
        "/var/cache/libdnf5",
        "/var/cache/yum",
        "~/.cache/libdnf5",
    ],
    clean_dirs: &["/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/yum"],
    ..YUM
};

/// `microdnf`, the small `dnf` of minimal images.
pub(crate) const MICRODNF: PackageManager = PackageManager {
    bit: 1 << 6,
    name: "microdnf",
    commands: &["microdnf"],
    ..DNF
};

/// SUSE's `zypper`.
pub(crate) const ZYPPER: PackageManager = PackageManager {
    bit: 1 << 7,
    name: "zypper",
    commands: &["zypper"],
    versioned: false,
    module: None,
    spec: OptionSpec::new(&[
        "-t",
        "--type",
        "-r",
        "--repo",
        "--from",
        "-p",
        "--plus-repo",
        "-c",
        "--config",
        "-R",
        "--root",
        "--installroot",
        "-D",
        "--reposd-dir",
        "-C",
        "--cache-dir",
        "--raw-cache-dir",
        "--solv-cache-dir",
        "--pkg-cache-dir",
        "--download",
        "-P",
        "--priority",
    ]),
    install: &[
        "install",
        "in",
        "update",
        "up",
        "patch",
        "dist-upgrade",
        "dup",
        "source-install",
        "si",
        "install-new-recommends",
        "inr",
    ],
    confirm: &[
        "install",
        "in",
        "remove",
        "rm",
        "update",
        "up",
        "patch",
        "dist-upgrade",
        "dup",
        "source-install",
        "si",
        "install-new-recommends",
        "inr",
    ],
    // `-n`/`--non-interactive` are global options, `-y`/`--no-confirm` command options.
    yes: &["-n", "--non-interactive", "-y", "--no-confirm"],
    update: &["refresh", "ref"],
    cache_dirs: &["/var/cache/zypp"],
    cache_dir_env: &[],
    no_cache_env: &[],
    clean: &["clean", "--all"],
    clean_dirs: &["/var/cache/zypp"],
    index_dir: "/var/cache/zypp",
    index_clean: &["clean", "cc"],
};

/// Python's `pip` (also `pip3`, `pip3.12`, `python -m pip`).
pub(crate) const PIP: PackageManager = PackageManager {
    bit: 1 << 8,
    name: "pip",
    commands: &["pip"],
    versioned: true,
    module: Some("pip"),
    spec: known::PIP,
    install: &["install", "download", "wheel"],
    confirm: &[],
    yes: &[],
    update: &[],
    cache_dirs: &["~/.cache/pip"],
    cache_dir_env: &["PIP_CACHE_DIR"],
    no_cache_env: &["PIP_NO_CACHE_DIR"],
    clean: &["cache", "purge"],
    clean_dirs: &["~/.cache/pip"],
    index_dir: "",
    index_clean: &[],
};

/// Node's `npm`.
pub(crate) const NPM: PackageManager = PackageManager {
    bit: 1 << 9,
    name: "npm",
    commands: &["npm"],
    versioned: false,
    module: None,
    spec: known::NPM,
    install: &[
        "install",
        "i",
        "in",
        "ins",
        "inst",
        "insta",
        "instal",
        "isnt",
        "isnta",
        "isntal",
        "isntall",
        "add",
        "ci",
        "clean-install",
        "install-clean",
        "isntall-clean",
    ],
    confirm: &[],
    yes: &[],
    update: &[],
    cache_dirs: &["~/.npm"],
    cache_dir_env: &["npm_config_cache", "NPM_CONFIG_CACHE"],
    no_cache_env: &[],
    clean: &["cache", "clean", "--force"],
    clean_dirs: &["~/.npm"],
    index_dir: "",
    index_clean: &[],
};

/// The `npm` subcommands that take packages to install (not `ci`).
pub(crate) const NPM_ADD: &[&str] = &[
    "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall",
    "add",
];

/// Yarn (classic and berry).
pub(crate) const YARN: PackageManager = PackageManager {
    bit: 1 << 10,
    name: "yarn",
    commands: &["yarn", "yarnpkg"],
    versioned: false,
    module: None,
    spec: OptionSpec::new(&[
        "--cache-folder",
        "--modules-folder",
        "--cwd",
        "--registry",
        "--network-timeout",
        "--mutex",
        "--global-folder",
        "--link-folder",
        "--preferred-cache-folder",
        "--use-yarnrc",
    ]),
    install: &["install", "add"],
    confirm: &[],
    yes: &[],
    update: &[],
    cache_dirs: &[
        "/usr/local/share/.cache/yarn",
        "~/.cache/yarn",
        "~/.yarn/berry/cache",
        "~/.yarn/cache",
    ],
    cache_dir_env: &["YARN_CACHE_FOLDER"],
    no_cache_env: &[],
    clean: &["cache", "clean"],
    clean_dirs: &["/usr/local/share/.cache/yarn", "~/.cache/yarn"],
    index_dir: "",
    index_clean: &[],
};

/// Ruby's `gem`.
pub(crate) const GEM: PackageManager = PackageManager {
    bit: 1 << 11,
    name: "gem",
    commands: &["gem"],
    versioned: false,
    module: None,
    spec: known::GEM,
    install: &["install", "i", "update"],
    confirm: &[],
    yes: &[],
    update: &[],
    cache_dirs: &["~/.gem"],
    cache_dir_env: &[],
    no_cache_env: &[],
    clean: &[],
    clean_dirs: &[],
    index_dir: "",
    index_clean: &[],
};

/// The `go` tool (`go install`, `go get`).
pub(crate) const GO: PackageManager = PackageManager {
    bit: 1 << 12,
    name: "go",
    commands: &["go"],
    versioned: false,
    module: None,
    spec: OptionSpec::new(&[
        "-C",
        "-p",
        "-o",
        "-tags",
        "-ldflags",
        "-gcflags",
        "-asmflags",
        "-gccgoflags",
        "-mod",
        "-modfile",
        "-pkgdir",
        "-buildmode",
        "-compiler",
        "-overlay",
        "-pgo",
        "-toolexec",
        "-exec",
    ]),
    install: &["install", "get", "mod"],
    confirm: &[],
    yes: &[],
    update: &[],
    cache_dirs: &["/go/pkg/mod", "~/go/pkg/mod", "~/.cache/go-build"],
    cache_dir_env: &["GOMODCACHE", "GOCACHE"],
    no_cache_env: &[],
    clean: &["clean", "-modcache"],
    clean_dirs: &[],
    index_dir: "",
    index_clean: &[],
};

/// Package managers grouped by the index they share: a refresh by one and an install by
/// another of a group go together (`apt update` then `apt-get install`).
pub(crate) const INDEX_FAMILIES: [&[&PackageManager]; 4] = [
    &[&APT_GET, &APT, &APTITUDE],
    &[&APK],
    &[&YUM, &DNF, &MICRODNF],
    &[&ZYPPER],
];

impl PackageManager {
    /// Whether `name` (a basename) is one of this manager's names.
    pub fn is_named(&self, name: &str) -> bool {
        self.commands.iter().any(|&known| {
            name == known
                || (self.versioned
                    && name.strip_prefix(known).is_some_and(|rest| {
                        rest.starts_with(|c: char| c.is_ascii_digit())
                            && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
                    }))
        })
    }

    /// Whether a command whose name (through wrappers) is `name` may be this manager: its
    /// own name, or a Python interpreter when it is run as a module (`python3 -m pip`).
    /// A cheap test before [`PackageManager::view`].
    fn may_be(&self, name: &str) -> bool {
        self.is_named(name) || self.may_run_as_module(name)
    }

    /// Whether `name` is a Python interpreter that may run this manager as a module: the
    /// part of [`PackageManager::may_be`] that is not [`PackageManager::is_named`].
    fn may_run_as_module(&self, name: &str) -> bool {
        self.module.is_some() && name.starts_with("python")
    }

    /// The command viewed as this manager (through wrappers, and `python -m pip` as
    /// `pip`), if it is one.
    pub fn view<'s>(&self, command: Command<'s>) -> Option<Command<'s>> {
        let inner = command.unwrapped();
        let name = inner.name()?;
        if self.is_named(name) {
            return Some(inner);
        }
        let module = self.module?;
        let python = name.strip_prefix("python")?;
        if !python.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return None;
        }
        // `python3 -m pip`, `python -m pip` (no other interpreter option before `-m`).
        let mut args = inner.args();
        let flag = args.next()?;
        if flag.is("-m") && args.next()?.is(module) {
            return Some(inner.shifted(2));
        }
        if flag.value() == Some(&format!("-m{module}")) {
            return Some(inner.shifted(1));
        }
        None
    }
}

/// One command of a package manager in a RUN.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Use<'s> {
    /// The command viewed as the package manager (wrappers skipped).
    pub command: Command<'s>,
    /// The command as written, with its wrapper (`sudo apt-get ...`).
    pub written: Command<'s>,
    /// Its place in the RUN: (script index, command index); later commands compare greater.
    pub order: (usize, usize),
}

impl<'s> Use<'s> {
    /// The subcommand word: the first operand (`install` in `apt-get -y install x`).
    pub fn subcommand_word(&self, pm: &PackageManager) -> Option<Word<'s>> {
        self.command.positionals(pm.spec).next()
    }

    /// The subcommand, when it is static.
    pub fn subcommand(&self, pm: &PackageManager) -> Option<&'s str> {
        self.subcommand_word(pm)?.value()
    }

    /// Whether the subcommand is one of `subcommands`.
    pub fn is_any(&self, pm: &PackageManager, subcommands: &[&str]) -> bool {
        self.subcommand(pm)
            .is_some_and(|s| subcommands.contains(&s))
    }

    /// The operands after the subcommand (the packages of an install).
    pub fn operands(&self, pm: &PackageManager) -> impl Iterator<Item = Word<'s>> {
        self.command.positionals(pm.spec).skip(1)
    }

    /// Whether its input comes from `yes` (`yes | apt-get install ...`).
    pub fn piped_from_yes(&self) -> bool {
        self.written
            .piped_from()
            .and_then(|element| element.command())
            .is_some_and(|from| from.unwrapped().is("yes"))
    }

    /// From the manager's name to its subcommand (`apt-get install`), or the name alone.
    pub fn head_range(&self, pm: &PackageManager) -> TextRange {
        let name = self
            .command
            .name_word()
            .map_or_else(|| self.command.range(), Word::range);
        match self.subcommand_word(pm) {
            Some(sub) => span(name, sub.range()),
            None => name,
        }
    }

    /// The manager's name and subcommand as written (`apt-get install`), for messages.
    pub fn head(&self, pm: &PackageManager) -> String {
        let name = self.command.name().unwrap_or(pm.name);
        match self.subcommand(pm) {
            Some(sub) => format!("{name} {sub}"),
            None => name.to_owned(),
        }
    }

    /// Whether any of `flags` is given (`-y` also inside `-qy`).
    pub fn has_any_flag(&self, flags: &[&str]) -> bool {
        self.command.has_any_flag(flags)
    }

    /// The value given to environment variable `name` for this command only: a prefix
    /// assignment (`PIP_NO_CACHE_DIR=1 pip ...`) or an `env NAME=value` wrapper.
    pub fn env(&self, name: &str) -> Option<&'s str> {
        if let Some(assignment) = self.written.assignment(name) {
            return Some(assignment.value().value_lossy());
        }
        let wrapper_words = self.written.words().len() - self.command.words().len();
        self.written
            .words()
            .take(wrapper_words)
            .filter_map(Word::as_assignment)
            .find(|(n, _)| *n == name)
            .map(|(_, value)| value)
    }
}

/// The smallest range holding both.
pub(crate) fn span(a: TextRange, b: TextRange) -> TextRange {
    TextRange::new(a.start().min(b.start()), a.end().max(b.end()))
}

/// Every package manager, by its bit in [`may_run`]'s index (names are unique).
pub(crate) const ALL: [&PackageManager; 13] = [
    &APT_GET, &APT, &APTITUDE, &APK, &YUM, &DNF, &MICRODNF, &ZYPPER, &PIP, &NPM, &YARN, &GEM, &GO,
];

/// Which package managers a script may run (a command named as one, or a Python
/// interpreter for a manager run as a module), found once per script: each of the
/// twenty-odd package-manager rules then skips the scripts without its manager, and looks
/// only at the commands that may be it instead of at every command.
#[derive(Debug, Default)]
pub(crate) struct Managers {
    /// The commands that may run a manager of [`ALL`], in order, with the managers' bits:
    /// those it may be, and of those the ones it is by name (so that it needs no
    /// [`PackageManager::view`] to tell: it is one through its wrappers).
    commands: Vec<(CommandId, u16, u16)>,
    /// The bits of all of them: a manager's rules skip a script without its bit at once.
    any: u16,
    /// The programs of [`crate::programs`] the script runs: the bits of `any`, and those
    /// of the named programs (see [`crate::programs::named_by`]). Found in the same pass.
    programs: u64,
}

impl Managers {
    fn of(script: &ShellScript) -> &Managers {
        script.managers.get_or_init(|| {
            let mut managers = Managers::default();
            let mut programs = 0;
            for command in script.script.commands() {
                let inner_name = script.script.unwrapped_name(command.id());
                programs |= crate::programs::named_by(command, inner_name);
                let Some((name, candidates)) = inner_name.and_then(|name| {
                    let candidates = BY_FIRST_BYTE[usize::from(name.bytes().next()?)];
                    (candidates != 0).then_some((name, candidates))
                }) else {
                    continue;
                };
                let (mut bits, mut named) = (0u16, 0u16);
                let length = length_bit(name.len());
                // The candidates' bits, lowest first.
                let mut left = candidates;
                while left != 0 {
                    let i = left.trailing_zeros();
                    left &= left - 1;
                    let m = ALL[i as usize];
                    // A name of another length than the manager's names is not one of
                    // them (`apt-get` is not `apt`, `apk` or `aptitude`): told without
                    // comparing it with each.
                    if NAME_LENGTHS[i as usize] & length != 0 && m.is_named(name) {
                        named |= 1 << i;
                        bits |= 1 << i;
                    } else if m.may_run_as_module(name) {
                        bits |= 1 << i;
                    }
                }
                if bits != 0 {
                    managers.commands.push((command.id(), bits, named));
                    managers.any |= bits;
                }
            }
            managers.programs = programs | u64::from(managers.any);
            managers
        })
    }
}

/// The programs of [`crate::programs`] that the scripts of a RUN run (package managers
/// as [`uses`] finds them, named programs as [`crate::programs::named_by`] does), as bits.
pub(crate) fn programs(scripts: &[ShellScript]) -> u64 {
    scripts
        .iter()
        .fold(0, |bits, script| bits | Managers::of(script).programs)
}

/// A name's length as a bit of [`NAME_LENGTHS`]: bit 31 for 31 bytes and more.
#[inline]
const fn length_bit(len: usize) -> u32 {
    1 << if len < 31 { len } else { 31 }
}

/// For each manager of [`ALL`], the lengths (as [`length_bit`]s) that a name it goes by
/// ([`PackageManager::is_named`]) may have: those of its names, and for a manager whose
/// names may carry a version (`pip3.12`) every longer one.
const NAME_LENGTHS: [u32; ALL.len()] = {
    let mut table = [0u32; ALL.len()];
    let mut i = 0;
    while i < ALL.len() {
        let manager = ALL[i];
        let mut j = 0;
        while j < manager.commands.len() {
            let mut len = manager.commands[j].len();
            table[i] |= length_bit(len);
            while manager.versioned && len < 31 {
                len += 1;
                table[i] |= length_bit(len);
            }
            j += 1;
        }
        i += 1;
    }
    table
};

/// For each first byte of a command name, the managers of [`ALL`] (by bit) that a name
/// starting with it may be: those with a name starting with it (and, for `p`, those run
/// as a Python module). A command whose name starts with another byte is none of them.
const BY_FIRST_BYTE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < ALL.len() {
        let manager = ALL[i];
        let mut j = 0;
        while j < manager.commands.len() {
            table[manager.commands[j].as_bytes()[0] as usize] |= 1 << i;
            j += 1;
        }
        if manager.module.is_some() {
            table[b'p' as usize] |= 1 << i;
        }
        i += 1;
    }
    table
};

/// Every command of `pm` in the scripts of a RUN, in order.
///
/// Most RUNs run none of a given manager, and the package-manager rules ask about each
/// manager for every RUN: that answer is found inline, from the scripts' [`Managers`],
/// without the call that collects the uses.
#[inline(always)]
pub(crate) fn uses<'s>(scripts: &'s [ShellScript], pm: &PackageManager) -> Vec<Use<'s>> {
    if pm.bit != 0
        && scripts
            .iter()
            .all(|script| Managers::of(script).any & pm.bit == 0)
    {
        return Vec::new();
    }
    uses_in(scripts, pm)
}

#[inline(never)]
fn uses_in<'s>(scripts: &'s [ShellScript], pm: &PackageManager) -> Vec<Use<'s>> {
    let mut found = Vec::new();
    let bit = (pm.bit != 0).then_some(pm.bit);
    for (index, script) in scripts.iter().enumerate() {
        let mut push = |written: Command<'s>, command: Option<Command<'s>>| {
            if let Some(command) = command {
                found.push(Use {
                    command,
                    written,
                    order: (index, written.id().index()),
                });
            }
        };
        match bit {
            Some(bit) => {
                let managers = Managers::of(script);
                if managers.any & bit == 0 {
                    continue;
                }
                for &(id, bits, named) in &managers.commands {
                    if bits & bit == 0 {
                        continue;
                    }
                    let written = script.script.command(id);
                    if named & bit != 0 {
                        // Its name through its wrappers is the manager's.
                        push(written, Some(written.unwrapped()));
                    } else {
                        push(written, pm.view(written));
                    }
                }
            }
            None => {
                for written in script.script.commands() {
                    if script
                        .script
                        .unwrapped_name(written.id())
                        .is_some_and(|name| pm.may_be(name))
                    {
                        push(written, pm.view(written));
                    }
                }
            }
        }
    }
    found
}

/// Every command in the scripts of a RUN, with its place (see [`Use::order`]), wrappers
/// skipped.
pub(crate) fn all_commands(
    scripts: &[ShellScript],
) -> impl Iterator<Item = (Command<'_>, (usize, usize))> {
    scripts.iter().enumerate().flat_map(|(index, script)| {
        script
            .script
            .commands()
            .map(move |c| (c.unwrapped(), (index, c.id().index())))
    })
}

/// Whether a command after `after` removes the package index of a manager of `family`
/// (see [`removes_index`]).
pub(crate) fn index_removed(
    scripts: &[ShellScript],
    family: &[&PackageManager],
    after: (usize, usize),
) -> bool {
    all_commands(scripts).any(|(command, order)| order > after && removes_index(command, family))
}

/// Whether `command` removes the package index of a manager of `family`: `rm -rf` of its
/// index directory (or of a directory holding it), or a subcommand that cleans it
/// (`apt-get dist-clean`).
pub(crate) fn removes_index(command: Command<'_>, family: &[&PackageManager]) -> bool {
    family.iter().any(|m| {
        (!m.index_dir.is_empty() && removes_dir(command, m.index_dir))
            || m.view(command).is_some_and(|c| {
                c.subcommand_with(m.spec)
                    .is_some_and(|sub| m.index_clean.contains(&sub))
            })
    })
}

/// Whether a RUN (or the instruction an `ONBUILD` triggers) has a `cache` or `tmpfs`
/// mount over one of `dirs` or a directory holding it. A `~/` directory matches a target
/// ending in the same path under any home (`/root/.cache/pip`, `/home/app/.cache`).
pub(crate) fn cache_mounted(instruction: &Instruction, scope: &Scope, dirs: &[&str]) -> bool {
    let Body::Run(run) = &instruction.body else {
        return false;
    };
    run.mounts
        .iter()
        .filter(|m| matches!(m.kind, MountKind::Cache | MountKind::Tmpfs))
        .filter_map(|m| m.target())
        .any(|target| {
            let target = scope
                .expand(target, '\\')
                .map_or_else(|_| target.to_owned(), |e| e.result);
            dirs.iter().any(|dir| covers(&target, dir))
        })
}

/// Whether a mount at `target` holds directory `dir` (absolute, or `~/` for a home).
pub(crate) fn covers(target: &str, dir: &str) -> bool {
    let target = normalize(target);
    if let Some(in_home) = dir.strip_prefix("~/") {
        // The target is the home itself (unknown), or `<home>/<a prefix of the path>`:
        // it ends with `/` and a prefix of the path made of whole components.
        let ends_with_slash_and = |tail: &str| {
            target
                .strip_suffix(tail)
                .is_some_and(|rest| rest.ends_with('/'))
        };
        let ends = in_home.match_indices('/').map(|(at, _)| at);
        if ends
            .chain([in_home.len()])
            .any(|end| ends_with_slash_and(&in_home[..end]))
        {
            return true;
        }
        // `/root/.cache/pip/http`: a part of the cache (hadolint's substring test for
        // `/<path>/`).
        return target.match_indices('/').any(|(at, _)| {
            target[at + 1..]
                .strip_prefix(in_home)
                .is_some_and(|rest| rest.starts_with('/'))
        });
    }
    is_within(dir, target)
}

/// `/var/lib/apt/` → `/var/lib/apt`; `/` stays.
fn normalize(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() { "/" } else { trimmed }
}

/// Whether `path` is `ancestor` or inside it.
fn is_within(path: &str, ancestor: &str) -> bool {
    ancestor == "/"
        || path == ancestor
        || path
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Whether `value` is a true value for an environment variable: `1`, `true`, `yes`, `on`.
pub(crate) fn is_truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

/// Whether `command` removes directory `dir` or everything in it: `rm -rf DIR`,
/// `rm -rf DIR/*`, `rm -r DIR/`, `rm -rf /var/lib/{apt,dpkg}/`, or removing a directory
/// holding it.
pub(crate) fn removes_dir(command: Command<'_>, dir: &str) -> bool {
    if !command.is("rm") {
        return false;
    }
    command.args().any(|word| {
        let value = word.value_lossy();
        if value.starts_with('-') {
            return false;
        }
        let removes = |path: &str| {
            // `DIR/*_*`, `DIR/*.lz4`: a glob for the files right in the directory.
            let glob_in_dir = path
                .strip_prefix(dir)
                .and_then(|rest| rest.strip_prefix('/'))
                .is_some_and(|rest| rest.contains('*') && !rest.contains('/'));
            let path = path.strip_suffix("/*").unwrap_or(path);
            let path = path.strip_suffix('*').unwrap_or(path);
            glob_in_dir || is_within(dir, normalize(path))
        };
        match brace_alternatives(value) {
            Some(alternatives) => alternatives.iter().any(|path| removes(path)),
            // Most words have no brace: read in place, not copied.
            None => removes(value),
        }
    })
}

/// The words a single `{a,b}` brace expands to; `None` without one (the word itself).
fn brace_alternatives(word: &str) -> Option<Vec<String>> {
    let (Some(open), Some(close)) = (word.find('{'), word.find('}')) else {
        return None;
    };
    if close < open || !word[open..close].contains(',') {
        return None;
    }
    Some(
        word[open + 1..close]
            .split(',')
            .map(|part| format!("{}{part}{}", &word[..open], &word[close + 1..]))
            .collect(),
    )
}

/// Whether the file sets environment variable `name` to a true value for this RUN: an
/// `ENV` or `ARG` in scope.
pub(crate) fn scope_sets(scope: &Scope, name: &str) -> bool {
    scope
        .get_var(name)
        .and_then(|var| var.value.as_deref())
        .is_some_and(is_truthy)
}

/// Whether the script sets `name` to a true value before `order`: `export NAME=1`, or a
/// bare `NAME=1` assignment.
pub(crate) fn script_sets(scripts: &[ShellScript], name: &str, before: (usize, usize)) -> bool {
    scripts.iter().enumerate().any(|(index, script)| {
        script.script.commands().any(|command| {
            if (index, command.id().index()) >= before {
                return false;
            }
            let exported = command.is("export")
                && command
                    .args()
                    .filter_map(Word::as_assignment)
                    .any(|(n, v)| n == name && is_truthy(v));
            let assigned = command.name().is_none()
                && command
                    .assignment(name)
                    .is_some_and(|a| is_truthy(a.value().value_lossy()));
            exported || assigned
        })
    })
}

/// The directories a manager's cache lives in for this RUN: its defaults and the values
/// of the variables that move it.
pub(crate) fn cache_dirs<'a>(pm: &PackageManager, scope: &'a Scope) -> Vec<&'a str> {
    let mut dirs: Vec<&str> = pm.cache_dirs.to_vec();
    for name in pm.cache_dir_env {
        if let Some(value) = scope.get_var(name).and_then(|v| v.value.as_deref())
            && value.starts_with('/')
        {
            dirs.push(value);
        }
    }
    dirs
}

/// Whether the stage's layers ship in an image: it is the last stage (what `docker build`
/// builds), or a stage another stage is built `FROM` (a base for other targets) — not a
/// stage that others only copy files from. `None` (before any `FROM`) counts as shipped.
pub(crate) fn ships(cx: &Context<'_>, stage: Option<&Stage>) -> bool {
    let Some(stage) = stage else {
        return true;
    };
    cx.semantic
        .stages
        .last()
        .is_none_or(|last| last.index == stage.index)
        || cx
            .semantic
            .stages
            .iter()
            .any(|s| matches!(s.base, Base::Stage(parent) if parent == stage.index))
}

/// Whether the source text of `word` is its text as the shell read it, so that an edit
/// at its range lands where intended (not so inside a string with escapes).
pub(crate) fn is_exact(cx: &Context<'_>, word: Word<'_>) -> bool {
    crate::shell::maps_exactly(cx.source(), word)
}

/// An edit inserting `text` at `at`, with a space after it when the source goes on
/// without one (`curl&& next` → `curl && rm ... && next`).
pub(crate) fn insert_words(cx: &Context<'_>, at: TextSize, text: &str) -> Edit {
    let next = cx.source()[at.to_usize()..].chars().next();
    if next.is_some_and(|c| !c.is_whitespace() && !";)'\"`\\".contains(c)) {
        Edit::insert(at, format!("{text} "))
    } else {
        Edit::insert(at, text)
    }
}

/// The end of `word`, where a fix can insert text after it (` -y`), when it maps exactly.
pub(crate) fn word_end(cx: &Context<'_>, word: Word<'_>) -> Option<TextSize> {
    is_exact(cx, word).then(|| word.range().end())
}

/// Where ` && <command>` can be inserted to run right after `command`: its end, when it
/// is joined to what follows by `&&`, `;`, a newline or nothing (not `||`, `&` or a pipe),
/// runs unconditionally where it stands (not in a substitution or an `if`/`while`
/// condition), and its last word maps exactly to the source.
pub(crate) fn append_point(cx: &Context<'_>, command: Command<'_>) -> Option<TextSize> {
    let context = command.context();
    if context.in_substitution() || context.in_condition() || command.is_piped() {
        return None;
    }
    if !matches!(
        command.separator(),
        Separator::And | Separator::Semicolon | Separator::Newline | Separator::End
    ) {
        return None;
    }
    let end = command.range().end();
    // The word or redirection that ends the command maps exactly to the source (a
    // command spanning continuation lines does not, as a whole).
    let source = cx.source();
    let exact_end = command
        .words()
        .map(|w| (w.range(), w.text()))
        .chain(command.redirects().map(|r| (r.range(), r.text())))
        .any(|(range, text)| range.end() == end && source.get(range.to_std()) == Some(text));
    exact_end.then_some(end)
}

/// The value an apt configuration option (`APT::Get::Assume-Yes`,
/// `APT::Install-Recommends`) was last given before `before` in the stage: written to a
/// file under `/etc/apt/apt.conf.d` by an earlier RUN of the stage (or of a stage it is
/// built on), or earlier in the same RUN. Read from the text of RUNs that name `apt.conf`:
/// `echo 'KEY "true";' > /etc/apt/apt.conf.d/90x`.
pub(crate) fn apt_config(
    cx: &Context<'_>,
    node: &Node<'_>,
    key: &str,
    before: TextSize,
) -> Option<bool> {
    // Only RUNs that mention `apt.conf` can set anything: their indices, found once per file
    // (scanning every earlier RUN per command is quadratic on big files).
    let candidates = cx.memo(|cx| {
        AptConfRuns(
            cx.file
                .instructions()
                .iter()
                .enumerate()
                .filter(|(_, i)| {
                    i.effective().kind == layerlint_syntax::InstructionKind::Run
                        && !matches!(i.body, Body::Onbuild(_))
                        && cx.source()[i.range].contains("apt.conf")
                })
                .map(|(index, _)| index)
                .collect(),
        )
    });
    let mut texts: Vec<TextRange> = Vec::new();
    let mut stage = node.stage;
    let mut end = node.index;
    while let Some(current) = stage {
        let (from, to) = (current.from + 1, end.min(current.end));
        if from < to {
            let runs = &candidates.0;
            let start = runs.partition_point(|&i| i < from);
            let stop = runs.partition_point(|&i| i < to);
            for &index in runs[start..stop].iter().rev() {
                texts.push(cx.file.instructions()[index].range);
            }
        }
        match current.base {
            Base::Stage(parent) if parent < current.index => {
                stage = Some(&cx.semantic.stages[parent]);
                end = usize::MAX;
            }
            _ => break,
        }
    }
    // The current RUN, up to the command.
    let own = node.onbuild.unwrap_or(node.instruction).range;
    if before > own.start() {
        texts.insert(0, TextRange::new(own.start(), before.min(own.end())));
    }
    // Nearest first: this RUN, then earlier RUNs from the last one back. Only text that
    // writes a configuration file counts (not `apt-get -o KEY=...` of one command).
    texts.iter().find_map(|&range| {
        let text = &cx.source()[range];
        if text.contains("apt.conf") {
            last_setting(text, key)
        } else {
            None
        }
    })
}

/// The RUN instructions (indices, in order) whose text mentions `apt.conf`.
struct AptConfRuns(Vec<usize>);

/// The last value `key` is given in `text`.
fn last_setting(text: &str, key: &str) -> Option<bool> {
    let lower = text.to_ascii_lowercase();
    let key = key.to_ascii_lowercase();
    let mut value = None;
    let mut from = 0;
    while let Some(at) = lower[from..].find(&key) {
        let after = &lower[from + at + key.len()..];
        from += at + key.len();
        let word: String = after
            .trim_start_matches([' ', '\t', '=', '"', '\'', '\\'])
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        match word.as_str() {
            "1" | "true" | "yes" | "on" => value = Some(true),
            "0" | "false" | "no" | "off" => value = Some(false),
            _ => {}
        }
    }
    value
}

/// How a missing-yes rule fixes a command: where the flag goes and how safe that is.
#[derive(Clone, Copy)]
pub(crate) enum YesFix {
    /// Insert ` FLAG` after the subcommand (`yum install -y`).
    AfterSubcommand(&'static str),
    /// Insert ` FLAG` after the command's name (`zypper -n install`).
    AfterName(&'static str),
}

/// Reports every command of `managers` that asks for confirmation (a `confirm`
/// subcommand) without a yes flag (`yes`) or `yes |` input, with a fix that adds `how`
/// (unsafe for the managers in `unsafe_for`, whose older versions may not know the flag).
pub(crate) fn report_missing_yes(
    cx: &mut Context<'_>,
    node: &Node<'_>,
    managers: &[&PackageManager],
    how: YesFix,
    unsafe_for: &[&str],
) {
    let scripts = cx.scripts(node);
    for manager in managers {
        for found in uses(&scripts, manager) {
            if !found.is_any(manager, manager.confirm)
                || found.has_any_flag(manager.yes)
                || found.piped_from_yes()
            {
                continue;
            }
            let (word, flag) = match how {
                YesFix::AfterSubcommand(flag) => (found.subcommand_word(manager), flag),
                YesFix::AfterName(flag) => (found.command.name_word(), flag),
            };
            let name = found.command.name().unwrap_or(manager.name);
            let fix = word.and_then(|w| word_end(cx, w)).map(|at| {
                let title = format!("Add `{flag}`");
                let edits = vec![insert_words(cx, at, &format!(" {flag}"))];
                if unsafe_for.contains(&name) {
                    Fix::unsafe_edits(title, edits)
                } else {
                    Fix::safe(title, edits)
                }
            });
            let flag_names = manager.yes.iter().take(2).map(|f| format!("`{f}`"));
            let flags: Vec<String> = flag_names.collect();
            cx.report(
                found.head_range(manager),
                format!(
                    "`{}` without {} stops at a confirmation prompt the build cannot answer",
                    found.head(manager),
                    flags.join(" or ")
                ),
            )
            .maybe_fix(fix);
        }
    }
}

/// Reports a RUN whose last install by one of `managers` is not followed by a cleaning of
/// the cache (by a manager of `family`: an `index_clean` subcommand such as `yum clean`,
/// or `rm -rf` of a `clean_dirs` directory such as `/var/cache/yum`), unless
/// the RUN mounts a cache over the cache directory. The fix appends
/// `&& <name> <clean...>` after the RUN's last command of the installing manager.
pub(crate) fn report_missing_clean(
    cx: &mut Context<'_>,
    node: &Node<'_>,
    managers: &[&PackageManager],
    family: &[&PackageManager],
) {
    let scripts = cx.scripts(node);
    let installs: Vec<(Use<'_>, &PackageManager)> = managers
        .iter()
        .flat_map(|m| uses(&scripts, m).into_iter().map(move |u| (u, *m)))
        .filter(|(u, m)| u.is_any(m, m.install))
        .collect();
    let Some((install, manager)) = installs.iter().max_by_key(|(u, _)| u.order) else {
        return;
    };
    let dirs: Vec<&str> = family
        .iter()
        .flat_map(|m| cache_dirs(m, node.scope))
        .collect();
    if cache_mounted(node.instruction, node.scope, &dirs) {
        return;
    }
    let all: Vec<(Use<'_>, &PackageManager)> = family
        .iter()
        .flat_map(|m| uses(&scripts, m).into_iter().map(move |u| (u, *m)))
        .collect();
    let cleaned = all
        .iter()
        .any(|(u, m)| u.order > install.order && u.is_any(m, m.index_clean))
        || all_commands(&scripts).any(|(command, order)| {
            order > install.order
                && family
                    .iter()
                    .flat_map(|m| m.clean_dirs)
                    .any(|dir| removes_dir(command, dir))
        });
    if cleaned {
        return;
    }
    let name = install.command.name().unwrap_or(manager.name);
    let clean = format!("{name} {}", manager.clean.join(" "));
    // After the last command of the installing manager itself (`dnf clean all` after
    // `dnf`, not after a `yum` in the other branch of an `if`).
    let last = all
        .iter()
        .filter(|(_, m)| m.name == manager.name)
        .map(|(u, _)| u)
        .max_by_key(|u| u.order)
        .unwrap_or(install);
    let fix = append_point(cx, last.written).map(|at| {
        Fix::safe(
            format!("Append `{clean}`"),
            vec![insert_words(cx, at, &format!(" && {clean}"))],
        )
    });
    cx.report(
        install.head_range(manager),
        format!(
            "`{}` without `{clean}` afterwards leaves the package cache in the layer",
            install.head(manager)
        ),
    )
    .maybe_fix(fix);
}

/// Reports the `unpinned` packages of one install command in one finding: its range spans
/// them, its message names up to four and counts the rest. `what` says what is wrong with
/// one and with several (`["apt package without a pinned version", "apt packages ..."]`),
/// `how` shows a pin (`pkg=<version>`).
pub(crate) fn report_unpinned(
    cx: &mut Context<'_>,
    unpinned: &[Word<'_>],
    what: [&str; 2],
    how: &str,
) {
    let (Some(first), Some(last)) = (unpinned.first(), unpinned.last()) else {
        return;
    };
    // `a`, `a and b`, `a, b and c`, `a, b, c, d and 2 more`: built in one string (a
    // finding per install of most images).
    let shown = unpinned.len().min(4);
    let what = what[usize::from(unpinned.len() > 1)];
    // Its length, or about (the count of the rest), so that it is written in one buffer.
    let capacity = what.len()
        + unpinned[..shown]
            .iter()
            .map(|w| w.value_lossy().len() + 4)
            .sum::<usize>()
        + how.len()
        + 32;
    let mut message = String::with_capacity(capacity);
    message.push_str(what);
    message.push_str(": ");
    for (i, word) in unpinned[..shown].iter().enumerate() {
        let last_shown = i + 1 == shown;
        if i > 0 {
            message.push_str(if last_shown && unpinned.len() <= 4 {
                " and "
            } else {
                ", "
            });
        }
        message.push('`');
        message.push_str(word.value_lossy());
        message.push('`');
    }
    if unpinned.len() > 4 {
        message.push_str(" and ");
        message.push_str(&(unpinned.len() - 4).to_string());
        message.push_str(" more");
    }
    message.push_str(" (pin as ");
    message.push_str(how);
    message.push(')');
    cx.report(span(first.range(), last.range()), message);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names to ask the tables about: every manager's names, versioned (long versions
    /// too) and cut short, and others.
    fn names_to_try() -> Vec<String> {
        let mut names: Vec<String> = [
            "python",
            "python3.12",
            "echo",
            "curl",
            "rm",
            "Apt",
            "",
            "a",
            "apt-gets",
        ]
        .map(String::from)
        .to_vec();
        names.push("pip".to_string() + &"1".repeat(40));
        for manager in ALL {
            for known in manager.commands {
                names.extend([
                    known.to_string(),
                    format!("{known}3"),
                    format!("{known}2.7"),
                    format!("{known}3.{}", "1".repeat(30)),
                    known[..known.len() - 1].to_string(),
                ]);
            }
        }
        names
    }

    /// A name the first-byte table turns away is no manager's.
    #[test]
    fn first_bytes_turn_away_no_manager_a_name_may_be() {
        for name in &names_to_try() {
            let candidates = name
                .bytes()
                .next()
                .map_or(0, |b| BY_FIRST_BYTE[usize::from(b)]);
            for (i, manager) in ALL.iter().enumerate() {
                assert!(
                    candidates & (1 << i) != 0 || !manager.may_be(name),
                    "{name} may be {}",
                    manager.name
                );
            }
        }
        assert_eq!(BY_FIRST_BYTE[usize::from(b'e')], 0);
        assert_eq!(BY_FIRST_BYTE[usize::from(b'c')], 0);
        assert_eq!(
            BY_FIRST_BYTE[usize::from(b'a')],
            APT_GET.bit | APT.bit | APTITUDE.bit | APK.bit
        );
    }

    /// A name whose length the length table turns away is not the manager's.
    #[test]
    fn lengths_turn_away_no_name_of_a_manager() {
        let mut named = 0;
        for name in &names_to_try() {
            for (i, manager) in ALL.iter().enumerate() {
                let is = manager.is_named(name);
                assert!(
                    NAME_LENGTHS[i] & length_bit(name.len()) != 0 || !is,
                    "{name} is {}",
                    manager.name
                );
                named += usize::from(is);
            }
        }
        assert!(named > 15, "{named}");
        // `apt-get` is not looked up as `apt`.
        assert_eq!(NAME_LENGTHS[1] & length_bit("apt-get".len()), 0);
    }

    #[test]
    fn bits_follow_all() {
        for (i, manager) in ALL.iter().enumerate() {
            assert_eq!(manager.bit, 1 << i, "{}", manager.name);
        }
    }

    #[test]
    fn managers_have_distinct_names() {
        // `bit` finds a manager's bit by its name.
        let mut names: Vec<&str> = ALL.iter().map(|m| m.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len());
    }

    #[test]
    fn names() {
        assert!(PIP.is_named("pip") && PIP.is_named("pip3") && PIP.is_named("pip3.12"));
        assert!(!PIP.is_named("pipx") && !PIP.is_named("pipenv") && !PIP.is_named("pip3a"));
        assert!(DNF.is_named("dnf") && !DNF.is_named("microdnf"));
        let script = layerlint_shell::parse_str(
            "python3 -m pip install x && sudo -E pip3 install y && python -mpip install z \
             && python -c 'import pip' && python3 -u -m pip install w",
        );
        let found: Vec<_> = script
            .commands()
            .filter_map(|c| PIP.view(c))
            .map(|c| c.args().map(|w| w.value_lossy()).collect::<Vec<_>>())
            .collect();
        assert_eq!(
            found,
            [["install", "x"], ["install", "y"], ["install", "z"]]
        );
    }

    #[test]
    fn mounts_cover_directories() {
        assert!(covers("/var/lib/apt", APT_LISTS));
        assert!(covers("/var/lib/apt/lists/", APT_LISTS));
        assert!(covers("/var", APT_LISTS));
        assert!(!covers("/var/lib/apt/lists/partial", APT_LISTS));
        assert!(!covers("/var/cache/apt", APT_LISTS));
        assert!(covers("/root/.cache/pip", "~/.cache/pip"));
        assert!(covers("/home/app/.cache", "~/.cache/pip"));
        assert!(covers("/root/.cache/pip/http", "~/.cache/pip"));
        assert!(!covers("/root/.cache/uv", "~/.cache/pip"));
        assert!(covers("/root/.cache/", "~/.cache/pip"));
        assert!(!covers("/root/.cache/pipx", "~/.cache/pip"));
        assert!(!covers("/root/x.cache/pip/http", "~/.cache/pip"));
        assert!(covers("/a/.cache/pip/.cache/pip/x", "~/.cache/pip"));
        assert!(!covers("/tmp", "~/.cache/pip"));
    }

    #[test]
    fn removals() {
        let removes = |text: &str| {
            let script = layerlint_shell::parse_str(text);
            script.commands().any(|c| removes_dir(c, APT_LISTS))
        };
        assert!(removes("rm -rf /var/lib/apt/lists/*"));
        assert!(removes("rm -rf /var/lib/apt/lists"));
        assert!(removes("rm -fr /var/lib/apt/lists/ /tmp/*"));
        assert!(removes("rm -rf /var/lib/apt/*"));
        assert!(!removes("rm -rf /var/lib/apt/lists/partial"));
        assert!(!removes("rm -rf /var/cache/apt/*"));
        assert!(!removes("echo /var/lib/apt/lists/*"));
        assert!(removes("rm -rf /var/lib/{apt,dpkg,cache,log}/"));
        assert!(removes("rm /var/lib/apt/lists/*_*"));
        assert!(!removes("rm -rf /var/lib/{dpkg,cache}/"));
    }

    #[test]
    fn apt_settings_in_text() {
        let key = "APT::Get::Assume-Yes";
        assert_eq!(
            last_setting(
                r#"echo 'APT::Get::Assume-Yes "true";' > /etc/apt/apt.conf.d/90"#,
                key
            ),
            Some(true)
        );
        assert_eq!(
            last_setting("apt-get -o APT::Get::Assume-Yes=false x", key),
            Some(false)
        );
        assert_eq!(last_setting("apt-get install x", key), None);
    }

    #[test]
    fn truthy() {
        assert!(is_truthy("1") && is_truthy("True") && is_truthy("on"));
        assert!(!is_truthy("0") && !is_truthy("false") && !is_truthy(""));
    }
}
