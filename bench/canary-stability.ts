// The canary's false alarms on a stable deployment, measured: N consecutive runs of the bundled
// action with `history` against one real kv frontend over two mocker workers that nothing changes,
// as a scheduled canary would run. Prints each run's latency sample, the baseline and the
// regression threshold it was judged against, and the verdict; exits 1 if any run failed (a
// regression here is a false alarm).
//
//   node bench/canary-stability.ts [runs=30] [--probe-requests 0]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseFileCommands } from '../__tests__/support/action.ts';
import { startFrontend, startWorkers, waitForModels } from '../__tests__/support/dynamo.ts';
import { median, runnerFiles } from './lib.ts';

const root = path.resolve(import.meta.dirname, '..');
const node = path.join(root, 'node_modules/.bin/node');
const action = process.env.ACTION_BUNDLE ?? path.join(root, 'dist/index.js');
const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const runs = Math.min(Math.max(Number(positional[0] ?? 30), 6), 200);
const probeAt = process.argv.indexOf('--probe-requests');
const probeRequests = probeAt > 0 ? process.argv[probeAt + 1] : 'auto';

const work = mkdtempSync(path.join(tmpdir(), 'bench-canary-'));
const workers = await startWorkers({ workers: 2, speedupRatio: 1 });
const frontend = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'kv' });
let failures = 0;
try {
  await waitForModels(frontend.url, 60_000);
  console.log(
    `${runs} consecutive runs, history ${path.join('<workspace>', '.router-history/canary.jsonl')}, kv frontend over 2 mocker workers (speedup 1), probe-requests ${probeRequests}, regression-ratio 1.5, history-window 10\n`,
  );
  console.log(
    '| run | result | sample | p50 (ms) | p90 (ms) | baseline runs | baseline median (ms) | prediction bound (ms) | threshold (ms) | ratio | latency verdict | wall (s) |',
  );
  console.log('| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
  const ratios: number[] = [];
  const headroom: number[] = [];
  const walls: number[] = [];
  for (let i = 1; i <= runs; i++) {
    const files = runnerFiles(work, `run${i}`);
    const started = process.hrtime.bigint();
    const run = spawnSync(node, [action], {
      cwd: work,
      env: {
        PATH: process.env.PATH,
        ...files,
        GITHUB_WORKSPACE: work,
        GITHUB_SHA: `bench${i}`,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'bench/canary',
        GITHUB_RUN_ID: String(i),
        'INPUT_BASE-URL': frontend.url,
        INPUT_HISTORY: '.router-history/canary.jsonl',
        'INPUT_PROBE-REQUESTS': probeRequests,
      },
      encoding: 'utf8',
      timeout: 300_000,
    });
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    walls.push(wall);
    const out = parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8'));
    if (out.result !== 'pass') {
      failures++;
      console.error(run.stdout.split('\n').slice(-15).join('\n'));
    }
    const trend = out.trend ? JSON.parse(out.trend) : undefined;
    const l = trend?.latency ?? {};
    const s = trend?.sample ?? {};
    const judged = l.kind === 'ok' || l.kind === 'regression';
    const threshold = judged ? Math.max(l.bound.boundMs, 1.5 * l.bound.medianMs) : undefined;
    if (judged) {
      ratios.push(l.ratio);
      headroom.push((threshold as number) / l.medianMs);
    }
    const f = (v: number | undefined, d = 1): string => (v === undefined ? '' : v.toFixed(d));
    console.log(
      `| ${i} | ${out.result}${out.failure ? ` (${out.failure})` : ''} | ${s.source ?? ''} ${s.samplesMs?.length ?? ''}/${s.requests ?? ''} | ${f(s.p50Ms)} | ${f(s.p90Ms)} | ${judged ? l.bound.runs : (l.runs ?? '')} | ${judged ? f(l.bound.medianMs) : ''} | ${judged ? f(l.bound.boundMs) : ''} | ${f(threshold)} | ${judged ? f(l.ratio, 2) : ''} | ${l.kind ?? ''} | ${f(wall)} |`,
    );
  }
  console.log(
    `\n${failures} failed runs (regressions: false alarms); judged runs ${ratios.length}: ratio to the baseline median ${f2(Math.min(...ratios))}–${f2(Math.max(...ratios))} (median ${f2(median(ratios))}); the closest a run came to its threshold: ${f2(Math.min(...headroom))}× below it; wall time per run median ${median(walls).toFixed(1)} s`,
  );
} finally {
  await frontend.stop();
  await workers.stop();
  rmSync(work, { recursive: true, force: true });
}
function f2(v: number): string {
  return Number.isFinite(v) ? v.toFixed(2) : 'n/a';
}
process.exitCode = failures ? 1 : 0;
