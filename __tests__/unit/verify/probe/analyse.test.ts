// The routing probe's patterns, read: which modes fit what the requests did.
import { describe, expect, it } from '@jest/globals';
import { ROUTER_MODES } from '../../../../src/model/modes.js';
import type { ProbeRequestRecord } from '../../../../src/model/routing.js';
import { analyseProbe, type ProbeObservation } from '../../../../src/verify/probe/analyse.js';
import { analyseNamed } from '../../../../src/verify/probe/direct-mode.js';
import { takesTurns } from '../../../../src/verify/probe/patterns.js';
import { coreOrder } from '../../../../src/verify/probe/design.js';
import { readReply } from '../../../../src/verify/probe/http-transport.js';

const A = '17000000000000000001';
const B = '17000000000000000002';
const C = '17000000000000000003';
const LISTED = [A, B, C].map((id) => ({ id, namespace: 'dynamo', component: 'backend', deviceType: 'cuda' }));
const CLEAN = { otherTraffic: 'none', detail: 'nothing else ran' } as const;

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
