// Reads the routing probe's requests (which worker served each) as patterns, and decides which
// router modes fit them. Pure: run-probe.ts sends the requests, this only reads what came back.
//
// What each mode does with the probe (Dynamo's selectors: push_router.rs for the non-kv modes,
// the kv router's scheduler for kv; measured on 1.3.1 and 1.6.1):
// - round-robin: `counter % workers`, so sequential requests take the workers in turn whatever
//   the prompt; other traffic shares the counter and leaves gaps.
// - random: an independent uniform pick per request.
// - power-of-two: two distinct random candidates, the one with no more requests in flight; with
//   idle workers it is random, a busy worker is only picked when both candidates are busy.
// - least-loaded, device-aware-weighted: the fewest requests in flight (ties at random in 1.3+,
//   at the first worker in other sources); a busy worker is never picked while one is idle.
//   With one device class device-aware-weighted IS least-loaded.
// - kv: a prefix the router saw stays on the worker that cached it; distinct prefixes spread.
//
// Each test below rules modes out with at most ALPHA (chance.ts) chance of ruling out the mode
// that runs, also under other traffic unless it needs `clean` (no other traffic, read from the
// frontend's /metrics). A mode is verified only when every other mode is ruled out; a mode that
// every source rules out is a contradiction; anything else is unverifiable, with why.

import type { ListedInstance } from '../../check/direct-worker.js';
import type { RouterMode } from '../../model/modes.js';
import type { ProbeRequestRecord, RoutingProbe } from '../../model/routing.js';
import {
  busiest,
  counts,
  countsText,
  graphInstances,
  labeller,
  plural,
  sequenceText,
  served,
  shares,
  takesTurns,
} from './patterns.js';
import { heldText, patternText, separationLimits, type HeldPhase } from './describe.js';
import type { TrafficEvidence } from './traffic.js';

export type { TrafficEvidence } from './traffic.js';
import {
  ALPHA,
  ALPHA_BUSY,
  hypergeometricTail,
  sumOfBinomialsCdf,
  uniformBusiestTail,
  uniformCycleChance,
} from './chance.js';

/** What the probe saw; run-probe.ts fills it. */
export interface ProbeObservation {
  /** Every request, in the order sent (holds included). */
  requests: ProbeRequestRecord[];
  /** GET /health before the probe. */
  listed: ListedInstance[];
  /** GET /health after it (a worker set that changed breaks the turn order). */
  listedAfter?: ListedInstance[];
  /** Mean usage.prompt_tokens of the shared-prefix requests, when the frontend reported it. */
  sharedPrefixTokens?: number;
  durationMs: number;
}

export interface AnalyseOptions {
  /** The mode the run expects; undefined for a check-only run (the pattern names the mode). */
  asked?: RouterMode;
  /** The modes the frontend's release offers (the probe can only tell these apart). */
  available: readonly RouterMode[];
  traffic: TrafficEvidence;
}

/** One test that ruled modes out. */
export interface Exclusion {
  modes: RouterMode[];
  /** Soft: another explanation remains (kv over workers that publish no KV events). */
  soft: boolean;
  reason: string;
}

export interface ProbeAnalysis extends RoutingProbe {
  exclusions: Exclusion[];
  /** The asked mode was ruled out only by soft tests. */
  softContradiction?: boolean;
  /** Why the modes left could not be told apart. */
  limits?: string;
}

const NON_KV: RouterMode[] = [
  'round-robin',
  'random',
  'power-of-two',
  'least-loaded',
  'device-aware-weighted',
];
const LOAD_AWARE: RouterMode[] = ['least-loaded', 'device-aware-weighted'];

function heldPhase(
  requests: readonly ProbeRequestRecord[],
  phase: 'one-held' | 'many-held',
  held: number,
): HeldPhase {
  const mine = requests.filter((r) => r.phase === phase && served(r) && r.counted === true);
  return { held, counted: mine.length, hits: mine.filter((r) => r.heldWorker).length };
}

/** Distinct workers of the holds that served each held phase (the first hold serves both). */
function heldCounts(requests: readonly ProbeRequestRecord[]): { one: number; many: number } {
  const holds: string[] = [];
  let one = 0;
  for (const r of requests) {
    if (r.phase === 'hold' && served(r)) holds.push(r.worker);
    if (r.phase === 'one-held' && one === 0) one = new Set(holds).size;
  }
  return { one, many: new Set(holds).size };
}

export function analyseProbe(obs: ProbeObservation, o: AnalyseOptions): ProbeAnalysis {
  const all = obs.requests.filter(served);
  const order = all.map((r) => r.worker);
  const label = labeller(order);
  const seen = new Set(order);
  const graph = graphInstances(obs.listed, seen);
  const listedIds = new Set(graph.map((i) => i.id));
  const workersSeen = seen.size;
  // Workers a random pick could have chosen: those seen, and those /health lists for the graph.
  const pool = Math.max(workersSeen, new Set([...seen, ...listedIds]).size);
  const stable =
    obs.listedAfter === undefined ||
    (obs.listedAfter.length === obs.listed.length &&
      obs.listed.every((i) => obs.listedAfter?.some((j) => j.id === i.id)));
  const clean = o.traffic.otherTraffic === 'none' && stable;
  // Every test holds its pattern against ALPHA; with other traffic possible, against ALPHA_BUSY.
  const alpha = clean ? ALPHA : ALPHA_BUSY;

  const coreAll = obs.requests.filter((r) => r.phase === 'shared-prefix' || r.phase === 'distinct-prefix');
  const core = coreAll.filter(served).map((r) => r.worker);
  const coreComplete = core.length === coreAll.length;
  const shared = obs.requests
    .filter((r) => r.phase === 'shared-prefix' && served(r))
    .map((r) => r.worker as string);
  const distinct = obs.requests
    .filter((r) => r.phase === 'distinct-prefix' && served(r))
    .map((r) => r.worker as string);
  const held = heldCounts(obs.requests);
  const one = heldPhase(obs.requests, 'one-held', held.one);
  const many = heldPhase(obs.requests, 'many-held', held.many);

  const exclusions: Exclusion[] = [];
  const exclude = (modes: RouterMode[], reason: string, soft = false): void => {
    exclusions.push({ modes, soft, reason });
  };

  // 1. Turn order: only round-robin takes the workers in turn, and other traffic cannot create it.
  const period = new Set(core).size;
  const inTurn = takesTurns(core, period) && uniformCycleChance(core.length, period) <= alpha;
  if (inTurn)
    exclude(
      [...NON_KV.filter((m) => m !== 'round-robin'), 'kv'],
      `${core.length} requests took the ${period} workers in turn (${sequenceText(core, label, 12)}), as only round-robin does`,
    );
  // 2. No turn order while nothing else reached the frontend: not round-robin.
  if (
    clean &&
    coreComplete &&
    workersSeen >= 2 &&
    core.length >= workersSeen + 2 &&
    !takesTurns(core, workersSeen)
  )
    exclude(
      ['round-robin'],
      `${core.length} requests did not take the ${workersSeen} workers in turn (${sequenceText(core, label)}) while no other traffic reached the frontend: not round-robin`,
    );

  // 3. One prefix kept on one worker while distinct prefixes spread: kv. With nothing else running,
  // a prompt-blind mode picks idle workers uniformly (or in turn), so the shared-prefix requests are
  // held against a uniform pick; under other traffic load-aware modes lean toward the least busy
  // worker, so they are held against the distinct-prefix requests sent in between (Fisher's test).
  const tokens = obs.sharedPrefixTokens ? `~${Math.round(obs.sharedPrefixTokens)}-token ` : 'long ';
  const sharedTop = busiest(shared);
  const top = [...counts(shared).entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const onTop = distinct.filter((w) => w === top).length;
  const sticky =
    shared.length >= 3 &&
    workersSeen >= 2 &&
    (clean
      ? uniformBusiestTail(shared.length, workersSeen, sharedTop) <= alpha
      : workersSeen *
          hypergeometricTail(shared.length + distinct.length, sharedTop + onTop, shared.length, sharedTop) <=
        alpha);
  const distinctSpread =
    distinct.length >= 3 && busiest(distinct) <= distinct.length - 2 && new Set(distinct).size >= 2;
  if (sticky && distinctSpread)
    exclude(
      NON_KV,
      `${sharedTop} of ${shared.length} requests sharing one ${tokens}prefix went to one worker while ${distinct.length} with distinct prefixes spread over ${new Set(distinct).size} workers, as only kv does`,
    );
  // 4. One prefix spread over workers while nothing else ran: not kv (or kv that ignores the cache).
  if (clean && shared.length >= 4 && sharedTop <= shared.length - 3)
    exclude(
      ['kv'],
      `${shared.length} requests sharing one ${tokens}prefix went to ${plural(new Set(shared).size, 'worker')} (${countsText(shared, label)}): not kv`,
      true,
    );

  // 5. Held workers. Random ignores them; power-of-two picks a busy one only when both its
  // candidates are busy; least-loaded never while one is idle. Other traffic only adds load, so
  // "too few requests went to a busy worker" holds under it; "too many" needs a clean frontend.
  const phases = [one, many].filter((p) => p.held >= 1 && p.counted > 0);
  if (phases.length > 0 && pool >= 2) {
    const hits = phases.reduce((n, p) => n + p.hits, 0);
    const randomLow = sumOfBinomialsCdf(
      phases.map((p) => ({ n: p.counted, p: p.held / pool })),
      hits,
    );
    if (randomLow <= alpha) exclude(['random'], `${heldText(one, many)}: random picks ignore busy workers`);
    if (many.held >= 2 && many.counted > 0) {
      const q = (many.held * (many.held - 1)) / (pool * (pool - 1));
      if (sumOfBinomialsCdf([{ n: many.counted, p: q }], many.hits) <= alpha)
        exclude(
          ['power-of-two'],
          `with ${many.held} of ${pool} workers held busy, ${many.hits} of ${many.counted} requests went to a busy one: power-of-two draws two busy candidates ${Math.round(q * 100)}% of the time`,
        );
    }
    // Only phases that left a worker idle: least-loaded picks a busy one only when none is idle.
    const hitsWhileIdle = phases.filter((p) => p.held < pool).reduce((n, p) => n + p.hits, 0);
    if (clean && hitsWhileIdle >= 2)
      exclude(
        LOAD_AWARE,
        `${plural(hitsWhileIdle, 'request')} went to a worker held busy while another was idle and no other traffic ran: least-loaded never does`,
      );
    if (clean && one.held === 1 && one.hits >= 2)
      exclude(
        ['power-of-two'],
        `with one worker held busy, ${one.hits} of ${one.counted} requests still went to it while no other traffic ran: power-of-two never takes the busier of its two candidates`,
      );
  }

  const available: RouterMode[] = o.available.filter((m) => m !== 'direct');
  const ruledOut = new Set<RouterMode>(exclusions.flatMap((e) => e.modes));
  const consistent = available.filter((m) => !ruledOut.has(m));
  const pattern = patternText({
    core,
    inTurn,
    period,
    label,
    shared,
    distinct,
    tokens,
    one,
    many,
    workersSeen,
  });
  const workers = shares(all, label, graph);
  const result = {
    consistent,
    pattern,
    workers,
    listedWorkers: graph.length,
    idleWorkers: graph.filter((i) => !seen.has(i.id)).map((i) => i.id),
    maxMinRatio:
      workers.length >= 2
        ? Number(
            (
              Math.max(...workers.map((w) => w.requests)) / Math.min(...workers.map((w) => w.requests))
            ).toFixed(2),
          )
        : null,
    otherTraffic: o.traffic.otherTraffic,
    requests: obs.requests,
    durationMs: obs.durationMs,
    exclusions,
  };
  const limits = separationLimits(consistent, {
    workersSeen,
    pool,
    clean,
    traffic: o.traffic,
    stable,
    one,
    many,
    graph,
    distinct,
  });
  return judge({ ...result, verdict: 'unverifiable', reason: '', limits }, o.asked, available, o.traffic);
}

/**
 * The verdict for `asked` from what the patterns ruled out (the same analysis serves every asked
 * mode): ruled out → contradicted; the only mode left → verified; else unverifiable, with why.
 */
export function judge(
  a: ProbeAnalysis,
  asked: RouterMode | undefined,
  available: readonly RouterMode[],
  traffic: TrafficEvidence,
): ProbeAnalysis {
  const { consistent, exclusions } = a;
  const base = { ...a, observed: undefined, softContradiction: undefined };
  if (consistent.length === 0)
    return {
      ...base,
      verdict: 'unverifiable',
      reason: `The pattern fits no router mode (${exclusions.map((e) => e.reason).join('; ')}); ${traffic.detail}.`,
    };
  if (asked && available.includes(asked) && !consistent.includes(asked)) {
    const against = exclusions.filter((e) => e.modes.includes(asked));
    return {
      ...base,
      verdict: 'contradicted',
      observed: consistent.length === 1 ? consistent[0] : undefined,
      reason: against.map((e) => e.reason).join('; '),
      softContradiction: against.every((e) => e.soft),
    };
  }
  if (consistent.length === 1 && (!asked || asked === consistent[0])) {
    const only = consistent[0] as RouterMode;
    return {
      ...base,
      verdict: 'verified',
      observed: only,
      reason: `Only ${only} fits: ${exclusions
        .filter((e) => !e.modes.includes(only))
        .map((e) => e.reason)
        .join('; ')}.`,
    };
  }
  return {
    ...base,
    verdict: 'unverifiable',
    reason: `The pattern fits ${consistent.join(', ')}: ${a.limits}.`,
  };
}
