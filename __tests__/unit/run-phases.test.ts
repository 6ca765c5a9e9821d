// The run's phases in order, with faked effects (__tests__/support/run-effects.ts): the target
// opens before any request, the smoke check runs in its own log group, a failed check calls the
// target's rollback before the session closes, a target that fails while opening reports what it
// changed, and compare-modes on a target that cannot switch fails with compare-failed.
import { limitation } from '../../src/model/findings.js';
import { describe, expect, it } from '@jest/globals';
import { compareModes } from '../../src/compare/compare-step.js';
import { RunFailure } from '../../src/model/failure.js';
import { knownRelease } from '../../src/releases/capabilities.js';
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

describe('folding phase results into the Contract', () => {
  it('a launch the release refuses: nothing opened, the release found is still reported', async () => {
    const effects = fakeEffects({ answers: healthyFrontend() });
    effects.askRelease = async () => knownRelease('1.0.2', 'launch interpreter');
    const contract = await runRouterCheck(settings({ launch: 'true', mode: 'least-loaded' }), effects);
    expect(contract.failure?.code).toBe('unsupported-mode');
    expect(contract.dynamoVersion).toBe('1.0.2 (launch interpreter)');
    expect(effects.events).toEqual([]);
  });

  it("a rollback after a failed check: the patch records it, its detail follows the session's own", async () => {
    const answers = { ...healthyFrontend(), '/v1/chat/completions': { status: 500, body: 'boom' } };
    const effects = fakeEffects({
      answers,
      session: (events) =>
        fakeSession(events, {
          envPatch: KV_ENV_PATCH,
          details: [{ title: 'Reproduce with kubectl', text: 'kubectl get …' }],
          onCheckFailed: async () => ({
            envPatch: { ...KV_ENV_PATCH, rolledBack: true },
            details: [{ title: 'Rollback', text: 'Restored …' }],
            limitations: [
              limitation(
                'rolled-back',
                'The check failed, so the previous router env was restored (rollback-on-failure).',
              ),
            ],
          }),
        }),
    });
    const contract = await runRouterCheck(settings(K8S_RUN), effects);
    expect(contract.failure?.code).toBe('chat-error');
    expect(contract.envPatch).toEqual({ ...KV_ENV_PATCH, rolledBack: true });
    expect(KV_ENV_PATCH.rolledBack).toBeUndefined();
    expect(contract.details.map((d) => d.title)).toEqual(['Reproduce with kubectl', 'Rollback']);
    expect(contract.limitations.map((l) => l.text)).toContain(
      'The check failed, so the previous router env was restored (rollback-on-failure).',
    );
  });

  it('an unexpected error inside a target: internal, with the stack of the error first thrown', async () => {
    const thrown = new TypeError('boom inside the target');
    const effects = fakeEffects({
      open: async () => {
        throw TargetFailure.of(thrown, { where: { service: 'dynamo/mocker-agg-frontend' } });
      },
    });
    const contract = await runRouterCheck(settings(K8S_RUN), effects);
    expect(contract.failure?.code).toBe('internal');
    expect(contract.failure?.message).toBe('Unexpected error: boom inside the target');
    expect(contract.service).toBe('dynamo/mocker-agg-frontend');
    expect(contract.details.find((d) => d.title.startsWith('Stack trace'))?.text).toBe(thrown.stack);
  });
});
