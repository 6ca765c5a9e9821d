#!/usr/bin/env bash
# Installs what the project needs on a fresh clone: npm packages (Node 24 comes from npm as the
# `node` devDependency, since the machines ship Node 20), then what BOOTSTRAP lists, space-separated:
#   dynamo    the Python venv with ai-dynamo 1.6.1 and the tiny model (scripts/setup-dynamo.sh)
#   aiperf    the pinned aiperf (scripts/setup-aiperf.sh; minutes on a fresh machine, so it is
#             installed here rather than inside a test's timeout)
#   releases  the release matrix's older releases in their own venvs, and the NATS and etcd servers
#             they need (DYNAMO_MATRIX="" skips it; the matrix test reads the same variable)
#   chromium  Debian's chromium for the summary rendering test (as root, through apt-get)
# Default: dynamo aiperf releases. SKIP_DYNAMO=1 drops the Python parts (dynamo, aiperf, releases).
# Idempotent: fast when everything is already there. Sourced by test.sh and demo.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The stamp holds the lockfile's hash: a fresh checkout of the same lockfile (newer by its mtime
# only) needs no reinstall.
stamp=node_modules/.install-stamp
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -x node_modules/.bin/node || "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]]; then
  # npm ci empties node_modules first: through a symlink that would be another checkout's packages.
  if [[ -L node_modules ]]; then
    echo "error: node_modules is a symlink ($(readlink node_modules)) whose packages do not match package-lock.json; run npm ci where it points" >&2
    exit 1
  fi
  echo "==> npm ci"
  npm ci --no-audit --no-fund
  echo "$lock_hash" >"$stamp"
fi
export PATH="$ROOT/node_modules/.bin:$PATH"
node_version="$(node --version)"
if [[ "$node_version" != v24.* ]]; then
  echo "error: expected Node 24 from node_modules/.bin, got $node_version" >&2
  exit 1
fi
needs=" ${BOOTSTRAP-dynamo aiperf releases} "
# SKIP_DYNAMO=1: nothing of Python.
if [[ "${SKIP_DYNAMO:-}" == 1 ]]; then
  needs=" "
  [[ " ${BOOTSTRAP-} " == *" chromium "* ]] && needs=" chromium "
fi
if [[ "$needs" == *" dynamo "* || "$needs" == *" aiperf "* || "$needs" == *" releases "* ]]; then
  bash scripts/setup-dynamo.sh
fi
if [[ "$needs" == *" aiperf "* ]]; then
  bash scripts/setup-aiperf.sh
fi
if [[ "$needs" == *" releases "* ]]; then
  for version in ${DYNAMO_MATRIX-1.0.2 1.3.1 1.6.1}; do
    DYNAMO_VERSION="$version" bash scripts/setup-dynamo.sh >/dev/null
  done
fi
if [[ "$needs" == *" chromium "* && ! -x /usr/bin/chromium && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
  echo "==> installing chromium for the summary rendering test"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
    echo "warning: chromium could not be installed; the summary rendering test will be skipped" >&2
fi
