//! Property test of `--add-ignore`'s comments ([`layerlint_linter::ignore::ignore_all`]) on
//! Dockerfiles made of awkward pieces (continuations, heredocs, ONBUILD, CRLF, a BOM, other
//! tools' pragmas, malformed and existing suppression comments): the findings left after
//! the comments are exactly those no comment was to hide, and a second pass adds nothing.

use layerlint_linter::ignore::ignore_all;
use layerlint_linter::settings::ShellcheckSetting;
use layerlint_linter::{Settings, lint};
use proptest::prelude::*;

fn line() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("FROM node"),
        Just("FROM alpine:3.20 AS build"),
        Just("  FROM ubuntu:latest"),
        Just("RUN apt-get install curl && cd /x"),
        Just("RUN sudo make \\"),
        Just("  && apk add git"),
        Just("\tRUN pip install flask"),
        Just("RUN <<EOF"),
        Just("apt-get install -y vim"),
        Just("EOF"),
        Just("CMD [\"node\", ]"),
        Just("CMD node index.js"),
        Just("ONBUILD RUN sudo x"),
        Just("ENV A b"),
        Just("ARG PASSWORD=x"),
        Just("COPY . ."),
        Just("FOO bar"),
        Just("MAINTAINER me"),
        Just("# hadolint ignore=DL3008"),
        Just("# layerlint ignore=LL502"),
        Just("# layerlint ignore=LL502 free text"),
        Just("# layerlint ignore=LL999"),
        Just("# layerlint global ignore=LL401"),
        Just("# syntax=docker/dockerfile:1"),
        Just("# check=skip=JSONArgsRecommended"),
        Just("# a comment"),
        Just(""),
        Just("   "),
    ]
}

fn dockerfile() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(line(), 0..14),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, crlf, bom, final_newline)| {
            let newline = if crlf { "\r\n" } else { "\n" };
            let mut text = if bom {
                "\u{feff}".to_owned()
            } else {
                String::new()
            };
            text.push_str(&lines.join(newline));
            if final_newline {
                text.push_str(newline);
            }
            text
        })
}

fn codes(diagnostics: &[&layerlint_linter::Diagnostic]) -> Vec<String> {
    let mut codes: Vec<String> = diagnostics.iter().map(|d| d.code().to_owned()).collect();
    codes.sort();
    codes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn comments_hide_what_they_count_and_only_once(text in dockerfile()) {
        let mut settings = Settings::default();
        settings.options.shellcheck = ShellcheckSetting::Off;
        let before = lint(&text, None, &settings);
        let ignores = ignore_all(&before.parse.file, &before.diagnostics, Some("why"));
        prop_assert_eq!(ignores.hidden + ignores.left.len(), before.diagnostics.len());
        let after = layerlint_diagnostics::apply_edits(&text, &ignores.edits);
        let again = lint(&after, None, &settings);
        let left: Vec<_> = ignores.left.iter().map(|&i| &before.diagnostics[i]).collect();
        let remaining: Vec<_> = again.diagnostics.iter().collect();
        prop_assert_eq!(codes(&remaining), codes(&left), "{:?}\n{:?}", text, after);
        prop_assert_eq!(again.parse.errors.len(), before.parse.errors.len());
        let twice = ignore_all(&again.parse.file, &again.diagnostics, Some("why"));
        prop_assert!(twice.edits.is_empty(), "{:?}\n{:?}", after, twice.edits);
    }
}
