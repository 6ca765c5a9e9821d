// How many probe requests of each kind to send, sized by the number of workers so that each test
// of analyse.ts can reach its ALPHA (chance.ts) when the mode it tests for is not running. Pure.
//
// The probe, in the order it is sent (every request sequential, max_tokens 1, asking for the
// worker id):
//   1. the core: requests sharing one long prefix, interleaved with requests of distinct long
//      prefixes in the unit "S D S D D" (shared-prefix requests never back to back, and at gaps of
//      2 and 3, so a router that takes workers in turn cannot put them all on one worker);
//   2. one stream held open (a long generation), then short requests: which go to the busy worker;
//   3. more streams held open (up to workers − 1 in all), then short requests again.
// What each mode does with that is in analyse.ts.

import { ALPHA, trialsToSee, uniformBusiestTail, uniformCycleChance } from './chance.js';

export type ProbeSize = 'auto' | number;

export type CorePhase = 'shared-prefix' | 'distinct-prefix';

export interface ProbeDesign {
  /** The worker count it was sized for. */
  workers: number;
  /** The core requests, in the order they are sent. */
  core: CorePhase[];
  /** Short requests while one worker is held busy. */
  oneHeld: number;
  /** Streams held open during the last phase (the first one included). */
  manyHolds: number;
  /** Short requests while `manyHolds` workers are held busy. */
  manyHeld: number;
  /** Every request the probe sends, held streams included. */
  total: number;
}

/** The most requests `auto` sends (more workers then leave some modes unverifiable: say so). */
export const AUTO_CAP = 80;
/** Worker count assumed when GET /health lists none. */
export const DEFAULT_WORKERS = 3;
/** Streams held open at once, at most. */
export const MAX_HOLDS = 8;

/** Shared-prefix requests so that the busiest worker of a random router rarely gets all but one. */
function sharedPrefixCount(workers: number): number {
  for (let n = 3; n < 40; n++) {
    const allowed = workers >= 3 ? n - 1 : n;
    if (uniformBusiestTail(n, workers, allowed) <= ALPHA) return n;
  }
  return 40;
}

/** The core's order: units of S D S D D, cut to the counts asked for. */
export function coreOrder(shared: number, distinct: number): CorePhase[] {
  const order: CorePhase[] = [];
  let s = 0;
  let d = 0;
  const unit: CorePhase[] = [
    'shared-prefix',
    'distinct-prefix',
    'shared-prefix',
    'distinct-prefix',
    'distinct-prefix',
  ];
  while (s < shared || d < distinct) {
    for (const phase of unit) {
      if (phase === 'shared-prefix' && s < shared) {
        order.push(phase);
        s++;
      } else if (phase === 'distinct-prefix' && d < distinct) {
        order.push(phase);
        d++;
      }
    }
  }
  return order;
}

function autoCounts(workers: number): {
  shared: number;
  distinct: number;
  oneHeld: number;
  manyHolds: number;
  manyHeld: number;
} {
  const shared = sharedPrefixCount(workers);
  let distinct = Math.ceil(1.5 * shared);
  // Enough core requests that a random router almost never takes the workers in turn by chance.
  while (uniformCycleChance(shared + distinct, workers) > ALPHA / 10 || shared + distinct < 2 * workers + 2)
    distinct++;
  const oneHeld = trialsToSee(1 / workers);
  const manyHolds = workers >= 3 ? Math.min(workers - 1, MAX_HOLDS) : 0;
  const q = (manyHolds * (manyHolds - 1)) / (workers * (workers - 1));
  const manyHeld = manyHolds >= 2 ? trialsToSee(q) : 0;
  return { shared, distinct, oneHeld, manyHolds, manyHeld };
}

/** The probe for about `workers` workers (0: unknown), `auto` or about `size` requests in all. */
export function designProbe(workers: number, size: ProbeSize): ProbeDesign {
  const w = Math.min(Math.max(workers > 0 ? workers : DEFAULT_WORKERS, 2), 32);
  const c = autoCounts(w);
  const n = { shared: c.shared, distinct: c.distinct, oneHeld: c.oneHeld, manyHeld: c.manyHeld };
  const design = (): ProbeDesign => build(w, n.shared, n.distinct, n.oneHeld, c.manyHolds, n.manyHeld);
  const limit = size === 'auto' ? AUTO_CAP : size;
  if (size !== 'auto') {
    // A requested size scales the auto design alike; the tests then decide on what was sent.
    const auto = designProbe(workers, 'auto');
    const scale = size / auto.total;
    const part = (k: number, min: number): number => (k === 0 ? 0 : Math.max(min, Math.round(k * scale)));
    n.shared = part(auto.core.filter((p) => p === 'shared-prefix').length, 2);
    n.distinct = part(auto.core.filter((p) => p === 'distinct-prefix').length, 2);
    n.oneHeld = part(auto.oneHeld, 1);
    n.manyHeld = part(auto.manyHeld, 1);
  }
  // Over the limit, the one-held phase (the random / power-of-two split) gives way first, then
  // the largest phase, one request at a time (many workers: some modes may then be unverifiable,
  // and the run says so).
  let d = design();
  while (d.total > limit && n.oneHeld > 4) {
    n.oneHeld--;
    d = design();
  }
  while (d.total > limit && Math.max(n.distinct, n.oneHeld, n.manyHeld) > 1) {
    const key = (['distinct', 'oneHeld', 'manyHeld'] as const).reduce((a, b) => (n[b] > n[a] ? b : a));
    n[key]--;
    d = design();
  }
  return d;
}

function build(
  workers: number,
  shared: number,
  distinct: number,
  oneHeld: number,
  manyHolds: number,
  manyHeld: number,
): ProbeDesign {
  const holds = (oneHeld > 0 ? 1 : 0) + (manyHeld > 0 ? Math.max(0, manyHolds - 1) : 0);
  return {
    workers,
    core: coreOrder(shared, distinct),
    oneHeld,
    manyHolds: manyHeld > 0 ? manyHolds : 0,
    manyHeld,
    total: shared + distinct + oneHeld + manyHeld + holds,
  };
}
