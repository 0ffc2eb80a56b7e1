//! Commands that run another command given in their arguments: `sudo apt-get ...`,
//! `env A=1 make`, `xargs -n1 rm`, `gosu app ./start`, `timeout 10 curl ...`.

use crate::data::WordData;
use crate::lexer::{NameFilter, assignment_prefix};

/// A wrapper: its name, its options that take a separate value, and how many operands
/// come before the wrapped command.
struct Wrapper {
    name: &'static str,
    with_value: &'static [&'static str],
    operands: usize,
}

const WRAPPERS: &[Wrapper] = &[
    Wrapper {
        name: "sudo",
        with_value: crate::options::known::SUDO.with_value(),
        operands: 0,
    },
    Wrapper {
        name: "doas",
        with_value: &["-u", "-C"],
        operands: 0,
    },
    Wrapper {
        name: "env",
        with_value: &["-u", "--unset", "-C", "--chdir", "-S", "--split-string"],
        operands: 0,
    },
    Wrapper {
        name: "nice",
        with_value: &["-n", "--adjustment"],
        operands: 0,
    },
    Wrapper {
        name: "ionice",
        with_value: &["-c", "-n", "--class", "--classdata"],
        operands: 0,
    },
    Wrapper {
        name: "nohup",
        with_value: &[],
        operands: 0,
    },
    Wrapper {
        name: "time",
        with_value: &["-f", "-o", "--format", "--output"],
        operands: 0,
    },
    Wrapper {
        name: "exec",
        with_value: &["-a"],
        operands: 0,
    },
    Wrapper {
        name: "timeout",
        with_value: &["-s", "--signal", "-k", "--kill-after"],
        operands: 1,
    },
    Wrapper {
        name: "stdbuf",
        with_value: &["-i", "-o", "-e", "--input", "--output", "--error"],
        operands: 0,
    },
    Wrapper {
        name: "xargs",
        with_value: &[
            "-I",
            "-n",
            "-L",
            "-P",
            "-d",
            "-a",
            "-E",
            "-s",
            "--max-args",
            "--max-lines",
            "--max-procs",
            "--delimiter",
            "--arg-file",
            "--eof",
            "--max-chars",
        ],
        operands: 0,
    },
    Wrapper {
        name: "gosu",
        with_value: &[],
        operands: 1,
    },
    Wrapper {
        name: "su-exec",
        with_value: &[],
        operands: 1,
    },
    Wrapper {
        name: "chroot",
        with_value: &[],
        operands: 1,
    },
    Wrapper {
        name: "setsid",
        with_value: &[],
        operands: 0,
    },
    Wrapper {
        name: "eatmydata",
        with_value: &[],
        operands: 0,
    },
    Wrapper {
        name: "tini",
        with_value: &["-p", "-e"],
        operands: 0,
    },
    Wrapper {
        name: "dumb-init",
        with_value: &["-r", "--rewrite"],
        operands: 0,
    },
    Wrapper {
        name: "busybox",
        with_value: &[],
        operands: 0,
    },
    Wrapper {
        name: "command",
        with_value: &[],
        operands: 0,
    },
    Wrapper {
        name: "builtin",
        with_value: &[],
        operands: 0,
    },
];

/// The index in `words` (name first) of the command that the wrappers starting at
/// `words[0]` run, following up to four wrappers; `None` when `words[0]` wraps nothing
/// (not a wrapper, `sudo -i`, `command -v x`). `name` gives a word's static basename.
pub(crate) fn wrapped_index<'a>(
    words: &'a [WordData],
    name: impl Fn(&'a WordData) -> Option<&'a str>,
    value: impl Fn(&'a WordData) -> &'a str,
) -> Option<usize> {
    let mut index = 0;
    for _ in 0..4 {
        let Some(wrapper) = name(words.get(index)?).and_then(find) else {
            return (index > 0).then_some(index);
        };
        index = inner(words, index, wrapper, &value)?;
    }
    Some(index)
}

/// The names of [`WRAPPERS`]: most commands are not one.
static WRAPPER_NAMES: NameFilter = {
    let mut filter = NameFilter::EMPTY;
    let mut i = 0;
    while i < WRAPPERS.len() {
        filter = filter.with(WRAPPERS[i].name);
        i += 1;
    }
    filter
};

/// Whether `name` is a wrapper: when it is not, [`wrapped_index`] of a command with this
/// name is `None`.
pub(crate) fn is_wrapper(name: &str) -> bool {
    find(name).is_some()
}

fn find(name: &str) -> Option<&'static Wrapper> {
    if !WRAPPER_NAMES.may_contain(name) {
        return None;
    }
    WRAPPERS.iter().find(|w| w.name == name)
}

fn inner<'a>(
    words: &'a [WordData],
    at: usize,
    wrapper: &Wrapper,
    value: &impl Fn(&'a WordData) -> &'a str,
) -> Option<usize> {
    let mut operands = wrapper.operands;
    let mut options_done = false;
    let mut j = at + 1;
    while let Some(word) = words.get(j) {
        let v = value(word);
        if !options_done && v == "--" {
            options_done = true;
            j += 1;
            continue;
        }
        if !options_done && v.len() > 1 && v.starts_with('-') {
            if wrapper.name == "command" && matches!(v, "-v" | "-V") {
                return None;
            }
            j += if wrapper.with_value.contains(&v) {
                2
            } else {
                1
            };
            continue;
        }
        if wrapper.name == "env" && assignment_prefix(v.as_bytes()).is_some() {
            j += 1;
            continue;
        }
        if operands > 0 {
            operands -= 1;
            j += 1;
            continue;
        }
        return Some(j);
    }
    None
}
