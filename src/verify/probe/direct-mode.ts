// Direct mode's routing probe, read: requests that each name the worker that must serve them.

import type { ProbeRequestRecord } from '../../model/routing.js';
import type { AnalyseOptions, ProbeAnalysis, ProbeObservation } from './analyse.js';
import { graphInstances, labeller, sequenceText, served, shares } from './patterns.js';

/**
 * Direct mode's probe: requests naming a worker. Served elsewhere rules direct out; served by the
 * named worker proves little alone, because Dynamo 1.6 serves a named worker in other modes too
 * (measured: round-robin honours x-dynamo-worker-instance-id), so direct is told by a request that
 * names none (log-metrics-verdict.ts).
 */
export function analyseNamed(obs: ProbeObservation, o: AnalyseOptions): ProbeAnalysis {
  const answered = obs.requests.filter((r) => served(r) && r.named !== undefined);
  const label = labeller(answered.flatMap((r) => [r.named as string, r.worker as string]));
  const wrong = answered.filter((r) => r.worker !== r.named);
  const seen = new Set(answered.map((r) => r.worker as string));
  const graph = graphInstances(obs.listed, seen);
  const workers = shares(answered as (ProbeRequestRecord & { worker: string })[], label, graph);
  const base = {
    pattern:
      answered.length === 0
        ? 'No request naming a worker was served.'
        : `${answered.length} requests each naming a worker went ${sequenceText(
            answered.map((r) => r.worker as string),
            label,
          )}${wrong.length ? `, ${wrong.length} of them not to the named worker` : ', each to the worker it named'}.`,
    workers,
    listedWorkers: graph.length,
    idleWorkers: graph.filter((i) => !seen.has(i.id)).map((i) => i.id),
    maxMinRatio: null,
    otherTraffic: o.traffic.otherTraffic,
    requests: obs.requests,
    durationMs: obs.durationMs,
  };
  if (wrong.length > 0) {
    const reason = `a request naming worker ${label(wrong[0].named as string)} (${wrong[0].named}) was served by ${label(wrong[0].worker as string)} (${wrong[0].worker}): direct mode serves the named worker`;
    return {
      ...base,
      verdict: 'contradicted',
      consistent: o.available.filter((m) => m !== 'direct'),
      reason,
      exclusions: [{ modes: ['direct'], soft: false, reason }],
    };
  }
  return {
    ...base,
    verdict: 'unverifiable',
    consistent: [...o.available],
    reason:
      'every request was served by the worker it named; other modes serve a named worker too, so only a request naming none tells direct mode',
    exclusions: [],
  };
}
