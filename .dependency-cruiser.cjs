/* global module */
// Import-cycle check for `npm run lint` (scripts/test.sh runs it too), over the whole house: src/,
// standin-cluster/, __tests__/, scripts/ and bench/. Type-only imports count: a cycle through types
// still ties two modules together. The folder rules below are src/'s layering.
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
      // Folders too: the phases write into report/ (the Contract, its wording), never back.
      name: 'report-is-downstream',
      comment:
        'report/ formats what the phases found; it must not import a phase (compare/, verify/, targets/).',
      severity: 'error',
      from: { path: '^src/report/' },
      to: { path: '^src/(compare|verify|targets)/' },
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
