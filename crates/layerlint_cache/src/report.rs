//! The `layerlint cache` report: a file's layers, and for each changed path which layers
//! rebuild — for the file as written and as the optimizer would rewrite it — with the
//! number of dependency installs that run again.

use std::fmt::Write as _;

use layerlint_text::LineIndex;
use serde::Serialize;

use crate::BuildContext;
use crate::model::{Cause, LayerModel, Rebuild, StageBase};
use crate::optimize::optimize_source;

/// One layer, for people.
#[derive(Clone, Debug, Serialize)]
pub struct LayerLine {
    pub stage: usize,
    /// 1-based line of the instruction.
    pub line: u32,
    pub instruction: String,
    /// Dependency installs it runs (`npm`, `pip`).
    pub installs: Vec<String>,
    /// How many files of the build context it copies, when the context is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_files: Option<usize>,
}

/// A stage's layers.
#[derive(Clone, Debug, Serialize)]
pub struct StageSummary {
    pub index: usize,
    pub name: Option<String>,
    /// `node:20`, `stage 0`, `scratch`.
    pub base: String,
    /// Built by `docker build` without `--target`.
    pub built: bool,
    pub layers: Vec<LayerLine>,
}

/// What one change rebuilds in one version of the file.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// The first layer whose cache breaks (in the first stage where one does).
    pub first_miss: Option<LayerLine>,
    /// Every layer that rebuilds, in built stages.
    pub rebuilt: Vec<LayerLine>,
    /// How many layers the built stages have.
    pub layers: usize,
    /// Dependency installs that run again.
    pub installs_rerun: usize,
}

/// One changed path.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub path: String,
    /// Docker leaves the path out of the context: nothing rebuilds.
    pub ignored: bool,
    pub as_written: Outcome,
    pub optimized: Outcome,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct CacheReport {
    pub file: String,
    /// The build context directory, when on disk.
    pub context: Option<String>,
    pub stages: Vec<StageSummary>,
    /// The dependency installs of the built stages.
    pub installs: usize,
    /// Whether the optimizer rewrites the file.
    pub optimizer_rewrites: bool,
    /// The layers of the file as the optimizer would rewrite it.
    pub optimized_stages: Vec<StageSummary>,
    pub changes: Vec<Change>,
    /// Why no change is reported, when none is.
    pub note: Option<String>,
}

struct Version {
    source: String,
    model: LayerModel,
    index: LineIndex,
}

impl Version {
    fn new(source: String, context: Option<&BuildContext>) -> Version {
        let model = LayerModel::of_source(&source, context);
        let index = LineIndex::new(&source);
        Version {
            source,
            model,
            index,
        }
    }

    fn line(&self, stage: usize, position: usize) -> LayerLine {
        let layer = &self.model.stages[stage].layers[position];
        LayerLine {
            stage,
            line: self.index.position(layer.range.start(), &self.source).line,
            instruction: layer.summary.clone(),
            installs: layer.installs.iter().map(|e| e.name().to_owned()).collect(),
            context_files: layer.inputs.context_files,
        }
    }

    fn stages(&self) -> Vec<StageSummary> {
        self.model
            .stages
            .iter()
            .map(|stage| StageSummary {
                index: stage.index,
                name: stage.name.clone(),
                base: match &stage.base {
                    StageBase::Image(image) => image.clone(),
                    StageBase::Stage(parent) => match &self.model.stages[*parent].name {
                        Some(name) => format!("stage {parent} ({name})"),
                        None => format!("stage {parent}"),
                    },
                    StageBase::Scratch => "scratch".to_owned(),
                    StageBase::Unknown => "?".to_owned(),
                },
                built: stage.reachable,
                layers: (0..stage.layers.len())
                    .map(|p| self.line(stage.index, p))
                    .collect(),
            })
            .collect()
    }

    fn outcome(&self, path: &str) -> Outcome {
        let rebuild: Rebuild = self.model.rebuild(&[path.to_owned()]);
        let mut first_miss = None;
        let mut rebuilt = Vec::new();
        let mut layers = 0;
        for (stage, result) in self.model.stages.iter().zip(&rebuild.stages) {
            if !stage.reachable {
                continue;
            }
            layers += stage.layers.len();
            if first_miss.is_none()
                && let Some(p) = result.first_miss
                && matches!(result.cause, Some(Cause::Copies(_)))
            {
                first_miss = Some(self.line(stage.index, p));
            }
            for (p, is_rebuilt) in result.rebuilt.iter().enumerate() {
                if *is_rebuilt {
                    rebuilt.push(self.line(stage.index, p));
                }
            }
        }
        Outcome {
            first_miss,
            rebuilt,
            layers,
            installs_rerun: self.model.installs_rerun(&rebuild),
        }
    }
}

impl CacheReport {
    /// The report for `source` (named `file` in the output), with its build context, for
    /// the `changed` paths (default: a representative source file of the context).
    pub fn new(
        source: &str,
        file: &str,
        context: Option<&BuildContext>,
        changed: &[String],
    ) -> CacheReport {
        let written = Version::new(source.to_owned(), context);
        let optimized = Version::new(optimize_source(source, context), context);
        let mut note = None;
        let changed: Vec<String> = if changed.is_empty() {
            match context.and_then(|c| written.model.representative_path(c)) {
                Some(path) => vec![path],
                None => {
                    note = Some(match context {
                        Some(_) => "no source file of the build context is copied; give paths with --changed".to_owned(),
                        None => "no build context: give paths with --changed".to_owned(),
                    });
                    Vec::new()
                }
            }
        } else {
            changed.to_vec()
        };
        let changes = changed
            .iter()
            .map(|path| Change {
                path: path.clone(),
                ignored: context.is_some_and(|c| c.is_ignored(path)),
                as_written: written.outcome(path),
                optimized: optimized.outcome(path),
            })
            .collect();
        CacheReport {
            file: file.to_owned(),
            context: context
                .and_then(|c| c.root())
                .map(|p| p.display().to_string()),
            stages: written.stages(),
            installs: written.model.install_count(),
            optimizer_rewrites: optimized.source != written.source,
            optimized_stages: optimized.stages(),
            changes,
            note,
        }
    }

    /// The report as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The report for people.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let layers: usize = self
            .stages
            .iter()
            .filter(|s| s.built)
            .map(|s| s.layers.len())
            .sum();
        let _ = writeln!(
            out,
            "{}: {} stage{}, {layers} layer{} built, {} dependency install{}",
            self.file,
            self.stages.len(),
            plural(self.stages.len()),
            plural(layers),
            self.installs,
            plural(self.installs)
        );
        write_stages(&mut out, &self.stages);
        if self.optimizer_rewrites {
            out.push_str("\nas the optimizer rewrites it:\n");
            write_stages(&mut out, &self.optimized_stages);
        }
        for change in &self.changes {
            let _ = writeln!(out, "\nchanged: {}", change.path);
            if change.ignored {
                out.push_str(
                    "  .dockerignore leaves it out of the build context: nothing rebuilds\n",
                );
                continue;
            }
            write_outcome(&mut out, "as written", &change.as_written);
            if self.optimizer_rewrites {
                write_outcome(&mut out, "optimized", &change.optimized);
            } else {
                out.push_str("  optimized:  the optimizer does not change this file\n");
            }
        }
        if let Some(note) = &self.note {
            let _ = writeln!(out, "\n{note}");
        }
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn write_stages(out: &mut String, stages: &[StageSummary]) {
    for stage in stages {
        let name = stage
            .name
            .as_deref()
            .map(|n| format!(" {n}"))
            .unwrap_or_default();
        let built = if stage.built {
            ""
        } else {
            ", not built by default"
        };
        let _ = writeln!(
            out,
            "  stage {}{name} (from {}{built})",
            stage.index, stage.base
        );
        for layer in &stage.layers {
            let installs = if layer.installs.is_empty() {
                String::new()
            } else {
                format!("  [install: {}]", layer.installs.join(", "))
            };
            let files = match layer.context_files {
                Some(n) => format!("  ({n} file{} of the context)", plural(n)),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "    {:>4}  {}{installs}{files}",
                layer.line, layer.instruction
            );
        }
    }
}

fn write_outcome(out: &mut String, label: &str, outcome: &Outcome) {
    match &outcome.first_miss {
        None => {
            let _ = writeln!(
                out,
                "  {:<12}no layer copies it; nothing rebuilds",
                format!("{label}:")
            );
        }
        Some(first) => {
            let _ = writeln!(
                out,
                "  {:<12}cache breaks at line {} `{}`; {} of {} layers rebuild; dependency installs re-run: {}",
                format!("{label}:"),
                first.line,
                first.instruction,
                outcome.rebuilt.len(),
                outcome.layers,
                outcome.installs_rerun
            );
            for layer in &outcome.rebuilt {
                let installs = if layer.installs.is_empty() {
                    ""
                } else {
                    "  (install)"
                };
                let _ = writeln!(
                    out,
                    "      {:>4}  {}{installs}",
                    layer.line, layer.instruction
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_before_and_after() {
        let context = BuildContext::in_memory([
            ("package.json", r#"{"scripts": {"build": "tsc"}}"#),
            ("package-lock.json", "{}"),
            ("src/index.ts", ""),
            (".dockerignore", "node_modules\n"),
        ]);
        let source = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\n";
        let report = CacheReport::new(source, "Dockerfile", Some(&context), &[]);
        assert_eq!(report.changes.len(), 1);
        assert_eq!(report.changes[0].path, "src/index.ts");
        assert_eq!(report.changes[0].as_written.installs_rerun, 1);
        assert_eq!(report.changes[0].optimized.installs_rerun, 0);
        assert!(report.to_text().contains("dependency installs re-run: 0"));
        assert!(report.to_json().contains("\"installs_rerun\": 1"));
    }
}
