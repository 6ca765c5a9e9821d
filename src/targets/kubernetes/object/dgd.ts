// Where the frontend lives inside the object the action changes: a DynamoGraphDeployment in
// either served version, or a plain apps/v1 Deployment. Pure: reads raw JSON, returns paths.

import { RunFailure } from '../../../model/failure.js';
import type { EnvEntry } from '../../../model/contract.js';
import { asArray, asObject, asString, clone, dig, isObject, stringList, type JsonObject } from './json.js';

export const DGD_GROUP = 'nvidia.com';
export const DGD_PLURAL = 'dynamographdeployments';
export const DGD_VERSIONS = ['v1beta1', 'v1alpha1'] as const;
export type DgdVersion = (typeof DGD_VERSIONS)[number];
/** The operator's label naming the DynamoGraphDeployment a Service or pod belongs to. */
export const GRAPH_LABEL = 'nvidia.com/dynamo-graph-deployment-name';
/** The field manager of this action's writes (managedFields), so it can tell them from the author's. */
export const FIELD_MANAGER = 'dynamo-router-starter';

export type TargetObjectKind = 'dgd' | 'deployment';

/** How to address the object over the API. */
export interface ObjectRef {
  kind: TargetObjectKind;
  group: string;
  version: string;
  plural: string;
  namespace: string;
  name: string;
}

export type Path = readonly string[];

export interface FrontendLocation {
  ref: ObjectRef;
  /** Component name (DGD) or container name (Deployment). */
  component: string;
  /** Name of the container the frontend runs in: `main` under the operator. */
  containerName: string;
  /** The graph-level env every component inherits (v1alpha1 `spec.envs`, v1beta1 `spec.env`); read, never written. */
  graphEnvPath?: Path;
  /** v1alpha1 `envs` of the component; absent where the version has no component-level env. */
  componentEnvPath?: Path;
  /** The main container's env, which wins over the component env. */
  containerEnvPath: Path;
  commandPath: Path;
  argsPath: Path;
  replicas: number;
  /** Labels the operator gives frontend pods: the fallback when the Service has no selector. */
  podLabels: Record<string, string>;
}

/**
 * The operator's NormalizeKubeResourceName (deploy/operator/internal/dynamo/graph.go): lower case,
 * dots to dashes, because Service names must be DNS-1035 labels (PRs #7032, #7062).
 */
export function normalizeKubeResourceName(name: string): string {
  return name.replaceAll('.', '-').toLowerCase();
}

/**
 * The Service the operator makes for a DGD component: `GenerateComponentService` names it
 * NormalizeKubeResourceName(GetDCDResourceName(dgd, component)), i.e. `<dgd>-<component lower
 * case>` normalised: DGD `qwen3-0.6b`, component Frontend → `qwen3-0-6b-frontend`.
 */
export function componentServiceName(dgd: string, component: string): string {
  return normalizeKubeResourceName(`${dgd}-${component.toLowerCase()}`);
}

export function dgdRef(namespace: string, name: string, version: DgdVersion): ObjectRef {
  return { kind: 'dgd', group: DGD_GROUP, version, plural: DGD_PLURAL, namespace, name };
}

export function deploymentRef(namespace: string, name: string): ObjectRef {
  return { kind: 'deployment', group: 'apps', version: 'v1', plural: 'deployments', namespace, name };
}

/** `dynamographdeployment.nvidia.com/x (v1alpha1), component Frontend`: how the report names it. */
export function describeLocation(loc: FrontendLocation): string {
  if (loc.ref.kind === 'deployment') return `deployment.apps/${loc.ref.name}, container ${loc.component}`;
  return `dynamographdeployment.nvidia.com/${loc.ref.name} (${loc.ref.version}), component ${loc.component}`;
}

export function pathText(path: Path): string {
  return path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : `${i === 0 ? '' : '.'}${p}`)).join('');
}

/** Components that carry the frontend as a `frontendSidecar` (v1alpha1: an object, v1beta1: a container name). */
function sidecarHosts(components: { name: string; spec: unknown }[]): string[] {
  return components
    .filter((c) => {
      const sidecar = dig(c.spec, 'frontendSidecar');
      return (typeof sidecar === 'string' && sidecar !== '') || isObject(sidecar);
    })
    .map((c) => {
      const sidecar = dig(c.spec, 'frontendSidecar');
      return typeof sidecar === 'string' ? `${c.name} (container ${sidecar})` : c.name;
    });
}

function frontendPick<T extends { name: string }>(
  candidates: T[],
  dgdName: string,
  service: string | undefined,
  what: string,
  sidecars: string[] = [],
): T {
  if (candidates.length === 0 && sidecars.length > 0) {
    throw new RunFailure(
      'not-found',
      `${what} runs its frontend as a frontendSidecar of ${sidecars.join(', ')}, not as a frontend component; this action changes the env of a frontend component (or a plain Deployment's frontend container) only, and writing a worker component would roll the workers.`,
      `set DYN_ROUTER_MODE in the sidecar's env in your manifest yourself and apply it, or run the frontend as its own component (componentType/type: frontend); then check it with \`base-url\` or with \`mode\` empty`,
    );
  }
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1 && service) {
    const match = candidates.find((c) => componentServiceName(dgdName, c.name) === service);
    if (match) return match;
  }
  const names = candidates.map((c) => c.name).join(', ');
  throw new RunFailure(
    'not-found',
    candidates.length === 0
      ? `${what} has no frontend component (none has the frontend type).`
      : `${what} has several frontend components (${names}); name the one to change with \`service\` (${candidates.map((c) => componentServiceName(dgdName, c.name)).join(' or ')}).`,
    candidates.length === 0
      ? 'check that the deployment has a frontend component'
      : 'set the `service` input',
  );
}

function replicasOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 1;
}

/** Finds the frontend of a DGD read in `version`. */
export function locateDgdFrontend(obj: JsonObject, ref: ObjectRef, service?: string): FrontendLocation {
  const name = ref.name;
  const what = `DynamoGraphDeployment ${ref.namespace}/${name}`;
  const podLabels = (component: string): Record<string, string> => ({
    'nvidia.com/dynamo-graph-deployment-name': name,
    'nvidia.com/dynamo-component-type': 'frontend',
    'nvidia.com/dynamo-component': component,
  });
  if (ref.version === 'v1alpha1') {
    const services = asObject(dig(obj, 'spec', 'services')) ?? {};
    const all = Object.entries(services).map(([n, s]) => ({ name: n, spec: s }));
    const candidates = all.filter((c) => asString(dig(c.spec, 'componentType')) === 'frontend');
    const picked = frontendPick(candidates, name, service, what, sidecarHosts(all));
    const base = ['spec', 'services', picked.name];
    return {
      ref,
      component: picked.name,
      containerName: 'main',
      graphEnvPath: ['spec', 'envs'],
      componentEnvPath: [...base, 'envs'],
      containerEnvPath: [...base, 'extraPodSpec', 'mainContainer', 'env'],
      commandPath: [...base, 'extraPodSpec', 'mainContainer', 'command'],
      argsPath: [...base, 'extraPodSpec', 'mainContainer', 'args'],
      replicas: replicasOf(dig(picked.spec, 'replicas')),
      podLabels: podLabels(picked.name),
    };
  }
  const components = asArray(dig(obj, 'spec', 'components')) ?? [];
  const all = components.map((c, index) => ({ name: asString(dig(c, 'name')) ?? '', index, spec: c }));
  const candidates = all.filter((c) => asString(dig(c.spec, 'type')) === 'frontend');
  const picked = frontendPick(candidates, name, service, what, sidecarHosts(all));
  const containers = asArray(dig(picked.spec, 'podTemplate', 'spec', 'containers')) ?? [];
  let containerIndex = containers.findIndex((c) => asString(dig(c, 'name')) === 'main');
  // No main container yet: the write appends one (the operator merges its defaults into `main`).
  if (containerIndex < 0) containerIndex = containers.length;
  const base = [
    'spec',
    'components',
    String(picked.index),
    'podTemplate',
    'spec',
    'containers',
    String(containerIndex),
  ];
  return {
    ref,
    component: picked.name,
    containerName: 'main',
    graphEnvPath: ['spec', 'env'],
    containerEnvPath: [...base, 'env'],
    commandPath: [...base, 'command'],
    argsPath: [...base, 'args'],
    replicas: replicasOf(dig(picked.spec, 'replicas')),
    podLabels: podLabels(picked.name),
  };
}

function runsFrontend(container: unknown): boolean {
  const argv = [...stringList(dig(container, 'command')), ...stringList(dig(container, 'args'))];
  return argv.some((a) => a.includes('dynamo.frontend'));
}

/** Finds the frontend container of a plain Deployment: the one running dynamo.frontend, or the only one. */
export function locateDeploymentFrontend(obj: JsonObject, ref: ObjectRef): FrontendLocation {
  const containers = asArray(dig(obj, 'spec', 'template', 'spec', 'containers')) ?? [];
  let index = containers.findIndex(runsFrontend);
  if (index < 0 && containers.length === 1) index = 0;
  if (index < 0) {
    const names = containers.map((c) => asString(dig(c, 'name'))).join(', ');
    throw new RunFailure(
      'not-found',
      `Deployment ${ref.namespace}/${ref.name} has ${containers.length} containers (${names}) and none runs dynamo.frontend, so the frontend container is unclear.`,
      'run the frontend as `python3 -m dynamo.frontend` in one container, or use a DynamoGraphDeployment',
    );
  }
  const base = ['spec', 'template', 'spec', 'containers', String(index)];
  const matchLabels = asObject(dig(obj, 'spec', 'selector', 'matchLabels')) ?? {};
  return {
    ref,
    component: asString(dig(containers[index], 'name')) ?? `container ${index}`,
    containerName: asString(dig(containers[index], 'name')) ?? '',
    containerEnvPath: [...base, 'env'],
    commandPath: [...base, 'command'],
    argsPath: [...base, 'args'],
    replicas: replicasOf(dig(obj, 'spec', 'replicas')),
    podLabels: Object.fromEntries(Object.entries(matchLabels).map(([k, v]) => [k, String(v)])),
  };
}

export function locateFrontend(obj: JsonObject, ref: ObjectRef, service?: string): FrontendLocation {
  return ref.kind === 'deployment'
    ? locateDeploymentFrontend(obj, ref)
    : locateDgdFrontend(obj, ref, service);
}

export function envAt(obj: JsonObject, path: Path | undefined): EnvEntry[] {
  if (!path) return [];
  return (asArray(dig(obj, ...path)) ?? []).filter(isObject) as unknown as EnvEntry[];
}

export function argvOf(obj: JsonObject, loc: FrontendLocation): { command: string[]; args: string[] } {
  return { command: stringList(dig(obj, ...loc.commandPath)), args: stringList(dig(obj, ...loc.argsPath)) };
}

/** Sets `value` at `path` in a copy of `obj`, creating missing objects (and a missing `main` container). */
export function withValueAt(obj: JsonObject, path: Path, value: unknown): JsonObject {
  const copy = clone(obj);
  let current: unknown = copy;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    const nextIsIndex = /^\d+$/.test(path[i + 1]);
    if (Array.isArray(current)) {
      const index = Number(key);
      if (current[index] === undefined) current[index] = { name: 'main' };
      current = current[index];
      continue;
    }
    const container = current as JsonObject;
    if (container[key] === undefined || container[key] === null) container[key] = nextIsIndex ? [] : {};
    current = container[key];
  }
  const last = path[path.length - 1];
  if (Array.isArray(current)) current[Number(last)] = value;
  else (current as JsonObject)[last] = value;
  return copy;
}

/**
 * The JSON merge patch that carries `paths` of `changed` over to the server. A merge patch
 * replaces whole lists, so where a path crosses a list (v1beta1 components, Deployment
 * containers) the complete list from `changed` (itself built from a fresh read) is sent.
 */
export function mergePatchFor(
  changed: JsonObject,
  paths: Path[],
  resourceVersion: string | undefined,
): JsonObject {
  const patch: JsonObject = { metadata: { resourceVersion } };
  for (const path of paths) {
    let source: unknown = changed;
    let target: JsonObject = patch;
    for (let i = 0; i < path.length; i++) {
      const key = path[i];
      const value = (source as JsonObject)[key];
      if (i === path.length - 1 || Array.isArray(value)) {
        target[key] = clone(value);
        break;
      }
      if (!isObject(target[key])) target[key] = {};
      target = target[key] as JsonObject;
      source = value;
    }
  }
  return patch;
}

/**
 * Refuses a write that would add a container: a v1beta1 frontend component without its `main`
 * container would get one without an `image`, which the v1beta1 API requires. Says what to do instead.
 */
export function refuseNewContainer(obj: JsonObject, path: Path): void {
  let current: unknown = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const missing = current === undefined || current === null;
    const creates = missing
      ? path.slice(i, -1).some((p) => /^\d+$/.test(p))
      : Array.isArray(current) && current[Number(path[i])] === undefined;
    if (creates) {
      const at = pathText(
        path.slice(
          0,
          path.findIndex((p, k) => k >= i && /^\d+$/.test(p)),
        ),
      );
      throw new RunFailure(
        'not-found',
        `The frontend has no \`main\` container in ${at}, and the router env cannot be added there without creating a container with no \`image\` (the v1beta1 API requires one).`,
        `add a \`main\` container with the frontend's image to ${at}, or write the DGD through v1alpha1 (\`dynamographdeployments.v1alpha1.nvidia.com\`), whose component \`envs\` need no container`,
      );
    }
    if (missing) return;
    current = (current as Record<string, unknown>)[path[i]];
  }
}
