// compare-modes on the local path: the bundled action launches the frontend, switches it between
// round-robin and kv on the same two mocker workers (prefix caching on, simulated timing kept),
// runs the same repeated-prefix workload in each, and leaves the frontend in the requested mode.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { alive, cleanup, runAction, runPost } from '../support/action.ts';
import { dynamoPython, freePort, startWorkers, type WorkerHandle } from '../support/dynamo.ts';
import { dynamoSuite } from '../support/dynamo-suite.ts';

const { available, describeDynamo } = dynamoSuite();
let workers: WorkerHandle;

beforeAll(async () => {
  if (available) workers = await startWorkers({ workers: 2, speedupRatio: 5 });
}, 120_000);
afterAll(async () => {
  await workers?.stop();
});

interface ModeResult {
  mode: string;
  samples: number;
  errors: number;
  kvHitRate?: number;
  cachedTokenRatio?: number;
  ttftP50?: number;
  label?: string;
}

describeDynamo('compare-modes with a launched frontend', () => {
  it('compares round-robin and kv on a matched workload and reports kv reusing the cache more', async () => {
    const port = await freePort();
    const main = await runAction(
      {
        mode: 'kv',
        launch: 'true',
        python: dynamoPython(),
        'base-url': `http://127.0.0.1:${port}`,
        'frontend-args': '--discovery-backend file',
        'retry-delay': '0.5',
        'compare-modes': 'round-robin,kv',
        'compare-requests': '24',
        'compare-concurrency': '2',
        'compare-prefix-groups': '6',
        'compare-prefix-tokens': '300',
        'compare-max-tokens': '8',
      },
      {
        env: { DYN_FILE_KV: workers.discoveryDir, DYN_TCP_RESPONSE_STREAM_HOST: '127.0.0.1' },
        timeoutMs: 240_000,
      },
    );
    try {
      expect(main.outputs.result).toBe('pass');
      const comparison = JSON.parse(main.outputs.comparison) as { label: string; modes: ModeResult[] };
      expect(comparison.label).toBe('smoke comparison');
      const [rr, kv] = comparison.modes;
      expect(rr.mode).toBe('round-robin');
      expect(kv.mode).toBe('kv');
      expect(rr.samples).toBe(24);
      expect(kv.samples).toBe(24);
      // The router's own metric: only the kv router records hit rates.
      expect(kv.kvHitRate).toBeGreaterThan(rr.kvHitRate ?? 0);
      expect(typeof kv.ttftP50).toBe('number');
      expect(main.summary).toContain('smoke comparison');
      expect(main.summary).toContain('```mermaid');
      expect(main.stdout).toMatch(/Comparison 2\/2: switching to kv/);
      // The deployment ends in the requested mode: the frontend left for later steps runs kv.
      const { pid } = JSON.parse(main.state['launched-frontend'].split('\n').pop() as string) as {
        pid: number;
      };
      expect(alive(pid)).toBe(true);
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')).toContain(
        '--router-mode kv',
      );
      const post = await runPost(main);
      expect(post.exitCode).toBe(0);
      expect(alive(pid)).toBe(false);
    } finally {
      cleanup(main);
    }
  }, 300_000);
});
