// The probabilities the routing probe's tests rest on.
import { describe, expect, it } from '@jest/globals';
import {
  binomialCdf,
  hypergeometricTail,
  trialsToSee,
  uniformBusiestTail,
  uniformCycleChance,
} from '../../../../src/verify/probe/chance.js';

/** Every way n picks over w workers can fall, counted by brute force. */
function bruteBusiest(n: number, w: number, m: number): number {
  let hit = 0;
  const total = w ** n;
  for (let code = 0; code < total; code++) {
    const counts = new Array<number>(w).fill(0);
    let c = code;
    for (let i = 0; i < n; i++) {
      counts[c % w]++;
      c = Math.floor(c / w);
    }
    if (Math.max(...counts) >= m) hit++;
  }
  return hit / total;
}

describe('probe statistics', () => {
  it('counts the busiest worker of a uniform pick exactly', () => {
    for (const [n, w, m] of [
      [6, 3, 5],
      [7, 2, 7],
      [5, 4, 3],
      [8, 3, 8],
    ])
      expect(uniformBusiestTail(n, w, m)).toBeCloseTo(bruteBusiest(n, w, m), 10);
    expect(uniformCycleChance(9, 3)).toBeCloseTo(6 / 3 ** 9, 12);
    expect(binomialCdf(10, 0.5, 0)).toBeCloseTo(1 / 1024, 12);
    expect(trialsToSee(1 / 3, 0.002)).toBe(16);
    // Fisher: all 5 draws marked, out of 5 marked in 10: 1 / C(10, 5).
    expect(hypergeometricTail(10, 5, 5, 5)).toBeCloseTo(1 / 252, 12);
  });
});
