use layerlint_syntax::InstructionKind;
use layerlint_syntax::image::ImageRef;
use layerlint_syntax::semantic::Base;

use super::stage_refs::{Resolved, resolve, stage_refs};
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=…` (and `RUN --mount=from=…`) naming a stage that does not
    /// exist, when the name is clearly a misspelt stage name: a plain name, close to the
    /// name of an earlier stage. Also reports a stage index that is out of range
    /// (`--from=3` in a file with two stages).
    ///
    /// Not reported, because `--from` may rightly name something other than a stage:
    /// an image (`--from=nginx:1.27`, `--from=ghcr.io/org/tool`, `--from=busybox`), a
    /// named build context (`docker buildx build --build-context assets=./assets`), or
    /// any plain name that is not close to a stage name. Names written with a variable
    /// are left to BuildKit, which refuses to expand `--from`.
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
                    let Some(suggestion) = misspelt_stage(cx, reference.name, current.index) else {
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
                        .note(format!(
                            "a name that is no stage is pulled as an image: this one as `docker.io/library/{}`",
                            reference.name.to_lowercase()
                        ));
                    if let Some(range) = related {
                        report.related(range, format!("stage `{suggestion}`"));
                    }
                }
                Resolved::Stage(_) | Resolved::Variable => {}
            }
        }
    }
}

/// The earlier stage `name` is a misspelling of, when `name` can only be a stage name.
fn misspelt_stage(cx: &Context<'_>, name: &str, current: usize) -> Option<String> {
    // Tags, digests, registries and paths make it an image reference.
    if name.is_empty() || name.contains([':', '/', '@']) {
        return None;
    }
    let lower = name.to_lowercase();
    // An image the file itself uses as a base (`FROM node:20 AS build` … `--from=node`).
    let is_base_image = cx.semantic.stages.iter().any(|stage| match &stage.base {
        Base::Image {
            resolved: Some(resolved),
            ..
        } => ImageRef::parse(resolved)
            .is_ok_and(|image| image.path.rsplit('/').next() == Some(lower.as_str())),
        _ => false,
    });
    if is_base_image {
        return None;
    }
    let limit = (lower.chars().count() / 3).max(1);
    cx.semantic
        .stages
        .iter()
        .take(current)
        .filter_map(|stage| stage.name.as_deref())
        .map(|candidate| (edit_distance(&lower, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate.to_owned())
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
