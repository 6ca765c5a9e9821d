#!/usr/bin/env bash
# Create the git-ignored venv .venv-aiperf/ with aiperf pinned, for the test that holds the
# action's `next-command` against `aiperf profile --help` (and for running that command).
#
#   AIPERF_VERSION  the pinned aiperf (default 0.13.0; it needs Python 3.11–3.13)
#   AIPERF_PYTHON   force the interpreter used to create the venv
#   AIPERF_VENV     venv location (default: <repo>/.venv-aiperf)
# Measured here: about 6 minutes on 2 shared cores (pip resolves and builds ~150 packages).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AIPERF_VERSION="${AIPERF_VERSION:-0.13.0}"
VENV="${AIPERF_VENV:-$REPO_ROOT/.venv-aiperf}"
STAMP="$VENV/.aiperf-setup-stamp"
log() { echo "[setup-aiperf] $*" >&2; }

if [[ -x "$VENV/bin/aiperf" && -f "$STAMP" ]] && grep -qx "aiperf==$AIPERF_VERSION" "$STAMP"; then
  log "venv up to date: $VENV"
  exit 0
fi
PY="${AIPERF_PYTHON:-}"
if [[ -z "$PY" ]]; then
  for candidate in python3.12 python3.11 python3.13 python3; do
    if command -v "$candidate" >/dev/null &&
      "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 14) else 1)' 2>/dev/null; then
      PY="$candidate"
      break
    fi
  done
fi
[[ -n "$PY" ]] || { log "aiperf $AIPERF_VERSION needs Python 3.11–3.13; none found (set AIPERF_PYTHON)"; exit 1; }
log "creating $VENV with $PY, aiperf==$AIPERF_VERSION"
rm -rf "$VENV"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "aiperf==$AIPERF_VERSION"
echo "aiperf==$AIPERF_VERSION" >"$STAMP"
log "done: $VENV/bin/aiperf"
