//! The tree, with byte ranges, for files that exercise every instruction form.

use layerlint_syntax::{debug, parse};

fn tree(source: &str) -> String {
    let parsed = parse(source);
    assert_eq!(parsed.file.print(), source, "lossless");
    debug::tree(&parsed)
}

#[test]
fn every_instruction() {
    insta::assert_snapshot!(tree(
        "# syntax=docker/dockerfile:1\n\
# check=skip=JSONArgsRecommended\n\
ARG BASE=node:20 VERSION\n\
# the build stage\n\
FROM --platform=$BUILDPLATFORM ${BASE} AS Build\n\
LABEL org.opencontainers.image.title=\"my app\" version=1\n\
LABEL maintainer docker <docker@docker.io>\n\
ENV PATH=/app/bin:$PATH \\\n    NODE_ENV=production\n\
ENV LEGACY value with spaces\n\
WORKDIR /app\n\
COPY --from=deps --chown=node:node --link package*.json ./\n\
COPY [\"a b\", \"/dest/\"]\n\
ADD --checksum=sha256:abc https://example.com/x.tgz /x\n\
RUN --mount=type=cache,target=/root/.npm,sharing=locked --network=none npm ci\n\
RUN [\"npm\", \"run\", \"build\"]\n\
EXPOSE 3000 8080/udp\n\
VOLUME /data\n\
USER node:node\n\
HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/ || exit 1\n\
STOPSIGNAL SIGTERM\n\
ONBUILD COPY . /src\n\
SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n\
MAINTAINER someone\n\
ENTRYPOINT [\"node\"]\n\
CMD [\"node\", \"dist/index.js\", ]\n"
    ));
}

#[test]
fn continuations_comments_and_empty_lines() {
    insta::assert_snapshot!(tree(concat!(
        "FROM alpine\n",
        "RUN apk add \\\n",
        "# a comment inside the continuation\n",
        "    curl \\\n",
        "\n",
        "    git \\\n",
        "  \t\n",
        "    jq\n",
        "RUN echo a\\\\\n",
        "RUN echo trailing \\  \n",
        "    spaces\n",
        "  # indented comment, then a line that is only the escape\n",
        "\\\n",
        "RUN echo eof \\",
    )));
}

#[test]
fn backtick_escape_crlf_and_bom() {
    insta::assert_snapshot!(tree(
        "\u{feff}# escape=`\r\nFROM mcr.microsoft.com/windows/servercore\r\nRUN Write-Host `\r\n    hello\r\nCOPY C:\\src\\ C:\\dst\\\r\n"
    ));
}

#[test]
fn errors_keep_the_rest() {
    insta::assert_snapshot!(tree(
        "FROM alpine AS 1bad\nRUN [\"a\", 1]\nFROBNICATE x\nCOPY --from build /a /b\nENV novalue\nHEALTHCHECK --interval=5 CMD true\nRUN --mount=type=volume,target=/x true\nRUN echo still parsed\n"
    ));
}
