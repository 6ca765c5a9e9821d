// ESM TypeScript under Node 24: ts-jest in ESM mode (the toolkit packages are ESM only).
// The tests are split into suites (jest projects) a contributor can run one at a time:
// `npm run test:<suite>` (scripts/test.sh installs what that suite needs first). `npm test` runs
// them all. Every end-to-end file belongs to exactly one suite: the ones named below, and
// `local` for the rest.

/** End-to-end files by suite; `local` takes every e2e file not named here. */
export const E2E = {
  // The stand-in Kubernetes cluster (standin-cluster/), running real Dynamo processes as pods.
  kubernetes: [
    'cluster-truth',
    'faults-kubernetes-api',
    'faults-kubernetes-pods',
    'hostile',
    'hostile-bounds-kubernetes',
    'kubernetes-action',
    'kubernetes-dcd',
    'kubernetes-domain',
    'kubernetes-evidence',
    'kubernetes-replicas',
    'kubernetes-target',
    'rbac-role',
  ],
  // The README's journeys, run as written (local Dynamo and the stand-in cluster).
  journeys: ['journeys'],
  // Older ai-dynamo releases, each from its own venv, with NATS and etcd.
  releases: ['releases-matrix'],
  // The pinned aiperf (.venv-aiperf/).
  aiperf: ['aiperf-flags', 'aiperf-run'],
  // The job summary in headless Chromium.
  render: ['summary-render'],
};

const files = (names) => names.map((name) => `<rootDir>/__tests__/e2e/${name}.test.ts`);
const named = Object.values(E2E).flat();

const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } },
    ],
  },
  testTimeout: 120000,
};

const project = (displayName, testMatch, extra = {}) => ({ ...base, displayName, testMatch, ...extra });

/** @type {import('jest').Config} */
export default {
  projects: [
    // The fast loop: pure logic and the effects against sockets and processes of its own; no
    // Dynamo, no stand-in cluster, no aiperf, no browser.
    project('unit', ['<rootDir>/__tests__/unit/**/*.test.ts'], { testTimeout: 30000 }),
    project('standin', ['<rootDir>/standin-cluster/__tests__/**/*.test.ts']),
    project('local', ['<rootDir>/__tests__/e2e/**/*.test.ts'], {
      testPathIgnorePatterns: [
        '/node_modules/',
        ...named.map((name) => `/__tests__/e2e/${name}\\.test\\.ts$`),
      ],
    }),
    ...Object.entries(E2E).map(([suite, names]) => project(suite, files(names))),
  ],
  // e2e files start real processes; run test files one at a time on a 2-core machine.
  maxWorkers: 1,
  verbose: true,
};
