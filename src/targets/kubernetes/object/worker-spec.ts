// The worker components of a DynamoGraphDeployment as their containers will run them: command,
// args, image, and the env the operator hands each one (the graph-level env merged with the
// component's and the main container's), with where each entry sits in the object. One reading,
// used by the KV-events decision (decide/kv-events.ts) and the router-mode advertisement check
// (decide/worker-modes.ts). Pure.
//
// The operator's merge order (deploy/operator/internal/dynamo/graph.go, MergeEnvs: by name, the
// second list wins) differs between its generations, so for a v1alpha1 object both are kept:
//   - current operators, v1beta1 hub: `applyDGDTemplateDefaults` puts `spec.env` under the main
//     container's env, and the v1alpha1 conversion (`mergeExtraPodSpecMainContainer`) puts the
//     component `envs` under `extraPodSpec.mainContainer.env`: container > component > graph;
//   - earlier operators (v1alpha1 `GenerateBasePodSpec`): `component.Envs = MergeEnvs(spec.envs,
//     component.Envs)`, then `container.Env = MergeEnvs(container.Env, component.Envs)`:
//     component > graph > container.
// Where the two orders give different entries, both are returned and callers treat the value as
// uncertain.

import { effectiveArgv } from '../../../pins/frontend-flags.js';
import type { EnvEntry } from '../../../model/contract.js';
import { pathText, type ObjectRef, type Path } from './dgd.js';
import { asArray, asObject, asString, dig, isObject, stringList, type JsonObject } from './json.js';

export type EnvLayer = 'graph' | 'component' | 'container';

export interface EnvList {
  layer: EnvLayer;
  /** Where the list sits, e.g. `spec.envs` or `spec.services.VllmWorker.extraPodSpec.mainContainer.env`. */
  path: string;
  entries: EnvEntry[];
}

export interface WorkerSpec {
  component: string;
  command: string[];
  args: string[];
  /** Where the main container's args sit (for messages). */
  argsPath: string;
  image?: string;
  /** The env lists that reach the main container, lowest layer first. */
  env: EnvList[];
}

/** One entry a worker's container may get for a name, with where it sits. */
export interface EnvAt {
  entry: EnvEntry;
  path: string;
  layer: EnvLayer;
}

const NOT_WORKERS = new Set(['frontend', 'planner', 'epp']);

function envList(value: unknown): EnvEntry[] {
  return (asArray(value) ?? []).filter(isObject) as unknown as EnvEntry[];
}

function list(obj: unknown, layer: EnvLayer, path: Path): EnvList {
  return { layer, path: pathText(path), entries: envList(dig(obj, ...path)) };
}

/** A component that runs the standalone KV router (`python -m dynamo.router`), not a worker. */
function runsRouter(spec: WorkerSpec): boolean {
  return effectiveArgv(spec.command, spec.args).some(
    (a) => a === 'dynamo.router' || a.includes('-m dynamo.router'),
  );
}

/** The worker components of a DGD, in the version it was read in; empty for a plain Deployment. */
export function workerSpecs(obj: JsonObject, ref: ObjectRef): WorkerSpec[] {
  return componentSpecs(obj, ref).filter((c) => !runsRouter(c));
}

/** Components running the standalone KV router (`python -m dynamo.router`), by name. */
export function standaloneRouters(obj: JsonObject, ref: ObjectRef): string[] {
  return componentSpecs(obj, ref)
    .filter(runsRouter)
    .map((c) => c.component);
}

function componentSpecs(obj: JsonObject, ref: ObjectRef): WorkerSpec[] {
  if (ref.kind !== 'dgd') return [];
  const out: WorkerSpec[] = [];
  if (ref.version === 'v1alpha1') {
    const graph = list(obj, 'graph', ['spec', 'envs']);
    for (const [name, spec] of Object.entries(asObject(dig(obj, 'spec', 'services')) ?? {})) {
      const type = asString(dig(spec, 'componentType')) ?? '';
      if (NOT_WORKERS.has(type)) continue;
      const base = ['spec', 'services', name];
      const main = [...base, 'extraPodSpec', 'mainContainer'];
      out.push({
        component: name,
        command: stringList(dig(obj, ...main, 'command')),
        args: stringList(dig(obj, ...main, 'args')),
        argsPath: pathText([...main, 'args']),
        image: asString(dig(obj, ...main, 'image')),
        env: [graph, list(obj, 'component', [...base, 'envs']), list(obj, 'container', [...main, 'env'])],
      });
    }
    return out;
  }
  const graph = list(obj, 'graph', ['spec', 'env']);
  (asArray(dig(obj, 'spec', 'components')) ?? []).forEach((component, index) => {
    const type = asString(dig(component, 'type')) ?? '';
    if (NOT_WORKERS.has(type)) return;
    const containers = asArray(dig(component, 'podTemplate', 'spec', 'containers')) ?? [];
    let at = containers.findIndex((c) => asString(dig(c, 'name')) === 'main');
    if (at < 0) at = containers.length ? 0 : -1;
    const main = [
      'spec',
      'components',
      String(index),
      'podTemplate',
      'spec',
      'containers',
      String(Math.max(at, 0)),
    ];
    out.push({
      component: asString(dig(component, 'name')) ?? `components[${index}]`,
      command: at < 0 ? [] : stringList(dig(obj, ...main, 'command')),
      args: at < 0 ? [] : stringList(dig(obj, ...main, 'args')),
      argsPath: pathText([...main, 'args']),
      image: at < 0 ? undefined : asString(dig(obj, ...main, 'image')),
      env: at < 0 ? [graph] : [graph, list(obj, 'container', [...main, 'env'])],
    });
  });
  return out;
}

function last(lists: readonly EnvList[], layer: EnvLayer, name: string): EnvAt | undefined {
  const found = lists.find((l) => l.layer === layer);
  const entry = [...(found?.entries ?? [])].reverse().find((e) => e.name === name);
  return entry && found ? { entry, path: found.path, layer } : undefined;
}

/**
 * What the worker's container gets for `name`: one entry when every operator generation gives
 * the same, two when they differ (see the header), none when no list sets it.
 */
export function workerEnv(worker: WorkerSpec, name: string): EnvAt[] {
  const at = (layer: EnvLayer) => last(worker.env, layer, name);
  const current = at('container') ?? at('component') ?? at('graph');
  const hasComponentLayer = worker.env.some((l) => l.layer === 'component');
  const earlier = hasComponentLayer ? (at('component') ?? at('graph') ?? at('container')) : current;
  const found = [current, earlier].filter((e): e is EnvAt => e !== undefined);
  const same = (a: EnvAt, b: EnvAt) => JSON.stringify(a.entry) === JSON.stringify(b.entry);
  return found.filter((e, i) => found.findIndex((f) => same(f, e)) === i);
}

/** `DYN_X=v in spec.envs` (or `DYN_X (valueFrom) in …`): the line a person would change. */
export function describeEnvAt(e: EnvAt): string {
  const shown =
    e.entry.valueFrom !== undefined
      ? `${e.entry.name} (valueFrom)`
      : `${e.entry.name}=${e.entry.value ?? ''}`;
  const scope = e.layer === 'graph' ? ' (the graph-level env, which the operator gives every component)' : '';
  return `${shown} in ${e.path}${scope}`;
}
