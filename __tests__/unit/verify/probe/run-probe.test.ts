// The routing probe's held streams that end early do not count.
import { describe, expect, it } from '@jest/globals';
import { ROUTER_MODES } from '../../../../src/model/modes.js';
import { analyseProbe } from '../../../../src/verify/probe/analyse.js';
import { designProbe } from '../../../../src/verify/probe/design.js';
import { runProbe } from '../../../../src/verify/probe/run-probe.js';
import { simTransport } from '../../../support/routing-sim.ts';
const CLEAN = { otherTraffic: 'none', detail: 'nothing else ran' } as const;

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
