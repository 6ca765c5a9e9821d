// Builds the committed bundles: tsc (src → lib), then ncc (lib → dist). One bundle serves the
// action's main and post steps (dist/index.js); the CLI has its own (dist/cli/index.js).
// Chunks loaded by dynamic import (the Kubernetes client) land beside each bundle and are
// parsed only when a run needs them.
import { execFileSync } from 'node:child_process';
import { rmSync, mkdirSync, readdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
rmSync('lib', { recursive: true, force: true });
execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });

function bundle(entry, outDir) {
  rmSync(outDir, { recursive: true, force: true });
  // -m minifies (start-up parses everything it loads), --no-source-map-register and no
  // source maps keep dist small, -q for a quiet build, --no-cache for reproducible output.
  execFileSync(
    bin('ncc'),
    [
      'build',
      entry,
      '-o',
      outDir,
      '-m',
      '-q',
      '--no-cache',
      '--license',
      'licenses.txt',
      '--target',
      'es2023',
    ],
    {
      stdio: 'inherit',
    },
  );
}

bundle('lib/index.js', 'dist');
bundle('lib/cli.js', '.tmp/cli');
mkdirSync('dist/cli', { recursive: true });
for (const file of readdirSync('.tmp/cli')) renameSync(join('.tmp/cli', file), join('dist/cli', file));
rmSync('.tmp/cli', { recursive: true, force: true });
if (!existsSync('dist/package.json')) writeFileSync('dist/package.json', '{"type":"module"}\n');
console.log('dist/ rebuilt');
