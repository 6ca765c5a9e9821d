// The canary's part of a run, kept beside run.ts: `expect-mode`, `require-verified` and the
// history's mode held against what the target and the evidence found; the latency sample for the
// history; and, after the run, the judgement against the earlier runs and the new record. Each
// step returns what it found; build-contract.ts puts it into the Contract.

import { buildContract, decidingFailure } from '../build-contract.js';
import type { Routing } from '../model/routing.js';
import type { Assertions, HistoryOutcome, RunResults } from '../run-results.js';
import type { Logger, RunEffects, TargetSession } from '../session.js';
import type { Settings } from '../settings/settings.js';
import { judgeExpectation, unverifiedFailure, whereModeIsSet } from './expectation.js';
import type { OpenedHistory, RunFindings } from './history-step.js';

/** The history module, loaded only when `history` is set. */
export const historyStep = () => import('./history-step.js');

/**
 * `expect-mode`, `require-verified` and the history's mode against what the target and the
 * evidence found; undefined when the run failed otherwise first (a contradiction of an asserted
 * mode arrives as mode-not-applied, and becomes mode-drift here).
 */
export function checkAssertions(
  r: RunResults,
  session: TargetSession,
  history: OpenedHistory | undefined,
): Assertions | undefined {
  const { failure, pass } = decidingFailure(r);
  if (!pass && failure?.code !== 'mode-not-applied') return undefined;
  const { settings, plan } = r;
  const expectation = judgeExpectation({
    expectMode: settings.expectMode,
    target: plan.target,
    sessionMode: session.mode,
    modeSetAt: session.modeSetAt,
    command: buildContract(r).command,
    outcome: r.verified,
    reference: history?.reference,
    planOnly: Boolean(session.planOnly),
    requestedMode: settings.mode,
    envPatch: session.envPatch,
    recipeWritten: Boolean(settings.kubernetes?.writeRecipe && session.envPatch?.changed),
  });
  // `require-verified` reads the run as the expectation leaves it.
  const unverified = settings.requireVerified
    ? unverifiedFailure(buildContract({ ...r, assertions: { expectation } }))
    : undefined;
  return { expectation, ...(unverified ? { unverified } : {}) };
}

/** What the latency sample works from: the run's target, and what its check and probe found. */
export interface SampleInput {
  settings: Settings;
  session: TargetSession;
  /** The routing probe's data, when it ran. */
  routing?: Routing;
  /** The model the smoke check used. */
  model: string;
  /** The worker the smoke chat named (direct mode). */
  workerId?: string;
  effects: RunEffects;
}

/**
 * The latency sample and the workers for the history record: the routing probe's when it ran and
 * named the workers, else a few smoke-kind chats (bounded) and GET /health's workers.
 */
export async function sampleForHistory(input: SampleInput): Promise<Pick<RunFindings, 'sample' | 'workers'>> {
  const { settings, session, routing, effects } = input;
  const { probeLatency, probeWorkers } = await import('./probe-sample.js');
  const fromProbe = probeLatency(routing);
  const p = (v: number | null): string => (v === null ? 'n/a' : `${Math.round(v)} ms`);
  if (fromProbe) {
    effects.log.info(
      `Latency sample: the routing probe's ${fromProbe.samplesMs.length} complete requests; p50 ${p(fromProbe.p50Ms)}, p90 ${p(fromProbe.p90Ms)}`,
    );
    return { sample: fromProbe, workers: probeWorkers(routing) };
  }
  const { sampleLatency, listedWorkers } = await import('../check/latency-sample.js');
  const headers: Record<string, string> = settings.apiKey
    ? { Authorization: `Bearer ${settings.apiKey}` }
    : {};
  const sample = await sampleLatency(effects.http, {
    baseUrl: session.baseUrl,
    model: input.model,
    prompt: settings.prompt,
    maxTokens: settings.maxTokens,
    timeoutMs: settings.timeoutMs,
    headers,
    workerId: input.workerId,
  });
  effects.log.info(
    `Latency sample (${sample.requests} smoke-kind chats, no routing probe to take it from): ${sample.samplesMs.length} ok, ${sample.errors} failed; p50 ${p(sample.p50Ms)}, p90 ${p(sample.p90Ms)}`,
  );
  const ids = await listedWorkers(effects.http, session.baseUrl, headers, settings.timeoutMs);
  return { sample, workers: ids.length ? { ids, count: ids.length, source: 'health' } : undefined };
}

/** What the history step works from: the run's results, the file opened before it, what it found. */
export interface HistoryInput {
  results: RunResults;
  opened: OpenedHistory;
  found: Pick<RunFindings, 'sample' | 'workers'>;
  log: Logger;
}

/**
 * Judges the run, as its other phases leave it, against the history, and adds its record; the
 * write is reported, never thrown.
 */
export async function concludeHistory({
  results,
  opened,
  found,
  log,
}: HistoryInput): Promise<HistoryOutcome> {
  const step = await historyStep();
  const { settings, plan, session } = results;
  const sofar = buildContract(results);
  const record = step.recordOf(sofar, opened, {
    ...found,
    provenBy: results.verified?.provenBy ?? [],
    now: new Date(),
    env: process.env,
  });
  const where = whereModeIsSet(plan.target, session?.modeSetAt, sofar.command);
  const judgement = step.judgeRun(
    opened,
    record,
    settings.mode ?? settings.expectMode,
    where,
    sofar.modeEvidence,
  );
  const report = step.historyReport(opened, judgement, found.sample);
  // The record says how the run ends with the history's word in it.
  const judged = buildContract({ ...results, history: { kind: 'judged', judgement, report } });
  record.result = judged.result;
  record.failure = judged.failure?.code ?? null;
  record.baseline = judged.history?.baseline ?? false;
  const outcome = step.writeRecord(opened, record);
  if (outcome.written)
    log.info(
      `History ${opened.read.file.input}: this run's record added (${outcome.written.lines} lines${outcome.written.dropped ? `, the oldest ${outcome.written.dropped} dropped` : ''}).`,
    );
  else log.warning(`History ${opened.read.file.input}: ${outcome.notWritten}`);
  return { kind: 'judged', judgement, report, ...outcome };
}
