use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::{Body, InstructionKind, Word};
use layerlint_text::{TextRange, TextSize};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports a stage name (after `AS`) that is not all lower-case.
    ///
    /// ## Why is this bad?
    /// BuildKit lower-cases stage names: `FROM golang AS Build` defines the stage `build`,
    /// which `COPY --from=build`, `COPY --from=BUILD` and `--target build` all find. The
    /// mixed-case spelling suggests a distinction that does not exist, and tools that
    /// compare names exactly (bake files, CI scripts) trip over it.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM golang:1.23 AS Build
    /// RUN go build -o /out/app .
    ///
    /// FROM gcr.io/distroless/static
    /// COPY --from=Build /out/app /app
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    ///
    /// FROM gcr.io/distroless/static
    /// COPY --from=build /out/app /app
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the fix lower-cases the name and every reference to it in the file
    /// (`FROM`, `COPY --from`, `RUN --mount=from=`), which BuildKit reads the same way.
    /// References outside the file — `docker build --target`, bake files, CI scripts —
    /// are not updated.
    pub(crate) struct StageNameCasing {
        code: "LL604",
        name: "stage-name-casing",
        category: Style,
        severity: Style,
        fix: Always,
        summary: "a stage name is not lower-case",
        equivalents: [BuildKit("StageNameCasing")],
    }
}

impl Check for StageNameCasing {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::From]);

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let Body::From(from) = &node.instruction.body else {
            return;
        };
        let Some(name) = from.stage_name() else {
            return;
        };
        let lower = name.text.to_lowercase();
        if lower == name.text {
            return;
        }
        let mut edits = vec![Edit::replace(name.range, lower.clone())];
        for instruction in &cx.file.instructions()[node.index + 1..] {
            match &instruction.body {
                Body::From(later) => {
                    if let Some(image) = later.image() {
                        edits.extend(rename(cx, image, &lower));
                    }
                }
                Body::Copy(_) => {
                    if let Some(value) = instruction.flag("from").and_then(|f| f.value.as_ref()) {
                        edits.extend(rename(cx, value, &lower));
                    }
                }
                Body::Run(run) => {
                    for option in run.mounts.iter().flat_map(|m| &m.options) {
                        let Some(value) = option.value.as_deref() else {
                            continue;
                        };
                        let written = cx.text(option.range);
                        if option.key == "from"
                            && value.eq_ignore_ascii_case(&lower)
                            && value != lower
                            && written.ends_with(value)
                            && written.len() == "from=".len() + value.len()
                        {
                            let start = option.range.end() - TextSize::of(value);
                            edits.push(Edit::replace(
                                TextRange::new(start, option.range.end()),
                                lower.clone(),
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        cx.report(
            name.range,
            format!("stage name `{}` should be lower-case", name.text),
        )
        .fix(Fix::unsafe_edits(
            format!("Rename the stage to `{lower}` everywhere in the file"),
            edits,
        ));
    }
}

/// An edit that lower-cases a reference written exactly as `word`'s text.
fn rename(cx: &Context<'_>, word: &Word, lower: &str) -> Option<Edit> {
    (word.text.eq_ignore_ascii_case(lower)
        && word.text != lower
        && cx.text(word.range) == word.text)
        .then(|| Edit::replace(word.range, lower.to_owned()))
}
