# syntax=docker/dockerfile:1
# The layerlint command in a container image: a static (musl) binary on an empty base.
#
#   docker build -t layerlint .
#   docker run --rm -i layerlint - < Dockerfile              # lint standard input
#   docker run --rm -v "$PWD:/src" layerlint .               # lint a directory
#   docker run --rm -v "$PWD:/src" layerlint --fix Dockerfile

ARG RUST_VERSION=1.90

# Rust on musl links statically by default; the official alpine image has musl-dev.
FROM rust:${RUST_VERSION}-alpine AS build
# llvm-profdata, matching rustc, for the profile-guided build.
RUN rustup component add llvm-tools
WORKDIR /usr/src/layerlint
COPY Cargo.toml Cargo.lock ./
COPY crates/ crates/
COPY xtask/ xtask/
# The release build: static, and optimized with a profile of runs over the fixtures
# (scripts/build-release.sh; without a usable profile it builds without one).
COPY scripts/build-release.sh scripts/
COPY fixtures/ fixtures/
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/src/layerlint/target \
    cp "$(scripts/build-release.sh)" /usr/local/bin/layerlint

FROM scratch
COPY --from=build /usr/local/bin/layerlint /usr/local/bin/layerlint
# Any user can read a mounted project; --fix needs write access to it.
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/layerlint"]
CMD ["check", "."]
