//! The base image of a stage, resolved through the global ARGs' defaults as BuildKit
//! resolves `FROM` (`Semantic` did the expansion).

use std::borrow::Cow;

use layerlint_syntax::image::ImageRef;
use layerlint_syntax::semantic::{Base, Stage, VarSource};
use layerlint_syntax::{Body, Word};
use layerlint_text::TextRange;

use crate::Context;

/// A stage's base image, when its name, tag and digest are known.
pub(crate) struct BaseImage<'a> {
    /// The reference word in the FROM line.
    pub(crate) word: &'a Word,
    /// The reference after ARG expansion.
    pub(crate) resolved: &'a str,
    /// Borrowed from the stage, which parsed it once for every rule.
    pub(crate) image: Cow<'a, ImageRef>,
    /// The global ARGs the reference used, with the instruction that gave each its value.
    pub(crate) args: Vec<(String, Option<TextRange>)>,
}

impl BaseImage<'_> {
    /// How the message names the image: `node`, or ``${BASE}` (= `node`, the default of
    /// ARG `BASE`)`.
    pub(crate) fn describe(&self) -> String {
        if self.args.is_empty() {
            return format!("`{}`", self.resolved);
        }
        let names: Vec<String> = self.args.iter().map(|(n, _)| format!("`{n}`")).collect();
        let defaults = if names.len() == 1 {
            format!("the default of ARG {}", names[0])
        } else {
            format!("the defaults of ARGs {}", names.join(", "))
        };
        format!("`{}` (`{}` with {defaults})", self.word.text, self.resolved)
    }
}

/// The base image of `stage`; `None` for `scratch`, an earlier stage, a reference that
/// does not parse, or one whose last part (name, tag, digest) uses a variable that has
/// no value.
pub(crate) fn base_image<'a: 'b, 'b>(cx: &Context<'a>, stage: &'b Stage) -> Option<BaseImage<'b>> {
    let Base::Image {
        written,
        resolved: Some(resolved),
        unmatched,
        matched,
    } = &stage.base
    else {
        return None;
    };
    let Body::From(from) = &cx.file.instructions().get(stage.from)?.body else {
        return None;
    };
    let word = from.image()?;
    if !unmatched.is_empty() {
        return literal_name(word, written);
    }
    let image = Cow::Borrowed(stage.image()?);
    let args = matched
        .iter()
        .map(|name| {
            let at = match cx.semantic.global_scope.get_var(name).map(|v| v.source) {
                Some(VarSource::Arg(index)) => cx.file.instructions().get(index).map(|i| i.range),
                _ => None,
            };
            (name.clone(), at)
        })
        .collect();
    Some(BaseImage {
        word,
        resolved,
        image,
        args,
    })
}

/// A reference with a variable that has no value, whose last part is written out:
/// `${REGISTRY}/app:1.2` has the tag `1.2` whatever the registry is.
fn literal_name<'a>(word: &'a Word, written: &'a str) -> Option<BaseImage<'a>> {
    let name = written.rsplit('/').next().unwrap_or(written);
    if name.contains('$') || name.is_empty() {
        return None;
    }
    let (name, digest) = match name.split_once('@') {
        Some((name, digest)) => (name, Some(digest.to_owned())),
        None => (name, None),
    };
    let tag = name.split_once(':').map(|(_, tag)| tag.to_owned());
    Some(BaseImage {
        word,
        resolved: written,
        image: Cow::Owned(ImageRef {
            domain: None,
            path: written.to_owned(),
            tag,
            digest,
        }),
        args: Vec::new(),
    })
}
