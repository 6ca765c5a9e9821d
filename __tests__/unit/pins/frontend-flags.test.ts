// Flags on a frontend's command line that pin the router mode or KV events, and whether an env
// change can still take effect.
import { describe, expect, it } from '@jest/globals';
import { judgePinned, pinnedFlags } from '../../../src/pins/frontend-flags.ts';

describe('pinnedFlags', () => {
  it('finds the mode and kv-events flags, in both spellings', () => {
    const state = pinnedFlags(
      ['python3'],
      ['-m', 'dynamo.frontend', '--router-mode', 'kv', '--no-router-kv-events'],
    );
    expect(state.mode).toBe('kv');
    expect(state.kvEvents).toBe(false);
    expect(pinnedFlags([], ['--router-mode=random']).mode).toBe('random');
    expect(pinnedFlags([], ['--kv-events']).kvEvents).toBe(true);
  });

  it('reads a sh -c script', () => {
    expect(
      pinnedFlags(['/bin/sh', '-c'], ['python3 -m dynamo.frontend --router-mode kv --http-port 8000']).mode,
    ).toBe('kv');
  });

  it('treats --load-aware as pinning kv without events', () => {
    expect(pinnedFlags([], ['--load-aware'])).toMatchObject({ mode: 'kv', kvEvents: false });
  });

  it('lets the last of --load-aware / --no-load-aware win (argparse), as 1.6.1 lists them', () => {
    const off = pinnedFlags([], ['--load-aware', '--no-load-aware']);
    expect(off.mode).toBeUndefined();
    expect(off.flags).toEqual([]);
    expect(off.noLoadAware).toBe(true);
    expect(pinnedFlags([], ['--no-load-aware', '--load-aware'])).toMatchObject({
      mode: 'kv',
      kvEvents: false,
    });
  });
});

describe('judgePinned', () => {
  it('fails when the args pin another mode, naming the flag and the change', () => {
    const v = judgePinned(
      pinnedFlags([], ['--router-mode', 'kv']),
      'round-robin',
      true,
      'spec.services.Frontend.extraPodSpec.mainContainer.args',
    );
    expect(v.ok).toBe(false);
    expect(v.message).toContain('`--router-mode kv`');
    expect(v.hint).toContain('`--router-mode round-robin`');
  });

  it('is fine, with nothing to write, when the args pin exactly the wanted mode', () => {
    expect(judgePinned(pinnedFlags([], ['--router-mode', 'kv']), 'kv', true, 'args')).toEqual({
      ok: true,
      alreadyPinned: true,
    });
  });

  it('fails when an events flag contradicts the wanted kv events', () => {
    const v = judgePinned(pinnedFlags([], ['--no-kv-events']), 'kv', true, 'args');
    expect(v.ok).toBe(false);
    expect(v.hint).toContain('--router-kv-events');
  });

  it('ignores an events flag for a mode that does not use KV events', () => {
    expect(judgePinned(pinnedFlags([], ['--no-router-kv-events']), 'random', true, 'args').ok).toBe(true);
  });

  it('always fails on --load-aware', () => {
    expect(judgePinned(pinnedFlags([], ['--load-aware']), 'kv', false, 'args').ok).toBe(false);
  });

  it('passes when nothing is pinned', () => {
    expect(judgePinned(pinnedFlags(['python3'], ['-m', 'dynamo.frontend']), 'kv', true, 'args')).toEqual({
      ok: true,
    });
  });
});
