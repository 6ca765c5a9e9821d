// compare-modes against streams that never end, through the bundled action: a launched frontend
// whose port is served by a hostile stand-in (support/hostile-python.mjs) that passes the smoke
// check and the model list through to a real Dynamo frontend, but answers streamed chat requests
// with `data:` lines that never end their event or with events forever. Every such request must
// end as `stream-too-large`, the comparison must finish (outputs and summary written, the
// frontend relaunched in `mode`), the process must exit within a bound, and its peak memory at
// compare-concurrency 32 must stay far below a runner's (under 300 MB RSS).
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ACTION, ROOT, alive, cleanup, runAction, runPost } from '../support/action.ts';
import { dynamoPython, freePort, startWorkers, type WorkerHandle } from '../support/dynamo.ts';
import { dynamoSuite } from '../support/dynamo-suite.ts';
import type { Comparison } from '../../src/model/comparison.js';

const { available, describeDynamo } = dynamoSuite();

// compare-max-tokens 256: the per-request caps (576 events, 320 KiB) sit above the per-event cap
// (256 Ki characters), so both kinds of endless stream meet their own cap.
const CONCURRENCY = 32;
const REQUESTS = 32;
/** A comparison of two modes relaunches the frontend three times; slack for a busy 2-core runner. */
const BOUND_MS = 200_000;
const RSS_LIMIT_KB = 300 * 1024;

let workers: WorkerHandle;
let dir: string;

beforeAll(async () => {
  if (!available) return;
  workers = await startWorkers({ workers: 2, speedupRatio: 0 });
  dir = mkdtempSync(path.join(tmpdir(), 'hostile-stream-'));
}, 120_000);

afterAll(async () => {
  await workers?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describeDynamo('compare-modes against endless event streams (bundled action)', () => {
  it('ends each endless stream as stream-too-large, finishes the comparison, restores the mode, stays under 300 MB', async () => {
    // The `python` input: a shell script exec'ing Node on the stand-in, so the launched process
    // (and its group) is the stand-in itself.
    const python = path.join(dir, 'python');
    writeFileSync(
      python,
      `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, '__tests__', 'support', 'hostile-python.mjs')}" "$@"\n`,
    );
    chmodSync(python, 0o755);
    // Peak RSS of the action process, read from inside it just before it exits.
    const rssFile = path.join(dir, 'vmhwm');
    const probe = path.join(dir, 'probe.mjs');
    writeFileSync(
      probe,
      [
        "import { readFileSync, writeFileSync } from 'node:fs';",
        "process.on('exit', () => writeFileSync(process.env.RSS_OUT, readFileSync('/proc/self/status', 'utf8')));",
        `await import(${JSON.stringify(pathToFileURL(ACTION).href)});`,
      ].join('\n'),
    );
    const port = await freePort();
    const main = await runAction(
      {
        mode: 'kv',
        launch: 'true',
        python,
        'base-url': `http://127.0.0.1:${port}`,
        'frontend-args': '--discovery-backend file',
        'retry-delay': '0.5',
        timeout: '60',
        'compare-modes': 'round-robin,kv',
        'compare-requests': String(REQUESTS),
        'compare-concurrency': String(CONCURRENCY),
        'compare-prefix-groups': '4',
        'compare-prefix-tokens': '50',
        'compare-max-tokens': '256',
      },
      {
        env: {
          DYN_FILE_KV: workers.discoveryDir,
          DYN_TCP_RESPONSE_STREAM_HOST: '127.0.0.1',
          HOSTILE_REAL_PYTHON: dynamoPython(),
          // The warm-up (2 × concurrency, capped at the request count) is all hostile: 32
          // endless streams at once; then one measured request in two.
          HOSTILE_FIRST: String(Math.min(2 * CONCURRENCY, REQUESTS)),
          RSS_OUT: rssFile,
        },
        script: probe,
        timeoutMs: BOUND_MS + 60_000,
      },
    );
    let pid = 0;
    try {
      expect(main.elapsedMs).toBeLessThan(BOUND_MS);
      expect(main.stderr).not.toMatch(/heap out of memory|FATAL/);
      // Outputs and the summary are written; the comparison finished with the good half.
      expect(main.outputs.result).toBe('pass');
      const comparison = JSON.parse(main.outputs.comparison) as Pick<Comparison, 'modes'>;
      expect(comparison.modes.map((m) => m.mode)).toEqual(['round-robin', 'kv']);
      for (const m of comparison.modes) {
        expect(m).toMatchObject({ requests: REQUESTS, samples: REQUESTS / 2, errors: REQUESTS / 2 });
        expect(m.errorKinds).toEqual({ 'stream-too-large': REQUESTS / 2 });
        // Whichever cap an endless stream meets first (bytes are counted per chunk, before parsing).
        expect(m.firstError).toMatch(
          /^(an SSE event exceeded \d+ characters|the stream sent more than \d+ events|the stream exceeded \d+ bytes)$/,
        );
      }
      expect(main.summary).toContain('stream-too-large');
      expect(main.stdout).toMatch(/Comparison done: putting the deployment back/);
      // The frontend left for later steps runs the requested mode.
      ({ pid } = JSON.parse(main.state['launched-frontend'].split('\n').pop() as string) as { pid: number });
      expect(alive(pid)).toBe(true);
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')).toContain(
        '--router-mode kv',
      );
      // Peak memory of the action process.
      const status = readFileSync(rssFile, 'utf8');
      const peakKb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
      console.log(
        `hostile-stream: action peak RSS ${Math.round(peakKb / 1024)} MB, run ${main.elapsedMs} ms`,
      );
      expect(peakKb).toBeGreaterThan(0);
      expect(peakKb).toBeLessThan(RSS_LIMIT_KB);
    } finally {
      const post = await runPost(main);
      expect(post.exitCode).toBe(0);
      if (pid) expect(alive(pid)).toBe(false);
      cleanup(main);
    }
  }, 400_000);
});
