// The frontend's env lists as the object holds them (graph, component, container), and the merge
// patch that writes new lists into a fresh copy, carrying the object's resourceVersion and the
// action's annotation of the router env it leaves. Pure.

import {
  envAt,
  mergePatchFor,
  pathText,
  refuseNewContainer,
  withValueAt,
  type FrontendLocation,
  type Path,
} from '../object/dgd.js';
import { type EnvLists } from './env-change.js';
import type { JsonObject } from '../object/json.js';
import { withRouterMark } from './router-env-annotation.js';

export function listsOf(object: JsonObject, loc: FrontendLocation): EnvLists {
  const lists: EnvLists = { container: envAt(object, loc.containerEnvPath) };
  if (loc.componentEnvPath) lists.component = envAt(object, loc.componentEnvPath);
  if (loc.graphEnvPath) {
    const graph = envAt(object, loc.graphEnvPath);
    if (graph.length) lists.graph = graph;
  }
  return lists;
}

/** The merge patch that writes `lists` into a fresh copy of the object. */
export function envPatchFor(
  fresh: JsonObject,
  loc: FrontendLocation,
  before: EnvLists,
  after: EnvLists,
): { patch: JsonObject; paths: Path[] } {
  let changed = fresh;
  const paths: Path[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (loc.componentEnvPath && after.component && !same(after.component, before.component)) {
    changed = withList(changed, loc.componentEnvPath, after.component);
    paths.push(loc.componentEnvPath);
  }
  if (!same(after.container, before.container)) {
    changed = withList(changed, loc.containerEnvPath, after.container);
    paths.push(loc.containerEnvPath);
  }
  // The mark lets a later run see that an apply overwrote this change (router-env-annotation.ts).
  return { patch: withRouterMark(mergePatchFor(changed, paths, metadataVersion(fresh)), after), paths };
}

/** Where the env patch output says the change goes: the paths written, else the frontend's own env. */
export function patchPath(paths: readonly Path[], loc: FrontendLocation): string {
  return paths.map(pathText).join(' and ') || pathText(loc.componentEnvPath ?? loc.containerEnvPath);
}

function withList(object: JsonObject, path: Path, list: unknown[]): JsonObject {
  refuseNewContainer(object, path);
  return withValueAt(object, path, list);
}

function metadataVersion(object: JsonObject): string | undefined {
  const meta = object.metadata as JsonObject | undefined;
  return typeof meta?.resourceVersion === 'string' ? meta.resourceVersion : undefined;
}
