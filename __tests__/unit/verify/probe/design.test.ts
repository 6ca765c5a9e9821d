// The routing probe's size per worker count.
import { describe, expect, it } from '@jest/globals';
import { coreOrder, designProbe } from '../../../../src/verify/probe/design.js';

describe('probe design', () => {
  it('sizes by the workers, never sends shared-prefix requests back to back, and honours a size', () => {
    const three = designProbe(3, 'auto');
    expect(three.total).toBeGreaterThan(40);
    expect(three.total).toBeLessThanOrEqual(80);
    expect(three.manyHolds).toBe(2);
    expect(designProbe(2, 'auto').manyHeld).toBe(0);
    expect(designProbe(40, 'auto').total).toBeLessThanOrEqual(80);
    const order = coreOrder(10, 15).join(' ');
    expect(order).not.toMatch(/shared-prefix shared-prefix/);
    const small = designProbe(3, 20);
    expect(Math.abs(small.total - 20)).toBeLessThanOrEqual(3);
  });
});
