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
// Each test below rules modes out with at most ALPHA (stats.ts) chance of ruling out the mode
// that runs, also under other traffic unless it needs `clean` (no other traffic, read from the
// frontend's /metrics). A mode is verified only when every other mode is ruled out; a mode that
// every source rules out is a contradiction; anything else is unverifiable, with why.

import type { ListedInstance } from '../../check/direct-worker.js';
import type { RouterMode } from '../../modes.js';
import type { ProbeRequestRecord, RoutingProbe, WorkerShare } from '../../report/routing-result.js';
import {
  ALPHA,
  ALPHA_BUSY,
  hypergeometricTail,
  sumOfBinomialsCdf,
  uniformBusiestTail,
  uniformCycleChance,
} from './stats.js';

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

export interface TrafficEvidence {
  otherTraffic: 'none' | 'seen' | 'unknown';
  /** What the frontend's /metrics showed, for the reason text. */
  detail: string;
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

const served = (r: ProbeRequestRecord): r is ProbeRequestRecord & { worker: string } =>
  r.status === 200 && r.worker !== undefined;

function counts(workers: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of workers) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

function busiest(workers: readonly string[]): number {
  return Math.max(0, ...counts(workers).values());
}

/** seq takes `period` distinct workers in one fixed order, over and over. */
export function takesTurns(seq: readonly string[], period: number): boolean {
  if (period < 2 || seq.length < period) return false;
  if (new Set(seq.slice(0, period)).size !== period) return false;
  return seq.every((w, i) => i < period || w === seq[i - period]);
}

/** Worker labels A, B, C … in order of first appearance (AA, AB … after Z). */
function labeller(order: readonly string[]): (id: string) => string {
  const labels = new Map<string, string>();
  const name = (i: number): string =>
    i < 26
      ? String.fromCharCode(65 + i)
      : `${name(Math.floor(i / 26) - 1)}${String.fromCharCode(65 + (i % 26))}`;
  for (const id of order) if (!labels.has(id)) labels.set(id, name(labels.size));
  return (id) => labels.get(id) ?? '?';
}

function sequenceText(seq: readonly string[], label: (id: string) => string, max = 18): string {
  const shown = seq.slice(0, max).map(label).join(' ');
  return seq.length > max ? `${shown} …` : shown;
}

function countsText(seq: readonly string[], label: (id: string) => string): string {
  return [...counts(seq).entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([id, n]) => `${label(id)} ${n}`)
    .join(', ');
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The held phases as counted: which workers were held, how many requests went to one. */
interface HeldPhase {
  held: number;
  counted: number;
  hits: number;
}

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

/** The listed instances of the graph the probe's workers belong to (other graphs may share /health). */
function graphInstances(listed: readonly ListedInstance[], seen: ReadonlySet<string>): ListedInstance[] {
  const mine = listed.filter((i) => seen.has(i.id));
  if (mine.length === 0) return [...listed];
  const key = (i: ListedInstance): string => `${i.namespace ?? ''}/${i.component ?? ''}`;
  const graphs = new Set(mine.map(key));
  return listed.filter((i) => graphs.has(key(i)));
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

function heldText(one: HeldPhase, many: HeldPhase): string {
  const parts: string[] = [];
  if (one.counted > 0)
    parts.push(`with one worker held busy ${one.hits} of ${one.counted} requests went to it`);
  if (many.counted > 0 && many.held >= 2)
    parts.push(`with ${many.held} held busy ${many.hits} of ${many.counted} went to a busy one`);
  return parts.join(', and ');
}

interface PatternFacts {
  core: string[];
  inTurn: boolean;
  period: number;
  label: (id: string) => string;
  shared: string[];
  distinct: string[];
  tokens: string;
  one: HeldPhase;
  many: HeldPhase;
  workersSeen: number;
}

/** One sentence of what the requests did, e.g. "24 requests took the 3 workers in turn (A B C …)". */
function patternText(f: PatternFacts): string {
  if (f.core.length === 0) return 'No probe request named the worker that served it.';
  const parts: string[] = [];
  parts.push(
    f.inTurn
      ? `${f.core.length} requests took the ${f.period} workers in turn (${sequenceText(f.core, f.label, 12)})`
      : `${f.core.length} requests went ${sequenceText(f.core, f.label)}`,
  );
  if (f.shared.length)
    parts.push(
      `the ${f.shared.length} sharing one ${f.tokens}prefix went to ${plural(new Set(f.shared).size, 'worker')} (${countsText(f.shared, f.label)})`,
    );
  if (f.distinct.length)
    parts.push(
      `the ${f.distinct.length} with distinct prefixes to ${plural(new Set(f.distinct).size, 'worker')}`,
    );
  const held = heldText(f.one, f.many);
  if (held) parts.push(held);
  return `${parts.join('; ')}.`;
}

function shares(
  all: readonly (ProbeRequestRecord & { worker: string })[],
  label: (id: string) => string,
  graph: readonly ListedInstance[],
): WorkerShare[] {
  const c = counts(all.map((r) => r.worker));
  const total = all.length;
  return [...c.entries()].map(([id, n]) => ({
    id,
    label: label(id),
    requests: n,
    share: Number((n / total).toFixed(3)),
    ...(graph.find((i) => i.id === id)?.deviceType
      ? { deviceType: graph.find((i) => i.id === id)?.deviceType }
      : {}),
  }));
}

interface Limits {
  workersSeen: number;
  pool: number;
  clean: boolean;
  traffic: TrafficEvidence;
  stable: boolean;
  one: HeldPhase;
  many: HeldPhase;
  graph: readonly ListedInstance[];
  distinct: readonly string[];
}

/** Why the modes left could not be told apart, most decisive first. */
function separationLimits(modes: readonly RouterMode[], l: Limits): string {
  const has = (m: RouterMode): boolean => modes.includes(m);
  const reasons: string[] = [];
  if (l.workersSeen <= 1)
    reasons.push(
      l.graph.length > 1
        ? `every request went to one worker although /health lists ${l.graph.length}`
        : 'every request went to one worker: with one worker every mode routes alike',
    );
  if (!l.clean)
    reasons.push(
      !l.stable
        ? 'the worker set changed during the probe'
        : `${l.traffic.detail}, so round-robin's turn order and the load-aware modes' avoidance of busy workers cannot be read`,
    );
  const heldCounted = l.one.counted + l.many.counted;
  if (heldCounted === 0 && l.workersSeen > 1)
    reasons.push(
      'the streams held open to load workers ended before requests could be sent (a fast engine finishes them quickly), so load-aware modes cannot be told from others',
    );
  if (has('least-loaded') && has('device-aware-weighted')) {
    const devices = [...new Set(l.graph.map((i) => i.deviceType).filter(Boolean))];
    reasons.push(
      `device-aware-weighted routes as least-loaded when every worker is of one device class${devices.length === 1 ? ` (all ${devices[0]})` : ''}, so the two cannot be told apart from requests`,
    );
  }
  if (has('least-loaded') && has('power-of-two') && l.pool === 2)
    reasons.push('with two workers power-of-two samples both and routes as least-loaded');
  if (has('kv') && has('least-loaded') && new Set(l.distinct).size <= 1 && l.distinct.length > 0)
    reasons.push(
      'requests with distinct prefixes did not spread, so kv cannot be told from a least-loaded router that breaks ties toward the first worker',
    );
  if (reasons.length === 0)
    reasons.push(
      'the probe had too few requests to tell them apart at its error rate (raise `probe-requests`)',
    );
  return reasons.join('; ');
}

/**
 * Direct mode's probe: requests naming a worker. Served elsewhere rules direct out; served by the
 * named worker proves little alone, because Dynamo 1.6 serves a named worker in other modes too
 * (measured: round-robin honours x-dynamo-worker-instance-id), so direct is told by a request that
 * names none (verify.ts).
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
