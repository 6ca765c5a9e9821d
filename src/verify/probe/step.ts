// The routing probe as a step of verification: whether to run it (probe-requests, the release,
// the worker count), where (the run's URL inside the evidence window, or each frontend replica in
// turn), and what it found, as the Contract's `routing` data. combine.ts weighs it against the
// router's log and metrics.

import { directWorkerHeaders } from '../../check/direct-worker.js';
import type { HttpClient } from '../../check/http.js';
import type { RouterMode } from '../../modes.js';
import type { ReplicaRouting, Routing, RoutingProbe } from '../../report/routing-result.js';
import type { DynamoRelease } from '../../releases/capabilities.js';
import type { FrontendReplica, Logger, TargetSession } from '../../session.js';
import { sleep } from '../../check/retry.js';
import { analyseProbe, type ProbeAnalysis, type TrafficEvidence } from './analyse.js';
import { analyseNamed } from './named.js';
import { designProbe, type ProbeSize } from './design.js';
import { disposeTransport, httpTransport } from './http-transport.js';
import { runNamedProbe, runProbe, type ProbeRun } from './run-probe.js';
import { settled, trafficBetween } from './traffic.js';
import type { ProbeTransport } from './transport.js';

/** Frontend replicas probed one by one, at most (the rest are named as not probed). */
export const MAX_REPLICAS = 8;

export interface ProbeStepInput {
  size: ProbeSize;
  expected?: RouterMode;
  model: string;
  session: TargetSession;
  /** The frontend's release, when known (the target's, or the launch interpreter's). */
  release?: DynamoRelease;
  http: HttpClient;
  log: Logger;
  headers: Record<string, string>;
  timeoutMs: number;
  /** The modes the frontend's release offers. */
  available: readonly RouterMode[];
  /** A transport for a base URL (tests put a simulated router here). */
  transportFor?: (baseUrl: string) => ProbeTransport;
}

export interface ProbeFindings {
  routing: Routing;
  /** The behaviour evidence to combine: the URL's probe, or the replicas' when they agree. */
  analysis?: ProbeAnalysis;
  /** Replicas that route differently from the rest or from the asked mode. */
  mismatch?: { message: string; pods: string[] };
  limitations: string[];
}

export interface ProbeStep {
  /** Runs the probe through the run's URL inside the evidence window; returns the requests sent. */
  during?: () => Promise<number>;
  /** After the window: reads the URL's probe with the window's traffic evidence, then each replica. */
  finish(traffic?: TrafficEvidence): Promise<ProbeFindings>;
}

const UNKNOWN_TRAFFIC: TrafficEvidence = {
  otherTraffic: 'unknown',
  detail: "the frontend's /metrics was not read around the probe, so other traffic cannot be ruled out",
};

/** The Contract's view of an analysis (the test details stay inside). */
function routingProbe(a: ProbeAnalysis): RoutingProbe {
  const { exclusions: _e, softContradiction: _s, limits: _l, ...probe } = a;
  return probe;
}

function noWorkerIdsLimitation(): string {
  return "The frontend's replies name no serving worker (nvext.worker_id: Dynamo before 1.3 reports it only in kv mode, and a proxy may strip it), so the mode rests on the router's log and metrics, not on what it did to requests.";
}

export function prepareProbe(i: ProbeStepInput): ProbeStep {
  const limitations: string[] = [];
  const skipped = (why: string, limitation?: string): ProbeStep => ({
    finish: async () => ({ routing: { skipped: why }, limitations: limitation ? [limitation] : [] }),
  });
  if (i.size === 0) return skipped('`probe-requests` is 0: no routing probe was sent');
  const series = i.release?.series;
  if (series?.workerIdInResponse === 'kv-only' && i.expected !== 'kv')
    return skipped(
      `Dynamo ${series.series}.x names the serving worker only for kv-routed requests`,
      `Dynamo ${series.series}.x names the serving worker (nvext.worker_id) only for kv-routed requests, so the ${i.expected ?? 'router'} mode rests on the router's log and metrics, not on what it did to requests.`,
    );
  const transportFor =
    i.transportFor ??
    ((baseUrl: string) =>
      httpTransport(i.http, {
        baseUrl,
        model: i.model,
        headers: i.headers,
        timeoutMs: i.timeoutMs,
        holdLifetimeMs: i.timeoutMs * 100,
      }));
  const variant = Math.floor(Math.random() * 1e9);
  const send = async (t: ProbeTransport): Promise<ProbeRun | string> => {
    if (i.expected === 'direct')
      return runNamedProbe(t, directWorkerHeaders, { model: i.model, variant, log: (l) => i.log.info(l) });
    const listed = await t.instances();
    if (listed.length === 1)
      return `GET /health lists one worker (${listed[0].id}): every mode sends every request to it, so requests cannot show the mode`;
    const design = designProbe(listed.length, i.size);
    i.log.info(
      `Routing probe: ${design.total} requests sized for ${listed.length || `an unknown number of (assumed ${design.workers})`} workers …`,
    );
    return runProbe(t, design, { model: i.model, variant, listed, log: (l) => i.log.info(l) });
  };
  const analyse = (run: ProbeRun, traffic: TrafficEvidence): ProbeAnalysis | undefined => {
    if (run.noWorkerIds) {
      limitations.push(noWorkerIdsLimitation());
      return undefined;
    }
    if (run.stoppedBecause) limitations.push(`The routing probe stopped early: ${run.stoppedBecause}.`);
    const options = { asked: i.expected, available: i.available, traffic };
    return i.expected === 'direct'
      ? analyseNamed(run.observation, options)
      : analyseProbe(run.observation, options);
  };

  const replicas = i.session.replicas ?? [];
  if (replicas.length > 1)
    return { finish: async () => probeReplicas(replicas, i, transportFor, send, analyse, limitations) };

  let result: ProbeRun | string | undefined;
  return {
    during: async () => {
      const t = transportFor(i.session.baseUrl);
      try {
        result = await send(t);
      } finally {
        await disposeTransport(t);
      }
      return typeof result === 'string' ? 0 : result.sent;
    },
    finish: async (traffic) => {
      if (result === undefined) return { routing: { skipped: 'the routing probe did not run' }, limitations };
      if (typeof result === 'string') return { routing: { skipped: result }, limitations };
      const analysis = analyse(result, traffic ?? UNKNOWN_TRAFFIC);
      if (!analysis) return { routing: { skipped: 'the replies named no serving worker' }, limitations };
      return { routing: { probe: routingProbe(analysis) }, analysis, limitations };
    },
  };
}

/** Reads /metrics until the probe's requests are all counted, for at most a second. */
async function metricsAfter(
  t: ProbeTransport,
  before: string | undefined,
  model: string,
  sent: number,
): Promise<string | undefined> {
  const deadline = Date.now() + 1000;
  for (;;) {
    const after = await t.metrics();
    if (
      after === undefined ||
      before === undefined ||
      Date.now() > deadline ||
      settled(before, after, model, sent)
    )
      return after;
    await sleep(50);
  }
}

async function probeReplicas(
  replicas: readonly FrontendReplica[],
  i: ProbeStepInput,
  transportFor: (baseUrl: string) => ProbeTransport,
  send: (t: ProbeTransport) => Promise<ProbeRun | string>,
  analyse: (run: ProbeRun, traffic: TrafficEvidence) => ProbeAnalysis | undefined,
  limitations: string[],
): Promise<ProbeFindings> {
  const results: ReplicaRouting[] = [];
  const analyses: { name: string; analysis: ProbeAnalysis }[] = [];
  for (const replica of replicas.slice(0, MAX_REPLICAS)) {
    i.log.info(`Routing probe on frontend replica ${replica.name} …`);
    let connection: { baseUrl: string; close(): Promise<void> } | undefined;
    try {
      connection = await replica.open();
      const t = transportFor(connection.baseUrl);
      try {
        const before = await t.metrics();
        const run = await send(t);
        if (typeof run === 'string') {
          results.push({ name: replica.name, problem: run });
          continue;
        }
        const after = await metricsAfter(t, before, i.model, run.sent);
        const analysis = analyse(run, trafficBetween(before, after, i.model, run.sent));
        if (!analysis) {
          results.push({ name: replica.name, problem: 'its replies named no serving worker' });
          continue;
        }
        analyses.push({ name: replica.name, analysis });
        results.push({ name: replica.name, probe: routingProbe(analysis) });
      } finally {
        await disposeTransport(t);
      }
    } catch (error) {
      results.push({ name: replica.name, problem: `could not be reached: ${(error as Error).message}` });
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  if (replicas.length > MAX_REPLICAS)
    limitations.push(
      `The routing probe reached ${MAX_REPLICAS} of ${replicas.length} frontend replicas; the others were not proven.`,
    );
  const routing: Routing = { replicas: results };
  return { routing, ...judgeReplicas(analyses, i.expected), limitations };
}

/**
 * Replicas that disagree: with a mode asked, those whose requests rule it out while others' do
 * not; without one, replicas that each single out a different mode. When every replica rules the
 * asked mode out, that is the run's contradiction (mode-not-applied), not a mismatch.
 */
export function judgeReplicas(
  analyses: readonly { name: string; analysis: ProbeAnalysis }[],
  expected?: RouterMode,
): Pick<ProbeFindings, 'analysis' | 'mismatch'> {
  if (analyses.length === 0) return {};
  const against = expected
    ? analyses.filter((a) => a.analysis.verdict === 'contradicted' && !a.analysis.softContradiction)
    : [];
  const observed = new Set(analyses.map((a) => a.analysis.observed).filter((m) => m !== undefined));
  const describe = (a: { name: string; analysis: ProbeAnalysis }): string =>
    `${a.name} ${a.analysis.observed ? `routes as ${a.analysis.observed}` : 'does not route as asked'} (${a.analysis.reason})`;
  if (expected && against.length > 0 && against.length < analyses.length) {
    const fine = analyses.filter((a) => !against.includes(a)).map((a) => a.name);
    return {
      analysis: against[0].analysis,
      mismatch: {
        pods: against.map((a) => a.name),
        message: `Frontend replica ${against.map(describe).join('; ')}, not ${expected}, while ${fine.join(', ')} ${fine.length === 1 ? 'does' : 'do'} not show that.`,
      },
    };
  }
  if (!expected && observed.size > 1) {
    const byMode = analyses.filter((a) => a.analysis.observed);
    return {
      analysis: byMode[0].analysis,
      mismatch: {
        pods: byMode.map((a) => a.name),
        message: `The frontend replicas route differently: ${byMode.map((a) => `${a.name} as ${a.analysis.observed}`).join(', ')}.`,
      },
    };
  }
  // They agree: the modes every replica allows, and the first replica's pattern as the example.
  const consistent = analyses
    .map((a) => a.analysis.consistent)
    .reduce((acc, c) => acc.filter((m) => c.includes(m)));
  const verified = analyses.every((a) => a.analysis.verdict === 'verified');
  const first = analyses[0].analysis;
  const names = analyses.map((a) => a.name).join(', ');
  return {
    analysis: {
      ...first,
      consistent,
      verdict: against.length === analyses.length ? 'contradicted' : verified ? 'verified' : first.verdict,
      reason: `on each of ${analyses.length} frontend replicas (${names}): ${first.reason}`,
    },
  };
}
