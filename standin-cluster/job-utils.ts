// What the Job controller reads off pods and keeps between syncs, after kubernetes/kubernetes
// pkg/controller/job: utils.go / job_controller.go (isPodFailed, onlyReplaceFailedPods,
// pastBackoffLimitOnFailure, newCondition), indexed_job_utils.go (completion indexes and their
// interval form), backoff_utils.go (the delay before a failed pod is replaced) and
// pkg/controller/controller_utils.go (ActivePods: which pods go first when there are too many).
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { isPodReady } from './controllers.ts';
import { COMPLETION_INDEX, TRACKING_FINALIZER } from './jobs.ts';

type AnyObj = Record<string, any>;

export interface Condition {
  type: string;
  reason: string;
  message: string;
}

export const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const terminal = (p: AnyObj) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
export const controllerOf = (p: AnyObj): AnyObj | undefined =>
  (p.metadata.ownerReferences ?? []).find((r: AnyObj) => r.controller);
/** Still carries the job-tracking finalizer: not yet counted in the Job's status. */
export const tracked = (p: AnyObj) => (p.metadata.finalizers ?? []).includes(TRACKING_FINALIZER);

/** getCompletionIndex: the pod's completion index annotation, −1 when absent or invalid. */
export function indexOf(p: AnyObj): number {
  const v = p.metadata.annotations?.[COMPLETION_INDEX];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : -1;
}

/** onlyReplaceFailedPods: podReplacementPolicy Failed, or a pod failure policy. */
export function onlyReplaceFailed(job: AnyObj): boolean {
  return job.spec.podReplacementPolicy === 'Failed' || !!job.spec.podFailurePolicy;
}

/** isPodFailed: Failed, or deleted before it succeeded (unless only failed pods are replaced). */
export function isPodFailed(p: AnyObj, job: AnyObj): boolean {
  if (p.status?.phase === 'Failed') return true;
  if (onlyReplaceFailed(job)) return false;
  return !!p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded';
}

/** pastBackoffLimitOnFailure: restartPolicy OnFailure, container restarts of running pods. */
export function pastBackoffLimitOnFailure(job: AnyObj, pods: AnyObj[]): boolean {
  if (job.spec.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods)
    if (['Running', 'Pending'].includes(p.status?.phase))
      for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])])
        restarts += s.restartCount ?? 0;
  return job.spec.backoffLimit === 0 ? restarts > 0 : restarts >= job.spec.backoffLimit;
}

/** orderedIntervals.String(): `0-2,4`. */
export function intervals(indexes: number[]): string {
  const s = [...new Set(indexes)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    out.push(i === j ? String(s[i]) : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** parseIndexesFromString: the indexes of `0-2,4` below `completions`. */
export function parseIntervals(text: string | undefined, completions: number): number[] {
  const out: number[] = [];
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    for (let i = a; i <= (b ?? a) && i < completions; i++) out.push(i);
  }
  return out;
}

/** newCondition: status True, probe and transition time now. */
export function condition(c: Condition, now: number): AnyObj {
  const t = stamp(now);
  return {
    type: c.type,
    status: 'True',
    lastProbeTime: t,
    lastTransitionTime: t,
    reason: c.reason,
    message: c.message,
  };
}

/** controller.ActivePods: unscheduled, then pending, then not ready, then newest go first. */
export function removalOrder(a: AnyObj, b: AnyObj): number {
  const rank = (p: AnyObj) =>
    (p.spec?.nodeName ? 4 : 0) + (p.status?.phase === 'Running' ? 2 : 0) + (isPodReady(p) ? 1 : 0);
  return (
    rank(a) - rank(b) ||
    Date.parse(b.metadata.creationTimestamp ?? '') - Date.parse(a.metadata.creationTimestamp ?? '')
  );
}

/** backoffStore: failures since the last success and when the last one was counted, per Job uid. */
export class PodFailureBackoff {
  private records = new Map<string, { failures: number; lastFailureMs: number }>();
  private baseMs: number;
  private maxMs: number;

  constructor(baseMs: number, maxMs: number) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
  }

  /** newBackoffRecord: a success resets the count; failures after it add up. */
  record(uid: string, succeeded: number, failed: number, now: number): void {
    if (!succeeded && !failed) return;
    const rec = this.records.get(uid) ?? { failures: 0, lastFailureMs: 0 };
    if (succeeded) rec.failures = 0;
    if (failed) {
      rec.failures += failed;
      rec.lastFailureMs = now;
    }
    this.records.set(uid, rec);
  }

  /** getRemainingTime: base × 2^(failures−1), capped, minus the time since the last failure. */
  remaining(uid: string, now: number): number {
    const rec = this.records.get(uid);
    if (!rec?.failures) return 0;
    const delay = Math.min(this.baseMs * 2 ** (rec.failures - 1), this.maxMs);
    return Math.max(0, delay - (now - rec.lastFailureMs));
  }

  forget(uid: string): void {
    this.records.delete(uid);
  }
}
