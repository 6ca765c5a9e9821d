// The canary's part of a run, kept beside run.ts: `expect-mode`, `require-verified` and the
// history's mode held against what the target and the evidence found; the latency sample for the
// history; and, after the run, the judgement against the earlier runs and the new record. Each
// step returns what it found and fold.ts writes it into the Contract.

import { foldExpectation, foldHistory, foldHistoryWrite, foldUnverified } from '../build-contract.js';
import type { Plan } from '../plan.js';
import type { Contract } from '../model/contract.js';
import type { Logger, RunEffects, TargetSession } from '../session.js';
import type { Settings } from '../settings/settings.js';
import type { VerifyOutcome } from '../verify/verify-step.js';
import { judgeExpectation, unverifiedFailure, whereModeIsSet } from './expectation.js';
import type { OpenedHistory, RunFindings } from './history-step.js';

/** The history module, loaded only when `history` is set. */
export const historyStep = () => import('./history-step.js');

/** `expect-mode`, `require-verified` and the history's mode against what the target and the evidence found. */
export function foldAssertions(
  contract: Contract,
  settings: Settings,
  plan: Plan,
  session: TargetSession,
  outcome: VerifyOutcome | undefined,
  history: OpenedHistory | undefined,
): void {
  // A contradiction of an asserted mode arrives as mode-not-applied; it becomes mode-drift here.
  if (contract.result !== 'pass' && contract.failure?.code !== 'mode-not-applied') return;
  foldExpectation(
    contract,
    judgeExpectation({
      expectMode: settings.expectMode,
      target: plan.target,
      sessionMode: session.mode,
      modeReason: session.modeReason,
      command: contract.command,
      outcome,
      reference: history?.reference,
      planOnly: Boolean(session.planOnly),
      requestedMode: settings.mode,
      envPatch: session.envPatch,
      recipeWritten: Boolean(settings.kubernetes?.writeRecipe && session.envPatch?.changed),
    }),
  );
  if (settings.requireVerified) foldUnverified(contract, unverifiedFailure(contract));
}

/**
 * The latency sample and the workers for the history record: the routing probe's when it ran and
 * named the workers, else a few smoke-kind chats (bounded) and GET /health's workers.
 */
export async function sampleForHistory(
  settings: Settings,
  session: TargetSession,
  contract: Contract,
  workerId: string | undefined,
  effects: RunEffects,
): Promise<Pick<RunFindings, 'sample' | 'workers'>> {
  const { probeLatency, probeWorkers } = await import('./probe-sample.js');
  const fromProbe = probeLatency(contract.routing);
  const p = (v: number | null): string => (v === null ? 'n/a' : `${Math.round(v)} ms`);
  if (fromProbe) {
    effects.log.info(
      `Latency sample: the routing probe's ${fromProbe.samplesMs.length} complete requests; p50 ${p(fromProbe.p50Ms)}, p90 ${p(fromProbe.p90Ms)}`,
    );
    return { sample: fromProbe, workers: probeWorkers(contract.routing) };
  }
  const { sampleLatency, listedWorkers } = await import('../check/latency-sample.js');
  const headers: Record<string, string> = settings.apiKey
    ? { Authorization: `Bearer ${settings.apiKey}` }
    : {};
  const sample = await sampleLatency(effects.http, {
    baseUrl: session.baseUrl,
    model: contract.model,
    prompt: settings.prompt,
    maxTokens: settings.maxTokens,
    timeoutMs: settings.timeoutMs,
    headers,
    workerId,
  });
  effects.log.info(
    `Latency sample (${sample.requests} smoke-kind chats, no routing probe to take it from): ${sample.samplesMs.length} ok, ${sample.errors} failed; p50 ${p(sample.p50Ms)}, p90 ${p(sample.p90Ms)}`,
  );
  const ids = await listedWorkers(effects.http, session.baseUrl, headers, settings.timeoutMs);
  return { sample, workers: ids.length ? { ids, count: ids.length, source: 'health' } : undefined };
}

/** Judges the run against the history and adds its record; never throws (the write is reported). */
export async function concludeHistory(
  contract: Contract,
  settings: Settings,
  plan: Plan,
  session: TargetSession | undefined,
  opened: OpenedHistory,
  found: Pick<RunFindings, 'sample' | 'workers'>,
  log: Logger,
): Promise<void> {
  const step = await historyStep();
  const record = step.recordOf(contract, opened, {
    ...found,
    provenBy: (contract.modeProvenBy ?? '').split(',').filter(Boolean),
    now: new Date(),
    env: process.env,
  });
  const where = whereModeIsSet(plan.target, session?.modeReason, contract.command);
  const judgement = step.judgeRun(
    opened,
    record,
    settings.mode ?? settings.expectMode,
    where,
    contract.modeEvidence,
  );
  foldHistory(contract, judgement, step.historyReport(opened, judgement, found.sample));
  record.result = contract.result;
  record.failure = contract.failure?.code ?? null;
  record.baseline = contract.history?.baseline ?? false;
  const outcome = step.writeRecord(opened, record);
  foldHistoryWrite(contract, outcome);
  if (outcome.written)
    log.info(
      `History ${opened.read.file.input}: this run's record added (${outcome.written.lines} lines${outcome.written.dropped ? `, the oldest ${outcome.written.dropped} dropped` : ''}).`,
    );
  else log.warning(`History ${opened.read.file.input}: ${outcome.notWritten}`);
}
