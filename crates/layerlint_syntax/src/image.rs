//! Image references (`registry:5000/org/name:tag@sha256:…`), read with the grammar of
//! `distribution/reference`'s `ParseNormalizedNamed`, which BuildKit uses to accept a
//! base image name.

use std::fmt;

/// A parsed image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// The registry host (with port) when the reference names one, e.g. `ghcr.io`.
    pub domain: Option<String>,
    /// The repository path without the domain, e.g. `library/node` is written `node`.
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRefError(pub &'static str);

impl fmt::Display for ImageRefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for ImageRefError {}

impl ImageRef {
    /// Parses `text` like `reference.ParseNormalizedNamed`.
    ///
    /// One pass finds the `@`, the `/`s and the last `:`; each part is then checked once,
    /// a byte at a time. (A pass for each search, `str`'s char searches and memchr's
    /// set-up cost more than the rest of the parse on a reference this short.)
    pub fn parse(text: &str) -> Result<ImageRef, ImageRefError> {
        if text.is_empty() {
            return Err(ImageRefError(
                "repository name must have at least one component",
            ));
        }
        let bytes = text.as_bytes();
        if bytes.len() == 64
            && bytes
                .iter()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err(ImageRefError(
                "invalid repository name (64-byte hexadecimal strings are reserved)",
            ));
        }
        // Up to the first `@`: the first and the last `/`, and the last `:`.
        let mut at = bytes.len();
        let mut first_slash = None;
        let mut last_slash = None;
        let mut last_colon = None;
        for (i, &b) in bytes.iter().enumerate() {
            if BYTES[usize::from(b)] & MARK != 0 {
                match b {
                    b'/' => {
                        first_slash = first_slash.or(Some(i));
                        last_slash = Some(i);
                    }
                    b':' => last_colon = Some(i),
                    _ => {
                        at = i;
                        break;
                    }
                }
            }
        }
        let digest = match text.get(at + 1..) {
            Some(digest) => {
                if !valid_digest(digest) {
                    return Err(ImageRefError("invalid reference format"));
                }
                Some(digest)
            }
            None => None,
        };
        let rest = &text[..at];
        // A tag is after the last ':' that follows the last '/'.
        let (name, tag) = match last_colon {
            Some(colon) if last_slash.is_none_or(|slash| colon > slash) => {
                (&rest[..colon], Some(&rest[colon + 1..]))
            }
            _ => (rest, None),
        };
        if let Some(tag) = tag
            && !valid_tag(tag)
        {
            return Err(ImageRefError("invalid reference format"));
        }
        // Every `/` is in the name (a tag follows the last one).
        let (domain, path) = split_domain(name, first_slash);
        if let Some(domain) = domain
            && !valid_domain(domain)
        {
            return Err(ImageRefError("invalid reference format"));
        }
        if !valid_path(path.as_bytes()) {
            if path.bytes().any(|b| b.is_ascii_uppercase()) {
                return Err(ImageRefError("repository name must be lowercase"));
            }
            return Err(ImageRefError("invalid reference format"));
        }
        if name.len() > 255 {
            return Err(ImageRefError(
                "repository name must not be more than 255 characters",
            ));
        }
        Ok(ImageRef {
            domain: domain.map(str::to_owned),
            path: path.to_owned(),
            tag: tag.map(str::to_owned),
            digest: digest.map(str::to_owned),
        })
    }

    /// The registry, `docker.io` when none is written.
    pub fn registry(&self) -> &str {
        self.domain.as_deref().unwrap_or("docker.io")
    }

    /// The repository as Docker normalises it (`node` → `docker.io/library/node`).
    pub fn normalized_name(&self) -> String {
        let path = if self.domain.is_none() && !self.path.contains('/') {
            format!("library/{}", self.path)
        } else {
            self.path.clone()
        };
        format!("{}/{path}", self.registry())
    }
}

/// `distribution/reference`'s `splitDockerDomain` test for the first path component, which
/// ends at `slash`, the first `/` of `name` (if any).
fn split_domain(name: &str, slash: Option<usize>) -> (Option<&str>, &str) {
    match slash {
        Some(at)
            if name.as_bytes()[..at]
                .iter()
                .any(|&b| BYTES[usize::from(b)] & DOMAIN_HINT != 0)
                || &name[..at] == "localhost" =>
        {
            (Some(&name[..at]), &name[at + 1..])
        }
        _ => (None, name),
    }
}

fn valid_domain(domain: &str) -> bool {
    let (host, port) = if domain.starts_with('[') {
        match domain.find(']') {
            Some(end) => (&domain[..=end], domain[end + 1..].strip_prefix(':')),
            None => return false,
        }
    } else {
        match domain.bytes().rposition(|b| b == b':') {
            Some(colon) => (&domain[..colon], Some(&domain[colon + 1..])),
            None => (domain, None),
        }
    };
    if let Some(port) = port
        && (port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    if host.starts_with('[') {
        return host.len() > 2
            && host[1..host.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':');
    }
    // Components cut at `.` bytes (`str::split`'s searcher cost more than checking them).
    !host.is_empty()
        && host.as_bytes().split(|&b| b == b'.').all(|bytes| {
            !bytes.is_empty()
                && bytes[0].is_ascii_alphanumeric()
                && bytes[bytes.len() - 1].is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        })
}

/// The path's components, cut at `/`, each `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`: runs
/// of letters and digits, each after the first behind one separator. In one walk over the
/// path.
fn valid_path(path: &[u8]) -> bool {
    let mut i = 0;
    loop {
        // A run of letters and digits: a component's first, or one after a separator.
        let run = i;
        while i < path.len() && BYTES[usize::from(path[i])] & PATH_ALNUM != 0 {
            i += 1;
        }
        if i == run {
            return false;
        }
        let Some(&separator) = path.get(i) else {
            return true;
        };
        i += 1;
        match separator {
            b'/' | b'.' => {}
            b'_' => {
                if path.get(i) == Some(&b'_') {
                    i += 1;
                }
            }
            b'-' => {
                while path.get(i) == Some(&b'-') {
                    i += 1;
                }
            }
            _ => return false,
        }
    }
}

/// `[\w][\w.-]{0,127}`
fn valid_tag(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && BYTES[usize::from(bytes[0])] & WORD != 0
        && bytes.iter().all(|&b| BYTES[usize::from(b)] & TAG != 0)
}

/// `algorithm:hex` with at least 32 hex digits.
fn valid_digest(digest: &str) -> bool {
    let Some((algorithm, encoded)) = digest.split_once(':') else {
        return false;
    };
    !algorithm.is_empty()
        && algorithm.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'.' | b'_' | b'-')
        })
        && encoded.len() >= 32
        && encoded.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What each byte is to a reference, by byte: a look-up instead of a few tests a byte.
static BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut at = 0;
    while at < 256 {
        let b = at as u8;
        let mut class = 0;
        if matches!(b, b'/' | b':' | b'@') {
            class |= MARK;
        }
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            class |= PATH_ALNUM;
        }
        if b.is_ascii_alphanumeric() || b == b'_' {
            class |= WORD | TAG;
        }
        if matches!(b, b'.' | b'-') {
            class |= TAG;
        }
        if matches!(b, b'.' | b':') || b.is_ascii_uppercase() {
            class |= DOMAIN_HINT;
        }
        table[at] = class;
        at += 1;
    }
    table
};
/// `/`, `:` and `@`: where the parts of a reference end.
const MARK: u8 = 1;
/// `[a-z0-9]`: a path component's letters and digits.
const PATH_ALNUM: u8 = 2;
/// `\w`: a tag's first byte.
const WORD: u8 = 4;
/// `[\w.-]`: a tag's bytes.
const TAG: u8 = 8;
/// `.`, `:` and upper-case letters: a first component with one is a domain.
const DOMAIN_HINT: u8 = 16;

#[cfg(test)]
mod tests {
    use super::*;

    /// What `ImageRef::parse` did before its one walk: a search for each part and
    /// `str`'s searches, each part checked as the grammar reads.
    fn parse_by_parts(text: &str) -> Result<ImageRef, ImageRefError> {
        if text.is_empty() {
            return Err(ImageRefError(
                "repository name must have at least one component",
            ));
        }
        if text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err(ImageRefError(
                "invalid repository name (64-byte hexadecimal strings are reserved)",
            ));
        }
        let (rest, digest) = match text.split_once('@') {
            Some((rest, digest)) => {
                if !valid_digest(digest) {
                    return Err(ImageRefError("invalid reference format"));
                }
                (rest, Some(digest.to_owned()))
            }
            None => (text, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
            None => (rest, None),
        };
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        if let Some(tag) = tag
            && !(tag.chars().next().is_some_and(word)
                && tag.len() <= 128
                && tag.chars().all(|c| word(c) || c == '.' || c == '-'))
        {
            return Err(ImageRefError("invalid reference format"));
        }
        let (domain, path) = match name.split_once('/') {
            Some((first, rest))
                if first.contains(['.', ':'])
                    || first == "localhost"
                    || first.chars().any(|c| c.is_ascii_uppercase()) =>
            {
                (Some(first), rest)
            }
            _ => (None, name),
        };
        let domain_ok = |domain: &str| {
            let (host, port) = if domain.starts_with('[') {
                match domain.find(']') {
                    Some(end) => (&domain[..=end], domain[end + 1..].strip_prefix(':')),
                    None => return false,
                }
            } else {
                match domain.rsplit_once(':') {
                    Some((host, port)) => (host, Some(port)),
                    None => (domain, None),
                }
            };
            if port.is_some_and(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
                return false;
            }
            if host.starts_with('[') {
                return host.len() > 2
                    && host[1..host.len() - 1]
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() || c == ':');
            }
            !host.is_empty()
                && host.split('.').all(|component| {
                    component.starts_with(|c: char| c.is_ascii_alphanumeric())
                        && component.ends_with(|c: char| c.is_ascii_alphanumeric())
                        && component
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
        };
        if domain.is_some_and(|domain| !domain_ok(domain)) {
            return Err(ImageRefError("invalid reference format"));
        }
        // `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`: alternate runs of letters and digits
        // and of anything else, each of the latter a separator.
        let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
        let component_ok = |component: &str| {
            component.starts_with(alnum)
                && component.ends_with(alnum)
                && component
                    .split(alnum)
                    .filter(|separator| !separator.is_empty())
                    .all(|separator| {
                        matches!(separator, "." | "_" | "__") || separator.chars().all(|c| c == '-')
                    })
        };
        if path.is_empty() || !path.split('/').all(component_ok) {
            if path.chars().any(|c| c.is_ascii_uppercase()) {
                return Err(ImageRefError("repository name must be lowercase"));
            }
            return Err(ImageRefError("invalid reference format"));
        }
        if name.len() > 255 {
            return Err(ImageRefError(
                "repository name must not be more than 255 characters",
            ));
        }
        Ok(ImageRef {
            domain: domain.map(str::to_owned),
            path: path.to_owned(),
            tag: tag.map(str::to_owned),
            digest,
        })
    }

    /// Pieces of references: every byte the walk tells apart, names, a domain, an IPv6
    /// host, a digest, upper case and non-ASCII.
    fn piece() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "a",
            "b",
            "Z",
            "0",
            "9",
            "_",
            "__",
            ".",
            ":",
            "/",
            "@",
            "-",
            "--",
            "localhost",
            "[",
            "]",
            "::1",
            "sha256:",
            "0123456789abcdef0123456789abcdef",
            "é",
            " ",
            "A",
        ])
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(20_000))]

        /// The walk reads every text as the searches for each part read it: the same
        /// parts, or the same error.
        #[test]
        fn parse_reads_like_the_parts(pieces in proptest::collection::vec(piece(), 0..12)) {
            let text = pieces.concat();
            proptest::prop_assert_eq!(ImageRef::parse(&text), parse_by_parts(&text));
        }
    }

    /// Long names, tags and hexadecimal strings, next to the limits.
    #[test]
    fn parse_reads_long_references_like_the_parts() {
        let hex = "0123456789abcdef".repeat(4);
        let mut texts = vec![hex.clone(), hex.to_uppercase(), format!("{hex}0")];
        for len in [127, 128, 129, 254, 255, 256] {
            texts.push("a".repeat(len));
            texts.push(format!("node:{}", "1".repeat(len)));
            texts.push(format!("reg.io/{}", "b".repeat(len)));
            texts.push(format!("a:{}/b", "1".repeat(len)));
        }
        for text in &texts {
            assert_eq!(ImageRef::parse(text), parse_by_parts(text), "{text}");
        }
    }

    #[test]
    fn references() {
        let node = ImageRef::parse("node:20-alpine").unwrap();
        assert_eq!(
            (
                node.domain.as_deref(),
                node.path.as_str(),
                node.tag.as_deref()
            ),
            (None, "node", Some("20-alpine"))
        );
        assert_eq!(node.normalized_name(), "docker.io/library/node");
        let ghcr = ImageRef::parse("ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef").unwrap();
        assert_eq!(
            (ghcr.registry(), ghcr.path.as_str(), ghcr.tag.as_deref()),
            ("ghcr.io", "org/app", None)
        );
        assert!(ghcr.digest.is_some());
        let local = ImageRef::parse("localhost:5000/my_app:v1.2").unwrap();
        assert_eq!(
            (local.registry(), local.tag.as_deref()),
            ("localhost:5000", Some("v1.2"))
        );
        assert_eq!(
            ImageRef::parse("mcr.microsoft.com/dotnet/sdk:8.0")
                .unwrap()
                .registry(),
            "mcr.microsoft.com"
        );
        for bad in [
            "",
            "Node:20",
            "node:",
            "node:-x",
            "a//b",
            "node@sha256:abc",
            ":tag",
            "-node",
        ] {
            assert!(ImageRef::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            ImageRef::parse("Node").unwrap_err().0,
            "repository name must be lowercase"
        );
    }
}
