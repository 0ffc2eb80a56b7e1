use layerlint_syntax::InstructionKind;

use super::stage_refs::{Resolved, resolve, stage_refs};
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=…` (and `RUN --mount=from=…`) naming a stage that does not
    /// exist, when the name is clearly meant for a stage: a plain name close to the name
    /// of an earlier stage (`buidl` for `build`), the last part of one (`set` for
    /// `license-set`), or a name stages are conventionally given and no official image
    /// has (`builder`, `build`, `deps`, `runtime`, …). Also reports a stage index that is
    /// out of range (`--from=3` in a file with two stages).
    ///
    /// Not reported, because `--from` may rightly name something other than a stage:
    /// an image (`--from=nginx:1.27`, `--from=ghcr.io/org/tool`, `--from=busybox`), a
    /// named build context (`docker buildx build --build-context assets=./assets`), or
    /// any other plain name. Names written with a variable are left to BuildKit, which
    /// refuses to expand `--from`.
    ///
    /// ## Why is this bad?
    /// A name that is no stage is pulled as an image: `COPY --from=buidl /app /app` fails
    /// with `pull access denied, repository does not exist` for `docker.io/library/buidl`
    /// — or, worse, copies from whatever image of that name exists. An index beyond the
    /// last stage fails with `invalid stage index`.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    ///
    /// FROM alpine:3.20
    /// COPY --from=buid /out/app /usr/local/bin/app
    /// ```
    ///
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY --from=builder /app/dist ./dist
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    ///
    /// FROM alpine:3.20
    /// COPY --from=build /out/app /usr/local/bin/app
    /// COPY --from=nginx:1.27 /etc/nginx/mime.types /etc/mime.types
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the intended stage is a guess; the message names the closest one.
    pub(crate) struct CopyFromUnknownStage {
        code: "LL120",
        name: "copy-from-unknown-stage",
        category: Correctness,
        severity: Error,
        fix: None,
        summary: "`COPY --from` names a stage that does not exist",
        equivalents: [Hadolint("DL3022")],
    }
}

impl Check for CopyFromUnknownStage {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Copy, InstructionKind::Run]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let Some(current) = node.stage else { return };
        for reference in stage_refs(node.instruction) {
            let option = if reference.mount { "from=" } else { "--from=" };
            match resolve(cx.semantic, &reference) {
                Resolved::BadIndex => {
                    let count = cx.semantic.stages.len();
                    cx.report(
                        reference.range,
                        format!(
                            "`{option}{}` is no stage index: this file has {count} stage{}, numbered from 0",
                            reference.name,
                            if count == 1 { "" } else { "s" }
                        ),
                    );
                }
                Resolved::NotAStage => {
                    if is_image_name(cx, reference.name) {
                        continue;
                    }
                    let pulled = format!(
                        "a name that is no stage is pulled as an image: this one as `docker.io/library/{}`",
                        reference.name.to_lowercase()
                    );
                    let Some(suggestion) = misspelt_stage(cx, reference.name, current.index) else {
                        if is_conventional_stage_name(reference.name) {
                            cx.report(
                                reference.range,
                                format!("no stage is named `{}`", reference.name),
                            )
                            .note(format!(
                                "{pulled}, which does not exist; name a stage `{}` (`FROM … AS {}`) or pass a build context of that name",
                                reference.name, reference.name
                            ));
                        }
                        continue;
                    };
                    let related = cx
                        .semantic
                        .stage_named(&suggestion)
                        .and_then(|s| s.name_range);
                    let report = cx
                        .report(
                            reference.range,
                            format!(
                                "no stage is named `{}`; did you mean `{suggestion}`?",
                                reference.name
                            ),
                        )
                        .note(pulled);
                    if let Some(range) = related {
                        report.related(range, format!("stage `{suggestion}`"));
                    }
                }
                Resolved::Stage(_) | Resolved::Variable => {}
            }
        }
    }
}

/// Whether `name` is an image reference rather than a plain name: it has a tag, a
/// digest, a registry or a path, or it is an image the file itself builds on
/// (`FROM node:20 AS build` … `--from=node`).
fn is_image_name(cx: &Context<'_>, name: &str) -> bool {
    if name.is_empty() || name.contains([':', '/', '@']) {
        return true;
    }
    let lower = name.to_lowercase();
    cx.semantic.stages.iter().any(|stage| {
        stage
            .image()
            .is_some_and(|image| image.path.rsplit('/').next() == Some(lower.as_str()))
    })
}

/// The earlier stage the plain name `name` is a misspelling of (`buidl` for `build`), or
/// the last `-`/`_`-separated part of (`set` for `license-set`).
fn misspelt_stage(cx: &Context<'_>, name: &str, current: usize) -> Option<String> {
    let lower = name.to_lowercase();
    let earlier = || {
        cx.semantic
            .stages
            .iter()
            .take(current)
            .filter_map(|stage| stage.name.as_deref())
    };
    let limit = (lower.chars().count() / 3).max(1);
    let close = earlier()
        .map(|candidate| (edit_distance(&lower, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate.to_owned());
    if lower.len() < 3 {
        return close;
    }
    close.or_else(|| {
        // The last stage so named wins, as in BuildKit.
        earlier()
            .rfind(|candidate| {
                candidate
                    .strip_suffix(lower.as_str())
                    .is_some_and(|head| head.ends_with(['-', '_']) && head.len() > 1)
            })
            .map(str::to_owned)
    })
}

/// Names stages are conventionally given that no Docker official image has: used as a
/// `--from` without such a stage, the pull of `docker.io/library/<name>` fails.
const CONVENTIONAL_STAGE_NAMES: [&str; 16] = [
    "build",
    "builder",
    "build-env",
    "deps",
    "dependencies",
    "compile",
    "compiler",
    "dev",
    "development",
    "prod",
    "production",
    "runtime",
    "release",
    "final",
    "installer",
    "packager",
];

fn is_conventional_stage_name(name: &str) -> bool {
    CONVENTIONAL_STAGE_NAMES
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name))
}

/// Edits between two names, a swap of neighbours counting as one (`buidl` → `build`):
/// the optimal string alignment distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("buidl", "build"), 1);
        assert_eq!(edit_distance("biuld", "build"), 1);
        assert_eq!(edit_distance("asets", "assets"), 1);
        assert_eq!(edit_distance("builder", "build"), 2);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
