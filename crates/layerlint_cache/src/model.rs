//! The layer model: per stage, the instructions that make layers (RUN, COPY, ADD) and what
//! each one's cache key depends on — the files it copies from the build context or from
//! another stage, its command, its mounts, the ARG and ENV values in effect, and the layer
//! before it. From that: which layer's cache breaks first when a context path changes, and
//! which layers rebuild.
//!
//! A layer rebuilds when its own inputs change (a copied context file changed, a stage it
//! copies or mounts from rebuilt), or when any earlier layer of its stage rebuilds, or when
//! the stage it is built `FROM` rebuilds. (BuildKit checksums the files a `COPY --from`
//! takes, so a rebuilt stage that produces the same files may still hit the cache; the
//! model says "rebuilds", the cautious answer.)

use layerlint_syntax::semantic::{Base, Semantic};
use layerlint_syntax::{Body, Dockerfile};
use layerlint_text::TextRange;
use serde::Serialize;

use crate::BuildContext;
use crate::classify::{self, InstallKind, RunSite, UnknownProject};
use crate::ecosystem::Ecosystem;
use crate::paths::{self, glob_match, has_wildcards, is_within};
use crate::scopes::ScopeAt;
use crate::stage::{CopyFrom, FileWalk};

/// What a stage is built on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "name")]
pub enum StageBase {
    Image(String),
    Stage(usize),
    Scratch,
    Unknown,
}

/// The inputs of one layer's cache key.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LayerInputs {
    /// Context paths it copies or bind-mounts (`""`: the whole context; may hold wildcards).
    pub context: Vec<String>,
    /// With the build context known: how many of its files those take (what `.dockerignore`
    /// leaves out not counted), and the first of them.
    pub context_files: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub context_sample: Vec<String>,
    /// Stages it copies or mounts from.
    pub stages: Vec<usize>,
    /// Images, named contexts and URLs it reads.
    pub external: Vec<String>,
    /// The command (RUN) or the instruction's arguments (COPY, ADD).
    pub command: String,
    /// `--mount` options as written.
    pub mounts: Vec<String>,
    /// ARG and ENV values a RUN sees (`NAME=value`).
    pub variables: Variables,
    pub workdir: String,
    pub user: Option<String>,
}

/// The ARG and ENV values a RUN sees, listed (`NAME=value`, by name) when asked: a point
/// of the file's shared variables, not a list per RUN (listing every variable for every
/// RUN took a generated file's time and memory by the square of their number; nothing
/// reads them but this list and its serialization).
#[derive(Clone, Debug, Default)]
pub struct Variables(Option<ScopeAt>);

impl Variables {
    /// `NAME=value` for each variable with a value, by name.
    pub fn list(&self) -> Vec<String> {
        let Some(scope) = &self.0 else {
            return Vec::new();
        };
        scope
            .view()
            .vars()
            .into_iter()
            .filter_map(|(name, var)| Some(format!("{name}={}", var.value.as_deref()?)))
            .collect()
    }
}

impl Serialize for Variables {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.list().serialize(serializer)
    }
}

/// A layer: a RUN, COPY or ADD.
#[derive(Clone, Debug, Serialize)]
pub struct Layer {
    /// The instruction's index in the file.
    pub instruction: usize,
    #[serde(skip)]
    pub range: TextRange,
    pub kind: String,
    /// The instruction's first line, shortened.
    pub summary: String,
    pub inputs: LayerInputs,
    /// Dependency installs the RUN performs.
    pub installs: Vec<Ecosystem>,
    /// Builds that fetch dependencies on the way (`go build`).
    pub builds: Vec<Ecosystem>,
}

impl Layer {
    /// Whether the layer installs dependencies.
    pub fn is_install(&self) -> bool {
        !self.installs.is_empty()
    }
}

/// A stage's layers.
#[derive(Clone, Debug, Serialize)]
pub struct StageLayers {
    pub index: usize,
    pub name: Option<String>,
    pub base: StageBase,
    /// Whether `docker build` (no `--target`) builds it.
    pub reachable: bool,
    pub layers: Vec<Layer>,
}

/// Every stage's layers.
#[derive(Clone, Debug, Serialize)]
pub struct LayerModel {
    pub stages: Vec<StageLayers>,
    /// The `.dockerignore` in force, to leave ignored paths out.
    #[serde(skip)]
    ignore: Option<crate::DockerIgnore>,
}

/// Why a layer is the first to rebuild in its stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum Cause {
    /// It copies (or mounts) the changed path.
    Copies(String),
    /// It copies or mounts files from a stage that rebuilds.
    Stage(usize),
    /// The stage it is built on rebuilds.
    Base(usize),
}

/// What rebuilds in one stage.
#[derive(Clone, Debug, Serialize)]
pub struct StageRebuild {
    pub stage: usize,
    /// The position (in [`StageLayers::layers`]) of the first layer whose cache breaks.
    pub first_miss: Option<usize>,
    pub cause: Option<Cause>,
    /// Per layer: whether it rebuilds.
    pub rebuilt: Vec<bool>,
}

/// What rebuilds in the whole file.
#[derive(Clone, Debug, Serialize)]
pub struct Rebuild {
    pub stages: Vec<StageRebuild>,
}

impl LayerModel {
    /// Builds the model of a parsed file; `context` resolves what `COPY` sources hold and
    /// which paths `.dockerignore` leaves out.
    pub fn new(
        file: &Dockerfile,
        semantic: &Semantic,
        context: Option<&BuildContext>,
    ) -> LayerModel {
        let walk = FileWalk::new(file, semantic);
        let reachable = semantic.reachable_from_final(file);
        let files: Vec<String> = context
            .map(|c| {
                c.files()
                    .into_iter()
                    .filter(|f| !f.ends_with('/') && !c.is_ignored(f))
                    .collect()
            })
            .unwrap_or_default();
        let instructions = file.instructions();
        let parsed = crate::script::ParsedScripts::default();
        let mut stages = Vec::new();
        for (stage, walked) in semantic.stages.iter().zip(&walk.stages) {
            let base = match &stage.base {
                Base::Image {
                    resolved, written, ..
                } => StageBase::Image(resolved.clone().unwrap_or_else(|| written.clone())),
                Base::Stage(parent) => StageBase::Stage(*parent),
                Base::Scratch => StageBase::Scratch,
                Base::Missing => StageBase::Unknown,
            };
            let mut layers = Vec::new();
            for step in &walked.steps {
                let instruction = &instructions[step.index];
                if !step.kind.makes_layer() {
                    continue;
                }
                let mut inputs = LayerInputs {
                    command: file.text(instruction.args).to_owned(),
                    workdir: step.workdir.to_string(),
                    user: step.user.as_deref().map(str::to_owned),
                    ..LayerInputs::default()
                };
                let mut installs = Vec::new();
                let mut builds = Vec::new();
                if let Some(copy) = &step.copy {
                    match &copy.from {
                        CopyFrom::Context => {
                            for source in &copy.sources {
                                if crate::stage::CopyStep::is_url(source) {
                                    inputs.external.push(source.clone());
                                } else {
                                    inputs.context.push(source.clone());
                                }
                            }
                        }
                        CopyFrom::Stage(s) => inputs.stages.push(*s),
                        CopyFrom::Other(name) => inputs.external.push(name.clone()),
                    }
                }
                if let Body::Run(run) = &instruction.body {
                    for mount in &run.mounts {
                        inputs.mounts.push(file.text(mount.range).to_owned());
                        if mount.kind == layerlint_syntax::mount::MountKind::Bind {
                            match mount.from() {
                                None => inputs
                                    .context
                                    .push(paths::context_path(mount.source().unwrap_or("."))),
                                Some(from) => match semantic.stage_named(from) {
                                    Some(s) => inputs.stages.push(s.index),
                                    None => inputs.external.push(from.to_owned()),
                                },
                            }
                        }
                    }
                    inputs.variables = Variables(step.scope.clone());
                    if let Some(scripts) =
                        crate::script::run_scripts(file, instruction, &step.shell, &parsed)
                    {
                        let site = RunSite {
                            workdir: &step.workdir,
                            home: "/root",
                            project_dirs: &[],
                            project: &UnknownProject,
                            scope: step.scope.as_ref().map(ScopeAt::view),
                        };
                        let analysis = classify::analyze(&scripts, &site);
                        for install in analysis.installs {
                            match install.kind {
                                InstallKind::Install => installs.push(install.ecosystem),
                                InstallKind::Build => builds.push(install.ecosystem),
                            }
                        }
                        installs.dedup();
                        builds.dedup();
                    }
                }
                if context.is_some() && !inputs.context.is_empty() {
                    let taken: Vec<&String> = files
                        .iter()
                        .filter(|f| inputs.context.iter().any(|i| Self::input_takes(i, f)))
                        .collect();
                    inputs.context_files = Some(taken.len());
                    inputs.context_sample = taken.iter().take(20).map(|f| (*f).clone()).collect();
                }
                layers.push(Layer {
                    instruction: step.index,
                    range: instruction.range,
                    kind: instruction.kind.as_str().to_owned(),
                    summary: classify::short(file.text(instruction.range)),
                    inputs,
                    installs,
                    builds,
                });
            }
            stages.push(StageLayers {
                index: stage.index,
                name: stage.name.clone(),
                base,
                reachable: reachable.get(stage.index).copied().unwrap_or(false),
                layers,
            });
        }
        LayerModel {
            stages,
            ignore: context.and_then(|c| c.dockerignore().cloned()),
        }
    }

    /// Parses `source` and builds its model.
    pub fn of_source(source: &str, context: Option<&BuildContext>) -> LayerModel {
        let parse = layerlint_syntax::parse(source);
        let semantic = Semantic::new(&parse.file);
        LayerModel::new(&parse.file, &semantic, context)
    }

    /// Whether a context input (a path or pattern, `""` for the root) takes `path`.
    pub fn input_takes(input: &str, path: &str) -> bool {
        if input.is_empty() {
            return true;
        }
        if has_wildcards(input) {
            let depth = input.split('/').count();
            let parts: Vec<&str> = path.split('/').collect();
            if parts.len() < depth {
                return false;
            }
            return glob_match(input, &parts[..depth].join("/"));
        }
        is_within(path, input)
    }

    /// What rebuilds when the context paths `changed` change.
    pub fn rebuild(&self, changed: &[String]) -> Rebuild {
        let changed: Vec<String> = changed
            .iter()
            .map(|c| paths::context_path(c))
            .filter(|c| !self.ignore.as_ref().is_some_and(|i| i.matches(c)))
            .collect();
        let mut out: Vec<StageRebuild> = Vec::with_capacity(self.stages.len());
        for stage in &self.stages {
            let stage_rebuilt = |s: usize, out: &[StageRebuild]| {
                out.get(s).is_some_and(|r| r.rebuilt.iter().any(|b| *b))
            };
            let mut cause = match stage.base {
                StageBase::Stage(parent) if stage_rebuilt(parent, &out) => {
                    Some(Cause::Base(parent))
                }
                _ => None,
            };
            let mut first_miss = cause
                .as_ref()
                .map(|_| 0)
                .filter(|_| !stage.layers.is_empty());
            let mut rebuilding = cause.is_some();
            let mut rebuilt = Vec::with_capacity(stage.layers.len());
            for (position, layer) in stage.layers.iter().enumerate() {
                if !rebuilding {
                    let own = changed
                        .iter()
                        .find(|c| layer.inputs.context.iter().any(|i| Self::input_takes(i, c)))
                        .map(|c| Cause::Copies(c.clone()))
                        .or_else(|| {
                            layer
                                .inputs
                                .stages
                                .iter()
                                .find(|s| stage_rebuilt(**s, &out))
                                .map(|s| Cause::Stage(*s))
                        });
                    if let Some(own) = own {
                        rebuilding = true;
                        cause = Some(own);
                        first_miss = Some(position);
                    }
                }
                rebuilt.push(rebuilding);
            }
            out.push(StageRebuild {
                stage: stage.index,
                first_miss,
                cause,
                rebuilt,
            });
        }
        Rebuild { stages: out }
    }

    /// How many dependency installs rerun in the stages `docker build` builds.
    pub fn installs_rerun(&self, rebuild: &Rebuild) -> usize {
        self.stages
            .iter()
            .zip(&rebuild.stages)
            .filter(|(stage, _)| stage.reachable)
            .map(|(stage, r)| {
                stage
                    .layers
                    .iter()
                    .zip(&r.rebuilt)
                    .filter(|(layer, rebuilt)| **rebuilt && layer.is_install())
                    .count()
            })
            .sum()
    }

    /// How many dependency installs the reachable stages run.
    pub fn install_count(&self) -> usize {
        self.stages
            .iter()
            .filter(|s| s.reachable)
            .flat_map(|s| &s.layers)
            .filter(|l| l.is_install())
            .count()
    }

    /// A source file of the context that a layer copies and that is not a manifest: the
    /// default path to ask "what rebuilds" about.
    pub fn representative_path(&self, context: &BuildContext) -> Option<String> {
        let files = context.files();
        let copied = |path: &str| {
            self.stages.iter().filter(|s| s.reachable).any(|s| {
                s.layers
                    .iter()
                    .any(|l| l.inputs.context.iter().any(|i| Self::input_takes(i, path)))
            })
        };
        let score = |path: &str| -> (u8, u8, usize) {
            let name = paths::base_name(path);
            let code = [
                ".ts", ".tsx", ".js", ".jsx", ".mjs", ".py", ".go", ".rs", ".java", ".kt", ".rb",
                ".php", ".cs", ".fs", ".ex", ".exs", ".scala", ".swift", ".c", ".cpp", ".vue",
                ".svelte",
            ]
            .iter()
            .any(|e| name.ends_with(e));
            let in_source_dir = ["src/", "app/", "lib/", "cmd/", "pkg/", "internal/"]
                .iter()
                .any(|d| path.starts_with(d));
            (u8::from(!code), u8::from(!in_source_dir), path.len())
        };
        files
            .iter()
            .filter(|f| !f.ends_with('/'))
            .filter(|f| !context.is_ignored(f))
            .filter(|f| {
                let name = paths::base_name(f);
                !Ecosystem::is_manifest_name(name)
                    && !name.starts_with("Dockerfile")
                    && !name.ends_with(".dockerignore")
                    && !name.ends_with(".Dockerfile")
                    && !name.starts_with('.')
            })
            .filter(|f| copied(f))
            .min_by_key(|f| score(f))
            .cloned()
    }

    /// The layer of instruction `index`.
    pub fn layer_of(&self, index: usize) -> Option<(&StageLayers, usize)> {
        self.stages.iter().find_map(|s| {
            s.layers
                .iter()
                .position(|l| l.instruction == index)
                .map(|p| (s, p))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODE: &str = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install\nRUN npx prisma generate\nRUN npm run build\nEXPOSE 3000\nCMD [\"node\", \"dist/index.js\"]\n";

    #[test]
    fn source_edit_rebuilds_from_the_copy() {
        let context = BuildContext::in_memory([
            ("package.json", "{}"),
            ("src/index.ts", ""),
            (".dockerignore", "node_modules\n"),
        ]);
        let model = LayerModel::of_source(NODE, Some(&context));
        let stage = &model.stages[0];
        assert_eq!(stage.layers.len(), 4);
        assert_eq!(stage.layers[1].installs, [Ecosystem::Npm]);
        // `COPY . .` takes the context's files but what .dockerignore leaves out.
        assert_eq!(stage.layers[0].inputs.context_files, Some(3));
        let rebuild = model.rebuild(&["src/index.ts".to_owned()]);
        assert_eq!(rebuild.stages[0].first_miss, Some(0));
        assert_eq!(rebuild.stages[0].rebuilt, [true, true, true, true]);
        assert_eq!(model.installs_rerun(&rebuild), 1);
        // Ignored paths are not in the context.
        let rebuild = model.rebuild(&["node_modules/x/index.js".to_owned()]);
        assert_eq!(rebuild.stages[0].first_miss, None);
        assert_eq!(
            model.representative_path(&context).as_deref(),
            Some("src/index.ts")
        );
    }

    #[test]
    fn manifests_first_keeps_the_install() {
        let source = "FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n";
        let model = LayerModel::of_source(source, None);
        let rebuild = model.rebuild(&["src/index.ts".to_owned()]);
        assert_eq!(rebuild.stages[0].first_miss, Some(2));
        assert_eq!(model.installs_rerun(&rebuild), 0);
        let rebuild = model.rebuild(&["package.json".to_owned()]);
        assert_eq!(rebuild.stages[0].first_miss, Some(0));
        assert_eq!(model.installs_rerun(&rebuild), 1);
    }

    #[test]
    fn stages_propagate() {
        let source = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /bin/app\nFROM alpine:3.20 AS unused\nRUN echo\nFROM gcr.io/distroless/static\nCOPY --from=build /bin/app /app\n";
        let model = LayerModel::of_source(source, None);
        assert!(!model.stages[1].reachable);
        let rebuild = model.rebuild(&["main.go".to_owned()]);
        assert_eq!(rebuild.stages[0].first_miss, Some(2));
        assert_eq!(rebuild.stages[2].cause, Some(Cause::Stage(0)));
        assert_eq!(rebuild.stages[1].first_miss, None);
        assert_eq!(model.stages[0].layers[3].builds, [Ecosystem::Go]);
    }
}
