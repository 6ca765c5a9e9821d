// Balance across workers: one worker taking nearly everything, in the probe and the comparison.
import { describe, expect, it } from '@jest/globals';
import { ROUTER_MODES } from '../../../../src/model/modes.js';
import type { ProbeRequestRecord } from '../../../../src/model/routing.js';
import { analyseProbe, type ProbeObservation } from '../../../../src/verify/probe/analyse.js';
import { comparisonBalance, probeHotspot } from '../../../../src/verify/probe/balance.js';
import { coreOrder } from '../../../../src/verify/probe/design.js';

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
