// The step after a passing check: gather the evidence that the mode is in effect and say what it
// means for the run (a verdict, a failure, limitations, the runtime KV-event evidence). It returns
// that; `fold.ts` writes it into the Contract. The evidence code is loaded only here, off the
// start path of a plain check.

import type { SmokeResult } from '../check/smoke.js';
import { isRouterMode, type RouterMode } from '../modes.js';
import type { KvEventsVerdict, Plan } from '../plan.js';
import type { RunEffects, TargetSession } from '../session.js';
import type { Settings } from '../settings.js';
import type { Evidence, EvidenceWindow, GatherOptions, KvEventsEvidence } from './gather.js';

/** What verification found, for the Contract. */
export interface VerifyOutcome {
  verdict: Evidence['verdict'];
  evidence: string;
  /** The mode the evidence shows, when the run expected none (a check-only run). */
  observed?: string;
  /**
   * `mode-not-applied`, when the evidence contradicts the expected mode; `replica-mismatch`, when
   * some frontend replicas run it and others do not.
   */
  failure?: { code: 'mode-not-applied' | 'replica-mismatch'; message: string };
  limitations: string[];
  /** What the router's metrics say about KV events, when it differs from what the run knew. */
  kvEvents?: KvEventsEvidence;
}

/** The mode the frontend should be running once the target is open, if the run knows one. */
function expectedMode(plan: Plan, session: TargetSession): RouterMode | undefined {
  // A dry run applied nothing: the frontend still runs the mode the target read from it.
  if (session.envPatch?.dryRun) return session.mode && isRouterMode(session.mode) ? session.mode : undefined;
  if (plan.requestedMode) return plan.requestedMode;
  if (plan.expectedMode) return plan.expectedMode;
  return session.mode && isRouterMode(session.mode) ? session.mode : undefined;
}

/**
 * `kvEvents` is the run's KV-event verdict so far (the plan's, or the target's from the worker
 * specs): `false` makes kv evidence read as approximate mode.
 */
export async function verifyInEffect(
  settings: Settings,
  plan: Plan,
  session: TargetSession,
  smoke: SmokeResult,
  kvEvents: KvEventsVerdict,
  effects: RunEffects,
  window?: EvidenceWindow,
): Promise<VerifyOutcome> {
  const { gatherEvidence } = await import('./gather.js');
  const expected = expectedMode(plan, session);
  effects.log.info(
    `Verifying the router mode${expected ? ` (${expected})` : ''}: router metrics and frontend log around the smoke chat …`,
  );
  const gather: Omit<GatherOptions, 'baseUrl' | 'logs'> = {
    model: smoke.model ?? '',
    expected,
    approximateKv: plan.approximateKv || kvEvents === 'false',
    headers: settings.apiKey ? { Authorization: `Bearer ${settings.apiKey}` } : {},
    workerId: smoke.workerId,
    timeoutMs: settings.timeoutMs,
  };
  const evidence = await gatherEvidence(
    effects.http,
    { ...gather, baseUrl: session.baseUrl, logs: session.logs },
    window,
  );
  effects.log.info(`Mode ${evidence.verdict}: ${evidence.evidence}`);
  const outcome: VerifyOutcome = { verdict: evidence.verdict, evidence: evidence.evidence, limitations: [] };
  if (!expected && evidence.observed) outcome.observed = evidence.observed;
  if (evidence.verdict === 'contradicted') {
    const observed = evidence.observed ? ` It runs ${evidence.observed}.` : '';
    outcome.failure = {
      code: 'mode-not-applied',
      message: `The frontend does not run the ${expected} router mode. ${evidence.evidence}${observed}`,
    };
  }
  // More than one replica: the Service proved one of them; prove each on its own.
  const replicas = session.replicas ?? [];
  if (expected && replicas.length > 1) {
    const { judgeReplicas, proveReplicas } = await import('./replicas.js');
    effects.log.info(
      `Proving the ${expected} mode on each of ${replicas.length} frontend replicas in turn …`,
    );
    const findings = await proveReplicas(
      effects.http,
      replicas,
      { ...gather, expected },
      session.replicaLogs?.bind(session),
      (line) => effects.log.info(line),
    );
    const judged = judgeReplicas(findings, expected);
    if (judged.evidence) outcome.evidence = `${outcome.evidence} ${judged.evidence}`;
    // A contradiction on any replica wins; proven on every replica proves the frontend.
    if (
      judged.verdict === 'contradicted' ||
      (judged.verdict === 'verified' && outcome.verdict !== 'contradicted')
    )
      outcome.verdict = judged.verdict;
    // Replicas that disagree name the pods; the frontend's own contradiction otherwise stands.
    if (judged.failure && (judged.failure.code === 'replica-mismatch' || !outcome.failure))
      outcome.failure = judged.failure;
    outcome.limitations.push(...judged.limitations);
  }
  if (outcome.verdict === 'unverifiable')
    outcome.limitations.unshift(`The ${expected ?? 'router'} mode could not be proven: ${evidence.evidence}`);
  const kv = evidence.kvEvents;
  if (kv && (kvEvents === 'unknown' || kvEvents !== kv.value)) outcome.kvEvents = kv;
  if (expected === 'kv' && kv?.value === 'false' && !plan.approximateKv) {
    const change =
      plan.target === 'kubernetes'
        ? 'set `kv-events: false` (adds DYN_ROUTER_USE_KV_EVENTS=false on the frontend)'
        : 'set `kv-events: false` (the frontend then runs with --no-router-kv-events)';
    outcome.limitations.push(
      `kv mode runs over workers that publish no KV events, so the router routes on load alone and finds no cache overlap. Either enable KV events on the workers (vLLM/SGLang --kv-events-config, TensorRT-LLM --publish-events-and-metrics) or ${change} for approximate KV mode.`,
    );
  }
  return outcome;
}
