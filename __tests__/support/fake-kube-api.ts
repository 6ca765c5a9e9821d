// An in-memory KubeApi (src/targets/kubernetes/api/kube-api.ts) for unit tests of the Kubernetes
// target: objects by group/version/namespace/plural/name with a resourceVersion that a merge
// patch must match (else 409 Conflict, as the API server answers), pods with an env and logs,
// each call recorded, a hook before any call (another writer, an operator rolling pods), and
// any method made to fail with the error a real client would throw.
import { ApiException } from '@kubernetes/client-node';
import type { KubeApi, PodList } from '../../src/targets/kubernetes/api/kube-api.js';
import type { ObjectRef } from '../../src/targets/kubernetes/object/dgd.js';
import type { JsonObject } from '../../src/targets/kubernetes/object/json.js';

type Method = Exclude<keyof KubeApi, 'server'>;

export interface FakePod {
  name: string;
  labels?: Record<string, string>;
  ready?: boolean;
  /** The container log as the API returns it with timestamps=true. */
  log?: string;
  /** The env of its `main` container (what a rollout wait compares). */
  env?: { name: string; value?: string }[];
  /** metadata.ownerReferences (Grove's PodClique owns the pods it runs). */
  owners?: JsonObject[];
}

export interface FakeKubeApi extends KubeApi {
  /** Each call, as `method args…`. */
  calls: string[];
  objects: Map<string, JsonObject>;
  pods: Map<string, FakePod[]>;
  /** The next calls of `method` throw `error` (every call while set). */
  failing: Partial<Record<Method, unknown>>;
  /** Runs before each call of `method` (and before `failing` applies), with its arguments. */
  before: Partial<Record<Method, (...args: unknown[]) => void>>;
  put(group: string, version: string, namespace: string, plural: string, object: JsonObject): void;
  /** Another writer: changes the stored object and bumps its resourceVersion. */
  edit(ref: ObjectRef, change: (object: JsonObject) => void): void;
}

/** The error the client throws for an HTTP status, with a Kubernetes Status body. */
export function apiError(code: number, reason: string, message = reason): ApiException<string> {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code });
  return new ApiException(code, reason, body, {});
}

const key = (group: string, version: string, namespace: string, plural: string, name = '') =>
  [group, version, namespace, plural, name].join('/');

function matches(selector: string, labels: Record<string, string> = {}): boolean {
  return selector
    .split(',')
    .filter(Boolean)
    .every((term) => {
      const [k, v] = term.split('=');
      return labels[k] === v;
    });
}

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else (lists too) replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return structuredClone(patch);
  const out: JsonObject =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as JsonObject) }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const versionOf = (object: JsonObject): string | undefined => {
  const meta = object.metadata as JsonObject | undefined;
  return typeof meta?.resourceVersion === 'string' ? meta.resourceVersion : undefined;
};

/** The object with its resourceVersion moved on (every stored write does this). */
function bumped(object: JsonObject): JsonObject {
  const next = Number(versionOf(object) ?? '0') + 1;
  return { ...object, metadata: { ...(object.metadata as JsonObject), resourceVersion: String(next) } };
}

export function fakeKubeApi(server = 'https://127.0.0.1:6443'): FakeKubeApi {
  const calls: string[] = [];
  const objects = new Map<string, JsonObject>();
  const pods = new Map<string, FakePod[]>();
  const failing: Partial<Record<Method, unknown>> = {};
  const before: Partial<Record<Method, (...args: unknown[]) => void>> = {};
  const enter = (method: Method, ...args: unknown[]): void => {
    calls.push(
      [method, ...args.map((a) => (typeof a === 'object' ? JSON.stringify(a) : String(a)))].join(' '),
    );
    before[method]?.(...args);
    if (method in failing) throw failing[method];
  };
  const notFound = (what: string) => apiError(404, 'NotFound', `${what} not found`);
  const refKey = (ref: ObjectRef) => key(ref.group, ref.version, ref.namespace, ref.plural, ref.name);
  const podObject = (pod: FakePod): JsonObject => ({
    metadata: { name: pod.name, labels: pod.labels ?? {}, ownerReferences: pod.owners ?? [] },
    spec: { containers: [{ name: 'main', env: pod.env ?? [] }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: pod.ready === false ? 'False' : 'True' }],
    },
  });
  return {
    server,
    calls,
    objects,
    pods,
    failing,
    before,
    put(group, version, namespace, plural, object) {
      const name = String((object.metadata as JsonObject | undefined)?.name ?? '');
      const stored = versionOf(object) ? object : bumped(object);
      objects.set(key(group, version, namespace, plural, name), structuredClone(stored));
    },
    edit(ref, change) {
      const found = objects.get(refKey(ref));
      if (!found) throw new Error(`no ${refKey(ref)} to edit`);
      const copy = structuredClone(found);
      change(copy);
      objects.set(refKey(ref), bumped(copy));
    },
    async getObject(ref) {
      enter('getObject', refKey(ref));
      const found = objects.get(refKey(ref));
      if (!found) throw notFound(`${ref.plural} ${ref.name}`);
      return structuredClone(found);
    },
    async patchObject(ref, patch) {
      enter('patchObject', refKey(ref), patch);
      const found = objects.get(refKey(ref));
      if (!found) throw notFound(`${ref.plural} ${ref.name}`);
      const wanted = versionOf(patch);
      if (wanted !== undefined && wanted !== versionOf(found))
        throw apiError(
          409,
          'Conflict',
          'the object has been modified; please apply your changes to the latest version and try again',
        );
      const merged = bumped(mergePatch(found, patch) as JsonObject);
      objects.set(refKey(ref), merged);
      return structuredClone(merged);
    },
    async listObjects(group, version, namespace, plural) {
      enter('listObjects', key(group, version, namespace, plural));
      const prefix = key(group, version, namespace, plural);
      return [...objects].filter(([k]) => k.startsWith(prefix)).map(([, o]) => structuredClone(o));
    },
    async resourceVersions(group, plural) {
      enter('resourceVersions', group, plural);
      const versions = [...objects.keys()]
        .map((k) => k.split('/'))
        .filter(([g, , , p]) => g === group && p === plural)
        .map(([, v]) => v);
      return [...new Set(versions)];
    },
    async getService(namespace, name) {
      enter('getService', namespace, name);
      const found = objects.get(key('', 'v1', namespace, 'services', name));
      if (!found) throw notFound(`services ${name}`);
      return structuredClone(found);
    },
    async namespaceExists(name) {
      enter('namespaceExists', name);
      return [...objects.keys()].some((k) => k.split('/')[2] === name) || pods.has(name);
    },
    async listPods(namespace, selector): Promise<PodList> {
      enter('listPods', namespace, selector);
      const items = (pods.get(namespace) ?? []).filter((p) => matches(selector, p.labels)).map(podObject);
      return { items, resourceVersion: '1' };
    },
    async listEvents(namespace, involvedName) {
      enter('listEvents', namespace, involvedName);
      return [];
    },
    async podLog(namespace, pod, container, sinceSeconds) {
      enter('podLog', namespace, pod, container, sinceSeconds);
      const found = (pods.get(namespace) ?? []).find((p) => p.name === pod);
      if (!found) throw notFound(`pods ${pod}`);
      return found.log ?? '';
    },
    async watchPods(namespace, selector) {
      enter('watchPods', namespace, selector);
      return () => undefined;
    },
  };
}
