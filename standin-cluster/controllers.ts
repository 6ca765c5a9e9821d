// Control plane simulation: the Dynamo operator (DGD -> DynamoComponentDeployments -> Deployments +
// frontend Service, or DGD -> PodCliqueSet under Grove), the
// Deployment and ReplicaSet controllers, the scheduler, garbage collection and event recording.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { createHash } from 'node:crypto';
import { applyDefaults } from './defaults.ts';
import { foregroundDelete } from './gc-foreground.ts';
import { clone, deepEqual } from './patch.ts';
import { nextManagedFields } from './managed.ts';
import { convertTo, RESOURCES, type ResourceType } from './resources.ts';
import { matchLabelSelectorObject } from './selectors.ts';
import { randSuffix, type K8sObject, type Store, type StoreEvent } from './store.ts';

type AnyObj = Record<string, any>;

export const rtOf = (plural: string): ResourceType => RESOURCES.find((r) => r.plural === plural)!;
const PODS = rtOf('pods');
const RS = rtOf('replicasets');
const DEPLOY = rtOf('deployments');
const DGD = rtOf('dynamographdeployments');
const DCD = rtOf('dynamocomponentdeployments');
const SVC = rtOf('services');
const EVENTS = rtOf('events');
const NS = rtOf('namespaces');
const NODES = rtOf('nodes');
const ENDPOINTS = rtOf('endpoints');
const PCS = rtOf('podcliquesets');
export const GROVE_UPDATE_STRATEGY = 'nvidia.com/grove-update-strategy';
export const ENABLE_GROVE = 'nvidia.com/enable-grove';

export const NODE_NAME = 'standin-node';

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export function isPodReady(p: AnyObj): boolean {
  return (p.status?.conditions ?? []).some((c: AnyObj) => c.type === 'Ready' && c.status === 'True');
}

export function ownerRef(o: K8sObject, controller = true): AnyObj {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    uid: o.metadata.uid,
    controller,
    blockOwnerDeletion: true,
  };
}

function ownedBy(o: AnyObj, owner: AnyObj): boolean {
  return (o.metadata.ownerReferences ?? []).some((r: AnyObj) => r.uid === owner.metadata.uid);
}

// ---- events ------------------------------------------------------------------------------------
export class EventRecorder {
  private store: Store;
  constructor(store: Store) {
    this.store = store;
  }
  record(
    obj: AnyObj,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
    fieldPath?: string,
  ): void {
    try {
      this.write(obj, type, reason, message, component, fieldPath);
    } catch {
      // like client-go's recorder: a rejected event (e.g. namespace terminating) is dropped
    }
  }

  private write(
    obj: AnyObj,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
    fieldPath?: string,
  ): void {
    const ns = obj.metadata.namespace ?? 'default';
    const nsObj = this.store.get(NS, undefined, ns);
    if (!nsObj || nsObj.metadata.deletionTimestamp) return;
    const involved: AnyObj = {
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: obj.metadata.resourceVersion,
    };
    if (fieldPath) involved.fieldPath = fieldPath;
    const existing = this.store
      .list(EVENTS, ns)
      .find(
        (e) =>
          e.involvedObject?.uid === obj.metadata.uid &&
          e.reason === reason &&
          e.message === message &&
          e.type === type &&
          (e.involvedObject?.fieldPath ?? '') === (fieldPath ?? ''),
      );
    const t = now();
    if (existing) {
      existing.count = (existing.count ?? 1) + 1;
      existing.lastTimestamp = t;
      this.store.update(EVENTS, existing);
      return;
    }
    const host = component === 'kubelet' ? NODE_NAME : undefined;
    this.store.create(EVENTS, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${obj.metadata.name}.${createHash('sha1').update(`${Date.now()}${Math.random()}`).digest('hex').slice(0, 16)}`,
        namespace: ns,
      },
      involvedObject: involved,
      reason,
      message,
      source: host ? { component, host } : { component },
      firstTimestamp: t,
      lastTimestamp: t,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: host ?? '',
    } as unknown as K8sObject);
  }
}

// ---- Dynamo operator ---------------------------------------------------------------------------
interface Component {
  name: string;
  type: string; // frontend | worker | prefill | decode | planner | ...
  subType?: string;
  replicas: number;
  container: AnyObj; // user main container fields
  podExtras: AnyObj; // other pod spec fields
  componentEnv: AnyObj[];
  envFromSecret?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** One v1alpha1 service (a DGD's `spec.services[name]`, or a DCD's shared spec) as a component. */
function alphaComponent(name: string, s: AnyObj | undefined): Component {
  const svc = s ?? {};
  const eps = clone(svc.extraPodSpec ?? {});
  const main = clone(eps.mainContainer ?? {});
  delete eps.mainContainer;
  const res = svc.resources;
  if (res && !main.resources) {
    const conv = (m: AnyObj | undefined) => {
      if (!m) return undefined;
      const o: AnyObj = {};
      for (const [k, v] of Object.entries(m)) {
        if (k === 'gpu') o['nvidia.com/gpu'] = v;
        else if (k !== 'gpuType' && k !== 'custom') o[k] = v;
      }
      return o;
    };
    main.resources = {};
    if (res.requests) main.resources.requests = conv(res.requests);
    if (res.limits) main.resources.limits = conv(res.limits);
  }
  return {
    name,
    type: svc.componentType ?? 'default',
    subType: svc.subComponentType,
    replicas: svc.replicas ?? 1,
    container: main,
    podExtras: eps,
    componentEnv: svc.envs ?? [],
    envFromSecret: svc.envFromSecret,
    labels: svc.labels,
    annotations: svc.annotations,
  };
}

function dgdComponents(dgd: AnyObj): { components: Component[]; graphEnv: AnyObj[] } {
  const spec = dgd.spec ?? {};
  if (dgd.apiVersion === 'nvidia.com/v1alpha1') {
    const comps = Object.entries<AnyObj>(spec.services ?? {}).map(([name, s]) => alphaComponent(name, s));
    return { components: comps, graphEnv: spec.envs ?? [] };
  }
  const comps: Component[] = [];
  for (const c of (spec.components ?? []) as AnyObj[]) {
    const ps = clone(c.podTemplate?.spec ?? {});
    const containers: AnyObj[] = ps.containers ?? [];
    const main = clone(containers.find((x) => x.name === 'main') ?? {});
    ps.containers = containers.filter((x) => x.name !== 'main');
    if (!ps.containers.length) delete ps.containers;
    comps.push({
      name: c.name,
      type: c.type ?? 'default',
      replicas: c.replicas ?? 1,
      container: main,
      podExtras: ps,
      componentEnv: [],
      labels: c.podTemplate?.metadata?.labels,
      annotations: c.podTemplate?.metadata?.annotations,
    });
  }
  return { components: comps, graphEnv: spec.env ?? [] };
}

function mergeEnv(base: AnyObj[], extra: AnyObj[]): AnyObj[] {
  const out = clone(base);
  for (const e of extra ?? []) {
    const i = out.findIndex((x) => x.name === e.name);
    if (i >= 0) out[i] = clone(e);
    else out.push(clone(e));
  }
  return out;
}

export function dynamoNamespace(dgd: AnyObj): string {
  return `${dgd.metadata.namespace}-${String(dgd.metadata.name).replace(/\./g, '-')}`;
}

export function componentResourceName(dgd: AnyObj, comp: string): string {
  return `${dgd.metadata.name}-${comp.toLowerCase()}`;
}

/**
 * NormalizeKubeResourceName (deploy/operator/internal/dynamo/graph.go): Service names must be
 * DNS-1035 labels, so GenerateComponentService lower-cases the name and turns dots into dashes
 * (DGD `qwen3-0.6b` → Service `qwen3-0-6b-frontend`).
 */
export function normalizeKubeResourceName(name: string): string {
  return name.replace(/\./g, '-').toLowerCase();
}

function componentLabels(dgd: AnyObj, c: Component): Record<string, string> {
  const l: Record<string, string> = {
    'nvidia.com/selector': componentResourceName(dgd, c.name),
    'nvidia.com/dynamo-graph-deployment-name': dgd.metadata.name,
    'nvidia.com/dynamo-component': c.name,
    'nvidia.com/dynamo-component-type': c.type,
    'nvidia.com/dynamo-namespace': dynamoNamespace(dgd),
  };
  if (c.subType) l['nvidia.com/dynamo-sub-component-type'] = c.subType;
  return l;
}

const FIELD_ENV = (name: string, path: string) => ({ name, valueFrom: { fieldRef: { fieldPath: path } } });

function buildPodTemplate(dgd: AnyObj, c: Component, graphEnv: AnyObj[]): AnyObj {
  const dns = dynamoNamespace(dgd);
  const isFrontend = c.type === 'frontend';
  const isWorker = ['worker', 'prefill', 'decode'].includes(c.type);
  const base: AnyObj = { name: 'main', command: ['/bin/sh', '-c'] };
  let env: AnyObj[] = [
    { name: 'DYN_NAMESPACE', value: dns },
    { name: 'DYN_COMPONENT', value: c.type },
    { name: 'DYN_PARENT_DGD_K8S_NAME', value: dgd.metadata.name },
    { name: 'DYN_PARENT_DGD_K8S_NAMESPACE', value: dgd.metadata.namespace },
    FIELD_ENV('POD_NAME', 'metadata.name'),
    FIELD_ENV('POD_NAMESPACE', 'metadata.namespace'),
    FIELD_ENV('POD_UID', 'metadata.uid'),
    { name: 'DYN_DISCOVERY_BACKEND', value: 'kubernetes' },
  ];
  if (isFrontend) {
    base.command = ['python3'];
    base.args = ['-m', 'dynamo.frontend'];
    base.ports = [{ name: 'http', containerPort: 8000, protocol: 'TCP' }];
    base.livenessProbe = {
      httpGet: { path: '/live', port: 'http' },
      initialDelaySeconds: 15,
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 3,
    };
    base.readinessProbe = {
      httpGet: { path: '/health', port: 'http' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    };
    env.push(
      { name: 'DYNAMO_PORT', value: '8000' },
      { name: 'DYN_HTTP_PORT', value: '8000' },
      { name: 'DYN_NAMESPACE_PREFIX', value: dns },
    );
  } else if (isWorker) {
    base.ports = [
      { name: 'system', containerPort: 9090, protocol: 'TCP' },
      { name: 'nixl', containerPort: 19090, protocol: 'TCP' },
    ];
    base.livenessProbe = {
      httpGet: { path: '/live', port: 'system' },
      periodSeconds: 5,
      timeoutSeconds: 4,
      failureThreshold: 1,
    };
    base.readinessProbe = {
      httpGet: { path: '/health', port: 'system' },
      periodSeconds: 10,
      timeoutSeconds: 4,
      failureThreshold: 3,
    };
    base.startupProbe = {
      httpGet: { path: '/live', port: 'system' },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 720,
    };
    env.push(
      { name: 'DYN_SYSTEM_ENABLED', value: 'true' },
      { name: 'DYN_SYSTEM_USE_ENDPOINT_HEALTH_STATUS', value: '["generate"]' },
      { name: 'DYN_SYSTEM_PORT', value: '9090' },
      { name: 'DYN_HEALTH_CHECK_ENABLED', value: 'false' },
    );
  }
  env = mergeEnv(env, graphEnv);
  env = mergeEnv(env, c.componentEnv);
  env = mergeEnv(env, c.container.env ?? []);
  const container: AnyObj = { ...base };
  for (const [k, v] of Object.entries(c.container)) {
    if (k === 'env' || k === 'name') continue;
    if (v === null || v === undefined) continue;
    if (k === 'resources' && Object.keys(v).length === 0) continue;
    container[k] = clone(v);
  }
  container.name = 'main';
  container.env = env;
  if (c.envFromSecret)
    container.envFrom = [...(container.envFrom ?? []), { secretRef: { name: c.envFromSecret } }];
  const podSpec: AnyObj = { terminationGracePeriodSeconds: 60, restartPolicy: 'Always' };
  for (const [k, v] of Object.entries(c.podExtras)) {
    if (k === 'containers' || v === null || v === undefined) continue;
    podSpec[k] = clone(v);
  }
  podSpec.containers = [
    container,
    ...((c.podExtras.containers ?? []) as AnyObj[]).filter((x) => x && x.name),
  ];
  const labels = { ...(c.labels ?? {}), ...componentLabels(dgd, c) };
  const tmpl: AnyObj = { metadata: { labels }, spec: podSpec };
  const ann = { ...(dgd.spec?.annotations ?? {}), ...(c.annotations ?? {}) };
  if (Object.keys(ann).length) tmpl.metadata.annotations = ann;
  return tmpl;
}

// ---- DynamoComponentDeployment ------------------------------------------------------------------
const GRAPH_LABEL = 'nvidia.com/dynamo-graph-deployment-name';

const WORKER_HASH_LABEL = 'nvidia.com/dynamo-worker-hash';
const isWorkerType = (t: string) => ['worker', 'prefill', 'decode'].includes(t);

/** Eight hex digits over every worker's DCD spec (the operator hashes its own rendering; the value differs). */
function workersHash(components: Component[], specs: Record<string, AnyObj>): string {
  const workers = components
    .filter((c) => isWorkerType(c.type))
    .map((c) => [c.name, canonical(specs[c.name] ?? {})])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return createHash('sha256').update(JSON.stringify(workers)).digest('hex').slice(0, 8);
}

/** The operator's MergeEnvs (deploy/operator/internal/dynamo/graph.go): by name, the specific entry wins, sorted by name. */
function mergeEnvsSorted(common: AnyObj[], specific: AnyObj[]): AnyObj[] {
  const m = new Map<string, AnyObj>();
  for (const e of [...(common ?? []), ...(specific ?? [])]) m.set(e.name, clone(e));
  return [...m.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The DCD spec per component, as generateSingleDCD (deploy/operator/internal/dynamo/graph.go) builds it
 * from the DGD in the DCD's version (v1alpha1): the component's shared spec, serviceName,
 * dynamoNamespace, backendFramework, labels (the component's plus dynamo-component,
 * dynamo-namespace, dynamo-graph-deployment-name), the graph's envs merged into the component's.
 */
function dcdSpecsOf(dgd: AnyObj): Record<string, AnyObj> {
  const alpha = dgd.apiVersion === 'nvidia.com/v1alpha1' ? dgd : convertTo(dgd, DGD, 'v1alpha1');
  const out: Record<string, AnyObj> = {};
  const dns = dynamoNamespace(dgd);
  for (const [name, svc] of Object.entries<AnyObj>(alpha.spec?.services ?? {})) {
    const spec: AnyObj = clone(svc ?? {});
    spec.labels = {
      ...(svc?.labels ?? {}),
      'nvidia.com/dynamo-component': name,
      'nvidia.com/dynamo-namespace': dns,
      [GRAPH_LABEL]: dgd.metadata.name,
    };
    const ann = { ...(alpha.spec?.annotations ?? {}), ...(svc?.annotations ?? {}) };
    if (Object.keys(ann).length) spec.annotations = ann;
    if (alpha.spec?.backendFramework) spec.backendFramework = alpha.spec.backendFramework;
    spec.serviceName = name;
    spec.dynamoNamespace = dns;
    if ((alpha.spec?.envs ?? []).length) spec.envs = mergeEnvsSorted(alpha.spec.envs, svc?.envs ?? []);
    spec.replicas = svc?.replicas ?? 1;
    // A v1beta1 graph's DCDs keep its component type (the v1beta1 DCD's componentType: prefill/decode).
    const beta = dgd.apiVersion === 'nvidia.com/v1beta1' && svc?.componentType === 'worker';
    if (beta && ['prefill', 'decode'].includes(svc?.subComponentType)) {
      spec.componentType = svc.subComponentType;
      delete spec.subComponentType;
    }
    out[name] = spec;
  }
  return out;
}

// ---- helpers for rollouts ----------------------------------------------------------------------
function intOrPercent(v: unknown, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const s = String(v);
  if (s.endsWith('%')) {
    const x = (Number(s.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  return Number(s);
}

export function templateHash(template: AnyObj): string {
  const h = createHash('sha256')
    .update(JSON.stringify(canonical(template)))
    .digest();
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 10; i++) s += alphabet[h[i] % alphabet.length];
  return s;
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const o: AnyObj = {};
    for (const k of Object.keys(v as AnyObj).sort()) o[k] = canonical((v as AnyObj)[k]);
    return o;
  }
  return v;
}

// ---- the controller manager ------------------------------------------------------------------
export interface ControllerOptions {
  node?: { labels?: Record<string, string>; allocatable?: Record<string, string> };
  /** The operator's hub DGD version (its Go types; its own writes are typed in it). Default v1beta1. */
  dgdHubVersion?: string;
  /** Grove installed and the operator's Grove gate on: DGDs (unless annotated off) become PodCliqueSets. */
  grove?: boolean;
}

/** The operator's field manager: controller-runtime's default, the binary name (`manager` under kubebuilder). */
export const OPERATOR_MANAGER = 'manager';
export const OPERATOR_FINALIZER = 'nvidia.com/finalizer';

export class ControllerManager {
  private store: Store;
  readonly events: EventRecorder;
  private queue = new Map<string, () => void>();
  private scheduled = false;
  private unsub: () => void;
  private stopped = false;
  private timers = new Set<NodeJS.Timeout>();
  private opts: ControllerOptions;

  constructor(store: Store, opts: ControllerOptions = {}) {
    this.store = store;
    this.opts = opts;
    this.events = new EventRecorder(store);
    this.unsub = store.onEvent((e) => this.onEvent(e));
  }

  bootstrap(): void {
    const labels = {
      'kubernetes.io/hostname': NODE_NAME,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'node-role.kubernetes.io/control-plane': '',
      ...(this.opts.node?.labels ?? {}),
    };
    const allocatable = {
      cpu: '64',
      memory: '256Gi',
      pods: '250',
      'ephemeral-storage': '500Gi',
      ...(this.opts.node?.allocatable ?? {}),
    };
    this.store.create(NODES, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: NODE_NAME, labels },
      spec: {},
      status: {
        capacity: allocatable,
        allocatable,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
            lastHeartbeatTime: now(),
            lastTransitionTime: now(),
          },
        ],
        addresses: [
          { type: 'InternalIP', address: '127.0.0.1' },
          { type: 'Hostname', address: NODE_NAME },
        ],
        nodeInfo: {
          kubeletVersion: 'v1.32.0-standin',
          containerRuntimeVersion: 'standin://1.0',
          operatingSystem: 'linux',
          architecture: 'amd64',
          osImage: 'stand-in',
          kernelVersion: '',
          kubeProxyVersion: '',
          machineID: '',
          systemUUID: '',
          bootID: '',
        },
      },
    } as unknown as K8sObject);
    for (const ns of ['default', 'kube-system', 'kube-public']) this.ensureNamespace(ns);
  }

  ensureNamespace(ns: string): void {
    if (this.store.get(NS, undefined, ns)) return;
    const o: AnyObj = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
    applyDefaults(NS, o, this.store, true);
    this.store.create(NS, o as K8sObject);
    this.store.create(rtOf('serviceaccounts'), {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: ns },
    } as K8sObject);
  }

  stop(): void {
    this.stopped = true;
    this.unsub();
    for (const t of this.timers) clearTimeout(t);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(t);
  }

  private enqueue(key: string, fn: () => void): void {
    if (this.stopped) return;
    this.queue.set(key, fn);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private drain(): void {
    this.scheduled = false;
    let guard = 0;
    while (this.queue.size && guard++ < 10000 && !this.stopped) {
      const [k, fn] = this.queue.entries().next().value as [string, () => void];
      this.queue.delete(k);
      try {
        fn();
      } catch (err) {
        // conflicts from concurrent writers: retry shortly, like a controller requeue
        const code = (err as { code?: number }).code;
        if (code === 409 || code === 404) this.later(50, () => this.enqueue(k, fn));
        else console.error(`[stand-in] controller ${k} failed:`, err);
      }
    }
  }

  private onEvent(e: StoreEvent): void {
    const o = e.object;
    const ns = o.metadata.namespace;
    switch (e.rt.plural) {
      case 'dynamographdeployments':
        if (e.type !== 'DELETED')
          this.enqueue(`dgd/${ns}/${o.metadata.name}`, () => this.reconcileDGD(ns!, o.metadata.name));
        break;
      case 'dynamocomponentdeployments':
        if (e.type !== 'DELETED')
          this.enqueue(`dcd/${ns}/${o.metadata.name}`, () => this.reconcileDCD(ns!, o.metadata.name));
        this.enqueueOwners(o, 'DynamoGraphDeployment');
        break;
      case 'deployments':
        if (e.type !== 'DELETED')
          this.enqueue(`deploy/${ns}/${o.metadata.name}`, () =>
            this.reconcileDeployment(ns!, o.metadata.name),
          );
        this.enqueueOwners(o, 'DynamoComponentDeployment');
        break;
      case 'replicasets':
        if (e.type !== 'DELETED')
          this.enqueue(`rs/${ns}/${o.metadata.name}`, () => this.reconcileRS(ns!, o.metadata.name));
        this.enqueueOwners(o, 'Deployment');
        break;
      case 'podcliquesets':
        if (e.type !== 'DELETED')
          this.enqueue(`pcs/${ns}/${o.metadata.name}`, () => this.reconcilePCS(ns!, o.metadata.name));
        this.enqueueOwners(o, 'DynamoGraphDeployment');
        break;
      case 'pods':
        this.enqueueOwners(o, 'ReplicaSet');
        this.enqueueOwners(o, 'PodCliqueSet');
        if (e.type !== 'DELETED' && !o.spec?.nodeName && !o.metadata.deletionTimestamp) {
          this.enqueue(`sched/${ns}/${o.metadata.name}`, () => this.schedule(ns!, o.metadata.name));
        }
        this.enqueue(`ep/${ns}`, () => this.reconcileEndpoints(ns!));
        break;
      case 'services':
        this.enqueue(`ep/${ns}`, () => this.reconcileEndpoints(ns!));
        break;
      default:
        break;
    }
    if (e.type === 'DELETED') this.collectGarbage(o);
  }

  private enqueueOwners(o: AnyObj, kind: string): void {
    for (const r of o.metadata.ownerReferences ?? []) {
      if (r.kind !== kind) continue;
      const ns = o.metadata.namespace;
      if (kind === 'ReplicaSet') this.enqueue(`rs/${ns}/${r.name}`, () => this.reconcileRS(ns, r.name));
      if (kind === 'Deployment')
        this.enqueue(`deploy/${ns}/${r.name}`, () => this.reconcileDeployment(ns, r.name));
      if (kind === 'DynamoGraphDeployment')
        this.enqueue(`dgd/${ns}/${r.name}`, () => this.reconcileDGD(ns, r.name));
      if (kind === 'DynamoComponentDeployment')
        this.enqueue(`dcd/${ns}/${r.name}`, () => this.reconcileDCD(ns, r.name));
      if (kind === 'PodCliqueSet') this.enqueue(`pcs/${ns}/${r.name}`, () => this.reconcilePCS(ns, r.name));
    }
  }

  // ---- garbage collection / deletion ---------------------------------------------------------
  private collectGarbage(owner: AnyObj): void {
    const uid = owner.metadata.uid;
    const ns = owner.metadata.namespace;
    this.enqueue(`gc/${uid}`, () => {
      for (const rt of RESOURCES) {
        if (!rt.namespaced) continue;
        for (const o of this.store.list(rt, ns)) {
          if ((o.metadata.ownerReferences ?? []).some((r: AnyObj) => r.uid === uid)) {
            try {
              this.deleteObject(rt, o.metadata.namespace, o.metadata.name, {});
            } catch {
              /* already gone */
            }
          }
        }
      }
    });
  }

  deleteObject(
    rt: ResourceType,
    ns: string | undefined,
    name: string,
    opts: { gracePeriodSeconds?: number; propagationPolicy?: string; dryRun?: boolean },
  ): K8sObject {
    const cur = this.store.mustGet(rt, ns, name);
    if (opts.dryRun) return cur;
    if (rt.plural === 'pods') {
      const grace = opts.gracePeriodSeconds ?? cur.spec?.terminationGracePeriodSeconds ?? 30;
      if (grace === 0 || !cur.spec?.nodeName) return this.store.remove(rt, ns, name);
      // the kubelet stops the containers and removes the object (see kubelet.ts)
      return this.store.markDeleting(rt, ns, name, grace);
    }
    if (rt.plural === 'namespaces') {
      const marked = this.store.markDeleting(rt, undefined, name, 0);
      const st = clone(marked);
      st.status = { phase: 'Terminating' };
      this.store.update(rt, st, { subresource: 'status' });
      const sweep = () => {
        let remaining = 0;
        for (const r of RESOURCES) {
          if (!r.namespaced) continue;
          for (const o of this.store.list(r, name)) {
            remaining++;
            if (!o.metadata.deletionTimestamp) {
              try {
                this.deleteObject(r, name, o.metadata.name, {
                  gracePeriodSeconds: r.plural === 'pods' ? undefined : 0,
                });
              } catch {
                /* gone */
              }
            }
          }
        }
        if (remaining === 0) {
          try {
            this.store.remove(rt, undefined, name);
          } catch {
            /* gone */
          }
        } else this.later(100, sweep);
      };
      this.later(0, sweep);
      return this.store.mustGet(rt, undefined, name);
    }
    if (opts.propagationPolicy === 'Foreground')
      return foregroundDelete(
        {
          store: this.store,
          later: (ms, fn) => this.later(ms, fn),
          deleteDependent: (r, n, name) => this.deleteObject(r, n, name, { propagationPolicy: 'Foreground' }),
        },
        rt,
        cur,
      );
    if (opts.propagationPolicy === 'Orphan') {
      // drop owner references from dependents first
      for (const r of RESOURCES) {
        if (!r.namespaced) continue;
        for (const o of this.store.list(r, ns)) {
          const refs = (o.metadata.ownerReferences ?? []) as AnyObj[];
          if (refs.some((x) => x.uid === cur.metadata.uid)) {
            o.metadata.ownerReferences = refs.filter((x) => x.uid !== cur.metadata.uid);
            if (!o.metadata.ownerReferences.length) delete o.metadata.ownerReferences; // omitempty
            this.store.update(r, o);
          }
        }
      }
    }
    return this.store.remove(rt, ns, name);
  }

  // ---- DGD -----------------------------------------------------------------------------------
  private reconcileDGD(ns: string, name: string): void {
    let dgd = this.store.get(DGD, ns, name);
    if (!dgd || dgd.metadata.deletionTimestamp) return;
    // The operator's first reconcile adds its finalizer with an Update typed in its hub version
    // (deploy/operator/internal/controller/dynamographdeployment_controller.go, commonController.HandleFinalizer).
    if (!(dgd.metadata.finalizers ?? []).includes(OPERATOR_FINALIZER)) {
      const next = clone(dgd);
      next.metadata.finalizers = [...(dgd.metadata.finalizers ?? []), OPERATOR_FINALIZER];
      dgd = this.operatorWrite(dgd, next);
    }
    const { components, graphEnv } = dgdComponents(dgd);
    const dcdSpecs = dcdSpecsOf(dgd);
    // Worker DCDs carry the hash of every worker's spec in their name and the label
    // nvidia.com/dynamo-worker-hash (GetDCDResourceName, ComputeDGDWorkersSpecHash): a worker change
    // makes new worker DCDs, and the old ones go once the new ones are Available.
    const workerHash = workersHash(components, dcdSpecs);
    let workersReady = true;
    const wanted = new Set<string>();
    // The Grove pathway (isGrovePathway in the operator's defaulting webhook): the gate, unless the DGD opts out.
    const grove =
      !!this.opts.grove && String(dgd.metadata.annotations?.[ENABLE_GROVE] ?? '').toLowerCase() !== 'false';
    const cliques: AnyObj[] = [];
    const pcsNow = grove ? this.store.get(PCS, ns, dgd.metadata.name) : undefined;
    const serviceStatus: AnyObj = {};
    let allReady = true;
    for (const c of components) {
      const worker = isWorkerType(c.type);
      const dname = componentResourceName(dgd, c.name) + (worker && !grove ? `-${workerHash}` : '');
      wanted.add(dname);
      const template = grove ? buildPodTemplate(dgd, c, graphEnv) : {};
      const labels = componentLabels(dgd, c);
      if (grove) {
        cliques.push({
          name: c.name.toLowerCase(),
          labels,
          spec: {
            roleName: c.name,
            replicas: c.replicas,
            podSpec: template.spec,
            podLabels: template.metadata?.labels,
          },
        });
        const st = (pcsNow?.status?.cliques ?? {})[c.name.toLowerCase()] ?? {};
        const ready =
          (st.updatedReplicas ?? 0) === c.replicas &&
          (st.readyReplicas ?? 0) >= c.replicas &&
          (st.replicas ?? 0) === c.replicas;
        if (!ready) allReady = false;
        serviceStatus[c.name] = {
          componentKind: 'PodClique',
          componentName: `${dgd.metadata.name}-0-${c.name.toLowerCase()}`,
          componentNames: [`${dgd.metadata.name}-0-${c.name.toLowerCase()}`],
          replicas: st.replicas ?? 0,
          updatedReplicas: st.updatedReplicas ?? 0,
          readyReplicas: st.readyReplicas ?? 0,
          availableReplicas: st.readyReplicas ?? 0,
        };
      } else {
        // The non-Grove path: one DynamoComponentDeployment per component, which owns the Deployment.
        const spec = clone(dcdSpecs[c.name] ?? {});
        if (worker) spec.labels = { ...spec.labels, [WORKER_HASH_LABEL]: workerHash };
        const dcd = this.syncDCD(dgd, dname, spec);
        const st = dcd.status ?? {};
        const available = (st.conditions ?? []).find((x: AnyObj) => x.type === 'Available');
        const ready = st.observedGeneration === dcd.metadata.generation && available?.status === 'True';
        if (!ready) allReady = false;
        if (!ready && worker) workersReady = false;
        serviceStatus[c.name] = st.service ?? {
          componentKind: 'Deployment',
          componentName: dname,
          componentNames: [dname],
          replicas: 0,
          updatedReplicas: 0,
          readyReplicas: 0,
          availableReplicas: 0,
        };
      }
      // Under Grove the DGD controller makes the frontend Service; otherwise the DCD controller does.
      if (grove && c.type === 'frontend') {
        const svcName = normalizeKubeResourceName(componentResourceName(dgd, c.name));
        const desiredSvc: AnyObj = {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: svcName, namespace: ns, labels, ownerReferences: [ownerRef(dgd)] },
          spec: {
            type: 'ClusterIP',
            // The operator's selector (deploy/operator/internal/dynamo graph.go): type, Dynamo namespace, component.
            selector: {
              'nvidia.com/dynamo-component-type': 'frontend',
              'nvidia.com/dynamo-namespace': dynamoNamespace(dgd),
              'nvidia.com/dynamo-component': c.name,
            },
            ports: [{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }],
          },
        };
        const curSvc = this.store.get(SVC, ns, svcName);
        if (!curSvc) {
          applyDefaults(SVC, desiredSvc, this.store, true);
          this.store.create(SVC, desiredSvc as K8sObject);
        } else if (!deepEqual(curSvc.spec.selector, desiredSvc.spec.selector)) {
          curSvc.spec.selector = desiredSvc.spec.selector;
          this.store.update(SVC, curSvc);
        }
      }
    }
    if (grove) {
      const strategy =
        dgd.metadata.annotations?.[GROVE_UPDATE_STRATEGY] === 'OnDelete' ? 'OnDelete' : 'RollingRecreate';
      const spec = { replicas: 1, updateStrategy: { type: strategy }, template: { cliques } };
      if (!pcsNow) {
        this.store.create(PCS, {
          apiVersion: 'grove.io/v1alpha1',
          kind: 'PodCliqueSet',
          metadata: { name: dgd.metadata.name, namespace: ns, ownerReferences: [ownerRef(dgd)] },
          spec,
        } as K8sObject);
      } else if (!deepEqual(pcsNow.spec, spec)) {
        const next = clone(pcsNow);
        next.spec = spec;
        this.store.update(PCS, next);
      }
    }
    // Owned objects no longer wanted go (their dependents follow through garbage collection).
    for (const d of this.store.list(DCD, ns)) {
      const oldWorker = !!d.metadata.labels?.[WORKER_HASH_LABEL] && !grove && !workersReady;
      if (ownedBy(d, dgd) && (grove || !wanted.has(d.metadata.name)) && !oldWorker)
        this.deleteObject(DCD, ns, d.metadata.name, {});
    }
    for (const s of this.store.list(SVC, ns)) {
      if (ownedBy(s, dgd) && (!grove || !wanted.has(s.metadata.name)))
        this.deleteObject(SVC, ns, s.metadata.name, {});
    }
    const prev = dgd.status ?? {};
    const prevReady = (prev.conditions ?? []).find((x: AnyObj) => x.type === 'Ready');
    const readyStatus = allReady ? 'True' : 'False';
    const cond = {
      type: 'Ready',
      status: readyStatus,
      reason: allReady ? 'all_resources_are_ready' : 'some_resources_are_not_ready',
      message: allReady
        ? 'All resources are ready'
        : `Resources not ready: ${
            Object.entries(serviceStatus)
              .filter(
                ([, v]) =>
                  (v as AnyObj).readyReplicas < (v as AnyObj).replicas ||
                  (v as AnyObj).updatedReplicas !== (v as AnyObj).replicas,
              )
              .map(([k]) => k)
              .join(', ') || 'pending'
          }`,
      lastTransitionTime:
        prevReady && prevReady.status === readyStatus ? prevReady.lastTransitionTime : now(),
    };
    const status: AnyObj = {
      ...prev,
      state: allReady ? 'successful' : 'pending',
      conditions: [cond],
      services: serviceStatus,
      observedGeneration: dgd.metadata.generation,
    };
    if (!deepEqual(status, prev)) {
      const next = clone(dgd);
      next.status = status;
      this.operatorWrite(dgd, next, 'status');
    }
  }

  /** A write by the operator, recorded in managedFields like the API server records any client's. */
  private operatorWrite(cur: K8sObject, next: K8sObject, subresource?: 'status'): K8sObject {
    const hub = `nvidia.com/${this.opts.dgdHubVersion ?? 'v1beta1'}`;
    const managedFields = nextManagedFields(
      cur.metadata.managedFields ?? [],
      cur,
      next,
      { manager: OPERATOR_MANAGER, operation: 'Update', apiVersion: hub, subresource },
      (o, v) => convertTo(o, DGD, v.split('/').pop()!),
    );
    return this.store.update(DGD, next, { subresource, managedFields });
  }

  // ---- DynamoComponentDeployment ---------------------------------------------------------------
  /** The DGD controller's SyncResource of one DCD: created with the DGD as controller owner, spec kept as generated. */
  private syncDCD(dgd: AnyObj, name: string, spec: AnyObj): K8sObject {
    const ns = dgd.metadata.namespace;
    const labels = { ...spec.labels };
    const cur = this.store.get(DCD, ns, name);
    if (!cur) {
      return this.store.create(DCD, {
        apiVersion: 'nvidia.com/v1alpha1',
        kind: 'DynamoComponentDeployment',
        metadata: { name, namespace: ns, labels, ownerReferences: [ownerRef(dgd as K8sObject)] },
        spec,
      } as unknown as K8sObject);
    }
    if (deepEqual(cur.spec, spec) && deepEqual(cur.metadata.labels, labels)) return cur;
    const next = clone(cur);
    next.spec = spec;
    next.metadata.labels = labels;
    return this.store.update(DCD, next);
  }

  /**
   * The DCD controller (deploy/operator/internal/controller/dynamocomponentdeployment_controller.go):
   * a Deployment named like the DCD and owned by it (generateDeployment: selector
   * nvidia.com/selector=<dcd>, RollingUpdate 25 %/25 %), the frontend Service (generateService), and
   * status conditions Available and DynamoComponentReady from the Deployment, with its replica counts.
   */
  private reconcileDCD(ns: string, name: string): void {
    const dcd = this.store.get(DCD, ns, name);
    if (!dcd || dcd.metadata.deletionTimestamp) return;
    const spec = dcd.spec ?? {};
    const c = alphaComponent(spec.serviceName ?? name, spec);
    const kubeLabels: Record<string, string> = { ...(spec.labels ?? {}), ...(dcd.metadata.labels ?? {}) };
    c.labels = kubeLabels;
    const graph = { metadata: { name: kubeLabels[GRAPH_LABEL] ?? name, namespace: ns }, spec: {} };
    const template = buildPodTemplate(graph, c, []);
    template.metadata.labels['nvidia.com/metrics-enabled'] = 'true';
    template.metadata.labels['nvidia.com/selector'] = name;
    if (spec.dynamoNamespace) template.metadata.labels['nvidia.com/dynamo-namespace'] = spec.dynamoNamespace;
    const desired: AnyObj = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, labels: kubeLabels, ownerReferences: [ownerRef(dcd)] },
      spec: {
        replicas: spec.replicas ?? 1,
        selector: { matchLabels: { 'nvidia.com/selector': name } },
        template,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      },
    };
    applyDefaults(DEPLOY, desired, this.store, true);
    const cur = this.store.get(DEPLOY, ns, name);
    if (!cur) {
      this.store.create(DEPLOY, desired as K8sObject);
    } else if (!deepEqual(cur.spec, desired.spec) || !deepEqual(cur.metadata.labels, kubeLabels)) {
      // SyncResource overwrites a spec someone else changed (GetSpecChangeResult: ManualChangeDetected).
      const next = clone(cur);
      next.spec = desired.spec;
      next.metadata.labels = kubeLabels;
      this.store.update(DEPLOY, next);
    }
    if (c.type === 'frontend') {
      const svcName = normalizeKubeResourceName(name);
      const desiredSvc: AnyObj = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: svcName, namespace: ns, labels: kubeLabels, ownerReferences: [ownerRef(dcd)] },
        spec: {
          type: 'ClusterIP',
          // GenerateComponentService (deploy/operator/internal/dynamo/graph.go): type, Dynamo namespace, component.
          selector: {
            'nvidia.com/dynamo-component-type': 'frontend',
            'nvidia.com/dynamo-namespace': spec.dynamoNamespace ?? kubeLabels['nvidia.com/dynamo-namespace'],
            'nvidia.com/dynamo-component': c.name,
          },
          ports: [{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }],
        },
      };
      const curSvc = this.store.get(SVC, ns, svcName);
      if (!curSvc) {
        applyDefaults(SVC, desiredSvc, this.store, true);
        this.store.create(SVC, desiredSvc as K8sObject);
      } else if (!deepEqual(curSvc.spec.selector, desiredSvc.spec.selector)) {
        curSvc.spec.selector = desiredSvc.spec.selector;
        this.store.update(SVC, curSvc);
      }
    }
    const d = this.store.get(DEPLOY, ns, name)!;
    const st = d.status ?? {};
    const want = d.spec?.replicas ?? 1;
    const ready =
      (st.observedGeneration ?? 0) >= d.metadata.generation &&
      (st.updatedReplicas ?? 0) === want &&
      (st.availableReplicas ?? 0) >= want &&
      (st.replicas ?? 0) === want;
    const prev = dcd.status ?? {};
    const cond = (type: string, reason: string, message: string): AnyObj => {
      const status = ready ? 'True' : 'False';
      const old = (prev.conditions ?? []).find((x: AnyObj) => x.type === type);
      return {
        type,
        status,
        reason,
        message,
        lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now(),
      };
    };
    const status: AnyObj = {
      ...prev,
      conditions: [
        cond(
          'Available',
          ready ? 'DeploymentReady' : 'DeploymentNotReady',
          ready ? 'Deployment is ready' : 'Deployment is not ready',
        ),
        cond(
          'DynamoComponentReady',
          ready ? 'ComponentReady' : 'ComponentNotReady',
          ready ? 'DynamoComponent is ready' : 'DynamoComponent is not ready',
        ),
      ],
      service: {
        componentKind: 'Deployment',
        componentName: name,
        componentNames: [name],
        replicas: st.replicas ?? 0,
        updatedReplicas: st.updatedReplicas ?? 0,
        readyReplicas: st.readyReplicas ?? 0,
        availableReplicas: st.availableReplicas ?? 0,
      },
      observedGeneration: dcd.metadata.generation,
    };
    if (!deepEqual(status, prev)) this.putStatus(DCD, dcd, status);
  }

  /** Writes `status` through the status subresource, as a controller does. */
  private putStatus(rt: ResourceType, obj: K8sObject, status: AnyObj): void {
    const next = clone(obj);
    next.status = status;
    this.store.update(rt, next, { subresource: 'status' });
  }

  // ---- Grove PodCliqueSet ----------------------------------------------------------------------
  // After ai-dynamo/grove's PodClique controller: per clique, pods carry the template hash;
  // RollingRecreate replaces one pod at a time and creates the new pod only once the old one is
  // gone (so it is never Ready before the old one left); OnDelete never replaces a running pod,
  // it only fills up to `replicas` with the current template after someone deletes one.
  // (The real PodCliqueSet owns PodCliques that own the pods; here the set owns the pods.)
  private reconcilePCS(ns: string, name: string): void {
    const pcs = this.store.get(PCS, ns, name);
    if (!pcs || pcs.metadata.deletionTimestamp) return;
    const strategy = pcs.spec?.updateStrategy?.type ?? 'RollingRecreate';
    const status: AnyObj = { cliques: {} };
    for (const clique of (pcs.spec?.template?.cliques ?? []) as AnyObj[]) {
      const cliqueName = `${name}-0-${clique.name}`;
      const podTemplate = { metadata: { labels: clique.spec.podLabels ?? {} }, spec: clique.spec.podSpec };
      const hash = templateHash(podTemplate);
      const mine = this.store
        .list(PODS, ns)
        .filter((p) => ownedBy(p, pcs) && p.metadata.labels?.['grove.io/podclique'] === cliqueName);
      const terminating = mine.filter((p) => p.metadata.deletionTimestamp);
      const live = mine.filter((p) => !p.metadata.deletionTimestamp);
      const stale = live.filter((p) => p.metadata.labels?.['grove.io/pod-template-hash'] !== hash);
      const want = clique.spec.replicas ?? 1;
      if (live.length > want) {
        for (const p of [...stale, ...live].slice(0, live.length - want))
          this.deleteObject(PODS, ns, p.metadata.name, {});
      } else if (strategy === 'RollingRecreate' && stale.length > 0 && terminating.length === 0) {
        this.deleteObject(PODS, ns, stale[0].metadata.name, {});
      } else if (live.length < want && (strategy === 'OnDelete' || terminating.length === 0)) {
        for (let i = live.length; i < want; i++) {
          const pod: AnyObj = {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: {
              generateName: `${cliqueName}-`,
              namespace: ns,
              labels: {
                ...(clique.spec.podLabels ?? {}),
                'grove.io/podcliqueset': name,
                'grove.io/podclique': cliqueName,
                'grove.io/pod-template-hash': hash,
              },
              ownerReferences: [ownerRef(pcs)],
            },
            spec: clone(clique.spec.podSpec),
          };
          applyDefaults(PODS, pod, this.store, true);
          this.store.create(PODS, pod as K8sObject);
        }
      }
      const now = this.store
        .list(PODS, ns)
        .filter(
          (p) =>
            ownedBy(p, pcs) &&
            p.metadata.labels?.['grove.io/podclique'] === cliqueName &&
            !p.metadata.deletionTimestamp,
        );
      status.cliques[clique.name] = {
        replicas: now.length,
        updatedReplicas: now.filter((p) => p.metadata.labels?.['grove.io/pod-template-hash'] === hash).length,
        readyReplicas: now.filter(
          (p) => isPodReady(p) && p.metadata.labels?.['grove.io/pod-template-hash'] === hash,
        ).length,
      };
    }
    if (!deepEqual(pcs.status, status)) this.putStatus(PCS, pcs, status);
  }

  // ---- Deployment ----------------------------------------------------------------------------
  private reconcileDeployment(ns: string, name: string): void {
    const d = this.store.get(DEPLOY, ns, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const desired = d.spec?.replicas ?? 1;
    const hash = templateHash(d.spec.template);
    const owned = this.store.list(RS, ns).filter((rs) => ownedBy(rs, d));
    let newRS = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const oldRSs = owned.filter((rs) => rs !== newRS);
    const maxRevision = owned.reduce(
      (m, rs) => Math.max(m, Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0)),
      0,
    );
    const strategy = d.spec.strategy?.type ?? 'RollingUpdate';
    const maxSurge =
      strategy === 'RollingUpdate'
        ? intOrPercent(d.spec.strategy?.rollingUpdate?.maxSurge ?? '25%', desired, true)
        : 0;
    let maxUnavailable =
      strategy === 'RollingUpdate'
        ? intOrPercent(d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%', desired, false)
        : desired;
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const podsOf = (rs: AnyObj) =>
      this.store.list(PODS, ns).filter((p) => ownedBy(p, rs) && !p.metadata.deletionTimestamp);
    const readyOf = (rs: AnyObj) => podsOf(rs).filter(isPodReady).length;
    if (!newRS) {
      const tmpl = clone(d.spec.template);
      tmpl.metadata = tmpl.metadata ?? {};
      tmpl.metadata.labels = { ...(tmpl.metadata.labels ?? {}), 'pod-template-hash': hash };
      const rev = String(maxRevision + 1);
      const rsObj: AnyObj = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${name}-${hash}`,
          namespace: ns,
          labels: tmpl.metadata.labels,
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(desired),
            'deployment.kubernetes.io/max-replicas': String(desired + maxSurge),
            'deployment.kubernetes.io/revision': rev,
          },
          ownerReferences: [ownerRef(d)],
        },
        spec: {
          replicas: 0,
          selector: {
            matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash },
            ...(d.spec.selector?.matchExpressions
              ? { matchExpressions: d.spec.selector.matchExpressions }
              : {}),
          },
          template: tmpl,
        },
      };
      applyDefaults(RS, rsObj, this.store, true);
      newRS = this.store.create(RS, rsObj as K8sObject);
      const dd = clone(d);
      dd.metadata.annotations = {
        ...(dd.metadata.annotations ?? {}),
        'deployment.kubernetes.io/revision': rev,
      };
      this.store.update(DEPLOY, dd);
      return; // the RS event re-queues us
    }
    const scale = (rs: AnyObj, n: number) => {
      if ((rs.spec.replicas ?? 0) === n) return;
      const from = rs.spec.replicas ?? 0;
      const next = clone(rs) as K8sObject;
      next.spec.replicas = n;
      next.metadata.annotations = {
        ...(next.metadata.annotations ?? {}),
        'deployment.kubernetes.io/desired-replicas': String(desired),
        'deployment.kubernetes.io/max-replicas': String(desired + maxSurge),
      };
      this.store.update(RS, next);
      this.events.record(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${n > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${n}`,
        'deployment-controller',
      );
    };
    const activeOld = oldRSs.filter((rs) => (rs.spec.replicas ?? 0) > 0);
    if (strategy === 'Recreate') {
      if (activeOld.length) {
        for (const rs of activeOld) scale(rs, 0);
      } else if (
        oldRSs.every(
          (rs) =>
            podsOf(rs).length === 0 && this.store.list(PODS, ns).filter((p) => ownedBy(p, rs)).length === 0,
        )
      ) {
        scale(newRS, desired);
      }
    } else {
      if (activeOld.length === 0) {
        scale(newRS, desired);
      } else {
        // scale up the new RS within maxSurge
        const total = owned.reduce((a, rs) => a + (rs.spec.replicas ?? 0), 0);
        const allowedUp = Math.max(0, desired + maxSurge - total);
        const newCount = Math.min(desired, (newRS.spec.replicas ?? 0) + allowedUp);
        if (newCount > (newRS.spec.replicas ?? 0)) scale(newRS, newCount);
        // scale down old RSs while keeping desired - maxUnavailable available
        const minAvailable = desired - maxUnavailable;
        const availableNow = owned.reduce((a, rs) => a + readyOf(rs), 0);
        let canRemove = Math.max(0, availableNow - minAvailable);
        for (const rs of activeOld) {
          // unready old pods can go right away (they provide no availability)
          const unready = Math.max(0, (rs.spec.replicas ?? 0) - readyOf(rs));
          const cur = rs.spec.replicas ?? 0;
          let down = Math.min(cur, unready);
          const more = Math.min(cur - down, canRemove);
          down += more;
          canRemove -= more;
          // never drop below what the surge budget requires
          if (down > 0) scale(rs, cur - down);
        }
      }
    }
    // cleanup: keep revisionHistoryLimit old RSs at 0 replicas
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const idle = this.store
      .list(RS, ns)
      .filter(
        (rs) =>
          ownedBy(rs, d) &&
          rs.metadata.name !== newRS!.metadata.name &&
          (rs.spec.replicas ?? 0) === 0 &&
          podsOf(rs).length === 0,
      )
      .sort(
        (a, b) =>
          Number(a.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0) -
          Number(b.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
      );
    while (idle.length > limit) {
      const rs = idle.shift()!;
      this.deleteObject(RS, ns, rs.metadata.name, {});
    }
    // status
    const fresh = this.store.list(RS, ns).filter((rs) => ownedBy(rs, d));
    const allPods = fresh.flatMap((rs) => podsOf(rs));
    const newPods = podsOf(newRS);
    const readyAll = allPods.filter(isPodReady).length;
    const updated = newPods.length;
    const prev = d.status ?? {};
    const available = readyAll >= desired - maxUnavailable;
    const complete =
      updated === desired && allPods.length === desired && newPods.filter(isPodReady).length === desired;
    const prevConds: AnyObj[] = prev.conditions ?? [];
    const mk = (type: string, status: string, reason: string, message: string) => {
      const p = prevConds.find((c) => c.type === type);
      const changed = !p || p.status !== status;
      return {
        type,
        status,
        lastUpdateTime: p && p.reason === reason && !changed ? p.lastUpdateTime : now(),
        lastTransitionTime: changed ? now() : p.lastTransitionTime,
        reason,
        message,
      };
    };
    const conditions = [
      mk(
        'Available',
        available ? 'True' : 'False',
        available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
      ),
      mk(
        'Progressing',
        'True',
        complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
        complete
          ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.`
          : `ReplicaSet "${newRS.metadata.name}" is progressing.`,
      ),
    ];
    const status: AnyObj = {
      observedGeneration: d.metadata.generation,
      replicas: allPods.length,
      updatedReplicas: updated,
      readyReplicas: readyAll,
      availableReplicas: readyAll,
      conditions,
    };
    const specTotal = fresh.reduce((a, rs) => a + (rs.spec.replicas ?? 0), 0);
    if (specTotal - readyAll > 0) status.unavailableReplicas = specTotal - readyAll;
    if (status.readyReplicas === 0) delete status.readyReplicas;
    if (status.availableReplicas === 0) delete status.availableReplicas;
    if (status.updatedReplicas === 0) delete status.updatedReplicas;
    if (status.replicas === 0) delete status.replicas;
    const cmp = (s: AnyObj) => ({
      ...s,
      conditions: (s.conditions ?? []).map((c: AnyObj) => ({
        type: c.type,
        status: c.status,
        reason: c.reason,
        message: c.message,
      })),
    });
    if (!deepEqual(cmp(status), cmp(prev))) this.putStatus(DEPLOY, d, status);
    // surge pods may still be starting: poll while not complete
    if (!complete)
      this.later(500, () => this.enqueue(`deploy/${ns}/${name}`, () => this.reconcileDeployment(ns, name)));
  }

  // ---- ReplicaSet ----------------------------------------------------------------------------
  private reconcileRS(ns: string, name: string): void {
    const rs = this.store.get(RS, ns, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const want = rs.spec.replicas ?? 1;
    const pods = this.store.list(PODS, ns).filter((p) => ownedBy(p, rs) && !p.metadata.deletionTimestamp);
    if (pods.length < want) {
      for (let i = pods.length; i < want; i++) {
        const tmpl = clone(rs.spec.template);
        const pod: AnyObj = {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            generateName: `${name}-`,
            namespace: ns,
            labels: tmpl.metadata?.labels ?? {},
            ownerReferences: [ownerRef(rs)],
          },
          spec: tmpl.spec,
        };
        if (tmpl.metadata?.annotations) pod.metadata.annotations = tmpl.metadata.annotations;
        applyDefaults(PODS, pod, this.store, true);
        const created = this.store.create(PODS, pod as K8sObject);
        this.events.record(
          rs,
          'Normal',
          'SuccessfulCreate',
          `Created pod: ${created.metadata.name}`,
          'replicaset-controller',
        );
      }
    } else if (pods.length > want) {
      // delete not-ready / unscheduled / newest first (like the real controller's ranking)
      const rank = (p: AnyObj) =>
        (p.spec?.nodeName ? 1 : 0) * 4 + (p.status?.phase === 'Running' ? 2 : 0) + (isPodReady(p) ? 1 : 0);
      const sorted = [...pods].sort(
        (a, b) =>
          rank(a) - rank(b) ||
          Date.parse(b.metadata.creationTimestamp) - Date.parse(a.metadata.creationTimestamp),
      );
      for (const p of sorted.slice(0, pods.length - want)) {
        this.deleteObject(PODS, ns, p.metadata.name, {});
        this.events.record(
          rs,
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${p.metadata.name}`,
          'replicaset-controller',
        );
      }
    }
    const fresh = this.store.list(PODS, ns).filter((p) => ownedBy(p, rs) && !p.metadata.deletionTimestamp);
    const ready = fresh.filter(isPodReady).length;
    const status: AnyObj = {
      replicas: fresh.length,
      fullyLabeledReplicas: fresh.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation,
    };
    if (!ready) {
      delete status.readyReplicas;
      delete status.availableReplicas;
    }
    if (!fresh.length) delete status.fullyLabeledReplicas;
    if (!deepEqual(status, rs.status ?? {})) this.putStatus(RS, rs, status);
    for (const r of rs.metadata.ownerReferences ?? []) {
      if (r.kind === 'Deployment')
        this.enqueue(`deploy/${ns}/${r.name}`, () => this.reconcileDeployment(ns, r.name));
    }
  }

  // ---- scheduler -----------------------------------------------------------------------------
  private schedule(ns: string, name: string): void {
    const pod = this.store.get(PODS, ns, name);
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp) return;
    const node = this.store.get(NODES, undefined, NODE_NAME)!;
    const alloc: Record<string, string> = node.status.allocatable;
    const reasons: string[] = [];
    const sel: Record<string, string> = pod.spec?.nodeSelector ?? {};
    let selectorOk = Object.entries(sel).every(([k, v]) => node.metadata.labels?.[k] === v);
    const terms: AnyObj[] =
      pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ??
      [];
    if (terms.length) {
      const termOk = terms.some((t) =>
        matchLabelSelectorObject({ matchExpressions: t.matchExpressions ?? [] }, node.metadata.labels),
      );
      selectorOk = selectorOk && termOk;
    }
    if (!selectorOk) reasons.push("node(s) didn't match Pod's node affinity/selector");
    const need: Record<string, number> = {};
    for (const c of pod.spec?.containers ?? []) {
      const req = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
      for (const [k, v] of Object.entries(req)) need[k] = (need[k] ?? 0) + parseQuantity(String(v));
    }
    // Like the real scheduler: what pods already bound to the node request (terminating ones
    // included, until they are gone) is not available to this one.
    const used: Record<string, number> = {};
    for (const other of this.store.list(PODS)) {
      if (other.spec?.nodeName !== NODE_NAME || ['Succeeded', 'Failed'].includes(other.status?.phase))
        continue;
      for (const c of other.spec?.containers ?? []) {
        const req = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
        for (const [k, v] of Object.entries(req)) used[k] = (used[k] ?? 0) + parseQuantity(String(v));
      }
    }
    for (const [k, v] of Object.entries(need)) {
      const have = (alloc[k] === undefined ? 0 : parseQuantity(alloc[k])) - (used[k] ?? 0);
      if (v > have) reasons.push(`Insufficient ${k}`);
    }
    if (reasons.length) {
      const msg = `0/1 nodes are available: ${reasons.map((r) => `1 ${r}`).join(', ')}. preemption: 0/1 nodes are available: 1 ${selectorOk ? 'No preemption victims found for incoming pod' : 'Preemption is not helpful for scheduling'}.`;
      const prev = (pod.status?.conditions ?? []).find((c: AnyObj) => c.type === 'PodScheduled');
      if (!prev || prev.message !== msg) {
        const next = clone(pod);
        next.status = {
          ...(next.status ?? {}),
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              lastProbeTime: null,
              lastTransitionTime: now(),
              reason: 'Unschedulable',
              message: msg,
            },
          ],
        };
        this.store.update(PODS, next, { subresource: 'status' });
        this.events.record(pod, 'Warning', 'FailedScheduling', msg, 'default-scheduler');
      }
      // retry periodically like the scheduler's backoff queue
      this.later(5000, () => this.enqueue(`sched/${ns}/${name}`, () => this.schedule(ns, name)));
      return;
    }
    const bound = clone(pod);
    bound.spec.nodeName = NODE_NAME;
    this.store.update(PODS, bound);
    const after = this.store.get(PODS, ns, name)!;
    after.status = {
      ...(after.status ?? {}),
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now() }],
    };
    this.store.update(PODS, after, { subresource: 'status' });
    this.events.record(
      after,
      'Normal',
      'Scheduled',
      `Successfully assigned ${ns}/${name} to ${NODE_NAME}`,
      'default-scheduler',
    );
  }

  // ---- endpoints -----------------------------------------------------------------------------
  private reconcileEndpoints(ns: string): void {
    const pods = this.store.list(PODS, ns);
    for (const svc of this.store.list(SVC, ns)) {
      const sel = svc.spec?.selector;
      if (!sel || !Object.keys(sel).length) continue;
      const matching = pods.filter(
        (p) =>
          Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v) &&
          p.status?.podIP &&
          !p.metadata.deletionTimestamp,
      );
      const addr = (p: AnyObj) => ({
        ip: p.status.podIP,
        nodeName: p.spec.nodeName,
        targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid },
      });
      const ready = matching.filter(isPodReady).map(addr);
      const notReady = matching.filter((p) => !isPodReady(p)).map(addr);
      const ports = (svc.spec.ports ?? []).map((sp: AnyObj) => {
        let port = sp.targetPort;
        if (typeof port === 'string') {
          const c = matching
            .flatMap((p) => p.spec.containers ?? [])
            .flatMap((c: AnyObj) => c.ports ?? [])
            .find((cp: AnyObj) => cp.name === port);
          port = c?.containerPort ?? 0;
        }
        const o: AnyObj = { port, protocol: sp.protocol ?? 'TCP' };
        if (sp.name) o.name = sp.name;
        return o;
      });
      const subsets =
        ready.length || notReady.length
          ? [
              {
                ...(ready.length ? { addresses: ready } : {}),
                ...(notReady.length ? { notReadyAddresses: notReady } : {}),
                ports,
              },
            ]
          : undefined;
      const cur = this.store.get(ENDPOINTS, ns, svc.metadata.name);
      const desired: AnyObj = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: svc.metadata.name, namespace: ns, labels: svc.metadata.labels ?? {} },
      };
      if (subsets) desired.subsets = subsets;
      if (!cur) this.store.create(ENDPOINTS, desired as K8sObject);
      else if (!deepEqual(cur.subsets, desired.subsets)) {
        const next = clone(cur);
        if (subsets) next.subsets = subsets;
        else delete next.subsets;
        this.store.update(ENDPOINTS, next);
      }
    }
  }
}

export function parseQuantity(q: string): number {
  const m = q.trim().match(/^([0-9.]+)([a-zA-Z]*)$/);
  if (!m) return Number(q) || 0;
  const n = Number(m[1]);
  const mult: Record<string, number> = {
    '': 1,
    m: 0.001,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
  };
  return n * (mult[m[2]] ?? 1);
}

export { randSuffix };
