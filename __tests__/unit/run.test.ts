// The run's phases in order, with faked effects (__tests__/support/run-effects.ts).
import { describe, expect, it } from '@jest/globals';
import { RunFailure } from '../../src/model/failure.js';
import { runRouterCheck } from '../../src/run.js';
import { TargetFailure } from '../../src/targets/target-failure.js';
import { parseSettings } from '../../src/settings/settings.js';
import {
  fakeEffects,
  fakeSession,
  fakeSwitcher,
  healthyFrontend,
  KV_ENV_PATCH,
} from '../support/run-effects.js';

/** Settings from action inputs; `verify` is not an input (always on), tests turn it off to stay short. */
function settings(inputs: Record<string, string>, verify = false) {
  const all: Record<string, string> = { retries: '1', 'retry-delay': '0', ...inputs };
  return { ...parseSettings((name) => all[name] ?? ''), verify };
}

const URL_RUN = { 'base-url': 'http://127.0.0.1:8000', mode: 'kv' };
const K8S_RUN = { namespace: 'dynamo', deployment: 'mocker-agg', mode: 'kv' };

describe('runRouterCheck phase order', () => {
  it('URL target: open, models, chat, close; the smoke check in its own group', async () => {
    const effects = fakeEffects({ answers: healthyFrontend() });
    const contract = await runRouterCheck(settings(URL_RUN), effects);
    expect(contract.result).toBe('pass');
    expect(effects.events).toEqual([
      'openTarget',
      'group Smoke check',
      'http GET /v1/models',
      // dynamo_frontend_model_ready: the frontend's own word that the model is routable.
      'http GET /metrics',
      'http POST /v1/chat/completions',
      'end Smoke check',
      'close',
    ]);
  });

  it('with verification: the evidence window opens between the model list and the smoke chat', async () => {
    const effects = fakeEffects({ answers: healthyFrontend() });
    await runRouterCheck(settings(URL_RUN, true), effects);
    const smoke = effects.events.slice(0, effects.events.indexOf('end Smoke check') + 1);
    expect(smoke).toEqual([
      'openTarget',
      'group Smoke check',
      'http GET /v1/models',
      // One scrape: the model's readiness gauge, and the evidence window's first read.
      'http GET /metrics',
      'http POST /v1/chat/completions',
      'end Smoke check',
    ]);
    const rest = effects.events.slice(smoke.length);
    expect(rest[0]).toBe('group Verification');
    expect(rest.slice(-2)).toEqual(['end Verification', 'close']);
  });

  it('Kubernetes target: opened inside its group; a failed check rolls back before the session closes', async () => {
    const answers = { ...healthyFrontend(), '/v1/chat/completions': { status: 500, body: 'boom' } };
    const effects = fakeEffects({
      answers,
      session: (events) => fakeSession(events, {}, { rollback: true }),
    });
    const contract = await runRouterCheck(settings(K8S_RUN), effects);
    expect(contract.result).toBe('fail');
    expect(contract.failure?.code).toBe('chat-error');
    expect(effects.events).toEqual([
      'group Target: Kubernetes',
      'openTarget',
      'end Target: Kubernetes',
      'group Smoke check',
      'http GET /v1/models',
      // dynamo_frontend_model_ready: the frontend's own word that the model is routable.
      'http GET /metrics',
      'http POST /v1/chat/completions',
      'end Smoke check',
      'onCheckFailed chat-error',
      'close',
    ]);
  });

  it('a passing check neither rolls back nor compares without compare-modes', async () => {
    const effects = fakeEffects({
      answers: healthyFrontend(),
      session: (events) => fakeSession(events, { switcher: fakeSwitcher(events) }, { rollback: true }),
    });
    const contract = await runRouterCheck(settings(K8S_RUN), effects);
    expect(contract.result).toBe('pass');
    expect(effects.events.filter((e) => /onCheckFailed|switchTo|restore|Comparison/.test(e))).toEqual([]);
    expect(effects.events.at(-1)).toBe('close');
  });

  it('a target that fails while opening: no request, no close, and the change it made is reported', async () => {
    const envPatch = KV_ENV_PATCH;
    const effects = fakeEffects({
      open: async () => {
        throw new TargetFailure(
          new RunFailure('rollout-timeout', 'The frontend did not finish rolling out.'),
          {
            envPatch,
          },
        );
      },
    });
    const contract = await runRouterCheck(settings(K8S_RUN), effects);
    expect(contract.failure?.code).toBe('rollout-timeout');
    expect(contract.envPatch).toEqual(envPatch);
    expect(effects.events).toEqual(['group Target: Kubernetes', 'openTarget', 'end Target: Kubernetes']);
  });
});
