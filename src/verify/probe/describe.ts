// The routing probe's findings in words: one sentence of what its requests did, and why the
// modes left could not be told apart. Pure.

import type { ListedInstance } from '../../check/direct-worker.js';
import type { RouterMode } from '../../model/modes.js';
import type { TrafficEvidence } from './traffic.js';
import { countsText, plural, sequenceText } from './patterns.js';

/** The held phases as counted: which workers were held, how many requests went to one. */
export interface HeldPhase {
  held: number;
  counted: number;
  hits: number;
}

export function heldText(one: HeldPhase, many: HeldPhase): string {
  const parts: string[] = [];
  if (one.counted > 0)
    parts.push(`with one worker held busy ${one.hits} of ${one.counted} requests went to it`);
  if (many.counted > 0 && many.held >= 2)
    parts.push(`with ${many.held} held busy ${many.hits} of ${many.counted} went to a busy one`);
  return parts.join(', and ');
}

export interface PatternFacts {
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
export function patternText(f: PatternFacts): string {
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

export interface Limits {
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
export function separationLimits(modes: readonly RouterMode[], l: Limits): string {
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
