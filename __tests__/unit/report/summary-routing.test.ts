// The routing probe's section of the job summary.
import { describe, expect, it } from '@jest/globals';
import { ROUTER_MODES } from '../../../src/model/modes.js';
import type { ProbeRequestRecord } from '../../../src/model/routing.js';
import { analyseProbe, type ProbeObservation } from '../../../src/verify/probe/analyse.js';
import { coreOrder } from '../../../src/verify/probe/design.js';
import { renderRouting } from '../../../src/report/summary-routing.js';

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
