// Builds the committed bundles: tsc (src → lib), then ncc (lib → dist). One bundle serves the
// action's main and post steps (dist/index.js); the CLI has its own (dist/cli/main.js) behind a
// small executable entry (dist/cli/index.js, from scripts/cli-entry.js) that checks the Node release.
// Chunks loaded by dynamic import (the Kubernetes client) land beside each bundle and are
// parsed only when a run needs them.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  rmSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { join } from 'node:path';

const bin = (name) => join('node_modules', '.bin', name);
rmSync('lib', { recursive: true, force: true });
execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });

function bundle(entry, outDir, extra = ['--license', 'licenses.txt']) {
  rmSync(outDir, { recursive: true, force: true });
  // -m minifies (start-up parses everything it loads), --no-source-map-register and no
  // source maps keep dist small, -q for a quiet build, --no-cache for reproducible output.
  execFileSync(
    bin('ncc'),
    ['build', entry, '-o', outDir, '-m', '-q', '--no-cache', ...extra, '--target', 'es2023'],
    { stdio: 'inherit' },
  );
}

// The Kubernetes client, minified before it joins its chunk: ncc minifies only the entry file
// it writes, never the chunks it splits off for dynamic imports, so the client would otherwise
// sit in the Kubernetes chunk as plain source (19.7 MB from the package root). Pre-bundled from
// the few files the target imports (src/targets/kubernetes/api/client.ts), it replaces lib's copy of
// that module, and the main build bundles it like any other file (ncc handles nested ncc output).
// undici stays outside so the main build shares one copy with whatever else uses it.
const CLIENT = 'lib/targets/kubernetes/api/client.js';
bundle(CLIENT, '.tmp/kubernetes-client', ['--external', 'undici', '--license', 'licenses.txt']);
const clientLicenses = readFileSync('.tmp/kubernetes-client/licenses.txt', 'utf8');
const emitted = readdirSync('.tmp/kubernetes-client').filter(
  (f) => f !== 'package.json' && f !== 'licenses.txt',
);
if (emitted.join() !== 'index.js')
  throw new Error(`the Kubernetes client bundle emitted ${emitted.join(', ')}; only index.js is handled`);
// The bundle's asset-base line, `new URL(".", import.meta.url)`, would make the main build copy
// the module's directory (lib/targets/kubernetes/api/) into dist/ as assets. The
// client bundle has no assets (checked above), so the line goes.
const ASSET_BASE = /if\(typeof __nccwpck_require__!=="undefined"\)__nccwpck_require__\.ab=[^;]*;/g;
const client = readFileSync('.tmp/kubernetes-client/index.js', 'utf8');
const stripped = client.replace(ASSET_BASE, '');
if (client.match(ASSET_BASE)?.length !== 1 || stripped.includes('__nccwpck_require__.ab'))
  throw new Error('the Kubernetes client bundle no longer has exactly one asset-base line; see bundle.mjs');
writeFileSync(CLIENT, stripped);
rmSync('.tmp/kubernetes-client', { recursive: true, force: true });

bundle('lib/index.js', 'dist');
// The main build sees the client as a file of ours; its packages' licences come from its own build.
writeFileSync(
  'dist/licenses.txt',
  `${readFileSync('dist/licenses.txt', 'utf8').trimEnd()}\n\n${clientLicenses}`,
);
bundle('lib/cli/main.js', '.tmp/cli');
mkdirSync('dist/cli', { recursive: true });
// The bundle becomes main.js (its chunks are loaded relative to it); index.js is the package bin:
// a shebang, the run bit, and the Node check before anything of the bundle is parsed.
for (const file of readdirSync('.tmp/cli'))
  renameSync(join('.tmp/cli', file), join('dist/cli', file === 'index.js' ? 'main.js' : file));
rmSync('.tmp/cli', { recursive: true, force: true });
copyFileSync('scripts/cli-entry.js', 'dist/cli/index.js');
chmodSync('dist/cli/index.js', 0o755);
if (!existsSync('dist/package.json')) writeFileSync('dist/package.json', '{"type":"module"}\n');
console.log('dist/ rebuilt');
