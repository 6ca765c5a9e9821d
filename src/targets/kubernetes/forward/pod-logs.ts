// What the Kubernetes target adds to the evidence: the frontend pods' own logs (the per-request
// router_mode lines), of every Ready frontend pod or of one replica.

import type { LogSource } from '../../../session.js';
import { apiFailure } from '../api/api-failure.js';
import { POD_LOG_LIMIT_BYTES, type KubeApi } from '../api/kube-api.js';
import { isObject, dig, type JsonObject } from '../object/json.js';

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

/**
 * The lines of a timestamped pod log (`timestamps=true`: RFC3339Nano, a space, the line) written
 * at or after `mark`. `sinceSeconds` only counts whole seconds, so the API returns up to two
 * seconds more; the timestamps cut the window exactly. A line without a timestamp is kept.
 */
export function linesSince(text: string, mark: number): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    const stamp = space > 0 ? line.slice(0, space) : '';
    const time = /^\d{4}-\d\d-\d\dT/.test(stamp) ? parseRfc3339(stamp) : undefined;
    if (time === undefined) out.push(line);
    else if (time >= mark) out.push(line.slice(space + 1));
  }
  return out;
}

// Date.parse keeps milliseconds; the nanoseconds beyond are below what the mark can tell apart.
function parseRfc3339(stamp: string): number | undefined {
  const t = Date.parse(stamp.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(t) ? t : undefined;
}

/**
 * Logs of the Ready frontend pods since a mark (a wall-clock time; the API counts seconds), or,
 * with `pod`, of that one pod (a replica proven on its own: no list, and no other pod's lines).
 */
export function podLogSource(
  api: KubeApi,
  namespace: string,
  selector: string,
  container: string | undefined,
  pod?: string,
): LogSource {
  return {
    mark: async () => Date.now(),
    async since(mark) {
      try {
        const pods = pod ? [pod] : readyPods((await api.listPods(namespace, selector)).items);
        if (pods.length === 0) return { problem: 'no Ready frontend pod to read logs from' };
        const seconds = Math.max(1, Math.ceil((Date.now() - mark) / 1000) + 1);
        const logs = await Promise.all(pods.map((pod) => api.podLog(namespace, pod, container, seconds)));
        if (logs.some((log) => Buffer.byteLength(log) >= POD_LOG_LIMIT_BYTES))
          return {
            problem: `a frontend pod logged more than ${POD_LOG_LIMIT_BYTES / 1024 / 1024} MiB in the evidence window, so its later lines were cut off by the API`,
          };
        return { text: logs.flatMap((log) => linesSince(log, mark)).join('\n') };
      } catch (error) {
        // One line naming verb and resource, never the client's raw exception (it dumps headers).
        const failure = apiFailure(error, `get pods/log in ${namespace}`, api.server);
        return {
          problem: `the frontend pod logs could not be read (${failure.message.replace(/\.$/, '')}); reading them needs get on pods/log`,
        };
      }
    },
  };
}
