// The comparison step: a target that cannot switch modes, and the label and failure it reports.
import { describe, expect, it } from '@jest/globals';
import { compareModes } from '../../../src/compare/compare-step.js';
import { runRouterCheck } from '../../../src/run.js';
import { parseSettings } from '../../../src/settings/settings.js';
import { fakeEffects, fakeSession, fakeSwitcher, healthyFrontend } from '../../support/run-effects.js';

/** Settings from action inputs; `verify` is not an input (always on), tests turn it off to stay short. */
function settings(inputs: Record<string, string>, verify = false) {
  const all: Record<string, string> = { retries: '1', 'retry-delay': '0', ...inputs };
  return { ...parseSettings((name) => all[name] ?? ''), verify };
}

const URL_RUN = { 'base-url': 'http://127.0.0.1:8000', mode: 'kv' };
const K8S_RUN = { namespace: 'dynamo', deployment: 'mocker-agg', mode: 'kv' };

describe('compareModes', () => {
  const compareSettings = () => settings({ ...K8S_RUN, 'compare-modes': 'round-robin,kv' });

  it('fails with compare-failed on a target that cannot switch modes, before any request', async () => {
    const effects = fakeEffects({});
    const session = fakeSession(effects.events);
    await expect(compareModes(compareSettings(), session, 'tiny-model', effects)).rejects.toMatchObject({
      code: 'compare-failed',
    });
    expect(effects.events).toEqual([]);
  });

  it('does nothing without compare-modes', async () => {
    const effects = fakeEffects({});
    const session = fakeSession(effects.events, { switcher: fakeSwitcher(effects.events) });
    const compared = await compareModes(settings(K8S_RUN), session, 'tiny-model', effects);
    expect(effects.events).toEqual([]);
    expect(compared?.comparison).toBeUndefined();
  });

  it('in a run: compare-modes on a URL target fails the run with compare-failed and closes the session', async () => {
    const effects = fakeEffects({ answers: healthyFrontend() });
    const s = { ...settings({ ...URL_RUN }), compare: compareSettings().compare };
    const contract = await runRouterCheck(s, effects);
    expect(contract.result).toBe('fail');
    expect(contract.failure?.code).toBe('compare-failed');
    expect(effects.events.slice(-3)).toEqual(['group Comparison', 'end Comparison', 'close']);
  });
});
