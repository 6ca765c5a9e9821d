// The history's latency sample and workers from the routing probe, when it ran and named the
// workers: the latencies of its core requests (one long shared prefix, distinct long prefixes,
// or in direct mode the requests naming a worker), which are complete replies sent one after the
// other. The held streams and the requests sent while workers were held busy measure the probe's
// own load, not the deployment's, so they are left out. Pure.

import type { LatencyFigures } from '../model/history.js';
import type { ProbeRequestRecord, Routing, RoutingProbe } from '../model/routing.js';
import { latencyFigures } from '../check/latency-sample.js';
import type { WorkersSeen } from '../history/record.js';

/** Fewer usable probe requests than this: the smoke-kind sample is taken instead. */
export const MIN_PROBE_SAMPLES = 5;

const SAMPLED_PHASES: ReadonlySet<ProbeRequestRecord['phase']> = new Set([
  'shared-prefix',
  'distinct-prefix',
  'named',
]);

function probesOf(routing: Routing | undefined): RoutingProbe[] {
  if (!routing) return [];
  if (routing.probe) return [routing.probe];
  return (routing.replicas ?? []).flatMap((r) => (r.probe ? [r.probe] : []));
}

/** The probe's latency sample, or undefined when it ran no usable requests or named no worker. */
export function probeLatency(routing: Routing | undefined): LatencyFigures | undefined {
  const sampled = probesOf(routing).flatMap((p) => p.requests.filter((r) => SAMPLED_PHASES.has(r.phase)));
  const ok = sampled.filter((r) => r.status === 200 && r.worker !== undefined);
  if (ok.length < MIN_PROBE_SAMPLES) return undefined;
  return latencyFigures(
    'probe',
    ok.map((r) => r.latencyMs),
    sampled.length,
    sampled.filter((r) => r.status !== 200).length,
  );
}

/** The workers the probe saw: those that served it and those GET /health listed that got none. */
export function probeWorkers(routing: Routing | undefined): WorkersSeen | undefined {
  const probes = probesOf(routing);
  const ids = new Set(probes.flatMap((p) => [...p.workers.map((w) => w.id), ...p.idleWorkers]));
  if (ids.size === 0) return undefined;
  const listed = Math.max(0, ...probes.map((p) => p.listedWorkers));
  return { ids: [...ids].sort(), count: Math.max(ids.size, listed), source: 'probe' };
}
