//! What each instruction and flag does: the text of keyword hovers and completions.
//!
//! Written from the Dockerfile reference and BuildKit's parser (which flags each
//! instruction accepts); kept short, as an editor shows it next to the code.

use layerlint_syntax::InstructionKind;

/// One instruction's documentation.
pub struct InstructionDoc {
    pub kind: InstructionKind,
    /// The forms it is written in.
    pub syntax: &'static [&'static str],
    /// What it does, in a few sentences of Markdown.
    pub summary: &'static str,
    pub flags: &'static [FlagDoc],
}

/// A `--flag` of an instruction.
pub struct FlagDoc {
    /// Without the dashes.
    pub name: &'static str,
    /// The value's shape (`<platform>`), empty for a flag without a value.
    pub value: &'static str,
    pub summary: &'static str,
    /// Ready-made forms offered by completion (`--mount=type=cache,target=`).
    pub completions: &'static [&'static str],
}

const fn flag(
    name: &'static str,
    value: &'static str,
    summary: &'static str,
    completions: &'static [&'static str],
) -> FlagDoc {
    FlagDoc {
        name,
        value,
        summary,
        completions,
    }
}

const PLATFORM: FlagDoc = flag(
    "platform",
    "<os>/<arch>[/<variant>]",
    "The platform of the image to pull. Write `$BUILDPLATFORM` for a stage that runs build \
     tools on the builder's own platform (cross-compiling), `$TARGETPLATFORM` is already \
     the default.",
    &[
        "--platform=$BUILDPLATFORM",
        "--platform=$TARGETPLATFORM",
        "--platform=linux/amd64",
        "--platform=linux/arm64",
    ],
);

const CHOWN: FlagDoc = flag(
    "chown",
    "<user>[:<group>]",
    "The owner of the copied files (names are looked up in the image's `/etc/passwd` and \
     `/etc/group`). Without it, files belong to root.",
    &["--chown="],
);
const CHMOD: FlagDoc = flag(
    "chmod",
    "<perms>",
    "The permissions of the copied files, in octal (`0755`) or symbolic (`u+x`) form.",
    &["--chmod="],
);
const LINK: FlagDoc = flag(
    "link",
    "",
    "Copy into a layer of its own, independent of the layers before it: the layer is reused \
     when the base image changes, and the base can be rebased without a rebuild.",
    &["--link"],
);
const EXCLUDE: FlagDoc = flag(
    "exclude",
    "<pattern>",
    "Leave out the paths matching the pattern (repeatable; `.dockerignore` syntax).",
    &["--exclude="],
);

const COPY_FLAGS: &[FlagDoc] = &[
    flag(
        "from",
        "<stage|image|context>",
        "Copy from an earlier build stage (its name or index), an image, or a named build \
         context instead of the build context.",
        &["--from="],
    ),
    CHOWN,
    CHMOD,
    LINK,
    flag(
        "parents",
        "",
        "Keep the parent directories of the sources under the destination (`COPY --parents \
         ./a/b/c.txt /dst/` creates `/dst/a/b/c.txt`).",
        &["--parents"],
    ),
    EXCLUDE,
];

const ADD_FLAGS: &[FlagDoc] = &[
    CHOWN,
    CHMOD,
    LINK,
    flag(
        "checksum",
        "<algorithm>:<hash>",
        "The checksum a remote source (URL) must have: the build fails otherwise.",
        &["--checksum=sha256:"],
    ),
    flag(
        "keep-git-dir",
        "",
        "Keep the `.git` directory when adding a Git repository.",
        &["--keep-git-dir"],
    ),
    flag(
        "unpack",
        "<bool>",
        "Whether a local or remote tar archive is extracted (local archives are by default, \
         remote ones are not).",
        &["--unpack=true", "--unpack=false"],
    ),
    EXCLUDE,
];

const RUN_FLAGS: &[FlagDoc] = &[
    flag(
        "mount",
        "type=<cache|bind|secret|ssh|tmpfs>[,option=value…]",
        "Mount something for this command only; nothing of it ends up in the layer. \
         `type=cache,target=<dir>` keeps a package manager's cache between builds, \
         `type=bind` reads from the context or another stage without copying, \
         `type=secret,id=<id>` exposes a secret as a file, `type=ssh` forwards the SSH agent, \
         `type=tmpfs` mounts an empty in-memory directory.",
        &[
            "--mount=type=cache,target=",
            "--mount=type=bind,source=,target=",
            "--mount=type=bind,from=,source=,target=",
            "--mount=type=secret,id=",
            "--mount=type=ssh",
            "--mount=type=tmpfs,target=",
        ],
    ),
    flag(
        "network",
        "<default|none|host>",
        "The network the command runs in: `none` cuts it off (a reproducible offline step), \
         `host` needs the `network.host` entitlement.",
        &["--network=none", "--network=host", "--network=default"],
    ),
    flag(
        "security",
        "<sandbox|insecure>",
        "`insecure` runs the command without the sandbox (like `docker run --privileged`); \
         needs the `security.insecure` entitlement.",
        &["--security=insecure", "--security=sandbox"],
    ),
];

const HEALTHCHECK_FLAGS: &[FlagDoc] = &[
    flag(
        "interval",
        "<duration>",
        "Time between checks (default `30s`).",
        &["--interval="],
    ),
    flag(
        "timeout",
        "<duration>",
        "How long one check may take before it counts as failed (default `30s`).",
        &["--timeout="],
    ),
    flag(
        "start-period",
        "<duration>",
        "Time the container gets to start: failures in it do not count (default `0s`).",
        &["--start-period="],
    ),
    flag(
        "start-interval",
        "<duration>",
        "Time between checks during the start period (default `5s`).",
        &["--start-interval="],
    ),
    flag(
        "retries",
        "<n>",
        "Consecutive failures before the container is unhealthy (default `3`).",
        &["--retries="],
    ),
];

/// The options of `RUN --mount=`, by mount type (`None`: every type).
pub const MOUNT_OPTIONS: &[(&str, &[&str], &str)] = &[
    (
        "type",
        &[],
        "`bind` (default), `cache`, `secret`, `ssh` or `tmpfs`",
    ),
    (
        "target",
        &["bind", "cache", "tmpfs", "secret", "ssh"],
        "where it is mounted (`dst`, `destination`)",
    ),
    (
        "source",
        &["bind", "cache"],
        "the path in `from` (default: its root)",
    ),
    (
        "from",
        &["bind", "cache"],
        "a stage, image or named context to mount from (default: the build context)",
    ),
    (
        "id",
        &["cache", "secret", "ssh"],
        "the cache's, secret's or SSH agent's id",
    ),
    (
        "sharing",
        &["cache"],
        "`shared` (default), `private` or `locked`: how concurrent builds use the cache",
    ),
    (
        "readonly",
        &["bind", "cache"],
        "mount read-only (`ro`); bind mounts are read-write by default, writes are dropped",
    ),
    (
        "rw",
        &["bind"],
        "allow writes (they are discarded after the command)",
    ),
    ("mode", &["cache", "secret", "ssh"], "file mode, in octal"),
    ("uid", &["cache", "secret", "ssh"], "owner's user id"),
    ("gid", &["cache", "secret", "ssh"], "owner's group id"),
    (
        "required",
        &["secret", "ssh"],
        "fail the build when the secret or agent is missing",
    ),
    (
        "env",
        &["secret"],
        "expose the secret as this environment variable instead of a file",
    ),
    ("size", &["tmpfs"], "the tmpfs size limit"),
];

/// The values `RUN --mount=type=` takes.
pub const MOUNT_TYPES: &[(&str, &str)] = &[
    ("cache", "a directory kept between builds (package caches)"),
    (
        "bind",
        "files from the context or another stage, without copying them",
    ),
    ("secret", "a secret, as a file or an environment variable"),
    ("ssh", "the SSH agent of the client"),
    ("tmpfs", "an empty in-memory directory"),
];

/// Every known instruction's documentation, in [`InstructionKind::ALL`] order.
pub const INSTRUCTIONS: &[InstructionDoc] = &[
    InstructionDoc {
        kind: InstructionKind::Add,
        syntax: &[
            "ADD [--chown=…] [--chmod=…] [--link] [--checksum=…] <src>… <dest>",
            "ADD [\"<src>\", …, \"<dest>\"]",
        ],
        summary: "Copies files into the image like `COPY`, and also fetches URLs, clones Git \
                  repositories and extracts local tar archives. Prefer `COPY` for plain files: \
                  `ADD`'s extra behaviours are easy to trigger by accident.",
        flags: ADD_FLAGS,
    },
    InstructionDoc {
        kind: InstructionKind::Arg,
        syntax: &["ARG <name>[=<default>] …"],
        summary: "Declares a build argument, set with `docker build --build-arg`. Before the \
                  first `FROM` it is global (usable in `FROM` lines; redeclare it inside a \
                  stage to use it there). Its value is not kept in the image, but it is in the \
                  build history: never pass secrets this way.",
        flags: &[],
    },
    InstructionDoc {
        kind: InstructionKind::Cmd,
        syntax: &[
            "CMD [\"executable\", \"param\", …]",
            "CMD [\"param\", …]  (arguments of ENTRYPOINT)",
            "CMD command param …  (shell form: /bin/sh -c)",
        ],
        summary: "The default command of a container (or the default arguments of \
                  `ENTRYPOINT`). Only the last `CMD` of the final stage counts. The exec form \
                  (JSON array) runs without a shell, so the process gets signals directly.",
        flags: &[],
    },
    InstructionDoc {
        kind: InstructionKind::Copy,
        syntax: &[
            "COPY [--from=…] [--chown=…] [--chmod=…] [--link] [--parents] [--exclude=…] <src>… <dest>",
            "COPY [\"<src>\", …, \"<dest>\"]",
        ],
        summary: "Copies files from the build context (or from a stage, image or named \
                  context with `--from`) into the image. Each `COPY` is a layer whose cache \
                  key is the content of what it copies: copy what changes least first.",
        flags: COPY_FLAGS,
    },
    InstructionDoc {
        kind: InstructionKind::Entrypoint,
        syntax: &[
            "ENTRYPOINT [\"executable\", \"param\", …]",
            "ENTRYPOINT command param …  (shell form)",
        ],
        summary: "The executable a container runs; `CMD` and `docker run` arguments are \
                  appended to it in the exec form. The shell form ignores them and runs under \
                  `/bin/sh -c`, which does not forward signals.",
        flags: &[],
    },
    InstructionDoc {
        kind: InstructionKind::Env,
        syntax: &["ENV <key>=<value> …", "ENV <key> <value>  (legacy)"],
        summary: "Sets environment variables for the rest of the stage, for stages built on \
                  it, and for the running container. Values stay in the image: never put \
                  secrets here.",
        flags: &[],
    },
    InstructionDoc {
        kind: InstructionKind::Expose,
        syntax: &["EXPOSE <port>[/<tcp|udp>] …"],
        summary: "Documents the ports the container listens on. It publishes nothing: that \
                  is `docker run -p`'s job.",
        flags: &[],
    },
    InstructionDoc {
        kind: InstructionKind::From,
        syntax: &["FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]"],
        summary: "Starts a build stage from a base image, from an earlier stage, or from \
                  `scratch` (nothing). Global `ARG`s (declared before the first `FROM`) may be \
                  used in the image reference. The last stage is the image built by default.",
        flags: &[PLATFORM],
    },
    InstructionDoc {
        kind: InstructionKind::Healthcheck,
        syntax: &[
            "HEALTHCHECK [--interval=…] [--timeout=…] … CMD <command>",
            "HEALTHCHECK NONE",
        ],
        summary: "How the container checks that it still works: the command's exit status 0 \
                  means healthy, 1 unhealthy. `NONE` disables a check inherited from the base \
                  image.",
        flags: HEALTHCHECK_FLAGS,
    },
    InstructionDoc {
        kind: InstructionKind::Label,
        syntax: &["LABEL <key>=<value> …"],
        summary: "Adds metadata to the image (`org.opencontainers.image.*` keys are the \
                  standard ones). Labels of the base image are inherited.",
        flags: &[],
    },
    InstructionDoc {
        kind: InstructionKind::Maintainer,
        syntax: &["MAINTAINER <name>"],
        summary: "Deprecated: sets the image's author. Use \
                  `LABEL org.opencontainers.image.authors=\"…\"` instead.",
        flags: &[],
    },
    InstructionDoc {
        kind: InstructionKind::Onbuild,
        syntax: &["ONBUILD <INSTRUCTION>"],
        summary: "Registers an instruction that runs later, when another build uses this \
                  image as its base (right after that build's `FROM`).",
        flags: &[],
    },
    InstructionDoc {
        kind: InstructionKind::Run,
        syntax: &[
            "RUN [--mount=…] [--network=…] [--security=…] <command>  (shell form)",
            "RUN [\"executable\", \"param\", …]  (exec form)",
            "RUN <<EOF … EOF  (heredoc)",
        ],
        summary: "Runs a command in a new layer. Its cache key is the command text and the \
                  layers before it: when an earlier layer changes, it runs again. Join \
                  commands that belong together (`apt-get update && apt-get install`) and \
                  clean up in the same `RUN`.",
        flags: RUN_FLAGS,
    },
    InstructionDoc {
        kind: InstructionKind::Shell,
        syntax: &["SHELL [\"executable\", \"param\", …]"],
        summary: "Changes the shell that shell-form `RUN`, `CMD` and `ENTRYPOINT` use (default \
                  `[\"/bin/sh\", \"-c\"]`), e.g. `[\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]`.",
        flags: &[],
    },
    InstructionDoc {
        kind: InstructionKind::Stopsignal,
        syntax: &["STOPSIGNAL <signal>"],
        summary: "The signal `docker stop` sends to the container's main process (default \
                  `SIGTERM`), by name or number.",
        flags: &[],
    },
    InstructionDoc {
        kind: InstructionKind::User,
        syntax: &["USER <user>[:<group>]"],
        summary: "The user (and group) that later `RUN`, `CMD` and `ENTRYPOINT` run as. \
                  Containers run as root unless the final stage sets a user.",
        flags: &[],
    },
    InstructionDoc {
        kind: InstructionKind::Volume,
        syntax: &["VOLUME [\"/path\", …]", "VOLUME /path …"],
        summary: "Marks directories as volumes: each container gets a fresh volume there. \
                  Changes made to the directory by later instructions of the build are \
                  discarded.",
        flags: &[],
    },
    InstructionDoc {
        kind: InstructionKind::Workdir,
        syntax: &["WORKDIR /path"],
        summary: "The working directory for the instructions after it and for the container; \
                  created when missing. A relative path is relative to the previous \
                  `WORKDIR`: prefer absolute paths.",
        flags: &[],
    },
];

/// The documentation of an instruction.
pub fn instruction(kind: InstructionKind) -> Option<&'static InstructionDoc> {
    INSTRUCTIONS.iter().find(|doc| doc.kind == kind)
}

/// The documentation of `--name` of an instruction.
pub fn flag_doc(kind: InstructionKind, name: &str) -> Option<&'static FlagDoc> {
    instruction(kind)?.flags.iter().find(|f| f.name == name)
}

/// An instruction's hover text, in Markdown.
pub fn instruction_markdown(doc: &InstructionDoc) -> String {
    let mut out = format!("**{}**\n\n```dockerfile\n", doc.kind.as_str());
    for form in doc.syntax {
        out.push_str(form);
        out.push('\n');
    }
    out.push_str("```\n\n");
    out.push_str(doc.summary);
    out.push('\n');
    if !doc.flags.is_empty() {
        out.push_str("\n| flag | |\n|---|---|\n");
        for flag in doc.flags {
            out.push_str(&format!(
                "| `{}` | {} |\n",
                flag_usage(flag),
                flag.summary.replace('|', "\\|")
            ));
        }
    }
    out
}

/// `--name=<value>` or `--name`.
pub fn flag_usage(flag: &FlagDoc) -> String {
    if flag.value.is_empty() {
        format!("--{}", flag.name)
    } else {
        format!("--{}={}", flag.name, flag.value)
    }
}

/// A flag's hover text, in Markdown.
pub fn flag_markdown(kind: InstructionKind, flag: &FlagDoc) -> String {
    format!(
        "**{} `{}`**\n\n{}\n",
        kind.as_str(),
        flag_usage(flag),
        flag.summary
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_instruction_is_documented_once() {
        for kind in InstructionKind::ALL {
            assert_eq!(
                INSTRUCTIONS.iter().filter(|d| d.kind == kind).count(),
                1,
                "{kind}"
            );
        }
        for doc in INSTRUCTIONS {
            for flag in doc.flags {
                assert!(!flag.completions.is_empty(), "{} --{}", doc.kind, flag.name);
                for completion in flag.completions {
                    assert!(completion.starts_with(&format!("--{}", flag.name)));
                }
            }
        }
    }
}
