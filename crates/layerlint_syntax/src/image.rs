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
    pub fn parse(text: &str) -> Result<ImageRef, ImageRefError> {
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
        // Byte loops: `str`'s char searches (backwards above all) and memchr's set-up cost
        // more than the rest of the parse on a reference this short.
        let (rest, digest) = match text.bytes().position(|b| b == b'@') {
            Some(at) => {
                let (rest, digest) = (&text[..at], &text[at + 1..]);
                if !valid_digest(digest) {
                    return Err(ImageRefError("invalid reference format"));
                }
                (rest, Some(digest.to_owned()))
            }
            None => (text, None),
        };
        // A tag is after the last ':' that follows the last '/'.
        let last_slash = rest.bytes().rposition(|b| b == b'/').map_or(0, |i| i + 1);
        let (name, tag) = match rest.as_bytes()[last_slash..]
            .iter()
            .rposition(|&b| b == b':')
        {
            Some(i) => {
                let split = last_slash + i;
                (&rest[..split], Some(&rest[split + 1..]))
            }
            None => (rest, None),
        };
        if let Some(tag) = tag
            && !valid_tag(tag)
        {
            return Err(ImageRefError("invalid reference format"));
        }
        let (domain, path) = split_domain(name);
        if let Some(domain) = domain
            && !valid_domain(domain)
        {
            return Err(ImageRefError("invalid reference format"));
        }
        if path.is_empty()
            || !path
                .as_bytes()
                .split(|&b| b == b'/')
                .all(valid_path_component)
        {
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
            digest,
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

/// `distribution/reference`'s `splitDockerDomain` test for the first path component.
fn split_domain(name: &str) -> (Option<&str>, &str) {
    match name
        .bytes()
        .position(|b| b == b'/')
        .map(|at| (&name[..at], &name[at + 1..]))
    {
        Some((first, rest))
            if first.bytes().any(|b| b == b'.' || b == b':')
                || first == "localhost"
                || first.bytes().any(|b| b.is_ascii_uppercase()) =>
        {
            (Some(first), rest)
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
        match domain.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
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
    !host.is_empty()
        && host.split('.').all(|component| {
            let bytes = component.as_bytes();
            !bytes.is_empty()
                && bytes[0].is_ascii_alphanumeric()
                && bytes[bytes.len() - 1].is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        })
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`, over bytes (the reference's components are
/// cut at `/` bytes: `str::split`'s searcher cost more than checking them).
fn valid_path_component(component: &[u8]) -> bool {
    let bytes = component;
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let separator = &component[start..i];
        let ok = matches!(separator, b"." | b"_" | b"__") || separator.iter().all(|&b| b == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// `[\w][\w.-]{0,127}`
fn valid_tag(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    !bytes.is_empty()
        && bytes.len() <= 128
        && word(bytes[0])
        && bytes.iter().all(|&b| word(b) || b == b'.' || b == b'-')
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

#[cfg(test)]
mod tests {
    use super::*;

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
