#!/bin/sh
# The layerlint binary as releases ship it: statically linked, not position-independent,
# and optimized with a profile of its own runs (profile-guided optimization, PGO).
#
#   scripts/build-release.sh [--no-pgo]
#
# PGO builds layerlint twice. The first build is instrumented; it checks the Dockerfiles
# under fixtures/ (the repository's own) in the usual modes, and its counts of which
# branches and calls are hot go to the second build, which lays out and inlines the code
# for them. The output does not change, only the speed (a corpus run takes 14% less user
# time, 8% less CPU time in all; see the README's performance section).
#
# PGO needs `llvm-profdata` able to read the profiles rustc's LLVM writes: rustup's
# (`rustup component add llvm-tools`) matches rustc; a distribution's `llvm-profdata-NN`
# may do (version 19 reads rustc 1.95's). Without one, or if a step fails, or with
# --no-pgo, this builds without a profile and says so on standard error.
#
# Prints the binary's path on standard output. Honours CARGO_TARGET_DIR (default target/);
# the instrumented build and the profile go to $CARGO_TARGET_DIR/pgo/.
# POSIX sh: it also runs in the container image's build stage (Alpine).
set -eu
cd "$(dirname "$0")/.."

PGO=1
for arg in "$@"; do
  case "$arg" in
    --no-pgo) PGO=0 ;;
    *) echo "usage: scripts/build-release.sh [--no-pgo]" >&2; exit 2 ;;
  esac
done

HOST=$(rustc -vV | sed -n 's/^host: //p')
TARGET_DIR=${CARGO_TARGET_DIR:-target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$PWD/$TARGET_DIR" ;; esac
# Static, and not position-independent: half the start-up time of a PIE (no relocations
# to apply). With --target, the flags apply to the binary and its libraries only, not to
# build scripts and proc-macros.
STATIC="-C target-feature=+crt-static -C relocation-model=static"
BIN="$TARGET_DIR/$HOST/release/layerlint"
# mimalloc (the allocator, C code built by the `cc` crate) without its `MIMALLOC_*`
# environment options: at start-up it looks up each of its ~35 options by scanning the
# whole environment, a seventh of the instructions of a run over one small file (0.1 M of
# 0.7 M; more in a CI job's larger environment). The defaults are what layerlint is
# measured with. `cc` adds the flags of `CFLAGS_<target>` (with `_` for `-`) to those of
# `CFLAGS` (and of `HOST_CFLAGS`: not `TARGET_CFLAGS` when the target is the host); a value
# the caller gave it is kept.
CFLAGS_VAR="CFLAGS_$(echo "$HOST" | tr '.-' '__')"
eval "CFLAGS_VALUE=\"\${$CFLAGS_VAR:-} -DMI_NO_GETENV\""
export "$CFLAGS_VAR=$CFLAGS_VALUE"

plain() {
  echo "build-release: $1; building without a profile" >&2
  RUSTFLAGS="$STATIC" cargo build --release --locked --quiet --package layerlint \
    --target "$HOST" --target-dir "$TARGET_DIR" >&2
  echo "$BIN"
  exit 0
}

[ "$PGO" = 1 ] || plain "--no-pgo"

# llvm-profdata: rustup's first (it matches rustc's LLVM), then the newest on PATH.
PROFDATA="$(rustc --print sysroot)/lib/rustlib/$HOST/bin/llvm-profdata"
if [ ! -x "$PROFDATA" ]; then
  PROFDATA=""
  for dir in $(echo "$PATH" | tr ':' ' '); do
    for candidate in "$dir"/llvm-profdata "$dir"/llvm-profdata-[0-9]*; do
      [ -x "$candidate" ] || continue
      version=${candidate##*-}
      case "$version" in *[!0-9]*) version=0 ;; esac
      if [ -z "$PROFDATA" ] || [ "$version" -gt "${best:-0}" ]; then
        PROFDATA=$candidate
        best=$version
      fi
    done
  done
fi
[ -n "$PROFDATA" ] || plain "no llvm-profdata (rustup component add llvm-tools)"

PGO_DIR="$TARGET_DIR/pgo"
rm -rf "$PGO_DIR/profiles"
mkdir -p "$PGO_DIR/profiles"
# `layerlint_pgo_training`: the trainer exits through the C library's exit, whose hooks
# write the profile (the shipped binary skips them).
RUSTFLAGS="$STATIC -C profile-generate=$PGO_DIR/profiles --cfg layerlint_pgo_training" \
  cargo build --release --locked --quiet --package layerlint --target "$HOST" \
  --target-dir "$PGO_DIR/target" >&2 || plain "the instrumented build failed"
TRAINER="$PGO_DIR/target/$HOST/release/layerlint"

# The training runs: what a CI job, a pre-commit hook and an editor ask for, over the
# repository's own Dockerfiles (never anything outside it). --shellcheck=off: the time of
# a run with ShellCheck is ShellCheck's.
for args in \
  "--format concise" \
  "--select ALL --format json" \
  "--select ALL --unsafe-fixes --diff" \
  "--format sarif" \
  "--format text --show-fixes"; do
  # shellcheck disable=SC2086 # the arguments are meant to split
  "$TRAINER" check --exit-zero --shellcheck=off $args fixtures >/dev/null 2>&1 || true
done
"$PROFDATA" merge -o "$PGO_DIR/layerlint.profdata" "$PGO_DIR/profiles" >&2 \
  || plain "$PROFDATA cannot read rustc's profiles"

RUSTFLAGS="$STATIC -C profile-use=$PGO_DIR/layerlint.profdata" \
  cargo build --release --locked --quiet --package layerlint --target "$HOST" \
  --target-dir "$TARGET_DIR" >&2
echo "build-release: profile-guided, trained on fixtures/ ($PROFDATA)" >&2
echo "$BIN"
