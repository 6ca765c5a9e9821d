// Resolve: the cluster's credentials (masked before the first request) and API client, then
// which objects a run works on: namespace, frontend Service and the object that owns the
// frontend (a DGD in the version the recipe or the cluster prefers, or a plain Deployment), and
// the frontend's release, refused before any write when it lacks a mode the run would set.

import { RunFailure } from '../../../model/failure.js';
import type { DynamoRelease } from '../../../releases/capabilities.js';
import type { TargetDeps } from '../../../session.js';
import type { KubernetesSettings } from '../../../settings/settings.js';
import {
  apiFailure,
  dgdVersions,
  kubeApi,
  loadCredentials,
  maskSecrets,
  type Credentials,
  type KubeApi,
} from '../api/kube-api.js';
import {
  componentServiceName,
  deploymentRef,
  describeLocation,
  dgdRef,
  DGD_GROUP,
  DGD_PLURAL,
  FIELD_MANAGER,
  locateFrontend,
  normalizeKubeResourceName,
  type DgdVersion,
  type FrontendLocation,
  type ObjectRef,
} from '../object/dgd.js';
import { asArray, asObject, asString, dig, isObject, type JsonObject } from '../object/json.js';
import { listCandidatesCommand } from '../kubectl-steps.js';
import { missingDeployment } from './near-names.js';
import type { RecipeTarget } from '../recipe/read.js';
import { refuseUnsupported, releaseOfFrontend } from './frontend-release.js';
import {
  frontendServicePort,
  selectorOf,
  serviceSelector,
  type ServicePort,
} from '../object/service-port.js';

export const GRAPH_LABEL = 'nvidia.com/dynamo-graph-deployment-name';

export interface ResolvedTarget {
  namespace: string;
  serviceName: string;
  service: JsonObject;
  ref: ObjectRef;
  object: JsonObject;
  loc: FrontendLocation;
  /** Why the DGD is edited in this API version (for the log and the report). */
  versionReason?: string;
}

export interface Cluster {
  creds: Credentials;
  api: KubeApi;
}

/** The kubeconfig's credentials, every secret in them masked, and an API client built on them. */
export async function connect(deps: TargetDeps): Promise<Cluster> {
  const creds = loadCredentials();
  await maskSecrets(creds, deps.mask ?? (() => undefined));
  deps.log.info(`Kubernetes: context ${creds.context} from ${creds.source}, API server ${creds.server}.`);
  return { creds, api: kubeApi(creds) };
}

/** The frontend a run works on, with its pods' selectors, its Service port and its release. */
export interface Frontend extends ResolvedTarget {
  /** The frontend pods: the Service's selector, else the pod template's labels. */
  selector: string;
  workerSelector?: string;
  servicePort: ServicePort;
  release: DynamoRelease;
}

/**
 * Finds the frontend and its Service; throws `unsupported-mode` (carrying the release) when the
 * frontend's release lacks one of `modes` (the run's mode and compare modes): written, it would
 * crash-loop the rollout.
 */
export async function findFrontend(
  api: KubeApi,
  k: KubernetesSettings,
  modes: readonly (string | undefined)[],
  recipe: RecipeTarget | undefined,
  contextNamespace: string | undefined,
  log: (line: string) => void,
): Promise<Frontend> {
  const namespace = resolveNamespace(k, recipe, contextNamespace);
  const target = await resolveTarget(api, namespace, k, recipe);
  const { ref, loc, serviceName, service } = target;
  log(
    `Frontend: ${describeLocation(loc)}; Service ${namespace}/${serviceName}.${target.versionReason ? ` API version ${ref.version} (${target.versionReason}).` : ''}`,
  );
  const release = releaseOfFrontend(target.object, loc);
  refuseUnsupported(release, modes);
  return {
    ...target,
    selector: serviceSelector(service) || selectorOf(loc.podLabels),
    workerSelector:
      ref.kind === 'dgd'
        ? `${GRAPH_LABEL}=${ref.name},nvidia.com/dynamo-component-type!=frontend`
        : undefined,
    servicePort: frontendServicePort(service),
    release,
  };
}

/** Namespace: the input, else the recipe's, else the kubeconfig context's, else `default`. */
export function resolveNamespace(
  k: KubernetesSettings,
  recipe: RecipeTarget | undefined,
  contextNamespace: string | undefined,
): string {
  return k.namespace ?? recipe?.namespace ?? contextNamespace ?? 'default';
}

function isNotFound(error: unknown): boolean {
  return error instanceof RunFailure && error.code === 'not-found';
}

export async function resolveTarget(
  api: KubeApi,
  namespace: string,
  k: KubernetesSettings,
  recipe: RecipeTarget | undefined,
): Promise<ResolvedTarget> {
  const server = api.server;
  let versions: string[];
  try {
    versions = await dgdVersions(api);
  } catch (error) {
    throw apiFailure(error, 'list the API groups the cluster serves', server);
  }
  let deployment = k.deployment ?? recipe?.name;
  if (!deployment && !k.service) deployment = await onlyDgd(api, namespace, versions, k.implicit);
  // The DGD as reading its Service name found it (in versions[0]), so it is not read twice.
  const named: { name: string; object?: JsonObject } = k.service
    ? { name: k.service }
    : await frontendServiceName(api, namespace, deployment as string, versions);
  const serviceName = named.name;
  let service: JsonObject;
  try {
    service = await api.getService(namespace, serviceName);
  } catch (error) {
    const failure = apiFailure(error, `get Service ${namespace}/${serviceName}`, server);
    if (failure.code !== 'not-found') throw failure;
    // A Service is also "not found" in a namespace that does not exist: say which it is.
    if ((await api.namespaceExists?.(namespace)) === false) {
      throw new RunFailure(
        'not-found',
        `Namespace ${namespace} does not exist. List the namespaces with \`kubectl get namespaces\`.`,
        "set `namespace` (or the recipe's metadata.namespace) to the namespace the deployment runs in",
      );
    }
    // No Service because no such deployment (a typo): say that, with the near names.
    const missing =
      k.service || !deployment ? undefined : await missingDeployment(api, namespace, deployment, versions);
    if (missing) throw missing;
    throw new RunFailure(
      'not-found',
      `Service ${namespace}/${serviceName} does not exist${k.service ? '' : ` (the default name for deployment ${deployment})`}. List the candidates with \`${listCandidatesCommand(namespace, 'svc')}\`.`,
      `set \`service\` to the frontend Service (the operator names it \`<dgd-name>-<frontend component name>\` in lower case with dots as dashes, e.g. \`${componentServiceName(deployment ?? 'my-dgd', 'Frontend')}\` for a component named Frontend)`,
    );
  }
  deployment ??= asString(dig(service, 'metadata', 'labels', GRAPH_LABEL));
  if (!deployment) deployment = await deploymentBehind(api, namespace, serviceName, service);

  // Read once (the recipe's version when served, else the preferred), then edit in the version
  // the object's author wrote it in, so a GitOps diff stays in their vocabulary.
  const first = (recipe && versions.includes(recipe.version) ? recipe.version : versions[0]) as
    DgdVersion | undefined;
  let ref: ObjectRef | undefined;
  let object: JsonObject | undefined;
  let versionReason: string | undefined;
  if (first) {
    ref = dgdRef(namespace, deployment, first);
    try {
      object = named.object && first === versions[0] ? named.object : await api.getObject(ref);
      let component: string | undefined;
      try {
        component = locateFrontend(object, ref, serviceName).component;
      } catch {
        component = undefined; // reported below, on the object in the version finally used
      }
      const authored = authoredVersion(object, versions, component, recipe?.version);
      versionReason = authored.reason;
      if (authored.version !== first) {
        ref = dgdRef(namespace, deployment, authored.version);
        object = await api.getObject(ref);
      }
    } catch (error) {
      const failure = apiFailure(error, `get DynamoGraphDeployment ${namespace}/${deployment}`, server);
      if (!isNotFound(failure) || recipe) throw notFoundDgd(failure, namespace, deployment);
      object = undefined;
    }
  }
  const preferred = first;
  if (!object) {
    ref = deploymentRef(namespace, deployment);
    try {
      object = await api.getObject(ref);
    } catch (error) {
      const failure = apiFailure(error, `get Deployment ${namespace}/${deployment}`, server);
      if (!isNotFound(failure)) throw failure;
      throw new RunFailure(
        'not-found',
        `Neither a DynamoGraphDeployment nor a Deployment named ${namespace}/${deployment} exists${preferred ? '' : ' (the Dynamo operator CRD is not installed)'}. List the candidates with \`${listCandidatesCommand(namespace, preferred ? 'dgd' : 'deployments')}\`.`,
        'set `deployment` to the DynamoGraphDeployment (or Deployment) that runs the frontend',
      );
    }
  }
  const resolvedRef = ref as ObjectRef;
  if (resolvedRef.kind === 'deployment') refuseOperatorManaged(object, namespace, deployment);
  return {
    namespace,
    serviceName,
    service,
    ref: resolvedRef,
    object,
    loc: locateFrontend(object, resolvedRef, serviceName),
    versionReason: resolvedRef.kind === 'dgd' ? versionReason : undefined,
  };
}

/**
 * The frontend Service's name when only the deployment is known: the operator names it
 * `<dgd>-<frontend component>` normalised (componentServiceName: lower case, dots to dashes), so
 * a DGD is read first to find that component. Without a DGD of that name (a plain Deployment, or
 * no operator CRD): `<name>-frontend`, normalised the same way. The DGD read comes back too, so
 * it is not read again.
 */
async function frontendServiceName(
  api: KubeApi,
  namespace: string,
  deployment: string,
  versions: string[],
): Promise<{ name: string; object?: JsonObject }> {
  const fallback = { name: normalizeKubeResourceName(`${deployment}-frontend`) };
  if (!versions.length) return fallback;
  const ref = dgdRef(namespace, deployment, versions[0] as DgdVersion);
  let object: JsonObject;
  try {
    object = await api.getObject(ref);
  } catch (error) {
    const failure = apiFailure(error, `get DynamoGraphDeployment ${namespace}/${deployment}`, api.server);
    if (isNotFound(failure)) return fallback;
    throw failure;
  }
  // Several frontends (or none) fail here with a message that says what to set.
  const component = locateFrontend(object, ref).component;
  return { name: componentServiceName(deployment, component), object };
}

/** Kinds whose controller regenerates a Deployment's spec: the Dynamo operator's. */
const OPERATOR_OWNERS = new Set(['DynamoComponentDeployment', 'DynamoGraphDeployment']);

/**
 * A Deployment the Dynamo operator made (controller owner a DynamoComponentDeployment, or a DGD in
 * older releases) is regenerated from its DGD, so an env change written to it would be overwritten
 * at once: name the DGD to change instead.
 */
function refuseOperatorManaged(object: JsonObject, namespace: string, name: string): void {
  const owner = (asArray(dig(object, 'metadata', 'ownerReferences')) ?? [])
    .filter(isObject)
    .find((r) => r.controller === true && OPERATOR_OWNERS.has(String(r.kind)));
  if (!owner) return;
  const graph =
    asString(dig(object, 'metadata', 'labels', GRAPH_LABEL)) ??
    (owner.kind === 'DynamoGraphDeployment' ? asString(owner.name) : undefined);
  const ownerName = `${String(owner.kind)} ${String(owner.name)}`;
  throw new RunFailure(
    'bad-input',
    `Deployment ${namespace}/${name} is managed by ${ownerName}${graph && owner.kind !== 'DynamoGraphDeployment' ? ` of DynamoGraphDeployment ${graph}` : ''}: the Dynamo operator regenerates it from the DynamoGraphDeployment and would overwrite the change. Nothing was written.`,
    graph
      ? `set \`deployment\` to ${graph} (the DynamoGraphDeployment) and \`service\` to the frontend Service`
      : 'set `deployment` to the DynamoGraphDeployment that owns it',
  );
}

/** Managers whose writes say nothing about the author's version: the operator and this action. */
const NOT_AUTHORS = new Set([FIELD_MANAGER, 'manager', 'dynamo-operator']);

const isDgdVersion = (v: string | undefined): v is DgdVersion => v === 'v1alpha1' || v === 'v1beta1';

/** The FieldsV1 subtree of the frontend component, in the entry's own version. */
function frontendFields(fields: unknown, version: DgdVersion, component: string): JsonObject | undefined {
  if (version === 'v1alpha1') return asObject(dig(fields, 'f:spec', 'f:services', `f:${component}`));
  return asObject(dig(fields, 'f:spec', 'f:components', `k:${JSON.stringify({ name: component })}`));
}

function ownsEnv(sub: JsonObject, version: DgdVersion): boolean {
  if (version === 'v1alpha1')
    return 'f:envs' in sub || isObject(dig(sub, 'f:extraPodSpec', 'f:mainContainer', 'f:env'));
  const containers = asObject(dig(sub, 'f:podTemplate', 'f:spec', 'f:containers')) ?? {};
  return Object.values(containers).some((c) => isObject(dig(c, 'f:env')));
}

/**
 * The DGD version to edit in, in order: the managedFields entry that owns the frontend's env (else
 * any of the frontend's fields), skipping the operator's and this action's own writes; the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation; the recipe file; v1alpha1, which
 * every operator release serves (current operators store v1beta1 and convert). Only versions the
 * cluster serves count.
 */
export function authoredVersion(
  object: JsonObject,
  served: string[],
  component: string | undefined,
  recipeVersion?: string,
): { version: DgdVersion; reason: string } {
  const servedVersion = (apiVersion: unknown): DgdVersion | undefined => {
    const [group, version] = String(apiVersion ?? '').split('/');
    return group === DGD_GROUP && isDgdVersion(version) && served.includes(version) ? version : undefined;
  };
  const time = (f: JsonObject) => Date.parse(String(f.time ?? '')) || 0;
  const entries = (asArray(dig(object, 'metadata', 'managedFields')) ?? [])
    .filter(isObject)
    .filter((f) => !f.subresource && !NOT_AUTHORS.has(String(f.manager ?? '')))
    .sort((a, b) => time(b) - time(a));
  if (component) {
    const owning = entries.flatMap((f) => {
      const version = servedVersion(f.apiVersion);
      const sub = version ? frontendFields(f.fieldsV1, version, component) : undefined;
      return version && sub ? [{ f, version, env: ownsEnv(sub, version) }] : [];
    });
    const pick = owning.find((o) => o.env) ?? owning[0];
    if (pick)
      return {
        version: pick.version,
        reason: `managedFields: ${String(pick.f.manager)} wrote the frontend's ${pick.env ? 'env' : 'spec'} through ${pick.version}`,
      };
  }
  const lastApplied = asString(
    dig(object, 'metadata', 'annotations', 'kubectl.kubernetes.io/last-applied-configuration'),
  );
  if (lastApplied) {
    try {
      const version = servedVersion((JSON.parse(lastApplied) as JsonObject).apiVersion);
      if (version) return { version, reason: `kubectl's last-applied-configuration is ${version}` };
    } catch {
      // Not JSON: fall through.
    }
  }
  if (isDgdVersion(recipeVersion) && served.includes(recipeVersion))
    return { version: recipeVersion, reason: `the recipe file is ${recipeVersion}` };
  if (served.includes('v1alpha1'))
    return {
      version: 'v1alpha1',
      reason: 'nothing says how it was written: v1alpha1, the version every operator release serves',
    };
  return { version: served[0] as DgdVersion, reason: `the only version served: ${served[0]}` };
}

function notFoundDgd(failure: RunFailure, namespace: string, name: string): RunFailure {
  if (!isNotFound(failure)) return failure;
  return new RunFailure(
    'not-found',
    `DynamoGraphDeployment ${namespace}/${name} does not exist. List the candidates with \`${listCandidatesCommand(namespace, 'dgd')}\`.`,
    'apply the recipe first, or set `namespace`/`deployment` to where it runs',
  );
}

/** What to say when no target was named and the cluster's namespace does not settle it. */
const NAME_THE_TARGET =
  'give `namespace` and `deployment` (or `recipe`) for a DynamoGraphDeployment, `base-url` for a frontend reached by URL, or `launch: true`';

function unnamed(found: string): RunFailure {
  return new RunFailure(
    'bad-input',
    `No target was named (none of \`base-url\`, \`launch\`, \`namespace\`, \`deployment\`, \`service\`, \`recipe\`) and a Kubernetes cluster is configured, so the run looked for the one DynamoGraphDeployment in the kubeconfig context's namespace: ${found}. Nothing was changed.`,
    NAME_THE_TARGET,
  );
}

/**
 * Only a namespace given (or nothing, with a cluster configured: `implicit`): the namespace's
 * single DGD, if it has exactly one.
 */
async function onlyDgd(
  api: KubeApi,
  namespace: string,
  versions: string[],
  implicit?: boolean,
): Promise<string> {
  if (versions.length === 0) {
    if (implicit)
      throw unnamed('the cluster serves no DynamoGraphDeployment (the Dynamo operator is not installed)');
    throw new RunFailure(
      'bad-input',
      'Only `namespace` was given and the cluster has no DynamoGraphDeployment CRD; name the frontend with `deployment` or `service`.',
      'set `deployment` or `service`',
    );
  }
  let items: JsonObject[];
  try {
    items = await api.listObjects(DGD_GROUP, versions[0], namespace, DGD_PLURAL);
  } catch (error) {
    throw apiFailure(error, `list DynamoGraphDeployments in ${namespace}`, api.server);
  }
  const names = items.map((i) => asString(dig(i, 'metadata', 'name')) ?? '?');
  if (names.length === 1) return names[0];
  if (implicit)
    throw unnamed(
      names.length === 0
        ? `namespace ${namespace} has none`
        : `namespace ${namespace} has ${names.length} (${names.join(', ')})`,
    );
  if (names.length === 0 && (await api.namespaceExists?.(namespace)) === false) {
    throw new RunFailure(
      'not-found',
      `Namespace ${namespace} does not exist. List the namespaces with \`kubectl get namespaces\`.`,
      "set `namespace` (or the recipe's metadata.namespace) to the namespace the deployment runs in",
    );
  }
  throw new RunFailure(
    names.length === 0 ? 'not-found' : 'bad-input',
    names.length === 0
      ? `Namespace ${namespace} has no DynamoGraphDeployment. List them everywhere with \`kubectl get dgd -A\`.`
      : `Namespace ${namespace} has ${names.length} DynamoGraphDeployments (${names.join(', ')}); say which with \`deployment\`.`,
    'set `deployment`',
  );
}

/** A Service without the operator's label: the one Deployment whose pods it selects. */
async function deploymentBehind(
  api: KubeApi,
  namespace: string,
  serviceName: string,
  service: JsonObject,
): Promise<string> {
  const selector = asObject(dig(service, 'spec', 'selector')) ?? {};
  let items: JsonObject[];
  try {
    items = await api.listObjects('apps', 'v1', namespace, 'deployments');
  } catch (error) {
    throw apiFailure(error, `list Deployments in ${namespace}`, api.server);
  }
  const matches = items.filter((d) => {
    const labels = asObject(dig(d, 'spec', 'template', 'metadata', 'labels')) ?? {};
    return Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
  });
  if (matches.length === 1) return asString(dig(matches[0], 'metadata', 'name')) ?? '';
  throw new RunFailure(
    'not-found',
    `Service ${namespace}/${serviceName} has no ${GRAPH_LABEL} label and ${matches.length === 0 ? 'no' : `${matches.length}`} Deployment(s) match its selector, so the object to change is unclear.`,
    'set `deployment` to the DynamoGraphDeployment or Deployment that runs the frontend',
  );
}
