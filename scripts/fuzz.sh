#!/usr/bin/env bash
# Run a cargo-fuzz target for a while: scripts/fuzz.sh TARGET SECONDS [LIBFUZZER-ARGS…]
# Targets: parse, lint, fix, dockerignore, lsp_edits (fuzz/fuzz_targets/).
# Seeds the corpus from ../shared/corpus/real and fixtures/ (copied into fuzz/corpus/, which
# git ignores): Dockerfiles for every target but `dockerignore`, which gets the fixtures'
# .dockerignore files and the conformance cases (patterns, NUL, paths). Needs the nightly
# toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Not part of CI (.ci/run).
# Crashes land in fuzz/artifacts/TARGET/; the final `#N DONE cov: … ft: … exec/s` line of
# the log is the run's statistics.
set -euo pipefail
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS [LIBFUZZER-ARGS...]}
seconds=${2:-60}
shift $(($# < 2 ? $# : 2))
root=$(cd "$(dirname "$0")/.." && pwd)
corpus="$root/fuzz/corpus/$target"
mkdir -p "$corpus"
if [ -z "$(ls -A "$corpus" 2>/dev/null)" ]; then
  shared="$root/../shared"
  if [ "$target" = dockerignore ]; then
    n=0
    while IFS= read -r -d '' f; do
      n=$((n + 1))
      cp "$f" "$corpus/fixture-$n"
    done < <(find "$root/fixtures" -name '*dockerignore' -type f -print0)
    cases="$shared/conformance/dockerignore/cases.json"
    if [ -f "$cases" ]; then
      python3 - "$cases" "$corpus" <<'PY'
import json, sys
for i, case in enumerate(json.load(open(sys.argv[1]))):
    with open(f"{sys.argv[2]}/case-{i}", "w") as out:
        out.write("\n".join(case["patterns"]) + "\0" + case["path"] + "\n")
PY
    fi
  else
    if [ -d "$shared/corpus/real" ]; then
      find "$shared/corpus/real" -maxdepth 1 -type f ! -name '*.tsv' ! -name '*.json' \
        ! -name '*.md' -exec cp {} "$corpus/" \;
    fi
    find "$root/fixtures" -type f -name '*Dockerfile*' -exec cp {} "$corpus/" \; 2>/dev/null || true
  fi
fi
cd "$root/fuzz"
cargo +nightly fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 "$@"
