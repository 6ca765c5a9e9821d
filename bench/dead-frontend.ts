// Time to detect a dead frontend, against the budget the inputs allow
// (retries × timeout + the capped backoff between attempts). Two kinds of dead: nothing listens
// (connection refused: fails fast, after the backoff) and a server that accepts and never
// answers (each attempt waits the full timeout).
//
//   node bench/dead-frontend.ts
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { totalBackoff } from '../src/check/retry.ts';
import { median } from './lib.ts';

const root = path.resolve(import.meta.dirname, '..');
const node = path.join(root, 'node_modules/.bin/node');
const action = process.env.ACTION_BUNDLE ?? path.join(root, 'dist/index.js');

const sockets = new Set<Socket>();
const hang = createServer((s) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});
await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
const hangPort = (hang.address() as { port: number }).port;
const closed = createServer();
await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
const closedPort = (closed.address() as { port: number }).port;
await new Promise((r) => closed.close(r));

function run(url: string, retries: number, timeout: number, delay: number): { ms: number; failure: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-dead-'));
  for (const f of ['out', 'summary', 'state']) writeFileSync(path.join(dir, f), '');
  const started = process.hrtime.bigint();
  spawnSync(node, [action], {
    env: {
      PATH: process.env.PATH,
      GITHUB_OUTPUT: path.join(dir, 'out'),
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
      GITHUB_STATE: path.join(dir, 'state'),
      'INPUT_BASE-URL': url,
      INPUT_RETRIES: String(retries),
      INPUT_TIMEOUT: String(timeout),
      'INPUT_RETRY-DELAY': String(delay),
    },
    stdio: 'ignore',
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const out = readFileSync(path.join(dir, 'out'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  const failure = /failure<<(\S+)\n(.*)\n/.exec(out)?.[2];
  // No failure output means the action never ran its check (e.g. dist/ was being rebuilt).
  if (!failure) throw new Error(`${action} wrote no failure output for ${url}; is the bundle there?`);
  return { ms, failure };
}

console.log('| frontend | retries × timeout, first delay | budget (s) | measured median (s) | failure |');
console.log('| --- | --- | ---: | ---: | --- |');
for (const [label, url] of [
  ['nothing listening', `http://127.0.0.1:${closedPort}`],
  ['accepts, never answers', `http://127.0.0.1:${hangPort}`],
] as const) {
  for (const [retries, timeout, delay] of [
    [3, 1, 0.5],
    [5, 2, 1],
  ] as const) {
    const runs = [0, 1, 2].map(() => run(url, retries, timeout, delay));
    const budget = (retries * timeout * 1000 + totalBackoff(retries, delay * 1000)) / 1000;
    console.log(
      `| ${label} | ${retries} × ${timeout} s, ${delay} s | ${budget.toFixed(1)} | ${(median(runs.map((r) => r.ms)) / 1000).toFixed(2)} | ${runs[0].failure} |`,
    );
  }
}
for (const s of sockets) s.destroy();
hang.close();
