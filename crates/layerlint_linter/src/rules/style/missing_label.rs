use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::rules::style::labels::final_image_labels;

declare_rule! {
    /// ## What it does
    /// Reports each label of `label-schema` that the image does not set: no `LABEL` of the
    /// final stage, or of the stages it is built on, has the key. One finding per missing
    /// label, at the final stage's `FROM`. Without `label-schema` the rule reports nothing.
    ///
    /// hadolint checks every stage; build stages do not reach the image, so only the final
    /// stage counts here. Labels of the base image cannot be seen.
    ///
    /// ## Options
    /// ```toml
    /// [label-schema]
    /// "org.opencontainers.image.source" = "url"
    /// ```
    ///
    /// ## Why is this bad?
    /// A team's label schema is how its registries, scanners and dashboards find the
    /// source, owner or version of an image; an image without them is an orphan.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// CMD ["sh"]
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM alpine:3.20 AS base
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app"
    /// FROM base
    /// CMD ["sh"]
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the value is not in the Dockerfile.
    pub(crate) struct MissingLabel {
        code: "LL608",
        name: "missing-label",
        category: Style,
        severity: Info,
        fix: None,
        summary: "a label required by `label-schema` is missing from the image",
        equivalents: [Hadolint("DL3049")],
    }
}

impl Check for MissingLabel {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        if cx.options().label_schema.is_empty() {
            return;
        }
        let Some((from, keys)) = final_image_labels(cx.file, cx.semantic) else {
            return;
        };
        let range = cx.file.instructions()[from].keyword;
        let missing: Vec<String> = cx
            .options()
            .label_schema
            .keys()
            .filter(|k| !keys.contains(k))
            .cloned()
            .collect();
        for key in missing {
            cx.report(range, format!("the image has no label `{key}`"));
        }
    }
}
