//! Reading a command's arguments as options and operands, the way getopt-style tools do.

use std::fmt;

use crate::Script;
use crate::data::WordData;
use crate::word::Word;

/// Which options of a tool take a value, so that the value is not mistaken for an operand:
/// in `apt-get -t bookworm-backports install foo`, `bookworm-backports` belongs to `-t`.
///
/// Options are written with their dashes: `"-t"`, `"--target-release"`. A short option
/// that takes a value takes the rest of its cluster (`-tfoo`) or else the next word; a long
/// one takes what follows `=` or else the next word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OptionSpec<'a> {
    /// The options that take a value, with their dashes.
    with_value: &'a [&'a str],
    /// The one-letter ASCII options of `with_value`, as bits by the letter's byte: every
    /// letter of every option cluster (`-fsSL`) is looked up here, where a search of
    /// `with_value` compared it with each option.
    short: u128,
    /// The lengths (dashes included) of the long options of `with_value`, as bits (bit 63
    /// for every length from 63 on): most long options read have a length no option of
    /// the spec has, and are told so without a search.
    long_lengths: u64,
}

impl<'a> OptionSpec<'a> {
    /// No option takes a value.
    pub const NONE: OptionSpec<'static> = OptionSpec::new(&[]);

    /// A spec in which the options `with_value` take a value.
    pub const fn new(with_value: &'a [&'a str]) -> Self {
        let mut short = 0u128;
        let mut long_lengths = 0u64;
        let mut i = 0;
        while i < with_value.len() {
            let option = with_value[i].as_bytes();
            if let [b'-', letter] = *option
                && letter.is_ascii()
            {
                short |= 1 << letter;
            }
            if let [b'-', b'-', ..] = *option {
                long_lengths |= length_bit(option.len());
            }
            i += 1;
        }
        OptionSpec {
            with_value,
            short,
            long_lengths,
        }
    }

    /// The options that take a value, with their dashes.
    pub const fn with_value(&self) -> &'a [&'a str] {
        self.with_value
    }

    fn short_takes_value(&self, name: &str) -> bool {
        let name = name.as_bytes();
        if name.first() == Some(&b'-') {
            return false;
        }
        if let [letter] = *name
            && letter.is_ascii()
        {
            return self.short & (1 << letter) != 0;
        }
        self.with_value.iter().any(|f| {
            let f = f.as_bytes();
            f.len() == name.len() + 1 && f[0] == b'-' && f[1..].iter().eq(name.iter())
        })
    }

    fn long_takes_value(&self, name: &str) -> bool {
        if self.long_lengths & length_bit(name.len() + 2) == 0 {
            return false;
        }
        // `f == "--" + name`, the lengths compared first: most options of a spec differ
        // in length from `name`, and each long option is looked up in the whole list.
        self.with_value.iter().any(|f| {
            f.len() == name.len() + 2
                && f.as_bytes()[2..] == *name.as_bytes()
                && f.starts_with("--")
        })
    }
}

/// The bit of [`OptionSpec::long_lengths`] for a length.
const fn length_bit(len: usize) -> u64 {
    1 << if len < 63 { len } else { 63 }
}

/// Option specs for common package managers: which of their options take a value.
/// Starting points for rules, not complete references.
pub mod known {
    use super::OptionSpec;

    /// `sudo` (also what [`Command::unwrapped`](crate::Command::unwrapped) skips).
    pub const SUDO: OptionSpec<'static> = OptionSpec::new(&[
        "-u",
        "-g",
        "-h",
        "-p",
        "-C",
        "-D",
        "-r",
        "-t",
        "-U",
        "-T",
        "--user",
        "--group",
        "--host",
        "--prompt",
        "--close-from",
        "--chdir",
        "--role",
        "--type",
        "--other-user",
        "--command-timeout",
    ]);

    /// `useradd` and `usermod`.
    pub const USERADD: OptionSpec<'static> = OptionSpec::new(&[
        "-b",
        "-c",
        "-d",
        "-e",
        "-f",
        "-g",
        "-G",
        "-k",
        "-K",
        "-p",
        "-R",
        "-P",
        "-s",
        "-u",
        "-Z",
        "--home-dir",
        "--base-dir",
        "--comment",
        "--expiredate",
        "--inactive",
        "--gid",
        "--groups",
        "--skel",
        "--key",
        "--password",
        "--root",
        "--prefix",
        "--shell",
        "--uid",
        "--selinux-user",
    ]);

    /// `curl` (so that `-H k` is not read as `-k`).
    pub const CURL: OptionSpec<'static> = OptionSpec::new(&[
        "-A",
        "-b",
        "-c",
        "-C",
        "-d",
        "-D",
        "-e",
        "-E",
        "-F",
        "-H",
        "-K",
        "-m",
        "-o",
        "-P",
        "-Q",
        "-r",
        "-T",
        "-t",
        "-u",
        "-U",
        "-w",
        "-x",
        "-X",
        "-y",
        "-Y",
        "-z",
        "--output",
        "--header",
        "--data",
        "--user",
        "--request",
        "--url",
        "--config",
        "--max-time",
        "--proxy",
    ]);

    /// `wget`.
    pub const WGET: OptionSpec<'static> = OptionSpec::new(&[
        "-O",
        "-o",
        "-a",
        "-P",
        "-U",
        "-T",
        "-t",
        "-e",
        "-i",
        "-B",
        "-w",
        "-Q",
        "-l",
        "-A",
        "-R",
        "-D",
        "-I",
        "-X",
        "--output-document",
        "--output-file",
        "--append-output",
        "--directory-prefix",
        "--user-agent",
        "--timeout",
        "--tries",
        "--execute",
        "--input-file",
        "--header",
        "--user",
        "--password",
    ]);

    /// `apt-get` and `apt`.
    pub const APT_GET: OptionSpec<'static> = OptionSpec::new(&[
        "-o",
        "--option",
        "-c",
        "--config-file",
        "-t",
        "--target-release",
        "--default-release",
        "-a",
        "--host-architecture",
        "-P",
        "--build-profiles",
    ]);

    /// Alpine's `apk`.
    pub const APK: OptionSpec<'static> = OptionSpec::new(&[
        "-X",
        "--repository",
        "-p",
        "--root",
        "-t",
        "--virtual",
        "--arch",
        "--cache-dir",
        "--keys-dir",
        "--repositories-file",
        "--wait",
        "--cache-max-age",
    ]);

    /// `pip` and `pip3` (`install`).
    pub const PIP: OptionSpec<'static> = OptionSpec::new(&[
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--src",
        "--upgrade-strategy",
        "--trusted-host",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--only-binary",
        "--no-binary",
        "--progress-bar",
        "--cache-dir",
        "--log",
        "--proxy",
        "--retries",
        "--timeout",
        "--cert",
        "--client-cert",
        "--exists-action",
        "-C",
        "--config-settings",
        "--global-option",
        "--install-option",
    ]);

    /// `npm`.
    pub const NPM: OptionSpec<'static> = OptionSpec::new(&[
        "--registry",
        "--prefix",
        "-w",
        "--workspace",
        "--loglevel",
        "--cache",
        "--tag",
        "--omit",
        "--include",
        "--install-strategy",
        "--userconfig",
    ]);

    /// `yum`, `dnf` and `microdnf`.
    pub const YUM_DNF: OptionSpec<'static> = OptionSpec::new(&[
        "-c",
        "--config",
        "--installroot",
        "--enablerepo",
        "--disablerepo",
        "--repo",
        "--repoid",
        "--setopt",
        "-x",
        "--exclude",
        "--releasever",
        "-d",
        "--debuglevel",
        "-e",
        "--errorlevel",
        "--rpmverbosity",
        "--forcearch",
        "--downloaddir",
        "--destdir",
    ]);

    /// `gem install`.
    pub const GEM: OptionSpec<'static> = OptionSpec::new(&[
        "-v",
        "--version",
        "-i",
        "--install-dir",
        "-n",
        "--bindir",
        "-s",
        "--source",
        "-P",
        "--trust-policy",
        "--platform",
        "-g",
        "--file",
        "--build-root",
    ]);
}

/// An option's value.
#[derive(Clone, Copy, Debug)]
pub enum OptValue<'s> {
    /// In the option's own word: `-tfoo`, `--target=foo`. The (lossy) value text.
    Attached(&'s str),
    /// The next word: `-t foo`.
    Next(Word<'s>),
}

impl<'s> OptValue<'s> {
    /// The value's text (after quote removal, expansions kept).
    pub fn as_str(&self) -> &'s str {
        match self {
            OptValue::Attached(s) => s,
            OptValue::Next(w) => w.value_lossy(),
        }
    }

    /// The word holding the value (the option's own word for an attached value).
    pub fn word(&self) -> Option<Word<'s>> {
        match self {
            OptValue::Attached(_) => None,
            OptValue::Next(w) => Some(*w),
        }
    }
}

/// One option of an argument list.
#[derive(Clone, Copy)]
pub struct Opt<'s> {
    /// The name without dashes: `y` (from `-y` or `-qy`), `yes` (from `--yes`).
    pub name: &'s str,
    /// Written with two dashes.
    pub long: bool,
    /// The word it is written in.
    pub word: Word<'s>,
    /// The option's value, when the spec says it takes one or it is attached (`--a=b`).
    pub value: Option<OptValue<'s>>,
}

impl Opt<'_> {
    /// Whether this is `flag` (written with its dashes: `-y`, `--yes`).
    pub fn is(&self, flag: &str) -> bool {
        match flag.strip_prefix("--") {
            Some(long) => self.long && self.name == long,
            None => !self.long && flag.strip_prefix('-') == Some(self.name),
        }
    }
}

impl fmt::Debug for Opt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dashes = if self.long { "--" } else { "-" };
        write!(f, "{dashes}{}", self.name)?;
        if let Some(value) = &self.value {
            write!(f, "={:?}", value.as_str())?;
        }
        Ok(())
    }
}

/// An argument read as an option or an operand.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'s> {
    /// `-y`, each letter of `-qy`, `--yes`, `--opt=value`, `-t value`.
    Option(Opt<'s>),
    /// An operand: a package, a file, a subcommand. A lone `-` is one.
    Positional(Word<'s>),
    /// `--`: every argument after it is an operand.
    EndOfOptions(Word<'s>),
}

impl<'s> Arg<'s> {
    /// Whether this is the option `flag` (written with its dashes).
    pub fn is_flag(&self, flag: &str) -> bool {
        matches!(self, Arg::Option(opt) if opt.is(flag))
    }

    /// The option, unless this is an operand or `--`.
    pub fn option(&self) -> Option<Opt<'s>> {
        match self {
            Arg::Option(opt) => Some(*opt),
            _ => None,
        }
    }

    /// The operand, unless this is an option or `--`.
    pub fn positional(&self) -> Option<Word<'s>> {
        match self {
            Arg::Positional(word) => Some(*word),
            _ => None,
        }
    }

    /// The option's value.
    pub fn value(&self) -> Option<OptValue<'s>> {
        self.option()?.value
    }
}

/// The arguments of a command read as options and operands: see [`Command::options`].
///
/// Options and operands may mix (`apt-get install -y foo --no-install-recommends`), as
/// GNU tools allow. An argument whose value starts with `-` is an option unless it is
/// `-` or comes after `--`. A short cluster (`-qy`) of ASCII letters and digits is read
/// letter by letter; one holding anything else (`-oDpkg::Options::=x`) is read as its
/// first letter with the rest attached as a value. Arguments with expansions are read
/// by their lossy value: `--foo=$X` is option `foo`, `$FLAGS` is an operand.
///
/// [`Command::options`]: crate::Command::options
#[derive(Clone)]
pub struct Args<'s, 'a> {
    words: std::slice::Iter<'s, WordData>,
    script: &'s Script,
    spec: OptionSpec<'a>,
    /// The rest of a short-option cluster being read, and its word.
    cluster: Option<(&'s str, Word<'s>)>,
    options_ended: bool,
}

impl<'s, 'a> Args<'s, 'a> {
    pub(crate) fn new(words: &'s [WordData], script: &'s Script, spec: OptionSpec<'a>) -> Self {
        Args {
            words: words.iter(),
            script,
            spec,
            cluster: None,
            options_ended: false,
        }
    }

    fn next_word(&mut self) -> Option<Word<'s>> {
        self.words.next().map(|w| Word::new(self.script, w))
    }

    fn next_in_cluster(&mut self, rest: &'s str, word: Word<'s>) -> Arg<'s> {
        let len = rest.chars().next().map_or(0, char::len_utf8);
        let (name, after) = rest.split_at(len);
        if self.spec.short_takes_value(name) {
            let value = if after.is_empty() {
                self.next_word().map(OptValue::Next)
            } else {
                Some(OptValue::Attached(after))
            };
            return short(name, word, value);
        }
        if !after.is_empty() {
            self.cluster = Some((after, word));
        }
        short(name, word, None)
    }

    fn long_option(&mut self, name: &'s str, attached: Option<&'s str>, word: Word<'s>) -> Arg<'s> {
        let value = match attached {
            Some(value) => Some(OptValue::Attached(value)),
            None if self.spec.long_takes_value(name) => self.next_word().map(OptValue::Next),
            None => None,
        };
        Arg::Option(Opt {
            name,
            long: true,
            word,
            value,
        })
    }
}

/// How an option word reads, from its value after the first `-` (not empty): what
/// [`Args`] and [`Command::has_any_flag`](crate::Command::has_any_flag) both go by.
pub(crate) enum OptionWord<'s> {
    /// `--`: the arguments after it are operands.
    End,
    /// `--name` or `--name=value`: the name, and the value attached.
    Long(&'s str, Option<&'s str>),
    /// `-qy`: letters and digits only, each an option (unless one takes a value).
    Cluster(&'s str),
    /// `-oDpkg::Options::=x`: its first character is the option, the rest (maybe empty)
    /// its value.
    Short(&'s str, &'s str),
}

impl<'s> OptionWord<'s> {
    /// Always inlined: called out of line, the reading cost half a million instructions
    /// more over the corpus than the same code written in place in its two callers.
    #[inline(always)]
    pub(crate) fn of(rest: &'s str) -> OptionWord<'s> {
        match rest.strip_prefix('-') {
            Some("") => OptionWord::End,
            // A byte search: long options are short, and `split_once` set up a `memchr`.
            Some(body) => match body.bytes().position(|b| b == b'=') {
                Some(eq) => OptionWord::Long(&body[..eq], Some(&body[eq + 1..])),
                None => OptionWord::Long(body, None),
            },
            None if rest.bytes().all(|b| b.is_ascii_alphanumeric()) => OptionWord::Cluster(rest),
            None => {
                let len = rest.chars().next().map_or(0, char::len_utf8);
                OptionWord::Short(&rest[..len], &rest[len..])
            }
        }
    }
}

fn short<'s>(name: &'s str, word: Word<'s>, value: Option<OptValue<'s>>) -> Arg<'s> {
    Arg::Option(Opt {
        name,
        long: false,
        word,
        value,
    })
}

impl<'s> Iterator for Args<'s, '_> {
    type Item = Arg<'s>;

    /// Inlined into the callers' loops (`has_flag`, `positionals`, ...): most arguments
    /// are operands, told by their first byte; options are read out of line.
    #[inline]
    fn next(&mut self) -> Option<Arg<'s>> {
        if let Some((rest, word)) = self.cluster.take() {
            return Some(self.next_in_cluster(rest, word));
        }
        let word = self.next_word()?;
        // An operand, told without reading its value: most arguments are.
        if self.options_ended || !word.data.dash {
            return Some(Arg::Positional(word));
        }
        let value = word.value_lossy();
        match value.strip_prefix('-') {
            None | Some("") => Some(Arg::Positional(word)),
            Some(rest) => Some(self.option(rest, word)),
        }
    }
}

impl<'s> Args<'s, '_> {
    /// The argument `word`, whose value is `-` followed by `rest` (not empty).
    #[inline(never)]
    fn option(&mut self, rest: &'s str, word: Word<'s>) -> Arg<'s> {
        match OptionWord::of(rest) {
            OptionWord::End => {
                self.options_ended = true;
                Arg::EndOfOptions(word)
            }
            OptionWord::Long(name, attached) => self.long_option(name, attached, word),
            OptionWord::Cluster(letters) => self.next_in_cluster(letters, word),
            OptionWord::Short(name, after) => {
                let value = if after.is_empty() {
                    self.spec
                        .short_takes_value(name)
                        .then(|| self.next_word().map(OptValue::Next))
                        .flatten()
                } else {
                    Some(OptValue::Attached(after))
                };
                short(name, word, value)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `dash` of every word (which [`Args`] reads to tell an operand without reading
    /// its value) says what the value it stands for starts with: for command words,
    /// assignment values and redirection targets, plain, quoted, escaped and expanded, in
    /// the script and in `sh -c` strings.
    #[test]
    fn dash_is_the_first_byte_of_the_value() {
        const PIECES: &[&str] = &[
            "-",
            "--",
            "-x",
            "--long=v",
            "a",
            "x-",
            "'-'",
            "'-y'",
            "\"-z\"",
            "\"\"",
            "''",
            "\\-",
            "$'-t'",
            "$'\\x2d'",
            "$X",
            "-$X",
            "\"$X\"-",
            "${X}",
            "$(echo -n)",
            "`-`",
            "A=-v",
            "A='-w'",
            "B=",
            "C=x",
            "\"-\"$Y",
            "é-",
            "-é",
            "2>-e",
            ">'-f'",
            "<<-",
            "*-",
            "[-]",
            "{-,a}",
            "~-",
        ];
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let mut scripts = Vec::new();
        for _ in 0..3000 {
            let mut words: Vec<String> = Vec::new();
            for _ in 0..1 + next(6) {
                let mut word = String::new();
                for _ in 0..1 + next(3) {
                    word.push_str(PIECES[next(PIECES.len())]);
                }
                words.push(word);
            }
            let line = words.join(" ");
            scripts.push(format!("cmd {line}"));
            scripts.push(line.clone());
            scripts.push(format!("sh -c '{}' && x {line}", line.replace('\'', "")));
        }
        let check = |word: Word<'_>| {
            let starts = word.value_lossy().starts_with('-');
            assert_eq!(word.data.dash, starts, "{:?}", word.text());
        };
        for text in &scripts {
            let script = crate::parse_str(text);
            for command in script.commands() {
                command.words().for_each(check);
                command.assignments().for_each(|a| check(a.value()));
                command
                    .redirects()
                    .filter_map(|r| r.target())
                    .for_each(check);
            }
        }
    }

    /// The letters' bits and the byte comparison agree with the string comparison they
    /// replaced, for options and names with and without dashes.
    #[test]
    fn short_options_that_take_a_value() {
        let options = [
            "-t", "--target", "-", "--", "-é", "-ab", "--t", "t", "-T", "-1",
        ];
        let spec = OptionSpec::new(&options);
        for name in ["t", "T", "", "-", "-t", "é", "a", "ab", "b", "x", "1", "2"] {
            let expected = options
                .iter()
                .any(|f| !f.starts_with("--") && f.strip_prefix('-') == Some(name));
            assert_eq!(spec.short_takes_value(name), expected, "{name:?}");
        }
        assert!(spec.short_takes_value("t") && !spec.short_takes_value("x"));
    }

    /// The lengths' bits agree with the search of the options they spare, for names of
    /// every length around the lengths of the options (long ones too).
    #[test]
    fn long_options_that_take_a_value() {
        let long = format!("--{}", "x".repeat(70));
        let longer = format!("--{}", "x".repeat(61));
        let options = [
            "--", "-", "--a", "--ab", "-t", "--target", "---", "--é", &long, &longer, "-ab",
        ];
        for count in 0..=options.len() {
            let with_value = &options[..count];
            let spec = OptionSpec::new(with_value);
            let mut names: Vec<String> = ["", "a", "ab", "target", "-", "é", "b", "targets"]
                .map(String::from)
                .to_vec();
            names.extend((55..75).map(|n| "x".repeat(n)));
            names.extend((55..75).map(|n| "y".repeat(n)));
            for name in &names {
                let expected = with_value
                    .iter()
                    .any(|f| f.strip_prefix("--") == Some(name.as_str()));
                assert_eq!(spec.long_takes_value(name), expected, "{name:?} {count}");
            }
        }
        for known in [
            known::SUDO,
            known::APT_GET,
            known::PIP,
            known::CURL,
            known::NPM,
        ] {
            for f in known.with_value() {
                if let Some(name) = f.strip_prefix("--") {
                    assert!(known.long_takes_value(name), "{f}");
                    assert!(!known.long_takes_value(&format!("{name}x")), "{f}");
                }
            }
        }
    }

    /// `Command::has_any_flag` (and `has_flag`), which reads the words directly, answers
    /// what reading them with `Args` and no option taking a value answers, for every
    /// sequence of up to three arguments of many shapes and every set of flags asked.
    #[test]
    fn has_any_flag_reads_as_args_do() {
        const ARGS: &[&str] = &[
            "-",
            "--",
            "-y",
            "-qy",
            "-yq",
            "-q",
            "--yes",
            "--yes=1",
            "--y",
            "--assume-yes",
            "-oDpkg::Options::=--force",
            "-o",
            "-é",
            "-éy",
            "---y",
            "-1y",
            "x",
            "-y9",
            "'-y'",
            "\"-q\"y",
            "$X",
            "-$X",
            "--$X=y",
            "--=y",
            "-=",
            "y",
        ];
        const FLAGS: &[&[&str]] = &[
            &[],
            &["-y"],
            &["-q", "--yes"],
            &["--yes", "--assume-yes", "-y"],
            &["-o"],
            &["-é"],
            &["---y", "--y"],
            &["-"],
            &["--"],
            &["y", "yes"],
            &["-qy"],
            &["-1", "-9"],
            &["-="],
            &["--"],
            &["---"],
        ];
        let mut checked = 0;
        let mut texts = vec![String::from("cmd")];
        for a in ARGS {
            texts.push(format!("cmd {a}"));
            for b in ARGS {
                texts.push(format!("cmd {a} {b}"));
                for c in ["-y", "--yes", "--", "x"] {
                    texts.push(format!("cmd {a} {b} {c}"));
                }
            }
        }
        for text in &texts {
            let script = crate::parse_str(text);
            let command = script.commands().next().unwrap();
            for flags in FLAGS {
                let by_args = command
                    .options(OptionSpec::NONE)
                    .any(|arg| flags.iter().any(|f| arg.is_flag(f)));
                assert_eq!(command.has_any_flag(flags), by_args, "{text} {flags:?}");
                checked += usize::from(by_args);
                for flag in *flags {
                    let by_args = command
                        .options(OptionSpec::NONE)
                        .any(|arg| arg.is_flag(flag));
                    assert_eq!(command.has_flag(flag), by_args, "{text} {flag}");
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }
}
