//! `RUN --mount=…`: the comma-separated options BuildKit reads (as CSV) and checks.

use layerlint_text::{TextRange, TextSize};

/// One `--mount` of a RUN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// The whole `--mount=…` flag.
    pub range: TextRange,
    pub kind: MountKind,
    /// The options in order, keys lower-cased.
    pub options: Vec<MountOption>,
}

/// A `key=value` (or bare `key`) option of a mount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountOption {
    pub key: String,
    pub value: Option<String>,
    /// The option's range in the source (approximate when the flag was quoted).
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MountKind {
    Bind,
    Cache,
    Tmpfs,
    Secret,
    Ssh,
    /// A type BuildKit does not know, or one written with a variable.
    Other(String),
}

impl MountKind {
    fn parse(value: &str) -> Self {
        match value.to_ascii_lowercase().as_str() {
            "bind" => Self::Bind,
            "cache" => Self::Cache,
            "tmpfs" => Self::Tmpfs,
            "secret" => Self::Secret,
            "ssh" => Self::Ssh,
            _ => Self::Other(value.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Bind => "bind",
            Self::Cache => "cache",
            Self::Tmpfs => "tmpfs",
            Self::Secret => "secret",
            Self::Ssh => "ssh",
            Self::Other(other) => other,
        }
    }
}

impl Mount {
    /// The value of the last option called `key` (or one of its aliases).
    pub fn get(&self, key: &str) -> Option<&str> {
        let aliases: &[&str] = match key {
            "target" | "dst" | "destination" => &["target", "dst", "destination"],
            "source" | "src" => &["source", "src"],
            "readonly" | "ro" => &["readonly", "ro"],
            _ => std::slice::from_ref(&key),
        };
        self.options
            .iter()
            .rev()
            .find(|o| aliases.contains(&o.key.as_str()))
            .and_then(|o| o.value.as_deref())
    }

    /// Where the mount appears in the container.
    pub fn target(&self) -> Option<&str> {
        self.get("target")
    }

    pub fn source(&self) -> Option<&str> {
        self.get("source")
    }

    /// The stage or image a bind or cache mount takes its files from.
    pub fn from(&self) -> Option<&str> {
        self.get("from")
    }

    pub fn id(&self) -> Option<&str> {
        self.get("id")
    }

    pub fn sharing(&self) -> Option<&str> {
        self.get("sharing")
    }

    /// Whether the mount is kept out of the image and reused between builds or runs:
    /// `cache` and `tmpfs`.
    pub fn is_cache_like(&self) -> bool {
        matches!(self.kind, MountKind::Cache | MountKind::Tmpfs)
    }
}

/// Parses the value of a `--mount` flag. `value_start` is where the value starts in the
/// source; `quoted` says whether the flag contained quotes or escapes (then option ranges
/// are approximate). Returns the mount and BuildKit's complaint about it, if any.
pub(crate) fn parse_mount(
    value: &str,
    flag_range: TextRange,
    value_start: TextSize,
    exact_offsets: bool,
) -> (Mount, Option<String>) {
    let mut mount = Mount {
        range: flag_range,
        kind: MountKind::Bind,
        options: Vec::new(),
    };
    let fields = match csv_fields(value) {
        Ok(fields) => fields,
        Err(message) => {
            return (
                mount,
                Some(format!("failed to parse csv mounts: {message}")),
            );
        }
    };
    let mut problem = None;
    for (field, start, end) in fields {
        let range = if exact_offsets {
            TextRange::new(
                value_start + TextSize::from_usize(start),
                value_start + TextSize::from_usize(end),
            )
        } else {
            flag_range
        };
        let (key, value) = match field.split_once('=') {
            Some((key, value)) => (key.to_ascii_lowercase(), Some(value.to_owned())),
            None => (field.to_ascii_lowercase(), None),
        };
        if key == "type"
            && let Some(value) = &value
        {
            mount.kind = MountKind::parse(value);
        }
        mount.options.push(MountOption { key, value, range });
    }
    for option in &mount.options {
        if problem.is_none() {
            problem = check_option(&mount, option);
        }
    }
    if problem.is_none() {
        problem = check_mount(&mount);
    }
    (mount, problem)
}

fn has_variable(value: &str) -> bool {
    value.contains('$')
}

/// BuildKit's per-option checks (those that do not depend on variables).
fn check_option(mount: &Mount, option: &MountOption) -> Option<String> {
    let key = option.key.as_str();
    let Some(value) = option.value.as_deref() else {
        return match key {
            "readonly" | "ro" | "readwrite" | "rw" => None,
            "required" if matches!(mount.kind, MountKind::Secret | MountKind::Ssh) => None,
            "required" => Some(format!(
                "unexpected key '{key}' for mount type '{}'",
                mount.kind.as_str()
            )),
            _ => Some(format!("invalid field '{key}' must be a key=value pair")),
        };
    };
    if key == "from"
        && let Some(index) = value.find('$')
        && index != value.len() - 1
    {
        return Some(format!(
            "'{key}' doesn't support variable expansion, define alias stage instead"
        ));
    }
    if has_variable(value) {
        return None;
    }
    let bool_ok = |v: &str| parse_go_bool(v).is_some();
    match key {
        "type" => match mount.kind {
            MountKind::Other(_) => Some(format!("unsupported mount type \"{value}\"")),
            _ => None,
        },
        "from" | "source" | "src" | "target" | "dst" | "destination" | "id" | "env" => None,
        "readonly" | "ro" | "readwrite" | "rw" => {
            (!bool_ok(value)).then(|| format!("invalid value for {key}: {value}"))
        }
        "required" => {
            if !matches!(mount.kind, MountKind::Secret | MountKind::Ssh) {
                Some(format!(
                    "unexpected key '{key}' for mount type '{}'",
                    mount.kind.as_str()
                ))
            } else {
                (!bool_ok(value)).then(|| format!("invalid value for {key}: {value}"))
            }
        }
        "size" => (mount.kind != MountKind::Tmpfs).then(|| {
            format!(
                "unexpected key '{key}' for mount type '{}'",
                mount.kind.as_str()
            )
        }),
        "sharing" => (!matches!(
            value.to_ascii_lowercase().as_str(),
            "shared" | "private" | "locked"
        ))
        .then(|| format!("unsupported sharing value \"{value}\"")),
        "mode" => u32::from_str_radix(value, 8)
            .is_err()
            .then(|| format!("invalid value {value} for mode")),
        "uid" | "gid" => value
            .parse::<u32>()
            .is_err()
            .then(|| format!("invalid value {value} for {key}")),
        _ => Some(format!("unexpected key '{key}' in '{key}={value}'")),
    }
}

/// BuildKit's checks of the mount as a whole.
fn check_mount(mount: &Mount) -> Option<String> {
    let file_info_allowed = matches!(
        mount.kind,
        MountKind::Secret | MountKind::Ssh | MountKind::Cache
    );
    if !file_info_allowed {
        for key in ["mode", "uid", "gid"] {
            if mount.get(key).is_some() {
                return Some(format!(
                    "{key} not allowed for \"{}\" type mounts",
                    mount.kind.as_str()
                ));
            }
        }
    }
    if mount.kind == MountKind::Secret {
        if mount.from().is_some() {
            return Some("secret mount should not have a from".to_owned());
        }
        if mount.sharing().is_some() {
            return Some("secret mount should not define sharing".to_owned());
        }
        if mount.source().is_none() && mount.target().is_none() && mount.id().is_none() {
            return Some("invalid secret mount. one of source, target required".to_owned());
        }
        if mount.source().is_some() && mount.id().is_some() {
            return Some("both source and id can't be set".to_owned());
        }
    }
    if mount.sharing().is_some() && mount.kind != MountKind::Cache {
        return Some(format!(
            "invalid cache sharing set for {} mount",
            mount.kind.as_str()
        ));
    }
    None
}

/// Go's `strconv.ParseBool`.
pub(crate) fn parse_go_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// One CSV record (Go's `encoding/csv` rules): fields with their byte ranges.
fn csv_fields(line: &str) -> Result<Vec<(String, usize, usize)>, String> {
    let line = line.trim_end_matches(['\r', '\n']);
    let bytes = line.as_bytes();
    let mut fields = Vec::new();
    let mut pos = 0;
    loop {
        let start = pos;
        if bytes.get(pos) == Some(&b'"') {
            let mut value = String::new();
            pos += 1;
            loop {
                let Some(rel) = line[pos..].find('"') else {
                    return Err("extraneous or missing \" in quoted-field".to_owned());
                };
                value.push_str(&line[pos..pos + rel]);
                pos += rel + 1;
                match bytes.get(pos) {
                    Some(b'"') => {
                        value.push('"');
                        pos += 1;
                    }
                    Some(b',') | None => break,
                    Some(_) => return Err("extraneous or missing \" in quoted-field".to_owned()),
                }
            }
            fields.push((value, start, pos));
        } else {
            let end = line[pos..].find(',').map_or(line.len(), |rel| pos + rel);
            let field = &line[pos..end];
            if field.contains('"') {
                return Err("bare \" in non-quoted-field".to_owned());
            }
            fields.push((field.to_owned(), start, end));
            pos = end;
        }
        if bytes.get(pos) == Some(&b',') {
            pos += 1;
        } else {
            return Ok(fields);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mount(value: &str) -> (Mount, Option<String>) {
        let range = TextRange::up_to(TextSize::of(value));
        parse_mount(value, range, TextSize::ZERO, true)
    }

    #[test]
    fn typed_options() {
        let (m, problem) = mount("type=cache,target=/root/.cache/pip,sharing=locked,id=pip");
        assert_eq!(problem, None);
        assert_eq!(m.kind, MountKind::Cache);
        assert_eq!(m.target(), Some("/root/.cache/pip"));
        assert_eq!(m.sharing(), Some("locked"));
        assert!(m.is_cache_like());
        assert_eq!(m.options[1].range, TextRange::from_usize(11, 34));
        let (m, problem) = mount("type=bind,from=build,source=/out,dst=/mnt,ro");
        assert_eq!(problem, None);
        assert_eq!(
            (m.from(), m.source(), m.target()),
            (Some("build"), Some("/out"), Some("/mnt"))
        );
        let (m, _) = mount("target=/x");
        assert_eq!(m.kind, MountKind::Bind);
        let (_, problem) = mount("type=secret,\"id=x\",\"dst=/a,b\"");
        assert_eq!(problem, None);
        let (_, problem) = mount("\"type=secret,id=x\"");
        assert_eq!(
            problem.as_deref(),
            Some("unsupported mount type \"secret,id=x\"")
        );
        let (_, problem) = mount("type=ssh");
        assert_eq!(problem, None);
    }

    #[test]
    fn buildkit_rejections() {
        for (value, message) in [
            ("type=volume", "unsupported mount type \"volume\""),
            (
                "type=cache,target=/x,colour=red",
                "unexpected key 'colour' in 'colour=red'",
            ),
            (
                "type=cache,target=/x,sharing=maybe",
                "unsupported sharing value \"maybe\"",
            ),
            (
                "type=bind,target=/x,mode=0755",
                "mode not allowed for \"bind\" type mounts",
            ),
            (
                "type=secret",
                "invalid secret mount. one of source, target required",
            ),
            ("type=cache,target=/x,uid=abc", "invalid value abc for uid"),
            (
                "type=cache,target=/x,ro=maybe",
                "invalid value for ro: maybe",
            ),
            (
                "type=bind,from=$STAGE_x,target=/x",
                "'from' doesn't support variable expansion, define alias stage instead",
            ),
            (
                "type=cache,\"target=/x",
                "failed to parse csv mounts: extraneous or missing \" in quoted-field",
            ),
            (
                "type=cache,tar\"get=/x",
                "failed to parse csv mounts: bare \" in non-quoted-field",
            ),
            (
                "type=bind,target=/x,required",
                "unexpected key 'required' for mount type 'bind'",
            ),
            (
                "type=bind,target=/x,foo",
                "invalid field 'foo' must be a key=value pair",
            ),
        ] {
            assert_eq!(mount(value).1.as_deref(), Some(message), "{value}");
        }
        assert_eq!(mount("type=cache,target=$DIR,uid=$UID").1, None);
    }
}
