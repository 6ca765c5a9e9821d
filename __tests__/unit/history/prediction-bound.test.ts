// The latency judgement's statistics: the t quantiles it rests on, the prediction bound, and the
// false-alarm rate on stable deployments, simulated over many histories with run-to-run spread,
// heavy tails and spiky requests. It also shows why the runs, not the requests, are the unit: the
// same data judged by pooling every request of the baseline raises alarms all the time.
import { describe, expect, it } from '@jest/globals';
import { median, seededRandom } from '../../../src/compare/bootstrap.js';
import {
  ALPHA,
  isRegression,
  predictionBound,
  SD_FLOOR,
  tCdf,
  tQuantile,
} from '../../../src/history/prediction-bound.js';
import { MIN_BASELINE_RUNS } from '../../../src/history/judge.js';

// ---------------------------------------------------------------------------------------------
// Simulated stable deployments.

function normal(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Student t with `df` degrees of freedom, scaled to unit variance: heavier tails than normal. */
function heavy(random: () => number, df: number): number {
  let chi = 0;
  for (let i = 0; i < df; i++) chi += normal(random) ** 2;
  return (normal(random) / Math.sqrt(chi / df)) * Math.sqrt((df - 2) / df);
}

interface Run {
  samples: number[];
  median: number;
}

/**
 * One stable deployment's runs: a level per run (run-to-run spread, heavy-tailed), then 8
 * requests around it (within-run spread, and a 5% chance of a 2–5× spike per request).
 */
function stableHistory(
  random: () => number,
  runs: number,
  step?: { at: number; factor: number },
  tails: 'heavy' | 'normal' = 'heavy',
): Run[] {
  const base = 20 + random() * 2000;
  const between = 0.02 + random() * 0.28;
  const within = 0.05 + random() * 0.35;
  const out: Run[] = [];
  for (let r = 0; r < runs; r++) {
    const spread = tails === 'heavy' ? heavy(random, 4) : normal(random);
    const level = base * Math.exp(between * spread) * (step && r >= step.at ? step.factor : 1);
    const samples = Array.from({ length: 8 }, () => {
      const spike = random() < 0.05 ? 2 + 3 * random() : 1;
      return level * Math.exp(within * normal(random)) * spike;
    });
    out.push({ samples, median: median(samples) as number });
  }
  return out;
}

/** The judgement as the action makes it: run medians, the last `window` runs, both conditions. */
function judged(history: Run[], r: number, window = 10, ratio = 1.5): boolean | undefined {
  const baseline = history.slice(Math.max(0, r - window), r).map((x) => x.median);
  if (baseline.length < MIN_BASELINE_RUNS) return undefined;
  const bound = predictionBound(baseline);
  return bound ? isRegression(history[r].median, bound, ratio) : undefined;
}

/** The tempting shortcut: every request of the baseline pooled, a one-sided Welch t-test at the same level. */
function pooledAlarm(history: Run[], r: number, window = 10): boolean | undefined {
  const base = history.slice(Math.max(0, r - window), r);
  if (base.length < MIN_BASELINE_RUNS) return undefined;
  const a = base.flatMap((x) => x.samples).map(Math.log);
  const b = history[r].samples.map(Math.log);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const variance = (v: number[], m: number) => v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1);
  const ma = mean(a);
  const mb = mean(b);
  const va = variance(a, ma) / a.length;
  const vb = variance(b, mb) / b.length;
  const t = (mb - ma) / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return 1 - tCdf(t, df) < ALPHA;
}

function rate(
  histories: number,
  runs: number,
  seed: number,
  decide: (h: Run[], r: number) => boolean | undefined,
  step?: { at: number; factor: number },
  from = 0,
  tails: 'heavy' | 'normal' = 'heavy',
): { alarms: number; judged: number; rate: number } {
  const random = seededRandom(seed);
  let alarms = 0;
  let count = 0;
  for (let h = 0; h < histories; h++) {
    const history = stableHistory(random, runs, step, tails);
    for (let r = from; r < runs; r++) {
      const verdict = decide(history, r);
      if (verdict === undefined) continue;
      count++;
      if (verdict) alarms++;
    }
  }
  return { alarms, judged: count, rate: alarms / count };
}

describe('Student t', () => {
  it.each([
    // Reference values from standard tables (one-sided upper quantiles).
    [0.999, 1, 318.309],
    [0.999, 4, 7.173],
    [0.999, 9, 4.297],
    [0.999, 19, 3.579],
    [0.999, 99, 3.174],
    [0.975, 4, 2.776],
    [0.975, 9, 2.262],
    [0.95, 30, 1.697],
  ])('quantile %p with %p degrees of freedom is %p', (p, df, t) => {
    expect(tQuantile(p, df)).toBeCloseTo(t, 2);
  });

  it('has a symmetric CDF', () => {
    expect(tCdf(0, 5)).toBeCloseTo(0.5, 12);
    expect(tCdf(2, 7) + tCdf(-2, 7)).toBeCloseTo(1, 12);
  });
});

describe('prediction bound', () => {
  it('is the baseline median run and a bound above it, on the log scale', () => {
    const b = predictionBound([100, 110, 90, 105, 95, 100]);
    expect(b?.medianMs).toBe(100);
    expect(b?.runs).toBe(6);
    expect(b?.boundMs).toBeGreaterThan(110);
    expect(b?.t).toBeCloseTo(tQuantile(1 - ALPHA, 5), 6);
  });

  it('floors the spread: identical runs do not make every wobble significant', () => {
    const b = predictionBound([100, 100, 100, 100, 100]);
    expect(b?.spread).toBe(SD_FLOOR);
    expect(b?.boundMs).toBeGreaterThan(130);
  });

  it('needs both: above the bound and the effect size', () => {
    const b = predictionBound([100, 101, 99, 100, 100, 102, 98]);
    if (!b) throw new Error('no bound');
    // Above a tight bound but only 1.4×: not with a 1.5× effect size.
    expect(isRegression(140, b, 1.5)).toBe(false);
    expect(isRegression(160, b, 1.5)).toBe(true);
    // 2× but within a very noisy baseline's bound: not a regression.
    const noisy = predictionBound([50, 200, 80, 150, 60, 190]);
    if (!noisy) throw new Error('no bound');
    expect(isRegression(2 * noisy.medianMs, noisy, 1.5)).toBe(false);
  });

  it('has no bound from fewer than two runs', () => {
    expect(predictionBound([100])).toBeUndefined();
  });
});

describe('false alarms on stable deployments (simulated)', () => {
  it('stays at the design level (0.1%) when run medians vary log-normally', () => {
    const ours = rate(1000, 40, 20261203, (h, r) => judged(h, r), undefined, 0, 'normal');
    console.log(
      `stable, log-normal runs: ${ours.alarms} regressions in ${ours.judged} judged runs (${(ours.rate * 100).toFixed(3)}%)`,
    );
    expect(ours.rate).toBeLessThan(ALPHA * 1.5);
  });

  it('stays well under 1% per run, with heavy-tailed run-to-run spread and request spikes', () => {
    const ours = rate(1000, 40, 20261201, (h, r) => judged(h, r));
    console.log(
      `stable: ${ours.alarms} regressions in ${ours.judged} judged runs (${(ours.rate * 100).toFixed(3)}%) over 1000 simulated histories of 40 runs`,
    );
    expect(ours.judged).toBeGreaterThan(30_000);
    expect(ours.rate).toBeLessThan(0.005);
  });

  it('pooling every request of the baseline instead flags stable runs many times as often', () => {
    // Both by statistical confidence alone (no effect size), at the same level.
    const pooled = rate(500, 40, 20261202, (h, r) => pooledAlarm(h, r));
    const ours = rate(500, 40, 20261202, (h, r) => judged(h, r, 10, 1));
    console.log(
      `confidence alone, same level: pooled requests flag ${(pooled.rate * 100).toFixed(2)}% of stable runs; run medians ${(ours.rate * 100).toFixed(2)}%`,
    );
    expect(pooled.rate).toBeGreaterThan(5 * ours.rate);
  });

  it('still finds a real slowdown: 20× in 99% of histories, 3× when runs vary by up to about 15%', () => {
    const twenty = rate(500, 12, 7, (h, r) => judged(h, r), { at: 11, factor: 20 }, 11);
    expect(twenty.rate).toBeGreaterThan(0.99);
    // 3× against histories whose run-to-run spread is at most ~15% (the simulation draws 2–30%).
    const random = seededRandom(8);
    let found = 0;
    let tried = 0;
    while (tried < 500) {
      const history = stableHistory(random, 12, { at: 11, factor: 3 });
      const logs = history.slice(0, 11).map((x) => Math.log(x.median));
      const m = logs.reduce((s, v) => s + v, 0) / logs.length;
      const sd = Math.sqrt(logs.reduce((s, v) => s + (v - m) ** 2, 0) / (logs.length - 1));
      if (sd > 0.15) continue;
      tried++;
      if (judged(history, 11)) found++;
    }
    console.log(`3× slowdown found in ${found} of ${tried} quiet histories`);
    expect(found / tried).toBeGreaterThan(0.95);
  });
});
