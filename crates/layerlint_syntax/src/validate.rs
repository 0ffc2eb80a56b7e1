//! What BuildKit's instruction layer (`instructions/parse.go`) refuses in an instruction
//! that its parser accepted: unknown keywords, unknown or malformed flags, wrong argument
//! counts, bad HEALTHCHECK durations.
//!
//! Checks that need the whole file (an instruction before the first FROM, an unknown
//! stage in `COPY --from`) are lint rules, not parse errors; so is an `ONBUILD` that
//! triggers `ONBUILD`, `FROM` or `MAINTAINER` (rule `onbuild-invalid-trigger`, reported
//! once under the code users look for).

use layerlint_text::TextRange;

use crate::ast::{Body, Dockerfile, Instruction, InstructionKind};
use crate::error::{ParseError, ParseErrorKind};
use crate::goquote::go_quote;
use crate::heredoc::parse_heredoc_marker;

/// A flag's name with its dashes, `--name`, for messages.
struct Shown<'a>(&'a str);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--{}", self.0)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagType {
    Bool,
    String,
    Strings,
}

/// The flags an instruction takes; `None` when BuildKit never checks its flags.
fn allowed_flags(instruction: &Instruction) -> Option<&'static [(&'static str, FlagType)]> {
    use FlagType::{Bool, String, Strings};
    Some(match instruction.kind {
        InstructionKind::Add => &[
            ("chown", String),
            ("chmod", String),
            ("link", Bool),
            ("keep-git-dir", Bool),
            ("checksum", String),
            ("unpack", Bool),
            ("exclude", Strings),
        ],
        InstructionKind::Copy => &[
            ("chown", String),
            ("from", String),
            ("chmod", String),
            ("link", Bool),
            ("exclude", Strings),
            ("parents", Bool),
        ],
        InstructionKind::From => &[("platform", String)],
        InstructionKind::Run => &[
            ("mount", Strings),
            ("network", String),
            ("security", String),
            ("device", Strings),
        ],
        InstructionKind::Healthcheck => {
            let is_none = matches!(&instruction.body, Body::Healthcheck(h)
                if h.kind.as_ref().is_some_and(|k| k.text.eq_ignore_ascii_case("none")));
            if is_none {
                return None;
            }
            &[
                ("interval", String),
                ("timeout", String),
                ("start-period", String),
                ("start-interval", String),
                ("retries", String),
            ]
        }
        InstructionKind::Stopsignal | InstructionKind::Arg | InstructionKind::Unknown => {
            return None;
        }
        _ => &[],
    })
}

pub(crate) fn validate(file: &Dockerfile, errors: &mut Vec<ParseError>) {
    for instruction in file.instructions() {
        // BuildKit's parser stops at its own errors before the instruction layer runs.
        let broken = errors
            .iter()
            .any(|e| e.kind.is_parser_level() && instruction.range.contains_range(e.range));
        if broken {
            continue;
        }
        let mut check = Check {
            source: file.source(),
            instruction,
            errors,
        };
        check.instruction();
    }
}

struct Check<'a> {
    source: &'a str,
    instruction: &'a Instruction,
    errors: &'a mut Vec<ParseError>,
}

impl Check<'_> {
    fn report(&mut self, kind: ParseErrorKind, range: TextRange, message: String) {
        self.errors.push(ParseError::new(kind, range, message));
    }

    fn args_error(&mut self, message: String) {
        let range = self.instruction.range;
        self.report(ParseErrorKind::InvalidArguments, range, message);
    }

    fn instruction(&mut self) {
        let instruction = self.instruction;
        let name = instruction.kind.as_str();
        // BuildKit checks some argument counts before the flags; one error per instruction.
        let before = self.errors.len();
        match &instruction.body {
            Body::Unknown => {
                let keyword = instruction.keyword;
                self.report(
                    ParseErrorKind::UnknownInstruction,
                    keyword,
                    format!("unknown instruction: {}", &self.source[keyword]),
                );
                return;
            }
            Body::Add(paths) | Body::Copy(paths) if paths.words.len() < 2 => {
                self.args_error(format!(
                    "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
                ));
            }
            Body::Maintainer(None)
            | Body::Workdir(None)
            | Body::User(None)
            | Body::Stopsignal(None) => {
                self.args_error(format!("{name} requires exactly one argument"));
            }
            Body::From(from) => self.from(from),
            Body::Onbuild(None)
            | Body::Expose(_)
            | Body::Arg(_)
            | Body::Volume(_)
            | Body::Healthcheck(_)
            | Body::Env(_)
            | Body::Label(_)
                if self.has_no_args() =>
            {
                self.args_error(format!("{name} requires at least one argument"));
            }
            _ => {}
        }
        if self.errors.len() > before {
            return;
        }
        self.flags();
        if self.errors.len() > before {
            return;
        }
        self.after_flags();
    }

    fn has_no_args(&self) -> bool {
        match &self.instruction.body {
            Body::Onbuild(inner) => inner.is_none(),
            Body::Expose(words) => words.is_empty(),
            Body::Arg(args) => args.is_empty(),
            Body::Volume(paths) => paths.words.is_empty(),
            Body::Healthcheck(health) => health.kind.is_none(),
            Body::Env(pairs) | Body::Label(pairs) => pairs.is_empty(),
            _ => false,
        }
    }

    fn from(&mut self, from: &crate::ast::FromImage) {
        match from.words.as_slice() {
            [_, kw, name] if kw.text.eq_ignore_ascii_case("as") => {
                // BuildKit checks the lower-cased name: an ASCII one (most) is checked as
                // it is, ignoring case, without a lower-cased copy.
                let valid = if name.text.is_ascii() {
                    valid_stage_name_ignoring_ascii_case(&name.text)
                } else {
                    valid_stage_name(&name.text.to_lowercase())
                };
                if !valid {
                    let range = name.range;
                    self.report(
                        ParseErrorKind::InvalidArguments,
                        range,
                        format!(
                            "invalid name for build stage: {}, name can't start with a number or contain symbols",
                            go_quote(&name.text)
                        ),
                    );
                }
            }
            [_] => {}
            _ => self.args_error("FROM requires either one or three arguments".to_owned()),
        }
    }

    /// BuildKit's `BFlags.Parse`.
    fn flags(&mut self) {
        let instruction = self.instruction;
        let Some(allowed) = allowed_flags(instruction) else {
            return;
        };
        for (at, flag) in instruction.flags.iter().enumerate() {
            // The flag as written in messages (only an error needs it).
            let shown = Shown(&flag.name);
            let Some(&(_, kind)) = allowed.iter().find(|(name, _)| *name == flag.name) else {
                self.report(
                    ParseErrorKind::InvalidFlag,
                    flag.range,
                    format!("unknown flag: {shown}"),
                );
                return;
            };
            // The flags before it were all allowed (else the loop returned): they are the
            // ones used so far.
            if kind != FlagType::Strings
                && instruction.flags[..at]
                    .iter()
                    .any(|used| used.name == flag.name)
            {
                self.report(
                    ParseErrorKind::InvalidFlag,
                    flag.range,
                    format!("duplicate flag specified: {shown}"),
                );
                return;
            }
            let problem = match (kind, &flag.value) {
                (FlagType::Bool, Some(value)) if value.text.is_empty() => {
                    Some(format!("missing a value on flag: {shown}"))
                }
                (FlagType::Bool, Some(value))
                    // Only ASCII letters lower-case to these (the Kelvin sign's `k` is in
                    // neither), so an ASCII comparison is Go's `strings.ToLower` one.
                    if !(value.text.eq_ignore_ascii_case("true")
                        || value.text.eq_ignore_ascii_case("false")) =>
                {
                    Some(format!(
                        "expecting boolean value for flag {shown}, not: {}",
                        value.text
                    ))
                }
                (FlagType::String | FlagType::Strings, None) => {
                    Some(format!("missing a value on flag: {shown}"))
                }
                _ => None,
            };
            if let Some(problem) = problem {
                self.report(ParseErrorKind::InvalidFlag, flag.range, problem);
                return;
            }
        }
    }

    fn after_flags(&mut self) {
        let instruction = self.instruction;
        match &instruction.body {
            Body::Add(paths) | Body::Copy(paths) => {
                if let Some(dest) = paths.destination()
                    && matches!(parse_heredoc_marker(&dest.text), Ok(Some(_)))
                {
                    let range = dest.range;
                    self.report(
                        ParseErrorKind::InvalidArguments,
                        range,
                        format!(
                            "{} cannot accept a heredoc as a destination",
                            instruction.kind.as_str()
                        ),
                    );
                }
            }
            Body::Env(pairs) | Body::Label(pairs)
                if pairs.iter().any(|p| p.key.text.is_empty()) =>
            {
                self.args_error(format!(
                    "{} names can not be blank",
                    instruction.kind.as_str()
                ));
            }
            Body::Arg(args)
                if args
                    .iter()
                    .any(|a| a.default.is_some() && a.name.text.is_empty()) =>
            {
                self.args_error("ARG names can not be blank".to_owned());
            }
            Body::Volume(paths) if paths.words.iter().any(|w| w.text.trim().is_empty()) => {
                self.args_error("VOLUME specified can not be an empty string".to_owned());
            }
            Body::Shell(command) => match command {
                None => self.args_error("SHELL requires at least one argument".to_owned()),
                Some(command) if !command.is_exec() => {
                    self.args_error("SHELL requires the arguments to be in JSON form".to_owned());
                }
                Some(command) if command.as_exec().is_some_and(|e| e.args.is_empty()) => {
                    self.args_error("SHELL requires at least one argument".to_owned());
                }
                Some(_) => {}
            },
            Body::Run(_) => self.run(),
            Body::Healthcheck(health) => self.healthcheck(health),
            _ => {}
        }
    }

    fn run(&mut self) {
        let instruction = self.instruction;
        if let Some(flag) = instruction.flags.iter().rev().find(|f| f.name == "network") {
            let value = flag.value_str();
            if !matches!(value, "default" | "none" | "host") && !value.contains('$') {
                self.report(
                    ParseErrorKind::InvalidFlag,
                    flag.range,
                    format!("invalid network mode {}", go_quote(value)),
                );
            }
        }
        if let Some(flag) = instruction
            .flags
            .iter()
            .rev()
            .find(|f| f.name == "security")
        {
            let value = flag.value_str();
            if !matches!(value, "sandbox" | "insecure") && !value.contains('$') {
                self.report(
                    ParseErrorKind::InvalidFlag,
                    flag.range,
                    format!("security {} is not valid", go_quote(value)),
                );
            }
        }
    }

    fn healthcheck(&mut self, health: &crate::ast::Healthcheck) {
        let Some(kind) = &health.kind else { return };
        let kind_upper = kind.text.to_uppercase();
        if kind_upper == "NONE" {
            if health.command.is_some() {
                self.args_error("HEALTHCHECK NONE takes no arguments".to_owned());
            }
            return;
        }
        if kind_upper != "CMD" {
            self.args_error(format!(
                "Unknown type {} in HEALTHCHECK (try CMD)",
                go_quote(&kind_upper)
            ));
            return;
        }
        let empty = match &health.command {
            None => true,
            Some(command) => command.as_exec().is_some_and(|e| e.args.is_empty()),
        };
        if empty {
            self.args_error("Missing command after HEALTHCHECK CMD".to_owned());
            return;
        }
        let instruction = self.instruction;
        for name in ["interval", "timeout", "start-period", "start-interval"] {
            let Some(flag) = instruction.flags.iter().rev().find(|f| f.name == name) else {
                continue;
            };
            let value = flag.value_str();
            if value.is_empty() {
                continue;
            }
            match parse_go_duration(value) {
                Err(message) => {
                    self.report(ParseErrorKind::InvalidFlag, flag.range, message);
                    return;
                }
                Ok(nanos) if nanos != 0 && nanos < 1_000_000 => {
                    self.report(
                        ParseErrorKind::InvalidFlag,
                        flag.range,
                        format!("Interval {} cannot be less than 1ms", go_quote(name)),
                    );
                    return;
                }
                Ok(_) => {}
            }
        }
        if let Some(flag) = instruction.flags.iter().rev().find(|f| f.name == "retries") {
            let value = flag.value_str();
            if !value.is_empty() {
                match value.parse::<i32>() {
                    Err(_) => self.report(
                        ParseErrorKind::InvalidFlag,
                        flag.range,
                        format!(
                            "strconv.ParseInt: parsing {}: invalid syntax",
                            go_quote(value)
                        ),
                    ),
                    Ok(n) if n < 0 => self.report(
                        ParseErrorKind::InvalidFlag,
                        flag.range,
                        format!("--retries cannot be negative ({n})"),
                    ),
                    Ok(_) => {}
                }
            }
        }
    }
}

/// BuildKit's stage-name pattern `^[a-z][a-z0-9-_.]*$`.
pub fn valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// [`valid_stage_name`] of an ASCII name lower-cased: what lower-casing changes (upper-case
/// letters) counts as the lower-case letter it becomes.
fn valid_stage_name_ignoring_ascii_case(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub fn parse_go_duration(text: &str) -> Result<i128, String> {
    let invalid = || format!("time: invalid duration {}", go_quote(text));
    let mut rest = text;
    let negative = rest.starts_with('-');
    rest = rest.strip_prefix(['-', '+']).unwrap_or(rest);
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let int_len = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let int_part = &rest[..int_len];
        rest = &rest[int_len..];
        let mut frac_part = "";
        if let Some(after_dot) = rest.strip_prefix('.') {
            let frac_len = after_dot.len()
                - after_dot
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .len();
            frac_part = &after_dot[..frac_len];
            rest = &after_dot[frac_len..];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = rest
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("time: missing unit in duration {}", go_quote(text))),
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(unit),
                    go_quote(text)
                ));
            }
        };
        let whole: i128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| invalid())?
        };
        let mut value = whole.checked_mul(scale).ok_or_else(invalid)?;
        let mut frac_scale = scale;
        for digit in frac_part.bytes().take(30) {
            frac_scale /= 10;
            value += i128::from(digit - b'0') * frac_scale;
        }
        total = total.checked_add(value).ok_or_else(invalid)?;
        if total > i128::from(i64::MAX) {
            return Err(invalid());
        }
    }
    Ok(if negative { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// An ASCII name checked ignoring case is valid exactly when its lower-cased copy is.
        #[test]
        fn stage_names_ignore_ascii_case(name in "[a-zA-Z0-9_.\\-@ /]{0,6}") {
            proptest::prop_assert_eq!(
                valid_stage_name_ignoring_ascii_case(&name),
                valid_stage_name(&name.to_lowercase())
            );
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_go_duration("5s"), Ok(5_000_000_000));
        assert_eq!(parse_go_duration("1m30s"), Ok(90_000_000_000));
        assert_eq!(parse_go_duration("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(parse_go_duration("0"), Ok(0));
        assert_eq!(parse_go_duration("100us"), Ok(100_000));
        assert!(parse_go_duration("5").is_err());
        assert!(parse_go_duration("five").is_err());
        assert!(parse_go_duration("1x").is_err());
        assert!(parse_go_duration("").is_err());
    }

    #[test]
    fn onbuild_triggers_are_left_to_the_linter() {
        for source in [
            "FROM a\nONBUILD ONBUILD RUN x\n",
            "FROM a\nONBUILD FROM b\n",
        ] {
            assert!(crate::parse(source).errors.is_empty(), "{source}");
        }
    }

    #[test]
    fn stage_names() {
        assert!(valid_stage_name("build-env_1.0"));
        assert!(!valid_stage_name("1build"));
        assert!(!valid_stage_name("a$b"));
        assert!(!valid_stage_name(""));
    }
}
