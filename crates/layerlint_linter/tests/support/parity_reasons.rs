//! Why our findings differ from hadolint's: one classifier per hadolint code, each
//! naming a deliberate difference (a hadolint false positive or false negative) that it
//! recognises in the instruction. What no classifier recognises is "unexplained" in
//! `PARITY.md` — a miss of ours to fix, or a reason to add here.

#![allow(dead_code)]

use layerlint_linter::{Rule, Settings, lint};
use layerlint_shell::Separator;
use layerlint_syntax::{Body, InstructionKind};

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
        "DL3000" => at
            .earlier()
            .iter()
            .any(|i| i.kind == InstructionKind::Workdir)
            .then_some(
                "a relative WORKDIR after another WORKDIR of the stage (or of the stage it is \
                 built on) is resolved against it: only the first depends on the base image \
                 (BuildKit's WorkdirRelativePath agrees)",
            ),
        "DL3001" => {
            let background = at
                .commands()
                .any(|(c, _)| c.separator() == Separator::Background);
            (background && at.named("kill").next().is_some()).then_some(
                "`kill` of a job the RUN itself started in the background (`server & … kill $!`)",
            )
        }
        "DL3002" | "DL3066" if !is_image_user(at) => Some(
            "not the user the image runs as: a build stage's USER, or one a later USER \
             replaces",
        ),
        "DL3002" => None,
        "DL3066" => {
            let Body::User(Some(word)) = &at.instruction.effective().body else {
                return None;
            };
            let user = word.text.split(':').next().unwrap_or_default();
            let windows = at
                .stage()
                .is_some_and(|s| at.view.semantic.stages[s].windows);
            if windows
                || ["ContainerUser", "ContainerAdministrator"]
                    .iter()
                    .any(|a| user.eq_ignore_ascii_case(a))
            {
                return Some(
                    "a Windows image, whose users have no numeric ids (`ContainerUser`, \
                     `ContainerAdministrator`)",
                );
            }
            if matches!(user, "root" | "0") {
                return Some("`root`: `root-user` (LL303) reports it when the image runs as root");
            }
            let scope = at.view.semantic.scope_before(at.index);
            let Ok(expanded) = scope.expand(&word.text, at.view.file.escape()) else {
                return None;
            };
            let uid = expanded.result.split(':').next().unwrap_or_default();
            if word.text.contains('$')
                && expanded.unmatched.is_empty()
                && !uid.is_empty()
                && uid.bytes().all(|b| b.is_ascii_digit())
            {
                return Some(
                    "the user is a variable the file sets to a numeric id (`ENV APP_UID=1654` … \
                     `USER $APP_UID`); hadolint resolves only ARG names",
                );
            }
            (!expanded.unmatched.is_empty()).then_some(
                "the user is a variable the file does not set (`$APP_UID`, which the .NET base \
                 images set to a numeric id); hadolint knows only ARGs",
            )
        }
        "DL3003" => cd_reason(at),
        "DL3012" => at
            .earlier()
            .iter()
            .take_while(|i| i.kind != InstructionKind::From)
            .any(|i| i.kind == InstructionKind::Healthcheck)
            .then_some(
                "we report the earlier HEALTHCHECK, the one that has no effect (as BuildKit's \
                 MultipleInstructionsDisallowed does); hadolint the later one",
            ),
        "DL3020" => add_sources(at)
            .iter()
            .any(|source| {
                let scope = at.view.semantic.scope_before(at.index);
                source.contains('$')
                    && scope
                        .expand(source, at.view.file.escape())
                        .is_ok_and(|e| !e.unmatched.is_empty() || e.result.contains("://"))
            })
            .then_some(
                "the source is a variable (`ADD ${PS_PACKAGE_URL} …`) holding a URL or a value \
                 the file does not give; hadolint reads it as a local path",
            ),
        "DL3022" => {
            let from = at.instruction.effective().flag("from")?.value.as_ref()?;
            from.text.contains(['/', '@']).then_some(
                "`--from` names an image (`gloursdocker/docker`); hadolint takes any name without \
                 a `:` for a stage (hadolint#1124, #1108, #859)",
            )
        }
        "DL3025" => {
            if at.instruction.effective().kind == InstructionKind::Healthcheck && has_shell(at) {
                return Some(
                    "`HEALTHCHECK CMD` in shell form, in an image that has a shell: a health \
                     check is a short-lived process that needs no signals, and `CMD curl -f … || \
                     exit 1` is Docker's own example (BuildKit's JSONArgsRecommended does not \
                     check it)",
                );
            }
            if !at.shell().is_empty() {
                return Some(
                    "a SHELL instruction chose the shell (PowerShell, cmd): the shell form is \
                     deliberate (BuildKit's JSONArgsRecommended is quiet too)",
                );
            }
            reported_by(at, "LL101").then_some(
                "a broken exec form (`['/bin/app']`, an unterminated string): BuildKit runs it \
                 as a shell command, and `invalid-json-exec-form` (LL101) reports it with a fix",
            )
        }
        "DL3045" => at.scratch_based().then_some(
            "a stage built on `scratch`, whose working directory can only be `/` \
             (`COPY --from=build /out .` in an export stage)",
        ),
        "DL3046" => at
            .named("useradd")
            .any(|c| {
                c.args()
                    .skip_while(|w| !w.is("-u") && !w.is("--uid"))
                    .nth(1)
                    .is_some_and(|w| !w.is_static())
            })
            .then_some(
                "the UID is a variable (`-u ${UID}`) whose default is a small UID or unknown; \
                 hadolint counts the characters of `${UID}` as digits",
            ),
        "DL3059" => at.non_posix_shell().then_some(
            "a PowerShell or cmd RUN: hadolint counts its commands with ShellCheck's POSIX \
             parser, which cannot read PowerShell (a failed parse counts no command)",
        ),
        "DL3064" => {
            let names = arg_env_names(at);
            if names.iter().any(|n| says_where(n)) {
                return Some(
                    "the name says where the secret is (`PASSWORD_PATH`, `_FILE`, `_DIR`), not \
                     what it is",
                );
            }
            names
                .iter()
                .any(|n| n.to_ascii_lowercase().contains("username"))
                .then_some(
                    "a user name is not a secret (hadolint's `username` substring; BuildKit's \
                     SecretsUsedInArgOrEnv does not report it either)",
                )
        }
        "DL3067" => {
            if at.scratch_based() {
                return Some(
                    "copying a whole image into a stage built `FROM scratch` flattens it on \
                     purpose",
                );
            }
            if !copies_root(at) {
                return None;
            }
            match copied_image(at)?.as_str() {
                "scratch" => Some(
                    "the source is a stage built on `scratch`: a few files made to be copied \
                     whole",
                ),
                image if !is_distribution(image) => Some(
                    "the source is no distribution image but an overlay of a few tools made to \
                     be copied whole (`tonistiigi/xx`, `gloursdocker/docker`)",
                ),
                _ => None,
            }
        }
        "DL4006" => {
            if at.non_posix_shell() {
                return Some(
                    "a Windows stage: the RUN runs in `cmd` or PowerShell (`^|` is cmd's escaped \
                     pipe), where `pipefail` does not exist",
                );
            }
            let sets_pipefail = at.commands().any(|(c, _)| {
                c.is("set") && {
                    let words: Vec<&str> = c.args().map(|w| w.value_lossy()).collect();
                    words
                        .windows(2)
                        .any(|p| p[1] == "pipefail" && p[0].starts_with('-') && p[0].ends_with('o'))
                }
            });
            sets_pipefail.then_some(
                "the script sets `pipefail` itself (`set -eo pipefail`) before its pipes; \
                 hadolint looks at SHELL only",
            )
        }
        _ => None,
    }
}

/// Whether the stage's image has a shell: not `scratch`, not distroless.
fn has_shell(at: &At<'_>) -> bool {
    let Some(stage) = at.stage() else {
        return false;
    };
    let semantic = &at.view.semantic;
    let root = *crate::parity::stage_chain(semantic, stage)
        .last()
        .unwrap_or(&stage);
    match &semantic.stages[root].base {
        layerlint_syntax::semantic::Base::Image { written, .. } => !written.contains("distroless"),
        _ => false,
    }
}

/// Whether the rule `code` (not one of the row's) reports the instruction.
fn reported_by(at: &At<'_>, code: &str) -> bool {
    let Some(&rule) = Rule::ALL.iter().find(|r| r.code() == code) else {
        return false;
    };
    let result = lint(at.view.source, None, &Settings::only(&[rule]));
    result
        .diagnostics
        .iter()
        .any(|d| at.instruction.range.contains_inclusive(d.range.start()))
}

/// Whether the instruction is the USER the final image runs as: the last USER of the
/// final stage or of the stages it is built on.
fn is_image_user(at: &At<'_>) -> bool {
    let semantic = &at.view.semantic;
    let Some(last) = semantic.stages.len().checked_sub(1) else {
        return false;
    };
    let instructions = at.view.file.instructions();
    crate::parity::stage_chain(semantic, last)
        .iter()
        .find_map(|&stage| {
            semantic.stages[stage]
                .body()
                .rev()
                .find(|&i| instructions[i].kind == InstructionKind::User)
        })
        == Some(at.index)
}

/// Why every `cd` of the RUN is one WORKDIR cannot replace.
fn cd_reason(at: &At<'_>) -> Option<&'static str> {
    let scope = at.view.semantic.scope_before(at.index);
    let cds: Vec<_> = at.named("cd").collect();
    if cds.is_empty() {
        return None;
    }
    let contained = |c: &layerlint_shell::Command<'_>| {
        let context = c.context();
        context.in_subshell() || context.in_substitution() || context.in_process_substitution()
    };
    if cds.iter().all(contained) {
        return Some(
            "every `cd` is in a subshell `( cd dir && make )` or a `$( … )`, so it cannot \
             leak: that is its point",
        );
    }
    let computed = |c: &layerlint_shell::Command<'_>| {
        let Some(target) = c
            .args()
            .find(|w| !w.value_lossy().starts_with('-') || w.value_lossy() == "-")
        else {
            return true;
        };
        let flags = target.flags();
        target.value_lossy() == "-"
            || flags.has_command_substitution()
            || flags.has_arithmetic()
            || target
                .expansions()
                .filter_map(|e| e.parameter_name().map(str::to_owned))
                .any(|name| !scope.is_declared(&name))
    };
    cds.iter()
        .all(|c| contained(c) || c.context().in_loop() || computed(c))
        .then_some(
            "every `cd` is one WORKDIR cannot replace: in a subshell, a loop or a `$( … )`, or \
             to a directory the script computes (`cd \"$tmp\"`, `cd \"$(mktemp -d)\"`)",
        )
}

/// The sources of an ADD (of its trigger), as written.
fn add_sources(at: &At<'_>) -> Vec<String> {
    match &at.instruction.effective().body {
        Body::Add(paths) => paths.sources().iter().map(|w| w.text.clone()).collect(),
        _ => Vec::new(),
    }
}

/// The names an ARG or ENV declares.
fn arg_env_names(at: &At<'_>) -> Vec<String> {
    match &at.instruction.effective().body {
        Body::Arg(args) => args.iter().map(|a| a.name.text.clone()).collect(),
        Body::Env(pairs) => pairs.iter().map(|p| p.key.text.clone()).collect(),
        _ => Vec::new(),
    }
}

/// A name with a `_PATH`, `_FILE` or `_DIR` part: where a secret is.
fn says_where(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split('_')
        .any(|part| matches!(part, "path" | "file" | "dir"))
}

/// The image a `COPY --from` copies: the root image of the stage it names (`scratch` for
/// one built on it), or the image it names.
fn copied_image(at: &At<'_>) -> Option<String> {
    let from = at.instruction.effective().flag("from")?.value.as_ref()?;
    let semantic = &at.view.semantic;
    let Some(stage) = semantic.stage_named(&from.text) else {
        return Some(from.text.clone());
    };
    let root = *crate::parity::stage_chain(semantic, stage.index).last()?;
    match &semantic.stages[root].base {
        layerlint_syntax::semantic::Base::Scratch => Some("scratch".to_owned()),
        layerlint_syntax::semantic::Base::Image { resolved, .. } => resolved.clone(),
        _ => None,
    }
}

/// Whether an image is an operating-system or language base image (by repository name).
fn is_distribution(image: &str) -> bool {
    let name = image.split(['@', ':']).next().unwrap_or(image);
    let repository = name.rsplit('/').next().unwrap_or(name);
    [
        "debian",
        "ubuntu",
        "alpine",
        "busybox",
        "centos",
        "fedora",
        "rockylinux",
        "almalinux",
        "amazonlinux",
        "node",
        "python",
        "golang",
        "ruby",
        "php",
        "openjdk",
        "rust",
        "nginx",
    ]
    .contains(&repository)
}

/// Whether the instruction is `COPY --from=… / /`.
fn copies_root(at: &At<'_>) -> bool {
    let instruction = at.instruction.effective();
    let Body::Copy(paths) = &instruction.body else {
        return false;
    };
    let root = |t: &str| matches!(t.trim_matches(['"', '\'']), "/" | "/." | "/*");
    instruction.flag("from").is_some()
        && paths.destination().is_some_and(|d| root(&d.text))
        && paths.sources().iter().any(|s| root(&s.text))
}

/// The codes hadolint checks on plain instructions only, not on `ONBUILD` triggers (its
/// rules not wrapped with `onbuild`).
const HADOLINT_SKIPS_TRIGGERS: &[&str] = &[
    "DL3000", "DL3002", "DL3003", "DL3006", "DL3007", "DL3010", "DL3011", "DL3012", "DL3020",
    "DL3021", "DL3022", "DL3023", "DL3024", "DL3025", "DL3026", "DL3029", "DL3043", "DL3044",
    "DL3045", "DL3048", "DL3059", "DL3061", "DL3063", "DL3065", "DL3066", "DL3067", "DL4000",
    "DL4003", "DL4004", "DL4006",
];

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
    if at.instruction.kind == InstructionKind::Onbuild && HADOLINT_SKIPS_TRIGGERS.contains(&code) {
        return Some("an ONBUILD trigger: hadolint does not check triggers for this code");
    }
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
        "DL3000" => match &at.instruction.body {
            Body::Workdir(Some(word))
                if word.text.trim_start_matches(['"', '\'']).starts_with('$') =>
            {
                Some(
                    "the path is a variable whose value is relative (`WORKDIR $DISTRO_NAME`, \
                 `ARG DISTRO_NAME=zookeeper-3.4`); hadolint skips any path that starts with `$`",
                )
            }
            _ => None,
        },
        "DL3012" => at
            .later_in_stage()
            .iter()
            .any(|i| i.kind == InstructionKind::Healthcheck)
            .then_some(
                "we report the earlier HEALTHCHECK, the one that has no effect (as BuildKit's \
                 MultipleInstructionsDisallowed does); hadolint the later one",
            ),
        "DL3021" => {
            let (Body::Copy(paths) | Body::Add(paths)) = &at.instruction.effective().body else {
                return None;
            };
            let sources = paths.sources();
            (sources.len() == 1 && sources[0].text.contains(['*', '?', '['])).then_some(
                "one wildcard source that may match several files (`COPY *.csproj .`); hadolint \
                 counts the sources as written",
            )
        }
        "DL3045" => (at.instruction.effective().kind == InstructionKind::Add)
            .then_some("`ADD` to a relative destination (hadolint checks `COPY` only)"),
        "DL3057" => Some(
            "hadolint's DL3057 is off by default (severity `ignore`) and `hadolint.json` was \
             made with the defaults; `missing-healthcheck` is off by default too",
        ),
        "DL3064" => arg_env_names(at)
            .iter()
            .filter(|n| buildkit_secret_name(n))
            .all(|n| !hadolint_secret_substring(n))
            .then_some(
                "a `KEY`, `AUTH` or `CREDENTIAL` part of the name (BuildKit's \
                 SecretsUsedInArgOrEnv pattern, which hadolint's list of names and substrings \
                 lacks)",
            ),
        _ => None,
    }
}

/// BuildKit's pattern: a `_`-separated part of the name that names a secret.
fn buildkit_secret_name(name: &str) -> bool {
    name.to_ascii_lowercase().split('_').any(|part| {
        matches!(
            part,
            "apikey"
                | "auth"
                | "credential"
                | "credentials"
                | "key"
                | "password"
                | "pword"
                | "passwd"
                | "secret"
                | "token"
        )
    })
}

/// The substrings hadolint's DL3064 looks for in a name.
fn hadolint_secret_substring(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "api_key",
        "client_key",
        "password",
        "private",
        "secret",
        "token",
        "username",
    ]
    .iter()
    .any(|s| lower.contains(s))
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
