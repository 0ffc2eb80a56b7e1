//! Why our findings differ from hadolint's: one classifier per hadolint code, each
//! naming a deliberate difference (a hadolint false positive or false negative) that it
//! recognises in the instruction. What no classifier recognises is "unexplained" in
//! `PARITY.md` — a miss of ours to fix, or a reason to add here.

#![allow(dead_code)]

use crate::parity::At;

/// Why hadolint reports this instruction under `code` and we do not.
pub fn dropped(code: &str, at: &At<'_>) -> Option<&'static str> {
    if matches!(
        code,
        "DL3008" | "DL3018" | "DL3013" | "DL3016" | "DL3028" | "DL3033" | "DL3037"
    ) && at.commands().any(|(c, _)| {
        c.unwrapped()
            .args()
            .any(|w| !w.is_static() && !w.value_lossy().starts_with('-'))
    }) {
        return Some(
            "the packages are given by a variable or a substitution (`$buildDeps`); hadolint \
             reads `${buildDeps}` as one unpinned package (hadolint#928)",
        );
    }
    if matches!(code, "DL3006" | "DL3007")
        && let Some(why) = base_image_reason(at)
    {
        return Some(why);
    }
    match code {
        "DL3062" => {
            let go: Vec<_> = at.named("go").collect();
            if go.iter().any(|c| c.args().any(|w| w.is("tool"))) {
                return Some("`go install tool` installs the tools `go.mod` pins (Go 1.24)");
            }
            if go.iter().any(|c| {
                c.args().any(|w| {
                    ["-tags", "-ldflags", "-gcflags", "-o"]
                        .iter()
                        .any(|f| w.is(f))
                })
            }) {
                return Some(
                    "hadolint reads the value of a flag (`-tags 'netgo'`, `-ldflags`) as a package",
                );
            }
            if go.iter().any(|c| c.subcommand() == Some("run")) {
                return Some(
                    "`go run`: the words after the package are the program's arguments \
                     (hadolint#1134)",
                );
            }
            None
        }
        "DL3018" => {
            if at
                .named("apk")
                .any(|c| c.args().any(|w| w.value_lossy().starts_with('/')))
            {
                return Some("the package is a path (`/bin/sh`), which apk reads as a file");
            }
            None
        }
        "DL3009" => {
            if at
                .named("apt-get")
                .any(|c| c.subcommand() == Some("dist-clean"))
            {
                return Some(
                    "`apt-get dist-clean` removes the lists (apt 2.7+); hadolint knows only `rm`",
                );
            }
            if at.has_cache_mount() {
                return Some("a cache or tmpfs mount keeps the lists out of the layer");
            }
            if at.named("rm").any(|c| {
                !c.args().any(|w| w.is("-rf"))
                    && c.args()
                        .any(|w| w.value_lossy().starts_with("/var/lib/apt/lists/"))
            }) {
                return Some(
                    "the lists are removed without `-rf` (`rm /var/lib/apt/lists/*_*`); hadolint \
                     wants the word `-rf` or `/var/lib/apt/lists/*`",
                );
            }
            None
        }
        "DL3019" => {
            if at.named("apk").any(|c| c.has_flag("--no-network")) {
                return Some("`apk add --no-network` downloads nothing, so it caches nothing");
            }
            None
        }
        _ => None,
    }
}

/// The subcommands hadolint checks, per code (where it checks fewer than we do).
const HADOLINT_SUBCOMMANDS: &[(&str, &[&str])] = &[
    ("DL3014", &["install"]),
    ("DL3015", &["install"]),
    ("DL3008", &["install"]),
    ("DL3030", &["install", "groupinstall", "localinstall"]),
    ("DL3032", &["install"]),
    ("DL3038", &["install", "groupinstall", "localinstall"]),
    (
        "DL3040",
        &[
            "install",
            "in",
            "upgrade",
            "up",
            "upgrade-minimal",
            "up-min",
            "reinstall",
            "rei",
        ],
    ),
    (
        "DL3034",
        &[
            "install",
            "in",
            "remove",
            "rm",
            "source-install",
            "si",
            "patch",
        ],
    ),
    ("DL3036", &["install", "in"]),
    ("DL3037", &["install", "in"]),
    ("DL3019", &["add"]),
    ("DL3018", &["add"]),
];

/// Why we report this instruction under `code` and hadolint does not.
pub fn added(code: &str, at: &At<'_>) -> Option<&'static str> {
    let flagged = at.flagged();
    let flagged_named = |names: &[&str]| {
        !flagged.is_empty() && flagged.iter().all(|(c, _)| c.unwrapped().is_any(names))
    };
    if flagged_named(&["xx-apt-get", "xx-apk"]) {
        return Some(
            "`xx-apt-get`/`xx-apk`, the cross-build wrappers of tonistiigi/xx (hadolint does \
             not know them)",
        );
    }
    if code == "DL3019"
        && flagged_named(&["apk"])
        && flagged
            .iter()
            .all(|(c, _)| c.unwrapped().subcommand() == Some("update"))
    {
        return Some(
            "`apk update` before installs that all use `--no-cache` leaves an index nothing \
             uses (hadolint checks `apk add` only)",
        );
    }
    if let Some((_, subcommands)) = HADOLINT_SUBCOMMANDS.iter().find(|(c, _)| *c == code) {
        let other = !flagged.is_empty()
            && flagged.iter().all(|(c, _)| {
                let c = c.unwrapped();
                c.args()
                    .find(|w| !w.value_lossy().starts_with('-'))
                    .and_then(|w| w.value())
                    .is_some_and(|sub| !subcommands.contains(&sub))
            });
        if other {
            return Some(
                "a subcommand that asks or downloads too (`update`, `remove`, ...); hadolint \
                 checks fewer",
            );
        }
    }
    if !flagged.is_empty()
        && flagged.iter().all(|(c, _)| {
            c.unwrapped()
                .name_path()
                .is_some_and(|path| path.contains('/'))
        })
    {
        return Some(
            "the command is called by its path (`/opt/venv/bin/pip`, `/usr/local/go/bin/go`); \
             hadolint compares the name as written",
        );
    }
    if matches!(code, "DL3006" | "DL3007")
        && let Some(why) = base_image_reason(at)
    {
        return Some(why);
    }
    match code {
        "DL3016" | "DL3062" => {
            let tagged = at.commands().any(|(c, _)| {
                c.unwrapped().args().any(|w| {
                    ["@latest", "@next", "@master", "@main", "@none"]
                        .iter()
                        .any(|t| w.value_lossy().ends_with(t))
                })
            });
            if tagged {
                return Some(
                    "`pkg@latest` (or `@master`) names a moving tag, not a version; hadolint \
                     takes any `@` for a pin",
                );
            }
            if code == "DL3016"
                && flagged.iter().all(|(c, _)| {
                    let c = c.unwrapped();
                    c.args()
                        .find(|w| !w.value_lossy().starts_with('-'))
                        .is_some_and(|w| !w.is("install"))
                })
            {
                return Some(
                    "`npm i` and `npm add` install too (hadolint checks `npm install` only)",
                );
            }
            None
        }
        "DL3060" => {
            if flagged.iter().all(|(c, _)| {
                let c = c.unwrapped();
                c.args()
                    .find(|w| !w.value_lossy().starts_with('-'))
                    .is_none_or(|w| !w.is("install"))
            }) {
                return Some(
                    "`yarn add`, `yarn global add` and plain `yarn` install too (hadolint \
                     checks `yarn install` only)",
                );
            }
            None
        }
        "DL3009" => {
            if at.named("rm").any(|c| {
                c.args().any(|w| w.is("-rf"))
                    && !c
                        .args()
                        .any(|w| w.value_lossy().starts_with("/var/lib/apt/lists"))
            }) {
                return Some(
                    "hadolint takes any `rm -rf` for the removal of the lists (it wants one of \
                     the words `-rf`, `/var/lib/apt/lists/*`)",
                );
            }
            if at.named("rm").any(|c| {
                c.args()
                    .any(|w| w.value_lossy().starts_with("/var/lib/apt/lists"))
            }) {
                return Some("the lists are removed before the last `apt-get update`");
            }
            None
        }
        "DL3014" | "DL3015" | "DL3008" => {
            if flagged_named(&["apt"]) {
                return Some("`apt` (hadolint checks `apt-get` only)");
            }
            None
        }
        _ => None,
    }
}

/// `FROM` differences: an image written with an ARG, which we expand with the ARG's
/// default (to a stage, or an image with or without a tag) and hadolint reads as written;
/// an image that is not a valid reference.
fn base_image_reason(at: &At<'_>) -> Option<&'static str> {
    let layerlint_syntax::Body::From(from) = &at.instruction.body else {
        return None;
    };
    let image = from.image()?.text.as_str();
    if image.contains('$') {
        return Some(
            "the image is written with an ARG: we expand its default (to a stage, or an \
             image with or without a tag), hadolint reads the text",
        );
    }
    if image.contains(['[', ']', '<', '>']) {
        return Some("not an image reference (a template placeholder); BuildKit rejects it");
    }
    None
}
