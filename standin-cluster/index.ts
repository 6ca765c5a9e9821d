// The stand-in Kubernetes cluster used by the end-to-end tests and the demo. See README.md.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { ControllerManager, isPodReady, rtOf } from './controllers.ts';
import type { AdmissionConfig } from './admission.ts';
import { configMapStrategy, secretStrategy } from './config-objects.ts';
import { applyDefaults } from './defaults.ts';
import { nodeImageBin } from './images.ts';
import { JobController, type JobControllerOptions } from './job-controller.ts';
import { jobStrategy } from './jobs.ts';
import { differs, nextManagedFields } from './managed.ts';
import { Kubelet, type KubeletOptions } from './kubelet.ts';
import { clone } from './patch.ts';
import { convertTo, findByKind, groupVersion, RESOURCES } from './resources.ts';
import { matchLabels, parseLabelSelector } from './selectors.ts';
import { ApiServer, type DenyRule, type RbacConfig, type RequestLogEntry } from './server.ts';
import { ServiceNetwork } from './service-network.ts';
import { Store, type K8sObject } from './store.ts';
import { generateTls } from './tls.ts';
import { TtlAfterFinishedController } from './ttl-after-finished.ts';

export type { DenyRule, RbacConfig, RequestLogEntry, K8sObject };
export { isPodReady };

type AnyObj = Record<string, any>;

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface ClusterOptions {
  /** Manifests applied at start: file paths, YAML/JSON text (multi-document) or objects. */
  manifests?: (string | AnyObj)[];
  /** Default namespace of the kubeconfig context (created if missing). Default: `default`. */
  namespace?: string;
  /** RBAC-style denials (mutable later through `cluster.rbac.deny`), or a Role's rules in `allow`. */
  rbac?: RbacConfig | DenyRule[];
  /** The Kubernetes version to pretend to be (default v1.32.0-standin); decides port-forward verbs. */
  kubernetesVersion?: string;
  /** Interpreter for `python`/`python3` containers. Default: $STANDIN_PYTHON, else `.venv-dynamo/bin/python`, else python3. */
  python?: string;
  /** Local model dir substituted for hub model ids. Default: `.dynamo/tiny-model` if it exists. */
  tinyModelDir?: string;
  /** Serve plain http instead of https (debugging). */
  http?: boolean;
  token?: string;
  /** The user the token authenticates as (appears in Forbidden messages). */
  user?: string;
  /** Images that never pull (ErrImagePull / ImagePullBackOff). */
  unpullableImages?: RegExp;
  /** Watch cache size in events (older resourceVersions get 410 Gone). */
  historySize?: number;
  /** Extra labels / allocatable resources of the single stand-in node (e.g. `{ 'nvidia.com/gpu': '8' }`). */
  node?: { labels?: Record<string, string>; allocatable?: Record<string, string> };
  /** Kubelet tuning (probe time scale, crash back-off, grace cap, liveness, image entrypoints). */
  kubelet?: Partial<
    Omit<
      KubeletOptions,
      | 'python'
      | 'tinyModelDir'
      | 'fileKvDir'
      | 'workDir'
      | 'events'
      | 'unpullableImages'
      | 'nodeImages'
      | 'nodeImageBin'
      | 'clusterDns'
    >
  >;
  /**
   * Node 24 images besides the official `node:24…` ones, run with the project's Node 24: a mirror's
   * references (exact strings, e.g. `registry.example.com/mirror/node:24-slim`) or patterns.
   */
  nodeImages?: (string | RegExp)[];
  /** Job controller timing (pod failure back-off, batching); see job-controller.ts. */
  jobs?: JobControllerOptions;
  /**
   * DGD versions the installed operator's CRD serves (default both). E.g. `['v1alpha1']` for an
   * operator release before DGD v1beta1, while the group still lists v1beta1 (DGDR) and v1 (ClusterPolicy).
   */
  dgdVersions?: ('v1alpha1' | 'v1beta1')[];
  /**
   * Grove installed and the operator's Grove gate on: a DGD (unless annotated
   * `nvidia.com/enable-grove: "false"`) becomes a PodCliqueSet whose update strategy follows
   * `nvidia.com/grove-update-strategy` (RollingRecreate by default, or OnDelete).
   */
  grove?: boolean;
  /** Keep the work dir (logs, certs, kubeconfig) after stop(). */
  keepDir?: boolean;
  /** Where to write the kubeconfig. Default: `<workdir>/kubeconfig`. */
  kubeconfigPath?: string;
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

export interface Cluster {
  url: string;
  token: string;
  user: string;
  caPem?: string;
  namespace: string;
  kubeconfigPath: string;
  dir: string;
  fileKvDir: string;
  python: string;
  tinyModelDir?: string;
  server: ApiServer;
  store: Store;
  kubelet: Kubelet;
  controllers: ControllerManager;
  /** Services' loopback addresses and proxies, and the cluster DNS names Node pods resolve. */
  network: ServiceNetwork;
  /** The Node binary that runs Node-image containers. */
  nodeBinary: string;
  requestLog: RequestLogEntry[];
  clearRequestLog(): void;
  /** Requests that changed (or would have changed) state: POST/PUT/PATCH/DELETE. */
  writes(): RequestLogEntry[];
  rbac: RbacConfig;
  /** The operator's admission webhooks: set `webhookDown` to make every DGD write fail with a 500. */
  admission: AdmissionConfig;
  closeWatches(): void;
  /** Forget the watch history so older resourceVersions get 410 Gone. */
  compactWatchHistory(): void;
  writeKubeconfig(path: string, opts?: { namespace?: string; token?: string; context?: string }): string;
  /** Create or replace objects (kubectl-apply-like, through the store; namespaces created if missing). */
  apply(input: string | AnyObj | (string | AnyObj)[], opts?: { namespace?: string }): Promise<K8sObject[]>;
  get(apiVersion: string, kind: string, name: string, namespace?: string): K8sObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string, labelSelector?: string): K8sObject[];
  delete(apiVersion: string, kind: string, name: string, namespace?: string): void;
  /** Pods (not terminating) in a namespace, optionally by label selector. */
  pods(namespace?: string, labelSelector?: string): K8sObject[];
  /** Host port (127.0.0.1) a pod's container port is mapped to. */
  podPort(namespace: string, pod: string, containerPort: number): number | undefined;
  podLog(namespace: string, pod: string, container?: string): string;
  waitFor<T>(
    fn: () => T | undefined | false | null | Promise<T | undefined | false | null>,
    what: string,
    opts?: WaitOptions,
  ): Promise<T>;
  /** Wait until every Deployment/DGD in the namespace is rolled out and every pod is Ready. */
  waitForReady(namespace?: string, opts?: WaitOptions): Promise<void>;
  stop(): Promise<void>;
}

function defaultPython(): string {
  const candidates = [process.env.STANDIN_PYTHON, join(REPO_ROOT, '.venv-dynamo/bin/python')];
  for (const c of candidates) if (c && existsSync(c)) return c;
  return 'python3';
}

/** The Node that runs Node-image containers: the project's Node 24 (node_modules/.bin/node), else this one. */
function defaultNode(): string {
  const local = join(REPO_ROOT, 'node_modules/.bin/node');
  return existsSync(local) ? realpathSync(local) : process.execPath;
}

export function parseManifests(input: string | AnyObj | (string | AnyObj)[]): AnyObj[] {
  const items = Array.isArray(input) ? input : [input];
  const out: AnyObj[] = [];
  for (const it of items) {
    if (typeof it !== 'string') {
      if (it.kind === 'List' && Array.isArray(it.items)) out.push(...it.items);
      else out.push(it);
      continue;
    }
    const text = !it.includes('\n') && existsSync(it) ? readFileSync(it, 'utf8') : it;
    for (const doc of YAML.parseAllDocuments(text)) {
      if (doc.errors.length) throw new Error(`invalid YAML: ${doc.errors[0].message}`);
      const v = doc.toJS();
      if (!v) continue;
      if (v.kind === 'List' && Array.isArray(v.items)) out.push(...v.items);
      else out.push(v);
    }
  }
  return out;
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'standin-k8s-'));
  const namespace = opts.namespace ?? 'default';
  const token =
    opts.token ?? `standin-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const user = opts.user ?? 'system:serviceaccount:ci:deployer';
  const python = opts.python ?? defaultPython();
  const tinyDefault = join(REPO_ROOT, '.dynamo/tiny-model');
  const tinyModelDir =
    opts.tinyModelDir ??
    process.env.STANDIN_TINY_MODEL ??
    (existsSync(tinyDefault) ? tinyDefault : undefined);
  const fileKvDir = join(dir, 'dynamo-file-kv');
  const rbac: RbacConfig = Array.isArray(opts.rbac) ? { deny: opts.rbac } : (opts.rbac ?? { deny: [] });

  const store = new Store({ historySize: opts.historySize });
  // The registry rules of the kinds that have their own (jobs.ts, config-objects.ts).
  store.setStrategy(rtOf('jobs'), jobStrategy);
  store.setStrategy(rtOf('configmaps'), configMapStrategy);
  store.setStrategy(rtOf('secrets'), secretStrategy);
  const controllers = new ControllerManager(store, {
    node: opts.node,
    dgdHubVersion: !opts.dgdVersions || opts.dgdVersions.includes('v1beta1') ? 'v1beta1' : 'v1alpha1',
    grove: opts.grove,
  });
  controllers.bootstrap();
  const nodeBinary = defaultNode();
  const hostsFile = join(dir, 'cluster-dns.json');
  const kubelet = new Kubelet(store, {
    python,
    tinyModelDir,
    fileKvDir,
    workDir: join(dir, 'pods'),
    unpullableImages: opts.unpullableImages,
    events: controllers.events,
    nodeBinary,
    nodeImageBin: nodeImageBin(dir, nodeBinary),
    nodeImages: opts.nodeImages,
    clusterDns: { hostsFile, preload: fileURLToPath(new URL('./pod-dns.mjs', import.meta.url)) },
    ...(opts.kubelet ?? {}),
  });
  const network = new ServiceNetwork(store, {
    hostsFile,
    hostPort: (ns, pod, port) => kubelet.hostPort(ns, pod, port),
  });
  network.start();
  const jobs = new JobController(
    {
      store,
      events: controllers.events,
      deletePod: (ns, name) => controllers.deleteObject(rtOf('pods'), ns, name, {}),
    },
    opts.jobs,
  );
  const ttl = new TtlAfterFinishedController(store, (ns, name) =>
    controllers.deleteObject(rtOf('jobs'), ns, name, { propagationPolicy: 'Foreground' }),
  );
  const tls = opts.http ? undefined : generateTls(dir);
  const server = new ApiServer({
    store,
    token,
    user,
    http: opts.http,
    tls: tls ? { certPem: tls.certPem, keyPem: tls.keyPem } : undefined,
    rbac,
    dgdVersions: opts.dgdVersions,
    kubernetesVersion: opts.kubernetesVersion,
    hooks: {
      deleteObject: (rt, ns, name, o) => controllers.deleteObject(rt, ns, name, o),
      dialPod: (ns, pod, port) => kubelet.dial(ns, pod, port),
      podLog: (ns, pod, c, o) => kubelet.log(ns, pod, c, o),
    },
  });
  await server.listen();
  controllers.ensureNamespace(namespace);

  const writeKubeconfig = (
    path: string,
    o: { namespace?: string; token?: string; context?: string } = {},
  ) => {
    const ctx = o.context ?? 'standin';
    const clusterEntry: AnyObj = { server: server.url };
    if (tls) clusterEntry['certificate-authority-data'] = Buffer.from(tls.caPem).toString('base64');
    const cfg = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'standin', cluster: clusterEntry }],
      users: [{ name: 'standin-user', user: { token: o.token ?? token } }],
      contexts: [
        {
          name: ctx,
          context: { cluster: 'standin', user: 'standin-user', namespace: o.namespace ?? namespace },
        },
      ],
      'current-context': ctx,
      preferences: {},
    };
    writeFileSync(path, YAML.stringify(cfg));
    chmodSync(path, 0o600);
    return path;
  };
  const kubeconfigPath = writeKubeconfig(opts.kubeconfigPath ?? join(dir, 'kubeconfig'));

  const rtFor = (apiVersion: string, kind: string) => {
    const rt =
      findByKind(apiVersion, kind) ??
      RESOURCES.find((r) => r.plural === kind.toLowerCase() || r.kind.toLowerCase() === kind.toLowerCase());
    if (!rt) throw new Error(`the stand-in does not serve ${apiVersion} ${kind}`);
    return rt;
  };

  const apply = async (input: string | AnyObj | (string | AnyObj)[], o: { namespace?: string } = {}) => {
    const out: K8sObject[] = [];
    const docs = parseManifests(input);
    // namespaces first, like kubectl apply of a directory
    docs.sort((a, b) => (a.kind === 'Namespace' ? -1 : 0) - (b.kind === 'Namespace' ? -1 : 0));
    for (const raw of docs) {
      const obj = clone(raw);
      const rt = findByKind(String(obj.apiVersion ?? ''), String(obj.kind ?? ''));
      const version = String(obj.apiVersion ?? '')
        .split('/')
        .pop()!;
      if (!rt || !server.versionsOf(rt).includes(version))
        throw new Error(`no matches for kind "${obj.kind}" in version "${obj.apiVersion}"`);
      obj.metadata ??= {};
      if (rt.namespaced) {
        obj.metadata.namespace ??= o.namespace ?? namespace;
        controllers.ensureNamespace(obj.metadata.namespace);
      } else delete obj.metadata.namespace;
      const cur = store.get(rt, obj.metadata.namespace, obj.metadata.name);
      // Recorded as `kubectl create -f` / `kubectl replace -f` would be: an Update in the manifest's version.
      const writer = (manager: string) => ({
        manager,
        operation: 'Update' as const,
        apiVersion: String(obj.apiVersion),
      });
      const inVersion = (o: AnyObj, gv: string) => convertTo(o, rt, gv.split('/').pop()!);
      if (!cur) {
        applyDefaults(rt, obj, store, true);
        if (rt.custom) delete obj.status;
        obj.metadata.managedFields = nextManagedFields(
          [],
          undefined,
          obj,
          writer('kubectl-create'),
          inVersion,
        );
        out.push(store.create(rt, obj as K8sObject));
      } else {
        let next = obj as K8sObject;
        if (next.apiVersion !== cur.apiVersion) {
          const v = cur.apiVersion.split('/').pop()!;
          next = convertTo(next, rt, v, cur) as K8sObject;
          next.apiVersion = cur.apiVersion;
        }
        next.metadata = { ...next.metadata, resourceVersion: cur.metadata.resourceVersion };
        if (rt.subresources.includes('status')) next.status = cur.status;
        applyDefaults(rt, next, store, false);
        const after = { ...next, status: cur.status };
        const managedFields = differs(cur, after)
          ? nextManagedFields(
              cur.metadata.managedFields ?? [],
              cur,
              after,
              writer('kubectl-replace'),
              inVersion,
            )
          : undefined;
        out.push(store.update(rt, next, { managedFields }));
      }
    }
    return out;
  };

  const waitFor = async <T>(
    fn: () => T | undefined | false | null | Promise<T | undefined | false | null>,
    what: string,
    w: WaitOptions = {},
  ): Promise<T> => {
    const deadline = Date.now() + (w.timeoutMs ?? 120000);
    for (;;) {
      const v = await fn();
      if (v) return v as T;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, w.intervalMs ?? 200));
    }
  };

  const pods = (ns = namespace, sel?: string) => {
    const reqs = parseLabelSelector(sel);
    return store
      .list(rtOf('pods'), ns)
      .filter((p) => !p.metadata.deletionTimestamp && matchLabels(reqs, p.metadata.labels));
  };

  const readyState = (ns: string): string | true => {
    for (const d of store.list(rtOf('dynamographdeployments'), ns)) {
      const c = (d.status?.conditions ?? []).find((x: AnyObj) => x.type === 'Ready');
      if (d.status?.observedGeneration !== d.metadata.generation || c?.status !== 'True')
        return `DynamoGraphDeployment ${d.metadata.name} not Ready`;
    }
    for (const d of store.list(rtOf('deployments'), ns)) {
      const s = d.status ?? {};
      const want = d.spec?.replicas ?? 1;
      if (
        (s.observedGeneration ?? 0) < d.metadata.generation ||
        (s.updatedReplicas ?? 0) !== want ||
        (s.readyReplicas ?? 0) !== want ||
        (s.replicas ?? 0) !== want
      ) {
        return `Deployment ${d.metadata.name} not rolled out`;
      }
    }
    const all = store.list(rtOf('pods'), ns);
    for (const p of all) {
      if (p.metadata.deletionTimestamp) return `pod ${p.metadata.name} terminating`;
      if (!isPodReady(p)) return `pod ${p.metadata.name} not Ready`;
    }
    return true;
  };

  let stopped = false;
  const cluster: Cluster = {
    url: server.url,
    token,
    user,
    caPem: tls?.caPem,
    namespace,
    kubeconfigPath,
    dir,
    fileKvDir,
    python,
    tinyModelDir,
    server,
    store,
    kubelet,
    controllers,
    network,
    nodeBinary,
    requestLog: server.requestLog,
    clearRequestLog: () => {
      server.requestLog.length = 0;
    },
    writes: () => server.requestLog.filter((e) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(e.method)),
    admission: server.admission,
    rbac,
    closeWatches: () => server.closeWatches(),
    compactWatchHistory: () => store.compact(),
    writeKubeconfig,
    apply,
    get: (apiVersion, kind, name, ns) => {
      const rt = rtFor(apiVersion, kind);
      const o = store.get(rt, ns ?? namespace, name);
      if (!o) return undefined;
      const v = apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion;
      return {
        ...convertTo(o, rt, rt.versions.includes(v) ? v : rt.versions[0]),
        apiVersion: groupVersion(rt.group, rt.versions.includes(v) ? v : rt.versions[0]),
      } as K8sObject;
    },
    list: (apiVersion, kind, ns, sel) => {
      const rt = rtFor(apiVersion, kind);
      const reqs = parseLabelSelector(sel);
      const v = apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion;
      return store
        .list(rt, ns)
        .filter((o) => matchLabels(reqs, o.metadata.labels))
        .map((o) => ({ ...convertTo(o, rt, rt.versions.includes(v) ? v : rt.versions[0]) }) as K8sObject);
    },
    delete: (apiVersion, kind, name, ns) => {
      const rt = rtFor(apiVersion, kind);
      controllers.deleteObject(rt, ns ?? namespace, name, {});
    },
    pods,
    podPort: (ns, pod, port) => kubelet.hostPort(ns, pod, port),
    podLog: (ns, pod, c) => kubelet.log(ns, pod, c, {}),
    waitFor,
    waitForReady: async (ns = namespace, w: WaitOptions = {}) => {
      let last: string | true = '';
      try {
        await waitFor(() => (last = readyState(ns)) === true, `namespace ${ns} to be ready`, w);
      } catch (e) {
        throw new Error(`${(e as Error).message}: ${String(last)}`, { cause: e });
      }
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      controllers.stop();
      jobs.stop();
      ttl.stop();
      await server.close();
      await kubelet.stop();
      await network.stop();
      if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  if (opts.manifests?.length) await apply(opts.manifests);
  return cluster;
}
