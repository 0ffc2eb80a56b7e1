//! LABEL keys and values as BuildKit reads them, and the value formats of `label-schema`.

use layerlint_syntax::semantic::{Base, Semantic};
use layerlint_syntax::{Body, Dockerfile, InstructionKind, KeyValue};

use crate::settings::LabelType;
use crate::{Context, Node};

/// A label of a `LABEL` instruction: its key and value after quote removal and variable
/// expansion (`None` when a variable has no value).
pub(crate) struct Label<'a> {
    pub pair: &'a KeyValue,
    pub key: Option<String>,
    pub value: Option<String>,
}

/// The labels of a `LABEL` instruction (none for others), expanded in the node's scope.
pub(crate) fn labels<'a>(node: &Node<'a>, escape: char) -> Vec<Label<'a>> {
    let Body::Label(pairs) = &node.instruction.body else {
        return Vec::new();
    };
    let expand = |text: &str| {
        node.scope
            .expand(text, escape)
            .ok()
            .filter(|e| e.unmatched.is_empty())
            .map(|e| e.result)
    };
    pairs
        .iter()
        .map(|pair| Label {
            pair,
            key: expand(&pair.key.text),
            value: expand(&pair.value.text),
        })
        .collect()
}

/// The label keys set in the final stage and the stages it is built on, and the final
/// stage's FROM; `None` without stages.
pub(crate) fn final_image_labels(
    file: &Dockerfile,
    semantic: &Semantic,
) -> Option<(usize, Vec<String>)> {
    let final_stage = semantic.final_stage()?;
    let mut keys = Vec::new();
    let mut stage = final_stage.index;
    for _ in 0..semantic.stages.len() {
        let current = &semantic.stages[stage];
        for index in current.body() {
            let instruction = &file.instructions()[index];
            if instruction.kind != InstructionKind::Label {
                continue;
            }
            if let Body::Label(pairs) = &instruction.body {
                let scope = semantic.scope_before(index);
                for pair in pairs {
                    let key = scope
                        .expand(&pair.key.text, file.escape())
                        .map_or_else(|_| pair.key.text.clone(), |e| e.result);
                    keys.push(key);
                }
            }
        }
        match current.base {
            Base::Stage(parent) if parent < stage => stage = parent,
            _ => break,
        }
    }
    Some((final_stage.from, keys))
}

/// Reports the labels of the node that `label-schema` gives the type `kind` and whose
/// value is not valid for it (empty values are `empty-label`'s).
pub(crate) fn check_format(
    cx: &mut Context<'_>,
    node: &Node<'_>,
    kind: LabelType,
    valid: fn(&str) -> bool,
    what: &str,
) {
    if cx.options().label_schema.is_empty() {
        return;
    }
    for label in labels(node, cx.file.escape()) {
        let (Some(key), Some(value)) = (&label.key, &label.value) else {
            continue;
        };
        if cx.options().label_schema.get(key) != Some(&kind) || value.is_empty() {
            continue;
        }
        if !valid(value) {
            cx.report(
                label.pair.value.range,
                format!("label `{key}` is not {what}: `{value}`"),
            );
        }
    }
}

/// An absolute URI (RFC 3986): a scheme, `:`, and URI characters.
pub(crate) fn is_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let mut scheme_chars = scheme.chars();
    let scheme_ok = scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok || rest.is_empty() {
        return false;
    }
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !hex(i + 1) || !hex(i + 2) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b)) {
            return false;
        }
        i += 1;
    }
    true
}

/// An RFC 3339 date-time: `2024-05-01T12:30:00Z`, `2024-05-01T12:30:00.5+02:00`.
pub(crate) fn is_rfc3339(value: &str) -> bool {
    let b = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = value.get(range)?;
        (part.bytes().all(|c| c.is_ascii_digit())).then(|| part.parse().ok())?
    };
    if b.len() < 20 {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) = (digits(11..13), digits(14..16), digits(17..19))
    else {
        return false;
    };
    if b[13] != b':' || b[16] != b':' {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days || hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut rest = &value[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return false;
        }
        rest = &fraction[len..];
    }
    match rest {
        "Z" | "z" => true,
        offset => {
            let o = offset.as_bytes();
            o.len() == 6
                && matches!(o[0], b'+' | b'-')
                && o[3] == b':'
                && offset[1..3].parse::<u32>().is_ok_and(|h| h < 24)
                && offset[4..6].parse::<u32>().is_ok_and(|m| m < 60)
                && offset[1..3]
                    .bytes()
                    .chain(offset[4..6].bytes())
                    .all(|c| c.is_ascii_digit())
        }
    }
}

/// An SPDX license expression (`MIT`, `Apache-2.0 OR MIT`, `LicenseRef-acme`).
pub(crate) fn is_spdx(value: &str) -> bool {
    let mode = spdx::ParseMode {
        allow_deprecated: true,
        allow_postfix_plus_on_gpl: true,
        ..spdx::ParseMode::STRICT
    };
    spdx::Expression::parse_mode(value, mode).is_ok()
}

/// A git commit hash: lower-case hex, abbreviated (7 to 40 digits) or SHA-256 (64).
pub(crate) fn is_git_hash(value: &str) -> bool {
    (value.len() >= 7 && value.len() <= 40 || value.len() == 64)
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A semantic version (SemVer 2.0.0): `1.2.3`, `1.0.0-rc.1+build.5`.
pub(crate) fn is_semver(value: &str) -> bool {
    let (rest, build) = match value.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (value, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numeric = |part: &str| {
        !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'))
    };
    let identifier = |part: &str| {
        !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| numeric(p))
        && pre.is_none_or(|pre| {
            pre.split('.')
                .all(|p| identifier(p) && (!p.bytes().all(|b| b.is_ascii_digit()) || numeric(p)))
        })
        && build.is_none_or(|build| build.split('.').all(identifier))
}

/// An RFC 5322 address (`addr-spec`): `dot-atom` or quoted local part, `@`, and a
/// `dot-atom` domain or a `[literal]`.
pub(crate) fn is_email(value: &str) -> bool {
    let Some(at) = value.rfind('@') else {
        return false;
    };
    let (local, domain) = (&value[..at], &value[at + 1..]);
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let dot_atom =
        |s: &str| !s.is_empty() && s.split('.').all(|p| !p.is_empty() && p.chars().all(atext));
    let quoted = |s: &str| {
        s.len() >= 2
            && s.starts_with('"')
            && s.ends_with('"')
            && s[1..s.len() - 1]
                .chars()
                .all(|c| c != '"' && c != '\\' && !c.is_control())
    };
    let literal = |s: &str| {
        s.starts_with('[')
            && s.ends_with(']')
            && s[1..s.len() - 1]
                .chars()
                .all(|c| c.is_ascii_graphic() && !"[]\\".contains(c))
    };
    (dot_atom(local) || quoted(local)) && (dot_atom(domain) || literal(domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(is_url("https://github.com/acme/app"));
        assert!(is_url("mailto:a@b.c"));
        assert!(!is_url("github.com/acme/app"));
        assert!(!is_url("https://exa mple.com"));
        assert!(is_rfc3339("2024-05-01T12:30:00Z"));
        assert!(is_rfc3339("2024-02-29T23:59:60.123+02:00"));
        assert!(!is_rfc3339("2023-02-29T00:00:00Z"));
        assert!(!is_rfc3339("2024-05-01"));
        assert!(!is_rfc3339("2024-05-01T12:30:00"));
        assert!(is_spdx("MIT"));
        assert!(is_spdx("Apache-2.0 OR MIT"));
        assert!(is_spdx("LicenseRef-acme"));
        assert!(!is_spdx("MTI"));
        assert!(!is_spdx("Apache 2"));
        assert!(is_git_hash("3f786850e387550fdab836ed7e6dc881de23001b"));
        assert!(is_git_hash("3f78685"));
        assert!(!is_git_hash("3F78685"));
        assert!(!is_git_hash("main"));
        assert!(is_semver("1.2.3"));
        assert!(is_semver("1.0.0-rc.1+build.5"));
        assert!(!is_semver("v1.2.3"));
        assert!(!is_semver("1.2"));
        assert!(!is_semver("01.2.3"));
        assert!(!is_semver("1.0.0-01"));
        assert!(is_email("dev@example.com"));
        assert!(is_email("\"a b\"@example.com"));
        assert!(!is_email("Dev Team <dev@example.com>"));
        assert!(!is_email("example.com"));
    }
}
