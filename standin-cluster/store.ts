// In-memory object store with one global resourceVersion counter and a bounded event history
// (the apiserver's watch cache), plus typed errors that the server renders as Status bodies.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { randomUUID } from 'node:crypto';
import { clone, deepEqual } from './patch.ts';
import { RESOURCES, groupVersion, qualified, type ResourceType } from './resources.ts';

export type K8sObject = Record<string, any> & {
  apiVersion: string;
  kind: string;
  metadata: Record<string, any> & { name: string; namespace?: string };
};

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  rt: ResourceType;
  object: K8sObject; // stored form (storage version)
  old?: K8sObject;
  rv: number;
}

export class ApiError extends Error {
  code: number;
  reason: string;
  details?: Record<string, any>;
  constructor(code: number, reason: string, message: string, details?: Record<string, any>) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
  toStatus(): Record<string, any> {
    const s: Record<string, any> = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
    };
    if (this.details) s.details = this.details;
    s.code = this.code;
    return s;
  }
}

export function details(rt: ResourceType, name?: string): Record<string, any> {
  const d: Record<string, any> = {};
  if (name !== undefined) d.name = name;
  if (rt.group) d.group = rt.group;
  d.kind = rt.plural;
  return d;
}

export function notFound(rt: ResourceType, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(rt)} "${name}" not found`, details(rt, name));
}

export function conflict(rt: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(rt)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(rt, name),
  );
}

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_RE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const RAND_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += RAND_ALPHABET[Math.floor(Math.random() * RAND_ALPHABET.length)];
  return s;
}

function key(ns: string | undefined, name: string): string {
  return `${ns ?? ''}/${name}`;
}

/**
 * A kind's rules in the API server's registry (pkg/registry/<group>/<kind>/strategy.go and the
 * versioned type's defaults), registered per resource by index.ts (jobs.ts, config-objects.ts).
 */
export interface Strategy {
  /** Defaulting at decode time (SetDefaults_<Kind>), before admission; from defaults.ts. */
  defaults?(obj: Record<string, any>, isCreate: boolean): void;
  /** PrepareForCreate: after the uid and creationTimestamp are set, before validation. */
  prepareForCreate?(obj: K8sObject): void;
  /** Validation of a create (`old` absent) or of an update of the main resource; throws ApiError. */
  validate?(obj: K8sObject, old?: K8sObject): void;
  /** DefaultGarbageCollectionPolicy when a delete names none, and the warning the server adds. */
  deleteDefault?: { propagationPolicy: 'Orphan' | 'Background' | 'Foreground'; warning?: string };
}

export interface StoreOptions {
  /** How many events the watch cache keeps; older resourceVersions get 410 Gone. */
  historySize?: number;
}

export class Store {
  private rv = 1000;
  private data = new Map<string, Map<string, K8sObject>>(); // group/plural -> ns/name -> obj
  history: StoreEvent[] = [];
  historySize: number;
  private listeners = new Set<(e: StoreEvent) => void>();
  private strategies = new Map<string, Strategy>();

  constructor(opts: StoreOptions = {}) {
    this.historySize = opts.historySize ?? 10000;
    for (const rt of RESOURCES) this.data.set(this.rk(rt), new Map());
  }

  private rk(rt: ResourceType): string {
    return `${rt.group}/${rt.plural}`;
  }

  /** Register a kind's registry strategy (see Strategy). */
  setStrategy(rt: ResourceType, strategy: Strategy): void {
    this.strategies.set(this.rk(rt), strategy);
  }

  strategy(rt: ResourceType): Strategy | undefined {
    return this.strategies.get(this.rk(rt));
  }

  currentRV(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch may resume from without 410. */
  oldestRV(): number {
    return this.history.length ? this.history[0].rv - 1 : this.rv;
  }

  /** Forget the whole watch history (to provoke 410 Gone in tests). */
  compact(): void {
    this.history = [];
  }

  onEvent(fn: (e: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(type: WatchEventType, rt: ResourceType, object: K8sObject, old?: K8sObject): void {
    const e: StoreEvent = {
      type,
      rt,
      object: clone(object),
      old,
      rv: Number(object.metadata.resourceVersion),
    };
    this.history.push(e);
    if (this.history.length > this.historySize)
      this.history.splice(0, this.history.length - this.historySize);
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        console.error('[stand-in] store listener failed', err);
      }
    }
  }

  get(rt: ResourceType, ns: string | undefined, name: string): K8sObject | undefined {
    const o = this.data.get(this.rk(rt))!.get(key(rt.namespaced ? ns : undefined, name));
    return o ? clone(o) : undefined;
  }

  mustGet(rt: ResourceType, ns: string | undefined, name: string): K8sObject {
    const o = this.get(rt, ns, name);
    if (!o) throw notFound(rt, name);
    return o;
  }

  list(rt: ResourceType, ns?: string): K8sObject[] {
    const out: K8sObject[] = [];
    for (const o of this.data.get(this.rk(rt))!.values()) {
      if (ns && rt.namespaced && o.metadata.namespace !== ns) continue;
      out.push(clone(o));
    }
    out.sort((a, b) =>
      key(a.metadata.namespace, a.metadata.name).localeCompare(key(b.metadata.namespace, b.metadata.name)),
    );
    return out;
  }

  private nextRV(): string {
    this.rv += 1;
    return String(this.rv);
  }

  /** Create. `obj` must already be in its storage version. */
  create(rt: ResourceType, obj: K8sObject, opts: { dryRun?: boolean } = {}): K8sObject {
    const o = clone(obj);
    o.metadata = o.metadata ?? ({} as any);
    const ns = rt.namespaced ? o.metadata.namespace : undefined;
    if (!o.metadata.name && o.metadata.generateName) {
      for (let i = 0; i < 10; i++) {
        const n = `${o.metadata.generateName}${randSuffix()}`;
        if (!this.data.get(this.rk(rt))!.has(key(ns, n))) {
          o.metadata.name = n;
          break;
        }
      }
    }
    const name = o.metadata.name;
    if (!name) {
      throw new ApiError(
        422,
        'Invalid',
        `${rt.kind}${rt.group ? '.' + rt.group : ''} "" is invalid: metadata.name: Required value: name or generateName is required`,
        {
          ...details(rt, ''),
          causes: [
            {
              reason: 'FieldValueRequired',
              message: 'Required value: name or generateName is required',
              field: 'metadata.name',
            },
          ],
        },
      );
    }
    if (!NAME_RE.test(name) || name.length > 253) {
      const msg = `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
      throw new ApiError(
        422,
        'Invalid',
        `${rt.kind}${rt.group ? '.' + rt.group : ''} "${name}" is invalid: metadata.name: ${msg}`,
        {
          ...details(rt, name),
          causes: [{ reason: 'FieldValueInvalid', message: msg, field: 'metadata.name' }],
        },
      );
    }
    // Services are DNS-1035 labels (k8s.io/kubernetes pkg/apis/core/validation:
    // ValidateServiceName = apimachineryvalidation.NameIsDNS1035Label): no dots, a letter first.
    if (rt.kind === 'Service' && rt.group === '' && (!DNS1035_RE.test(name) || name.length > 63)) {
      const msg =
        name.length > 63
          ? `Invalid value: "${name}": must be no more than 63 characters`
          : `Invalid value: "${name}": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`;
      throw new ApiError(422, 'Invalid', `Service "${name}" is invalid: metadata.name: ${msg}`, {
        ...details(rt, name),
        causes: [{ reason: 'FieldValueInvalid', message: msg, field: 'metadata.name' }],
      });
    }
    if (rt.namespaced) {
      if (!ns)
        throw new ApiError(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      const nsRt = RESOURCES.find((r) => r.plural === 'namespaces')!;
      const nsObj = this.get(nsRt, undefined, ns);
      if (!nsObj) {
        throw new ApiError(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
      }
      if (nsObj.metadata.deletionTimestamp) {
        throw new ApiError(
          403,
          'Forbidden',
          `${qualified(rt)} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
          details(rt, name),
        );
      }
    }
    const m = this.data.get(this.rk(rt))!;
    if (m.has(key(ns, name))) {
      throw new ApiError(
        409,
        'AlreadyExists',
        `${qualified(rt)} "${name}" already exists`,
        details(rt, name),
      );
    }
    o.metadata.uid = randomUUID();
    o.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    delete o.metadata.deletionTimestamp;
    if (hasGeneration(rt)) o.metadata.generation = 1;
    else delete o.metadata.generation;
    if (!rt.namespaced) delete o.metadata.namespace;
    const strategy = this.strategy(rt);
    strategy?.prepareForCreate?.(o);
    strategy?.validate?.(o);
    if (opts.dryRun) {
      o.metadata.resourceVersion = String(this.rv);
      return o;
    }
    o.metadata.resourceVersion = this.nextRV();
    m.set(key(ns, name), o);
    this.emit('ADDED', rt, o);
    return clone(o);
  }

  /**
   * Replace the stored object. `expectedRV` (if set) must match. `subresource === 'status'`
   * only takes `.status`; the main resource keeps the old `.status` for kinds with a status subresource.
   */
  update(
    rt: ResourceType,
    obj: K8sObject,
    opts: { expectedRV?: string; subresource?: string; dryRun?: boolean; managedFields?: any[] } = {},
  ): K8sObject {
    const ns = rt.namespaced ? obj.metadata.namespace : undefined;
    const name = obj.metadata.name;
    const m = this.data.get(this.rk(rt))!;
    const old = m.get(key(ns, name));
    if (!old) throw notFound(rt, name);
    if (
      opts.expectedRV !== undefined &&
      opts.expectedRV !== '' &&
      opts.expectedRV !== old.metadata.resourceVersion
    ) {
      throw conflict(rt, name);
    }
    if (obj.metadata.uid && obj.metadata.uid !== old.metadata.uid) {
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualified(rt)} "${name}": Precondition failed: UID in precondition: ${obj.metadata.uid}, UID in object meta: ${old.metadata.uid}`,
        details(rt, name),
      );
    }
    let next: K8sObject;
    if (opts.subresource === 'status') {
      next = clone(old);
      if (obj.status === undefined) delete next.status;
      else next.status = clone(obj.status);
    } else {
      next = clone(obj);
      next.metadata = { ...clone(obj.metadata) };
      // immutable / server-owned metadata
      next.metadata.uid = old.metadata.uid;
      next.metadata.creationTimestamp = old.metadata.creationTimestamp;
      if (old.metadata.deletionTimestamp) {
        next.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
        if (old.metadata.deletionGracePeriodSeconds !== undefined)
          next.metadata.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
      } else {
        delete next.metadata.deletionTimestamp;
        delete next.metadata.deletionGracePeriodSeconds;
      }
      if (rt.namespaced) next.metadata.namespace = old.metadata.namespace;
      if (rt.subresources.includes('status')) {
        if (old.status === undefined) delete next.status;
        else next.status = clone(old.status);
      }
      if (hasGeneration(rt)) {
        const specChanged = !deepEqual(stripForGeneration(old), stripForGeneration(next));
        next.metadata.generation = (old.metadata.generation ?? 1) + (specChanged ? 1 : 0);
      } else delete next.metadata.generation;
    }
    if (opts.subresource !== 'status') this.strategy(rt)?.validate?.(next, old);
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    // A write that omits managedFields keeps them; the server computes them (see managed.ts).
    const managed = opts.managedFields ?? old.metadata.managedFields;
    if (managed === undefined) delete next.metadata.managedFields;
    else next.metadata.managedFields = clone(managed);
    if (deepEqual(next, old)) return clone(old); // no-op writes keep the resourceVersion, as the real server
    if (opts.dryRun) return next;
    // finalizers removed from an object being deleted -> really delete
    if (
      next.metadata.deletionTimestamp &&
      (old.metadata.finalizers ?? []).length > 0 &&
      (next.metadata.finalizers ?? []).length === 0 &&
      rt.kind !== 'Pod'
    ) {
      next.metadata.resourceVersion = this.nextRV();
      m.delete(key(ns, name));
      this.emit('DELETED', rt, next, old);
      return clone(next);
    }
    next.metadata.resourceVersion = this.nextRV();
    m.set(key(ns, name), next);
    this.emit('MODIFIED', rt, next, old);
    return clone(next);
  }

  /** Remove right away (no grace period). */
  remove(rt: ResourceType, ns: string | undefined, name: string, opts: { dryRun?: boolean } = {}): K8sObject {
    const m = this.data.get(this.rk(rt))!;
    const k = key(rt.namespaced ? ns : undefined, name);
    const old = m.get(k);
    if (!old) throw notFound(rt, name);
    if (opts.dryRun) return clone(old);
    const next = clone(old);
    next.metadata.resourceVersion = this.nextRV();
    m.delete(k);
    this.emit('DELETED', rt, next, old);
    return clone(next);
  }

  /** Mark for deletion (deletionTimestamp) and emit MODIFIED; the caller finishes with remove(). */
  markDeleting(rt: ResourceType, ns: string | undefined, name: string, graceSeconds: number): K8sObject {
    const m = this.data.get(this.rk(rt))!;
    const k = key(rt.namespaced ? ns : undefined, name);
    const old = m.get(k);
    if (!old) throw notFound(rt, name);
    if (old.metadata.deletionTimestamp) return clone(old);
    const next = clone(old);
    next.metadata.deletionTimestamp = new Date(Date.now() + graceSeconds * 1000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    next.metadata.deletionGracePeriodSeconds = graceSeconds;
    next.metadata.resourceVersion = this.nextRV();
    m.set(k, next);
    this.emit('MODIFIED', rt, next, old);
    return clone(next);
  }
}

function hasGeneration(rt: ResourceType): boolean {
  return [
    'deployments',
    'replicasets',
    'jobs',
    'dynamographdeployments',
    'dynamocomponentdeployments',
  ].includes(rt.plural);
}

function stripForGeneration(o: K8sObject): unknown {
  const c = clone(o) as Record<string, any>;
  delete c.metadata;
  delete c.status;
  return c;
}

export function apiVersionOf(rt: ResourceType, version: string): string {
  return groupVersion(rt.group, version);
}
