// The TTL-after-finished controller, after kubernetes/kubernetes
// pkg/controller/ttlafterfinished/ttlafterfinished_controller.go: a finished Job (Complete or Failed
// True) with `spec.ttlSecondsAfterFinished` is deleted that many seconds after the condition's
// lastTransitionTime, with propagationPolicy Foreground and a UID precondition, so its pods go first.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { rtOf } from './controllers.ts';
import { isJobFinished } from './jobs.ts';
import type { Store, StoreEvent } from './store.ts';

type AnyObj = Record<string, any>;
const JOBS = rtOf('jobs');

export class TtlAfterFinishedController {
  private store: Store;
  private deleteJob: (ns: string, name: string) => void;
  private timers = new Map<string, NodeJS.Timeout>();
  private unsub: () => void;
  private stopped = false;

  /** `deleteJob` deletes with propagationPolicy Foreground (ControllerManager.deleteObject). */
  constructor(store: Store, deleteJob: (ns: string, name: string) => void) {
    this.store = store;
    this.deleteJob = deleteJob;
    this.unsub = store.onEvent((e) => this.onEvent(e));
  }

  stop(): void {
    this.stopped = true;
    this.unsub();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private onEvent(e: StoreEvent): void {
    if (e.rt.plural !== 'jobs' || e.type === 'DELETED') return;
    if (needsCleanup(e.object))
      this.process(e.object.metadata.namespace!, e.object.metadata.name, e.object.metadata.uid);
  }

  /** processJob: delete once the TTL has expired on the fresh object, else come back when it will. */
  private process(ns: string, name: string, uid: string): void {
    if (this.stopped) return;
    const key = `${ns}/${name}`;
    const job = this.store.get(JOBS, ns, name);
    if (!job || job.metadata.uid !== uid || !needsCleanup(job)) return;
    const left = finishedAt(job) + job.spec.ttlSecondsAfterFinished * 1000 - Date.now();
    if (left > 0) {
      clearTimeout(this.timers.get(key));
      this.timers.set(
        key,
        setTimeout(() => {
          this.timers.delete(key);
          this.process(ns, name, uid);
        }, left),
      );
      return;
    }
    try {
      this.deleteJob(ns, name);
    } catch {
      /* gone meanwhile */
    }
  }
}

/** needsCleanup: a TTL is set, the Job finished and is not being deleted already. */
function needsCleanup(job: AnyObj): boolean {
  return job.spec?.ttlSecondsAfterFinished != null && isJobFinished(job) && !job.metadata.deletionTimestamp;
}

/** jobFinishTime: the lastTransitionTime of the Complete or Failed condition. */
function finishedAt(job: AnyObj): number {
  const c = (job.status?.conditions ?? []).find(
    (x: AnyObj) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True',
  );
  return Date.parse(c?.lastTransitionTime ?? '') || Date.now();
}
