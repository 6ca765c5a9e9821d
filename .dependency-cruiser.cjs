/* global module */
// Import-cycle and layering check for `npm run lint` (scripts/test.sh runs it too), over the whole
// house: src/, standin-cluster/, __tests__/, scripts/ and bench/. Type-only imports count: a cycle
// through types still ties two modules together. The folder rules below are src/'s layering: the
// shared types live in src/model/ (the Contract, findings, failures and their causes, comparison,
// routing, history), which every phase may import and which imports nothing else; the seams
// between a run and its targets are src/session.ts.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules must not import each other, directly or round a loop (type-only imports included).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'model-is-the-bottom',
      comment:
        'model/ holds the shared types every phase may import; it imports nothing outside model/ (no phase, no report).',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^src/(?!model/)' },
    },
    {
      // The phases return data; report/ renders it, and never reaches back into a phase.
      name: 'report-is-downstream',
      comment:
        'report/ renders what the phases found; it must not import a phase (check/, compare/, verify/, canary/, history/, targets/).',
      severity: 'error',
      from: { path: '^src/report/' },
      to: { path: '^src/(check|compare|verify|canary|history|targets)/' },
    },
    {
      name: 'releases-below-targets',
      comment: 'releases/ knows Dynamo releases; the targets use it, not the other way round.',
      severity: 'error',
      from: { path: '^src/releases/' },
      to: { path: '^src/targets/' },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    // Keep type-only imports in the graph (they are erased before run time, but still couple modules).
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|lib|dist)/' },
  },
};
