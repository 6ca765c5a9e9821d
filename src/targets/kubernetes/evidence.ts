// What the Kubernetes target adds to the evidence and the comparison: the frontend pods' own
// logs (the per-request router_mode lines), and a switcher that moves the frontend between
// modes with the same conflict-safe env write and rollout wait as the main change.

import type { LogSource } from '../../evidence/gather.js';
import type { ModeSwitcher } from '../../evidence/compare-run.js';
import type { KubeApi } from './cluster.js';
import { isObject, dig, type JsonObject } from './json.js';

function readyPods(items: JsonObject[]): string[] {
  return items
    .filter((pod) => {
      const conditions = dig(pod, 'status', 'conditions');
      return (
        Array.isArray(conditions) &&
        conditions.some((c) => isObject(c) && c.type === 'Ready' && c.status === 'True')
      );
    })
    .map((pod) => String(dig(pod, 'metadata', 'name') ?? ''))
    .filter(Boolean);
}

/** Logs of the Ready frontend pods since a mark (a wall-clock time; the API counts seconds). */
export function podLogSource(
  api: KubeApi,
  namespace: string,
  selector: string,
  container: string | undefined,
): LogSource {
  return {
    mark: async () => Date.now(),
    async since(mark) {
      try {
        const pods = readyPods((await api.listPods(namespace, selector)).items);
        if (pods.length === 0) return { problem: 'no Ready frontend pod to read logs from' };
        const seconds = Math.max(1, Math.ceil((Date.now() - mark) / 1000) + 1);
        const logs = await Promise.all(pods.map((pod) => api.podLog(namespace, pod, container, seconds)));
        return { text: logs.join('\n') };
      } catch (error) {
        return {
          problem: `the frontend pod logs could not be read (${(error as Error).message}); reading them needs get on pods/log`,
        };
      }
    },
  };
}

/** A ModeSwitcher from two operations the target already has: set a mode, and restore. */
export function kubernetesSwitcher(
  baseUrl: () => string,
  setMode: (mode: string) => Promise<void>,
  restore: () => Promise<void>,
): ModeSwitcher {
  return {
    async switchTo(mode) {
      await setMode(mode);
      // The forward resolves a Ready pod for each new connection, so its URL stays valid.
      return baseUrl();
    },
    restore,
  };
}
