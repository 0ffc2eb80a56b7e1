#!/usr/bin/env bash
# Run a cargo-fuzz target for a while: scripts/fuzz.sh TARGET SECONDS
# Seeds the corpus from ../shared/corpus/real and fixtures/ (copied into fuzz/corpus/, which
# git ignores). Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
corpus="$root/fuzz/corpus/$target"
mkdir -p "$corpus"
if [ -z "$(ls -A "$corpus" 2>/dev/null)" ]; then
  shared="$root/../shared/corpus/real"
  if [ -d "$shared" ]; then
    find "$shared" -maxdepth 1 -type f ! -name '*.tsv' ! -name '*.json' ! -name '*.md' \
      -exec cp {} "$corpus/" \;
  fi
  find "$root/fixtures" -type f -name '*Dockerfile*' -exec cp {} "$corpus/" \; 2>/dev/null || true
fi
cd "$root/fuzz"
cargo +nightly fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048
