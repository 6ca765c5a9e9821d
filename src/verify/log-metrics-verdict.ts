// Decides whether the frontend really runs the requested router mode, from whatever evidence
// the target can give: the frontend's own per-request log lines, the router's metrics before
// and after a few requests, the running pod's spec, and (direct mode) how a request without a
// worker id is treated. Pure: the caller gathers the evidence.
//
// What moves, measured on Dynamo 1.6.1 (docs/dynamo-observed.md): router_requests_total counts
// in every mode; kv_hit_rate_count and router_overhead_total_ms_count move only in kv mode
// (approximate or not). A metric a release does not expose is "unverifiable", never a failure.
// Every 1.x release in src/releases/releases.json names the overhead histograms
// dynamo_router_overhead_* (routerOverheadPrefix); dynamo_routing_overhead_total_ms_count is read
// too, though no release recorded there uses that name.

import { isRouterMode, ROUTER_MODES, type RouterMode } from '../model/modes.js';
import { delta, type MetricTotals } from './metrics.js';

export type Verdict = 'verified' | 'contradicted' | 'unverifiable';

export const KV_ONLY_METRICS = [
  'dynamo_component_router_kv_hit_rate_count',
  'dynamo_router_overhead_total_ms_count',
  'dynamo_routing_overhead_total_ms_count',
];
export const ROUTED_METRICS = ['dynamo_component_router_requests_total', 'dynamo_frontend_requests_total'];

export interface ModeEvidence {
  /** The mode the frontend should run; undefined in a check-only run (then the mode is observed). */
  expected?: RouterMode;
  /** Requests sent between the two metric reads. */
  requests: number;
  metrics?: { before: MetricTotals; after: MetricTotals };
  metricsProblem?: string;
  /** Router modes named by the frontend's log lines for those requests. */
  logModes?: Record<string, number>;
  logProblem?: string;
  /** Direct mode: what a request without x-dynamo-worker-instance-id got. */
  plainRequestStatus?: number;
}

/** Where evidence of the mode comes from (the `mode-proven-by` output lists them). */
export type EvidenceSource = 'behaviour' | 'log' | 'metrics';

export interface Verification {
  verdict: Verdict;
  /** The mode the evidence points at ('' when it cannot tell). */
  observed: string;
  /** One or two sentences: what was seen. */
  evidence: string;
  /**
   * The modes each source allows, for combining with the routing probe (combine.ts); a source
   * that says nothing about the mode is absent. `plain`: what a request naming no worker got.
   */
  allows: { log?: RouterMode[]; metrics?: RouterMode[]; plain?: RouterMode[] };
}

/** The modes each source of the evidence allows (see Verification.allows). */
function allowedBy(e: ModeEvidence, metrics: KvMetricMovement): Verification['allows'] {
  const allows: Verification['allows'] = {};
  const logged = Object.keys(e.logModes ?? {});
  if (logged.length === 1 && isRouterMode(logged[0])) allows.log = [logged[0]];
  if (metrics.kind === 'kv') allows.metrics = ['kv'];
  if (metrics.kind === 'not-kv') allows.metrics = ROUTER_MODES.filter((m) => m !== 'kv');
  const plain = e.plainRequestStatus;
  if (plain !== undefined && plain >= 200 && plain < 300)
    allows.plain = ROUTER_MODES.filter((m) => m !== 'direct');
  if (plain !== undefined && plain >= 400 && plain < 500) allows.plain = ['direct'];
  return allows;
}

const requestCount = (n: number): string => `${n} request${n === 1 ? '' : 's'}`;

type KvMetricMovement = { kind: 'kv' | 'not-kv'; text: string } | { kind: 'none'; text: string };

/** Whether the kv-only router metrics moved over the requests (metrics.ts reads them). */
function kvMetricMovement(e: ModeEvidence): KvMetricMovement {
  if (!e.metrics) return { kind: 'none', text: e.metricsProblem ?? 'no metrics read' };
  const { before, after } = e.metrics;
  const routed = ROUTED_METRICS.map((m) => delta(before, after, m)).find((d) => d !== undefined);
  const kvMoves = KV_ONLY_METRICS.map((m) => [m, delta(before, after, m)] as const).filter(
    ([, d]) => d !== undefined,
  );
  if (kvMoves.length === 0)
    return { kind: 'none', text: 'this release exposes none of the kv router metrics' };
  if (routed !== undefined && routed <= 0)
    return { kind: 'none', text: 'the router counted none of the requests' };
  const moved = kvMoves.filter(([, d]) => (d ?? 0) > 0);
  if (moved.length > 0)
    return {
      kind: 'kv',
      text: `${moved.map(([m, d]) => `${m} +${d}`).join(', ')} over ${requestCount(e.requests)}`,
    };
  return {
    kind: 'not-kv',
    text: `${kvMoves.map(([m]) => m).join(' and ')} did not move over ${requestCount(e.requests)}`,
  };
}

function majority(counts: Record<string, number>): string {
  return Object.entries(counts).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

export function verifyMode(e: ModeEvidence): Verification {
  const metrics = kvMetricMovement(e);
  return { ...decide(e, metrics), allows: allowedBy(e, metrics) };
}

function decide(e: ModeEvidence, metrics: KvMetricMovement): Omit<Verification, 'allows'> {
  const logCounts = e.logModes ?? {};
  const logged = Object.keys(logCounts);
  const logText = logged.length
    ? `frontend log: ${Object.entries(logCounts)
        .map(([m, n]) => `${n}× router_mode=${m}`)
        .join(', ')}`
    : (e.logProblem ?? 'no frontend log available');
  const expected = e.expected;

  // Check-only run: report what the evidence shows.
  if (!expected) {
    if (logged.length === 1)
      return { verdict: 'verified', observed: logged[0], evidence: `Observed, not requested: ${logText}.` };
    if (logged.length > 1)
      return {
        verdict: 'unverifiable',
        observed: majority(logCounts),
        evidence: `Mixed modes in the ${logText}.`,
      };
    if (metrics.kind === 'kv')
      return { verdict: 'verified', observed: 'kv', evidence: `Observed kv routing: ${metrics.text}.` };
    if (metrics.kind === 'not-kv')
      return {
        verdict: 'unverifiable',
        observed: '',
        evidence: `Not kv (${metrics.text}); which non-kv mode cannot be told from metrics, and ${logText}.`,
      };
    return { verdict: 'unverifiable', observed: '', evidence: `${metrics.text}; ${logText}.` };
  }

  // Contradictions first: any single source that shows another mode fails the run.
  const others = logged.filter((m) => m !== expected);
  if (others.length > 0) {
    return {
      verdict: 'contradicted',
      observed: majority(logCounts),
      evidence: `Expected ${expected}, but the ${logText}.`,
    };
  }
  if (expected === 'kv' && metrics.kind === 'not-kv') {
    return {
      verdict: 'contradicted',
      observed: '',
      evidence: `Expected kv, but ${metrics.text}: the router is not scoring KV overlap.`,
    };
  }
  if (expected !== 'kv' && metrics.kind === 'kv') {
    return {
      verdict: 'contradicted',
      observed: 'kv',
      evidence: `Expected ${expected}, but the kv router is active: ${metrics.text}.`,
    };
  }
  if (
    expected === 'direct' &&
    e.plainRequestStatus !== undefined &&
    e.plainRequestStatus >= 200 &&
    e.plainRequestStatus < 300
  ) {
    return {
      verdict: 'contradicted',
      observed: '',
      evidence: 'Expected direct, but a request without a worker id was served: direct mode would reject it.',
    };
  }

  // Confirmations.
  if (logged.length === 1) {
    const extra = metrics.kind !== 'none' ? `; metrics agree (${metrics.text})` : '';
    return { verdict: 'verified', observed: expected, evidence: `${logText}${extra}.` };
  }
  if (expected === 'kv' && metrics.kind === 'kv')
    return { verdict: 'verified', observed: 'kv', evidence: `kv router metrics moved: ${metrics.text}.` };
  if (
    expected === 'direct' &&
    e.plainRequestStatus !== undefined &&
    e.plainRequestStatus >= 400 &&
    e.plainRequestStatus < 500
  ) {
    return {
      verdict: 'verified',
      observed: 'direct',
      evidence: `A request without a worker id was rejected (${e.plainRequestStatus}) and one naming a worker was served, as only direct mode does.`,
    };
  }
  const partial =
    metrics.kind === 'not-kv'
      ? `metrics show a non-kv router (${metrics.text}), but cannot tell ${expected} from other non-kv modes`
      : metrics.text;
  return { verdict: 'unverifiable', observed: '', evidence: `${partial}; ${logText}.` };
}
