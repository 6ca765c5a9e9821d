// Resolve: the cluster's credentials (masked before the first request) and API client, then
// which objects a run works on: namespace, frontend Service and the object that owns the
// frontend (a DGD in the version its author wrote it in, authored-version.ts, or a plain
// Deployment; the namespace's only DGD when none is named, which-deployment.ts), and the
// frontend's release, refused before any write when it lacks a mode the run would set.

import { RunFailure } from '../../../model/failure.js';
import type { DynamoRelease } from '../../../releases/capabilities.js';
import type { TargetDeps } from '../../../session.js';
import type { KubernetesSettings } from '../../../settings/kubernetes.js';
import { apiFailure } from '../api/api-failure.js';
import { dgdVersions, kubeApi, type KubeApi } from '../api/kube-api.js';
import { loadCredentials, maskSecrets, type Credentials } from '../api/credentials.js';
import {
  componentServiceName,
  deploymentRef,
  describeLocation,
  dgdRef,
  locateFrontend,
  normalizeKubeResourceName,
  type DgdVersion,
  type FrontendLocation,
  type ObjectRef,
  GRAPH_LABEL,
} from '../object/dgd.js';
import { asArray, asString, dig, isObject, type JsonObject } from '../object/json.js';
import { listCandidatesCommand } from '../kubectl-steps.js';
import { missingDeployment } from './near-names.js';
import type { RecipeTarget } from '../recipe/read.js';
import { refuseUnsupported, releaseOfFrontend } from './frontend-release.js';
import { authoredVersion } from './authored-version.js';
import { deploymentBehind, namespaceMissing, onlyDgd } from './which-deployment.js';
import {
  frontendServicePort,
  selectorOf,
  serviceSelector,
  type ServicePort,
} from '../object/service-port.js';

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
/** What finding the frontend works from: the inputs, the recipe, the kubeconfig context's namespace. */
export interface FindFrontend {
  k: KubernetesSettings;
  /** The modes the run would write (its `mode` and compare modes): the release must have them. */
  modes: readonly (string | undefined)[];
  recipe?: RecipeTarget;
  contextNamespace?: string;
  log: (line: string) => void;
}

export async function findFrontend(api: KubeApi, input: FindFrontend): Promise<Frontend> {
  const { k, modes, recipe, contextNamespace, log } = input;
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
      throw namespaceMissing(namespace);
    }
    // No Service because no such deployment (a typo): say that, with the near names.
    const missing =
      k.service || !deployment ? undefined : await missingDeployment(api, namespace, deployment, versions);
    if (missing) throw missing;
    const services = listCandidatesCommand(namespace, 'svc');
    throw new RunFailure(
      'not-found',
      `Service ${namespace}/${serviceName} does not exist${k.service ? '' : ` (the default name for deployment ${deployment})`}. List the candidates with \`${services}\`.`,
      `set \`service\` to the frontend Service (the operator names it \`<dgd-name>-<frontend component name>\` in lower case with dots as dashes, e.g. \`${componentServiceName(deployment ?? 'my-dgd', 'Frontend')}\` for a component named Frontend)`,
      [],
      { kind: 'missing', list: services },
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
      const candidates = listCandidatesCommand(namespace, preferred ? 'dgd' : 'deployments');
      throw new RunFailure(
        'not-found',
        `Neither a DynamoGraphDeployment nor a Deployment named ${namespace}/${deployment} exists${preferred ? '' : ' (the Dynamo operator CRD is not installed)'}. List the candidates with \`${candidates}\`.`,
        'set `deployment` to the DynamoGraphDeployment (or Deployment) that runs the frontend',
        [],
        { kind: 'missing', list: candidates },
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

function notFoundDgd(failure: RunFailure, namespace: string, name: string): RunFailure {
  if (!isNotFound(failure)) return failure;
  const candidates = listCandidatesCommand(namespace, 'dgd');
  return new RunFailure(
    'not-found',
    `DynamoGraphDeployment ${namespace}/${name} does not exist. List the candidates with \`${candidates}\`.`,
    'apply the recipe first, or set `namespace`/`deployment` to where it runs',
    [],
    { kind: 'missing', list: candidates },
  );
}
