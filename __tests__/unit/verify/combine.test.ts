// Combining what the router did to requests with its log and metrics into one verdict.
import { describe, expect, it } from '@jest/globals';
import { ROUTER_MODES } from '../../../src/model/modes.js';
import type { ProbeRequestRecord } from '../../../src/model/routing.js';
import { analyseProbe, type ProbeObservation } from '../../../src/verify/probe/analyse.js';
import { coreOrder } from '../../../src/verify/probe/design.js';
import { combineEvidence } from '../../../src/verify/combine.js';
import type { Verification } from '../../../src/verify/log-metrics-verdict.js';

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
