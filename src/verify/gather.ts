// Gathers the evidence that the mode is in effect: metrics before and after a few requests,
// the frontend's log lines for those requests, and in direct mode the fate of a request that
// names no worker. Then decides (log-metrics-verdict.ts) and reads what the metrics say about KV events.

import { directWorkerHeaders } from '../check/direct-worker.js';
import type { HttpClient } from '../check/http.js';
import { sleep } from '../check/retry.js';
import type { RouterMode } from '../model/modes.js';
import type { KvEventsVerdict } from '../model/contract.js';
import type { LogSource } from '../session.js';
import { routerModesInLog } from './logs.js';
import { delta, readMetrics, type MetricTotals, type MetricsRead } from './metrics.js';
import {
  modelTotal,
  REQUESTS_TOTAL,
  settled,
  trafficBetween,
  type TrafficEvidence,
} from './probe/traffic.js';
import { KV_ONLY_METRICS, ROUTED_METRICS, verifyMode, type Verification } from './log-metrics-verdict.js';

export interface GatherOptions {
  baseUrl: string;
  model: string;
  expected?: RouterMode;
  approximateKv: boolean;
  headers: Record<string, string>;
  /** Direct mode: the worker every verification request names. */
  workerId?: string;
  timeoutMs: number;
  requests?: number;
  logs?: LogSource;
  /** Requests the smoke check sent inside the window (its chat attempts). Default 1. */
  smokeRequests?: number;
}

export interface KvEventsEvidence {
  value: KvEventsVerdict;
  reason: string;
}

export interface Evidence extends Verification {
  kvEvents?: KvEventsEvidence;
  /** Whether other traffic reached the frontend inside the window (set when a probe ran in it). */
  traffic?: TrafficEvidence;
}

/** Runs inside the evidence window, after the smoke chat; returns how many requests it sent. */
export type DuringWindow = () => Promise<number>;

const MISMATCH = 'dynamo_component_router_kv_event_source_mismatch_workers';
const EVENTS_APPLIED = 'dynamo_component_kv_cache_events_applied';

/** Every series of the router's that the evidence reads. */
export const ROUTER_SERIES = [...ROUTED_METRICS, ...KV_ONLY_METRICS, MISMATCH, EVENTS_APPLIED];

/**
 * Why metrics cannot prove the mode when neither scrape carries any of the router's series: a
 * release that names them differently, or a gateway in front that serves its own metrics.
 */
export function noRouterSeries(before: MetricTotals, after: MetricTotals): string | undefined {
  if (ROUTER_SERIES.some((name) => before.has(name) || after.has(name))) return undefined;
  const seen = new Set([...before.keys(), ...after.keys()]).size;
  const looked = [...ROUTED_METRICS, ...KV_ONLY_METRICS].join(', ');
  return `GET /metrics answered with ${seen} series but none of the router's (${looked}): a release that names them differently, or a gateway's own metrics, so metrics cannot show the mode`;
}

/** Runtime evidence of worker KV events, from the router's own metrics (kv mode only). */
export function kvEventsFromMetrics(
  before: MetricTotals,
  after: MetricTotals,
  approximateKv: boolean,
): KvEventsEvidence | undefined {
  const mismatch = after.get(MISMATCH);
  if (mismatch !== undefined && mismatch > 0) {
    return {
      value: 'false',
      reason: `the router reports ${mismatch} worker(s) that publish no KV events (${MISMATCH} = ${mismatch})`,
    };
  }
  // Approximate mode counts its own predictions as applied events: no proof of publishers.
  if (approximateKv) return undefined;
  const applied = delta(before, after, EVENTS_APPLIED);
  // Releases before 1.4 have no mismatch gauge: events that arrived still prove publishers.
  if (mismatch !== undefined && mismatch > 0) return undefined;
  if (applied !== undefined && applied > 0) {
    return {
      value: 'true',
      reason:
        mismatch === 0
          ? `KV events reached the router (${EVENTS_APPLIED} +${applied}) and no worker is missing a publisher`
          : `KV events reached the router (${EVENTS_APPLIED} +${applied})`,
    };
  }
  if (mismatch === 0)
    return {
      value: 'true',
      reason: `the router reports no worker without a KV event publisher (${MISMATCH} = 0)`,
    };
  return undefined;
}

async function chatOnce(
  http: HttpClient,
  o: GatherOptions,
  headers: Record<string, string>,
  i: number,
): Promise<number> {
  try {
    const response = await http.request({
      method: 'POST',
      url: `${o.baseUrl}/v1/chat/completions`,
      headers: { 'Content-Type': 'application/json', ...o.headers, ...headers },
      body: JSON.stringify({
        model: o.model,
        messages: [{ role: 'user', content: `Router check ${i}: reply with one word.` }],
        max_tokens: 1,
      }),
      timeoutMs: o.timeoutMs,
      maxBytes: 1024 * 1024,
    });
    return response.status;
  } catch {
    return 0;
  }
}

/** Metrics and the log position taken before the smoke chat, so that chat is the evidence. */
export interface EvidenceWindow {
  before: MetricsRead;
  mark: number;
}

/** Where the evidence window opens: the frontend, its log, and a scrape that may already be there. */
export interface WindowStart {
  baseUrl: string;
  headers: Record<string, string>;
  timeoutMs: number;
  logs?: LogSource;
  /** A scrape taken just now (the smoke check's readiness read): the window starts from it. */
  metrics?: MetricsRead;
}

export async function openEvidenceWindow(http: HttpClient, at: WindowStart): Promise<EvidenceWindow> {
  const before = at.metrics ?? (await readMetrics(http, at.baseUrl, at.headers, at.timeoutMs));
  return { before, mark: at.logs ? await at.logs.mark() : 0 };
}

/** How long the read after the chat waits for the request counters to catch up. */
export const COUNTER_WAIT_MS = 1000;

/**
 * Counters are written as the response leaves: poll briefly instead of sleeping a fixed time,
 * but only for request counters the first scrape showed. Counters it lacked may never appear
 * (another release's names, a gateway's own /metrics), so waiting for them would be pure loss:
 * one read then.
 */
async function metricsAfter(
  http: HttpClient,
  o: GatherOptions,
  before: MetricsRead,
  served: number,
  sent?: number,
): Promise<MetricsRead> {
  const totals = before.ok ? before.totals : undefined;
  const counters = totals ? ROUTED_METRICS.filter((m) => totals.has(m)) : [];
  const deadline = Date.now() + COUNTER_WAIT_MS;
  for (;;) {
    const after = await readMetrics(http, o.baseUrl, o.headers, o.timeoutMs);
    if (!after.ok || Date.now() > deadline) return after;
    // Any one counter that saw every request will do (the router's own moves only in kv mode).
    const counted =
      !totals ||
      served === 0 ||
      counters.length === 0 ||
      counters.some((m) => (delta(totals, after.totals, m) ?? 0) >= served);
    // After a probe, also every request it sent (cancelled held streams are counted last), unless
    // this /metrics has no request counter at all (a gateway's own).
    const probed =
      sent === undefined ||
      !before.ok ||
      modelTotal(after.text, REQUESTS_TOTAL, o.model) === undefined ||
      settled(before.text, after.text, o.model, sent);
    if (counted && probed) return after;
    await sleep(50);
  }
}

/**
 * With a window opened before the smoke chat, that chat is the evidence and no request is added
 * (direct mode adds one request naming no worker). Without one, a few requests are sent here.
 */
export async function gatherEvidence(
  http: HttpClient,
  o: GatherOptions,
  window?: EvidenceWindow,
  during?: DuringWindow,
): Promise<Evidence> {
  const useWindow = window !== undefined && window.before.ok;
  const before = useWindow ? window.before : await readMetrics(http, o.baseUrl, o.headers, o.timeoutMs);
  const mark = useWindow ? window.mark : o.logs ? await o.logs.mark() : 0;
  const workerHeader: Record<string, string> = o.workerId ? directWorkerHeaders(o.workerId) : {};
  let served = useWindow ? 1 : 0;
  const requests = useWindow ? 0 : (o.requests ?? 2);
  for (let i = 0; i < requests; i++) if ((await chatOnce(http, o, workerHeader, i)) === 200) served++;
  const plainRequestStatus = o.expected === 'direct' ? await chatOnce(http, o, {}, requests) : undefined;
  const probeSent = during ? await during() : 0;
  served += probeSent;
  const sent =
    (useWindow ? (o.smokeRequests ?? 1) : 0) +
    requests +
    (plainRequestStatus === undefined ? 0 : 1) +
    probeSent;
  const after = await metricsAfter(http, o, before, served, probeSent > 0 ? sent : undefined);
  const logs = o.logs ? await o.logs.since(mark) : { problem: 'a frontend reached by URL offers no log' };
  const foreign = before.ok && after.ok ? noRouterSeries(before.totals, after.totals) : undefined;
  const metrics =
    before.ok && after.ok && !foreign ? { before: before.totals, after: after.totals } : undefined;
  const verification = verifyMode({
    expected: o.expected,
    requests: served,
    metrics,
    metricsProblem: !before.ok ? before.problem : !after.ok ? after.problem : foreign,
    logModes: logs.text !== undefined ? routerModesInLog(logs.text) : undefined,
    logProblem: logs.problem,
    plainRequestStatus,
  });
  const kvEvents = metrics ? kvEventsFromMetrics(metrics.before, metrics.after, o.approximateKv) : undefined;
  const traffic =
    probeSent > 0
      ? trafficBetween(before.ok ? before.text : undefined, after.ok ? after.text : undefined, o.model, sent)
      : undefined;
  return { ...verification, kvEvents, traffic };
}
