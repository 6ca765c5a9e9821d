// History records for tests: a neutral passing kv run of one deployment, changed per case; and a
// history report as the Contract carries it.
import { HISTORY_SCHEMA, type HistoryRecord } from '../../src/history/record.js';
import { percentile } from '../../src/compare/bootstrap.js';
import type { HistoryReport } from '../../src/model/history.js';

export const SUBJECT = 'http://127.0.0.1:8000';

/** A passing, verified kv run at minute `i`, whose 8 requests took around `p50` ms. */
export function recordAt(i: number, p50: number, over: Partial<HistoryRecord> = {}): HistoryRecord {
  const samplesMs = [0.9, 0.95, 1, 1, 1, 1.02, 1.05, 1.1].map((f) => Math.round(p50 * f * 10) / 10);
  return {
    schema: HISTORY_SCHEMA,
    time: new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString(),
    commit: `c${i}`,
    run: `https://github.com/o/r/actions/runs/${1000 + i}`,
    target: 'url',
    subject: SUBJECT,
    result: 'pass',
    failure: null,
    mode: 'kv',
    modeVerified: 'verified',
    provenBy: ['metrics'],
    model: 'tiny-model',
    models: { ids: ['tiny-model'], count: 1 },
    workers: { ids: ['101', '202'], count: 2, source: 'health' },
    kvEvents: 'true',
    latency: {
      source: 'smoke',
      requests: 8,
      errors: 0,
      samplesMs,
      p50Ms: percentile(samplesMs, 50) ?? null,
      p90Ms: percentile(samplesMs, 90) ?? null,
    },
    dynamoVersion: 'unknown',
    baseline: false,
    ...over,
  };
}

export const HOSTILE = '<img src=x onerror=alert(1)>**x**|`y`';

/** A history report of a run 20× slower than its baseline, with hostile text where a frontend puts it. */
export const historyReport = (over: Partial<HistoryReport> = {}): HistoryReport => ({
  file: '.router-history/canary.jsonl',
  records: 7,
  skippedLines: 1,
  skipped: [{ line: 3, why: 'not JSON (a line cut short, or not written by this action)' }],
  unreadBytes: 0,
  subjectRuns: 6,
  regressionRatio: 1.5,
  sample: { source: 'probe', requests: 25, errors: 0, samplesMs: [800], p50Ms: 800, p90Ms: 820 },
  mode: { kind: 'same', reference: 'kv' },
  latency: {
    kind: 'regression',
    medianMs: 800,
    bound: { runs: 6, medianMs: 40, boundMs: 55.5, spread: 0.05, t: 5.9 },
    ratio: 20,
    firstRun: 'https://github.com/o/r/actions/runs/1',
    lastRun: 'https://github.com/o/r/actions/runs/6',
  },
  changes: [
    { what: 'models', since: 'last', before: '1 (tiny)', after: `2 (tiny, ${HOSTILE})`, fails: false },
    { what: 'latency', since: 'baseline', before: '40 ms', after: '800 ms (20.00×)', fails: true },
  ],
  accepted: false,
  baseline: false,
  last: {
    time: '2026-12-01T00:06:00.000Z',
    run: 'javascript:alert(1)',
    mode: 'kv',
    p50Ms: 41,
    workers: 2,
    kvEvents: 'true',
  },
  baselineFirst: {
    time: '2026-12-01T00:01:00.000Z',
    run: 'https://github.com/o/r/actions/runs/1',
    mode: 'kv',
    p50Ms: 40,
    workers: 2,
    kvEvents: 'true',
  },
  trend: [1, 2, 3, 4, 5, 6, 7].map((n) => ({
    n,
    time: '2026-12-01T00:00:00.000Z',
    run: null,
    result: n === 7 ? 'fail' : 'pass',
    failure: n === 7 ? 'regression' : null,
    mode: HOSTILE,
    p50Ms: n === 7 ? 800 : n === 4 ? null : 40 + n / 10,
  })),
  written: { lines: 8, dropped: 0 },
  ...over,
});
