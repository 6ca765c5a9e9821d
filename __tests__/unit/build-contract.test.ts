// The Contract built once from the phases' results: which failure decides, the target's state
// after a failure, the rollback's record, the rows that must agree.
import { describe, expect, it } from '@jest/globals';
import { buildContract, STACK } from '../../src/build-contract.js';
import type { SmokeResult } from '../../src/check/smoke.js';
import type { HistoryJudgement } from '../../src/history/judge.js';
import { RunFailure } from '../../src/model/failure.js';
import { limitation } from '../../src/model/findings.js';
import type { HistoryReport } from '../../src/model/history.js';
import { makePlan } from '../../src/plan.js';
import type { RunResults } from '../../src/run-results.js';
import type { TargetSession } from '../../src/session.js';
import type { VerifyOutcome } from '../../src/verify/verify-step.js';
import { knownRelease } from '../../src/releases/capabilities.js';
import { runRouterCheck } from '../../src/run.js';
import { TargetFailure } from '../../src/targets/target-failure.js';
import { parseSettings } from '../../src/settings/settings.js';
import { fakeEffects, fakeSession, healthyFrontend, KV_ENV_PATCH } from '../support/run-effects.js';

/** Settings from action inputs; `verify` is not an input (always on), tests turn it off to stay short. */
function settings(inputs: Record<string, string>, verify = false) {
  const all: Record<string, string> = { retries: '1', 'retry-delay': '0', ...inputs };
  return { ...parseSettings((name) => all[name] ?? ''), verify };
}
const K8S_RUN = { namespace: 'dynamo', deployment: 'mocker-agg', mode: 'kv' };

describe("the Contract built from the phases' results", () => {
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

describe('one rule over the results decides the run; nothing is flipped back', () => {
  const s = settings({ 'base-url': 'http://127.0.0.1:8000', mode: 'kv' }, true);
  const plan = makePlan(s);
  const session: TargetSession = {
    baseUrl: 'http://127.0.0.1:8000',
    service: '',
    limitations: [],
    details: [],
    close: async () => undefined,
  };
  const smoke = { ok: true, models: ['m'], model: 'm', checks: [] } as SmokeResult;
  const base = (over: Partial<RunResults> = {}): RunResults => ({
    settings: s,
    plan,
    session,
    smoke,
    thrown: [],
    ...over,
  });
  const contradicted: VerifyOutcome = {
    verdict: 'contradicted',
    evidence: 'the log says round-robin',
    provenBy: ['log'],
    limitations: [],
    failure: { code: 'mode-not-applied', message: 'The frontend does not run the kv router mode.' },
  };

  it('a passing check with no later failure passes; a failed check fails with its own code', () => {
    expect(buildContract(base()).result).toBe('pass');
    const failed = buildContract(
      base({
        smoke: {
          ok: false,
          models: [],
          checks: [],
          failure: new RunFailure('no-models', 'no model'),
        } as SmokeResult,
      }),
    );
    expect(failed.result).toBe('fail');
    expect(failed.failure?.code).toBe('no-models');
  });

  it('an asserted mode that drifted replaces the contradiction the verification found', () => {
    const c = buildContract(
      base({
        verified: contradicted,
        assertions: { expectation: { failure: { code: 'mode-drift', message: 'drift' }, limitations: [] } },
      }),
    );
    expect(c.failure?.code).toBe('mode-drift');
    expect(buildContract(base({ verified: contradicted })).failure?.code).toBe('mode-not-applied');
  });

  it('the history fails only a run that passed so far, unless accept-change takes it as a limitation', () => {
    const judged = (accepted: boolean): RunResults['history'] => ({
      kind: 'judged',
      judgement: {
        failure: { code: 'regression', message: 'Slower than the baseline.' },
        accepted,
        baseline: true,
      } as HistoryJudgement,
      report: { baseline: true } as HistoryReport,
    });
    const failed = buildContract(base({ history: judged(false) }));
    expect(failed.failure?.code).toBe('regression');
    expect(failed.history?.baseline).toBe(false);
    const accepted = buildContract(base({ history: judged(true) }));
    expect(accepted.result).toBe('pass');
    expect(accepted.history?.baseline).toBe(true);
    expect(accepted.limitations.find((l) => l.id === 'change-accepted')?.text).toMatch(
      /^Accepted \(`accept-change: true`\), not failed: Slower than the baseline\./,
    );
    const already = buildContract(base({ verified: contradicted, history: judged(false) }));
    expect(already.failure?.code).toBe('mode-not-applied');
  });

  it('an error thrown after the history decides the run, and says so once', () => {
    const c = buildContract(base({ history: undefined, thrown: [{ error: new Error('boom'), late: true }] }));
    expect(c.failure?.code).toBe('internal');
    expect(c.details.filter((d) => d.title === STACK)).toHaveLength(1);
  });
});
