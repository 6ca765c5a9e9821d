// A simulated Dynamo router behind the routing probe's transport, for unit tests of the probe's
// error rate and of replica handling. Each mode picks workers as Dynamo's sources define it:
// - round-robin: `counter % free_ids.len()`, the counter shared with other traffic
//   (lib/runtime/src/pipeline/network/egress/push_router.rs, round_robin);
// - random: a uniform pick (push_router.rs, random);
// - power-of-two: two distinct random candidates, the one with load ≤ the other's (p2c_select_from);
// - least-loaded and device-aware-weighted (one device class): the minimum in-flight count,
//   ties at random (select_exact_min_and_increment, reservoir sampling in 1.6) or at the first
//   worker (`min_by_key` in other sources);
// - kv: cost = prefill blocks − cached overlap + decode load, the minimum, ties at random
//   (the kv scheduler's cost); KV events make a served prefix cached on its worker.
// Other traffic: between two probe requests a Poisson number of foreign requests advances the
// round-robin counter, and each worker carries a Poisson number of foreign requests in flight.
// Seeded, synchronous underneath: thousands of probes run in seconds.

import type { ListedInstance } from '../../src/check/direct-worker.ts';
import { seededRandom } from '../../src/compare/bootstrap.ts';
import type { RouterMode } from '../../src/model/modes.ts';
import type { ChatReply, HeldStream, ProbeTransport } from '../../src/verify/probe/transport.ts';

export type SimMode = Exclude<RouterMode, 'direct'>;

export interface SimRouter {
  mode: SimMode;
  workers: number;
  /** least-loaded / device-aware-weighted tie break: Dynamo 1.3+ random, other sources first-min. */
  ties?: 'random' | 'first';
  /** kv: workers publish KV events (or approximate mode predicts them). Default true. */
  kvEvents?: boolean;
  /** kv: every prompt shares one cached template block (a real chat template on 16-token blocks). */
  templateBlock?: boolean;
  /** Mean foreign requests between two probe requests (round-robin counter gaps). */
  foreignRate?: number;
  /** Mean foreign requests in flight per worker (load the load-aware modes see). */
  foreignLoad?: number;
  /** Held streams end after this many probe requests (a fast engine); default never. */
  holdsEndAfter?: number;
  seed: number;
  /** Worker ids; default large u64-like ids. */
  ids?: string[];
}

/** Blocks of the probe's long prefixes (640 words at 64-token blocks). */
const PREFIX_BLOCKS = 10;

export function simTransport(r: SimRouter): ProbeTransport & { served: string[] } {
  const random = seededRandom(r.seed);
  const ids =
    r.ids ??
    Array.from(
      { length: r.workers },
      (_, i) => `${18_000_000_000_000_000_000n + BigInt(i) * 7_777_777_777n + BigInt(r.seed % 1000)}`,
    );
  const holds = new Map<string, number>();
  const cached = new Map<string, Set<string>>();
  const everServed = new Set<string>();
  let counter = Math.floor(random() * 1000);
  let requests = 0;
  const served: string[] = [];
  const heldStreams: { id: string; openedAt: number; closed: boolean }[] = [];

  const poisson = (mean: number): number => {
    if (!mean) return 0;
    let k = 0;
    let p = Math.exp(-mean);
    let s = p;
    const u = random();
    while (u > s && k < 100) {
      k++;
      p *= mean / k;
      s += p;
    }
    return k;
  };
  const pickRandom = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

  const pick = (content: string): string => {
    counter += poisson(r.foreignRate ?? 0);
    const foreign = new Map(ids.map((id) => [id, poisson(r.foreignLoad ?? 0)]));
    const load = (id: string): number => (holds.get(id) ?? 0) + (foreign.get(id) ?? 0);
    const minBy = (score: (id: string) => number, ties: 'random' | 'first'): string => {
      const best = Math.min(...ids.map(score));
      const tied = ids.filter((id) => score(id) === best);
      return ties === 'first' ? tied[0] : pickRandom(tied);
    };
    switch (r.mode) {
      case 'round-robin':
        return ids[counter++ % ids.length];
      case 'random':
        return pickRandom(ids);
      case 'power-of-two': {
        const a = Math.floor(random() * ids.length);
        const b = (a + 1 + Math.floor(random() * (ids.length - 1))) % ids.length;
        return load(ids[a]) <= load(ids[b]) ? ids[a] : ids[b];
      }
      case 'least-loaded':
      case 'device-aware-weighted':
        return minBy(load, r.ties ?? 'random');
      case 'kv': {
        const prefix = content.includes('\n\n') ? content.slice(0, content.indexOf('\n\n')) : '';
        const blocks = prefix ? PREFIX_BLOCKS + 1 : 1;
        const overlap = (id: string): number =>
          (r.kvEvents !== false && prefix && cached.get(prefix)?.has(id) ? PREFIX_BLOCKS : 0) +
          (r.templateBlock && everServed.has(id) ? 1 : 0);
        // Held streams decode a few blocks; foreign requests carry long prompts.
        const decode = (id: string): number =>
          (holds.get(id) ?? 0) * 2 + (foreign.get(id) ?? 0) * PREFIX_BLOCKS;
        const id = minBy((w) => blocks - overlap(w) + decode(w), 'random');
        if (prefix && r.kvEvents !== false) cached.set(prefix, (cached.get(prefix) ?? new Set()).add(id));
        return id;
      }
    }
  };

  const expireHolds = (): void => {
    if (r.holdsEndAfter === undefined) return;
    for (const h of heldStreams)
      if (!h.closed && requests - h.openedAt >= r.holdsEndAfter) {
        h.closed = true;
        holds.set(h.id, (holds.get(h.id) ?? 1) - 1);
      }
  };

  return {
    served,
    async chat(content, headers = {}): Promise<ChatReply> {
      requests++;
      expireHolds();
      const named = headers['x-dynamo-worker-instance-id'];
      const id = named && ids.includes(named) ? named : pick(content);
      everServed.add(id);
      served.push(id);
      return { status: 200, worker: id, latencyMs: 3, promptTokens: content.length > 200 ? 700 : 12 };
    },
    async hold(content): Promise<HeldStream> {
      requests++;
      expireHolds();
      const id = pick(content);
      everServed.add(id);
      served.push(id);
      holds.set(id, (holds.get(id) ?? 0) + 1);
      const stream = { id, openedAt: requests, closed: false };
      heldStreams.push(stream);
      return {
        status: 200,
        worker: id,
        latencyMs: 5,
        ended: () => {
          expireHolds();
          return stream.closed;
        },
        async close() {
          if (!stream.closed) {
            stream.closed = true;
            holds.set(id, (holds.get(id) ?? 1) - 1);
          }
        },
      };
    },
    async instances(): Promise<ListedInstance[]> {
      return ids.map((id) => ({ id, namespace: 'dynamo', component: 'backend', deviceType: 'cuda' }));
    },
    // The frontend's counter of the requests it served, and the streams in flight (its own only).
    async metrics() {
      const inflight = heldStreams.filter((h) => !h.closed).length;
      return `dynamo_frontend_requests_total ${requests}\ndynamo_frontend_inflight_requests ${inflight}\n`;
    },
  };
}
