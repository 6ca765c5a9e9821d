#!/usr/bin/env bash
# Rebuilds dist/ and fails if it differs from what is committed: the action runs dist/, so a
# source change without a rebuild would ship stale code.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/node_modules/.bin:$PATH"
node scripts/bundle.mjs >/dev/null
if [[ -n "$(git status --porcelain -- dist)" ]]; then
  echo "error: dist/ differs from the committed bundle; run 'npm run build' and commit dist/:" >&2
  git status --porcelain -- dist >&2
  git --no-pager diff --stat -- dist >&2
  exit 1
fi
echo "dist/ matches the sources"
