// The routing probe's pure parts: the probabilities its tests rest on, its size per worker count,
// the patterns it reads, the traffic evidence from /metrics, how behaviour combines with the log
// and metrics, balance, and the probe-requests input.
import { describe, expect, it } from '@jest/globals';
import { ROUTER_MODES } from '../../src/model/modes.js';
import { parseSettings } from '../../src/settings/settings.js';
import type { ProbeRequestRecord } from '../../src/model/routing.js';
import { analyseProbe, type ProbeObservation } from '../../src/verify/probe/analyse.js';
import { analyseNamed } from '../../src/verify/probe/direct-mode.js';
import { takesTurns } from '../../src/verify/probe/patterns.js';
import { comparisonBalance, probeHotspot } from '../../src/verify/probe/balance.js';
import { coreOrder, designProbe } from '../../src/verify/probe/design.js';
import { readReply } from '../../src/verify/probe/http-transport.js';
import {
  binomialCdf,
  hypergeometricTail,
  trialsToSee,
  uniformBusiestTail,
  uniformCycleChance,
} from '../../src/verify/probe/chance.js';
import { trafficBetween } from '../../src/verify/probe/traffic.js';
import { runProbe } from '../../src/verify/probe/run-probe.js';
import { simTransport } from '../support/routing-sim.ts';
import { combineEvidence } from '../../src/verify/combine.js';
import { renderRouting } from '../../src/report/summary-routing.js';
import type { Verification } from '../../src/verify/log-metrics-verdict.js';

const A = '17000000000000000001';
const B = '17000000000000000002';
const C = '17000000000000000003';
const LISTED = [A, B, C].map((id) => ({ id, namespace: 'dynamo', component: 'backend', deviceType: 'cuda' }));
const CLEAN = { otherTraffic: 'none', detail: 'nothing else ran' } as const;

/** Every way n picks over w workers can fall, counted by brute force. */
function bruteBusiest(n: number, w: number, m: number): number {
  let hit = 0;
  const total = w ** n;
  for (let code = 0; code < total; code++) {
    const counts = new Array<number>(w).fill(0);
    let c = code;
    for (let i = 0; i < n; i++) {
      counts[c % w]++;
      c = Math.floor(c / w);
    }
    if (Math.max(...counts) >= m) hit++;
  }
  return hit / total;
}

/** An observation: the core as given (phases from coreOrder), then the held phases. */
function observation(
  core: string[],
  held: { one?: { hold: string; served: string[] }; many?: { holds: string[]; served: string[] } } = {},
): ProbeObservation {
  const order = coreOrder(Math.round(core.length * 0.4), core.length - Math.round(core.length * 0.4));
  const requests: ProbeRequestRecord[] = core.map((worker, i) => ({
    phase: order[i],
    worker,
    status: 200,
    latencyMs: 3,
  }));
  if (held.one) {
    requests.push({ phase: 'hold', worker: held.one.hold, status: 200, latencyMs: 5 });
    for (const w of held.one.served)
      requests.push({
        phase: 'one-held',
        worker: w,
        status: 200,
        latencyMs: 3,
        heldWorker: w === held.one.hold,
        counted: true,
      });
  }
  if (held.many) {
    const busy = new Set([held.one?.hold ?? '', ...held.many.holds]);
    for (const h of held.many.holds) requests.push({ phase: 'hold', worker: h, status: 200, latencyMs: 5 });
    for (const w of held.many.served)
      requests.push({
        phase: 'many-held',
        worker: w,
        status: 200,
        latencyMs: 3,
        heldWorker: busy.has(w),
        counted: true,
      });
  }
  return { requests, listed: LISTED, listedAfter: LISTED, durationMs: 100 };
}

const cycle = (n: number): string[] => Array.from({ length: n }, (_, i) => [A, B, C][i % 3]);

describe('probe statistics', () => {
  it('counts the busiest worker of a uniform pick exactly', () => {
    for (const [n, w, m] of [
      [6, 3, 5],
      [7, 2, 7],
      [5, 4, 3],
      [8, 3, 8],
    ])
      expect(uniformBusiestTail(n, w, m)).toBeCloseTo(bruteBusiest(n, w, m), 10);
    expect(uniformCycleChance(9, 3)).toBeCloseTo(6 / 3 ** 9, 12);
    expect(binomialCdf(10, 0.5, 0)).toBeCloseTo(1 / 1024, 12);
    expect(trialsToSee(1 / 3, 0.002)).toBe(16);
    // Fisher: all 5 draws marked, out of 5 marked in 10: 1 / C(10, 5).
    expect(hypergeometricTail(10, 5, 5, 5)).toBeCloseTo(1 / 252, 12);
  });
});

describe('probe design', () => {
  it('sizes by the workers, never sends shared-prefix requests back to back, and honours a size', () => {
    const three = designProbe(3, 'auto');
    expect(three.total).toBeGreaterThan(40);
    expect(three.total).toBeLessThanOrEqual(80);
    expect(three.manyHolds).toBe(2);
    expect(designProbe(2, 'auto').manyHeld).toBe(0);
    expect(designProbe(40, 'auto').total).toBeLessThanOrEqual(80);
    const order = coreOrder(10, 15).join(' ');
    expect(order).not.toMatch(/shared-prefix shared-prefix/);
    const small = designProbe(3, 20);
    expect(Math.abs(small.total - 20)).toBeLessThanOrEqual(3);
  });
});

describe('probe patterns', () => {
  it('proves round-robin from the turn order, and rules every other mode out', () => {
    const a = analyseProbe(observation(cycle(24)), { available: ROUTER_MODES, traffic: CLEAN });
    expect(a.verdict).toBe('verified');
    expect(a.observed).toBe('round-robin');
    expect(a.pattern).toMatch(/^24 requests took the 3 workers in turn \(A B C A B C/);
    const asked = analyseProbe(observation(cycle(24)), {
      asked: 'random',
      available: ROUTER_MODES,
      traffic: CLEAN,
    });
    expect(asked.verdict).toBe('contradicted');
    expect(asked.reason).toMatch(/in turn .* as only round-robin does/);
    expect(takesTurns([A, B, A, B], 2)).toBe(true);
    expect(takesTurns([A, B, B, A], 2)).toBe(false);
  });

  it('reads kv from one prefix kept on one worker while distinct prefixes spread, and says so', () => {
    const order = coreOrder(10, 15);
    const spread = [A, B, C, B, C, A, C, A, B, A, C, B, A, B, C];
    let d = 0;
    const core = order.map((p) => (p === 'shared-prefix' ? B : spread[d++]));
    const obs = observation(core);
    // observation() derives its own order: rebuild with this one.
    obs.requests = core.map((worker, i) => ({ phase: order[i], worker, status: 200, latencyMs: 3 }));
    obs.sharedPrefixTokens = 700;
    const a = analyseProbe(obs, { available: ROUTER_MODES, traffic: CLEAN });
    expect(a.observed).toBe('kv');
    const rr = analyseProbe(obs, { asked: 'round-robin', available: ROUTER_MODES, traffic: CLEAN });
    expect(rr.verdict).toBe('contradicted');
    expect(rr.reason).toMatch(/10 of 10 requests sharing one ~700-token prefix went to one worker/);
  });

  it('says "not kv" when one prefix spreads on a quiet frontend, softly (kv without KV events spreads too)', () => {
    const order = coreOrder(10, 15);
    const core = order.map((_, i) => [A, B, B, C, A, C, B, A][i % 8]);
    const obs: ProbeObservation = {
      requests: core.map((worker, i) => ({ phase: order[i], worker, status: 200, latencyMs: 3 })),
      listed: LISTED,
      durationMs: 1,
      sharedPrefixTokens: 600,
    };
    const a = analyseProbe(obs, { asked: 'kv', available: ROUTER_MODES, traffic: CLEAN });
    expect(a.verdict).toBe('contradicted');
    expect(a.softContradiction).toBe(true);
    expect(a.reason).toMatch(/10 requests sharing one ~600-token prefix went to 3 workers \(.*\): not kv$/);
    // The same under other traffic proves nothing either way.
    const busy = analyseProbe(obs, {
      asked: 'kv',
      available: ROUTER_MODES,
      traffic: { otherTraffic: 'seen', detail: 'x' },
    });
    expect(busy.verdict).toBe('unverifiable');
  });

  it('tells least-loaded from power-of-two and random by held workers, and not from device-aware-weighted', () => {
    const spreadCore = [A, C, B, B, A, C, C, B, A, A, B, C, B, A, C, C, A, B, A, C, B, C, B, A, A];
    const ll = observation(spreadCore, {
      one: { hold: A, served: Array<string>(16).fill(B) },
      many: { holds: [B], served: Array<string>(16).fill(C) },
    });
    const a = analyseProbe(ll, { asked: 'least-loaded', available: ROUTER_MODES, traffic: CLEAN });
    expect(a.verdict).toBe('unverifiable');
    expect(a.consistent.sort()).toEqual(['device-aware-weighted', 'least-loaded']);
    expect(a.reason).toMatch(
      /device-aware-weighted routes as least-loaded when every worker is of one device class \(all cuda\)/,
    );
    const p2c = analyseProbe(ll, { asked: 'power-of-two', available: ROUTER_MODES, traffic: CLEAN });
    expect(p2c.verdict).toBe('contradicted');
    expect(p2c.reason).toMatch(/power-of-two draws two busy candidates 33% of the time/);
  });

  it('rules nothing out by load while other traffic ran, and nothing at all with one worker seen', () => {
    const busy = observation(cycle(25).map((w, i) => (i % 5 === 0 ? A : w)));
    const a = analyseProbe(busy, {
      asked: 'round-robin',
      available: ROUTER_MODES,
      traffic: {
        otherTraffic: 'seen',
        detail: 'the frontend counted 70 requests while the run sent 60: other traffic ran',
      },
    });
    expect(a.verdict).toBe('unverifiable');
    expect(a.reason).toMatch(/other traffic ran, so round-robin's turn order .* cannot be read/);
    const one = analyseProbe(observation(Array<string>(20).fill(A)), {
      available: ROUTER_MODES,
      traffic: CLEAN,
    });
    expect(one.verdict).toBe('unverifiable');
    expect(one.reason).toMatch(/every request went to one worker although \/health lists 3/);
  });

  it('direct: a request served by another worker than it named rules direct out', () => {
    const obs: ProbeObservation = {
      requests: [
        { phase: 'named', named: A, worker: A, status: 200, latencyMs: 2 },
        { phase: 'named', named: B, worker: C, status: 200, latencyMs: 2 },
      ],
      listed: LISTED,
      durationMs: 4,
    };
    const a = analyseNamed(obs, { asked: 'direct', available: ROUTER_MODES, traffic: CLEAN });
    expect(a.verdict).toBe('contradicted');
    expect(a.reason).toContain(`naming worker B (${B}) was served by C (${C})`);
  });

  it('reads worker ids exactly (u64 above 2^53)', () => {
    const body = `{"choices":[],"usage":{"prompt_tokens":12},"nvext":{"worker_id":{"prefill_worker_id":18446744073709551557,"decode_worker_id":18446744073709551557}}}`;
    expect(readReply(body)).toEqual({ worker: '18446744073709551557', promptTokens: 12 });
    expect(readReply('{"nvext":{"timing":{}}}')).toEqual({ worker: undefined, promptTokens: undefined });
  });
});

describe('traffic evidence', () => {
  const m = (n: number, inflight = 0): string =>
    `dynamo_frontend_requests_total{model="tiny",status="success"} ${n}\ndynamo_frontend_requests_total{model="other",status="success"} 5\ndynamo_frontend_inflight_requests{model="tiny"} ${inflight}\n`;
  it('is clean only when the model counter rose by exactly what was sent and nothing was in flight', () => {
    expect(trafficBetween(m(10), m(70), 'tiny', 60).otherTraffic).toBe('none');
    expect(trafficBetween(m(10), m(75), 'tiny', 60)).toMatchObject({
      otherTraffic: 'seen',
      detail: expect.stringMatching(/counted 65 requests while the run sent 60/),
    });
    expect(trafficBetween(m(10, 1), m(70), 'tiny', 60).otherTraffic).toBe('seen');
    expect(trafficBetween(m(10), m(40), 'tiny', 60)).toMatchObject({
      otherTraffic: 'unknown',
      detail: expect.stringMatching(/another frontend replica/),
    });
    expect(trafficBetween(undefined, m(40), 'tiny', 60).otherTraffic).toBe('unknown');
    // A fresh frontend shows no series before its first request.
    expect(trafficBetween('process_cpu_seconds_total 1\n', m(60), 'tiny', 60).otherTraffic).toBe('none');
    expect(trafficBetween(m(1), 'gateway_requests_total 9\n', 'tiny', 60).otherTraffic).toBe('unknown');
  });
});

describe('combining behaviour with the log and metrics', () => {
  const ev = (over: Partial<Verification>): Verification => ({
    verdict: 'unverifiable',
    observed: '',
    evidence: 'metrics say little',
    allows: {},
    ...over,
  });
  const kvObs = (): ProbeObservation => {
    const order = coreOrder(10, 15);
    const core = order.map((_, i) => [A, B, B, C, A, C, B, A][i % 8]);
    return {
      requests: core.map((worker, i) => ({ phase: order[i], worker, status: 200, latencyMs: 3 })),
      listed: LISTED,
      durationMs: 1,
    };
  };

  it('keeps kv when its metrics moved although one prefix spread, and says why in a note', () => {
    const probe = analyseProbe(kvObs(), { asked: 'kv', available: ROUTER_MODES, traffic: CLEAN });
    const c = combineEvidence(
      'kv',
      ev({ verdict: 'verified', observed: 'kv', allows: { metrics: ['kv'] } }),
      probe,
      ROUTER_MODES,
    );
    expect(c.verdict).toBe('verified');
    expect(c.provenBy).toEqual(['metrics']);
    expect(c.kvSpread).toMatch(/not kv/);
    // Without kv metrics the spread is a contradiction.
    const alone = combineEvidence('kv', ev({}), probe, ROUTER_MODES);
    expect(alone.verdict).toBe('contradicted');
    expect(alone.provenBy).toEqual(['behaviour']);
  });

  it('names every source that alone proves the mode', () => {
    const probe = analyseProbe(observation(cycle(24)), {
      asked: 'round-robin',
      available: ROUTER_MODES,
      traffic: CLEAN,
    });
    const both = combineEvidence(
      'round-robin',
      ev({
        verdict: 'verified',
        observed: 'round-robin',
        allows: { log: ['round-robin'], metrics: ROUTER_MODES.filter((m) => m !== 'kv') },
      }),
      probe,
      ROUTER_MODES,
    );
    expect(both).toMatchObject({ verdict: 'verified', provenBy: ['behaviour', 'log'] });
    const check = combineEvidence(undefined, ev({}), probe, ROUTER_MODES);
    expect(check).toMatchObject({ verdict: 'verified', observed: 'round-robin', provenBy: ['behaviour'] });
  });

  it('lets the log contradict what the requests seem to show, and reports sources that disagree', () => {
    const probe = analyseProbe(observation(cycle(24)), { available: ROUTER_MODES, traffic: CLEAN });
    const c = combineEvidence(undefined, ev({ allows: { log: ['kv'] } }), probe, ROUTER_MODES);
    expect(c.verdict).toBe('unverifiable');
    expect(c.evidence).toMatch(/The sources disagree \(behaviour: round-robin; log: kv\)/);
  });
});

describe('balance', () => {
  it('flags one worker taking nearly all distinct prompts, but not for kv', () => {
    const probe = analyseProbe(observation(Array<string>(25).fill(A)), {
      available: ROUTER_MODES,
      traffic: CLEAN,
    });
    expect(probeHotspot(probe, 'least-loaded')?.text).toMatch(
      /15 of 15 probe requests with distinct prompts went to worker 17000000000000000001 while 2 other worker\(s\) got none/,
    );
    expect(probeHotspot(probe, 'kv')).toBeUndefined();
  });

  it('says when one worker served every mode of a comparison', () => {
    expect(
      comparisonBalance([
        { mode: 'round-robin', samples: 20, workerRequests: { [A]: 20 } },
        { mode: 'kv', samples: 20, workerRequests: { [A]: 20 } },
      ]),
    ).toEqual([
      {
        id: 'one-worker',
        text: expect.stringMatching(
          /^One worker \(17000000000000000001\) served every request of every mode \(round-robin, kv\): .* could not differ/,
        ),
      },
    ]);
    expect(
      comparisonBalance([
        { mode: 'round-robin', samples: 20, workerRequests: { [A]: 10, [B]: 10 } },
        { mode: 'random', samples: 20, workerRequests: { [A]: 8, [B]: 7, [C]: 5 } },
      ]),
    ).toEqual([]);
    expect(
      comparisonBalance([
        { mode: 'round-robin', samples: 20, workerRequests: { [A]: 10, [B]: 10 } },
        { mode: 'random', samples: 20, workerRequests: { [A]: 19, [C]: 1 } },
      ]),
    ).toEqual([
      {
        id: 'worker-hotspot',
        text: expect.stringMatching(
          /^In random mode worker 17000000000000000001 served 19 of 20 requests while 1 other worker\(s\) of the graph served none/,
        ),
      },
    ]);
  });
});

describe('probe-requests input', () => {
  const settings = (value: string) => parseSettings((name) => (name === 'probe-requests' ? value : ''));
  it('takes auto, 0 or 8 to 1000, and refuses anything else naming the input', () => {
    expect(settings('').probeRequests).toBe('auto');
    expect(settings('auto').probeRequests).toBe('auto');
    expect(settings('0').probeRequests).toBe(0);
    expect(settings('40').probeRequests).toBe(40);
    for (const bad of ['3', '1001', 'many', '-1', '2.5'])
      expect(() => settings(bad)).toThrow(
        /Input `probe-requests` has "[^"]+"; allowed: `auto` .* 0 \(no probe\), or a whole number from 8 to 1000/,
      );
  });
});

describe('routing in the job summary', () => {
  it('shows the pattern, a worker table with idle listed workers, and replicas, every value escaped', () => {
    const probe = analyseProbe(
      {
        ...observation(cycle(24).map((w) => (w === C ? A : w))),
        listed: [...LISTED, { id: '99', deviceType: '<b>gpu|x</b>' }],
      },
      { available: ROUTER_MODES, traffic: CLEAN },
    );
    const html = renderRouting({
      probe,
      replicas: [{ name: 'fe-<a>', problem: 'could not be reached: `x`' }],
    });
    expect(html).toMatch(/^<h3>Routing: which worker served each request<\/h3>/);
    expect(html).toContain(`<td>${C}</td><td>0</td><td>0%</td><td>listed by /health, served none</td>`);
    expect(html).toContain('fe-&lt;a&gt;');
    expect(html).not.toContain('<b>gpu');
    expect(html).not.toContain('`x`');
    // An instance of another graph in the same /health is not counted as an idle worker of this one.
    expect(html).not.toContain('<td>99</td>');
    expect(html).not.toMatch(/\n\n/);
    expect(renderRouting({ skipped: 'GET /health lists one worker (1)' })).toContain(
      'No routing probe: GET /health lists one worker (1).',
    );
  });
});

describe('held streams that end early', () => {
  it('stop counting requests once a held stream ended: no contradiction of least-loaded from a worker no longer busy', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const t = simTransport({ mode: 'least-loaded', workers: 3, seed, holdsEndAfter: 3 });
      const run = await runProbe(t, designProbe(3, 'auto'), { model: 'm', variant: seed });
      const held = run.observation.requests.filter((r) => r.phase === 'one-held' || r.phase === 'many-held');
      expect(held.filter((r) => r.counted).length).toBeLessThanOrEqual(3);
      const a = analyseProbe(run.observation, {
        asked: 'least-loaded',
        available: ROUTER_MODES,
        traffic: CLEAN,
      });
      expect(a.verdict).not.toBe('contradicted');
    }
  });
});
