// The Job controller, after kubernetes/kubernetes pkg/controller/job/job_controller.go (syncJob,
// manageJob, trackJobStatusAndRemoveFinalizers, enactJobFinished, pastActiveDeadline,
// pastBackoffLimitOnFailure), backoff_utils.go (the delay before replacing failed pods) and
// indexed_job_utils.go, as released in the 1.32 line with JobPodReplacementPolicy and JobSuccessPolicy
// on: a finished Job first gets the interim FailureTarget / SuccessCriteriaMet condition, and
// Failed / Complete once none of its pods is still terminating.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { applyDefaults } from './defaults.ts';
import { isPodReady, ownerRef, rtOf, type EventRecorder } from './controllers.ts';
import { COMPLETION_INDEX, TRACKING_FINALIZER, isJobFinished, podFromTemplate } from './jobs.ts';
import {
  PodFailureBackoff,
  condition,
  controllerOf,
  indexOf,
  intervals,
  isPodFailed,
  onlyReplaceFailed,
  parseIntervals,
  pastBackoffLimitOnFailure,
  removalOrder,
  stamp,
  terminal,
  tracked,
  type Condition,
} from './job-utils.ts';
import { clone, deepEqual } from './patch.ts';
import type { K8sObject, Store, StoreEvent } from './store.ts';

type AnyObj = Record<string, any>;
const JOBS = rtOf('jobs');
const PODS = rtOf('pods');
const COMPONENT = 'job-controller';

export interface JobControllerOptions {
  /** DefaultJobPodFailureBackOff: the first delay before a failed pod is replaced (real 10 s). */
  podFailureBackoffMs?: number;
  /** MaxJobPodFailureBackOff (real 10 min). */
  podFailureBackoffMaxMs?: number;
  /** syncJobBatchPeriod: pod events are batched this long (real 1 s). */
  batchMs?: number;
}

export interface JobControllerDeps {
  store: Store;
  events: EventRecorder;
  /** A graceful pod delete, as the API server does it (ControllerManager.deleteObject). */
  deletePod(ns: string, name: string): void;
}

export class JobController {
  private deps: JobControllerDeps;
  private opts: JobControllerOptions;
  private due = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private backoff: PodFailureBackoff;
  private unsub: () => void;
  private stopped = false;

  constructor(deps: JobControllerDeps, opts: JobControllerOptions = {}) {
    this.deps = deps;
    this.opts = opts;
    this.backoff = new PodFailureBackoff(
      opts.podFailureBackoffMs ?? 1000,
      opts.podFailureBackoffMaxMs ?? 60_000,
    );
    this.unsub = deps.store.onEvent((e) => this.onEvent(e));
  }

  stop(): void {
    this.stopped = true;
    this.unsub();
    for (const d of this.due.values()) clearTimeout(d.timer);
    this.due.clear();
  }

  private onEvent(e: StoreEvent): void {
    const o = e.object;
    if (e.rt.plural === 'jobs') {
      if (e.type === 'DELETED') {
        this.backoff.forget(o.metadata.uid);
        this.releasePods(o);
      } else this.enqueue(`${o.metadata.namespace}/${o.metadata.name}`, 0);
    } else if (e.rt.plural === 'pods') {
      const ref = controllerOf(o);
      if (ref?.kind === 'Job' && ref.apiVersion === 'batch/v1')
        this.enqueue(`${o.metadata.namespace}/${ref.name}`, this.opts.batchMs ?? 50);
    }
  }

  /** workqueue.AddAfter: a key already due sooner keeps its time. */
  private enqueue(key: string, delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + Math.max(0, delayMs);
    const cur = this.due.get(key);
    if (cur && cur.at <= at) return;
    if (cur) clearTimeout(cur.timer);
    const timer = setTimeout(
      () => {
        this.due.delete(key);
        if (this.stopped) return;
        try {
          this.sync(key);
        } catch (err) {
          const code = (err as { code?: number }).code;
          if (code === 409 || code === 404) this.enqueue(key, 50);
          else console.error(`[stand-in] job controller ${key} failed:`, err);
        }
      },
      Math.max(0, at - Date.now()),
    );
    this.due.set(key, { at, timer });
  }

  private sync(key: string): void {
    const { store } = this.deps;
    const [ns, name] = key.split('/');
    const job = store.get(JOBS, ns, name);
    if (!job || isJobFinished(job)) return;
    const uid = job.metadata.uid;
    const spec = job.spec;
    const indexed = spec.completionMode === 'Indexed';
    const now = Date.now();
    const status: AnyObj = clone(job.status ?? {});
    const owned = () => store.list(PODS, ns).filter((p) => controllerOf(p)?.uid === uid);
    const pods = owned();
    let active: AnyObj[] = pods.filter((p) => !terminal(p) && !p.metadata.deletionTimestamp);
    const newSucceeded = pods.filter((p) => tracked(p) && p.status?.phase === 'Succeeded');
    const newFailed = pods.filter((p) => tracked(p) && isPodFailed(p, job));
    let succeeded = (status.succeeded ?? 0) + newSucceeded.length;
    const failed = (status.failed ?? 0) + newFailed.length;
    if (!status.startTime && !spec.suspend) status.startTime = stamp(now);
    this.backoff.record(uid, newSucceeded.length, newFailed.length, now);

    let finished: Condition | undefined;
    const interim = (status.conditions ?? []).find(
      (c: AnyObj) => ['SuccessCriteriaMet', 'FailureTarget'].includes(c.type) && c.status === 'True',
    );
    if (interim) finished = { type: interim.type, reason: interim.reason, message: interim.message };
    else if (failed > spec.backoffLimit || pastBackoffLimitOnFailure(job, pods))
      finished = {
        type: 'FailureTarget',
        reason: 'BackoffLimitExceeded',
        message: 'Job has reached the specified backoff limit',
      };
    else if (spec.activeDeadlineSeconds != null && !spec.suspend) {
      const left = Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 - now;
      if (left <= 0)
        finished = {
          type: 'FailureTarget',
          reason: 'DeadlineExceeded',
          message: 'Job was active longer than specified deadline',
        };
      else this.enqueue(key, left);
    }

    let succeededIndexes: number[] = [];
    if (indexed) {
      const prev = parseIntervals(status.completedIndexes, spec.completions);
      const fresh = newSucceeded.map(indexOf).filter((i) => i >= 0 && i < spec.completions);
      succeededIndexes = [...new Set([...prev, ...fresh])];
      succeeded = succeededIndexes.length;
    }

    if (finished) {
      // deleteActivePods: a finished Job's running pods go (gracefully).
      for (const p of active) this.deletePod(job, p);
    } else {
      if (!job.metadata.deletionTimestamp)
        active = this.manageJob(job, active, succeeded, succeededIndexes, pods, now);
      const complete =
        spec.completions == null
          ? succeeded > 0 && active.length === 0
          : succeeded >= spec.completions && active.length === 0;
      if (complete)
        finished = {
          type: 'SuccessCriteriaMet',
          reason: 'CompletionsReached',
          message: 'Reached expected number of succeeded pods',
        };
      else if (!job.metadata.deletionTimestamp) this.suspendCondition(job, status, now);
    }

    // trackJobStatusAndRemoveFinalizers: count each finished pod once, then drop its finalizer.
    const failing = finished?.type === 'FailureTarget';
    const counted = { succeeded: 0, failed: 0 };
    for (const p of pods.filter(tracked)) {
      const failedPod = isPodFailed(p, job);
      const succeededPod = p.status?.phase === 'Succeeded';
      if (!(job.metadata.deletionTimestamp || finished || succeededPod || failedPod)) continue;
      if (succeededPod) counted.succeeded++;
      else if (failedPod || failing) counted.failed++;
      this.removeFinalizer(ns, p.metadata.name);
    }
    if (indexed) {
      status.succeeded = succeededIndexes.length;
      status.completedIndexes = intervals(succeededIndexes);
    } else status.succeeded = (status.succeeded ?? 0) + counted.succeeded;
    status.failed = (status.failed ?? 0) + counted.failed;
    const after = owned();
    const live = after.filter((p) => !terminal(p) && !p.metadata.deletionTimestamp);
    const terminating = after.filter((p) => !!p.metadata.deletionTimestamp && !terminal(p)).length;
    status.active = live.length;
    status.ready = live.filter(isPodReady).length;
    status.terminating = terminating;
    status.uncountedTerminatedPods = {};
    let completed: Condition | undefined;
    if (finished) {
      status.conditions = [...(status.conditions ?? [])];
      if (!status.conditions.some((c: AnyObj) => c.type === finished!.type))
        status.conditions.push(condition(finished, now));
      // enactJobFinished: the terminal condition waits for the terminating pods (delayTerminalCondition).
      if (terminating === 0) {
        completed = { ...finished, type: failing ? 'Failed' : 'Complete' };
        const c = condition(completed, now);
        status.conditions.push(c);
        if (!failing) status.completionTime = c.lastTransitionTime;
      }
    }
    for (const k of ['active', 'succeeded', 'failed', 'completedIndexes']) if (!status[k]) delete status[k];
    if (!deepEqual(status, job.status ?? {})) {
      const next = clone(job);
      next.status = status;
      store.update(JOBS, next, { subresource: 'status' });
    }
    if (completed) {
      if (completed.type === 'Complete')
        this.deps.events.record(job, 'Normal', 'Completed', 'Job completed', COMPONENT);
      else this.deps.events.record(job, 'Warning', completed.reason, completed.message, COMPONENT);
    }
  }

  /**
   * The Suspended condition (ensureJobConditionStatus): True with JobSuspended while suspended; on
   * resume False with JobResumed, and startTime restarts so activeDeadlineSeconds counts active time.
   */
  private suspendCondition(job: K8sObject, status: AnyObj, now: number): void {
    const cur = (status.conditions ?? []).find((c: AnyObj) => c.type === 'Suspended');
    const want = job.spec.suspend
      ? { status: 'True', reason: 'JobSuspended', message: 'Job suspended', event: 'Suspended' }
      : { status: 'False', reason: 'JobResumed', message: 'Job resumed', event: 'Resumed' };
    if (cur ? cur.status === want.status : !job.spec.suspend) return;
    const c = {
      ...condition({ type: 'Suspended', reason: want.reason, message: want.message }, now),
      status: want.status,
    };
    status.conditions = cur
      ? status.conditions.map((x: AnyObj) => (x.type === 'Suspended' ? c : x))
      : [...(status.conditions ?? []), c];
    if (!job.spec.suspend) status.startTime = stamp(now);
    this.deps.events.record(job, 'Normal', want.event, want.message, COMPONENT);
  }

  /** manageJob: create or delete pods towards the wanted number of active ones; the active pods after. */
  private manageJob(
    job: K8sObject,
    active: AnyObj[],
    succeeded: number,
    succeededIndexes: number[],
    pods: AnyObj[],
    now: number,
  ): AnyObj[] {
    const spec = job.spec;
    const key = `${job.metadata.namespace}/${job.metadata.name}`;
    if (spec.suspend) {
      for (const p of active) this.deletePod(job, p);
      return [];
    }
    const parallelism = spec.parallelism ?? 1;
    const want =
      spec.completions == null
        ? succeeded > 0
          ? active.length
          : parallelism
        : Math.max(0, Math.min(spec.completions - succeeded, parallelism));
    if (active.length > want) {
      const doomed = [...active].sort(removalOrder).slice(0, active.length - want);
      for (const p of doomed) this.deletePod(job, p);
      return active.filter((p) => !doomed.includes(p));
    }
    const terminating = pods.filter((p) => p.metadata.deletionTimestamp && !terminal(p)).length;
    const diff = want - (onlyReplaceFailed(job) ? terminating : 0) - active.length;
    if (diff <= 0) return active;
    const wait = this.backoff.remaining(job.metadata.uid, now);
    if (wait > 0) {
      this.enqueue(key, Math.max(wait, this.opts.batchMs ?? 50));
      return active;
    }
    let indexes: (number | undefined)[] = [];
    if (spec.completionMode === 'Indexed') {
      // firstPendingIndexes: neither succeeded nor held by an active pod, lowest first.
      const taken = new Set([...succeededIndexes, ...active.map(indexOf)]);
      for (let i = 0; i < spec.completions && indexes.length < diff; i++) if (!taken.has(i)) indexes.push(i);
    } else indexes = new Array(diff).fill(undefined);
    const created: AnyObj[] = [];
    for (const ix of indexes) {
      const pod = this.createPod(job, ix);
      if (pod) created.push(pod);
    }
    return [...active, ...created];
  }

  private createPod(job: K8sObject, ix: number | undefined): AnyObj | undefined {
    const { store } = this.deps;
    const name = job.metadata.name;
    const tmpl = podFromTemplate(job);
    const meta: AnyObj = {
      ...tmpl.metadata,
      generateName: ix === undefined ? `${name}-` : `${name}-${ix}-`,
      namespace: job.metadata.namespace,
      labels: { ...(tmpl.metadata.labels ?? {}) },
      finalizers: [
        ...(tmpl.metadata.finalizers ?? []).filter((f: string) => f !== TRACKING_FINALIZER),
        TRACKING_FINALIZER,
      ],
      ownerReferences: [ownerRef(job)],
    };
    delete meta.name;
    const spec = tmpl.spec;
    if (ix !== undefined) {
      // addCompletionIndexAnnotation / addCompletionIndexLabel / addCompletionIndexEnvVariables.
      meta.annotations = { ...(meta.annotations ?? {}), [COMPLETION_INDEX]: String(ix) };
      meta.labels[COMPLETION_INDEX] = String(ix);
      spec.hostname = `${name}-${ix}`;
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        c.env ??= [];
        if (!c.env.some((e: AnyObj) => e.name === 'JOB_COMPLETION_INDEX'))
          c.env.push({
            name: 'JOB_COMPLETION_INDEX',
            valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } },
          });
      }
    }
    const pod: AnyObj = { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec };
    applyDefaults(PODS, pod, store, true);
    try {
      const created = store.create(PODS, pod as K8sObject);
      this.deps.events.record(
        job,
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${created.metadata.name}`,
        COMPONENT,
      );
      return created;
    } catch (err) {
      // e.g. the namespace is terminating: no pod, as the real controller gives up on NamespaceTerminating.
      this.deps.events.record(
        job,
        'Warning',
        'FailedCreate',
        `Error creating: ${(err as Error).message}`,
        COMPONENT,
      );
      return undefined;
    }
  }

  private deletePod(job: K8sObject, p: AnyObj): void {
    try {
      this.deps.deletePod(p.metadata.namespace, p.metadata.name);
      this.deps.events.record(
        job,
        'Normal',
        'SuccessfulDelete',
        `Deleted pod: ${p.metadata.name}`,
        COMPONENT,
      );
    } catch {
      /* already gone */
    }
  }

  private removeFinalizer(ns: string, name: string): void {
    const cur = this.deps.store.get(PODS, ns, name);
    if (!cur || !tracked(cur)) return;
    cur.metadata.finalizers = cur.metadata.finalizers.filter((f: string) => f !== TRACKING_FINALIZER);
    if (!cur.metadata.finalizers.length) delete cur.metadata.finalizers;
    this.deps.store.update(PODS, cur);
  }

  /** The orphan worker: pods of a deleted Job lose the tracking finalizer. */
  private releasePods(job: AnyObj): void {
    for (const p of this.deps.store.list(PODS, job.metadata.namespace)) {
      const ref = controllerOf(p);
      if (tracked(p) && (!ref || ref.uid === job.metadata.uid))
        try {
          this.removeFinalizer(job.metadata.namespace, p.metadata.name);
        } catch {
          /* gone meanwhile */
        }
    }
  }
}
