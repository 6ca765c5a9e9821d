// The step after a passing check: gather the evidence that the mode is in effect (the routing
// probe, the router's metrics and the frontend's log around the smoke chat) and say what it means
// for the run (a verdict and what it rests on, a failure, limitations, the runtime KV-event
// evidence, the routing data). It returns that; build-contract.ts puts it into the Contract. The
// evidence code is loaded only here, off the start path of a plain check.

import type { FailureCause } from '../model/failure.js';
import { limitation, type Limitation } from '../model/findings.js';
import type { SmokeResult } from '../check/smoke.js';
import { isRouterMode, ROUTER_MODES, type RouterMode } from '../model/modes.js';
import type { KvEventsVerdict } from '../model/contract.js';
import type { Plan } from '../plan.js';
import type { DynamoRelease } from '../releases/capabilities.js';
import type { Routing } from '../model/routing.js';
import type { RunEffects, TargetSession } from '../session.js';
import type { Settings } from '../settings/settings.js';
import type { Evidence, EvidenceWindow, GatherOptions, KvEventsEvidence } from './gather.js';
import type { ProbeFindings } from './probe/probe-step.js';
import type { ReplicaJudgement } from './prove-replicas.js';
import type { EvidenceSource } from './log-metrics-verdict.js';

/** What verification found, for the Contract. */
export interface VerifyOutcome {
  verdict: Evidence['verdict'];
  evidence: string;
  /** The sources the verdict rests on (`mode-proven-by`). */
  provenBy: EvidenceSource[];
  /** The mode the evidence shows, when the run expected none (a check-only run). */
  observed?: string;
  /** `mode-not-applied` when the evidence contradicts the mode; `replica-mismatch` when replicas differ. */
  failure?: {
    code: 'mode-not-applied' | 'replica-mismatch';
    message: string;
    next?: string;
    cause?: FailureCause;
  };
  /** The mode the evidence was held against, and who expected it. */
  expected?: RouterMode;
  expectedFrom?: ExpectedFrom;
  limitations: Limitation[];
  /** What the router's metrics say about KV events, when it differs from what the run knew. */
  kvEvents?: KvEventsEvidence;
  /** Which worker served each probe request, and the pattern (the `routing` output). */
  routing?: Routing;
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
 * Launched or by URL the action does not control the workers, and from Dynamo 1.5 a worker can
 * set the mode for its worker set: name that as the likely cause of a contradiction.
 */
function advertisementHint(
  plan: Plan,
  release: DynamoRelease | undefined,
  observed: string,
): { text: string; next: string } | undefined {
  if (plan.target === 'kubernetes') return undefined;
  const series = release?.series;
  if (series && !series.workerRouterAdvertisement) return undefined;
  const mode = observed || '<mode>';
  const cause =
    plan.target === 'launch'
      ? 'The action launched this frontend with --router-mode itself, so the likely cause is the workers:'
      : 'The frontend may have been started with another mode, or its workers set one:';
  return {
    text: `${cause} from Dynamo 1.5 a worker started with --router-mode or DYN_ROUTER_MODE advertises that mode in its model card, and the frontend routes that worker set in it (worker advertisement). Look for "Advertising router mode '${mode}' in the model card" in the worker logs; the frontend then logs router_mode="${mode}" for each request.`,
    next: `remove --router-mode / DYN_ROUTER_MODE from the workers (their logs say "Advertising router mode '${mode}' in the model card"), or ask for the mode they advertise`,
  };
}

/** What verification works from: the run so far. */
export interface VerifyInput {
  settings: Settings;
  plan: Plan;
  session: TargetSession;
  smoke: SmokeResult;
  /**
   * The run's KV-event verdict so far (the plan's, or the target's from the worker specs):
   * `false` makes kv evidence read as approximate mode.
   */
  kvEvents: KvEventsVerdict;
  effects: RunEffects;
  /** The evidence window opened before the smoke chat, when one was. */
  window?: EvidenceWindow;
  /** The frontend's release (the target's, else the launch interpreter's). */
  release?: DynamoRelease;
  /** A mode the run asserts without applying it (`expect-mode`, the history's). */
  assertion?: Assertion;
}

export async function verifyInEffect(input: VerifyInput): Promise<VerifyOutcome> {
  const { settings, plan, session, smoke, kvEvents, effects, window, assertion } = input;
  const release = input.release ?? session.release;
  const { gatherEvidence } = await import('./gather.js');
  const { prepareProbe } = await import('./probe/probe-step.js');
  const { combineEvidence } = await import('./combine.js');
  const { probeHotspot } = await import('./probe/balance.js');
  const expectation = expectedMode(plan, session, assertion);
  const expected = expectation?.mode;
  const headers: Record<string, string> = settings.apiKey
    ? { Authorization: `Bearer ${settings.apiKey}` }
    : {};
  const model = smoke.model ?? '';
  const available: RouterMode[] = release?.series
    ? release.series.routerModes.filter(isRouterMode)
    : [...ROUTER_MODES];
  effects.log.info(
    `Verifying the router mode${expected ? ` (${expected})` : ''}: which worker serves each request, router metrics and frontend log …`,
  );
  const probe = prepareProbe({
    size: settings.probeRequests,
    expected,
    model,
    session,
    release,
    http: effects.http,
    log: effects.log,
    headers,
    timeoutMs: settings.timeoutMs,
    available,
    transportFor: effects.probeTransport,
  });
  const gather: Omit<GatherOptions, 'baseUrl' | 'logs'> = {
    model,
    expected,
    approximateKv: plan.approximateKv || kvEvents === 'false',
    headers,
    workerId: smoke.workerId,
    timeoutMs: settings.timeoutMs,
  };
  // More than one replica: the Service reaches any of them, so the probe goes to each replica in
  // its own evidence window instead of through the Service.
  const replicas = session.replicas ?? [];
  const evidence = await gatherEvidence(
    effects.http,
    {
      ...gather,
      baseUrl: session.baseUrl,
      logs: session.logs,
      smokeRequests: smoke.checks.find((c) => c.name === 'chat')?.attempts,
    },
    window,
    replicas.length > 1 ? undefined : probe.during,
  );
  let findings: ProbeFindings;
  let judged: ReplicaJudgement | undefined;
  if (replicas.length > 1) {
    const { judgeReplicas, proveReplicas } = await import('./prove-replicas.js');
    effects.log.info(`Proving the mode on each of ${replicas.length} frontend replicas in turn …`);
    const proven = await proveReplicas(
      effects.http,
      replicas,
      gather,
      {
        logsOf: session.replicaLogs?.bind(session),
        probeAt: probe.at,
        available,
        retries: { attempts: settings.retries, firstDelayMs: settings.retryDelayMs },
      },
      (line) => effects.log.info(line),
    );
    findings = probe.finishReplicas(proven);
    judged = judgeReplicas(proven, expected);
  } else findings = await probe.finish(evidence.traffic);
  const combined = combineEvidence(expected, evidence, findings.analysis, available);
  effects.log.info(
    `Mode ${combined.verdict}${combined.provenBy.length ? ` (${combined.provenBy.join(', ')})` : ''}: ${combined.evidence}`,
  );
  const outcome: VerifyOutcome = {
    verdict: combined.verdict,
    evidence: combined.evidence,
    provenBy: combined.provenBy,
    limitations: [...findings.limitations],
    routing: findings.routing,
    expected,
    expectedFrom: expectation?.from,
  };
  if (!expected && combined.observed) outcome.observed = combined.observed;
  // An asserted mode was not applied by the run: what the evidence shows is the mode found.
  const asserted = expectation?.from === 'expect-mode' || expectation?.from === 'history';
  if (asserted && combined.verdict === 'verified') outcome.observed = expected;
  else if (asserted && combined.observed) outcome.observed = combined.observed;
  if (judged) {
    if (judged.evidence) outcome.evidence = `${outcome.evidence} ${judged.evidence}`;
    // A contradiction on any replica wins; proven on every replica proves the frontend.
    if (
      judged.verdict === 'contradicted' ||
      (judged.verdict === 'verified' && outcome.verdict !== 'contradicted')
    ) {
      outcome.verdict = judged.verdict;
      outcome.provenBy = judged.provenBy;
    }
    outcome.limitations.push(...judged.limitations);
  }
  // Replicas that disagree name the pods; otherwise the frontend's own contradiction stands.
  if (
    judged?.failure &&
    (judged.failure.code === 'replica-mismatch' || combined.verdict !== 'contradicted')
  ) {
    outcome.failure = judged.failure;
  } else if (combined.verdict === 'contradicted') {
    const observed = combined.observed ? ` It runs ${combined.observed}.` : '';
    const hint = advertisementHint(plan, release, combined.observed);
    // "Not kv" from a spread prefix alone: a kv router that routes on load alone spreads it too.
    const kvAlone =
      expected === 'kv' && findings.analysis?.softContradiction && combined.provenBy.join() === 'behaviour'
        ? ' A kv router over workers that publish no KV events (outside approximate mode), with a router temperature above 0 or an overlap credit of 0 spreads one prefix too: check `kv-events` and the router settings.'
        : '';
    outcome.failure = {
      code: 'mode-not-applied',
      message: `The frontend does not run the ${expected} router mode. ${combined.evidence}${observed}${kvAlone}${hint ? ` ${hint.text}` : ''}`,
      next: hint?.next,
    };
  } else if (outcome.verdict === 'unverifiable') {
    outcome.limitations.push(
      limitation(
        'mode-unproven',
        `The ${expected ?? 'router'} mode could not be proven: ${combined.evidence}`,
      ),
    );
  }
  if (combined.kvSpread)
    outcome.limitations.push(
      limitation(
        'kv-spread',
        `The kv router is active (its metrics moved), yet ${combined.kvSpread}: it did not keep one prefix on one worker. Workers that publish no KV events (kv-events), a router temperature above 0 or an overlap credit of 0 make kv route on load alone.`,
      ),
    );
  const probed = findings.analysis;
  if (probed) {
    const hotspot = probeHotspot(probed, combined.observed || expected);
    if (hotspot) outcome.limitations.push(hotspot);
  }
  const kv = evidence.kvEvents;
  if (kv && (kvEvents === 'unknown' || kvEvents !== kv.value)) outcome.kvEvents = kv;
  if (expected === 'kv' && kv?.value === 'false' && !plan.approximateKv) {
    const change =
      plan.target === 'kubernetes'
        ? 'set `kv-events: false` (adds DYN_ROUTER_USE_KV_EVENTS=false on the frontend)'
        : 'set `kv-events: false` (the frontend then runs with --no-router-kv-events)';
    outcome.limitations.push(
      limitation(
        'kv-events-missing',
        `kv mode runs over workers that publish no KV events, so the router routes on load alone and finds no cache overlap. Either enable KV events on the workers (vLLM/SGLang --kv-events-config, TensorRT-LLM --publish-kv-events, or --publish-events-and-metrics before Dynamo 1.3) or ${change} for approximate KV mode.`,
      ),
    );
  }
  return outcome;
}
