//! One walk over a Dockerfile's stages, keeping what each instruction runs with: the
//! working directory, the user, the `SHELL`, the variables in scope, and for `COPY`/`ADD`
//! their sources and destination resolved.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use layerlint_syntax::expand::{Env, Lex};
use layerlint_syntax::image::ImageRef;
use layerlint_syntax::semantic::{Base, Semantic};
use layerlint_syntax::{Body, CommandLine, Dockerfile, InstructionKind};

use crate::paths::{self, join};
use crate::scopes::{Point, ScopeAt, ScopeLog, ScopeView};

/// The working directory of a base image layerlint does not know (`WORKDIR` not set in
/// the file): a placeholder that is never equal to a real path.
pub const UNKNOWN_WORKDIR: &str = "/?";

/// The longest path Linux takes (`PATH_MAX`, 4,096 bytes with the terminating NUL). A
/// working directory longer than that cannot be made: the build fails there. The walk
/// takes one for unknown ([`UNKNOWN_WORKDIR`]) rather than keep it, so that a chain of
/// relative WORKDIRs, each a longer copy of the one before, holds memory linear in their
/// number, not quadratic (20,000 of them held 1.2 GB).
const PATH_MAX: usize = 4095;

/// Where a COPY or ADD takes its files from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CopyFrom {
    /// The build context.
    Context,
    /// An earlier stage.
    Stage(usize),
    /// An image or another build context named with `--from`.
    Other(String),
}

/// A resolved COPY or ADD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyStep {
    pub from: CopyFrom,
    /// The sources after variable expansion: context paths cleaned (`""` for the root),
    /// stage paths absolute, URLs as written.
    pub sources: Vec<String>,
    /// The sources as written.
    pub written: Vec<String>,
    /// Heredoc sources (`COPY <<EOF /x`).
    pub heredocs: usize,
    /// The destination, absolute.
    pub dest: String,
    /// The destination is a directory (ends with `/`, or several sources).
    pub dest_is_dir: bool,
    /// `--name=value` flags other than `--from`, as written.
    pub flags: Vec<(String, String)>,
    /// A source or the destination could not be expanded.
    pub unresolved: bool,
    /// Written with `ADD`.
    pub is_add: bool,
}

impl CopyStep {
    /// Whether the source is a URL (ADD only).
    pub fn is_url(source: &str) -> bool {
        source.starts_with("http://")
            || source.starts_with("https://")
            || source.starts_with("git@")
    }

    /// Where the file or directory `source` (one of [`CopyStep::sources`]) lands.
    pub fn target_of(&self, source: &str) -> String {
        if self.dest_is_dir {
            join(&self.dest, paths::base_name(source))
        } else {
            self.dest.clone()
        }
    }

    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The patterns of its `--exclude` flags, in order.
    pub fn excludes(&self) -> impl Iterator<Item = &str> {
        self.flags
            .iter()
            .filter(|(name, _)| name == "exclude")
            .map(|(_, value)| value.as_str())
    }
}

/// One instruction of a stage with what it runs with.
#[derive(Clone, Debug)]
pub struct Step {
    /// The index in [`Dockerfile::instructions`].
    pub index: usize,
    pub kind: InstructionKind,
    /// The working directory before the instruction (absolute; [`UNKNOWN_WORKDIR`]-based when
    /// the base image's is not known).
    pub workdir: Rc<str>,
    /// The `USER` in effect (`None`: the base image's, usually root).
    pub user: Option<Rc<str>>,
    /// The `SHELL` in effect (empty: `/bin/sh -c`).
    /// These three are shared by the steps between two instructions that change them
    /// (copying them per step was a fifth of the walk's allocations).
    pub shell: Rc<[String]>,
    /// For a RUN (the steps that read them), the variables visible before it: a point of
    /// the walk's [`ScopeLog`], not a copy (a copy of the scope for each RUN after a new
    /// `ARG` or `ENV` took a generated file's time and memory by the square of their
    /// number).
    pub scope: Option<ScopeAt>,
    /// For COPY and ADD. Boxed: most steps are not copies, and a step moved into its
    /// stage (and dropped) is a third of its size without a copy inline.
    pub copy: Option<Box<CopyStep>>,
}

/// A stage and its instructions (FROM excluded).
#[derive(Clone, Debug)]
pub struct StageWalk {
    pub index: usize,
    /// The FROM's instruction index.
    pub from: usize,
    pub steps: Vec<Step>,
    /// The base image's name (`node`, `golang`), when it is an image.
    pub base_image: Option<String>,
    /// What the stage ends with (for stages built on it).
    pub exit_workdir: Rc<str>,
    pub exit_user: Option<Rc<str>>,
    pub exit_shell: Rc<[String]>,
}

/// Every stage of a file, walked.
#[derive(Clone, Debug)]
pub struct FileWalk {
    pub stages: Vec<StageWalk>,
    /// The variables the stages set, which the RUNs' [`Step::scope`]s read.
    pub scopes: Rc<ScopeLog>,
}

impl FileWalk {
    pub fn new(file: &Dockerfile, semantic: &Semantic) -> FileWalk {
        let escape = file.escape();
        let instructions = file.instructions();
        let mut stages: Vec<StageWalk> = Vec::with_capacity(semantic.stages.len());
        let mut log = ScopeLog::default();
        // Where each stage's variables end (what a stage built on it starts with).
        let mut exits: Vec<Point> = Vec::with_capacity(semantic.stages.len());
        // Each RUN's stage, step and variables, given their shared log at the end.
        let mut runs: Vec<(usize, usize, Point)> = Vec::new();
        for stage in &semantic.stages {
            let (mut workdir, mut user, mut shell, base_image) = match &stage.base {
                Base::Stage(parent) => {
                    let parent: &StageWalk = &stages[*parent];
                    (
                        parent.exit_workdir.clone(),
                        parent.exit_user.clone(),
                        parent.exit_shell.clone(),
                        parent.base_image.clone(),
                    )
                }
                Base::Image { .. } => {
                    let name = stage.image().map(short_name);
                    let workdir = name.as_deref().map_or(UNKNOWN_WORKDIR, base_workdir);
                    (workdir.into(), None, Rc::from([]), name)
                }
                Base::Scratch => ("/".into(), None, Rc::from([]), None),
                Base::Missing => (UNKNOWN_WORKDIR.into(), None, Rc::from([]), None),
            };
            let mut at = log.start(match stage.base {
                Base::Stage(parent) => Some(exits[parent]),
                _ => None,
            });
            let mut steps = Vec::with_capacity(stage.body().len());
            for index in stage.body() {
                let instruction = &instructions[index];
                let scope = log.at(at);
                let copy = match &instruction.body {
                    Body::Copy(paths) | Body::Add(paths) => Some(Box::new(resolve_copy(
                        instruction,
                        paths,
                        &workdir,
                        &scope,
                        semantic,
                        stage.index,
                        escape,
                    ))),
                    _ => None,
                };
                if instruction.kind == InstructionKind::Run {
                    runs.push((stages.len(), steps.len(), at));
                }
                steps.push(Step {
                    index,
                    kind: instruction.kind,
                    workdir: Rc::clone(&workdir),
                    user: user.clone(),
                    shell: Rc::clone(&shell),
                    scope: None,
                    copy,
                });
                match &instruction.body {
                    Body::Workdir(Some(word)) => {
                        let value = scope
                            .expand(&word.text, escape)
                            .map(|e| e.result)
                            .unwrap_or_else(|_| "?".to_owned());
                        let joined = join(&workdir, &value);
                        workdir = if joined.len() > PATH_MAX {
                            UNKNOWN_WORKDIR.into()
                        } else {
                            joined.into()
                        };
                    }
                    Body::User(Some(word)) => {
                        user = scope
                            .expand(&word.text, escape)
                            .ok()
                            .map(|e| e.result.into());
                    }
                    Body::Shell(Some(CommandLine::Exec(exec))) => {
                        shell = exec.args.iter().map(|a| a.text.clone()).collect();
                    }
                    _ => {}
                }
                if matches!(instruction.body, Body::Arg(_) | Body::Env(_)) {
                    for (name, var) in semantic.defined_by(index) {
                        at = log.set(at, Arc::clone(name), var.clone());
                    }
                }
            }
            exits.push(at);
            stages.push(StageWalk {
                index: stage.index,
                from: stage.from,
                steps,
                base_image,
                exit_workdir: workdir,
                exit_user: user,
                exit_shell: shell,
            });
        }
        let scopes = Rc::new(log);
        for (stage, step, at) in runs {
            stages[stage].steps[step].scope = Some(ScopeAt::new(Rc::clone(&scopes), at));
        }
        FileWalk { stages, scopes }
    }

    /// The step of instruction `index`.
    pub fn step(&self, index: usize) -> Option<&Step> {
        self.stages
            .iter()
            .flat_map(|s| s.steps.iter())
            .find(|s| s.index == index)
    }
}

/// `text` expanded in `scope` as a COPY or ADD expands a path, and whether it expanded
/// fully (no variable left unset, no error; when it fails, the text as written). A text
/// with nothing to expand, unquote or unescape (no `$`, quote or escape character: most
/// paths) is itself, as expanding it would give it back, without a copy.
fn expand_word<'a>(scope: &dyn Env, text: &'a str, escape: char) -> (Cow<'a, str>, bool) {
    let lex = Lex::new(escape);
    if !lex.may_change(text) {
        return (Cow::Borrowed(text), true);
    }
    match lex.process_word(text, scope) {
        Ok(e) => (Cow::Owned(e.result), e.unmatched.is_empty()),
        Err(_) => (Cow::Owned(text.to_owned()), false),
    }
}

fn resolve_copy<'a>(
    instruction: &'a layerlint_syntax::Instruction,
    paths: &'a layerlint_syntax::Paths,
    workdir: &str,
    scope: &ScopeView<'_>,
    semantic: &Semantic,
    stage: usize,
    escape: char,
) -> CopyStep {
    let mut unresolved = false;
    let mut expand = |text: &'a str| -> Cow<'a, str> {
        let (value, resolved) = expand_word(scope, text, escape);
        unresolved |= !resolved;
        value
    };
    let from = match instruction.flag("from").and_then(|f| f.value.as_ref()) {
        None => CopyFrom::Context,
        Some(word) => {
            let name = expand(&word.text);
            match semantic.stage_named(&name) {
                Some(s) if s.index < stage => CopyFrom::Stage(s.index),
                _ => match name.parse::<usize>() {
                    Ok(i) if i < stage => CopyFrom::Stage(i),
                    _ => CopyFrom::Other(name.into_owned()),
                },
            }
        }
    };
    let heredocs = instruction.heredocs.len();
    let mut written = Vec::with_capacity(paths.sources().len());
    let mut sources = Vec::with_capacity(paths.sources().len());
    for word in paths.sources() {
        if word.text.starts_with("<<") && heredocs > 0 {
            continue;
        }
        written.push(word.text.clone());
        let value = expand(&word.text);
        let value = if CopyStep::is_url(&value) {
            value.into_owned()
        } else if from == CopyFrom::Context {
            paths::into_context_path(value.into_owned())
        } else {
            join("/", &value)
        };
        sources.push(value);
    }
    let (dest, dest_is_dir) = match paths.destination() {
        Some(word) => {
            let value = expand(&word.text);
            let is_dir = value.ends_with('/')
                || value == "."
                || value.ends_with("/.")
                || paths.sources().len() > 1;
            (join(workdir, &value), is_dir)
        }
        None => {
            unresolved = true;
            (workdir.to_owned(), true)
        }
    };
    let flags = instruction
        .flags
        .iter()
        .filter(|f| f.name != "from")
        .map(|f| (f.name.clone(), f.value_str().to_owned()))
        .collect();
    CopyStep {
        from,
        sources,
        written,
        heredocs,
        dest,
        dest_is_dir,
        flags,
        unresolved,
        is_add: instruction.kind == InstructionKind::Add,
    }
}

/// The short name of an official image (`node` for `node:20`, `docker.io/library/node`),
/// or the full path for others (`bitnami/node`).
pub fn image_name(reference: &str) -> Option<String> {
    ImageRef::parse(reference).ok().as_ref().map(short_name)
}

/// [`image_name`] of a parsed reference.
fn short_name(image: &ImageRef) -> String {
    match image.domain.as_deref() {
        None | Some("docker.io" | "index.docker.io") => image
            .path
            .strip_prefix("library/")
            .unwrap_or(&image.path)
            .to_owned(),
        Some(domain) => [domain, "/", image.path.as_str()].concat(),
    }
}

/// The `WORKDIR` an image sets, for the images layerlint knows; [`UNKNOWN_WORKDIR`] else.
pub fn base_workdir(image: &str) -> &'static str {
    match image {
        "php" | "wordpress" | "drupal" | "joomla" | "nextcloud" => "/var/www/html",
        "composer" => "/app",
        "golang" => "/go",
        "httpd" => "/usr/local/apache2",
        "tomcat" => "/usr/local/tomcat",
        "node" | "python" | "ruby" | "alpine" | "debian" | "ubuntu" | "busybox" | "openjdk"
        | "eclipse-temurin" | "amazoncorretto" | "rust" | "elixir" | "erlang" | "nginx"
        | "centos" | "fedora" | "rockylinux" | "almalinux" | "archlinux" | "amazonlinux"
        | "oraclelinux" | "buildpack-deps" | "maven" | "haskell" | "swift" | "perl" | "r-base"
        | "julia" | "clojure" | "bash" => "/",
        other if other.starts_with("gcr.io/distroless/") => "/",
        other if other.starts_with("mcr.microsoft.com/dotnet/") => "/",
        _ => UNKNOWN_WORKDIR,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_share_the_scope_they_see() {
        // Only RUNs keep a scope: a point of the walk's one log of the variables set, with
        // every variable set before them; the ARG and ENV steps keep none.
        let source = "FROM a\nARG A=1\nENV B=2\nRUN x\nRUN y\nARG C=3\nCOPY . .\nRUN z\n";
        let parse = layerlint_syntax::parse(source);
        let semantic = Semantic::new(&parse.file);
        let walk = FileWalk::new(&parse.file, &semantic);
        let steps = &walk.stages[0].steps;
        let kept: Vec<bool> = steps.iter().map(|s| s.scope.is_some()).collect();
        assert_eq!(kept, [false, false, true, true, false, false, true]);
        let scope = |i: usize| steps[i].scope.as_ref().expect("a RUN's scope");
        assert!(scope(2).same(scope(3)));
        assert!(!scope(3).same(scope(6)));
        let value = |i: usize, name: &str| {
            let scope = scope(i).view();
            scope.get_var(name)?.value.as_deref().map(str::to_owned)
        };
        assert_eq!(value(2, "A").as_deref(), Some("1"));
        assert_eq!(value(2, "B").as_deref(), Some("2"));
        assert_eq!(value(2, "C"), None);
        assert_eq!(value(6, "C").as_deref(), Some("3"));
        assert_eq!(walk.scopes.entries(), 3);
    }

    /// A working directory longer than a path can be is unknown, and a relative one after
    /// it starts from the unknown directory: the path held by a step stays within
    /// `PATH_MAX`, however long the chain of relative WORKDIRs.
    #[test]
    fn working_directories_stay_within_path_max() {
        let name = "d".repeat(99);
        let mut source = String::from("FROM scratch\n");
        for _ in 0..100 {
            source.push_str(&format!("WORKDIR {name}\nRUN true\n"));
        }
        let parse = layerlint_syntax::parse(&source);
        let semantic = Semantic::new(&parse.file);
        let walk = FileWalk::new(&parse.file, &semantic);
        let stage = &walk.stages[0];
        let workdirs: Vec<&str> = stage.steps.iter().map(|s| &*s.workdir).collect();
        // After the 40th WORKDIR: 40 names of 99 bytes, each after a `/`: 4,000 bytes.
        assert_eq!(workdirs[2 * 40].len(), 4000);
        assert!(workdirs[2 * 40].starts_with(&format!("/{name}/{name}/")));
        // The 41st would make 4,100 bytes, over the limit.
        assert_eq!(workdirs[2 * 41], UNKNOWN_WORKDIR);
        assert_eq!(workdirs[2 * 42], format!("{UNKNOWN_WORKDIR}/{name}"));
        assert!(workdirs.iter().all(|w| w.len() <= PATH_MAX));
        assert!(stage.exit_workdir.len() <= PATH_MAX);
        assert_ne!(&*stage.exit_workdir, UNKNOWN_WORKDIR);
    }

    /// The walk keeps each variable set once, however many RUNs see it: `n` ARG/RUN pairs
    /// hold `n` variables, not `n` scopes of up to `n`; a chain of stages each built on the
    /// one before, each setting one, holds one branch.
    #[test]
    fn variables_are_kept_once() {
        let n = 300;
        let mut pairs = String::from("FROM a\n");
        let mut chain = String::from("FROM a AS s0\n");
        for i in 1..=n {
            pairs.push_str(&format!("ARG V{i}=v{i}\nRUN echo $V1\n"));
            chain.push_str(&format!(
                "FROM s{} AS s{i}\nENV V{i}={i}\nRUN echo $V{i}\n",
                i - 1
            ));
        }
        for (source, branches) in [(pairs, 1), (chain, 1)] {
            let parse = layerlint_syntax::parse(&source);
            let semantic = Semantic::new(&parse.file);
            let walk = FileWalk::new(&parse.file, &semantic);
            assert_eq!(walk.scopes.entries(), n);
            assert_eq!(walk.scopes.branches(), branches);
            let last = walk.stages.last().and_then(|s| s.steps.last());
            let scope = last.and_then(|s| s.scope.as_ref()).expect("a RUN");
            assert_eq!(scope.view().names().count(), n);
            let value = |name: &str| {
                scope
                    .view()
                    .get_var(name)?
                    .value
                    .as_deref()
                    .map(str::to_owned)
            };
            assert!(value("V1").is_some_and(|v| v.ends_with('1')));
            assert!(value(&format!("V{n}")).is_some_and(|v| v.ends_with(&format!("{n}"))));
        }
    }

    /// At every RUN of every fixture (and of files made to branch), the walk's variables
    /// are the scope that replaying the stage from its start gives.
    #[test]
    fn run_scopes_are_the_replayed_scopes() {
        let mut sources = vec![
            "FROM a AS one\nARG A=1 B\nRUN x\nFROM one AS two\nENV A=2\nRUN y\nFROM one\nENV C=$A\nRUN z\nFROM two\nARG B=3 B=4\nRUN w\nFROM one\nRUN v\n".to_owned(),
            "FROM a AS one\nFROM one AS two\nENV X=1\nFROM one\nRUN a\nFROM two\nRUN b\n".to_owned(),
        ];
        let mut dirs = vec![std::path::PathBuf::from("../../fixtures")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("fixtures are readable") {
                let path = entry.expect("readable entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    sources.push(text);
                }
            }
        }
        assert!(sources.len() > 100, "read {} files", sources.len());
        let mut runs = 0;
        for source in &sources {
            let parse = layerlint_syntax::parse(source);
            let semantic = Semantic::new(&parse.file);
            let walk = FileWalk::new(&parse.file, &semantic);
            for step in walk.stages.iter().flat_map(|s| &s.steps) {
                let Some(scope) = &step.scope else { continue };
                runs += 1;
                let expected = semantic.scope_before(step.index);
                let view = scope.view();
                let mut names: Vec<&str> = expected.names().collect();
                names.sort_unstable();
                assert_eq!(view.names().collect::<Vec<_>>(), names, "{source}");
                for name in names.iter().copied().chain(["A", "B", "C", "X", "PATH"]) {
                    assert_eq!(
                        view.get_var(name),
                        expected.get_var(name),
                        "{name} in\n{source}"
                    );
                }
            }
        }
        assert!(runs > 100, "{runs} RUNs");
    }

    /// The walk's variables at a RUN against the replayed scope, over every name.
    fn assert_replayed(source: &str) {
        let parse = layerlint_syntax::parse(source);
        let semantic = Semantic::new(&parse.file);
        let walk = FileWalk::new(&parse.file, &semantic);
        for step in walk.stages.iter().flat_map(|s| &s.steps) {
            let Some(scope) = &step.scope else { continue };
            let expected = semantic.scope_before(step.index);
            let view = scope.view();
            let mut names: Vec<&str> = expected.names().collect();
            names.sort_unstable();
            assert_eq!(view.names().collect::<Vec<_>>(), names, "{source}");
            for name in names
                .iter()
                .copied()
                .chain(["A", "B", "C", "D", "X", "PATH"])
            {
                assert_eq!(
                    view.get_var(name),
                    expected.get_var(name),
                    "{name} in\n{source}"
                );
            }
        }
    }

    proptest::proptest! {
        /// Stages built on any earlier stage (branching the log, or continuing it), setting
        /// and setting again more names than a branch searches without its index.
        #[test]
        fn branching_walks_are_replayed(
            stages in proptest::collection::vec(
                (0usize..4, proptest::collection::vec((0usize..3, 0usize..40, 0usize..3), 0..45)),
                1..6,
            ),
        ) {
            let mut source = String::new();
            for (k, (base, lines)) in stages.iter().enumerate() {
                if *base == 0 || k == 0 {
                    source.push_str(&format!("FROM img AS s{k}\n"));
                } else {
                    source.push_str(&format!("FROM s{} AS s{k}\n", (base * 7) % k));
                }
                for &(kind, name, value) in lines {
                    let value = ["1", "$V3", "${V0}x"][value];
                    match kind {
                        0 => source.push_str(&format!("ARG V{name}={value}\n")),
                        1 => source.push_str(&format!("ENV V{name}={value} W=$V{name}\n")),
                        _ => source.push_str("RUN x\n"),
                    }
                }
                source.push_str("RUN y\n");
            }
            assert_replayed(&source);
        }
    }

    #[test]
    fn plain_words_expand_to_themselves() {
        // The shortcut for a text with nothing to expand gives what expansion gives, and
        // expansion is asked about every other text: every text of up to three units, under
        // both escape characters.
        let source = "FROM a\nARG A=x\nENV B=\"y z\"\nCOPY a b\n";
        let parse = layerlint_syntax::parse(source);
        let semantic = Semantic::new(&parse.file);
        let scope = semantic.scope_before(3);
        let units = [
            "a", "/", ".", " ", "$A", "${B}", "$C", "'", "\"", "\\", "`", "${", "é",
        ];
        for text in crate::paths::tests::every_string(&units, "", 3) {
            for escape in ['\\', '`'] {
                let (value, resolved) = expand_word(&scope, &text, escape);
                let expected = match scope.expand(&text, escape) {
                    Ok(e) => (e.result, e.unmatched.is_empty()),
                    Err(_) => (text.clone(), false),
                };
                assert_eq!(
                    (value.into_owned(), resolved),
                    expected,
                    "{text:?} {escape}"
                );
            }
        }
    }

    #[test]
    fn walk_resolves_copies() {
        let source = "ARG APP=/srv\nFROM node:20 AS build\nWORKDIR /app\nCOPY package*.json ./\nARG APP\nCOPY . $APP\nUSER node\nFROM build\nCOPY --from=build /app/dist dist\nFROM php:8\nCOPY src/ .\n";
        let parse = layerlint_syntax::parse(source);
        let semantic = Semantic::new(&parse.file);
        let walk = FileWalk::new(&parse.file, &semantic);
        let first = &walk.stages[0];
        let copy = first.steps[1].copy.as_deref().unwrap();
        assert_eq!(copy.sources, ["package*.json"]);
        assert_eq!(copy.dest, "/app");
        assert!(copy.dest_is_dir);
        let copy = first.steps[3].copy.as_deref().unwrap();
        assert_eq!(copy.sources, [""]);
        assert_eq!(copy.dest, "/srv");
        assert_eq!(first.exit_user.as_deref(), Some("node"));
        let second = &walk.stages[1];
        assert_eq!(&*second.steps[0].workdir, "/app");
        let copy = second.steps[0].copy.as_deref().unwrap();
        assert_eq!(copy.from, CopyFrom::Stage(0));
        assert_eq!(copy.dest, "/app/dist");
        let third = &walk.stages[2];
        assert_eq!(
            third.steps[0].copy.as_deref().unwrap().dest,
            "/var/www/html"
        );
        assert_eq!(
            image_name("docker.io/library/node:20").as_deref(),
            Some("node")
        );
        assert_eq!(image_name("ghcr.io/x/y:1").as_deref(), Some("ghcr.io/x/y"));
    }
}
