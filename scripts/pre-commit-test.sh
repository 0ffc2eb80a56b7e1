#!/usr/bin/env bash
# The pre-commit hooks, end to end: installs pre-commit from PyPI into a temporary venv,
# makes a scratch git repository with fixable Dockerfiles, and runs this repository's
# hooks on it with `pre-commit try-repo`:
#   - `layerlint` fails (findings), and changes nothing;
#   - `layerlint-fix` rewrites the files and fails (files were modified);
#   - `layerlint-fix` then passes, and so does `layerlint`;
#   - a file that is not a Dockerfile is never passed to the hooks.
# pre-commit builds the hook with `cargo install --path .`; CARGO_TARGET_DIR (default:
# this repository's target/) keeps that build incremental, and the release profile is
# relaxed through the environment to keep it quick (try-repo installs the hook afresh for
# every run: only the workspace crates rebuild).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q pre-commit
PRE_COMMIT="$WORK/venv/bin/pre-commit"
export PRE_COMMIT_HOME="$WORK/cache"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_OPT_LEVEL=0
export CARGO_PROFILE_RELEASE_DEBUG=false
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
export CARGO_PROFILE_RELEASE_INCREMENTAL=true

REPO="$WORK/project"
mkdir -p "$REPO/services/api"
cd "$REPO"
git init -q
git config user.email ci@example.invalid
git config user.name ci
printf 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "index.js", ]\n' > Dockerfile
printf 'FROM python:3.12-slim\nRUN pip install --no-cache-dir flask==3.0.3 \\\n\n    && true\nCMD ["python", "app.py"]\n' > services/api/api.dockerfile
printf 'FROM alpine:3.20\nENTRYPOINT ["/bin/true", ]\n' > dockerfile
printf 'CMD ["not", "a", "dockerfile", ]\n' > notes.txt
printf '.git\nnode_modules\n' > .dockerignore
cp Dockerfile "$WORK/original"
git add -A
git commit -qm scratch

run() { # hook → exit status, output in $WORK/out
  set +e
  "$PRE_COMMIT" try-repo "$ROOT" "$1" --all-files --color never > "$WORK/out" 2>&1
  local status=$?
  set -e
  echo "--- try-repo $1: exit $status" >&2
  sed 's/^/    /' "$WORK/out" >&2
  return $status
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

if run layerlint; then fail "layerlint passed on fixable files"; fi
grep -q 'Dockerfile:5:5: LL101' "$WORK/out" || fail "no LL101 for Dockerfile"
grep -q 'services/api/api.dockerfile' "$WORK/out" || fail "*.dockerfile not passed to the hook"
grep -q '^dockerfile:2:12: LL101' "$WORK/out" || fail "lower-case dockerfile not passed to the hook"
grep -q 'notes.txt' "$WORK/out" && fail "notes.txt was passed to the hook"
cmp -s Dockerfile "$WORK/original" || fail "the check hook changed a file"

if run layerlint-fix; then fail "layerlint-fix passed although it rewrote files"; fi
grep -q 'files were modified by this hook' "$WORK/out" || fail "pre-commit saw no modification"
grep -qx 'CMD \["node", "index.js"\]' Dockerfile || fail "Dockerfile not fixed: $(cat Dockerfile)"
grep -qx 'ENTRYPOINT \["/bin/true"\]' dockerfile || fail "dockerfile not fixed"
[ "$(sed -n 3p services/api/api.dockerfile)" = '    && true' ] || fail "api.dockerfile not fixed"
grep -q 'CMD \["not", "a", "dockerfile", \]' notes.txt || fail "notes.txt was changed"

run layerlint-fix || fail "layerlint-fix failed on fixed files"
run layerlint || fail "layerlint failed on fixed files"
echo "pre-commit hooks: 4 runs as expected (check fails, fix rewrites and fails, then both pass)"
