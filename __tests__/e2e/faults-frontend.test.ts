// The frontend fault matrix: the bundled action, pointed (base-url) at a fault-injecting proxy in
// front of a real Dynamo frontend (mocker workers), must give the right failure code for each
// fault (or pass when the fault recovers within the retries), with one error annotation that
// names the next step, no stack trace, a bounded run time, nothing left running, no socket left
// open, and never send the API key to another host.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { cleanup, runAction, type ActionRun } from '../support/action.ts';
import { expectReported, type Verdict } from '../support/fault-verdict.ts';
import {
  freePort,
  processesMatching,
  startFrontend,
  startWorkers,
  type FrontendHandle,
  type WorkerHandle,
} from '../support/dynamo.ts';
import { dynamoSuite } from '../support/dynamo-suite.ts';
import {
  startFaultProxy,
  startRecorder,
  type FaultProxy,
  type FaultRule,
  type Recorder,
} from '../support/fault-proxy.ts';

const { available, describeDynamo } = dynamoSuite();

// Small budgets keep the matrix fast: every failing case is bounded by these.
const RETRIES = 3;
const RETRY_DELAY_S = 0.1;
const TIMEOUT_S = 1;
/** Node start-up, a passing /v1/models phase before a chat fault, scheduling on a busy 2-core runner. */
const SLACK_MS = 6000;

/** Longest a check of `attempts` attempts may take: every attempt times out, plus the backoff. */
function phaseBoundMs(attempts = RETRIES, timeoutS = TIMEOUT_S, delayS = RETRY_DELAY_S): number {
  let backoff = 0;
  for (let n = 1; n < attempts; n++) backoff += Math.min(delayS * 1000 * 2 ** (n - 1), 30_000);
  return attempts * timeoutS * 1000 + backoff;
}

const MODELS = '/v1/models';
const CHAT = '/v1/chat/completions';
const EMPTY_LIST = '{"object":"list","data":[]}';

interface FaultCase {
  name: string;
  rules: (ctx: { recorder: Recorder }) => FaultRule[];
  /** 'pass' or the failure code. */
  expected: string;
  inputs?: Record<string, string>;
  /** Phases that may time out completely (models and chat: 2). */
  phases?: number;
  /** Base URL other than the proxy (e.g. a closed port). */
  baseUrl?: () => Promise<string>;
  /** Extra checks on the run. */
  check?: (run: ActionRun, ctx: { proxy: FaultProxy; recorder: Recorder }) => void;
  /** Passing runs verify the mode afterwards (a few more requests): allow for it. */
  boundMs?: number;
}

const CASES: FaultCase[] = [
  {
    name: 'models 503 burst that recovers after 2',
    rules: () => [{ path: MODELS, times: 2, fault: { kind: 'status', status: 503 } }],
    expected: 'pass',
    check: (run, { proxy }) => {
      expect(
        proxy
          .hits(MODELS)
          .slice(0, 3)
          .map((r) => r.handled),
      ).toEqual(['status', 'status', 'pass']);
      expect(run.stdout).toMatch(/models: attempt 1\/3 failed: GET \/v1\/models answered 503/);
    },
  },
  {
    name: 'models 503 that never recovers',
    rules: () => [{ path: MODELS, fault: { kind: 'status', status: 503 } }],
    expected: 'models-error',
    check: (run, { proxy }) => {
      expect(proxy.hits(MODELS)).toHaveLength(RETRIES);
      expect(run.outputs['next-command']).toContain('/v1/models');
    },
  },
  {
    name: 'models 500 burst that recovers, then a chat 502 burst that recovers',
    rules: () => [
      { path: MODELS, times: 1, fault: { kind: 'status', status: 500 } },
      { path: CHAT, times: 2, fault: { kind: 'status', status: 502 } },
    ],
    expected: 'pass',
  },
  {
    name: 'models: accepts and never answers',
    rules: () => [{ path: MODELS, fault: { kind: 'hang' } }],
    expected: 'frontend-unreachable',
    check: (run, { proxy }) => {
      expect(proxy.hits(MODELS)).toHaveLength(RETRIES);
      expect(run.outputs['next-command']).toMatch(/curl -sS -m 5 .*\/live/);
    },
  },
  {
    name: 'models: headers then a stalled body',
    rules: () => [{ path: MODELS, fault: { kind: 'stall-body' } }],
    expected: 'frontend-unreachable',
  },
  {
    name: 'models: reset mid-body',
    rules: () => [{ path: MODELS, fault: { kind: 'reset-mid-body' } }],
    expected: 'frontend-unreachable',
    check: (_run, { proxy }) => expect(proxy.hits(MODELS)).toHaveLength(RETRIES),
  },
  {
    name: 'models: 64 MiB body (reading stops at the cap)',
    rules: () => [{ path: MODELS, fault: { kind: 'huge', bytes: 64 * 1024 * 1024 } }],
    expected: 'models-error',
    check: (run, { proxy }) => {
      // Not retried: a body that large is not a model list and will not become one.
      expect(proxy.hits(MODELS)).toHaveLength(1);
      expect(run.outputs.failure).toBe('models-error');
      expect(run.summary).toMatch(/larger than \d+ bytes; stopped reading/);
    },
  },
  {
    name: 'models: not JSON with 200',
    rules: () => [
      {
        path: MODELS,
        fault: {
          kind: 'body',
          body: '<html><body>Welcome to nginx!</body></html>',
          contentType: 'text/html',
        },
      },
    ],
    expected: 'models-error',
    check: (run) => expect(run.summary).toContain('not with an OpenAI model list'),
  },
  {
    name: 'models: redirect to another host (api key must not follow)',
    rules: ({ recorder }) => [
      { path: MODELS, fault: { kind: 'redirect', location: `${recorder.url}/v1/models` } },
    ],
    expected: 'models-error',
    check: (run, { recorder }) => {
      expect(recorder.connections()).toBe(0);
      expect(recorder.requests()).toEqual([]);
      expect(run.summary).toContain('redirects are not followed');
    },
  },
  {
    name: 'models empty for the first 2 attempts, then listed',
    rules: () => [{ path: MODELS, times: 2, fault: { kind: 'body', body: EMPTY_LIST } }],
    expected: 'pass',
    inputs: { retries: '4' },
    check: (run) =>
      expect(run.stdout).toMatch(/models: attempt 2\/4 failed: GET \/v1\/models lists no model/),
  },
  {
    name: 'models empty on every attempt',
    rules: () => [{ path: MODELS, fault: { kind: 'body', body: EMPTY_LIST } }],
    expected: 'no-models',
  },
  {
    name: 'models 401 (not retried)',
    rules: () => [{ path: MODELS, fault: { kind: 'status', status: 401, body: '{"error":"unauthorized"}' } }],
    expected: 'unauthorized',
    check: (_run, { proxy }) => expect(proxy.hits(MODELS)).toHaveLength(1),
  },
  {
    name: 'nothing listening at the URL',
    rules: () => [],
    baseUrl: async () => `http://127.0.0.1:${await freePort()}`,
    expected: 'frontend-unreachable',
  },
  {
    name: 'chat 503 that never recovers',
    rules: () => [{ path: CHAT, fault: { kind: 'status', status: 503 } }],
    expected: 'chat-error',
    phases: 2,
    check: (_run, { proxy }) => expect(proxy.hits(CHAT)).toHaveLength(RETRIES),
  },
  {
    name: 'chat: accepts and never answers',
    rules: () => [{ path: CHAT, fault: { kind: 'hang' } }],
    expected: 'chat-timeout',
    phases: 2,
  },
  {
    name: 'chat: headers then a stalled body',
    rules: () => [
      { path: CHAT, fault: { kind: 'stall-body', firstChunk: '{"id":"chatcmpl-1","choices":[' } },
    ],
    expected: 'chat-timeout',
    phases: 2,
  },
  {
    name: 'chat: reset mid-body',
    rules: () => [{ path: CHAT, fault: { kind: 'reset-mid-body' } }],
    expected: 'chat-error',
    phases: 2,
  },
  {
    name: 'chat reply with no content and no usage',
    rules: () => [
      {
        path: CHAT,
        fault: {
          kind: 'body',
          body: JSON.stringify({
            id: 'chatcmpl-x',
            object: 'chat.completion',
            choices: [{ index: 0, message: { role: 'assistant', content: null }, finish_reason: 'stop' }],
          }),
        },
      },
    ],
    expected: 'chat-invalid',
    phases: 2,
    check: (run) => expect(run.summary).toContain('no message content and no generated tokens'),
  },
  {
    name: 'chat: not JSON with 200',
    rules: () => [{ path: CHAT, fault: { kind: 'body', body: 'OK', contentType: 'text/plain' } }],
    expected: 'chat-invalid',
    phases: 2,
  },
  {
    name: 'chat: redirect to another host (api key must not follow)',
    rules: ({ recorder }) => [
      {
        path: CHAT,
        fault: { kind: 'redirect', location: `${recorder.url}/v1/chat/completions`, status: 307 },
      },
    ],
    expected: 'chat-error',
    phases: 2,
    check: (_run, { recorder }) => {
      expect(recorder.connections()).toBe(0);
      expect(recorder.requests()).toEqual([]);
    },
  },
];

const verdicts: Verdict[] = [];

let workers: WorkerHandle;
let frontend: FrontendHandle;
let proxy: FaultProxy;
let recorder: Recorder;

beforeAll(async () => {
  if (!available) return;
  workers = await startWorkers({ workers: 1, speedupRatio: 0 });
  frontend = await startFrontend({ discoveryDir: workers.discoveryDir, mode: 'round-robin' });
  proxy = await startFaultProxy({ upstream: frontend.url });
  recorder = await startRecorder();
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await recorder?.stop();
  await frontend?.stop();
  await workers?.stop();
  if (verdicts.length) {
    const rows = verdicts.map(
      (v) =>
        `| ${v.name} | ${v.expected} | ${v.got || 'pass'} | ${v.elapsedMs} | ${v.boundMs} | ${v.ok ? 'ok' : 'FAILED'} |`,
    );
    console.log(
      [
        `Frontend fault matrix (retries ${RETRIES}, retry-delay ${RETRY_DELAY_S} s, timeout ${TIMEOUT_S} s)`,
        '| case | expected | got | elapsed ms | bound ms | verdict |',
        '| --- | --- | --- | ---: | ---: | --- |',
        ...rows,
      ].join('\n'),
    );
  }
});

describeDynamo('frontend fault matrix (bundled action, url target, real Dynamo behind a fault proxy)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    proxy.setRules(c.rules({ recorder }));
    proxy.reset();
    recorder.reset();
    const apiKey = `fk-${randomUUID()}`;
    const marker = `fault-run-${randomUUID()}`;
    const baseUrl = c.baseUrl ? await c.baseUrl() : proxy.url;
    const passBound = 30_000;
    const boundMs =
      c.boundMs ?? (c.expected === 'pass' ? passBound : (c.phases ?? 1) * phaseBoundMs() + SLACK_MS);
    const run = await runAction(
      {
        'base-url': baseUrl,
        'api-key': apiKey,
        retries: String(RETRIES),
        'retry-delay': String(RETRY_DELAY_S),
        timeout: String(TIMEOUT_S),
        ...c.inputs,
      },
      { env: { FAULT_RUN_MARKER: marker }, timeoutMs: boundMs + 30_000 },
    );
    const got = run.outputs.failure ?? '';
    verdicts.push({
      name: c.name,
      expected: c.expected,
      got,
      elapsedMs: run.elapsedMs,
      boundMs,
      ok: (c.expected === 'pass' ? '' : c.expected) === got && run.elapsedMs <= boundMs,
    });
    try {
      expectReported(run, c.name, c.expected, boundMs);
      // The key is masked first and never printed again, nor written anywhere else.
      const lines = run.stdout.split('\n');
      expect(lines[0]).toBe(`::add-mask::${apiKey}`);
      for (const text of [lines.slice(1).join('\n'), run.summary, JSON.stringify(run.outputs)])
        expect(text).not.toContain(apiKey);
      // The key only ever went to the proxy (the frontend's own host).
      for (const r of proxy.requests()) expect([undefined, `Bearer ${apiKey}`]).toContain(r.authorization);
      // Nothing left running and no connection left open.
      expect(processesMatching(marker)).toEqual([]);
      expect(await proxy.waitIdle(3000)).toBe(0);
      c.check?.(run, { proxy, recorder });
    } finally {
      cleanup(run);
    }
  });

  it('the proxy closes every socket it holds (hung and stalled clients) on stop', async () => {
    const p = await startFaultProxy({
      upstream: frontend.url,
      rules: [
        { path: '/hang', fault: { kind: 'hang' } },
        { path: '/stall', fault: { kind: 'stall-body' } },
      ],
    });
    const hung = fetch(`${p.url}/hang`).then(
      () => 'answered',
      () => 'closed',
    );
    const stalled = fetch(`${p.url}/stall`)
      .then((r) => r.text())
      .then(
        () => 'answered',
        () => 'closed',
      );
    const deadline = Date.now() + 3000;
    while (p.openSockets() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(p.openSockets()).toBe(2);
    await p.stop();
    expect(p.openSockets()).toBe(0);
    // The clients see the connection closed, not an answer.
    expect(await hung).toBe('closed');
    expect(await stalled).toBe('closed');
  });
});
