// The probabilities the routing probe's tests rest on, exact and pure: how likely a pattern is
// under a router that picks workers at random (uniform, independent), and binomial tails for the
// held-worker phases. Each test rules a mode out only when its pattern has at most ALPHA chance
// under that mode (see design.ts for how the tests add up to the 1% per mode pair).

/** The chance a single test may rule out a mode that is in fact running (three tests at most per mode). */
export const ALPHA = 0.002;
/**
 * The same when other traffic may have reached the frontend (or its /metrics could not tell):
 * thirty times stricter, so other traffic all but never turns into a contradiction.
 */
export const ALPHA_BUSY = ALPHA / 30;

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialCdf(n: number, p: number, k: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  return sumOfBinomialsCdf([{ n, p }], k);
}

/** P(X₁ + … ≤ k) for independent Xᵢ ~ Binomial(nᵢ, pᵢ): the distribution of the sum, convolved. */
export function sumOfBinomialsCdf(parts: readonly { n: number; p: number }[], k: number): number {
  if (k < 0) return 0;
  let dist = [1];
  for (const { n, p } of parts) {
    const q = Math.min(1, Math.max(0, p));
    for (let i = 0; i < n; i++) {
      const next = new Array<number>(dist.length + 1).fill(0);
      for (let j = 0; j < dist.length; j++) {
        next[j] += dist[j] * (1 - q);
        next[j + 1] += dist[j] * q;
      }
      dist = next;
    }
  }
  let total = 0;
  for (let j = 0; j <= Math.min(k, dist.length - 1); j++) total += dist[j];
  return Math.min(1, total);
}

/**
 * P(the busiest of `workers` workers gets at least m of n requests) when each request picks a
 * worker uniformly at random: 1 − P(every worker gets fewer than m), counted with the exponential
 * generating function (Σ_{j<m} x^j/j!)^W. Exact up to n = 150; beyond, a union bound.
 */
export function uniformBusiestTail(n: number, workers: number, m: number): number {
  if (workers <= 1) return m <= n ? 1 : 0;
  if (m <= Math.ceil(n / workers)) return 1;
  if (m > n) return 0;
  if (n > 150) return Math.min(1, workers * (1 - binomialCdf(n, 1 / workers, m - 1)));
  const factorial: number[] = [1];
  for (let i = 1; i <= n; i++) factorial.push(factorial[i - 1] * i);
  const one = Array.from({ length: Math.min(m, n + 1) }, (_, j) => 1 / factorial[j]);
  let poly = [1];
  for (let w = 0; w < workers; w++) {
    const next = new Array<number>(Math.min(poly.length + one.length - 1, n + 1)).fill(0);
    for (let a = 0; a < poly.length; a++)
      for (let b = 0; b < one.length && a + b <= n; b++) next[a + b] += poly[a] * one[b];
    poly = next;
  }
  const below = ((poly[n] ?? 0) * factorial[n]) / workers ** n;
  return Math.min(1, Math.max(0, 1 - below));
}

/** P(n uniform random picks over `workers` workers take them in one fixed turn order): W! · W^−n. */
export function uniformCycleChance(n: number, workers: number): number {
  if (workers < 2 || n < workers) return 1;
  let chance = 1;
  for (let i = 2; i <= workers; i++) chance *= i;
  return chance * workers ** -n;
}

/** The fewest trials n with (1 − p)^n ≤ alpha: enough to see at least one event of chance p. */
export function trialsToSee(p: number, alpha = ALPHA): number {
  if (p <= 0) return Infinity;
  if (p >= 1) return 1;
  return Math.ceil(Math.log(alpha) / Math.log(1 - p));
}

/**
 * P(X ≥ a) for X ~ Hypergeometric: `draws` taken from `total` items of which `marked` are marked
 * (Fisher's exact test, one-sided). Used to ask whether one group of requests went to a worker
 * more often than the requests around it, whatever the router's (prompt-blind) preferences.
 */
export function hypergeometricTail(total: number, marked: number, draws: number, a: number): number {
  const logChoose = (n: number, k: number): number => {
    if (k < 0 || k > n) return -Infinity;
    let s = 0;
    for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
    return s;
  };
  const denominator = logChoose(total, draws);
  let tail = 0;
  for (let x = Math.max(a, 0); x <= Math.min(marked, draws); x++)
    tail += Math.exp(logChoose(marked, x) + logChoose(total - marked, draws - x) - denominator);
  return Math.min(1, tail);
}
