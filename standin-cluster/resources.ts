// The resource types the stand-in serves, and DynamoGraphDeployment v1alpha1 <-> v1beta1 conversion.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import { clone } from './patch.ts';

export interface ResourceType {
  group: string; // '' for core
  versions: string[]; // served versions; first = preferred / storage for new kinds
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources: string[]; // 'status', 'log', 'portforward', 'scale'
  custom?: boolean; // CRD semantics (no strategic merge patch, kind/apiVersion on list items)
  deprecatedVersions?: Record<string, string>; // version -> warning text
}

const V = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
export const ALL_VERBS = V;

export const RESOURCES: ResourceType[] = [
  {
    group: '',
    versions: ['v1'],
    kind: 'Namespace',
    listKind: 'NamespaceList',
    plural: 'namespaces',
    singular: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Node',
    listKind: 'NodeList',
    plural: 'nodes',
    singular: 'node',
    namespaced: false,
    shortNames: ['no'],
    subresources: ['status'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Pod',
    listKind: 'PodList',
    plural: 'pods',
    singular: 'pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'log', 'portforward'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Service',
    listKind: 'ServiceList',
    plural: 'services',
    singular: 'service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Endpoints',
    listKind: 'EndpointsList',
    plural: 'endpoints',
    singular: 'endpoints',
    namespaced: true,
    shortNames: ['ep'],
    subresources: [],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Event',
    listKind: 'EventList',
    plural: 'events',
    singular: 'event',
    namespaced: true,
    shortNames: ['ev'],
    subresources: [],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'ConfigMap',
    listKind: 'ConfigMapList',
    plural: 'configmaps',
    singular: 'configmap',
    namespaced: true,
    shortNames: ['cm'],
    subresources: [],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'Secret',
    listKind: 'SecretList',
    plural: 'secrets',
    singular: 'secret',
    namespaced: true,
    subresources: [],
  },
  {
    group: '',
    versions: ['v1'],
    kind: 'ServiceAccount',
    listKind: 'ServiceAccountList',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    namespaced: true,
    shortNames: ['sa'],
    subresources: [],
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'Deployment',
    listKind: 'DeploymentList',
    plural: 'deployments',
    singular: 'deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  },
  {
    group: 'apps',
    versions: ['v1'],
    kind: 'ReplicaSet',
    listKind: 'ReplicaSetList',
    plural: 'replicasets',
    singular: 'replicaset',
    namespaced: true,
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  },
  // batch/v1 Jobs (jobs.ts: the registry's defaults, strategy and validation; job-controller.ts).
  // No short name, category `all`, a status subresource: as the real server lists them.
  {
    group: 'batch',
    versions: ['v1'],
    kind: 'Job',
    listKind: 'JobList',
    plural: 'jobs',
    singular: 'job',
    namespaced: true,
    categories: ['all'],
    subresources: ['status'],
  },
  {
    group: 'nvidia.com',
    versions: ['v1beta1', 'v1alpha1'],
    kind: 'DynamoGraphDeployment',
    listKind: 'DynamoGraphDeploymentList',
    plural: 'dynamographdeployments',
    singular: 'dynamographdeployment',
    namespaced: true,
    shortNames: ['dgd'],
    subresources: ['status'],
    custom: true,
    deprecatedVersions: {
      v1alpha1:
        'nvidia.com/v1alpha1 DynamoGraphDeployment is deprecated; use nvidia.com/v1beta1 DynamoGraphDeployment',
    },
  },
  // The operator's per-component layer (deploy/operator/api/v1alpha1/dynamocomponentdeployment_types.go):
  // DGD -> DynamoComponentDeployment -> Deployment on the non-Grove path. Served in v1alpha1 only.
  {
    group: 'nvidia.com',
    versions: ['v1alpha1'],
    kind: 'DynamoComponentDeployment',
    listKind: 'DynamoComponentDeploymentList',
    plural: 'dynamocomponentdeployments',
    singular: 'dynamocomponentdeployment',
    namespaced: true,
    shortNames: ['dcd'],
    subresources: ['status'],
    custom: true,
  },
  // Grove (ai-dynamo/grove operator/api/core/v1alpha1): the operator's multi-node pathway.
  {
    group: 'grove.io',
    versions: ['v1alpha1'],
    kind: 'PodCliqueSet',
    listKind: 'PodCliqueSetList',
    plural: 'podcliquesets',
    singular: 'podcliqueset',
    namespaced: true,
    shortNames: ['pcs'],
    subresources: ['status'],
    custom: true,
  },
  // Other kinds of the shared nvidia.com group, so discovery is as crowded as on a real cluster:
  // the operator's DynamoGraphDeploymentRequest (v1beta1 since ai-dynamo/dynamo PR 6352, before DGD
  // had it; deploy/operator/config/crd/bases/nvidia.com_dynamographdeploymentrequests.yaml) and the
  // GPU Operator's cluster-scoped ClusterPolicy (nvidia.com/v1).
  {
    group: 'nvidia.com',
    versions: ['v1beta1', 'v1alpha1'],
    kind: 'DynamoGraphDeploymentRequest',
    listKind: 'DynamoGraphDeploymentRequestList',
    plural: 'dynamographdeploymentrequests',
    singular: 'dynamographdeploymentrequest',
    namespaced: true,
    shortNames: ['dgdr'],
    subresources: ['status'],
    custom: true,
    deprecatedVersions: {
      v1alpha1:
        'nvidia.com/v1alpha1 DynamoGraphDeploymentRequest is deprecated; use nvidia.com/v1beta1 DynamoGraphDeploymentRequest',
    },
  },
  {
    group: 'nvidia.com',
    versions: ['v1'],
    kind: 'ClusterPolicy',
    listKind: 'ClusterPolicyList',
    plural: 'clusterpolicies',
    singular: 'clusterpolicy',
    namespaced: false,
    subresources: ['status'],
    custom: true,
  },
];

/**
 * Kubernetes' version priority (k8s.io/apimachinery/pkg/version CompareKubeAwareVersionStrings):
 * GA before beta before alpha, higher numbers first, other strings last. The apiextensions server
 * orders a group's versions this way across all its CRDs, and the first is the preferred version.
 */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [0, 0, 0] as const;
    return [m[2] === 'alpha' ? 1 : m[2] === 'beta' ? 2 : 3, Number(m[1]), Number(m[3] ?? 0)] as const;
  };
  const [ka, ma, na] = parse(a);
  const [kb, mb, nb] = parse(b);
  if (ka === 0 && kb === 0) return a < b ? -1 : a > b ? 1 : 0;
  if (ka === 0 || kb === 0) return ka === 0 ? 1 : -1;
  return kb - ka || mb - ma || nb - na;
}

export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function findByPlural(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.plural === plural && r.versions.includes(version));
}

export function findByKind(apiVersion: string, kind: string): ResourceType | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return RESOURCES.find((r) => r.group === group && r.kind === kind && r.versions.includes(version));
}

/** `dynamographdeployments.nvidia.com` / `pods`: the qualified resource used in messages. */
export function qualified(rt: ResourceType): string {
  return rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
}

// ---- DGD conversion ----------------------------------------------------------------------------
// Env handling is ported from ai-dynamo/dynamo deploy/operator/api/v1alpha1/shared_spec_conversion.go
// (mergeEnvs, buildPodTemplateToHub, saveSharedMainContainerOrigins, restoreDedicatedFieldsFromMain,
// restoreMainContainerFieldOrigins) and dynamographdeployment_conversion.go (the nvidia.com/dgd-spec
// annotation, scrubbed on every conversion).

export const DGD_SPEC_ANNOTATION = 'nvidia.com/dgd-spec';

/** mergeEnvs: `common` then `specific`, de-duplicated by name, `specific` winning in place. */
export function mergeEnvs(common: AnyObj[], specific: AnyObj[]): AnyObj[] {
  const out: AnyObj[] = [];
  const seen = new Map<string, number>();
  for (const e of common) {
    seen.set(e.name, out.length);
    out.push(clone(e));
  }
  for (const e of specific) {
    const at = seen.get(e.name);
    if (at !== undefined) out[at] = clone(e);
    else {
      seen.set(e.name, out.length);
      out.push(clone(e));
    }
  }
  return out;
}

function deepEqualJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function scrubConversionAnnotations(obj: AnyObj): void {
  const anns = obj.metadata?.annotations;
  if (!anns) return;
  for (const k of Object.keys(anns)) if (k.startsWith('nvidia.com/dgd-')) delete anns[k];
  if (Object.keys(anns).length === 0) delete obj.metadata.annotations;
}
// The stand-in keeps every DGD in the version it was created in (its "storage version") and
// converts on read/write through the other version. Round trips keep alpha-only fields by
// starting from the stored object (the real operator keeps them in annotations instead).
type AnyObj = Record<string, any>;

const ALPHA_POD_LEVEL_FIELDS = new Set(['mainContainer']);

export function dgdAlphaToBeta(alpha: AnyObj): AnyObj {
  const out = clone(alpha);
  out.apiVersion = 'nvidia.com/v1beta1';
  // A hub-origin save on the alpha object means the splits are not the alpha author's.
  const includeOriginSplits = !out.metadata?.annotations?.[DGD_SPEC_ANNOTATION];
  scrubConversionAnnotations(out);
  const spokeSave: AnyObj = {};
  const spec: AnyObj = out.spec ?? {};
  const services: AnyObj = spec.services ?? {};
  const components: AnyObj[] = [];
  for (const [name, svcRaw] of Object.entries(services)) {
    const svc: AnyObj = svcRaw ?? {};
    const c: AnyObj = { name };
    const t =
      svc.componentType === 'worker' && ['prefill', 'decode'].includes(svc.subComponentType)
        ? svc.subComponentType
        : svc.componentType;
    if (t !== undefined) c.type = t;
    if (svc.replicas !== undefined) c.replicas = svc.replicas;
    const eps: AnyObj = clone(svc.extraPodSpec ?? {});
    const main: AnyObj = clone(eps.mainContainer ?? {});
    for (const k of ALPHA_POD_LEVEL_FIELDS) delete eps[k];
    const podSpec: AnyObj = { ...eps };
    delete podSpec.containers;
    const container: AnyObj = { ...main, name: 'main' };
    const env = mergeEnvs(svc.envs ?? [], main.env ?? []);
    if (env.length) container.env = env;
    else delete container.env;
    // saveSharedMainContainerOrigins: the alpha split is kept in the dgd-spec annotation.
    if (
      includeOriginSplits &&
      svc.extraPodSpec?.mainContainer &&
      ((svc.envs ?? []).length || (main.env ?? []).length)
    ) {
      const saved: AnyObj = { extraPodSpec: { mainContainer: {} } };
      if ((svc.envs ?? []).length) saved.envs = clone(svc.envs);
      if ((main.env ?? []).length) saved.extraPodSpec.mainContainer.env = clone(main.env);
      spokeSave[name] = saved;
    }
    if (svc.envFromSecret)
      container.envFrom = [...(main.envFrom ?? []), { secretRef: { name: svc.envFromSecret } }];
    const res = alphaResourcesToContainer(svc.resources);
    if (res) container.resources = res;
    if (container.resources && Object.keys(container.resources).length === 0) delete container.resources;
    podSpec.containers = [
      container,
      ...((eps.containers ?? []) as AnyObj[]).filter((x) => x && x.name !== 'main'),
    ];
    c.podTemplate = { spec: podSpec };
    for (const k of Object.keys(svc)) {
      if (
        [
          'componentType',
          'subComponentType',
          'replicas',
          'envs',
          'extraPodSpec',
          'envFromSecret',
          'resources',
          'dynamoNamespace',
        ].includes(k)
      )
        continue;
      c[k] = clone(svc[k]);
    }
    components.push(c);
  }
  const newSpec: AnyObj = {};
  for (const [k, v] of Object.entries(spec)) {
    if (k === 'services') newSpec.components = components;
    else if (k === 'envs') newSpec.env = v;
    else newSpec[k] = v;
  }
  if (!('components' in newSpec)) newSpec.components = components;
  out.spec = newSpec;
  if (Object.keys(spokeSave).length) {
    out.metadata ??= {};
    out.metadata.annotations = {
      ...(out.metadata.annotations ?? {}),
      [DGD_SPEC_ANNOTATION]: JSON.stringify({ services: spokeSave }),
    };
  }
  return out;
}

function alphaResourcesToContainer(r: AnyObj | undefined): AnyObj | undefined {
  if (!r) return undefined;
  const conv = (m: AnyObj | undefined) => {
    if (!m) return undefined;
    const o: AnyObj = {};
    for (const [k, v] of Object.entries(m)) {
      if (k === 'gpu') o['nvidia.com/gpu'] = v;
      else if (k === 'cpu' || k === 'memory') o[k] = v;
      else if (k !== 'gpuType' && k !== 'custom') o[k] = v;
    }
    return Object.keys(o).length ? o : undefined;
  };
  const out: AnyObj = {};
  const req = conv(r.requests);
  const lim = conv(r.limits);
  if (req) out.requests = req;
  if (lim) out.limits = lim;
  return Object.keys(out).length ? out : undefined;
}

/** beta -> alpha; `prev` (the stored alpha object, if any) decides env placement and keeps alpha-only fields. */
export function dgdBetaToAlpha(beta: AnyObj, prev?: AnyObj): AnyObj {
  const out = clone(beta);
  out.apiVersion = 'nvidia.com/v1alpha1';
  let restored: AnyObj | undefined;
  try {
    const raw = out.metadata?.annotations?.[DGD_SPEC_ANNOTATION];
    restored = raw ? JSON.parse(raw) : undefined;
  } catch {
    restored = undefined; // parsed best-effort, as the operator does
  }
  scrubConversionAnnotations(out);
  const spec: AnyObj = out.spec ?? {};
  const prevServices: AnyObj = prev?.spec?.services ?? {};
  const services: AnyObj = {};
  for (const cRaw of (spec.components ?? []) as AnyObj[]) {
    const c: AnyObj = cRaw ?? {};
    const name = String(c.name ?? '');
    const old: AnyObj = clone(prevServices[name] ?? {});
    const svc: AnyObj = { ...old };
    if (c.type === 'prefill' || c.type === 'decode') {
      svc.componentType = 'worker';
      svc.subComponentType = c.type;
    } else if (c.type !== undefined) {
      svc.componentType = c.type;
      if (old.componentType !== c.type) delete svc.subComponentType;
    }
    if (c.replicas !== undefined) svc.replicas = c.replicas;
    else delete svc.replicas;
    const podSpec: AnyObj = clone(c.podTemplate?.spec ?? {});
    const containers: AnyObj[] = podSpec.containers ?? [];
    const main: AnyObj = clone(containers.find((x) => x?.name === 'main') ?? {});
    // restoreDedicatedFieldsFromMain: the whole main-container env becomes `envs`;
    // restoreMainContainerFieldOrigins: the alpha split comes back only when the merged env is
    // unchanged from the copy kept in the dgd-spec annotation.
    const env: AnyObj[] = main.env ?? [];
    let svcEnvs: AnyObj[] = env;
    let mainEnv: AnyObj[] = [];
    const kept: AnyObj | undefined = restored?.services?.[name];
    const keptMain = kept?.extraPodSpec?.mainContainer;
    const mainPresent = containers.some((x) => x?.name === 'main');
    if (
      mainPresent &&
      keptMain &&
      ((kept.envs ?? []).length || (keptMain.env ?? []).length) &&
      deepEqualJson(mergeEnvs(kept.envs ?? [], keptMain.env ?? []), env)
    ) {
      svcEnvs = kept.envs ?? [];
      mainEnv = keptMain.env ?? [];
    }
    if (svcEnvs.length) svc.envs = clone(svcEnvs);
    else delete svc.envs;
    const oldMain: AnyObj = old.extraPodSpec?.mainContainer ?? {};
    const newMain: AnyObj = { ...main };
    if (oldMain.name !== undefined) newMain.name = oldMain.name;
    else delete newMain.name;
    if (mainEnv.length) newMain.env = mainEnv;
    else delete newMain.env;
    if (old.envFromSecret && Array.isArray(newMain.envFrom)) {
      newMain.envFrom = newMain.envFrom.filter((e: AnyObj) => e?.secretRef?.name !== old.envFromSecret);
      if (newMain.envFrom.length === 0) delete newMain.envFrom;
    }
    if (old.resources) delete newMain.resources;
    const eps: AnyObj = { ...podSpec };
    delete eps.containers;
    const others = containers.filter((x) => x?.name !== 'main');
    if (others.length) eps.containers = others;
    else if (old.extraPodSpec && 'containers' in old.extraPodSpec)
      eps.containers = old.extraPodSpec.containers;
    eps.mainContainer = newMain;
    svc.extraPodSpec = eps;
    for (const k of Object.keys(c)) {
      if (['name', 'type', 'replicas', 'podTemplate'].includes(k)) continue;
      svc[k] = clone(c[k]);
    }
    services[name] = svc;
  }
  const newSpec: AnyObj = {};
  for (const [k, v] of Object.entries(spec)) {
    if (k === 'components') newSpec.services = services;
    else if (k === 'env') newSpec.envs = v;
    else newSpec[k] = v;
  }
  if (!('services' in newSpec)) newSpec.services = services;
  out.spec = newSpec;
  return out;
}

/** Convert a stored object to the requested version (identity for everything but DGDs). */
export function convertTo(obj: AnyObj, rt: ResourceType, version: string, prev?: AnyObj): AnyObj {
  const want = groupVersion(rt.group, version);
  if (obj.apiVersion === want) return obj;
  if (rt.kind === 'DynamoGraphDeployment') {
    if (version === 'v1beta1') return dgdAlphaToBeta(obj);
    return dgdBetaToAlpha(obj, prev);
  }
  return { ...obj, apiVersion: want };
}
