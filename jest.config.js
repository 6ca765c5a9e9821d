// ESM TypeScript under Node 24: ts-jest in ESM mode (the toolkit packages are ESM only).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } },
    ],
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts', '<rootDir>/standin-cluster/__tests__/**/*.test.ts'],
  // e2e files start real processes; run test files one at a time on a 2-core machine.
  maxWorkers: 1,
  testTimeout: 120000,
  verbose: true,
};
