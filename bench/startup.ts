// Start-up and time to verdict on a healthy local frontend (real Dynamo, mocker workers):
// the bundled action and CLI against `node -e 0`, two curl calls and a minimal Python urllib
// script making the same two requests. Interleaved runs; medians and ratios.
//
//   node bench/startup.ts [rounds]
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFrontend, startWorkers } from '../__tests__/support/dynamo.ts';
import { interleaved, table, type Candidate } from './lib.ts';

const rounds = Number(process.argv[2] ?? 30);
const root = path.resolve(import.meta.dirname, '..');
const node = path.join(root, 'node_modules/.bin/node');
const action = process.env.ACTION_BUNDLE ?? path.join(root, 'dist/index.js');
const cli = process.env.CLI_BUNDLE ?? path.join(root, 'dist/cli/index.js');

const workers = await startWorkers({ workers: 2, speedupRatio: 0 });
const frontend = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'round-robin' });
const dir = mkdtempSync(path.join(tmpdir(), 'bench-'));
try {
  for (const f of ['out', 'summary', 'state']) writeFileSync(path.join(dir, f), '');
  const runnerEnv = {
    GITHUB_OUTPUT: path.join(dir, 'out'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
    GITHUB_STATE: path.join(dir, 'state'),
    'INPUT_BASE-URL': frontend.url,
  };
  const chatBody = JSON.stringify({
    model: 'tiny-model',
    messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
    max_tokens: 32,
  });
  const candidates: Candidate[] = [
    { name: 'node -e 0 (Node 24)', argv: [node, '-e', '0'] },
    { name: 'action (dist/index.js)', argv: [node, action], env: runnerEnv },
    { name: 'cli (dist/cli/index.js)', argv: [node, cli, '--base-url', frontend.url] },
    { name: 'python urllib script', argv: ['python3', path.join(root, 'bench/smoke.py'), frontend.url] },
    {
      name: 'two curl calls',
      argv: [
        'sh',
        '-c',
        `curl -sf ${frontend.url}/v1/models >/dev/null && curl -sf -H 'content-type: application/json' -d '${chatBody}' ${frontend.url}/v1/chat/completions >/dev/null`,
      ],
    },
  ];
  const times = interleaved(candidates, rounds);
  console.log(`Healthy local frontend, ${rounds} interleaved rounds, Node ${process.version}:\n`);
  console.log(table(times, 'python urllib script'));
  const size = (f: string) => `${(statSync(f).size / 1024).toFixed(0)} KiB`;
  console.log(`\nBundle sizes: dist/index.js ${size(action)}, dist/cli/index.js ${size(cli)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  await frontend.stop();
  await workers.stop();
}
