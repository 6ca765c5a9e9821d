// The router mode catalogue: what Dynamo 1.6 accepts, what each mode is for, and how to
// suggest the nearest valid mode for a typo (Dynamo itself silently falls back to round-robin).

export const ROUTER_MODES = [
  'round-robin',
  'random',
  'power-of-two',
  'least-loaded',
  'device-aware-weighted',
  'kv',
  'direct',
] as const;

export type RouterMode = (typeof ROUTER_MODES)[number];

export interface ModeInfo {
  mode: RouterMode;
  /** One line: what the mode does and when to pick it. */
  purpose: string;
  /** True when the mode routes on KV cache overlap and so cares about worker KV events. */
  usesKvCache: boolean;
  /** True when an ordinary request without a worker id header is rejected by design. */
  needsWorkerId: boolean;
}

export const MODE_CATALOGUE: Record<RouterMode, ModeInfo> = {
  'round-robin': {
    mode: 'round-robin',
    purpose: "cycles through workers in turn; Dynamo's default and the simplest baseline",
    usesKvCache: false,
    needsWorkerId: false,
  },
  random: {
    mode: 'random',
    purpose: 'sends each request to a random worker; a stateless baseline',
    usesKvCache: false,
    needsWorkerId: false,
  },
  'power-of-two': {
    mode: 'power-of-two',
    purpose: 'samples two workers and takes the one with fewer requests in flight; cheap load awareness',
    usesKvCache: false,
    needsWorkerId: false,
  },
  'least-loaded': {
    mode: 'least-loaded',
    purpose: 'picks the worker with the fewest active requests; a simple load-aware choice',
    usesKvCache: false,
    needsWorkerId: false,
  },
  'device-aware-weighted': {
    mode: 'device-aware-weighted',
    purpose: 'for pools mixing CPU and GPU workers: weighs load by device class, then least-loaded',
    usesKvCache: false,
    needsWorkerId: false,
  },
  kv: {
    mode: 'kv',
    purpose: 'scores workers by cached prefix overlap and load; pays off when prompts share long prefixes',
    usesKvCache: true,
    needsWorkerId: false,
  },
  direct: {
    mode: 'direct',
    purpose: 'an external orchestrator names the worker in the x-dynamo-worker-instance-id header',
    usesKvCache: false,
    needsWorkerId: true,
  },
};

export function isRouterMode(value: string): value is RouterMode {
  return (ROUTER_MODES as readonly string[]).includes(value);
}

/** Levenshtein distance (no transpositions); inputs are short names (modes, deployments). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/**
 * The valid mode a user most likely meant, or undefined when nothing is close.
 * Normalises case and separators first so `round_robin`, `KV` and `RoundRobin` map cleanly.
 */
export function nearestMode(value: string): RouterMode | undefined {
  const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const wanted = squash(value);
  if (!wanted) return undefined;
  const exact = ROUTER_MODES.find((m) => squash(m) === wanted);
  if (exact) return exact;
  const aliases: Record<string, RouterMode> = {
    kvaware: 'kv',
    kvrouter: 'kv',
    kvcache: 'kv',
    rr: 'round-robin',
    roundrobbin: 'round-robin',
    p2c: 'power-of-two',
    powerof2: 'power-of-two',
    poweroftwochoices: 'power-of-two',
    leastload: 'least-loaded',
    leastconnections: 'least-loaded',
  };
  if (aliases[wanted]) return aliases[wanted];
  let best: RouterMode | undefined;
  let bestDistance = Infinity;
  for (const mode of ROUTER_MODES) {
    const d = editDistance(wanted, squash(mode));
    if (d < bestDistance) {
      best = mode;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(wanted.length / 3)) ? best : undefined;
}
