// Why a frontend pod is not serving, from its status first and its events second: a crash loop
// (with the last exit), an image that cannot be pulled, a pod that cannot be scheduled, one that
// runs but is not Ready. Pure: pod and event objects in.

import type { PodProblem } from '../../../model/failure.js';
import { asArray, asString, dig, isObject, type JsonObject } from '../object/json.js';

function eventLine(event: JsonObject): string {
  return `${asString(event.reason) ?? 'Event'}: ${(asString(event.message) ?? '').trim()}`;
}

function latest(events: JsonObject[], filter: (e: JsonObject) => boolean): JsonObject | undefined {
  const time = (e: JsonObject) =>
    Date.parse(String(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? '')) || 0;
  return events.filter(filter).sort((a, b) => time(b) - time(a))[0];
}

/** Why one pod is not serving: in words, and where it is one the report acts on, as data. */
export interface PodDiagnosis {
  text: string;
  problem?: PodProblem;
}

/** Why one pod is not serving, from its status first and its events second. */
export function diagnosePod(pod: JsonObject, events: JsonObject[]): PodDiagnosis {
  const name = asString(dig(pod, 'metadata', 'name')) ?? '?';
  const phase = asString(dig(pod, 'status', 'phase')) ?? 'Pending';
  if (dig(pod, 'metadata', 'deletionTimestamp'))
    return { text: `${name} is terminating and has not gone away` };
  const statuses = (asArray(dig(pod, 'status', 'containerStatuses')) ?? []).filter(isObject);
  for (const status of statuses) {
    const waiting = dig(status, 'state', 'waiting');
    const reason = asString(dig(waiting, 'reason'));
    const message = (asString(dig(waiting, 'message')) ?? '').trim();
    const restarts = Number(status.restartCount ?? 0);
    const last = dig(status, 'lastState', 'terminated');
    const exit = dig(last, 'exitCode');
    // Between two back-offs a crash-looping container runs again for a moment: it is still the
    // crash loop that keeps the pod from Ready, not a readiness probe.
    const crashedAndRunning =
      dig(status, 'state', 'running') !== undefined && restarts > 0 && exit !== undefined && exit !== 0;
    if (reason === 'CrashLoopBackOff' || crashedAndRunning) {
      const lastReason = (asString(dig(last, 'reason')) ?? '').trim();
      const lastMessage = (asString(dig(last, 'message')) ?? '').trim();
      const exitText =
        exit !== undefined ? `, last exit code ${String(exit)}${lastReason ? ` (${lastReason})` : ''}` : '';
      const now = crashedAndRunning ? '; running again, not Ready' : '';
      return {
        text: `${name} is in CrashLoopBackOff (container ${String(status.name)}, ${restarts} restart(s)${exitText}${now})${lastMessage ? `; last termination message: ${lastMessage}` : ''}`,
        problem: { kind: 'crash-loop', pod: name, container: String(status.name) },
      };
    }
    // The kubelet's reasons for an image it cannot get (ErrImagePull, ImagePullBackOff, …).
    if (reason && /ImagePull|ErrImage|InvalidImageName/.test(reason)) {
      return {
        text: `${name} cannot pull its image (${reason}${message ? `: ${message}` : ''})`,
        problem: { kind: 'image-pull', pod: name, reason },
      };
    }
    if (reason && reason !== 'ContainerCreating' && reason !== 'PodInitializing') {
      return { text: `${name} is waiting: ${reason}${message ? `: ${message}` : ''}` };
    }
  }
  if (phase === 'Pending') {
    const scheduled = (asArray(dig(pod, 'status', 'conditions')) ?? [])
      .filter(isObject)
      .find((c) => c.type === 'PodScheduled');
    const failed = latest(events, (e) => e.reason === 'FailedScheduling');
    if (failed || scheduled?.status === 'False') {
      const message = (asString(failed?.message) ?? asString(scheduled?.message) ?? '').trim();
      return {
        text: `${name} is Pending and cannot be scheduled${message ? `: ${message}` : ''}`,
        problem: { kind: 'unschedulable', pod: name },
      };
    }
    const warning = latest(events, (e) => e.type === 'Warning');
    return {
      text: `${name} is Pending${warning ? ` (${eventLine(warning)})` : ' (containers not started yet)'}`,
    };
  }
  const ready = (asArray(dig(pod, 'status', 'conditions')) ?? [])
    .filter(isObject)
    .find((c) => c.type === 'Ready');
  if (phase === 'Running' && ready?.status !== 'True') {
    const unhealthy =
      latest(events, (e) => e.reason === 'Unhealthy') ?? latest(events, (e) => e.type === 'Warning');
    return {
      text: `${name} is Running but not Ready${unhealthy ? ` (${eventLine(unhealthy)})` : ' (the readiness probe has not passed)'}`,
      problem: { kind: 'not-ready', pod: name },
    };
  }
  return { text: `${name} is ${phase}` };
}

/** The problem that says most about a stall: a crash loop, then an image, scheduling, readiness. */
export function telling(problems: readonly (PodProblem | undefined)[]): PodProblem | undefined {
  const order: PodProblem['kind'][] = ['crash-loop', 'image-pull', 'unschedulable', 'not-ready'];
  for (const kind of order) {
    const found = problems.find((p) => p?.kind === kind);
    if (found) return found;
  }
  return undefined;
}
