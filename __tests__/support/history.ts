// History records for tests: a neutral passing kv run of one deployment, changed per case.
import { HISTORY_SCHEMA, type HistoryRecord } from '../../src/history/record.js';
import { percentile } from '../../src/compare/stats.js';

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
