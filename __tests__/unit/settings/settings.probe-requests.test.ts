// The `probe-requests` input: auto, 0, or a count in range.
import { describe, expect, it } from '@jest/globals';
import { parseSettings } from '../../../src/settings/settings.js';

describe('probe-requests input', () => {
  const settings = (value: string) => parseSettings((name) => (name === 'probe-requests' ? value : ''));
  it('takes auto, 0 or 8 to 1000, and refuses anything else naming the input', () => {
    expect(settings('').probeRequests).toBe('auto');
    expect(settings('auto').probeRequests).toBe('auto');
    expect(settings('0').probeRequests).toBe(0);
    expect(settings('40').probeRequests).toBe(40);
    for (const bad of ['3', '1001', 'many', '-1', '2.5'])
      expect(() => settings(bad)).toThrow(
        /Input `probe-requests` has "[^"]+"; allowed: `auto` .* 0 \(no probe\), or a whole number from 8 to 1000/,
      );
  });
});
