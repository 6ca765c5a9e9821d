#!/usr/bin/env bash
# Quick-start demo on a fresh clone: installs npm packages (with Node 24) and the Dynamo venv,
# then runs scripts/demo.ts (and, when asked, the Kubernetes demo).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/bootstrap.sh
export PATH="$ROOT/node_modules/.bin:$PATH"
node scripts/demo.ts "$@"
