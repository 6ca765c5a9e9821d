// Percentiles (nearest rank) and the seeded bootstrap interval of a median difference.
import { describe, expect, it } from '@jest/globals';
import {
  bootstrapMedianDiff,
  excludesZero,
  median,
  percentile,
  seededRandom,
} from '../../../src/compare/bootstrap.js';

/** Normal-ish values from a seeded generator (sum of uniforms). */
function sample(n: number, center: number, spread: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => center + (random() + random() + random() - 1.5) * spread);
}

describe('percentile (nearest rank)', () => {
  it('returns undefined for no values', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(median([])).toBeUndefined();
    expect(percentile([NaN, Infinity], 50)).toBeUndefined();
  });

  it('returns the only value for one value', () => {
    for (const p of [0, 1, 50, 95, 100]) expect(percentile([42], p)).toBe(42);
  });

  it('uses rank ceil(p/100·n) and never interpolates', () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 0)).toBe(15);
    expect(percentile(values, 5)).toBe(15);
    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 100)).toBe(50);
    expect(percentile(values, 150)).toBe(50);
  });

  it('takes the lower middle value as the median of an even count, unsorted input', () => {
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(
      percentile(
        [...Array(100).keys()].map((i) => i + 1),
        95,
      ),
    ).toBe(95);
  });

  it('ignores non-finite values', () => {
    expect(median([1, NaN, 3, 2])).toBe(2);
  });
});

describe('seededRandom', () => {
  it('repeats for a seed and stays in [0, 1)', () => {
    const a = seededRandom(123);
    const b = seededRandom(123);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(124)()).not.toBe(xs[0]);
  });
});

describe('bootstrapMedianDiff', () => {
  it('is deterministic for a seed', () => {
    const a = sample(50, 100, 20, 1);
    const b = sample(50, 90, 20, 2);
    expect(bootstrapMedianDiff(a, b, { seed: 9 })).toEqual(bootstrapMedianDiff(a, b, { seed: 9 }));
  });

  it('reports median(b) − median(a) inside its interval', () => {
    const a = sample(60, 100, 20, 3);
    const b = sample(60, 80, 20, 4);
    const r = bootstrapMedianDiff(a, b, { seed: 1 })!;
    expect(r.diff).toBe(median(b)! - median(a)!);
    expect(r.low).toBeLessThanOrEqual(r.diff);
    expect(r.high).toBeGreaterThanOrEqual(r.diff);
    expect(r).toMatchObject({ confidence: 0.95, iterations: 2000 });
  });

  it('excludes zero for a clear difference', () => {
    const a = sample(120, 200, 30, 5);
    const b = sample(120, 150, 30, 6);
    const r = bootstrapMedianDiff(a, b, { seed: 2 })!;
    expect(r.high).toBeLessThan(0);
    expect(excludesZero(r)).toBe(true);
  });

  it('includes zero for samples from the same distribution', () => {
    for (const seed of [10, 20, 30]) {
      const a = sample(120, 100, 30, seed);
      const b = sample(120, 100, 30, seed + 1);
      const r = bootstrapMedianDiff(a, b, { seed })!;
      expect(r.low).toBeLessThanOrEqual(0);
      expect(r.high).toBeGreaterThanOrEqual(0);
      expect(excludesZero(r)).toBe(false);
    }
  });

  it('gives no interval for tiny samples', () => {
    expect(bootstrapMedianDiff([1, 2, 3, 4], [1, 2, 3, 4, 5], { seed: 1 })).toBeUndefined();
    expect(bootstrapMedianDiff([], [1, 2, 3, 4, 5], { seed: 1 })).toBeUndefined();
    expect(bootstrapMedianDiff([1, 2, 3, 4, 5], [2, 3, 4, 5, 6], { seed: 1 })).toBeDefined();
  });

  it('gives a zero-width interval for constant samples', () => {
    const r = bootstrapMedianDiff([5, 5, 5, 5, 5], [7, 7, 7, 7, 7], { seed: 1, iterations: 100 })!;
    expect(r).toMatchObject({ diff: 2, low: 2, high: 2, iterations: 100 });
  });
});
