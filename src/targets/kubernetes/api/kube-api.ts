// The few API calls this target makes, each bounded by a timeout and a byte cap, over one shared
// connection per TLS setting; reads retried briefly on a busy server. Objects come back as plain
// JSON so unknown fields survive a read-modify-write. Credentials: credentials.ts; errors as
// failures: api-failure.ts.

import {
  ApiException,
  ApisApi,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  Observable,
  PatchStrategy,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
} from './client.js';
import { API_RESPONSE_MAX_BYTES, API_TIMEOUT_MS, POD_LOG_MAX_BYTES } from '../../../bounded/limits.js';
import { cappedHttp, watchObjects, type WatchEvent } from './capped-http.js';
import { DGD_GROUP, DGD_PLURAL, FIELD_MANAGER, type ObjectRef } from '../object/dgd.js';
import { asArray, dig, isObject, type JsonObject } from '../object/json.js';
import type { Credentials } from './credentials.js';

export { API_TIMEOUT_MS };

// The object-style API takes observable middleware (the client's own small Observable stub).
function middleware(pre: (ctx: RequestContext) => void): ObservableMiddleware {
  return {
    pre: (ctx: RequestContext) => {
      pre(ctx);
      return new Observable(Promise.resolve(ctx));
    },
    post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
  };
}

// Every call is bounded: a hung API server must not eat the job's time.
const timeoutMiddleware = (ms: number) => middleware((ctx) => ctx.setSignal(AbortSignal.timeout(ms)));
const headerMiddleware = (name: string, value: string) =>
  middleware((ctx) => ctx.setHeaderParam(name, value));

export interface PodList {
  items: JsonObject[];
  resourceVersion?: string;
}

export type { WatchEvent };

/** The most of one pod's log read per window: asked of the kubelet, and cut here beyond it. */
export const POD_LOG_LIMIT_BYTES = POD_LOG_MAX_BYTES;

/** The API calls this target makes; tests can stand in for it. */
export interface KubeApi {
  readonly server: string;
  getObject(ref: ObjectRef): Promise<JsonObject>;
  patchObject(ref: ObjectRef, patch: JsonObject): Promise<JsonObject>;
  listObjects(group: string, version: string, namespace: string, plural: string): Promise<JsonObject[]>;
  /**
   * Versions in which the cluster serves `plural` of `group`, in the group's order (preferred
   * first); [] when none does. Read from each version's resource list: a group such as
   * nvidia.com is shared by several CRDs whose versions differ.
   */
  resourceVersions(group: string, plural: string): Promise<string[]>;
  getService(namespace: string, name: string): Promise<JsonObject>;
  /** Whether a namespace exists; undefined when the identity may not tell (403) or it failed. */
  namespaceExists?(name: string): Promise<boolean | undefined>;
  listPods(namespace: string, selector: string): Promise<PodList>;
  listEvents(namespace: string, involvedName: string): Promise<JsonObject[]>;
  /** The log of one container of a pod, from `sinceSeconds` ago, each line prefixed with its RFC3339 time. */
  podLog(
    namespace: string,
    pod: string,
    container: string | undefined,
    sinceSeconds: number,
  ): Promise<string>;
  /** Starts a watch; resolves to a stop function. `done` fires once when the watch ends. */
  watchPods(
    namespace: string,
    selector: string,
    resourceVersion: string | undefined,
    onEvent: (event: WatchEvent) => void,
    done: (error?: unknown) => void,
  ): Promise<() => void>;
}

// Typed client models use the same field names as the JSON; a round trip drops Date objects.
function plain(value: unknown): JsonObject {
  return JSON.parse(JSON.stringify(value ?? {})) as JsonObject;
}

// Answers a busy or restarting API server gives (etcd leader change, APF overload, a proxy in
// front): a read is retried a few times, briefly, honouring Retry-After. Writes are not retried
// here (the conflict-safe update decides), and neither are timeouts (the bound would multiply).
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
export const READ_ATTEMPTS = 3;

export async function retryTransient<T>(
  call: () => Promise<T>,
  attempts = READ_ATTEMPTS,
  sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !(error instanceof ApiException) || !TRANSIENT_STATUS.has(error.code))
        throw error;
      const header = error.headers?.['retry-after'] ?? error.headers?.['Retry-After'];
      const after = Number(header);
      await sleep(
        Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 5000) : 250 * 2 ** (attempt - 1),
      );
    }
  }
}

/**
 * client-node 2.0 builds a new undici Agent for every API request (`KubeConfig.createDispatcher`,
 * private), so each call paid its own TCP and TLS handshake. This keeps one Agent per distinct
 * dispatcher setting (TLS material, proxy), so calls reuse kept-alive connections; credentials
 * that change (a rotated client certificate from an exec plugin) give other options, so their own
 * Agent. Idle sockets are unref'd by undici: they hold no process open. A client without the
 * method keeps its per-request Agents.
 */
export function shareConnections(kc: KubeConfig): void {
  type Create = (cluster: unknown, agentOptions: unknown) => unknown;
  const target = kc as unknown as { createDispatcher?: Create };
  const create = target.createDispatcher;
  if (typeof create !== 'function') return;
  const shared = new Map<string, unknown>();
  target.createDispatcher = (cluster, agentOptions) => {
    // Throws what createDispatcher throws (e.g. plain http without insecure-skip-tls-verify).
    const key = JSON.stringify(kc.createDispatcherOptions(cluster as never, agentOptions as never));
    if (!shared.has(key)) shared.set(key, create.call(kc, cluster, agentOptions));
    return shared.get(key);
  };
}

export function kubeApi(creds: Credentials, timeoutMs = API_TIMEOUT_MS): KubeApi {
  shareConnections(creds.kc);
  const custom = creds.kc.makeApiClient(CustomObjectsApi);
  const core = creds.kc.makeApiClient(CoreV1Api);
  const apis = creds.kc.makeApiClient(ApisApi);
  // Every call: a deadline (the signal also ends the body's read) and a byte cap on the body.
  const capped = cappedHttp(API_RESPONSE_MAX_BYTES);
  const bounded: ConfigurationOptions = {
    middleware: [timeoutMiddleware(timeoutMs)],
    middlewareMergeStrategy: 'append',
    httpApi: capped,
  };
  const mergePatch: ConfigurationOptions = {
    middleware: [timeoutMiddleware(timeoutMs), headerMiddleware('Content-Type', PatchStrategy.MergePatch)],
    middlewareMergeStrategy: 'append',
    httpApi: capped,
  };
  // limitBytes only asks the kubelet: the read itself stops there too, keeping the start.
  const logRead: ConfigurationOptions = { ...bounded, httpApi: cappedHttp(POD_LOG_LIMIT_BYTES, 'cut') };
  return {
    server: creds.server,
    async getObject(ref) {
      return plain(
        await retryTransient(() =>
          custom.getNamespacedCustomObject(
            {
              group: ref.group,
              version: ref.version,
              namespace: ref.namespace,
              plural: ref.plural,
              name: ref.name,
            },
            bounded,
          ),
        ),
      );
    },
    async patchObject(ref, patch) {
      return plain(
        await custom.patchNamespacedCustomObject(
          {
            group: ref.group,
            version: ref.version,
            namespace: ref.namespace,
            plural: ref.plural,
            name: ref.name,
            body: patch,
            fieldManager: FIELD_MANAGER,
          },
          mergePatch,
        ),
      );
    },
    async listObjects(group, version, namespace, plural) {
      const list = await retryTransient(() =>
        custom.listNamespacedCustomObject({ group, version, namespace, plural }, bounded),
      );
      return (asArray(dig(list, 'items')) ?? []).filter(isObject);
    },
    async resourceVersions(group, plural) {
      const groups = await retryTransient(() => apis.getAPIVersions(undefined, bounded));
      const found = groups.groups.find((g) => g.name === group);
      if (!found) return [];
      const preferred = found.preferredVersion?.version;
      const listed = found.versions.map((v) => v.version);
      const ordered = preferred ? [preferred, ...listed.filter((v) => v !== preferred)] : listed;
      // The versions' resource lists are independent reads: all at once, judged in the group's
      // order, so the failure reported is the first in that order, as when read one by one.
      const lists = await Promise.allSettled(
        ordered.map((version) => retryTransient(() => custom.getAPIResources({ group, version }, bounded))),
      );
      const served: string[] = [];
      lists.forEach((list, i) => {
        if (list.status === 'fulfilled') {
          if (list.value.resources.some((r) => r.name === plural)) served.push(ordered[i]);
          return;
        }
        // A version dropped between the two reads is simply not served.
        if (!(list.reason instanceof ApiException && list.reason.code === 404)) throw list.reason;
      });
      return served;
    },
    async getService(namespace, name) {
      return plain(await retryTransient(() => core.readNamespacedService({ namespace, name }, bounded)));
    },
    async namespaceExists(name) {
      try {
        await retryTransient(() => core.readNamespace({ name }, bounded));
        return true;
      } catch (error) {
        return error instanceof ApiException && error.code === 404 ? false : undefined;
      }
    },
    async listPods(namespace, selector) {
      const list = await retryTransient(() =>
        core.listNamespacedPod({ namespace, labelSelector: selector }, bounded),
      );
      return { items: list.items.map(plain), resourceVersion: list.metadata?.resourceVersion };
    },
    async listEvents(namespace, involvedName) {
      const list = await retryTransient(() =>
        core.listNamespacedEvent(
          { namespace, fieldSelector: `involvedObject.name=${involvedName}` },
          bounded,
        ),
      );
      return list.items.map(plain);
    },
    async podLog(namespace, name, container, sinceSeconds) {
      const text = await core.readNamespacedPodLog(
        { namespace, name, container, sinceSeconds, timestamps: true, limitBytes: POD_LOG_LIMIT_BYTES },
        logRead,
      );
      return typeof text === 'string' ? text : String(text ?? '');
    },
    watchPods(namespace, selector, resourceVersion, onEvent, done) {
      return watchObjects(
        creds.kc,
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
        { labelSelector: selector, resourceVersion, allowWatchBookmarks: true },
        onEvent,
        done,
      );
    },
  };
}

/** The DGD versions to try, preferred first (empty when the operator's CRD is not installed). */
export async function dgdVersions(api: KubeApi): Promise<string[]> {
  return (await api.resourceVersions(DGD_GROUP, DGD_PLURAL)).filter(
    (v) => v === 'v1alpha1' || v === 'v1beta1',
  );
}
