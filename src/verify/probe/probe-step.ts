// The routing probe as a step of verification: whether to run it (probe-requests, the release,
// the worker count), where (the run's URL inside the evidence window, or, through `at`, inside
// each frontend replica's own window: verify/prove-replicas.ts), and what it found, as the Contract's
// `routing` data. combine.ts weighs it against the router's log and metrics.

import { limitation, type Limitation } from '../../model/findings.js';
import { directWorkerHeaders } from '../../check/direct-worker.js';
import type { HttpClient } from '../../check/http.js';
import type { RouterMode } from '../../model/modes.js';
import type { ReplicaRouting, Routing, RoutingProbe } from '../../model/routing.js';
import type { DynamoRelease } from '../../releases/capabilities.js';
import type { Logger, TargetSession } from '../../session.js';
import { analyseProbe, type ProbeAnalysis, type TrafficEvidence } from './analyse.js';
import { analyseNamed } from './direct-mode.js';
import { designProbe, type ProbeSize } from './design.js';
import { disposeTransport, httpTransport } from './http-transport.js';
import { sleep } from '../../check/retry.js';
import { runNamedProbe, runProbe, type ProbeRun } from './run-probe.js';
import { settled, trafficBetween } from './traffic.js';
import type { ProbeTransport } from './transport.js';

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
  limitations: Limitation[];
}

/**
 * The probe through one replica's URL, sent inside that replica's evidence window: it reads the
 * replica's /metrics around its own requests, so other traffic is judged from them alone.
 */
export interface UrlProbe {
  /** Sends the probe; returns how many requests it sent. */
  during(): Promise<number>;
  /** What it showed, or why it shows nothing. */
  read(): { analysis?: ProbeAnalysis; problem?: string };
}

/** One replica's probe as verify/prove-replicas.ts ran it (unreached replicas carry the reason). */
export interface ReplicaProbe {
  name: string;
  analysis?: ProbeAnalysis;
  problem?: string;
}

/**
 * The probe of a run, absent parts meaning no probe is sent. One frontend: `during` inside the
 * evidence window of the run's URL, then `finish`. Several replicas (verify/prove-replicas.ts): `at`
 * inside each replica's own window, then `finishReplicas`.
 */
export interface ProbeStep {
  /** Runs the probe through the run's URL inside the evidence window; returns the requests sent. */
  during?: () => Promise<number>;
  /** After the window: reads the URL's probe with the window's traffic evidence. */
  finish(traffic?: TrafficEvidence): Promise<ProbeFindings>;
  /** The probe for one replica's own URL. */
  at?(baseUrl: string): UrlProbe;
  /** The replicas' routing data and the behaviour they agree on, once each was probed. */
  finishReplicas(probed: readonly ReplicaProbe[]): ProbeFindings;
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

function noWorkerIdsLimitation(): Limitation {
  return limitation(
    'no-worker-ids',
    "The frontend's replies name no serving worker (nvext.worker_id: Dynamo before 1.3 reports it only in kv mode, and a proxy may strip it), so the mode rests on the router's log and metrics, not on what it did to requests.",
  );
}

export function prepareProbe(i: ProbeStepInput): ProbeStep {
  const limitations: Limitation[] = [];
  const skipped = (why: string, note?: Limitation): ProbeStep => {
    const findings = (): ProbeFindings => ({
      routing: { skipped: why },
      limitations: note ? [note] : [],
    });
    return { finish: async () => findings(), finishReplicas: findings };
  };
  if (i.size === 0) return skipped('`probe-requests` is 0: no routing probe was sent');
  const series = i.release?.series;
  if (series?.workerIdInResponse === 'kv-only' && i.expected !== 'kv')
    return skipped(
      `Dynamo ${series.series}.x names the serving worker only for kv-routed requests`,
      limitation(
        'no-worker-ids',
        `Dynamo ${series.series}.x names the serving worker (nvext.worker_id) only for kv-routed requests, so the ${i.expected ?? 'router'} mode rests on the router's log and metrics, not on what it did to requests.`,
      ),
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
  // Prompts new to the workers' caches for each URL probed: a prefix another replica's probe just
  // spread over every worker would be cached everywhere, and kv could not keep it on one.
  const newVariant = (): number => Math.floor(Math.random() * 1e9);
  const send = async (t: ProbeTransport, variant: number): Promise<ProbeRun | string> => {
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
  // Once per run, however many replicas said the same.
  const note = (line: Limitation): void => {
    if (!limitations.some((l) => l.id === line.id && l.text === line.text)) limitations.push(line);
  };
  const analyse = (run: ProbeRun, traffic: TrafficEvidence): ProbeAnalysis | undefined => {
    if (run.noWorkerIds) {
      note(noWorkerIdsLimitation());
      return undefined;
    }
    if (run.stoppedBecause)
      note(limitation('probe-stopped', `The routing probe stopped early: ${run.stoppedBecause}.`));
    const options = { asked: i.expected, available: i.available, traffic };
    return i.expected === 'direct'
      ? analyseNamed(run.observation, options)
      : analyseProbe(run.observation, options);
  };

  const readResult = (
    result: ProbeRun | string | undefined,
    traffic: TrafficEvidence | undefined,
  ): { analysis?: ProbeAnalysis; problem?: string } => {
    if (result === undefined) return { problem: 'the routing probe did not run' };
    if (typeof result === 'string') return { problem: result };
    const analysis = analyse(result, traffic ?? UNKNOWN_TRAFFIC);
    return analysis ? { analysis } : { problem: 'the replies named no serving worker' };
  };
  /** The probe through one URL; with `ownTraffic`, judged from that URL's /metrics around it alone. */
  const through = (baseUrl: string, ownTraffic: boolean) => {
    let result: ProbeRun | string | undefined;
    let traffic: TrafficEvidence | undefined;
    return {
      during: async (): Promise<number> => {
        const t = transportFor(baseUrl);
        try {
          const before = ownTraffic ? await t.metrics() : undefined;
          result = await send(t, newVariant());
          if (ownTraffic && typeof result !== 'string') {
            const after = await metricsAfter(t, before, i.model, result.sent);
            traffic = trafficBetween(before, after, i.model, result.sent);
          }
        } finally {
          await disposeTransport(t);
        }
        return typeof result === 'string' ? 0 : result.sent;
      },
      read: (windowTraffic?: TrafficEvidence) => readResult(result, traffic ?? windowTraffic),
    };
  };
  const at = (baseUrl: string): UrlProbe => through(baseUrl, true);
  const finishReplicas = (probed: readonly ReplicaProbe[]): ProbeFindings => {
    const results: ReplicaRouting[] = probed.map((p) =>
      p.analysis
        ? { name: p.name, probe: routingProbe(p.analysis) }
        : { name: p.name, problem: p.problem ?? '' },
    );
    const analyses = probed.flatMap((p) => (p.analysis ? [{ name: p.name, analysis: p.analysis }] : []));
    return { routing: { replicas: results }, analysis: agreedBehaviour(analyses, i.expected), limitations };
  };

  const here = through(i.session.baseUrl, false);
  return {
    during: here.during,
    at,
    finishReplicas,
    finish: async (traffic) => {
      const read = here.read(traffic);
      if (!read.analysis)
        return { routing: { skipped: read.problem ?? 'the routing probe did not run' }, limitations };
      return { routing: { probe: routingProbe(read.analysis) }, analysis: read.analysis, limitations };
    },
  };
}

/**
 * The behaviour to weigh against the Service's log and metrics once every replica was probed
 * (whether replicas disagree is verify/prove-replicas.ts's judgement, over each replica's whole
 * evidence). With a mode asked, the first replica whose requests rule it out (firmly) when any
 * does; without one, the first that singles out a mode when they single out different ones;
 * otherwise the modes every replica allows, with the first replica's pattern as the example.
 */
export function agreedBehaviour(
  analyses: readonly { name: string; analysis: ProbeAnalysis }[],
  expected?: RouterMode,
): ProbeAnalysis | undefined {
  if (analyses.length === 0) return undefined;
  const against = expected
    ? analyses.filter((a) => a.analysis.verdict === 'contradicted' && !a.analysis.softContradiction)
    : [];
  if (against.length > 0 && against.length < analyses.length) return against[0].analysis;
  const observed = new Set(analyses.map((a) => a.analysis.observed).filter((m) => m !== undefined));
  if (!expected && observed.size > 1) return analyses.find((a) => a.analysis.observed)?.analysis;
  const consistent = analyses
    .map((a) => a.analysis.consistent)
    .reduce((acc, c) => acc.filter((m) => c.includes(m)));
  const verified = analyses.every((a) => a.analysis.verdict === 'verified');
  const first = analyses[0].analysis;
  const names = analyses.map((a) => a.name).join(', ');
  return {
    ...first,
    consistent,
    verdict: against.length === analyses.length ? 'contradicted' : verified ? 'verified' : first.verdict,
    reason: `on each of ${analyses.length} frontend replicas (${names}): ${first.reason}`,
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
    if (after === undefined || before === undefined || Date.now() > deadline) return after;
    if (settled(before, after, model, sent)) return after;
    await sleep(50);
  }
}
