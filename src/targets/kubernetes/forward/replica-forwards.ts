// The frontend's replicas: one per Ready pod behind the Service, each reached on its own through
// a port-forward pinned to that pod, so a run proves the mode on every replica and not only on
// the one the Service picked. Bounded: at most REPLICA_CAP pods, one of each distinct frontend
// container spec first, so the cap never hides a pod left on an older template.

import { limitation, type Limitation } from '../../../model/findings.js';
import type { FrontendReplica } from '../../../session.js';
import type { KubeConfig } from '../api/client.js';
import type { KubeApi } from '../api/kube-api.js';
import { startForward, type ForwardTarget, type PinnedPod } from './port-forward.js';
import { asString, dig, type JsonObject } from '../object/json.js';
import { frontendContainer } from '../rollout/pod-progress.js';
import { containerPortFor, podReady } from '../object/service-port.js';

/** How many frontend pods a run proves on their own; more are named in a limitation. */
export const REPLICA_CAP = 8;

/** What makes two frontend pods run the same thing: their frontend container's command and env. */
function specKey(pod: JsonObject, containerName: string): string {
  const c = frontendContainer(pod, containerName) ?? {};
  return JSON.stringify([c.image, c.command, c.args, c.env, c.envFrom]);
}

/**
 * The Ready pods that have the Service's target port, and the ones to prove (at most `cap`): one
 * pod of each distinct frontend spec in turn, then the next of each, so every spec running is
 * proven before a second pod of any. Pure.
 */
export function pickReplicas(
  pods: JsonObject[],
  targetPort: number | string,
  containerName: string,
  cap: number = REPLICA_CAP,
): { ready: string[]; chosen: PinnedPod[] } {
  const groups = new Map<string, PinnedPod[]>();
  const ready: string[] = [];
  const named = pods
    .map((pod) => ({ pod, name: asString(dig(pod, 'metadata', 'name')) }))
    .filter((p): p is { pod: JsonObject; name: string } => Boolean(p.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const { pod, name } of named) {
    const port = containerPortFor(pod, targetPort);
    if (!podReady(pod) || port === undefined) continue;
    ready.push(name);
    const key = specKey(pod, containerName);
    groups.set(key, [...(groups.get(key) ?? []), { pod: name, port }]);
  }
  const chosen: PinnedPod[] = [];
  for (let round = 0; chosen.length < cap; round++) {
    const next = [...groups.values()].map((g) => g[round]).filter((p): p is PinnedPod => p !== undefined);
    if (next.length === 0) break;
    chosen.push(...next.slice(0, cap - chosen.length));
  }
  return { ready, chosen: chosen.sort((a, b) => a.pod.localeCompare(b.pod)) };
}

/**
 * The replicas a run proves, from the pods the forward listed (no other API call), each opening
 * its own forward when asked and closing it after use; and a limitation when some were left out.
 */
export interface ReplicaSource {
  api: KubeApi;
  kc: KubeConfig;
  target: ForwardTarget;
  /** The pods behind the Service as the forward listed them. */
  listed: JsonObject[];
  /** The frontend's container in each pod (its spec tells replicas apart). */
  containerName: string;
  log: (line: string) => void;
}

export function frontendReplicas(source: ReplicaSource): {
  replicas: FrontendReplica[];
  limitations: Limitation[];
} {
  const { api, kc, target, listed, containerName, log } = source;
  const { ready, chosen } = pickReplicas(listed, target.port.targetPort, containerName);
  const replicas = chosen.map((pinned): FrontendReplica => ({
    name: pinned.pod,
    async open() {
      const forward = await startForward(api, kc, target, log, pinned);
      return { baseUrl: forward.url, close: () => forward.close().catch(() => undefined) };
    },
  }));
  const left = ready.filter((name) => !chosen.some((p) => p.pod === name));
  const named =
    left.length > 5 ? `${left.slice(0, 5).join(', ')} and ${left.length - 5} more` : left.join(', ');
  const limitations = left.length
    ? [
        limitation(
          'replicas-capped',
          `Service ${target.namespace}/${target.service} has ${ready.length} Ready frontend pods; the mode is proven on ${chosen.length} of them (one of each pod spec first), not on ${named}.`,
        ),
      ]
    : [];
  return { replicas, limitations };
}
