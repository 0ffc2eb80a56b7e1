//! The shell inside `RUN`: a fast, never-failing lexer and a *command view* for lint rules.
//!
//! # The model
//!
//! [`parse`] takes the script of one `RUN` (shell form, or a heredoc body) as a
//! [`MappedText`] — its text, with line continuations already removed, and a map back to
//! the Dockerfile — and returns a [`Script`]:
//!
//! - **Commands.** [`Script::commands`] lists every *simple command* in order of
//!   appearance, wherever it is: at the top level, in a pipeline, in `( )` or `{ }`, in an
//!   `if`/`while`/`for`/`case`, in a function body, inside `$( )`/backquotes/`<( )`, and
//!   inside the string of `sh -c '...'`/`bash -c`/`su -c` (also behind `sudo`, `env`,
//!   `xargs`, `gosu`, ...), which is parsed again as a script of its own. Compound
//!   commands are not commands; `case` patterns, `for` words and function names are not
//!   either. Each [`Command`] has its prefix [assignments](Command::assignments), its
//!   [name](Command::name) (by basename), [arguments](Command::args),
//!   [redirections](Command::redirects), the [`Separator`] that joins it to the next
//!   command, its [`Context`] (subshell, group, substitution, `sh -c` string, condition,
//!   `if` branch, loop, `case` branch, function, pipeline), its [parent](Command::parent)
//!   for nested commands, and its [pipeline](Command::pipeline).
//!   [`Command::unwrapped`] views the command run by a wrapper (`sudo`, `env`, `xargs`,
//!   `gosu`, `timeout`, ...) as a command of its own.
//! - **Pipelines.** [`Script::pipelines`] lists every pipeline (one-command ones too) with
//!   its [elements](Pipeline::elements): simple commands or compound commands.
//! - **Words.** A [`Word`] knows its range, its text as written, its [value](Word::value)
//!   after quote removal when it has no expansion (and a [lossy](Word::value_lossy) one
//!   when it has), its [`WordFlags`] (quotes, `$VAR`, `$( )`, globs, ...) and its
//!   [expansions](Word::expansions).
//! - **Options.** [`Command::has_flag`], [`Command::positionals`],
//!   [`Command::subcommand`] and [`Command::options`] read arguments the way getopt-style
//!   tools do (clustered `-qy`, `--opt=value`, `--`), with an [`OptionSpec`] naming the
//!   options that take a value; [`known`] has specs for common package managers.
//! - **Errors.** Parsing never fails and never panics. Unbalanced quotes, unterminated
//!   `$(`, a stray `fi` or half-typed text give a best-effort result plus
//!   [`Script::errors`]. Nesting deeper than a fixed bound is reported and the rest of the
//!   text skipped, so no input can overflow the stack.
//!
//! # Coordinates
//!
//! Every `range()` is in **Dockerfile (source) coordinates**, ready for diagnostics and
//! fixes. Every `text_range()` is in the coordinates of the text the item was read from,
//! named by a [`TextId`]: [`TextId::ROOT`] is the script itself; each `sh -c` string (and
//! each backquoted substitution that needed unescaping) is a text of its own, mapped
//! straight to the Dockerfile through its quoting. Where quote removal dropped or replaced
//! characters (`"a \"b\""`), a range inside such a string starts at the first character
//! that survived.
//!
//! # Example
//!
//! ```
//! let script = layerlint_shell::parse_str(
//!     "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -qy \\\n curl=7.88 git \
//!      && curl -fsSL https://x.sh | sh",
//! );
//! let install = script.find("apt-get").find(|c| c.subcommand() == Some("install")).unwrap();
//! assert!(install.has_flag("-y"));
//! assert_eq!(install.assignment("DEBIAN_FRONTEND").unwrap().value().value(), Some("noninteractive"));
//! let packages: Vec<_> = install.positionals(layerlint_shell::known::APT_GET)
//!     .skip(1).filter_map(|w| w.value()).collect();
//! assert_eq!(packages, ["curl=7.88", "git"]);
//!
//! let curl = script.find("curl").next().unwrap();
//! let into = curl.piped_into().and_then(|e| e.command()).unwrap();
//! assert!(into.is("sh"));
//! ```
//!
//! # What is not modelled
//!
//! Here-document bodies are not parsed for commands (their `$( )` are not seen); `eval`
//! strings are not parsed; aliases and functions are not resolved; `[[ ]]` is a simple
//! command named `[[` whose operators are plain words; arithmetic is skipped over (any
//! `$( )` inside is parsed).

#![warn(missing_docs)]
mod data;
mod error;
mod lexer;
mod options;
mod parser;
mod script;
mod shell_string;
mod word;
mod wrappers;

use layerlint_text::{MappedText, TextSize};

pub use data::{
    CommandId, Context, ElementKind, ExpansionKind, PipelineId, RedirectOp, Separator, TextId,
    WordFlags,
};
pub use error::{SyntaxError, SyntaxErrorKind};
pub use options::{Arg, Args, Opt, OptValue, OptionSpec, known};
pub use script::{Command, Element, Pipeline, Script};
pub use word::{Assignment, Expansion, Heredoc, Redirect, Word};

/// Parses a script given with its map to the Dockerfile. Never fails.
pub fn parse(text: &MappedText) -> Script {
    Script::new(parser::parse(text))
}

/// Parses a script that is its own source (ranges are offsets in `text`). For tests and
/// tools.
pub fn parse_str(text: &str) -> Script {
    parse(&MappedText::contiguous(text, TextSize::ZERO))
}
