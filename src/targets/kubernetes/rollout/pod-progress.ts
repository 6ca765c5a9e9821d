// Has the frontend rolled? Pure judgement over pod objects: which pods already run the new env
// and are Ready, which old ones remain; and whether the operator rolls them at all (Grove's
// OnDelete). Why a pod is stuck: pod-diagnosis.ts.

import { NAMES_LISTED } from '../../../bounded/limits.js';
import type { EnvEntry } from '../../../model/contract.js';
import { envMatches, type RouterExpectation } from '../decide/env-change.js';
import { asArray, asString, dig, isObject, type JsonObject } from '../object/json.js';

export interface PodView {
  name: string;
  phase: string;
  ready: boolean;
  terminating: boolean;
  /** True when the frontend container's spec carries the expected router env. */
  current: boolean;
}

export function frontendContainer(pod: JsonObject, containerName: string): JsonObject | undefined {
  const containers = (asArray(dig(pod, 'spec', 'containers')) ?? []).filter(isObject);
  return (
    containers.find((c) => c.name === containerName) ?? (containers.length === 1 ? containers[0] : undefined)
  );
}

export function podView(pod: JsonObject, containerName: string, expected: RouterExpectation): PodView {
  const container = frontendContainer(pod, containerName);
  const env = ((asArray(container?.env) ?? []).filter(isObject) as unknown as EnvEntry[]) ?? [];
  const conditions = (asArray(dig(pod, 'status', 'conditions')) ?? []).filter(isObject);
  return {
    name: asString(dig(pod, 'metadata', 'name')) ?? '?',
    phase: asString(dig(pod, 'status', 'phase')) ?? 'Pending',
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    terminating: Boolean(dig(pod, 'metadata', 'deletionTimestamp')),
    current: container !== undefined && envMatches(env, expected),
  };
}

export interface RolloutState {
  done: boolean;
  fresh: PodView[];
  old: PodView[];
  summary: string;
}

/** Names for a message: the first NAMES_LISTED, then how many more (a flood must not fill the log). */
export function listNames(names: readonly string[], max = NAMES_LISTED): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${(names.length - max).toLocaleString('en-US')} more`;
}

// Finished pods (evicted, completed) serve nothing and are never cleaned up by a rollout.
const live = (p: PodView): boolean => p.phase !== 'Failed' && p.phase !== 'Succeeded';
const fresh = (p: PodView): boolean => p.current && !p.terminating;

function isDone(fresh: number, ready: number, old: number, replicas: number): boolean {
  const want = Math.max(replicas, 0);
  return old === 0 && fresh >= want && ready === fresh && (want > 0 || fresh === 0);
}

/** Done: enough pods with the new env, all Ready, and no old (or terminating) pod left. */
export function assessRollout(pods: PodView[], replicas: number): RolloutState {
  const alive = pods.filter(live);
  const current = alive.filter(fresh);
  const old = alive.filter((p) => !fresh(p));
  const ready = current.filter((p) => p.ready).length;
  const summary = `${ready}/${Math.max(Math.max(replicas, 0), current.length)} pod(s) Ready with the new env, ${old.length} old pod(s) remaining${
    old.length ? ` (${listNames(old.map((p) => `${p.name}${p.terminating ? ' terminating' : ''}`))})` : ''
  }`;
  return { done: isDone(current.length, ready, old.length, replicas), fresh: current, old, summary };
}

/**
 * The same judgement kept up to date one pod at a time: a watch event costs O(1) however many
 * pods there are, so a flood of events costs time linear in their number. `state()` gives the
 * full picture (O(pods)) for a progress line or the end.
 */
export class RolloutTally {
  private readonly views = new Map<string, PodView>();
  private fresh = 0;
  private ready = 0;
  private old = 0;
  private readonly replicas: number;
  constructor(replicas: number) {
    this.replicas = replicas;
  }

  private count(view: PodView, by: 1 | -1): void {
    if (!live(view)) return;
    if (!fresh(view)) this.old += by;
    else {
      this.fresh += by;
      if (view.ready) this.ready += by;
    }
  }

  /** Records a pod's view, or its removal (undefined). */
  set(key: string, view: PodView | undefined): void {
    const before = this.views.get(key);
    if (before) this.count(before, -1);
    if (view) {
      this.views.set(key, view);
      this.count(view, 1);
    } else this.views.delete(key);
  }

  clear(): void {
    this.views.clear();
    this.fresh = this.ready = this.old = 0;
  }

  get done(): boolean {
    return isDone(this.fresh, this.ready, this.old, this.replicas);
  }

  get size(): number {
    return this.views.size;
  }

  state(): RolloutState {
    return assessRollout([...this.views.values()], this.replicas);
  }
}

export const GROVE_UPDATE_STRATEGY = 'nvidia.com/grove-update-strategy';

/**
 * True when the operator will not roll the frontend by itself: its pods are Grove's (owned by a
 * grove.io PodClique/PodCliqueSet) and the DGD asks Grove for the OnDelete update strategy, under
 * which a running pod is only replaced once someone deletes it.
 */
export function rollsOnlyOnDelete(dgd: JsonObject, frontendPods: JsonObject[]): boolean {
  if (asString(dig(dgd, 'metadata', 'annotations', GROVE_UPDATE_STRATEGY)) !== 'OnDelete') return false;
  return frontendPods.some((pod) =>
    (asArray(dig(pod, 'metadata', 'ownerReferences')) ?? []).some((ref) =>
      (asString(dig(ref, 'apiVersion')) ?? '').startsWith('grove.io/'),
    ),
  );
}
