#!/usr/bin/env bash
# The tests, all at once as CI runs them, or one suite at a time, on Node 24.
#   bash scripts/test.sh [jest args]          the full gate (`npm test`, `.ci/run`): lint, typecheck,
#                                             dist drift, then every suite
#   bash scripts/test.sh <suite> [jest args]  one suite (`npm run test:<suite>`): installs what it
#                                             needs, then runs its files
# The suites are jest projects (jest.config.js): unit (the fast loop: no Dynamo, no cluster, no
# browser), standin, local, kubernetes, journeys, releases, aiperf, render.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

suite=all
case "${1:-}" in
  unit | standin | local | kubernetes | journeys | releases | aiperf | render)
    suite="$1"
    shift
    ;;
esac

# What each suite needs installed (scripts/bootstrap.sh); the gate needs everything.
case "$suite" in
  all) export BOOTSTRAP="${BOOTSTRAP-dynamo aiperf releases chromium}" ;;
  unit) export BOOTSTRAP="" ;;
  standin | local | kubernetes | journeys) export BOOTSTRAP="dynamo" ;;
  releases) export BOOTSTRAP="dynamo releases" ;;
  aiperf) export BOOTSTRAP="dynamo aiperf" ;;
  render) export BOOTSTRAP="chromium" ;;
esac
source scripts/bootstrap.sh
export PATH="$ROOT/node_modules/.bin:$PATH"
mkdir -p .tmp

if [[ "$suite" == all ]]; then
  echo "==> lint"
  eslint .
  prettier --check . >/dev/null || { prettier --check . ; exit 1; }
  node scripts/lint-workflows.mjs
  # No import cycles anywhere (type-only imports included), and src/'s layering: .dependency-cruiser.cjs.
  depcruise src standin-cluster __tests__ scripts bench --config .dependency-cruiser.cjs
  echo "==> typecheck"
  tsc -p tsconfig.json --noEmit
  echo "==> dist is up to date"
  bash scripts/check-dist.sh
  selection=()
  results=.tmp/jest-results.json
else
  selection=(--selectProjects "$suite")
  # The unit tests start no shared servers or processes: both cores, for the fast loop.
  if [[ "$suite" == unit ]]; then selection+=(--maxWorkers=2); fi
  results=".tmp/jest-$suite.json"
  # The end-to-end suites run the bundle (dist/), not src/: say so when src/ changed after it.
  if [[ "$suite" != unit && "$suite" != standin && -f dist/index.js ]]; then
    newest_src="$(find src -type f -printf '%T@\n' | sort -n | tail -1)"
    built="$(stat -c %Y dist/index.js)"
    if (($(printf '%.0f' "$newest_src") > built + 60)); then
      echo "warning: src/ changed after dist/ was built; these tests run dist/: npm run build" >&2
    fi
  fi
fi

echo "==> jest ${suite} (node $(node --version))"
status=0
NODE_OPTIONS=--experimental-vm-modules jest "${selection[@]}" --json --outputFile="$results" "$@" || status=$?
# One plain closing line, the form CI readers understand whatever the test runner.
RESULTS="$results" node -e '
  const r = JSON.parse(require("fs").readFileSync(process.env.RESULTS, "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed${skipped ? `, ${skipped} skipped` : ""}`);
' || true
exit "$status"
