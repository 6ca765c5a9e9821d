// expect-mode and require-verified: what the evidence means when the run asserts a mode it does
// not apply, where the mode is set, and how `mode` and `expect-mode` combine.
import { describe, expect, it } from '@jest/globals';
import {
  judgeExpectation,
  unverifiedFailure,
  whereModeIsSet,
  type ExpectationInput,
} from '../../../src/canary/expectation.js';
import { parseSettings } from '../../../src/settings/settings.js';
import { RunFailure } from '../../../src/model/failure.js';
import type { VerifyOutcome } from '../../../src/verify/verify-step.js';

const outcome = (over: Partial<VerifyOutcome>): VerifyOutcome => ({
  verdict: 'verified',
  evidence: 'kv router metrics moved.',
  provenBy: ['metrics'],
  limitations: [],
  expected: 'kv',
  expectedFrom: 'expect-mode',
  ...over,
});

const input = (over: Partial<ExpectationInput>): ExpectationInput => ({
  expectMode: 'kv',
  target: 'url',
  command: '',
  planOnly: false,
  recipeWritten: false,
  ...over,
});

describe('expect-mode against the evidence', () => {
  it('passes when the evidence shows the asserted mode', () => {
    expect(judgeExpectation(input({ outcome: outcome({}) }))).toEqual({ limitations: [] });
  });

  it('turns a contradiction into mode-drift, naming what was found and where it is set (URL)', () => {
    const r = judgeExpectation(
      input({
        outcome: outcome({
          verdict: 'contradicted',
          observed: 'round-robin',
          evidence: 'Expected kv, but dynamo_component_router_kv_hit_rate_count did not move over 1 request.',
        }),
      }),
    );
    expect(r.failure?.code).toBe('mode-drift');
    expect(r.failure?.message).toMatch(
      /^`expect-mode: kv`, but the frontend routes round-robin: Expected kv, but/,
    );
    expect(r.failure?.message).toMatch(
      /Where the mode is set: not visible from a URL: the frontend's `--router-mode` flag, else its `DYN_ROUTER_MODE`/,
    );
    expect(r.failure?.message).toMatch(/Advertising router mode/);
  });

  it('on Kubernetes names the spec path, and fails from the spec when the evidence cannot tell', () => {
    // Where the target read the mode (its modeReason says the same, in a longer sentence).
    const setAt =
      "read from DYN_ROUTER_MODE=round-robin on component Frontend's envs (spec.services.Frontend.envs)";
    const r = judgeExpectation(
      input({
        target: 'kubernetes',
        sessionMode: 'round-robin',
        modeSetAt: setAt,
        outcome: outcome({ verdict: 'unverifiable', evidence: 'no frontend log available' }),
      }),
    );
    expect(r.failure?.message).toMatch(
      /`expect-mode: kv`, but the deployment sets round-robin.*Where the mode is set: read from DYN_ROUTER_MODE=round-robin on component Frontend's envs \(spec\.services\.Frontend\.envs\)\. On Dynamo 1\.5/,
    );
  });

  it('says so when the frontend routes the asserted mode although the spec says otherwise', () => {
    const r = judgeExpectation(
      input({
        target: 'kubernetes',
        sessionMode: 'round-robin',
        modeSetAt: 'read from X',
        outcome: outcome({}),
      }),
    );
    expect(r.failure).toBeUndefined();
    expect(r.limitations[0].id).toBe('spec-disagrees');
    expect(r.limitations[0].text).toMatch(/routes kv as expected, although read from X says round-robin/);
  });

  it('holds the history mode like expect-mode, naming the last run', () => {
    const r = judgeExpectation(
      input({
        expectMode: undefined,
        reference: { mode: 'kv', run: 'https://github.com/o/r/actions/runs/7' },
        outcome: outcome({ verdict: 'contradicted', expectedFrom: 'history', observed: '' }),
      }),
    );
    expect(r.failure?.message).toMatch(
      /^The earlier runs in the history saw kv \(last: https:\/\/github\.com\/o\/r\/actions\/runs\/7\), but the frontend routes another mode than kv/,
    );
  });

  it('leaves the run’s own change alone: a contradiction of `mode` stays mode-not-applied', () => {
    expect(
      judgeExpectation(input({ outcome: outcome({ verdict: 'contradicted', expectedFrom: 'mode' }) })),
    ).toEqual({
      limitations: [],
    });
  });

  it('in a plan from the file alone, compares the file’s mode', () => {
    const drift = judgeExpectation(
      input({
        planOnly: true,
        sessionMode: 'round-robin',
        modeSetAt: 'read from A (from r.yaml)',
        target: 'kubernetes',
      }),
    );
    expect(drift.failure?.message).toMatch(
      /`expect-mode: kv`, but the file routes round-robin\. Where the mode is set: read from A \(from r\.yaml\)\./,
    );
    const pending = judgeExpectation(
      input({
        planOnly: true,
        requestedMode: 'kv',
        sessionMode: 'kv',
        envPatch: {
          object: 'x',
          namespace: 'n',
          path: 'spec.services.Frontend.envs',
          set: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }],
          remove: [],
          changed: true,
          applied: false,
          dryRun: true,
        },
      }),
    );
    expect(pending.failure?.message).toMatch(
      /does not set kv on the frontend yet: the plan would write DYN_ROUTER_MODE=kv at spec\.services\.Frontend\.envs/,
    );
    expect(judgeExpectation(input({ planOnly: true, sessionMode: 'kv' }))).toEqual({ limitations: [] });
  });

  it('names the launched command line on launch', () => {
    expect(whereModeIsSet('launch', undefined, 'python3 -m dynamo.frontend --router-mode kv')).toMatch(
      /^the launched frontend's command line, `python3 -m dynamo\.frontend --router-mode kv`\./,
    );
  });
});

describe('require-verified', () => {
  it('fails a passing run whose mode is not verified, and nothing else', () => {
    expect(
      unverifiedFailure({
        result: 'pass',
        mode: 'round-robin',
        modeVerified: 'unverifiable',
        modeEvidence: 'no log',
      }),
    ).toEqual({
      code: 'mode-unverified',
      message: '`require-verified: true`, and the round-robin mode is unverifiable: no log',
    });
    expect(
      unverifiedFailure({ result: 'pass', mode: 'kv', modeVerified: 'verified', modeEvidence: '' }),
    ).toBeUndefined();
    expect(
      unverifiedFailure({ result: 'fail', mode: '', modeVerified: '', modeEvidence: '' }),
    ).toBeUndefined();
  });
});

describe('settings', () => {
  const parse = (inputs: Record<string, string>) => parseSettings((name) => inputs[name] ?? '');
  const refused = (inputs: Record<string, string>): string => {
    try {
      parse(inputs);
    } catch (error) {
      expect((error as RunFailure).code).toBe('bad-input');
      return (error as RunFailure).message;
    }
    throw new Error('expected bad-input');
  };

  it('reads the canary inputs', () => {
    const s = parse({
      'expect-mode': 'kv',
      'require-verified': 'true',
      history: '.router-history/canary.jsonl',
      'history-window': '20',
      'regression-ratio': '2',
      'fail-on-change': 'workers, kv-events',
      'accept-change': 'true',
    });
    expect(s).toMatchObject({
      expectMode: 'kv',
      requireVerified: true,
      history: {
        path: '.router-history/canary.jsonl',
        window: 20,
        regressionRatio: 2,
        failOnChange: ['workers', 'kv-events'],
        acceptChange: true,
      },
    });
    expect(parse({}).history).toBeUndefined();
    // The runner passes action.yml's defaults as if given.
    expect(
      parse({ 'history-window': '10', 'regression-ratio': '1.5', 'accept-change': 'false' }).history,
    ).toBeUndefined();
  });

  it('refuses contradictory and meaningless combinations before anything runs', () => {
    expect(refused({ mode: 'kv', 'expect-mode': 'round-robin' })).toMatch(
      /Input `expect-mode` has "round-robin"; allowed: empty or `kv`/,
    );
    expect(refused({ launch: 'true', 'expect-mode': 'kv' })).toMatch(/Input `expect-mode`.*launch: true/);
    expect(parse({ launch: 'true', mode: 'kv', 'expect-mode': 'kv' }).expectMode).toBe('kv');
    expect(refused({ 'expect-mode': 'KV' })).toMatch(/did you mean `kv`/);
    expect(refused({ 'skip-chat': 'true', history: 'h.jsonl' })).toMatch(/Input `skip-chat`.*with `history`/);
    expect(refused({ 'skip-chat': 'true', 'require-verified': 'true' })).toMatch(/with `require-verified`/);
    expect(refused({ 'history-window': '20' })).toMatch(/Input `history-window`.*unless `history`/);
    expect(refused({ history: 'h', 'history-window': '2' })).toMatch(/from 5 to 100/);
    expect(refused({ history: 'h', 'fail-on-change': 'latency' })).toMatch(/workers, models, kv-events/);
    expect(refused({ 'expect-mode': 'random', 'kv-events': 'false' })).toMatch(/Input `kv-events`/);
  });
});
