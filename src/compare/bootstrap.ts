// Small, deterministic statistics for the mode comparison. Everything here is pure: the same
// numbers and seed give the same result on every run, so a summary can be reproduced.
//
// Percentiles use the nearest-rank method: the p-th percentile of n sorted values is the value
// at rank ceil(p/100 · n) (1-based); p = 0 gives the minimum. It always returns an observed
// value (no interpolation), and the median is the 50th percentile by the same rule (for even n
// the lower of the two middle values), so the bootstrap difference of medians is exactly the
// difference of the p50 columns the report shows.

/** mulberry32: a tiny 32-bit seeded PRNG, good enough for shuffles and resampling. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n). */
export function randomInt(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

function finiteSorted(values: readonly number[]): Float64Array {
  const sorted = Float64Array.from(values.filter((v) => Number.isFinite(v)));
  return sorted.sort();
}

function rankIn(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  const rank = Math.max(1, Math.ceil((Math.min(Math.max(p, 0), 100) / 100) * n));
  return sorted[rank - 1];
}

/** Nearest-rank percentile (p from 0 to 100); undefined for no finite values. */
export function percentile(values: readonly number[], p: number): number | undefined {
  const sorted = finiteSorted(values);
  return sorted.length === 0 ? undefined : rankIn(sorted, p);
}

/** Nearest-rank median (the lower middle value for an even count); undefined when empty. */
export function median(values: readonly number[]): number | undefined {
  return percentile(values, 50);
}

export interface MedianDiff {
  /** median(b) − median(a), nearest-rank medians. */
  diff: number;
  /** Lower and upper bound of the percentile bootstrap interval of that difference. */
  low: number;
  high: number;
  confidence: number;
  iterations: number;
}

export interface BootstrapOptions {
  iterations?: number;
  seed: number;
  /** Two-sided confidence level; default 0.95. */
  confidence?: number;
}

/**
 * Below this many values per side, resampled medians take so few distinct values that the
 * interval is an artefact of the resampling, not evidence: no interval is computed.
 */
export const MIN_BOOTSTRAP_VALUES = 5;

/**
 * Percentile bootstrap interval of median(b) − median(a): resample each side with replacement,
 * take the difference of medians, and read the (1−c)/2 and (1+c)/2 nearest-rank percentiles of
 * those differences. Deterministic from the seed. Undefined when either side has fewer than
 * MIN_BOOTSTRAP_VALUES finite values.
 */
export function bootstrapMedianDiff(
  a: readonly number[],
  b: readonly number[],
  { iterations = 2000, seed, confidence = 0.95 }: BootstrapOptions,
): MedianDiff | undefined {
  const sa = finiteSorted(a);
  const sb = finiteSorted(b);
  if (sa.length < MIN_BOOTSTRAP_VALUES || sb.length < MIN_BOOTSTRAP_VALUES) return undefined;
  const rounds = Math.max(1, Math.floor(iterations));
  const random = seededRandom(seed);
  const counts = new Uint32Array(Math.max(sa.length, sb.length));
  const diffs = new Float64Array(rounds);
  // The source is sorted, so a resample's median is found by counting how often each index was
  // drawn and walking to the median rank: O(n) per resample instead of a sort.
  const resampledMedian = (source: Float64Array): number => {
    const n = source.length;
    counts.fill(0, 0, n);
    for (let i = 0; i < n; i++) counts[randomInt(random, n)]++;
    const rank = Math.ceil(n / 2);
    let seen = 0;
    for (let i = 0; i < n; i++) {
      seen += counts[i];
      if (seen >= rank) return source[i];
    }
    return source[n - 1];
  };
  for (let r = 0; r < rounds; r++) diffs[r] = resampledMedian(sb) - resampledMedian(sa);
  diffs.sort();
  const tail = ((1 - confidence) / 2) * 100;
  return {
    diff: rankIn(sb, 50) - rankIn(sa, 50),
    low: rankIn(diffs, tail),
    high: rankIn(diffs, 100 - tail),
    confidence,
    iterations: rounds,
  };
}

/** True when the interval lies entirely above or entirely below zero. */
export function excludesZero(interval: { low: number; high: number }): boolean {
  return interval.low > 0 || interval.high < 0;
}
