//! A large, real-looking Dockerfile for latency measurements.

/// About `lines` lines: repeated multi-stage blocks with ARGs, ENVs, labels, `RUN`s with
/// continuation lines and heredocs, `COPY`s, comments and suppressions.
pub fn big_dockerfile(lines: usize) -> String {
    let mut out =
        String::from("# syntax=docker/dockerfile:1\nARG NODE_VERSION=20\nARG ALPINE=3.20\n\n");
    let mut stage = 0;
    while out.lines().count() + 40 < lines {
        out.push_str(&format!(
            "\
FROM node:${{NODE_VERSION}}-alpine${{ALPINE}} AS deps{stage}
LABEL org.opencontainers.image.title=\"app{stage}\" \\
      org.opencontainers.image.version=\"1.{stage}.0\"
WORKDIR /app/{stage}
ENV NODE_ENV=production \\
    PORT=30{stage:02}
# Dependencies first, so that source edits keep this layer.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \\
    npm ci --omit=dev && \\
    npm cache clean --force
RUN apk add --no-cache curl=8.9.1-r0 \\
      ca-certificates \\
      tini && \\
    addgroup -S app && adduser -S app -G app
COPY --chown=app:app . .
RUN <<SCRIPT
set -eu
npm run build
rm -rf /tmp/*
SCRIPT
# layerlint ignore=LL101
CMD [\"node\", \"dist/index.js\", ]

FROM deps{stage} AS test{stage}
ARG CI=true
RUN npm test -- --ci \\
    --reporters=default
HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost:30{stage:02}/ || exit 1

FROM alpine:3.20 AS final{stage}
RUN apk add --no-cache nodejs
COPY --from=deps{stage} /app/{stage}/dist /srv
USER app
EXPOSE 30{stage:02}
ENTRYPOINT [\"/sbin/tini\", \"--\"]
CMD [\"node\", \"/srv/index.js\", ]

"
        ));
        stage += 1;
    }
    while out.lines().count() < lines {
        out.push_str("RUN echo padding\n");
    }
    out
}
