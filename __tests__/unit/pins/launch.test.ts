// Pins a launched frontend would honour: frontend-args and the runner's env.
import { describe, expect, it } from '@jest/globals';
import { launchPins } from '../../../src/pins/launch.js';

describe('pins on a launched frontend', () => {
  it('refuses --load-aware in frontend-args unless it asks for what the run asks', () => {
    expect(launchPins(['--load-aware'], {}, 'round-robin', false).failure?.code).toBe('bad-input');
    // --no-load-aware in frontend-args wins over DYN_ROUTER_LOAD_AWARE=true in the runner env.
    const overridden = launchPins(
      ['--no-load-aware'],
      { DYN_ROUTER_LOAD_AWARE: 'true' },
      'round-robin',
      false,
    );
    expect(overridden.failure).toBeUndefined();
    expect(overridden.env).toEqual([]);
    expect(launchPins(['--load-aware'], {}, 'kv', false).failure?.message).toMatch(/with KV events on/);
    const fits = launchPins(['--load-aware'], {}, 'kv', true);
    expect(fits.failure).toBeUndefined();
    expect(fits.flags).toEqual(['--load-aware']);
  });

  it('refuses DYN_ROUTER_LOAD_AWARE inherited from the runner, by Dynamo’s truthy rule', () => {
    const pinned = launchPins([], { DYN_ROUTER_LOAD_AWARE: 'Yes' }, 'random', false);
    expect(pinned.failure?.code).toBe('args-pin-mode');
    expect(pinned.failure?.message).toContain("DYN_ROUTER_LOAD_AWARE=Yes in the runner's environment");
    expect(launchPins([], { DYN_ROUTER_LOAD_AWARE: 'false' }, 'random', false).failure).toBeUndefined();
  });

  it('reports a policy file it cannot read, and passes its name on for the release check', () => {
    const pins = launchPins(['--router-policy-config', 'p.yaml'], {}, 'kv', false);
    expect(pins.failure).toBeUndefined();
    expect(pins.flags).toEqual(['--router-policy-config']);
    expect(pins.limitations[0].text).toMatch(/router policy file .*does not read the file/);
  });
});
