// The action's mark on the object it changed: an annotation recording the router env it left. A
// later run that finds the mark but not those entries knows an apply replaced the frontend's env
// (a recipe without the router entries): the frontend rolled back to another mode in between.

import { limitation, type Limitation } from '../../../model/findings.js';
import type { EnvEntry } from '../../../model/contract.js';
import { effectiveEntry, KV_EVENTS_VAR, MODE_VAR, type EnvLists } from './env-change.js';
import { asString, dig, isObject, type JsonObject } from '../object/json.js';

export const ROUTER_ENV_ANNOTATION = 'dynamo-router-starter.nvidia.com/router-env';

const ROUTER_VARS = [MODE_VAR, KV_EVENTS_VAR];

/** The router entries in effect in `lists`, as the annotation records them (`NAME=value`, sorted). */
function recorded(lists: EnvLists): string {
  return ROUTER_VARS.map((name) => effectiveEntry(lists, name))
    .filter((e): e is EnvEntry => e !== undefined && e.valueFrom === undefined)
    .map((e) => `${e.name}=${e.value ?? ''}`)
    .join(',');
}

/** Adds the annotation for the env the patch leaves to a merge patch. */
export function withRouterMark(patch: JsonObject, after: EnvLists): JsonObject {
  const metadata = isObject(patch.metadata) ? patch.metadata : {};
  const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
  return {
    ...patch,
    metadata: { ...metadata, annotations: { ...annotations, [ROUTER_ENV_ANNOTATION]: recorded(after) } },
  };
}

/** A warning when the object carries the mark but its router env is no longer what the mark says. */
export function overwrittenWarning(
  object: JsonObject,
  lists: EnvLists,
  where: string,
): Limitation | undefined {
  const mark = asString(dig(object, 'metadata', 'annotations', ROUTER_ENV_ANNOTATION));
  if (mark === undefined) return undefined;
  const now = recorded(lists);
  if (now === mark) return undefined;
  return limitation(
    'router-env-overwritten',
    `The router env this action set last (${mark || 'none'}) is gone from ${where}: it now has ${now || 'no router entries (round-robin)'}. An apply of a recipe without the router entries replaced the frontend's env, so the frontend rolled and ran another mode in between. Write the mode into the recipe (write-recipe) before applying, so each deploy rolls the frontend once.`,
  );
}
