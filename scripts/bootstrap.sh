#!/usr/bin/env bash
# Installs what the project needs on a fresh clone: npm packages (Node 24 comes from npm as the
# `node` devDependency, since the machines ship Node 20) and the Python venv with ai-dynamo.
# Idempotent: fast when everything is already there. Sourced by test.sh and demo.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
stamp=node_modules/.install-stamp
if [[ ! -x node_modules/.bin/node || ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund
  touch "$stamp"
fi
export PATH="$ROOT/node_modules/.bin:$PATH"
node_version="$(node --version)"
if [[ "$node_version" != v24.* ]]; then
  echo "error: expected Node 24 from node_modules/.bin, got $node_version" >&2
  exit 1
fi
if [[ "${SKIP_DYNAMO:-}" != 1 ]]; then
  bash scripts/setup-dynamo.sh
  # aiperf, pinned, for the test that holds `next-command` against `aiperf profile --help`
  # (minutes on a fresh machine, so it is installed here rather than inside a test's timeout).
  bash scripts/setup-aiperf.sh
  # The release matrix (__tests__/e2e/releases-matrix.test.ts): older releases in their own venvs, and
  # the NATS and etcd servers they need (1.6.1 is the shared venv above). DYNAMO_MATRIX="" skips it
  # (the matrix tests then skip); the test reads the same variable.
  for version in ${DYNAMO_MATRIX-1.0.2 1.3.1 1.6.1}; do
    DYNAMO_VERSION="$version" bash scripts/setup-dynamo.sh >/dev/null
  done
fi
