// The routing probe's wrong-verdict rate, per pair of (asked mode, running mode), on a router
// simulated from Dynamo's selector code (support/routing-sim.ts): thousands of probes per pair,
// 2, 3, 4 and 8 workers, least-loaded ties at random and at the first worker, kv that spreads
// distinct prefixes and kv that keeps them on the worker holding a shared template block, with
// and without other traffic. A wrong verdict is `verified` for a mode that is not running (or a
// check-only run observing another mode), or a contradiction of the mode that is running. The
// README promises at most 1% per pair, and no contradiction at all caused by other traffic.
import { describe, expect, it } from '@jest/globals';
import { analyseProbe, judge } from '../../../../src/verify/probe/analyse.js';
import { designProbe } from '../../../../src/verify/probe/design.js';
import { probePrompts, runProbe } from '../../../../src/verify/probe/run-probe.js';
import { ROUTER_MODES, type RouterMode } from '../../../../src/model/modes.js';
import { simTransport, type SimRouter } from '../../../support/routing-sim.ts';

const ASKED: (RouterMode | undefined)[] = [undefined, ...ROUTER_MODES.filter((m) => m !== 'direct')];
const WORKERS = [2, 3, 4, 8];
const PROBES_PER_CELL = 250;

interface Variant extends Omit<SimRouter, 'seed' | 'workers'> {
  name: string;
}

const VARIANTS: Variant[] = [
  { name: 'round-robin', mode: 'round-robin' },
  { name: 'random', mode: 'random' },
  { name: 'power-of-two', mode: 'power-of-two' },
  { name: 'least-loaded (ties at random)', mode: 'least-loaded' },
  { name: 'least-loaded (ties at the first worker)', mode: 'least-loaded', ties: 'first' },
  { name: 'device-aware-weighted', mode: 'device-aware-weighted' },
  { name: 'kv', mode: 'kv' },
  { name: 'kv (shared template block)', mode: 'kv', templateBlock: true },
];

const TRAFFIC = {
  none: {},
  other: { foreignRate: 1, foreignLoad: 0.5 },
} as const;

interface Tally {
  probes: number;
  wrongVerified: number;
  wrongContradicted: number;
}

async function simulate(): Promise<Map<string, Tally>> {
  const tallies = new Map<string, Tally>();
  const designs = new Map(WORKERS.map((w) => [w, designProbe(w, 'auto')]));
  // The simulated router reads only which prompts share a prefix: one set of words serves every probe.
  const prompts = new Map(
    WORKERS.map((w) => [
      w,
      probePrompts(designs.get(w) as ReturnType<typeof designProbe>, { model: 'm', variant: 1 }),
    ]),
  );
  for (const workers of WORKERS)
    for (const [traffic, load] of Object.entries(TRAFFIC))
      for (const variant of VARIANTS)
        for (let i = 0; i < PROBES_PER_CELL; i++) {
          const seed = 1 + i * 7919 + workers * 104729 + VARIANTS.indexOf(variant) * 15485863;
          const transport = simTransport({ ...variant, ...load, workers, seed });
          const before = await transport.metrics();
          const run = await runProbe(transport, designs.get(workers) as ReturnType<typeof designProbe>, {
            model: 'm',
            variant: i,
            prompts: prompts.get(workers),
          });
          const after = await transport.metrics();
          const evidence =
            traffic === 'none'
              ? ({ otherTraffic: 'none', detail: `counted ${before} → ${after}` } as const)
              : ({ otherTraffic: 'seen', detail: 'other traffic ran' } as const);
          // One analysis; its verdict for each asked mode (analyseProbe itself ends in judge()).
          const seen = analyseProbe(run.observation, { available: ROUTER_MODES, traffic: evidence });
          for (const asked of ASKED) {
            const a = judge(seen, asked, ROUTER_MODES, evidence);
            const key = `${traffic}|${asked ?? '(check only)'}|${variant.mode}`;
            const t = tallies.get(key) ?? { probes: 0, wrongVerified: 0, wrongContradicted: 0 };
            t.probes++;
            if (a.verdict === 'verified' && a.observed !== variant.mode) t.wrongVerified++;
            if (a.verdict === 'contradicted' && asked === variant.mode) t.wrongContradicted++;
            tallies.set(key, t);
          }
        }
  return tallies;
}

describe('routing probe error rate (simulated Dynamo selectors)', () => {
  it('keeps every wrong verdict per mode pair at or below 1%, and other traffic never contradicts', async () => {
    const tallies = await simulate();
    const pairs = new Map<string, Tally>();
    for (const [key, t] of tallies) {
      const pair = key.split('|').slice(1).join(' asked, running ');
      const p = pairs.get(pair) ?? { probes: 0, wrongVerified: 0, wrongContradicted: 0 };
      pairs.set(pair, {
        probes: p.probes + t.probes,
        wrongVerified: p.wrongVerified + t.wrongVerified,
        wrongContradicted: p.wrongContradicted + t.wrongContradicted,
      });
    }
    const over = [...pairs]
      .map(([pair, t]) => ({
        pair,
        rate: (t.wrongVerified + t.wrongContradicted) / t.probes,
        probes: t.probes,
      }))
      .filter((r) => r.rate > 0.01);
    expect(over).toEqual([]);
    for (const t of pairs.values()) expect(t.probes).toBeGreaterThanOrEqual(1000);
    // Under other traffic: no contradiction of the running mode at all, and no wrong `verified`.
    const underTraffic = [...tallies]
      .filter(([key, t]) => key.startsWith('other|') && t.wrongContradicted + t.wrongVerified > 0)
      .map(([key, t]) => `${key}: ${t.wrongContradicted} contradicted, ${t.wrongVerified} verified wrongly`);
    expect(underTraffic).toEqual([]);
  }, 300_000);
});
