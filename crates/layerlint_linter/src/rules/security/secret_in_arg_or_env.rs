use std::sync::LazyLock;

use layerlint_syntax::{Body, InstructionKind, Word};
use regex::Regex;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports an `ARG` or `ENV` whose name says it holds a secret: a `_`-separated part
    /// of the name is `password`, `passwd`, `pword`, `secret`, `token`, `key`, `apikey`,
    /// `auth`, `credential` or `credentials` (any case), and no part is `public`, `file`
    /// or `version` — BuildKit's own pattern. Unlike BuildKit, it also lets pass names that
    /// say where a secret is (`_PATH`, `_DIR`), the GPG key fingerprints official images
    /// verify downloads with (`GPG_KEY`), and switches (`USE_…_AUTH_PLUGIN`, `ENABLE_AUTH`)
    /// — unless a part is `private`. A value that is a path to a file
    /// (`ENV NGROK_CA_KEY=assets/tls/ca.key`, `ENV SSL_KEY=/etc/ssl/private/app.key`) says
    /// where the secret is, as a `_PATH` name does, and is not reported either. `ARG`s
    /// before the first `FROM` are left alone, as BuildKit does: they reach a stage only
    /// through a redeclaration, which is reported. Secret-looking values are another
    /// rule's concern.
    ///
    /// ## Why is this bad?
    /// `ENV` values are stored in the image configuration: anyone who can pull the image
    /// reads them with `docker inspect`. `ARG` values end up in the image history of every
    /// `RUN` that sees them and in the build's provenance. A secret passed that way leaks
    /// with the image and stays in the layer cache.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM node:20
    /// ARG NPM_TOKEN
    /// RUN npm ci
    /// ```
    ///
    /// ```dockerfile
    /// FROM postgres:16
    /// ENV POSTGRES_PASSWORD=postgres
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM node:20
    /// RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
    /// ```
    ///
    /// ```dockerfile
    /// FROM postgres:16
    /// ENV POSTGRES_PASSWORD_FILE=/run/secrets/db_password
    /// ```
    ///
    /// ## Fix safety
    /// No fix: moving a secret to a secret mount changes how the build is invoked
    /// (`docker build --secret id=npm_token,env=NPM_TOKEN`).
    pub(crate) struct SecretInArgOrEnv {
        code: "LL301",
        name: "secret-in-arg-or-env",
        category: Security,
        severity: Warning,
        fix: None,
        summary: "an `ARG` or `ENV` named like a secret keeps it in the image",
        equivalents: [
            BuildKit("SecretsUsedInArgOrEnv"),
            Hadolint("DL3064"),
            Trivy("DS-0031"),
        ],
    }
}

/// BuildKit's `getSecretsRegex`: a whole `_`-separated part of the name, any case.
const DENY_WORDS: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];

/// BuildKit's allow-list (`public`, `file`, `version`), and ours: where a secret is
/// (`_PATH`, `_DIR`), the fingerprint of a GPG key that verifies a download (`GPG_KEY` in
/// the official images), switches (`USE_…`, `ENABLE_…`).
const ALLOW_WORDS: &[&str] = &[
    "public", "file", "version", "path", "dir", "gpg", "use", "enable", "enabled", "disable",
    "disabled",
];

/// A part that no allowed part excuses.
const PRIVATE_WORDS: &[&str] = &["private"];

/// The pattern of a list of words: a whole `_`-separated part, any case.
fn part_pattern(words: &[&str]) -> Regex {
    Regex::new(&format!("(?i)(?:_|^)(?:{})(?:_|$)", words.join("|"))).expect("valid pattern")
}

static DENY: LazyLock<Regex> = LazyLock::new(|| part_pattern(DENY_WORDS));
static ALLOW: LazyLock<Regex> = LazyLock::new(|| part_pattern(ALLOW_WORDS));
static PRIVATE: LazyLock<Regex> = LazyLock::new(|| part_pattern(PRIVATE_WORDS));

/// Whether a whole `_`-separated part of `name` is one of `words` in any case: what
/// `pattern` (their [`part_pattern`]) matches. The pattern folds case as Unicode does (`K`,
/// the Kelvin sign, is a `k`), so it is compiled and asked only for a name that is not
/// ASCII.
fn has_part(name: &str, words: &[&str], pattern: &LazyLock<Regex>) -> bool {
    if name.is_ascii() {
        // Split on the byte: a `str` split by a `char` sets up a searcher per name.
        name.as_bytes().split(|&b| b == b'_').any(|part| {
            words
                .iter()
                .any(|w| part.eq_ignore_ascii_case(w.as_bytes()))
        })
    } else {
        pattern.is_match(name)
    }
}

/// Whether `name` says it holds a secret: BuildKit's pattern, with a longer allow-list
/// (that never excuses a `PRIVATE` name).
pub(crate) fn secret_name(name: &str) -> bool {
    has_part(name, DENY_WORDS, &DENY)
        && (!has_part(name, ALLOW_WORDS, &ALLOW) || has_part(name, PRIVATE_WORDS, &PRIVATE))
}

impl Check for SecretInArgOrEnv {
    type State = ();
    const WANTS: Wants =
        Wants::kinds(&[InstructionKind::Arg, InstructionKind::Env]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let keys: Vec<(&Word, Option<&Word>)> = match &node.instruction.body {
            Body::Arg(args) if node.stage.is_some() => {
                args.iter().map(|a| (&a.name, a.default.as_ref())).collect()
            }
            Body::Env(pairs) => pairs.iter().map(|p| (&p.key, Some(&p.value))).collect(),
            _ => return,
        };
        let keyword = node.instruction.kind.as_str();
        let kept = if node.instruction.kind == InstructionKind::Env {
            "ENV values are stored in the image configuration"
        } else {
            "ARG values are recorded in the image history and the build provenance"
        };
        for (key, value) in keys {
            if !secret_name(&key.text) || value.is_some_and(|v| is_file_path(&v.text)) {
                continue;
            }
            let name = &key.text;
            cx.report(
                key.range,
                format!("`{keyword} {name}` looks like a secret: {kept}"),
            )
            .note(format!(
                "pass it to the commands that need it with `RUN --mount=type=secret,id={id},env={name}` and `docker build --secret id={id}`",
                id = name.to_ascii_lowercase()
            ));
        }
    }
}

/// Whether a value, as written, is a path to a file: several segments, the last one a
/// file name with an extension (`assets/tls/ca.key`, `/run/secrets/db.password`,
/// `C:\\secrets\\sa.password`). Base64 and hex keys have no `.`; tokens and JWTs have no
/// `/`.
fn is_file_path(value: &str) -> bool {
    let value = value.trim_matches(['"', '\'']);
    let Some((dir, file)) = value.rsplit_once(['/', '\\']) else {
        return false;
    };
    let Some((stem, extension)) = file.rsplit_once('.') else {
        return false;
    };
    let plain = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/\\:$~{}".contains(&b))
    };
    !dir.is_empty()
        && !stem.is_empty()
        && (1..=8).contains(&extension.len())
        && extension.bytes().all(|b| b.is_ascii_alphanumeric())
        && extension.bytes().any(|b| b.is_ascii_alphabetic())
        && plain(dir)
        && plain(file)
}

#[cfg(test)]
mod tests {
    use super::{ALLOW, ALLOW_WORDS, DENY, DENY_WORDS, PRIVATE, PRIVATE_WORDS, has_part};
    use super::{is_file_path, secret_name};

    proptest::proptest! {
        /// For an ASCII name, the split into parts agrees with the patterns.
        #[test]
        fn parts_agree_with_the_patterns(
            name in "(_|KEY|Key|api|APIKEY|token|Tokens|public|PATH|private|x|_x|9){0,5}",
        ) {
            for (words, pattern) in [(DENY_WORDS, &DENY), (ALLOW_WORDS, &ALLOW), (PRIVATE_WORDS, &PRIVATE)] {
                proptest::prop_assert_eq!(has_part(&name, words, pattern), pattern.is_match(&name));
            }
        }
    }

    #[test]
    fn kelvin_sign_folds_to_k() {
        assert!(secret_name("API_\u{212A}EY"));
    }

    #[test]
    fn file_paths() {
        for value in [
            "assets/client/tls/ngrokroot.key",
            "/run/secrets/db.password",
            "\"/etc/ssl/private/app.key\"",
            "C:\\secrets\\sa.password",
            "${HOME}/.ssh/id_rsa.pub",
        ] {
            assert!(is_file_path(value), "{value}");
        }
        for value in [
            "lgNvGyhnUKpa5PJi",
            "FFFFFFFF00000000",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
            "/aB3/xY+z9Qw==",
            "key.pem",
            "postgres",
            "",
        ] {
            assert!(!is_file_path(value), "{value}");
        }
    }

    #[test]
    fn buildkit_pattern() {
        for name in [
            "SECRET_PASSPHRASE",
            "SUPER_Secret",
            "password",
            "super_duper_secret_token",
            "auth",
            "apikey",
            "git_key",
            "AWS_SECRET_ACCESS_KEY",
            "GITHUB_TOKEN",
            "GPG_PRIVATE_KEY",
        ] {
            assert!(secret_name(name), "{name}");
        }
        for name in [
            "sunflower",
            "PUBLIC_KEY",
            "public_token",
            "SECRET_PASSPHRASE_FILE",
            "password_file",
            "AUTH_MODULE_VERSION",
            "KEYCLOAK_URL",
            "TOKENIZERS_PARALLELISM",
            "GPG_KEY",
            "WORDPRESS_CLI_GPG_KEY",
            "PASSWORD_PATH",
            "USE_GKE_GCLOUD_AUTH_PLUGIN",
            "SECRETS_DIR",
        ] {
            assert!(!secret_name(name), "{name}");
        }
    }
}
