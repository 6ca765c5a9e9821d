#!/usr/bin/env bash
# Create the git-ignored venv .venv-dynamo/ with ai-dynamo pinned, and the tiny model
# directory .dynamo/tiny-model/ used by the mocker. Idempotent: a re-run with nothing to do
# only checks two stamp files.
#
# Env:
#   DYNAMO_PYTHON   force the interpreter used to create the venv (must be 3.10, 3.11 or 3.12)
#   DYNAMO_VENV     venv location (default: <repo>/.venv-dynamo)
#   DYNAMO_FORCE=1  rebuild the venv and the model even if the stamps match
#   DYNAMO_VERSION  another release: hands over to setup-dynamo-release.sh (.venv-dynamo-<version>/)
#
# Python: ai-dynamo 1.6.1 on Python 3.11-3.13 requires aisimulate==0.13.0, a stub wheel that
# downloads its payload from pypi.nvidia.com and fails offline. On 3.10 that requirement is not
# there, so 3.10 is preferred. On 3.11/3.12 the script installs ai-dynamo with --no-deps plus its
# other requirements by hand (aisimulate is only used by the planner and --ais-perf-model).
set -euo pipefail

# Another release (the test suite's release matrix): its own venv .venv-dynamo-<version>/.
if [[ -n "${DYNAMO_VERSION:-}" && "$DYNAMO_VERSION" != "1.6.1" ]]; then
  exec bash "$(dirname "${BASH_SOURCE[0]}")/setup-dynamo-release.sh"
fi
DYNAMO_VERSION="1.6.1"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${DYNAMO_VENV:-$REPO_ROOT/.venv-dynamo}"
MODEL_DIR="$REPO_ROOT/.dynamo/tiny-model"
MODEL_SCRIPT="$REPO_ROOT/scripts/make_tiny_model.py"
ALLOWED="3.10 (preferred), 3.11, 3.12"

log() { echo "[setup-dynamo] $*" >&2; }
die() { echo "[setup-dynamo] ERROR: $*" >&2; exit 1; }

# Requirements of ai-dynamo 1.6.1 other than aisimulate (from its METADATA), used for --no-deps.
MANUAL_DEPS=(
  "ai-dynamo-runtime==$DYNAMO_VERSION"
  "aiohttp>=3.14.3,<4.0"
  "certifi>=2026.10.19"
  "kubernetes>=32.0.1,<33.0.0"
  "msgspec>=0.19.0"
  "prometheus-client>=0.23.1,<1.0"
  "pyzmq>=26.0.0"
  "redis>=6.2.0,<9.0.0"
  "tqdm>=4.0.0"
  "transformers>=4.56.0"
  "typing-extensions>=4.10.0"
  "zstandard>=0.23.0,<1.0"
  "pydantic>=2.10.6,<=2.13.5"
  "uvloop>=0.21.0"
)

# Print "major.minor" of a working interpreter, or nothing. Rejects pyenv shims that fail.
py_version() {
  "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true
}

pick_python() {
  if [[ -n "${DYNAMO_PYTHON:-}" ]]; then
    local v
    v="$(py_version "$DYNAMO_PYTHON")"
    [[ -n "$v" ]] || die "DYNAMO_PYTHON=$DYNAMO_PYTHON does not run"
    case "$v" in 3.10|3.11|3.12) ;; *) die "DYNAMO_PYTHON=$DYNAMO_PYTHON is Python $v; allowed: $ALLOWED" ;; esac
    echo "$DYNAMO_PYTHON"
    return
  fi
  local want cand v
  for want in 3.10 3.11 3.12; do
    for cand in "python$want" \
      "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$want".*/bin/python3 \
      /root/.pyenv/versions/"$want".*/bin/python3 \
      /usr/bin/"python$want" /usr/local/bin/"python$want" python3; do
      [[ -e "$cand" ]] || command -v "$cand" >/dev/null 2>&1 || continue
      v="$(py_version "$cand")"
      if [[ "$v" == "$want" ]]; then
        if [[ "$cand" != /* ]]; then cand="$(command -v "$cand")"; fi
        echo "$cand"
        return
      fi
    done
  done
  die "no usable Python found; ai-dynamo $DYNAMO_VERSION needs Python $ALLOWED. Install one (e.g. pyenv install 3.10) or set DYNAMO_PYTHON=/path/to/python3.10"
}

VENV_STAMP="$VENV/.dynamo-setup-stamp"
venv_ok() {
  [[ -x "$VENV/bin/python" && -f "$VENV_STAMP" ]] && grep -qx "ai-dynamo==$DYNAMO_VERSION" "$VENV_STAMP"
}

if [[ "${DYNAMO_FORCE:-}" != "1" ]] && venv_ok; then
  log "venv up to date: $VENV"
else
  PY="$(pick_python)"
  PYV="$(py_version "$PY")"
  log "creating venv $VENV with $PY (Python $PYV)"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
  if [[ "$PYV" == "3.10" ]]; then
    "${PIP[@]}" "ai-dynamo==$DYNAMO_VERSION"
  else
    log "Python $PYV: installing ai-dynamo without aisimulate (--no-deps + explicit requirements)"
    "${PIP[@]}" --no-deps "ai-dynamo==$DYNAMO_VERSION"
    "${PIP[@]}" "${MANUAL_DEPS[@]}"
  fi
  # Smoke test: the two entry points the harness uses must at least parse --help.
  "$VENV/bin/python" -m dynamo.mocker --help >/dev/null 2>&1 || die "python -m dynamo.mocker --help fails in $VENV"
  "$VENV/bin/python" -m dynamo.frontend --help >/dev/null 2>&1 || die "python -m dynamo.frontend --help fails in $VENV"
  {
    echo "ai-dynamo==$DYNAMO_VERSION"
    echo "python=$PYV $PY"
  } >"$VENV_STAMP"
  log "venv ready"
fi

# Tiny model: rebuilt when the generator script (or the venv) changes.
MODEL_HASH="$(sha256sum "$MODEL_SCRIPT" | cut -d' ' -f1) $(head -1 "$VENV_STAMP")"
if [[ "${DYNAMO_FORCE:-}" != "1" && -f "$MODEL_DIR/.stamp" && "$(cat "$MODEL_DIR/.stamp")" == "$MODEL_HASH" ]]; then
  log "tiny model up to date: $MODEL_DIR"
else
  # Build next to the target and swap it in, so a running mocker never sees a half-written dir.
  mkdir -p "$(dirname "$MODEL_DIR")"
  TMP_MODEL="$(mktemp -d "$MODEL_DIR.tmp.XXXXXX")"
  HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 "$VENV/bin/python" "$MODEL_SCRIPT" "$TMP_MODEL" >&2
  echo "$MODEL_HASH" >"$TMP_MODEL/.stamp"
  chmod 755 "$TMP_MODEL"
  rm -rf "$MODEL_DIR"
  mv "$TMP_MODEL" "$MODEL_DIR"
fi

echo "$VENV/bin/python"
