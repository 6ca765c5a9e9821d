// Small pure helpers the routing probe's readings share: counting requests per worker, turn
// order, the A B C labels and sentences the patterns are told in, shares per worker, and which
// listed workers belong to the probed graph.

import type { ListedInstance } from '../../check/direct-worker.js';
import type { ProbeRequestRecord, WorkerShare } from '../../model/routing.js';

export const served = (r: ProbeRequestRecord): r is ProbeRequestRecord & { worker: string } =>
  r.status === 200 && r.worker !== undefined;

export function counts(workers: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of workers) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}

export function busiest(workers: readonly string[]): number {
  return Math.max(0, ...counts(workers).values());
}

/** seq takes `period` distinct workers in one fixed order, over and over. */
export function takesTurns(seq: readonly string[], period: number): boolean {
  if (period < 2 || seq.length < period) return false;
  if (new Set(seq.slice(0, period)).size !== period) return false;
  return seq.every((w, i) => i < period || w === seq[i - period]);
}

/** Worker labels A, B, C … in order of first appearance (AA, AB … after Z). */
export function labeller(order: readonly string[]): (id: string) => string {
  const labels = new Map<string, string>();
  const name = (i: number): string =>
    i < 26
      ? String.fromCharCode(65 + i)
      : `${name(Math.floor(i / 26) - 1)}${String.fromCharCode(65 + (i % 26))}`;
  for (const id of order) if (!labels.has(id)) labels.set(id, name(labels.size));
  return (id) => labels.get(id) ?? '?';
}

export function sequenceText(seq: readonly string[], label: (id: string) => string, max = 18): string {
  const shown = seq.slice(0, max).map(label).join(' ');
  return seq.length > max ? `${shown} …` : shown;
}

export function countsText(seq: readonly string[], label: (id: string) => string): string {
  return [...counts(seq).entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([id, n]) => `${label(id)} ${n}`)
    .join(', ');
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The listed instances of the graph the probe's workers belong to (other graphs may share /health). */
export function graphInstances(
  listed: readonly ListedInstance[],
  seen: ReadonlySet<string>,
): ListedInstance[] {
  const mine = listed.filter((i) => seen.has(i.id));
  if (mine.length === 0) return [...listed];
  const key = (i: ListedInstance): string => `${i.namespace ?? ''}/${i.component ?? ''}`;
  const graphs = new Set(mine.map(key));
  return listed.filter((i) => graphs.has(key(i)));
}

export function shares(
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
