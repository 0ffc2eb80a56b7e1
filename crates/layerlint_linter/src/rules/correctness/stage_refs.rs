//! How `COPY --from=…` and `RUN --mount=…,from=…` name a stage, resolved as BuildKit
//! resolves them (`dockerfile2llb/convert.go` `toCommand`, `detectRunMount`): every stage
//! is registered before any reference is resolved, so a name finds the *last* stage of
//! that name anywhere in the file; a COPY (not a mount) may also give a stage index.
//! Anything else — `image:tag`, `registry/path`, a named build context — is pulled as an
//! image.

use layerlint_syntax::semantic::Semantic;
use layerlint_syntax::{Body, Instruction};
use layerlint_text::TextRange;

/// One reference to another stage (or image) in an instruction.
pub(crate) struct StageRef<'a> {
    /// As written (after BuildKit's flag parsing: quotes removed).
    pub(crate) name: &'a str,
    /// Where the value is in the source.
    pub(crate) range: TextRange,
    /// A `RUN --mount` option rather than `COPY --from`.
    pub(crate) mount: bool,
}

/// The `--from` of a COPY and the `from=` of each RUN mount, in order. An iterator, not a
/// collection: three rules ask of every COPY and RUN, and most have none.
pub(crate) fn stage_refs(instruction: &Instruction) -> impl Iterator<Item = StageRef<'_>> {
    let copy = match &instruction.body {
        Body::Copy(_) => instruction
            .flag("from")
            .and_then(|f| f.value.as_ref())
            .map(|value| StageRef {
                name: &value.text,
                range: value.range,
                mount: false,
            }),
        _ => None,
    };
    let mounts = match &instruction.body {
        Body::Run(run) => run.mounts.as_slice(),
        _ => &[],
    };
    copy.into_iter().chain(mounts.iter().filter_map(|mount| {
        let option = mount.options.iter().rev().find(|o| o.key == "from")?;
        let value = option.value.as_deref()?;
        Some(StageRef {
            name: value,
            range: option.range,
            mount: true,
        })
    }))
}

/// What a reference names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A stage, by name or index.
    Stage(usize),
    /// A number that is no stage's index (BuildKit: "invalid stage index").
    BadIndex,
    /// Something written with a variable: BuildKit refuses to expand `--from`.
    Variable,
    /// No stage: BuildKit pulls it as an image (or takes a named build context).
    NotAStage,
}

pub(crate) fn resolve(semantic: &Semantic, reference: &StageRef<'_>) -> Resolved {
    let name = reference.name;
    if name.contains('$') {
        return Resolved::Variable;
    }
    if let Some(stage) = semantic.stage_named(name) {
        return Resolved::Stage(stage.index);
    }
    if !reference.mount
        && let Ok(index) = name.parse::<i64>()
    {
        return match usize::try_from(index) {
            Ok(index) if index < semantic.stages.len() => Resolved::Stage(index),
            _ => Resolved::BadIndex,
        };
    }
    Resolved::NotAStage
}

/// The stage for messages: `` `assets` ``, `` 3 (`tools`) `` when referenced by index,
/// `3` for a stage without a name.
pub(crate) fn describe(semantic: &Semantic, stage: usize, reference: &StageRef<'_>) -> String {
    match semantic.stages.get(stage).and_then(|s| s.name.as_deref()) {
        Some(name) if name.eq_ignore_ascii_case(reference.name) => format!("`{name}`"),
        Some(name) => format!("{stage} (`{name}`)"),
        None => format!("{stage}"),
    }
}
