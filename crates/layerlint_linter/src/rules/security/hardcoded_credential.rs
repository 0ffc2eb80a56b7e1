use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use layerlint_syntax::{Body, InstructionKind, Word};
use layerlint_text::{TextRange, TextSize};
use regex::Regex;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `ARG` defaults, `ENV` values and `LABEL` values that hold a credential:
    /// an AWS access key ID (`AKIA…`), a GitHub token (`ghp_…`, `github_pat_…`), a
    /// GitLab token (`glpat-…`), a Slack token or webhook, a Stripe, Google, npm, PyPI,
    /// Docker Hub, OpenAI or Hugging Face key, a private key (`-----BEGIN … PRIVATE
    /// KEY-----`), a JSON Web Token, or a URL with a password
    /// (`postgres://app:s3cret@db/app`).
    ///
    /// A URL whose password is a variable (`postgres://app:${DB_PASSWORD}@db/app`) or
    /// empty (`user:@host`) is fine, and so are documentation placeholders
    /// (`AKIAIOSFODNN7EXAMPLE`, `ghp_xxxx…`). The message shows the value redacted,
    /// never the secret. Variable *names* that sound secret are another rule's
    /// (`secret-in-arg-or-env`).
    ///
    /// ## Why is this bad?
    /// `ENV` and `LABEL` values are stored in the image configuration, and `ARG` values
    /// in its history: anyone who can pull the image can read them with
    /// `docker image inspect` or `docker history`, and the Dockerfile itself usually
    /// sits in a repository. A leaked key must be revoked.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENV DATABASE_URL=postgres://app:s3cr3t-pw@db.internal:5432/app
    /// ```
    ///
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG GITHUB_TOKEN=ghp_R8m2kQ7vX1pL9sD4fH6jN3bT5wY0cZ2aE8uK
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM python:3.12-slim
    /// ENV DATABASE_URL=postgres://app@db.internal:5432/app
    /// RUN --mount=type=secret,id=pgpass,env=PGPASSWORD python manage.py migrate
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the secret must be revoked and passed at build time with
    /// `RUN --mount=type=secret` (or at run time), which the file cannot say by itself.
    pub(crate) struct HardcodedCredential {
        code: "LL302",
        name: "hardcoded-credential",
        category: Security,
        severity: Error,
        fix: None,
        summary: "a credential written into an `ARG`, `ENV` or `LABEL` value",
        equivalents: [Checkov("CKV_DOCKER_1005"), Trivy("DS-0031")],
    }
}

/// What a credential is called, how to find it, and how much of it may be shown.
struct Pattern {
    what: &'static str,
    regex: Regex,
    /// How many leading characters are a public prefix (`ghp_`), shown in messages.
    prefix: usize,
}

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let pattern = |what, regex: &str, prefix| Pattern {
        what,
        regex: Regex::new(regex).expect("valid credential pattern"),
        prefix,
    };
    vec![
        pattern(
            "a private key",
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
            0,
        ),
        pattern(
            "an AWS access key ID",
            r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b",
            4,
        ),
        pattern("a GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{36,}\b", 4),
        pattern("a GitHub token", r"\bgithub_pat_[A-Za-z0-9_]{50,}", 11),
        pattern("a GitLab token", r"\bglpat-[A-Za-z0-9_-]{20,}", 6),
        pattern("a Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}", 5),
        pattern(
            "a Slack webhook URL",
            r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}",
            31,
        ),
        pattern("a Stripe secret key", r"\b[rs]k_live_[0-9A-Za-z]{20,}", 8),
        pattern("a Google API key", r"\bAIza[0-9A-Za-z_-]{35}", 4),
        pattern("an npm token", r"\bnpm_[A-Za-z0-9]{36}\b", 4),
        pattern(
            "a PyPI token",
            r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}",
            5,
        ),
        pattern("a Docker Hub token", r"\bdckr_pat_[A-Za-z0-9_-]{20,}", 9),
        pattern(
            "an OpenAI API key",
            r"\bsk-(?:proj-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,}",
            3,
        ),
        pattern("a Hugging Face token", r"\bhf_[A-Za-z]{34}\b", 3),
        pattern(
            "a JSON Web Token",
            r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}",
            3,
        ),
    ]
});

/// `scheme://user:password@host`: captures the scheme and user (1), the password (2)
/// and the rest (3).
const URL_WITH_PASSWORD_PATTERN: &str =
    r#"\b([a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@'"]*:)([^\s@/'"]+)(@[^\s'"]*)"#;

/// [`URL_WITH_PASSWORD_PATTERN`] for any text. Its negated classes take every character
/// outside ASCII, which fills a 320 KB table (79 pages of fresh memory) while it compiles:
/// only a text outside ASCII needs it.
static URL_WITH_PASSWORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(URL_WITH_PASSWORD_PATTERN).expect("valid URL pattern"));

/// [`URL_WITH_PASSWORD_PATTERN`] over bytes, without Unicode (`(?-u)`): in an ASCII text it
/// matches where the other does (`\s` and `\b` mean the same there), and it compiles to
/// a few byte ranges.
static URL_WITH_PASSWORD_ASCII: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(&format!("(?-u){URL_WITH_PASSWORD_PATTERN}"))
        .expect("valid URL pattern")
});

/// The matches of [`URL_WITH_PASSWORD_PATTERN`] in `text`: the whole match and groups 1
/// to 3, as byte ranges.
fn urls_with_password(text: &str) -> Vec<[Range<usize>; 4]> {
    fn groups(get: impl Fn(usize) -> Option<Range<usize>>) -> Option<[Range<usize>; 4]> {
        Some([get(0)?, get(1)?, get(2)?, get(3)?])
    }
    if text.is_ascii() {
        URL_WITH_PASSWORD_ASCII
            .captures_iter(text.as_bytes())
            .filter_map(|c| groups(|i| c.get(i).map(|m| m.range())))
            .collect()
    } else {
        URL_WITH_PASSWORD
            .captures_iter(text)
            .filter_map(|c| groups(|i| c.get(i).map(|m| m.range())))
            .collect()
    }
}

/// Whether `text` may hold what [`URL_WITH_PASSWORD`] matches: after a `://`, a host (no
/// whitespace, `:`, `/`, `@` or quote), a `:`, a password (a character at least, no
/// whitespace, `@`, `/` or quote), then an `@`. Every match of the expression passes, so a
/// text that fails needs neither the expression nor compiling it (its Unicode classes fill
/// a 320 KB table): most URLs in Dockerfiles have no password. Only ASCII whitespace ends a
/// part here, which lets more texts through than the expression's `\s` would.
fn may_hold_url_password(text: &str) -> bool {
    let bytes = text.as_bytes();
    let ends_host: fn(u8) -> bool =
        |b| b.is_ascii_whitespace() || matches!(b, b':' | b'/' | b'@' | b'\'' | b'"');
    let ends_password: fn(u8) -> bool =
        |b| b.is_ascii_whitespace() || matches!(b, b'@' | b'/' | b'\'' | b'"');
    // Where the part from `from` ends: at the first byte `ends` takes, or the text's end.
    let end = |from: usize, ends: fn(u8) -> bool| {
        from + bytes[from..]
            .iter()
            .position(|&b| ends(b))
            .unwrap_or(bytes.len() - from)
    };
    text.match_indices("://").any(|(at, _)| {
        let colon = end(at + 3, ends_host);
        if bytes.get(colon) != Some(&b':') {
            return false;
        }
        let at_sign = end(colon + 1, ends_password);
        at_sign > colon + 1 && bytes.get(at_sign) == Some(&b'@')
    })
}

/// A finding in one value: what it is, where in the value's text, and how to show it.
struct Found {
    what: &'static str,
    start: usize,
    end: usize,
    shown: String,
}

impl Check for HardcodedCredential {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[
        InstructionKind::Arg,
        InstructionKind::Env,
        InstructionKind::Label,
    ])
    .and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let instruction = node.instruction;
        let values: Vec<(&Word, &Word)> = match &instruction.body {
            Body::Env(pairs) | Body::Label(pairs) => {
                pairs.iter().map(|p| (&p.key, &p.value)).collect()
            }
            Body::Arg(args) => args
                .iter()
                .filter_map(|a| a.default.as_ref().map(|d| (&a.name, d)))
                .collect(),
            _ => return,
        };
        for (key, value) in values {
            let Some(found) = find_credential(&value.text) else {
                continue;
            };
            // The match's own range when the value is written on one line.
            let range = if cx.text(value.range) == value.text {
                TextRange::new(
                    value.range.start() + TextSize::from_usize(found.start),
                    value.range.start() + TextSize::from_usize(found.end),
                )
            } else {
                value.range
            };
            let stored = match instruction.kind {
                InstructionKind::Arg => "build arguments are recorded in the image history",
                InstructionKind::Label => "labels are stored in the image configuration",
                _ => "ENV values are stored in the image configuration",
            };
            let kind = instruction.kind;
            let name = &key.text;
            cx.report(
                range,
                format!(
                    "{kind} `{name}` holds {} ({}): {stored}, readable by anyone who pulls it",
                    found.what, found.shown
                ),
            )
            .note(
                "revoke it, and pass secrets at build time with `RUN --mount=type=secret,id=…` (`docker build --secret id=…`) or at run time",
            );
        }
    }
}

/// Literals every one of [`PATTERNS`] contains (one of them): a text without any cannot
/// match, and the patterns are then not compiled.
const PATTERN_LITERALS: [&str; 21] = [
    "-----BEGIN ",
    "AKIA",
    "ASIA",
    "ABIA",
    "ACCA",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "xox",
    "hooks.slack.com",
    "k_live_",
    "AIza",
    "npm_",
    "pypi-AgEIcHlwaS5vcmc",
    "dckr_pat_",
    "T3BlbkFJ",
    "eyJ",
];

/// A search for the literals, `hf_`, and last `://`: SIMD (Teddy), which costs next to
/// nothing to set up, where the processor has it; otherwise an automaton (a DFA, built in
/// 0.7 M instructions: half of a one-file run).
enum Literals {
    Packed(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
}

/// The index of `://` among the literals searched.
const URL: usize = PATTERN_LITERALS.len() + 1;

impl Literals {
    fn all() -> impl Iterator<Item = &'static &'static str> {
        PATTERN_LITERALS.iter().chain(&["hf_", "://"])
    }

    fn packed() -> Option<Literals> {
        aho_corasick::packed::Searcher::new(Literals::all()).map(Literals::Packed)
    }

    fn automaton() -> Literals {
        Literals::Automaton(AhoCorasick::new(Literals::all()).expect("valid literals"))
    }

    /// Whether `text` holds a literal of [`PATTERN_LITERALS`] (or `hf_`), and whether it holds
    /// a `://`. No literal holds a `:` or a `/`, so a match of one never hides a `://` from
    /// the search, nor the other way round; whichever the search reports of overlapping
    /// literals, one is reported.
    fn scan(&self, text: &str) -> (bool, bool) {
        let (mut may_match, mut url) = (false, false);
        let mut found = |pattern: usize| {
            if pattern == URL {
                url = true;
            } else {
                may_match = true;
            }
            may_match && url
        };
        // Until both are known.
        match self {
            Literals::Packed(searcher) => searcher
                .find_iter(text)
                .any(|m| found(m.pattern().as_usize())),
            Literals::Automaton(automaton) => automaton
                .find_iter(text)
                .any(|m| found(m.pattern().as_usize())),
        };
        (may_match, url)
    }
}

fn find_credential(text: &str) -> Option<Found> {
    static LITERALS: LazyLock<Literals> =
        LazyLock::new(|| Literals::packed().unwrap_or_else(Literals::automaton));
    let (may_match, url) = LITERALS.scan(text);
    let patterns: &[Pattern] = if may_match { &PATTERNS } else { &[] };
    for pattern in patterns {
        for m in pattern.regex.find_iter(text) {
            let secret = m.as_str();
            if is_placeholder(&secret[pattern.prefix.min(secret.len())..]) {
                continue;
            }
            let shown = if pattern.prefix == 0 {
                format!("`{secret}`")
            } else {
                format!(
                    "`{}…`, {} characters",
                    &secret[..pattern.prefix],
                    secret.chars().count()
                )
            };
            return Some(Found {
                what: pattern.what,
                start: m.start(),
                end: m.end(),
                shown,
            });
        }
    }
    if !url || !may_hold_url_password(text) {
        return None;
    }
    for [whole, head, password, tail] in urls_with_password(text) {
        let password = &text[password];
        if password.contains(['$', '{', '<', '%']) || is_placeholder(password) {
            continue;
        }
        return Some(Found {
            what: "a URL with a password",
            start: whole.start,
            end: whole.end,
            shown: format!("`{}****{}`", &text[head], &text[tail]),
        });
    }
    None
}

/// Documentation placeholders: `EXAMPLE`, runs of `x`, `*`, `.` or `0`.
fn is_placeholder(secret: &str) -> bool {
    let upper = secret.to_ascii_uppercase();
    upper.contains("EXAMPLE")
        || upper.contains("XXXX")
        || secret
            .chars()
            .all(|c| matches!(c, '*' | '.' | 'x' | 'X' | '0' | '-' | '_'))
}

#[cfg(test)]
mod tests {
    use super::{
        Literals, URL_WITH_PASSWORD, URL_WITH_PASSWORD_ASCII, find_credential,
        may_hold_url_password,
    };
    use crate::search::tests::texts_of;

    #[test]
    fn urls_without_a_password_need_no_expression() {
        for text in [
            "https://github.com/org/repo",
            "http://proxy.internal:3128",
            "https://example.com:8080/a@b",
            "git+https://github.com/org/repo.git@v1.2",
            "postgres://user:@host/db",
        ] {
            assert!(!may_hold_url_password(text), "{text}");
        }
        for text in ["postgres://user:pass@host/db", "a b://u:p@h", "x://:p@"] {
            assert!(may_hold_url_password(text), "{text}");
        }
    }

    /// Every text the expression matches passes the check before it: every sequence of up
    /// to five pieces that matter (Unicode whitespace included).
    #[test]
    fn the_check_before_the_expression_lets_every_match_through() {
        let pieces = [
            "s://", "a", ".", ":", "@", "/", " ", "\u{a0}", "é", "'", "-",
        ];
        let mut matched = 0;
        for text in &texts_of(&pieces, 5) {
            if URL_WITH_PASSWORD.is_match(text) {
                matched += 1;
                assert!(may_hold_url_password(text), "{text:?}");
            }
        }
        assert!(matched > 100, "{matched} texts match");
    }

    /// In ASCII texts, the expression over bytes finds what the Unicode one finds: every
    /// sequence of up to five pieces that matter (both whitespaces, a word character
    /// before the scheme, quotes).
    #[test]
    fn the_ascii_expression_matches_as_the_unicode_one_in_ascii_texts() {
        let pieces = ["s://", "a", "_", ".", ":", "@", "/", " ", "\u{b}", "'", "-"];
        let mut matched = 0;
        for text in &texts_of(&pieces, 5) {
            let unicode: Vec<_> = URL_WITH_PASSWORD
                .captures_iter(text)
                .map(|c| {
                    (0..4)
                        .map(|i| c.get(i).map(|m| m.range()))
                        .collect::<Vec<_>>()
                })
                .collect();
            let ascii: Vec<_> = URL_WITH_PASSWORD_ASCII
                .captures_iter(text.as_bytes())
                .map(|c| {
                    (0..4)
                        .map(|i| c.get(i).map(|m| m.range()))
                        .collect::<Vec<_>>()
                })
                .collect();
            assert_eq!(ascii, unicode, "{text:?}");
            matched += usize::from(!unicode.is_empty());
        }
        assert!(matched > 100, "{matched} texts match");
    }

    #[test]
    fn both_searches_for_the_literals_agree() {
        let Some(packed) = Literals::packed() else {
            eprintln!("no SIMD search on this processor: only the automaton is used");
            return;
        };
        let automaton = Literals::automaton();
        let pieces = [
            "AKIA",
            "ghp_",
            "gh",
            "p_",
            "://",
            ":/",
            "/",
            "eyJ",
            "x",
            "hf_",
            "-----BEGIN ",
            "é",
        ];
        let mut seen = std::collections::BTreeSet::new();
        for text in &texts_of(&pieces, 4) {
            let scanned = packed.scan(text);
            assert_eq!(scanned, automaton.scan(text), "{text:?}");
            seen.insert(scanned);
        }
        assert_eq!(seen.len(), 4, "every answer comes up");
    }

    #[test]
    fn credentials() {
        let what = |text: &str| find_credential(text).map(|f| f.what);
        assert_eq!(what("AKIAZ7VRSQ5TJN2VWX4Q"), Some("an AWS access key ID"));
        assert_eq!(what("AKIAIOSFODNN7EXAMPLE"), None);
        assert_eq!(
            what("ghp_R8m2kQ7vX1pL9sD4fH6jN3bT5wY0cZ2aE8uK"),
            Some("a GitHub token")
        );
        assert_eq!(what("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), None);
        assert_eq!(what("glpat-Ab3dEf6hIj9kLm2nOp5q"), Some("a GitLab token"));
        assert_eq!(
            what("\"-----BEGIN RSA PRIVATE KEY-----\\nMIIE\""),
            Some("a private key")
        );
        assert_eq!(
            what("postgres://user:pass@host/db"),
            Some("a URL with a password")
        );
        assert_eq!(what("postgres://user:@host/db"), None);
        assert_eq!(what("postgres://user:${PW}@host/db"), None);
        assert_eq!(what("postgres://user:$PW@host/db"), None);
        assert_eq!(what("https://example.com:8080/a@b"), None);
        assert_eq!(what("git+ssh://git@github.com:org/repo.git"), None);
        assert_eq!(what("http://proxy.internal:3128"), None);
        assert_eq!(
            what(
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
            ),
            Some("a JSON Web Token")
        );
        let found = find_credential("DB=postgres://app:hunter22@db:5432/app").unwrap();
        assert_eq!(found.shown, "`postgres://app:****@db:5432/app`");
        assert!(!found.shown.contains("hunter22"));
        let found = find_credential("ghp_R8m2kQ7vX1pL9sD4fH6jN3bT5wY0cZ2aE8uK").unwrap();
        assert_eq!(found.shown, "`ghp_…`, 40 characters");
    }
}
