use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;
use std::cell::OnceCell;

use layerlint_syntax::expand::{Env, Lex};
use layerlint_syntax::semantic::{Base, PLATFORM_ARGS, Scope, Stage, VarSource};
use layerlint_syntax::{Body, InstructionKind, Word};
use layerlint_text::{TextRange, TextSize};

use super::variables::{Reference, reference_range, references, suggest, transposition_distance};
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a variable that is used where BuildKit expands it — `ENV`, `LABEL`, `ARG`
    /// defaults, `COPY`/`ADD` paths, flags and heredocs, `WORKDIR`, `USER`, `VOLUME`,
    /// `STOPSIGNAL`, `RUN --mount` options — but is not defined there. Like BuildKit it
    /// does not look at shell-form `RUN`, `CMD` and `ENTRYPOINT`, whose variables the shell
    /// expands at run time. The message suggests the closest defined name.
    ///
    /// BuildKit also knows the `ENV` of the base image, which it pulls; a linter cannot.
    /// So the rule knows everything only in stages built `FROM scratch` (directly or
    /// through earlier stages), where it reports every undefined variable as BuildKit does.
    /// In a stage built on an image it reports a variable only when there is evidence that
    /// the image is not meant to provide it:
    ///
    /// * the file declares it elsewhere — a global `ARG` not redeclared in the stage, an
    ///   `ARG`/`ENV` of another stage, one declared later in this stage, or one of
    ///   BuildKit's automatic platform ARGs (`TARGETARCH`…), which a stage sees only after
    ///   `ARG TARGETARCH`;
    /// * or it is a near miss of a defined name (`$PAHT` for `$PATH`, `$DIR_ASSET` for
    ///   `$DIR_ASSETS`: one edit for short names, two for longer ones);
    ///
    /// and never for the variables well-known images define (`HOME`, `JAVA_HOME`,
    /// `NODE_VERSION`, `GOPATH`, `PYTHON_VERSION`…), nor for `${NAME:-default}` and the
    /// other forms that expect the variable to be unset.
    ///
    /// ## Why is this bad?
    /// An undefined variable expands to an empty string without an error:
    /// `COPY app-$VERSION.jar /app.jar` copies `app-.jar`, `ENV PATH=$PAHT:/app/bin`
    /// throws the whole `PATH` away. The usual causes are a typo, a global `ARG` that was
    /// not redeclared inside the stage, and a variable used before its `ARG`.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV PATH=$PAHT:/app/bin
    /// ```
    ///
    /// ```dockerfile
    /// ARG VERSION=1.4.2
    /// FROM eclipse-temurin:21-jre
    /// COPY target/app-${VERSION}.jar /app.jar
    /// ```
    ///
    /// ```dockerfile
    /// FROM scratch
    /// COPY $BINARY /app
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// ARG VERSION=1.4.2
    /// FROM eclipse-temurin:21-jre
    /// ARG VERSION
    /// COPY target/app-${VERSION}.jar /app.jar
    /// ENV PATH=$JAVA_HOME/bin:$PATH
    /// ```
    ///
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN echo "$UNDEFINED_IN_SHELL_FORM"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: whether to declare the variable, redeclare a global `ARG` or correct a typo
    /// is the author's choice.
    pub(crate) struct UndefinedVariable {
        code: "LL109",
        name: "undefined-variable",
        category: Correctness,
        severity: Warning,
        fix: None,
        summary: "a variable is used where BuildKit expands it but is not defined there",
        equivalents: [BuildKit("UndefinedVar")],
    }
}

/// Variables BuildKit never reports (`nonEnvArgs`).
const NON_ENV_ARGS: [&str; 2] = ["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

/// The `PATH` BuildKit sets in every stage whose image has none.
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Variables that common base images (or the container runtime) define: never reported
/// in a stage built on an image.
const WELL_KNOWN: &[&str] = &[
    // The runtime and most images.
    "PATH",
    "HOME",
    "HOSTNAME",
    "USER",
    "SHELL",
    "TERM",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "TZ",
    "PWD",
    "container",
    "LD_LIBRARY_PATH",
    "LIBRARY_PATH",
    "PKG_CONFIG_PATH",
    "MANPATH",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "DEBIAN_FRONTEND",
    // Node.js.
    "NODE_VERSION",
    "YARN_VERSION",
    "NPM_CONFIG_LOGLEVEL",
    "NODE_PATH",
    // Python.
    "PYTHON_VERSION",
    "PYTHON_PIP_VERSION",
    "PYTHON_SETUPTOOLS_VERSION",
    "PYTHON_GET_PIP_URL",
    "PYTHON_GET_PIP_SHA256",
    "PYTHON_SHA256",
    "GPG_KEY",
    "PYTHONPATH",
    "PYTHONHOME",
    "VIRTUAL_ENV",
    "PIP_NO_CACHE_DIR",
    // Go.
    "GOLANG_VERSION",
    "GOPATH",
    "GOROOT",
    "GOTOOLCHAIN",
    "GOOS",
    "GOARCH",
    "CGO_ENABLED",
    "GOPROXY",
    "GOFLAGS",
    // Java and its build tools.
    "JAVA_HOME",
    "JAVA_VERSION",
    "JDK_VERSION",
    "JRE_HOME",
    "JAVA_OPTS",
    "MAVEN_HOME",
    "MAVEN_CONFIG",
    "MAVEN_VERSION",
    "M2_HOME",
    "GRADLE_HOME",
    "GRADLE_VERSION",
    "GRADLE_USER_HOME",
    "CATALINA_HOME",
    "CATALINA_BASE",
    "TOMCAT_VERSION",
    "TOMCAT_MAJOR",
    "TOMCAT_NATIVE_LIBDIR",
    "JETTY_HOME",
    "JETTY_BASE",
    "SBT_VERSION",
    "SCALA_VERSION",
    // Ruby.
    "RUBY_VERSION",
    "RUBY_MAJOR",
    "RUBY_DOWNLOAD_SHA256",
    "GEM_HOME",
    "BUNDLE_PATH",
    "BUNDLE_APP_CONFIG",
    "BUNDLE_SILENCE_ROOT_WARNING",
    "BUNDLE_BIN",
    // PHP.
    "PHP_VERSION",
    "PHP_INI_DIR",
    "PHP_CFLAGS",
    "PHP_CPPFLAGS",
    "PHP_LDFLAGS",
    "PHPIZE_DEPS",
    "PHP_URL",
    "PHP_ASC_URL",
    "PHP_SHA256",
    "GPG_KEYS",
    "APACHE_CONFDIR",
    "APACHE_ENVVARS",
    "APACHE_DOCUMENT_ROOT",
    "COMPOSER_HOME",
    "COMPOSER_ALLOW_SUPERUSER",
    // Rust.
    "RUSTUP_HOME",
    "CARGO_HOME",
    "RUST_VERSION",
    // .NET.
    "DOTNET_VERSION",
    "ASPNET_VERSION",
    "ASPNETCORE_VERSION",
    "DOTNET_SDK_VERSION",
    "ASPNETCORE_URLS",
    "ASPNETCORE_HTTP_PORTS",
    "DOTNET_RUNNING_IN_CONTAINER",
    "APP_UID",
    "NUGET_XMLDOC_MODE",
    "DOTNET_USE_POLLING_FILE_WATCHER",
    // Servers and databases.
    "NGINX_VERSION",
    "NJS_VERSION",
    "NJS_RELEASE",
    "PKG_RELEASE",
    "DYNPKG_RELEASE",
    "HTTPD_PREFIX",
    "HTTPD_VERSION",
    "PGDATA",
    "PG_MAJOR",
    "PG_VERSION",
    "MYSQL_MAJOR",
    "MYSQL_VERSION",
    "MARIADB_VERSION",
    "MONGO_VERSION",
    "MONGO_MAJOR",
    "REDIS_VERSION",
    "REDIS_DOWNLOAD_URL",
    "REDIS_DOWNLOAD_SHA",
    "JENKINS_HOME",
    "JENKINS_VERSION",
    "ELASTIC_CONTAINER",
    "ES_JAVA_OPTS",
    "KAFKA_HOME",
    "SPARK_HOME",
    "HADOOP_HOME",
    "ZOO_CONF_DIR",
    "RABBITMQ_VERSION",
    "RABBITMQ_HOME",
    // Other languages and toolchains.
    "OTP_VERSION",
    "ELIXIR_VERSION",
    "REBAR3_VERSION",
    "MIX_HOME",
    "HEX_HOME",
    "DART_SDK",
    "PUB_CACHE",
    "FLUTTER_HOME",
    "SWIFT_VERSION",
    "DENO_VERSION",
    "DENO_DIR",
    "DENO_INSTALL",
    "BUN_INSTALL",
    "BUN_VERSION",
    "PERL_VERSION",
    "R_HOME",
    "R_VERSION",
    "JULIA_PATH",
    "JULIA_VERSION",
    "HASKELL_VERSION",
    "GHC",
    "ANDROID_HOME",
    "ANDROID_SDK_ROOT",
    // GPUs, conda, notebooks.
    "CUDA_VERSION",
    "CUDA_HOME",
    "CUDA_PATH",
    "NVIDIA_VISIBLE_DEVICES",
    "NVIDIA_DRIVER_CAPABILITIES",
    "NVIDIA_REQUIRE_CUDA",
    "NV_CUDA_LIB_VERSION",
    "CUDNN_VERSION",
    "NCCL_VERSION",
    "CONDA_DIR",
    "CONDA_PREFIX",
    "CONDA_DEFAULT_ENV",
    "MAMBA_ROOT_PREFIX",
    "NB_USER",
    "NB_UID",
    "NB_GID",
    // Windows images.
    "ProgramFiles",
    "ProgramData",
    "SystemRoot",
    "windir",
    "TEMP",
    "TMP",
    "USERPROFILE",
    "APPDATA",
    "LOCALAPPDATA",
    "ComSpec",
    "USERNAME",
];

#[derive(Default)]
pub(crate) struct State {
    /// Whether each stage (by index) knows its whole environment: built `FROM scratch`,
    /// directly or through earlier stages.
    known_by_stage: Vec<bool>,
    /// Every name an ARG or ENV of the file declares, with the instructions that declare
    /// it (computed on first use).
    declared: OnceCell<HashMap<String, Vec<usize>>>,
    /// Those names by their near misses (computed on first use, in a large scope).
    near: OnceCell<NearNames>,
}

impl Check for UndefinedVariable {
    type State = State;
    const WANTS: Wants = Wants::kinds(&[
        InstructionKind::Env,
        InstructionKind::Label,
        InstructionKind::Arg,
        InstructionKind::Copy,
        InstructionKind::Add,
        InstructionKind::Workdir,
        InstructionKind::User,
        InstructionKind::Volume,
        InstructionKind::Stopsignal,
        InstructionKind::Run,
    ]);

    fn start_stage(&self, _cx: &mut Context<'_>, state: &mut State, stage: &Stage) {
        let known = match stage.base {
            Base::Scratch => true,
            Base::Stage(parent) => state.known_by_stage.get(parent).copied().unwrap_or(false),
            Base::Image { .. } | Base::Missing => false,
        };
        if state.known_by_stage.len() <= stage.index {
            state.known_by_stage.resize(stage.index + 1, false);
        }
        state.known_by_stage[stage.index] = known;
    }

    fn instruction(&self, cx: &mut Context<'_>, state: &mut State, node: &Node<'_>) {
        // Global ARGs are checked as BuildKit checks them: not at all.
        let Some(stage) = node.stage else { return };
        let known = state
            .known_by_stage
            .get(stage.index)
            .copied()
            .unwrap_or(false);
        let declared = &state.declared;
        let mut check = Checker {
            cx,
            node,
            known,
            declared,
            near: &state.near,
            reported: Vec::new(),
        };
        let instruction = node.instruction;
        match &instruction.body {
            Body::Env(pairs) | Body::Label(pairs) => {
                for pair in pairs {
                    check.word(&pair.key, &[]);
                    check.word(&pair.value, &[]);
                    // A later value using this key reads the value from before the ENV:
                    // `env-self-reference` reports that, with a fix.
                    if instruction.kind == InstructionKind::Env {
                        check.reported.push(Cow::Borrowed(&pair.key.text));
                    }
                }
            }
            Body::Arg(args) => {
                // Each default sees the ARGs declared before it in the same instruction.
                let mut before: Vec<&str> = Vec::new();
                for arg in args {
                    let name = arg.name.text.as_str();
                    if let Some(default) = &arg.default
                        && !check.cx.settings.build_args.contains_key(name)
                    {
                        check.word(default, &before);
                    }
                    before.push(name);
                }
            }
            Body::Copy(paths) | Body::Add(paths) => {
                for name in ["chown", "chmod", "checksum"] {
                    if let Some(value) = instruction.flag(name).and_then(|f| f.value.as_ref()) {
                        check.word(value, &[]);
                    }
                }
                for word in &paths.words {
                    let is_heredoc = instruction.heredocs.iter().any(|h| h.marker == word.range);
                    if !is_heredoc {
                        check.word(word, &[]);
                    }
                }
                for heredoc in instruction.heredocs.iter().filter(|h| h.expand) {
                    check.heredoc(heredoc);
                }
            }
            Body::Volume(paths) => {
                for word in &paths.words {
                    check.word(word, &[]);
                }
            }
            Body::Workdir(Some(word)) | Body::User(Some(word)) | Body::Stopsignal(Some(word)) => {
                check.word(word, &[]);
            }
            Body::Run(run) => {
                for mount in &run.mounts {
                    for option in &mount.options {
                        if let Some(value) = &option.value {
                            check.text(value, option.range, &[]);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The names the ARGs and ENVs of the file declare (not those `ONBUILD` declares for
/// another image), with the instructions that declare them.
fn declared_names(cx: &Context<'_>) -> HashMap<String, Vec<usize>> {
    let mut names: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, instruction) in cx.file.instructions().iter().enumerate() {
        let declared: Vec<&Word> = match &instruction.body {
            Body::Arg(args) => args.iter().map(|a| &a.name).collect(),
            Body::Env(pairs) => pairs.iter().map(|p| &p.key).collect(),
            _ => continue,
        };
        for name in declared {
            names.entry(name.text.clone()).or_default().push(index);
        }
    }
    names
}

/// The environment BuildKit expands with in a stage: the stage's variables and `PATH`.
struct StageEnv<'a> {
    scope: &'a Scope,
    /// ARGs declared earlier in the same instruction.
    before: &'a [&'a str],
}

impl Env for StageEnv<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        if self.before.contains(&name) {
            return Some("");
        }
        self.scope
            .get(name)
            .or_else(|| (name == "PATH").then_some(DEFAULT_PATH))
    }
}

struct Checker<'c, 'a, 'n> {
    cx: &'c mut Context<'a>,
    node: &'n Node<'n>,
    known: bool,
    /// See [`State::declared`].
    declared: &'n OnceCell<HashMap<String, Vec<usize>>>,
    /// See [`State::near`].
    near: &'n OnceCell<NearNames>,
    /// Names reported for this instruction already, and names left to another rule (a
    /// key set earlier in the same ENV is `env-self-reference`'s finding). The keys are
    /// borrowed from the instruction: every ENV adds its own, few names are reported.
    reported: Vec<Cow<'n, str>>,
}

impl<'n> Checker<'_, '_, 'n> {
    fn word(&mut self, word: &Word, before: &[&str]) {
        self.text(&word.text, word.range, before);
    }

    /// Expands `text` (whose source is `range`) as BuildKit does and reports what it
    /// cannot find.
    fn text(&mut self, text: &str, range: TextRange, before: &[&str]) {
        if !text.contains('$') {
            return;
        }
        let escape = self.cx.file.escape();
        let env = StageEnv {
            scope: self.node.scope,
            before,
        };
        let Ok(expansion) = Lex::new(escape).process_word(text, &env) else {
            return;
        };
        if expansion.unmatched.is_empty() {
            return;
        }
        let refs = references(text, escape, true);
        for name in expansion.unmatched {
            let at = reference_range(self.cx.source(), range, &name, escape);
            self.consider(&name, &refs, at, before);
        }
    }

    /// A heredoc a `COPY`/`ADD` writes, whose variables BuildKit expands (raw: quotes are
    /// kept, `\` escapes).
    fn heredoc(&mut self, heredoc: &layerlint_syntax::Heredoc) {
        let content = heredoc.content(self.cx.source());
        let text = content.as_str();
        if !text.contains('$') {
            return;
        }
        let env = StageEnv {
            scope: self.node.scope,
            before: &[],
        };
        let mut lex = Lex::new('\\');
        lex.skip_process_quotes = true;
        let Ok(expansion) = lex.process_word(text, &env) else {
            return;
        };
        if expansion.unmatched.is_empty() {
            return;
        }
        let refs = references(text, '\\', false);
        for name in expansion.unmatched {
            let at = refs
                .iter()
                .find(|r| r.name == name)
                .map_or(heredoc.body, |r| {
                    content.range_to_source(TextRange::new(
                        TextSize::from_usize(r.start),
                        TextSize::from_usize(r.end),
                    ))
                });
            self.consider(&name, &refs, at, &[]);
        }
    }

    fn consider(&mut self, name: &str, refs: &[Reference], at: TextRange, before: &[&str]) {
        let scope = self.node.scope;
        if scope.is_declared(name)
            || NON_ENV_ARGS.contains(&name)
            || self.reported.iter().any(|r| r.as_ref() == name)
        {
            return;
        }
        let note = match self.evidence(name, refs) {
            Evidence::No => return,
            Evidence::Note(note) => Some(note),
            Evidence::IfNearMiss => None,
        };
        // BuildKit suggests among the variables with a value, in the order they were set.
        let option = |n: &'n str| {
            let var = scope.get_var(n)?;
            var.value.as_ref()?;
            let order = match var.source {
                VarSource::Platform => 1,
                VarSource::Arg(i) | VarSource::Env(i) => i + 2,
            };
            Some((order, n))
        };
        let mut options: Vec<(usize, &str)> = if scope.own_len() > NEAR_INDEX_FROM {
            // Only the names near `name` can be suggested or make it a near miss: found
            // through their variants, not by measuring the distance to each variable.
            let near = self.near.get_or_init(|| {
                let declared = self.declared.get_or_init(|| declared_names(self.cx));
                NearNames::new(declared.keys().map(String::as_str))
            });
            near.near(name).into_iter().filter_map(option).collect()
        } else {
            scope.names().filter_map(option).collect()
        };
        options.push((0, "PATH"));
        options.extend(before.iter().map(|n| (usize::MAX, *n)));
        options.sort_unstable();
        let note = match note {
            Some(note) => note,
            // A name one or two edits from a variable that is set is a typo for it.
            None => {
                let limit = if name.chars().count() <= 5 { 1 } else { 2 };
                if !options
                    .iter()
                    .any(|(_, option)| transposition_distance(name, option) <= limit)
                {
                    return;
                }
                String::new()
            }
        };
        let suggestion = suggest(name, options.iter().map(|(_, n)| *n));
        self.reported.push(Cow::Owned(name.to_owned()));
        let mut message = format!("undefined variable `${name}`");
        if let Some(suggestion) = suggestion {
            message.push_str(&format!(" (did you mean `${suggestion}`?)"));
        }
        let report = self.cx.report(at, message);
        if !note.is_empty() {
            report.note(note);
        }
    }

    /// Why `name` is reported (an empty note when the stage's environment is fully
    /// known), or that it is not reported because an image may well define it.
    fn evidence(&self, name: &str, refs: &[Reference]) -> Evidence {
        if self.known {
            return Evidence::Note(String::new());
        }
        if WELL_KNOWN.contains(&name) {
            return Evidence::No;
        }
        let uses: Vec<&Reference> = refs.iter().filter(|r| r.name == name).collect();
        if !uses.is_empty() && uses.iter().all(|r| r.guarded) {
            return Evidence::No;
        }
        if PLATFORM_ARGS.iter().any(|(n, _)| *n == name) {
            return Evidence::Note(format!(
                "BuildKit's automatic platform ARGs are visible in a stage only after `ARG {name}` in it"
            ));
        }
        if self
            .cx
            .semantic
            .global_scope
            .get_var(name)
            .is_some_and(|v| matches!(v.source, VarSource::Arg(_)))
        {
            return Evidence::Note(format!(
                "`{name}` is a global ARG: a stage sees it only after `ARG {name}` in the stage"
            ));
        }
        if let Some(at) = self
            .declared
            .get_or_init(|| declared_names(self.cx))
            .get(name)
        {
            let here = self.node.index;
            let stage = self.node.stage.map(|s| s.body());
            let note = if at.contains(&here) {
                format!(
                    "an instruction sees only the variables defined before it, not the build host's environment: declare `ARG {name}` before it to pass a value"
                )
            } else if at
                .iter()
                .any(|i| *i > here && stage.as_ref().is_some_and(|s| s.contains(i)))
            {
                format!("`{name}` is declared later in this stage: declare it before its first use")
            } else {
                format!(
                    "`{name}` is declared in another stage: a stage sees only its own ARGs and ENVs and those of the stage it is built FROM"
                )
            };
            return Evidence::Note(note);
        }
        Evidence::IfNearMiss
    }
}

/// Scopes with more variables than this look their near misses up in [`NearNames`]
/// instead of measuring the distance to each.
const NEAR_INDEX_FROM: usize = 64;

/// How many characters of each end of a name [`NearNames`] indexes.
const WINDOW: usize = 12;

/// The names a file declares, found by the variants of their ends with up to two
/// characters deleted. Two names within two edits of each other (insertions, deletions,
/// substitutions and swaps of neighbours, as [`transposition_distance`] and
/// [`crate::levenshtein`] count them) share such a variant: every edit deletes at most one
/// character of each (a substitution or a swap one of each, an insertion one of the
/// other), so both come to a common string with at most two deletions each. So do their
/// first [`WINDOW`] characters (the common string's first characters that both windows
/// hold are at most two deletions from each window), and their last. So the names two
/// edits from a name at most are among those sharing a variant of its first characters
/// and one of its last, and the suggestions for an undefined name are found without
/// measuring the distance to every variable in scope (a generated file's `ENV`s each
/// missing one of thousands of variables measured every one of them). The windows keep
/// the variants of a long name few (79 each), and the two ends tell apart long names that
/// share a prefix.
struct NearNames {
    names: Vec<String>,
    /// The hashes of the variants of each name's first [`WINDOW`] characters, sorted.
    /// A hash shared by chance only adds a name, which measuring then turns away.
    firsts: Vec<Box<[u64]>>,
    /// The same for its last [`WINDOW`] characters.
    lasts: Vec<Box<[u64]>>,
    /// Whether each name is no longer than [`WINDOW`] (both ends are the whole name).
    short: Vec<bool>,
    /// The names (indices in `names`) by those hashes.
    by_first: HashMap<u64, Vec<u32>>,
    by_last: HashMap<u64, Vec<u32>>,
}

impl NearNames {
    fn new<'a>(names: impl Iterator<Item = &'a str>) -> NearNames {
        let mut near = NearNames {
            names: names.map(str::to_owned).collect(),
            firsts: Vec::new(),
            lasts: Vec::new(),
            short: Vec::new(),
            by_first: HashMap::new(),
            by_last: HashMap::new(),
        };
        for (id, name) in near.names.iter().enumerate() {
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            let chars: Vec<char> = name.chars().collect();
            let short = chars.len() <= WINDOW;
            let first = hashes(&chars[..WINDOW.min(chars.len())]);
            let last = if short {
                first.clone()
            } else {
                hashes(&chars[chars.len() - WINDOW..])
            };
            for (hashes, map) in [(&first, &mut near.by_first), (&last, &mut near.by_last)] {
                for &hash in hashes.iter() {
                    map.entry(hash).or_default().push(id);
                }
            }
            near.firsts.push(first);
            near.lasts.push(last);
            near.short.push(short);
        }
        near
    }

    /// The names two edits from `name` or nearer (as [`transposition_distance`] counts:
    /// the names [`crate::levenshtein`] finds nearer than three are among them), each once.
    fn near(&self, name: &str) -> Vec<&str> {
        let chars: Vec<char> = name.chars().collect();
        let mut rows = Rows::default();
        let mut other = Vec::new();
        self.candidates(name)
            .into_iter()
            .filter(|candidate| {
                other.clear();
                other.extend(candidate.chars());
                rows.within_two(&chars, &other)
            })
            .collect()
    }

    /// The names that may be two edits from `name` or nearer (and some others), each once:
    /// those sharing a variant of its first characters and one of its last, gathered from
    /// the end that names fewer (many names can share their first characters) and kept
    /// when they share one of the other end too.
    fn candidates(&self, name: &str) -> Vec<&str> {
        let chars: Vec<char> = name.chars().collect();
        let short = chars.len() <= WINDOW;
        let first = hashes(&chars[..WINDOW.min(chars.len())]);
        let last = if short {
            first.clone()
        } else {
            hashes(&chars[chars.len() - WINDOW..])
        };
        let count = |hashes: &[u64], map: &HashMap<u64, Vec<u32>>| -> usize {
            hashes.iter().filter_map(|h| map.get(h)).map(Vec::len).sum()
        };
        let (gather, map, check, others) =
            if count(&first, &self.by_first) <= count(&last, &self.by_last) {
                (&first, &self.by_first, &last, &self.lasts)
            } else {
                (&last, &self.by_last, &first, &self.firsts)
            };
        let mut ids: Vec<u32> = Vec::new();
        for hash in gather.iter() {
            if let Some(found) = map.get(hash) {
                ids.extend_from_slice(found);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            // Two names no longer than the window share the variant they were gathered by at
            // both ends (each end is the whole name).
            .filter(|&id| (short && self.short[id as usize]) || shares(&others[id as usize], check))
            .map(|id| self.names[id as usize].as_str())
            .collect()
    }
}

/// The hashes of the variants of `chars`, sorted, each once.
fn hashes(chars: &[char]) -> Box<[u64]> {
    let mut hashes = Vec::new();
    variants(chars, |hash| hashes.push(hash));
    hashes.sort_unstable();
    hashes.dedup();
    hashes.into_boxed_slice()
}

/// Whether two sorted lists have an element in common.
fn shares(a: &[u64], b: &[u64]) -> bool {
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// The rows [`Rows::within_two`] computes, kept from one name to the next.
#[derive(Default)]
struct Rows {
    before_last: Vec<usize>,
    last: Vec<usize>,
    current: Vec<usize>,
}

impl Rows {
    /// Whether `transposition_distance(a, b) <= 2`, row by row of the same table with each
    /// cell capped at 3, computing only the cells at most two off the diagonal (a cell
    /// further off is 3 edits or more away) and stopping at the first row whose cells are
    /// all over 2 (no later row is nearer).
    fn within_two(&mut self, a: &[char], b: &[char]) -> bool {
        const FAR: usize = 3;
        if a.len().abs_diff(b.len()) > 2 {
            return false;
        }
        let width = b.len() + 1;
        for row in [&mut self.before_last, &mut self.last, &mut self.current] {
            row.clear();
            row.resize(width, FAR);
        }
        for (j, cell) in self.last.iter_mut().enumerate().take(FAR) {
            *cell = j;
        }
        for i in 1..=a.len() {
            // The cells left of the band, read by this row and the next: far.
            if let Some(left) = i.checked_sub(FAR) {
                self.current[left] = FAR;
            }
            if i < FAR {
                self.current[0] = i;
            }
            let mut smallest = FAR;
            for j in i.saturating_sub(2).max(1)..=(i + 2).min(b.len()) {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (self.last[j] + 1)
                    .min(self.current[j - 1] + 1)
                    .min(self.last[j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(self.before_last[j - 2] + 1);
                }
                let best = best.min(FAR);
                self.current[j] = best;
                smallest = smallest.min(best);
            }
            if i < FAR {
                smallest = smallest.min(i);
            }
            // The cell right of the band, read by the next row: far.
            if let Some(right) = self.current.get_mut(i + FAR) {
                *right = FAR;
            }
            if smallest > 2 {
                return false;
            }
            std::mem::swap(&mut self.before_last, &mut self.last);
            std::mem::swap(&mut self.last, &mut self.current);
        }
        self.last[b.len()] <= 2
    }
}

/// Shows `found` the hash of `chars` with each choice of up to two characters deleted.
fn variants(chars: &[char], mut found: impl FnMut(u64)) {
    use std::hash::{BuildHasher, Hasher};
    let state = foldhash::fast::FixedState::with_seed(0);
    let hash = |skip: [usize; 2]| {
        let mut hasher = state.build_hasher();
        let mut kept = 0u32;
        for (at, &c) in chars.iter().enumerate() {
            if at != skip[0] && at != skip[1] {
                hasher.write_u32(u32::from(c));
                kept += 1;
            }
        }
        hasher.write_u32(kept);
        hasher.finish()
    };
    let none = usize::MAX;
    found(hash([none, none]));
    for first in 0..chars.len() {
        found(hash([first, none]));
        for second in first + 1..chars.len() {
            found(hash([first, second]));
        }
    }
}

/// Whether an undefined name is reported.
enum Evidence {
    /// Yes, with this note (empty: no note).
    Note(String),
    /// Only as a typo: when it is near the name of a variable that is set.
    IfNearMiss,
    /// No: the base image may well define it.
    No,
}

#[cfg(test)]
mod tests {
    use crate::{Rule, Settings, lint};

    use super::{NearNames, transposition_distance};
    use crate::rules::correctness::variables::suggest;

    /// Whether `candidates` holds every name of `names` two edits from `query` or nearer,
    /// and suggests and finds near misses among them as among all (`names` as a scope
    /// holds them: sorted, each once).
    fn holds_near_misses(mut names: Vec<String>, query: &str) -> Result<(), String> {
        names.sort();
        names.dedup();
        let near = NearNames::new(names.iter().map(String::as_str));
        let mut close: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|n| transposition_distance(query, n) <= 2)
            .collect();
        close.sort_unstable();
        let mut found_near = near.near(query);
        found_near.sort_unstable();
        if close != found_near {
            return Err(format!("{found_near:?} near {query:?}, not {close:?}"));
        }
        let candidates = near.near(query);
        for name in &names {
            let close =
                transposition_distance(query, name) <= 2 || crate::levenshtein(query, name) <= 2;
            if close && !candidates.contains(&name.as_str()) {
                return Err(format!("{name:?} not found for {query:?}"));
            }
        }
        let all: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut found = candidates.clone();
        found.sort_unstable_by_key(|n| all.iter().position(|a| a == n));
        if suggest(query, all.iter().copied()) != suggest(query, found.iter().copied()) {
            return Err(format!("suggestions differ for {query:?}"));
        }
        for limit in [1, 2] {
            let miss = |n: &&str| transposition_distance(query, n) <= limit;
            if all.iter().any(miss) != found.iter().any(miss) {
                return Err(format!("near misses differ for {query:?}"));
            }
        }
        Ok(())
    }

    proptest::proptest! {
        /// Short names (indexed by their variants) from a few letters, so that many are near.
        #[test]
        fn near_names_hold_short_near_misses(
            names in proptest::collection::vec("[AB_1\u{e9}]{0,7}", 0..60),
            query in "[AB_1\u{e9}]{0,9}",
        ) {
            proptest::prop_assert_eq!(holds_near_misses(names, &query), Ok(()));
        }

        /// Names longer than the windows, of two letters (so that many are near).
        #[test]
        fn near_names_hold_long_near_misses(
            names in proptest::collection::vec("[AB]{9,20}|[AB]{29,36}", 0..40),
            query in "[AB]{7,22}|[AB]{27,38}",
        ) {
            proptest::prop_assert_eq!(holds_near_misses(names, &query), Ok(()));
        }
    }

    /// A generated file's thousands of variables give a name a few candidates, not all of
    /// them (measuring each made its `ENV`s quadratic).
    #[test]
    fn near_names_are_few() {
        let names: Vec<String> = (0..4000).map(|i| format!("V{i}")).collect();
        let near = NearNames::new(names.iter().map(String::as_str));
        for query in ["V3999x", "V1234y", "V2500y", "LONG_NAME"] {
            let found = near.candidates(query).len();
            assert!(found < 120, "{found} candidates for {query}");
        }
        // Long names that share most of their characters.
        let names: Vec<String> = (0..4000)
            .map(|i| format!("LONG_VARIABLE_NAME_NUMBER_{i}"))
            .collect();
        let near = NearNames::new(names.iter().map(String::as_str));
        for query in [
            "LONG_VARIABLE_NAME_NUMBR_3999",
            "LONG_VARIABLE_NAME_NUMBER_3999y",
        ] {
            let found = near.candidates(query).len();
            assert!(found < 120, "{found} candidates for {query}");
        }
    }

    fn found(source: &str, settings: &Settings) -> Vec<String> {
        lint(source, None, settings)
            .diagnostics
            .into_iter()
            .filter(|d| d.rule.code == Rule::UndefinedVariable.code())
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn a_given_build_arg_skips_the_default() {
        let source = "FROM scratch\nARG OUT=$UNSET\nCOPY a $OUT\n";
        let mut settings = Settings::only(&[Rule::UndefinedVariable]);
        assert_eq!(found(source, &settings), ["undefined variable `$UNSET`"]);
        settings.build_args.insert("OUT".into(), "/out".into());
        assert!(found(source, &settings).is_empty());
    }

    #[test]
    fn image_stages_need_evidence() {
        let settings = Settings::only(&[Rule::UndefinedVariable]);
        // Unknown to the file: the image may define it.
        assert!(found("FROM node:20\nCOPY $APP_DIR /app\n", &settings).is_empty());
        // Declared in another stage.
        assert_eq!(
            found(
                "FROM node:20 AS a\nARG APP_DIR=x\nFROM node:20\nCOPY $APP_DIR /app\n",
                &settings
            ),
            ["undefined variable `$APP_DIR`"]
        );
        // A near miss of a short name needs a single edit.
        assert!(found("FROM node:20\nARG HOST=x\nWORKDIR /$HOLE\n", &settings).is_empty());
        assert_eq!(
            found("FROM node:20\nARG NAME=x\nWORKDIR /$NAEM\n", &settings),
            ["undefined variable `$NAEM` (did you mean `$NAME`?)"]
        );
    }
}
