// Bounded retries: the backoff doubles from the first delay and is capped.
import { describe, expect, it } from '@jest/globals';
import { backoffDelay, totalBackoff } from '../../../src/check/retry.js';

describe('backoff', () => {
  it('doubles from the first delay and caps at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 2000))).toEqual([
      2000, 4000, 8000, 16000, 30000, 30000,
    ]);
    expect(backoffDelay(3, 0)).toBe(0);
    expect(backoffDelay(2, 45000)).toBe(45000);
    expect(totalBackoff(5, 2000)).toBe(30000);
  });
});
