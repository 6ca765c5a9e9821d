#!/usr/bin/env bash
# The whole test suite, as CI runs it: lint, typecheck, dist drift, unit and end-to-end tests
# (real Dynamo frontend and mocker workers; the stand-in Kubernetes cluster), all on Node 24.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/bootstrap.sh
# The summary test renders the job summary in headless Chromium (Debian's package: playwright
# downloads of browsers are not possible here).
if [[ ! -x /usr/bin/chromium && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
  echo "==> installing chromium for the summary rendering test"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ||
    echo "warning: chromium could not be installed; the summary rendering test will be skipped" >&2
fi
export PATH="$ROOT/node_modules/.bin:$PATH"
echo "==> lint"
eslint .
prettier --check . >/dev/null || { prettier --check . ; exit 1; }
node scripts/lint-workflows.mjs
# No import cycles in src/ (type-only imports included): .dependency-cruiser.cjs.
depcruise src --config .dependency-cruiser.cjs
echo "==> typecheck"
tsc -p tsconfig.json --noEmit
echo "==> dist is up to date"
bash scripts/check-dist.sh
echo "==> jest (node $(node --version))"
mkdir -p .tmp
status=0
NODE_OPTIONS=--experimental-vm-modules jest --json --outputFile=.tmp/jest-results.json "$@" || status=$?
# One plain closing line, the form CI readers understand whatever the test runner.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".tmp/jest-results.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed${skipped ? `, ${skipped} skipped` : ""}`);
' || true
exit "$status"
