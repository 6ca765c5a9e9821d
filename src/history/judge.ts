// This run against the earlier runs of the same deployment in the history file. Pure: the
// records in, a judgement out (build-contract.ts puts it into the Contract).
//
// - The reference mode is the latest verified mode of a passing run since the last baseline. A
//   verified mode that differs fails `mode-drift`, unless this run declared its mode (`mode` or
//   `expect-mode` names it: the change is the user's) or `accept-change` is set.
// - Latency: one value per run (its sample's median). The baseline is the last `window` passing
//   runs of the same mode, model and sample kind since the last baseline; with fewer than
//   MIN_BASELINE_RUNS nothing is judged. A regression is a run above the prediction bound and
//   `regression-ratio` times the baseline (prediction-bound.ts).
// - Workers, models and KV events are compared with the last passing run: always named, failing
//   (`deployment-changed`) only for the kinds `fail-on-change` lists.
// - `accept-change`: nothing of the above fails; this run starts a new baseline.

import type { ChangeKind, HistorySettings } from '../settings/canary.js';
import {
  MIN_BASELINE_RUNS,
  type Change,
  type LatencyJudgement,
  type ModeJudgement,
  type RunBrief,
  type TrendPoint,
} from '../model/history.js';
import type { HistoryRecord } from './record.js';
import { ALPHA, isRegression, predictionBound } from './prediction-bound.js';

export { MIN_BASELINE_RUNS };
/** Runs the summary's chart shows (this one included). */
export const TREND_RUNS = 20;

export interface HistoryJudgement {
  /** Earlier records of this deployment (the file may hold other deployments' too). */
  subjectRuns: number;
  otherSubjects: number;
  mode: ModeJudgement;
  latency: LatencyJudgement;
  changes: Change[];
  /** The first failure the history gives this run (before `accept-change`). */
  failure?: { code: 'mode-drift' | 'regression' | 'deployment-changed'; message: string };
  accepted: boolean;
  /** This run's record starts a new baseline. */
  baseline: boolean;
  last?: RunBrief;
  baselineFirst?: RunBrief;
  trend: TrendPoint[];
}

export interface JudgeInput {
  earlier: readonly HistoryRecord[];
  current: HistoryRecord;
  settings: HistorySettings;
  /** The mode `mode` or `expect-mode` names, when the run applied or asserted one. */
  declaredMode?: string;
  /** Where the mode is set, for a drift message. */
  where: string;
  /** The evidence behind the mode found. */
  evidence: string;
}

/** This deployment's records since the latest one that started a baseline (inclusive). */
export function sinceBaseline(records: readonly HistoryRecord[]): HistoryRecord[] {
  let start = 0;
  records.forEach((r, i) => {
    if (r.baseline) start = i;
  });
  return records.slice(start);
}

/** The mode the recent runs saw: the latest verified mode of a passing run since the baseline. */
export function referenceMode(records: readonly HistoryRecord[]): HistoryRecord | undefined {
  return [...sinceBaseline(records)]
    .reverse()
    .find((r) => r.result === 'pass' && r.modeVerified === 'verified' && r.mode !== '');
}

const ms = (v: number): string => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;
const runLink = (r: HistoryRecord): string => r.run ?? `the run of ${r.time}`;

/** A latency judgement and the baseline runs it rests on. */
type Judged = LatencyJudgement & { baselineRuns?: HistoryRecord[] };

function latencyJudgement(input: JudgeInput, recent: HistoryRecord[]): Judged {
  const { current, settings } = input;
  const sample = current.latency;
  if (current.result !== 'pass')
    return { kind: 'no-sample', why: 'the run failed before its latency could be judged' };
  if (!sample || sample.p50Ms === null)
    return { kind: 'no-sample', why: 'no request of the sample succeeded' };
  const eligible = recent.filter(
    (r) =>
      r.result === 'pass' &&
      r.mode === current.mode &&
      r.model === current.model &&
      r.latency?.source === sample.source &&
      r.latency.p50Ms !== null,
  );
  const baselineRuns = eligible.slice(-settings.window);
  const bound = predictionBound(baselineRuns.map((r) => r.latency?.p50Ms as number));
  if (baselineRuns.length < MIN_BASELINE_RUNS || !bound)
    return { kind: 'too-few', runs: baselineRuns.length, needed: MIN_BASELINE_RUNS, medianMs: sample.p50Ms };
  return {
    kind: isRegression(sample.p50Ms, bound, settings.regressionRatio) ? 'regression' : 'ok',
    medianMs: sample.p50Ms,
    bound,
    ratio: sample.p50Ms / bound.medianMs,
    firstRun: baselineRuns[0].run,
    lastRun: baselineRuns[baselineRuns.length - 1].run,
    baselineRuns,
  };
}

function modeJudgement(input: JudgeInput, recent: HistoryRecord[]): ModeJudgement {
  const reference = referenceMode(recent);
  if (!reference) return { kind: 'no-reference' };
  const { current } = input;
  const found = current.mode;
  // The verification held the evidence against the reference and it did not hold.
  if (current.failure === 'mode-drift' && !input.declaredMode)
    return {
      kind: 'drift',
      reference: reference.mode,
      found: found && found !== reference.mode ? found : `not ${reference.mode}`,
      referenceRun: reference.run,
    };
  if (current.result !== 'pass') return { kind: 'unverified', reference: reference.mode };
  if (found === reference.mode && current.modeVerified === 'verified')
    return { kind: 'same', reference: reference.mode };
  // A contradicted verdict against the reference is a drift even when the mode found has no name.
  const drifted =
    (current.modeVerified === 'verified' && found !== '' && found !== reference.mode) ||
    current.modeVerified === 'contradicted';
  if (!drifted) return { kind: 'unverified', reference: reference.mode };
  const kind = input.declaredMode && input.declaredMode === found ? 'declared' : 'drift';
  return {
    kind,
    reference: reference.mode,
    found: found || `not ${reference.mode}`,
    referenceRun: reference.run,
  };
}

function setText(ids: readonly string[], count: number): string {
  if (count === 0) return 'none';
  const shown = ids.slice(0, 4).join(', ');
  return count > 4 ? `${count} (${shown}, …)` : `${count} (${shown})`;
}

function changesAgainst(
  before: HistoryRecord,
  current: HistoryRecord,
  since: Change['since'],
  failOn: readonly ChangeKind[],
): Change[] {
  const out: Change[] = [];
  if (before.mode && current.mode && before.mode !== current.mode)
    out.push({ what: 'mode', since, before: before.mode, after: current.mode, fails: false });
  const bw = before.workers;
  const cw = current.workers;
  if (bw && cw && bw.source === cw.source) {
    const gone = bw.ids.filter((id) => !cw.ids.includes(id));
    if (bw.count !== cw.count || gone.length > 0)
      out.push({
        what: 'workers',
        since,
        before: setText(bw.ids, bw.count),
        after:
          bw.count === cw.count
            ? `${setText(cw.ids, cw.count)}; ${gone.length} replaced`
            : setText(cw.ids, cw.count),
        // A replaced worker (a restart gives a new instance id) is named; only a different number fails.
        fails: failOn.includes('workers') && bw.count !== cw.count,
      });
  }
  const bm = before.models;
  const cm = current.models;
  const modelsDiffer =
    bm.count !== cm.count ||
    bm.ids.some((id) => !cm.ids.includes(id)) ||
    cm.ids.some((id) => !bm.ids.includes(id));
  if (modelsDiffer && (bm.count > 0 || cm.count > 0))
    out.push({
      what: 'models',
      since,
      before: setText(bm.ids, bm.count),
      after: setText(cm.ids, cm.count),
      fails: failOn.includes('models'),
    });
  if (before.kvEvents !== 'unknown' && current.kvEvents !== 'unknown' && before.kvEvents !== current.kvEvents)
    out.push({
      what: 'kv-events',
      since,
      before: before.kvEvents,
      after: current.kvEvents,
      fails: failOn.includes('kv-events'),
    });
  return out;
}

function trendOf(records: readonly HistoryRecord[], current: HistoryRecord): TrendPoint[] {
  const all = [...records, current];
  return all.slice(-TREND_RUNS).map((r, i, shown) => ({
    n: all.length - shown.length + i + 1,
    time: r.time,
    run: r.run,
    result: r.result,
    failure: r.failure,
    mode: r.mode,
    p50Ms: r.latency?.p50Ms ?? null,
  }));
}

export function judgeHistory(input: JudgeInput): HistoryJudgement {
  const { current, settings } = input;
  const mine = input.earlier.filter((r) => r.subject === current.subject && r.target === current.target);
  const recent = sinceBaseline(mine);
  const mode = modeJudgement(input, recent);
  // Latency is judged within one mode: after a mode change the new mode builds its own baseline.
  const judged: Judged =
    mode.kind === 'drift' || mode.kind === 'declared'
      ? {
          kind: 'no-sample',
          why: `the mode changed from ${mode.reference}: latency is judged against runs of the same mode`,
        }
      : latencyJudgement(input, recent);
  const { baselineRuns, ...latency } = judged;
  const passing = mine.filter((r) => r.result === 'pass');
  const last = passing[passing.length - 1];
  const baselineFirst = baselineRuns?.[0] ?? recent.find((r) => r.result === 'pass');
  const changes = [
    ...(last ? changesAgainst(last, current, 'last', settings.failOnChange) : []),
    ...(baselineFirst && baselineFirst !== last
      ? changesAgainst(baselineFirst, current, 'baseline', [])
      : []),
  ];
  if (mode.kind === 'drift') for (const c of changes) if (c.what === 'mode') c.fails = true;
  const lastP50 = last?.latency?.p50Ms;
  const nowP50 = current.latency?.p50Ms;
  if (last && lastP50 != null && nowP50 != null && last.latency?.source === current.latency?.source)
    changes.push({
      what: 'latency',
      since: 'last',
      before: ms(lastP50),
      after: `${ms(nowP50)} (${(nowP50 / lastP50).toFixed(2)}×)`,
      fails: latency.kind === 'regression',
    });
  if (latency.kind === 'ok' || latency.kind === 'regression') {
    const base = latency.bound.medianMs;
    changes.push({
      what: 'latency',
      since: 'baseline',
      before: `${ms(base)} (median of ${latency.bound.runs} runs)`,
      after: `${ms(latency.medianMs)} (${latency.ratio.toFixed(2)}×)`,
      fails: latency.kind === 'regression',
    });
  }
  const failure = failureOf(input, mode, latency, baselineRuns ?? [], changes);
  const accepted = settings.acceptChange;
  return {
    subjectRuns: mine.length,
    otherSubjects: input.earlier.length - mine.length,
    mode,
    latency,
    changes,
    failure,
    accepted,
    baseline: accepted || mode.kind === 'declared',
    last: last && brief(last),
    baselineFirst: baselineFirst && brief(baselineFirst),
    trend: trendOf(mine, current),
  };
}

function brief(r: HistoryRecord): RunBrief {
  return {
    time: r.time,
    run: r.run,
    mode: r.mode,
    p50Ms: r.latency?.p50Ms ?? null,
    workers: r.workers?.count ?? null,
    kvEvents: r.kvEvents,
  };
}

function failureOf(
  input: JudgeInput,
  mode: ModeJudgement,
  latency: LatencyJudgement,
  runs: readonly HistoryRecord[],
  changes: Change[],
): HistoryJudgement['failure'] {
  if (mode.kind === 'drift')
    return {
      code: 'mode-drift',
      message: `The frontend routes ${mode.found}, but the earlier runs in the history saw ${mode.reference} (last: ${mode.referenceRun ?? 'a run outside a workflow'}). ${input.evidence} Where the mode is set: ${input.where}`,
    };
  if (latency.kind === 'regression') {
    const b = latency.bound;
    return {
      code: 'regression',
      message: `This run's median latency, ${ms(latency.medianMs)} over ${input.current.latency?.samplesMs.length ?? 0} requests (${input.current.latency?.source === 'probe' ? 'the routing probe' : 'smoke-kind chats'}), is ${latency.ratio.toFixed(2)}× the baseline's ${ms(b.medianMs)} (the median of the last ${b.runs} passing ${input.current.mode || 'check'} runs, ${runLink(runs[0])} … ${runLink(runs[runs.length - 1])}) and above its ${((1 - ALPHA) * 100).toFixed(1)}% prediction bound of ${ms(b.boundMs)}; a regression needs both, and at least ${input.settings.regressionRatio}× (\`regression-ratio\`).`,
    };
  }
  const failing = changes.filter((c) => c.fails && c.what !== 'mode' && c.what !== 'latency');
  if (failing.length)
    return {
      code: 'deployment-changed',
      message: `Since the last passing run: ${failing.map((c) => `${c.what} ${c.before} → ${c.after}`).join('; ')} (\`fail-on-change: ${input.settings.failOnChange.join(',')}\`).`,
    };
  return undefined;
}
