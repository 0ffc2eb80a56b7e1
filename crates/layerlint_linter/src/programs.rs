//! The programs a rule is about ([`Check::PROGRAMS`](crate::rule::Check::PROGRAMS)), and
//! which of them a RUN runs: most shell rules look for one program or a few among every
//! command of every RUN, and most RUNs run none of them. The engine finds the programs of
//! a RUN once and calls such a rule only for the RUNs that run one of its programs.

use layerlint_shell::Command;

use crate::rules::shell::package_managers::PackageManager;

/// A set of programs: package managers (by their bit) and the programs of a table of
/// names. A rule declares the programs it is about; see
/// [`Check::PROGRAMS`](crate::rule::Check::PROGRAMS) for what that promises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Programs(u64);

/// The programs other than package managers that rules declare. A name is compared with
/// command names without regard to ASCII case (`RUN` is `run`): a RUN may seem to run a
/// program it does not, never the other way round.
pub(crate) const NAMES: [&str; 25] = [
    "cd",
    "chgpasswd",
    "chpasswd",
    "curl",
    "free",
    "ifconfig",
    "kill",
    "ln",
    "mount",
    "passwd",
    "ps",
    "rpm",
    "run",
    "service",
    "shutdown",
    "ssh",
    "sudo",
    "tar",
    "tdnf",
    "top",
    "useradd",
    "usermod",
    "vim",
    "wget",
    "yum-config-manager",
];

/// The bit of [`NAMES`]`[0]`; the bits below are the package managers'.
const FIRST_NAME_BIT: u32 = u16::BITS;

impl Programs {
    /// Every RUN, whatever it runs: no filter (the default).
    pub const ANY: Programs = Programs(0);

    /// The programs named so (each must be in the table, `programs::NAMES`, or the build
    /// fails).
    pub const fn named(names: &[&str]) -> Programs {
        assert!(!names.is_empty(), "name at least one program");
        let mut bits = 0;
        let mut i = 0;
        while i < names.len() {
            bits |= 1 << (FIRST_NAME_BIT + name_index(names[i]));
            i += 1;
        }
        Programs(bits)
    }

    /// The package managers `managers`: a RUN runs one when a command, seen through its
    /// wrappers, may be it (`PackageManager::may_be`: `python3` for `pip`), which is what
    /// [`uses`](crate::rules::shell::package_managers::uses) looks at.
    pub(crate) const fn managers(managers: &[&PackageManager]) -> Programs {
        assert!(!managers.is_empty(), "name at least one package manager");
        let mut bits = 0;
        let mut i = 0;
        while i < managers.len() {
            assert!(managers[i].bit != 0, "a package manager without a bit");
            bits |= managers[i].bit as u64;
            i += 1;
        }
        Programs(bits)
    }

    /// These programs and `other`'s.
    #[must_use]
    pub const fn and(self, other: Programs) -> Programs {
        Programs(self.0 | other.0)
    }

    /// The set as bits, 0 for [`Programs::ANY`].
    pub(crate) const fn bits(self) -> u64 {
        self.0
    }
}

/// The index of `name` in [`NAMES`]; a build error when it is not there.
const fn name_index(name: &str) -> u32 {
    let mut i = 0;
    while i < NAMES.len() {
        if const_eq(NAMES[i].as_bytes(), name.as_bytes()) {
            return i as u32;
        }
        i += 1;
    }
    panic!("a program a rule declares must be in programs::NAMES");
}

const fn const_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// For each first byte (either case), the indices in [`NAMES`] of the names starting with
/// it, as bits: most command names are turned away with one look.
const BY_FIRST_BYTE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < NAMES.len() {
        let first = NAMES[i].as_bytes()[0];
        table[first.to_ascii_lowercase() as usize] |= 1 << i;
        table[first.to_ascii_uppercase() as usize] |= 1 << i;
        i += 1;
    }
    table
};

/// The bits of the programs of [`NAMES`] that `name` (a basename) is.
#[inline]
fn name_bits(name: Option<&str>) -> u64 {
    let Some(name) = name else { return 0 };
    let Some(&first) = name.as_bytes().first() else {
        return 0;
    };
    let mut candidates = BY_FIRST_BYTE[usize::from(first)];
    let mut bits = 0;
    while candidates != 0 {
        let i = candidates.trailing_zeros();
        candidates &= candidates - 1;
        if NAMES[i as usize].eq_ignore_ascii_case(name) {
            bits |= 1 << (FIRST_NAME_BIT + i);
        }
    }
    bits
}

/// The programs of [`NAMES`] that `command` runs or names as a command: the basename of
/// its name through its wrappers (`inner_name`, what [`Command::unwrapped`] names), and of
/// every word of its wrappers (`sudo`, `env`, `timeout 10`…: names, options and operands
/// alike), its own name first. A command that wraps nothing has one name.
pub(crate) fn named_by(command: Command<'_>, inner_name: Option<&str>) -> u64 {
    let mut bits = name_bits(inner_name);
    let wrapper_words = command.words().len() - command.unwrapped().words().len();
    for word in command.words().take(wrapper_words) {
        bits |= name_bits(word.value().map(|v| v.rsplit('/').next().unwrap_or(v)));
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::shell::package_managers::ALL;

    #[test]
    fn names_fit_above_the_managers() {
        assert!(ALL.len() <= FIRST_NAME_BIT as usize);
        assert!(NAMES.len() <= (u64::BITS - FIRST_NAME_BIT) as usize);
        let mut sorted = NAMES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), NAMES.len(), "names are unique");
    }

    #[test]
    fn names_of_commands() {
        let bit = |name: &str| 1u64 << (FIRST_NAME_BIT + name_index(name));
        let script = layerlint_shell::parse_str(
            "/usr/bin/curl -fsSL u | sh && env A=1 sudo -u app TAR x && timeout 10 wget u \
             && echo cd && \"$X\" ln",
        );
        let bits: Vec<u64> = script
            .commands()
            .map(|c| named_by(c, script.unwrapped_name(c.id())))
            .collect();
        assert_eq!(
            bits,
            [bit("curl"), 0, bit("sudo") | bit("tar"), bit("wget"), 0, 0]
        );
        assert_eq!(
            Programs::named(&["curl", "wget"]).bits(),
            bit("curl") | bit("wget")
        );
        assert_eq!(Programs::ANY.bits(), 0);
    }
}
