// The routing probe against real Dynamo 1.6.1: three mocker workers (speedup 1, so held streams
// last seconds) shared by frontends started outside the action in round-robin, random and kv
// mode, and checked by URL with the bundled action; a frontend the action launches over workers
// that advertise kv; a comparison on a one-worker graph. Every verdict comes from what the
// frontends did to the probe's requests (and, for kv, also from the router's metrics).
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { alive, cleanup, runAction, runCli, runPost, type ActionRun } from '../support/action.ts';
import {
  dynamoPython,
  freePort,
  startFrontend,
  startWorkers,
  TINY_MODEL_NAME,
  type FrontendHandle,
  type WorkerHandle,
} from '../support/dynamo.ts';
import { dynamoSuite } from '../support/dynamo-suite.ts';

const { available, describeDynamo } = dynamoSuite();

let workers: WorkerHandle | undefined;
const frontends: Record<string, FrontendHandle> = {};

beforeAll(async () => {
  if (!available) return;
  workers = await startWorkers({ workers: 3, speedupRatio: 1 });
  for (const mode of ['round-robin', 'random', 'kv'])
    frontends[mode] = await startFrontend({ discoveryDir: workers.discoveryDir, mode });
}, 180_000);

afterAll(async () => {
  for (const fe of Object.values(frontends)) await fe.stop();
  await workers?.stop();
}, 60_000);

const url = (mode: string): string => frontends[mode].url;
const routing = (run: ActionRun) =>
  JSON.parse(run.outputs.routing) as {
    probe?: {
      pattern: string;
      verdict: string;
      observed?: string;
      workers: { id: string; share: number }[];
      requests: { latencyMs: number; worker?: string }[];
    };
    skipped?: string;
  };

describeDynamo('routing probe (Dynamo 1.6.1, 3 mocker workers)', () => {
  it('a check-only URL run of a round-robin frontend reports round-robin, verified by behaviour', async () => {
    const run = await runAction({ 'base-url': url('round-robin'), 'max-tokens': '4' });
    try {
      expect({ result: run.outputs.result, summary: run.summary }).toMatchObject({ result: 'pass' });
      expect(run.outputs.mode).toBe('round-robin');
      expect(run.outputs['mode-verified']).toBe('verified');
      expect(run.outputs['mode-proven-by'].split(',')).toContain('behaviour');
      const probe = routing(run).probe;
      expect(probe?.pattern).toMatch(/requests took the 3 workers in turn \(A B C A B C/);
      expect(probe?.workers).toHaveLength(3);
      expect(probe?.requests.every((r) => r.latencyMs >= 0 && /^\d+$/.test(r.worker ?? ''))).toBe(true);
      expect(run.summary).toContain('Routing: which worker served each request');
      expect(probe).toMatchObject({ verdict: 'verified', observed: 'round-robin' });
      expect(run.outputs['mode-reason']).toMatch(/\bobserved round-robin\b/);
    } finally {
      cleanup(run);
    }
  }, 120_000);

  it('random asked of a round-robin frontend fails mode-not-applied, saying the requests took turns', async () => {
    const run = await runAction({ 'base-url': url('round-robin'), mode: 'random', 'max-tokens': '4' });
    try {
      expect(run.outputs.result).toBe('fail');
      expect(run.outputs.failure).toBe('mode-not-applied');
      expect(run.outputs['mode-proven-by']).toBe('behaviour');
      // The requests took turns: the probe singles out round-robin, against the random asked.
      expect(routing(run).probe).toMatchObject({ verdict: 'contradicted', observed: 'round-robin' });
      expect(run.summary).toMatch(/took the 3 workers in turn/);
    } finally {
      cleanup(run);
    }
  }, 120_000);

  it('round-robin asked of a random frontend fails mode-not-applied: no turn order on a quiet frontend', async () => {
    const run = await runAction({ 'base-url': url('random'), mode: 'round-robin', 'max-tokens': '4' });
    try {
      expect(run.outputs.result).toBe('fail');
      expect(run.outputs.failure).toBe('mode-not-applied');
      // No turn order, and no other traffic to blame it on.
      expect(routing(run).probe?.verdict).toBe('contradicted');
      expect(run.summary).toMatch(/did not take the 3 workers in turn .* no other traffic/);
    } finally {
      cleanup(run);
    }
  }, 120_000);

  it('kv is proven by behaviour and by metrics', async () => {
    const run = await runAction({ 'base-url': url('kv'), mode: 'kv', 'max-tokens': '4' });
    try {
      expect({ result: run.outputs.result, summary: run.summary }).toMatchObject({ result: 'pass' });
      expect(run.outputs['mode-verified']).toBe('verified');
      expect(run.outputs['mode-proven-by'].split(',').sort()).toEqual(['behaviour', 'metrics']);
      expect(routing(run).probe?.pattern).toMatch(/sharing one ~\d+-token prefix went to 1 worker/);
    } finally {
      cleanup(run);
    }
  }, 120_000);

  it('other traffic during the probe never turns into a failure', async () => {
    // A bounded loop of other requests to the round-robin frontend while the action checks it.
    let stop = false;
    const other = (async () => {
      for (let i = 0; i < 400 && !stop; i++)
        await fetch(`${url('round-robin')}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: TINY_MODEL_NAME,
            messages: [{ role: 'user', content: `other ${i}` }],
            max_tokens: 1,
          }),
          signal: AbortSignal.timeout(5000),
        }).then(
          (r) => r.text(),
          () => '',
        );
    })();
    const run = await runAction({ 'base-url': url('round-robin'), mode: 'round-robin', 'max-tokens': '4' });
    stop = true;
    await other;
    try {
      expect({ result: run.outputs.result, failure: run.outputs.failure }).toEqual({
        result: 'pass',
        failure: '',
      });
      expect(['verified', 'unverifiable']).toContain(run.outputs['mode-verified']);
    } finally {
      cleanup(run);
    }
  }, 120_000);

  it('the CLI prints mode_proven_by and routing, and observes the mode with --probe-requests alone', async () => {
    const cli = await runCli([
      '--base-url',
      url('round-robin'),
      '--probe-requests',
      'auto',
      '--max-tokens',
      '2',
    ]);
    const doc = JSON.parse(cli.stdout) as {
      ok: boolean;
      mode: string;
      mode_verified: string;
      mode_proven_by: string[];
      routing: { probe?: { observed?: string } };
    };
    expect(doc).toMatchObject({ ok: true, mode: 'round-robin', mode_verified: 'verified' });
    expect(doc.mode_proven_by).toContain('behaviour');
    expect(doc.routing.probe?.observed).toBe('round-robin');
  }, 120_000);

  it('a launched round-robin frontend over workers that advertise kv fails, naming the advertisement', async () => {
    const advertising = await startWorkers({ workers: 2, speedupRatio: 1, env: { DYN_ROUTER_MODE: 'kv' } });
    try {
      expect(advertising.process.logs()).toMatch(/Advertising router mode 'kv' in the model card/);
      const port = await freePort();
      const main = await runAction(
        {
          launch: 'true',
          mode: 'round-robin',
          python: dynamoPython(),
          'base-url': `http://127.0.0.1:${port}`,
          'frontend-args': '--discovery-backend file',
          'retry-delay': '0.5',
          'max-tokens': '4',
        },
        { env: advertising.env },
      );
      try {
        expect(main.outputs.result).toBe('fail');
        expect(main.outputs.failure).toBe('mode-not-applied');
        expect(main.summary).toMatch(/likely cause is the workers/);
        // The requests showed kv (one prefix on one worker), and so did the frontend's own log.
        expect(main.outputs['mode-proven-by'].split(',')).toEqual(
          expect.arrayContaining(['behaviour', 'log']),
        );
        expect(main.summary).toMatch(/router&#95;mode=kv|router_mode=kv/);
        expect(main.summary).toMatch(/worker advertisement/);
        expect(main.summary).toContain('Advertising router mode &#39;kv&#39; in the model card');
      } finally {
        if (main.state['launched-frontend']) {
          const { pid } = JSON.parse(main.state['launched-frontend']) as { pid: number };
          await runPost(main);
          expect(alive(pid)).toBe(false);
        }
        cleanup(main);
      }
    } finally {
      await advertising.stop();
    }
  }, 180_000);

  it('a comparison on a one-worker graph says the modes could not differ', async () => {
    const single = await startWorkers({ workers: 1, speedupRatio: 10 });
    try {
      const port = await freePort();
      const main = await runAction(
        {
          launch: 'true',
          mode: 'round-robin',
          python: dynamoPython(),
          'base-url': `http://127.0.0.1:${port}`,
          'frontend-args': '--discovery-backend file',
          'retry-delay': '0.5',
          'max-tokens': '4',
          'compare-modes': 'round-robin,kv',
          'compare-requests': '6',
          'compare-concurrency': '2',
          'compare-max-tokens': '4',
        },
        { env: single.env, timeoutMs: 240_000 },
      );
      try {
        expect({ result: main.outputs.result, summary: main.summary }).toMatchObject({ result: 'pass' });
        const limitations = JSON.parse(main.outputs.limitations) as string[];
        expect(limitations).toContainEqual(
          expect.stringMatching(
            /^One worker \(\d+\) served every request of every mode \(round-robin, kv\): .*could not differ/,
          ),
        );
        expect(routing(main).skipped).toMatch(/GET \/health lists one worker/);
      } finally {
        if (main.state['launched-frontend']) await runPost(main);
        cleanup(main);
      }
    } finally {
      await single.stop();
    }
  }, 300_000);
});
