// One line of the history file: what a run found, as JSON, with a schema version. Every list and
// text a frontend controls is capped before it is written, so one hostile reply cannot bloat the
// file; a line read back is checked field by field before the judgement trusts it.

import type { LatencyFigures } from '../model/history.js';

export const HISTORY_SCHEMA = 'dynamo-router-starter/history/v1';
const SCHEMA_FAMILY = /^dynamo-router-starter\/history\/v(\d+)$/;

export interface WorkersSeen {
  /** Worker instance ids (decimal u64 text), sorted; at most WORKERS_CAP of them. */
  ids: string[];
  count: number;
  /** `probe`: the workers that served the probe; `health`: the instances GET /health listed. */
  source: 'probe' | 'health';
}

export interface HistoryRecord {
  schema: typeof HISTORY_SCHEMA;
  /** ISO 8601, UTC. */
  time: string;
  /** GITHUB_SHA; null outside a workflow. */
  commit: string | null;
  /** The workflow run's URL; null outside a workflow. */
  run: string | null;
  target: 'url' | 'launch' | 'kubernetes';
  /** What the runs of one deployment share: the URL, or the Kubernetes object the inputs name. */
  subject: string;
  result: 'pass' | 'fail';
  failure: string | null;
  /** The mode found ('' when unknown) and the verdict on it. */
  mode: string;
  modeVerified: string;
  /** How the mode was proven: behaviour, log, metrics (empty when it was not). */
  provenBy: string[];
  /** The model of the chat requests. */
  model: string;
  models: { ids: string[]; count: number };
  workers: WorkersSeen | null;
  kvEvents: 'true' | 'false' | 'unknown';
  latency: LatencyFigures | null;
  dynamoVersion: string;
  /** A new baseline starts with this run (`accept-change`, or a mode the run applied or declared). */
  baseline: boolean;
}

export const WORKERS_CAP = 64;
export const MODELS_CAP = 16;
export const SAMPLES_CAP = 128;
const TEXT_CAP = 512;

const text = (value: string, max = TEXT_CAP): string =>
  value.length > max ? `${value.slice(0, max)}…` : value;

/** The record as it is written: lists and texts capped, numbers rounded to 0.1 ms. */
export function capRecord(record: HistoryRecord): HistoryRecord {
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  const latency = record.latency
    ? {
        ...record.latency,
        samplesMs: record.latency.samplesMs.slice(0, SAMPLES_CAP).map(round),
        p50Ms: record.latency.p50Ms === null ? null : round(record.latency.p50Ms),
        p90Ms: record.latency.p90Ms === null ? null : round(record.latency.p90Ms),
      }
    : null;
  return {
    ...record,
    subject: text(record.subject),
    mode: text(record.mode, 64),
    model: text(record.model),
    models: {
      ids: record.models.ids.slice(0, MODELS_CAP).map((id) => text(id, 256)),
      count: record.models.count,
    },
    workers: record.workers
      ? { ...record.workers, ids: record.workers.ids.slice(0, WORKERS_CAP).map((id) => text(id, 40)) }
      : null,
    dynamoVersion: text(record.dynamoVersion, 128),
    latency,
  };
}

/** What a line of the file is: one of ours, or why it is skipped. */
export type LineReading = { ok: true; record: HistoryRecord } | { ok: false; why: string };

// Longer texts than any record of ours holds (capRecord) mark a line someone else wrote.
const isString = (v: unknown, max = 1024): v is string => typeof v === 'string' && v.length <= max;
const isStringOrNull = (v: unknown, max = 1024): boolean => v === null || isString(v, max);
const isStrings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= 64 && v.every((x) => isString(x));
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isMs = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isMsOrNull = (v: unknown): boolean => v === null || isMs(v);

function validLatency(v: unknown): boolean {
  if (v === null) return true;
  const l = v as Partial<LatencyFigures> | undefined;
  return (
    typeof l === 'object' &&
    l !== null &&
    (l.source === 'probe' || l.source === 'smoke') &&
    isCount(l.requests) &&
    isCount(l.errors) &&
    Array.isArray(l.samplesMs) &&
    l.samplesMs.length <= SAMPLES_CAP &&
    l.samplesMs.every(isMs) &&
    isMsOrNull(l.p50Ms) &&
    isMsOrNull(l.p90Ms)
  );
}

function validWorkers(v: unknown): boolean {
  if (v === null) return true;
  const w = v as Partial<WorkersSeen> | undefined;
  return (
    typeof w === 'object' &&
    w !== null &&
    isStrings(w.ids) &&
    w.ids.length <= WORKERS_CAP &&
    isCount(w.count) &&
    (w.source === 'probe' || w.source === 'health')
  );
}

/** Why a parsed object of our schema cannot be used, or undefined when every field is sound. */
function malformed(r: Record<string, unknown>): string | undefined {
  const checks: [string, boolean][] = [
    ['time', isString(r.time, 64) && !Number.isNaN(Date.parse(r.time))],
    ['commit', isStringOrNull(r.commit, 256)],
    ['run', isStringOrNull(r.run)],
    ['target', r.target === 'url' || r.target === 'launch' || r.target === 'kubernetes'],
    ['subject', isString(r.subject)],
    ['result', r.result === 'pass' || r.result === 'fail'],
    ['failure', isStringOrNull(r.failure, 64)],
    ['mode', isString(r.mode, 64)],
    ['modeVerified', isString(r.modeVerified, 64)],
    ['provenBy', isStrings(r.provenBy)],
    ['model', isString(r.model)],
    [
      'models',
      typeof r.models === 'object' &&
        r.models !== null &&
        isStrings((r.models as { ids?: unknown }).ids) &&
        isCount((r.models as { count?: unknown }).count),
    ],
    ['workers', validWorkers(r.workers)],
    ['kvEvents', r.kvEvents === 'true' || r.kvEvents === 'false' || r.kvEvents === 'unknown'],
    ['latency', validLatency(r.latency)],
    ['dynamoVersion', isString(r.dynamoVersion)],
    ['baseline', typeof r.baseline === 'boolean'],
  ];
  const bad = checks.filter(([, ok]) => !ok).map(([name]) => name);
  return bad.length
    ? `a record of this action with missing or malformed fields (${bad.join(', ')})`
    : undefined;
}

/** Reads one line. Never throws: a line that is not a sound record says why. */
export function readLine(line: string): LineReading {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ok: false, why: 'not JSON (a line cut short, or not written by this action)' };
  }
  const schema = (parsed as { schema?: unknown } | null)?.schema;
  const family = typeof schema === 'string' ? SCHEMA_FAMILY.exec(schema) : null;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !family)
    return { ok: false, why: 'JSON, but not a record of this action (no `schema` of its own)' };
  if (schema !== HISTORY_SCHEMA)
    return {
      ok: false,
      why: `a record of another schema version (${schema}), which this version does not read`,
    };
  const problem = malformed(parsed as Record<string, unknown>);
  return problem ? { ok: false, why: problem } : { ok: true, record: parsed as HistoryRecord };
}
