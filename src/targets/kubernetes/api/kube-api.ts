// Credentials and API access: the kubeconfig the credential actions leave behind, the few API
// calls this target makes (each bounded by a timeout), and one mapping from API errors to
// RunFailure. Objects come back as plain JSON so unknown fields survive a read-modify-write.

import { quote } from '../../../runner/redact.js';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
import { RunFailure } from '../../../model/failure.js';
import { API_RESPONSE_MAX_BYTES, API_TIMEOUT_MS, POD_LOG_MAX_BYTES } from '../../../bounded/limits.js';
import { cappedHttp, watchObjects, type WatchEvent } from './capped-http.js';
import { boundCredentialPlugins, type CredentialPlugins } from './credential-plugins.js';
import { inlineCredentialFiles, loadKubeconfigFile } from './kubeconfig-files.js';
import { DGD_GROUP, DGD_PLURAL, FIELD_MANAGER, type ObjectRef } from '../object/dgd.js';
import { asArray, asObject, asString, dig, isObject, type JsonObject } from '../object/json.js';

export { API_TIMEOUT_MS };
const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface Credentials {
  kc: KubeConfig;
  /** The plugins the action runs for the kubeconfig's users (their later tokens get masked too). */
  plugins?: CredentialPlugins;
  /** Where they came from, for the log: a KUBECONFIG path, ~/.kube/config or in-cluster. */
  source: string;
  server: string;
  context: string;
  /** The current context's namespace, if it names one. */
  namespace?: string;
}

function unreachable(message: string, hint?: string): RunFailure {
  return new RunFailure('cluster-unreachable', message, hint);
}

/**
 * KubeConfig.loadFromDefault's order (KUBECONFIG list, ~/.kube/config, in-cluster service
 * account), minus its silent fallback to http://localhost:8080: no cluster is an error here.
 * KUBECONFIG entries merge as kubectl merges them: the first file to name a thing wins.
 */
export function loadCredentials(
  env: NodeJS.ProcessEnv = process.env,
  home: string = os.homedir(),
): Credentials {
  const kc = new KubeConfig();
  let source: string;
  try {
    const listed = (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
    if (listed.length > 0) {
      const files = listed.filter((f) => existsSync(f));
      if (files.length === 0) {
        throw unreachable(
          `KUBECONFIG names ${listed.join(', ')}, but no such file exists.`,
          'check the step that writes the kubeconfig ran before this one',
        );
      }
      const merged = {
        clusters: [] as KubeConfig['clusters'],
        users: [] as KubeConfig['users'],
        contexts: [] as KubeConfig['contexts'],
        currentContext: '',
      };
      for (const file of files) {
        const one = loadKubeconfigFile(file);
        merged.currentContext ||= one.getCurrentContext() ?? '';
        for (const c of one.getClusters())
          if (!merged.clusters.some((x) => x.name === c.name)) merged.clusters.push(c);
        for (const u of one.getUsers())
          if (!merged.users.some((x) => x.name === u.name)) merged.users.push(u);
        for (const c of one.getContexts())
          if (!merged.contexts.some((x) => x.name === c.name)) merged.contexts.push(c);
      }
      kc.loadFromOptions(merged);
      source = `KUBECONFIG (${files.join(path.delimiter)})`;
    } else if (home && existsSync(path.join(home, '.kube', 'config'))) {
      const one = loadKubeconfigFile(path.join(home, '.kube', 'config'));
      kc.loadFromOptions({
        clusters: one.getClusters(),
        users: one.getUsers(),
        contexts: one.getContexts(),
        currentContext: one.getCurrentContext(),
      });
      source = '~/.kube/config';
    } else if (env.KUBERNETES_SERVICE_HOST && existsSync(`${SERVICE_ACCOUNT}/token`)) {
      kc.loadFromCluster();
      source = 'the in-cluster service account';
    } else {
      throw unreachable(
        'No Kubernetes cluster is configured: KUBECONFIG is unset, ~/.kube/config does not exist and this is not a pod with a service account.',
      );
    }
    inlineCredentialFiles(kc);
  } catch (error) {
    if (error instanceof RunFailure) throw error;
    throw unreachable(
      `The kubeconfig could not be read: ${firstLine(error)}.`,
      'check the kubeconfig file the credentials step wrote',
    );
  }
  const context = kc.getCurrentContext();
  const cluster = kc.getCurrentCluster();
  if (!context || !cluster) {
    const names = kc.getContexts().map((c) => c.name);
    throw unreachable(
      `The kubeconfig from ${source} has ${context ? `current-context "${context}", which names no known cluster` : 'no current-context'}${names.length ? ` (contexts: ${names.join(', ')})` : ''}.`,
      names.length ? `run \`kubectl config use-context ${names[0]}\` in an earlier step` : undefined,
    );
  }
  const namespace = kc.getContextObject(context)?.namespace?.trim() || undefined;
  const plugins = boundCredentialPlugins(kc);
  return { kc, source, server: cluster.server, context, namespace, plugins };
}

/**
 * Masks every secret the kubeconfig holds, including tokens an exec or auth-provider plugin
 * returns, before the first request can echo one. Also proves the credentials can be built.
 */
export async function maskSecrets(creds: Credentials, mask: (secret: string) => void): Promise<void> {
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.trim().length >= 4) mask(value.trim());
  };
  // A token a plugin returns later (a refresh mid-run) is masked the moment it arrives.
  if (creds.plugins) creds.plugins.onSecret = add;
  for (const user of creds.kc.getUsers()) {
    add(user.token);
    add(user.password);
    add(user.keyData);
    const config = asObject(dig(user.authProvider, 'config'));
    for (const key of ['access-token', 'id-token', 'refresh-token', 'client-secret']) add(config?.[key]);
  }
  const opts: { headers?: Record<string, string>; key?: Buffer | string } = {};
  try {
    await creds.kc.applyToHTTPSOptions(opts as never);
  } catch (error) {
    if (error instanceof RunFailure) throw error;
    throw new RunFailure(
      'cluster-unauthorized',
      `The kubeconfig's credentials could not be obtained: ${firstLine(error)}.`,
      'check the credential plugin (exec or auth-provider) the kubeconfig names is installed and logged in',
    );
  }
  const auth = opts.headers?.Authorization ?? opts.headers?.authorization;
  if (auth) add(auth.replace(/^(Bearer|Basic)\s+/i, ''));
  if (opts.key) add(opts.key.toString());
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].replace(/\.$/, '');
}

interface StatusBody {
  reason?: string;
  message?: string;
}

function statusOf(body: unknown): StatusBody {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return { message: quote(body, 300) };
    }
  }
  return { reason: asString(dig(parsed, 'reason')), message: asString(dig(parsed, 'message')) };
}

const NETWORK_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
];

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let i = 0; i < 5 && isObject(current); i++) {
    const code = asString(current.code);
    if (code) return code;
    current = current.cause;
  }
  return undefined;
}

/**
 * One mapping for every API error: 401, 403 (with the Status message, which names verb and
 * resource), 404, 409, connection/TLS/timeout problems. `what` names the request in words.
 */
export function apiFailure(error: unknown, what: string, server: string, notFoundHint?: string): RunFailure {
  if (error instanceof RunFailure) return error;
  if (error instanceof ApiException) {
    const status = statusOf(error.body);
    const detail = status.message ? `: ${status.message}` : '';
    const admission = admissionFailure(error.code, status, what);
    if (admission) return admission;
    switch (error.code) {
      case 401:
        return new RunFailure(
          'cluster-unauthorized',
          `The Kubernetes API server at ${server} rejected the credentials (401) while trying to ${what}.`,
        );
      case 403:
        return new RunFailure('cluster-forbidden', `Forbidden (403) while trying to ${what}${detail}.`);
      case 404:
        return new RunFailure('not-found', `Not found (404) while trying to ${what}${detail}.`, notFoundHint);
      case 409:
        return new RunFailure('conflict', `Conflict (409) while trying to ${what}${detail}.`);
      default:
        return new RunFailure(
          error.code >= 500 ? 'cluster-unreachable' : 'bad-input',
          `The Kubernetes API answered ${error.code}${status.reason ? ` ${status.reason}` : ''} while trying to ${what}${detail}.`,
          error.code >= 500
            ? 'retry later; check the API server health'
            : 'read the message: the server rejected the request',
        );
    }
  }
  const name = isObject(error) ? asString(error.name) : undefined;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return unreachable(
      `The Kubernetes API server at ${server} did not answer in time while trying to ${what}.`,
      'check the cluster is reachable from this runner (VPN, firewall, private endpoint)',
    );
  }
  const code = causeCode(error);
  const message = firstLine(error);
  if (code && /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return unreachable(
      `TLS verification of the Kubernetes API server at ${server} failed (${code}).`,
      'check the kubeconfig certificate-authority data matches the cluster',
    );
  }
  if (code && NETWORK_CODES.includes(code)) {
    return unreachable(
      `The Kubernetes API server at ${server} could not be reached (${code}) while trying to ${what}.`,
      'check the cluster is reachable from this runner and the kubeconfig server address is right',
    );
  }
  if (/HTTP protocol is not allowed/.test(message)) {
    return unreachable(
      `The kubeconfig server ${server} is plain http:// without insecure-skip-tls-verify; the Kubernetes client refuses it.`,
      'use the https:// endpoint of the API server',
    );
  }
  return unreachable(`Could not ${what} on ${server}: ${message}.`);
}

/**
 * Refusals by the cluster's admission chain rather than by RBAC or the network: a webhook that
 * denied the write (the operator's validation: 403 from older releases, 422 from newer ones), a
 * schema or CEL rule (422 Invalid), or a webhook that could not be called (500, failurePolicy Fail).
 */
function admissionFailure(code: number, status: StatusBody, what: string): RunFailure | undefined {
  const message = status.message ?? '';
  const denied = /admission webhook "([^"]+)" denied the request:?\s*([\s\S]*)/.exec(message);
  if (denied && code >= 400 && code < 500) {
    return new RunFailure(
      'rejected-by-cluster',
      `The cluster refused to ${what}: admission webhook ${denied[1]} denied the request (${code}): ${quote(denied[2] || 'without explanation', 600)}`,
      "fix what the webhook names in the object (or ask whoever runs the Dynamo operator); the identity's permissions are not the problem",
    );
  }
  const uncalled = /failed calling webhook "([^"]+)"/.exec(message);
  if (uncalled && code >= 500) {
    return new RunFailure(
      'rejected-by-cluster',
      `The cluster could not ${what}: its admission webhook ${uncalled[1]} could not be called (${code}), and it fails closed: ${quote(message, 600)}`,
      "the Dynamo operator's webhook is not serving: check the operator pods (`kubectl get pods -A -l app.kubernetes.io/name=dynamo-operator`) and run again once they are Ready",
    );
  }
  if (code === 422 && status.reason === 'Invalid') {
    return new RunFailure(
      'rejected-by-cluster',
      `The cluster refused to ${what} as invalid (422): ${quote(message, 600)}`,
      'fix the field the message names in the object; the change itself was not applied',
    );
  }
  return undefined;
}

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
