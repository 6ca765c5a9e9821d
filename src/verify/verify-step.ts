// The step after a passing check: gather the evidence that the mode is in effect, and fold the
// verdict, the observed mode and the runtime KV-event evidence into the contract. The evidence
// code is loaded only here, off the start path of a plain check.

import type { SmokeResult } from '../check/smoke.js';
import { isRouterMode, type RouterMode } from '../modes.js';
import type { Plan } from '../plan.js';
import { failureOf, type Contract } from '../report/contract.js';
import type { RunEffects, TargetSession } from '../session.js';
import type { Settings } from '../settings.js';
import type { EvidenceWindow } from './gather.js';

/** The mode the frontend should be running once the target is open, if the run knows one. */
function expectedMode(plan: Plan, session: TargetSession): RouterMode | undefined {
  // A dry run applied nothing: the frontend still runs the mode the target read from it.
  if (session.envPatch?.dryRun) return session.mode && isRouterMode(session.mode) ? session.mode : undefined;
  if (plan.requestedMode) return plan.requestedMode;
  if (plan.expectedMode) return plan.expectedMode;
  return session.mode && isRouterMode(session.mode) ? session.mode : undefined;
}

export async function verifyInEffect(
  settings: Settings,
  plan: Plan,
  session: TargetSession,
  smoke: SmokeResult,
  contract: Contract,
  effects: RunEffects,
  window?: EvidenceWindow,
): Promise<void> {
  const { gatherEvidence } = await import('./gather.js');
  const expected = expectedMode(plan, session);
  effects.log.info(
    `Verifying the router mode${expected ? ` (${expected})` : ''}: router metrics and frontend log around the smoke chat …`,
  );
  const evidence = await gatherEvidence(
    effects.http,
    {
      baseUrl: session.baseUrl,
      model: smoke.model ?? '',
      expected,
      approximateKv: plan.approximateKv || contract.kvEvents === 'false',
      headers: settings.apiKey ? { Authorization: `Bearer ${settings.apiKey}` } : {},
      workerId: smoke.workerId,
      timeoutMs: settings.timeoutMs,
      logs: session.logs,
    },
    window,
  );
  contract.modeVerified = evidence.verdict;
  contract.modeEvidence = evidence.evidence;
  effects.log.info(`Mode ${evidence.verdict}: ${evidence.evidence}`);
  if (!expected && evidence.observed) {
    contract.mode = evidence.observed;
    contract.modeReason = `${contract.modeReason}; observed ${evidence.observed} from the frontend's own evidence`;
  }
  if (evidence.verdict === 'contradicted') {
    contract.result = 'fail';
    const observed = evidence.observed ? ` It runs ${evidence.observed}.` : '';
    contract.failure = failureOf(
      'mode-not-applied',
      `The frontend does not run the ${expected} router mode. ${evidence.evidence}${observed}`,
    );
  } else if (evidence.verdict === 'unverifiable') {
    contract.limitations.push(`The ${expected ?? 'router'} mode could not be proven: ${evidence.evidence}`);
  }
  const kv = evidence.kvEvents;
  if (kv && (contract.kvEvents === 'unknown' || contract.kvEvents !== kv.value)) {
    contract.kvEvents = kv.value;
    contract.kvEventsReason = `runtime evidence: ${kv.reason}`;
  }
  if (expected === 'kv' && kv?.value === 'false' && !plan.approximateKv) {
    const change =
      plan.target === 'kubernetes'
        ? 'set `kv-events: false` (adds DYN_ROUTER_USE_KV_EVENTS=false on the frontend)'
        : 'set `kv-events: false` (the frontend then runs with --no-router-kv-events)';
    contract.limitations.push(
      `kv mode runs over workers that publish no KV events, so the router routes on load alone and finds no cache overlap. Either enable KV events on the workers (vLLM/SGLang --kv-events-config, TensorRT-LLM --publish-events-and-metrics) or ${change} for approximate KV mode.`,
    );
  }
}
