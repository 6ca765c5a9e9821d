// Balance across workers, from the requests that named their worker: the routing probe's and the
// comparison's. One worker taking nearly everything while others stand idle is a limitation
// (Dynamo issues #737 and #7836 report all traffic on one of 8 workers), except for kv, whose
// stickiness to a cached prefix is deliberate. Pure.

import { limitation, type Limitation } from '../../model/findings.js';
import type { ListedInstance } from '../../check/direct-worker.js';
import type { RoutingProbe } from '../../model/routing.js';
import { graphInstances } from './patterns.js';

/** The share above which one worker "takes nearly everything". */
export const HOTSPOT_SHARE = 0.9;
/** Requests needed before a share means anything. */
const MIN_REQUESTS = 5;

/** Requests per worker → the busiest worker, its share, and the workers that got none of them. */
export function busiestWorker(
  requests: Readonly<Record<string, number>>,
  known: readonly string[],
): { id: string; n: number; total: number; share: number; idle: string[] } | undefined {
  const entries = Object.entries(requests);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return undefined;
  const [id, n] = entries.sort((a, b) => b[1] - a[1])[0];
  const idle = [...new Set(known)].filter((w) => !(requests[w] > 0));
  return { id, n, total, share: n / total, idle };
}

/** The probe's hot spot: its distinct-prompt requests (no mode keeps those together on purpose). */
export function probeHotspot(p: RoutingProbe, mode: string | undefined): Limitation | undefined {
  if (mode === 'kv') return undefined;
  const counts: Record<string, number> = {};
  for (const r of p.requests)
    if (r.phase === 'distinct-prefix' && r.status === 200 && r.worker)
      counts[r.worker] = (counts[r.worker] ?? 0) + 1;
  const known = [...p.workers.map((w) => w.id), ...p.idleWorkers];
  const top = busiestWorker(counts, known);
  if (!top || top.total < MIN_REQUESTS || top.share < HOTSPOT_SHARE || top.idle.length === 0)
    return undefined;
  return limitation(
    'worker-hotspot',
    `One worker took nearly everything: ${top.n} of ${top.total} probe requests with distinct prompts went to worker ${top.id} while ${top.idle.length} other worker(s) got none of them (${top.idle.join(', ')}). Check that every worker is registered and healthy; Dynamo issues #737 and #7836 report the same hot spot.`,
  );
}

/**
 * The comparison's notes: one worker for every mode (the modes could not differ), or a mode that
 * sent nearly everything to one worker while others (seen in other modes, or listed by /health
 * for the same graph) got none.
 */
export function comparisonBalance(
  modes: readonly { mode: string; samples: number; workerRequests?: Record<string, number> }[],
  listed: readonly ListedInstance[] = [],
): Limitation[] {
  const seen = [...new Set(modes.flatMap((m) => Object.keys(m.workerRequests ?? {})))];
  if (seen.length === 0) return [];
  const known = [...new Set([...seen, ...graphInstances(listed, new Set(seen)).map((i) => i.id)])];
  if (seen.length === 1 && modes.every((m) => m.samples > 0)) {
    const others = known.length - 1;
    return [
      limitation(
        'one-worker',
        `One worker (${seen[0]}) served every request of every mode (${modes.map((m) => m.mode).join(', ')})${
          others > 0 ? ` although /health lists ${others} more for the model's graph` : ''
        }: with one worker the modes could not differ in where they route, so the comparison shows only their own overhead.`,
      ),
    ];
  }
  const notes: Limitation[] = [];
  for (const m of modes) {
    if (m.mode === 'kv' || !m.workerRequests) continue;
    const top = busiestWorker(m.workerRequests, known);
    if (!top || top.total < MIN_REQUESTS || top.share < HOTSPOT_SHARE || top.idle.length === 0) continue;
    notes.push(
      limitation(
        'worker-hotspot',
        `In ${m.mode} mode worker ${top.id} served ${top.n} of ${top.total} requests while ${top.idle.length} other worker(s) of the graph served none: one worker takes nearly everything.`,
      ),
    );
  }
  return notes;
}
