// The statistics of the latency judgement, pure and deterministic.
//
// One value per run: the median latency of that run's own small sample. Runs, not requests, are
// the unit: requests of one run share its moment (the machine's load, the cache, the network), so
// pooling them across runs hides the run-to-run spread and makes every ordinary wobble look
// significant. The baseline's run medians, on a log scale (latency is skewed and a ratio is what
// matters), give a one-sided prediction bound for one more run from the same deployment:
//
//   bound = exp( mean + t(1 − α, n − 1) · max(sd, floor) · √(1 + 1/n) )
//
// which a stable deployment's next run exceeds with probability α when its run medians vary
// log-normally (the interval is exact for that). A run is a regression only when its median is
// above that bound AND at least `ratio` times the baseline's median run: statistical confidence
// and a practical effect size, so a tight baseline cannot turn a 3% wobble into a red canary.

import { median } from '../compare/bootstrap.js';
import type { BoundFigures } from '../model/history.js';

/** One-sided false-alarm level of the prediction bound. */
export const ALPHA = 0.001;
/** The least run-to-run spread assumed (log units, about 5%): a freakishly tight baseline cannot make the bound hair-trigger. */
export const SD_FLOOR = 0.05;

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): about 15 significant digits. */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (p in (0.5, 1)), by bisection. */
export function tQuantile(p: number, df: number): number {
  let low = 0;
  let high = 1;
  while (tCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12; i++) {
    const mid = (low + high) / 2;
    if (tCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

export type Bound = BoundFigures;

// The quantile depends only on the level and the window: computed once per pair.
const quantiles = new Map<string, number>();
function cachedQuantile(p: number, df: number): number {
  const key = `${p}/${df}`;
  let t = quantiles.get(key);
  if (t === undefined) quantiles.set(key, (t = tQuantile(p, df)));
  return t;
}

/** The prediction bound of the next run's median from the baseline runs' medians (all > 0). */
export function predictionBound(runMediansMs: readonly number[], alpha = ALPHA): Bound | undefined {
  const values = runMediansMs.filter((v) => Number.isFinite(v) && v > 0);
  const n = values.length;
  if (n < 2) return undefined;
  const logs = values.map(Math.log);
  const mean = logs.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(logs.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const spread = Math.max(sd, SD_FLOOR);
  const t = cachedQuantile(1 - alpha, n - 1);
  return {
    runs: n,
    medianMs: median(values) as number,
    boundMs: Math.exp(mean + t * spread * Math.sqrt(1 + 1 / n)),
    spread,
    t,
  };
}

/** Regression: above the bound and at least `ratio` times the baseline's median run. */
export function isRegression(runMedianMs: number, bound: Bound, ratio: number): boolean {
  return runMedianMs > bound.boundMs && runMedianMs >= ratio * bound.medianMs;
}
