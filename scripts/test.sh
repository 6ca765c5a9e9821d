#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, typecheck, dist drift, unit and end-to-end tests
# (real Dynamo frontend and mocker workers; the stand-in Kubernetes cluster), all on Node 24.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/bootstrap.sh
export PATH="$ROOT/node_modules/.bin:$PATH"
echo "==> lint"
eslint .
prettier --check . >/dev/null || { prettier --check . ; exit 1; }
node scripts/lint-workflows.mjs
echo "==> typecheck"
tsc -p tsconfig.json --noEmit
echo "==> dist is up to date"
bash scripts/check-dist.sh
echo "==> jest (node $(node --version))"
NODE_OPTIONS=--experimental-vm-modules jest "$@"
