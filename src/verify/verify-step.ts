// The step after a passing check: gather the evidence that the mode is in effect and say what it
// means for the run (a verdict, a failure, limitations, the runtime KV-event evidence). It returns
// that; `fold.ts` writes it into the Contract. The evidence code is loaded only here, off the
// start path of a plain check.

import type { SmokeResult } from '../check/smoke.js';
import { isRouterMode, type RouterMode } from '../modes.js';
import type { KvEventsVerdict, Plan } from '../plan.js';
import type { RunEffects, TargetSession } from '../session.js';
import type { Settings } from '../settings.js';
import type { Evidence, EvidenceWindow, KvEventsEvidence } from './gather.js';

/** What verification found, for the Contract. */
export interface VerifyOutcome {
  verdict: Evidence['verdict'];
  evidence: string;
  /** The mode the evidence shows, when the run expected none (a check-only run). */
  observed?: string;
  /** `mode-not-applied`, when the evidence contradicts the expected mode. */
  failure?: { code: 'mode-not-applied'; message: string };
  /** The mode the evidence was held against, and who expected it. */
  expected?: RouterMode;
  expectedFrom?: ExpectedFrom;
  limitations: string[];
  /** What the router's metrics say about KV events, when it differs from what the run knew. */
  kvEvents?: KvEventsEvidence;
}

/** Who expects the mode the evidence is held against. */
export type ExpectedFrom = 'mode' | 'expect-mode' | 'launch' | 'target' | 'history';

/** A mode the run asserts without applying it: `expect-mode`, else the history's recent runs. */
export interface Assertion {
  mode: RouterMode;
  from: 'expect-mode' | 'history';
}

/** The mode the frontend should be running once the target is open, if the run knows one. */
export function expectedMode(
  plan: Plan,
  session: TargetSession,
  assertion?: Assertion,
): { mode: RouterMode; from: ExpectedFrom } | undefined {
  const asserted = assertion?.from === 'expect-mode' ? assertion : undefined;
  const found: RouterMode | undefined = session.mode && isRouterMode(session.mode) ? session.mode : undefined;
  // A dry run applied nothing: the frontend still runs the mode the target read from it.
  if (session.envPatch?.dryRun) {
    if (asserted) return asserted;
    return found ? { mode: found, from: 'target' } : undefined;
  }
  if (plan.requestedMode) return { mode: plan.requestedMode, from: 'mode' };
  if (asserted) return asserted;
  if (plan.expectedMode) return { mode: plan.expectedMode, from: 'launch' };
  if (found) return { mode: found, from: 'target' };
  return assertion;
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
  assertion?: Assertion,
): Promise<VerifyOutcome> {
  const { gatherEvidence } = await import('./gather.js');
  const expectation = expectedMode(plan, session, assertion);
  const expected = expectation?.mode;
  effects.log.info(
    `Verifying the router mode${expected ? ` (${expected})` : ''}: router metrics and frontend log around the smoke chat …`,
  );
  const evidence = await gatherEvidence(
    effects.http,
    {
      baseUrl: session.baseUrl,
      model: smoke.model ?? '',
      expected,
      approximateKv: plan.approximateKv || kvEvents === 'false',
      headers: settings.apiKey ? { Authorization: `Bearer ${settings.apiKey}` } : {},
      workerId: smoke.workerId,
      timeoutMs: settings.timeoutMs,
      logs: session.logs,
    },
    window,
  );
  effects.log.info(`Mode ${evidence.verdict}: ${evidence.evidence}`);
  const outcome: VerifyOutcome = {
    verdict: evidence.verdict,
    evidence: evidence.evidence,
    limitations: [],
    expected,
    expectedFrom: expectation?.from,
  };
  if (!expected && evidence.observed) outcome.observed = evidence.observed;
  // An asserted mode was not applied by the run: what the evidence shows is the mode found.
  const asserted = expectation?.from === 'expect-mode' || expectation?.from === 'history';
  if (asserted && evidence.verdict === 'verified') outcome.observed = expected;
  else if (asserted && evidence.observed) outcome.observed = evidence.observed;
  if (evidence.verdict === 'contradicted') {
    const observed = evidence.observed ? ` It runs ${evidence.observed}.` : '';
    outcome.failure = {
      code: 'mode-not-applied',
      message: `The frontend does not run the ${expected} router mode. ${evidence.evidence}${observed}`,
    };
  } else if (evidence.verdict === 'unverifiable') {
    outcome.limitations.push(`The ${expected ?? 'router'} mode could not be proven: ${evidence.evidence}`);
  }
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
