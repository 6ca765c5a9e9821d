// This run against the earlier runs: mode drift, latency regression, changes, baselines.
import { describe, expect, it } from '@jest/globals';
import type { HistorySettings } from '../../../src/settings/canary.js';
import { judgeHistory, MIN_BASELINE_RUNS, referenceMode, sinceBaseline } from '../../../src/history/judge.js';
import type { HistoryRecord } from '../../../src/history/record.js';
import { recordAt } from '../../support/history.ts';

const SETTINGS: HistorySettings = {
  path: 'h.jsonl',
  window: 10,
  regressionRatio: 1.5,
  failOnChange: [],
  acceptChange: false,
};

const steady = (n: number, over: Partial<HistoryRecord> = {}): HistoryRecord[] =>
  Array.from({ length: n }, (_, i) => recordAt(i, 40 + (i % 3), over));

function judge(
  earlier: HistoryRecord[],
  current: HistoryRecord,
  settings: Partial<HistorySettings> = {},
  declaredMode?: string,
) {
  return judgeHistory({
    earlier,
    current,
    settings: { ...SETTINGS, ...settings },
    declaredMode,
    where: 'the frontend flag',
    evidence: 'frontend log: 1× router_mode=round-robin.',
  });
}

describe('latency', () => {
  it('is not judged before the baseline has enough runs, and says how many', () => {
    const j = judge(steady(MIN_BASELINE_RUNS - 1), recordAt(99, 400));
    expect(j.latency).toMatchObject({
      kind: 'too-few',
      runs: MIN_BASELINE_RUNS - 1,
      needed: MIN_BASELINE_RUNS,
    });
    expect(j.failure).toBeUndefined();
  });

  it('passes a run within the baseline and fails one 20× slower, naming the figures and the runs', () => {
    const ok = judge(steady(6), recordAt(99, 42));
    expect(ok.latency.kind).toBe('ok');
    expect(ok.failure).toBeUndefined();
    const slow = judge(steady(6), recordAt(99, 800));
    expect(slow.latency.kind).toBe('regression');
    expect(slow.failure?.code).toBe('regression');
    expect(slow.failure?.message).toMatch(
      /800 ms over 8 requests \(smoke-kind chats\), is 19\.\d\d× the baseline's 41 ms \(the median of the last 6 passing kv runs, https:\/\/github\.com\/o\/r\/actions\/runs\/1000 … https:\/\/github\.com\/o\/r\/actions\/runs\/1005\) and above its 99\.9% prediction bound/,
    );
    expect(slow.changes).toContainEqual(expect.objectContaining({ what: 'latency', fails: true }));
  });

  it('uses only the last `window` passing runs of the same mode, model and sample kind', () => {
    const earlier = [
      ...steady(20).map((r) => ({ ...r, latency: { ...r.latency!, p50Ms: 400 } })),
      ...steady(6),
      recordAt(50, 40, { mode: 'round-robin' }),
      recordAt(51, 40, { model: 'other' }),
      recordAt(52, 40, { result: 'fail', failure: 'chat-timeout' }),
    ];
    const j = judge(earlier, recordAt(99, 42), { window: 6 });
    expect(j.latency).toMatchObject({ kind: 'ok', bound: { runs: 6 } });
  });

  it('excludes a regressed run from later baselines, so the canary stays red until it is fixed or accepted', () => {
    const earlier = [...steady(6), recordAt(60, 800, { result: 'fail', failure: 'regression' })];
    expect(judge(earlier, recordAt(99, 800)).failure?.code).toBe('regression');
  });

  it('accept-change reports instead of failing and starts a new baseline; later runs judge from it', () => {
    const accepted = judge(steady(6), recordAt(99, 800), { acceptChange: true });
    expect(accepted.failure?.code).toBe('regression');
    expect(accepted.accepted).toBe(true);
    expect(accepted.baseline).toBe(true);
    const next = [...steady(6), recordAt(99, 800, { baseline: true })];
    expect(sinceBaseline(next)).toHaveLength(1);
    expect(judge(next, recordAt(100, 810)).latency).toMatchObject({ kind: 'too-few', runs: 1 });
  });
});

describe('mode', () => {
  it('takes the latest verified mode of a passing run since the baseline as the reference', () => {
    const earlier = [...steady(3), recordAt(10, 40, { mode: 'random', modeVerified: 'unverifiable' })];
    expect(referenceMode(earlier)?.mode).toBe('kv');
    expect(referenceMode([...earlier, recordAt(11, 40, { mode: 'round-robin', baseline: true })])?.mode).toBe(
      'round-robin',
    );
  });

  it('fails mode-drift when a verified mode differs, naming what was found and where', () => {
    const j = judge(steady(3), recordAt(99, 40, { mode: 'round-robin' }));
    expect(j.mode).toMatchObject({ kind: 'drift', reference: 'kv', found: 'round-robin' });
    expect(j.failure?.code).toBe('mode-drift');
    expect(j.failure?.message).toMatch(
      /routes round-robin, but the earlier runs in the history saw kv \(last: https:\/\/github\.com\/o\/r\/actions\/runs\/1002\)\. frontend log.* Where the mode is set: the frontend flag/,
    );
    expect(j.latency.kind).toBe('no-sample');
  });

  it('does not fail a mode the run declared (mode or expect-mode): a new baseline starts', () => {
    const j = judge(steady(3), recordAt(99, 40, { mode: 'round-robin' }), {}, 'round-robin');
    expect(j.mode.kind).toBe('declared');
    expect(j.failure).toBeUndefined();
    expect(j.baseline).toBe(true);
  });

  it('does not compare an unverified mode', () => {
    const j = judge(steady(3), recordAt(99, 40, { mode: '', modeVerified: 'unverifiable' }));
    expect(j.mode).toEqual({ kind: 'unverified', reference: 'kv' });
    expect(j.failure).toBeUndefined();
  });

  it('ignores other deployments in the same file', () => {
    const other = steady(6, { subject: 'http://other:8000', mode: 'random' });
    const j = judge(other, recordAt(99, 40));
    expect(j.mode.kind).toBe('no-reference');
    expect(j.subjectRuns).toBe(0);
    expect(j.otherSubjects).toBe(6);
  });
});

describe('changes', () => {
  it('names workers, models and KV events since the last run, failing only what fail-on-change lists', () => {
    const current = recordAt(99, 40, {
      workers: { ids: ['101'], count: 1, source: 'health' },
      models: { ids: ['tiny-model', 'new-model'], count: 2 },
      kvEvents: 'false',
    });
    const named = judge(steady(3), current);
    expect(named.failure).toBeUndefined();
    expect(
      named.changes
        .filter((c) => c.since === 'last' && c.what !== 'latency')
        .map((c) => [c.what, c.before, c.after, c.fails]),
    ).toEqual([
      ['workers', '2 (101, 202)', '1 (101)', false],
      ['models', '1 (tiny-model)', '2 (tiny-model, new-model)', false],
      ['kv-events', 'true', 'false', false],
    ]);
    const failing = judge(steady(3), current, { failOnChange: ['workers'] });
    expect(failing.failure).toEqual({
      code: 'deployment-changed',
      message: 'Since the last passing run: workers 2 (101, 202) → 1 (101) (`fail-on-change: workers`).',
    });
  });

  it('names replaced workers but never fails on them when the number is the same', () => {
    const current = recordAt(99, 40, { workers: { ids: ['101', '303'], count: 2, source: 'health' } });
    const j = judge(steady(3), current, { failOnChange: ['workers'] });
    expect(j.changes[0]).toMatchObject({ what: 'workers', after: '2 (101, 303); 1 replaced', fails: false });
    expect(j.failure).toBeUndefined();
  });

  it('keeps the last 20 runs of this deployment for the chart, this one last', () => {
    const j = judge(steady(30), recordAt(99, 40));
    expect(j.trend).toHaveLength(20);
    expect(j.trend[19]).toMatchObject({ n: 31, p50Ms: 40 });
    expect(j.trend[0].n).toBe(12);
  });
});
