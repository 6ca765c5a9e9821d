// A plan from the recipe file alone: `recipe` and `dry-run: true` with no cluster configured (a
// fork's pull request has no secrets). Nothing is contacted. The file says which mode the frontend
// would run, the exact env patch, and what pins it (router flags, images); the run passes or fails
// on that, and says that nothing was checked live.

import { limitation } from '../../../model/findings.js';
import type { Plan } from '../../../plan.js';
import type { EnvPatch } from '../../../model/contract.js';
import type { TargetSession } from '../../../session.js';
import type { Settings } from '../../../settings/settings.js';
import { decideMode } from '../decide/mode-decision.js';
import { listsOf } from '../decide/env-patch.js';
import { routedNow } from '../decide/current-mode.js';
import {
  argvOf,
  componentServiceName,
  describeLocation,
  dgdRef,
  locateFrontend,
  pathText,
} from '../object/dgd.js';
import { computeEnvChange, describeEntries } from '../decide/env-change.js';
import { isObject, type JsonObject } from '../object/json.js';
import { pinnedFlags } from '../../../pins/frontend-flags.js';
import { writeRecipe } from './write.js';
import { type RecipeTarget } from './read.js';

/** Every `image:` in the object with where it sits: the release pins a reviewer should see. */
export function imagePins(object: unknown, at: string[] = []): string[] {
  if (Array.isArray(object)) return object.flatMap((v, i) => imagePins(v, [...at, String(i)]));
  if (!isObject(object)) return [];
  return Object.entries(object).flatMap(([key, value]) =>
    key === 'image' && typeof value === 'string'
      ? [`${value} (${[...at, key].join('.')})`]
      : imagePins(value, [...at, key]),
  );
}

export function recipePlanSession(
  settings: Settings,
  plan: Plan,
  recipe: RecipeTarget,
  log: (line: string) => void,
): TargetSession {
  const k = settings.kubernetes;
  const namespace = k?.namespace ?? recipe.namespace ?? 'default';
  const ref = dgdRef(namespace, recipe.name, recipe.version);
  const object: JsonObject = recipe.object;
  const serviceName = k?.service ?? componentServiceName(recipe.name, locateFrontend(object, ref).component);
  const loc = locateFrontend(object, ref, serviceName);
  const { command, args } = argvOf(object, loc);
  const pinned = pinnedFlags(command, args);
  const pins = [
    ...pinned.flags.map((f) => `${f.text} (${pathText(loc.argsPath)})`),
    ...imagePins(object.spec, ['spec']),
  ];
  const nothingLive = limitation(
    'planned-from-file',
    `Nothing was checked live: no cluster is configured, so this dry run planned from ${recipe.path} alone (no API server, frontend or worker was contacted). The mode, patch and pins are what the file says.`,
  );
  const planned = {
    baseUrl: '',
    service: `${namespace}/${serviceName}`,
    namespace,
    details: [{ title: `Pins found in ${recipe.path}`, text: pins.join('\n') || 'none' }],
    planOnly: true,
    close: async () => undefined,
  };
  log(
    `Planning from ${recipe.path} alone: no cluster is configured and dry-run is true; nothing will be contacted.`,
  );
  if (!settings.mode) {
    const now = routedNow(settings, object, loc);
    return {
      ...planned,
      mode: now.mode,
      modeReason: `no mode requested: ${now.reason} (from ${recipe.path}); nothing was changed`,
      modeSetAt: `${now.reason} (from ${recipe.path})`,
      kvEvents: now.kvEvents,
      kvEventsReason: now.kvEventsReason,
      limitations: [nothingLive, ...now.limitations],
    };
  }
  // Fails with args-pin-mode when the file's command line pins another mode: the file decides.
  const decision = decideMode(settings, plan, object, loc, settings.mode);
  const change = computeEnvChange(listsOf(object, loc), decision.envMode, decision.kvWant);
  const envPatch: EnvPatch = {
    object: `${describeLocation(loc)} in ${recipe.path}`,
    namespace,
    path: pathText(loc.componentEnvPath ?? loc.containerEnvPath),
    set: change.set,
    remove: change.remove,
    changed: change.changed,
    applied: false,
    dryRun: true,
  };
  log(
    change.changed
      ? `Would set ${describeEntries(change.set)}${change.remove.length ? `; remove ${change.remove.join(', ')}` : ''} on ${describeLocation(loc)}.`
      : `${recipe.path} already has ${describeEntries(change.set) || 'the wanted settings'}: nothing would change.`,
  );
  const limitations = [nothingLive, ...decision.limitations, ...change.notes];
  if (k?.writeRecipe && change.changed) {
    const edit = writeRecipe(recipe, decision.envMode, decision.kvWant, serviceName);
    log(`Recipe ${recipe.path}: frontend env written (comments kept); commit or apply it.`);
    limitations.push(
      limitation(
        'recipe-updated',
        `The recipe ${recipe.path} was updated on disk (write-recipe): ${describeEntries(edit.set)}. Apply or commit it; the cluster was not touched.`,
      ),
    );
  }
  const plannedReason = decision.appliedAs
    ? `requested by the \`mode\` input; would be applied as ${decision.appliedAs} only (planned from ${recipe.path})`
    : `${decision.modeReason} (planned from ${recipe.path})`;
  return {
    ...planned,
    mode: decision.mode,
    modeReason: plannedReason,
    modeSetAt: plannedReason,
    kvEvents: decision.kvEvents,
    kvEventsReason: `${decision.kvEventsReason} (from the worker specs in the file)`,
    envPatch,
    limitations,
  };
}
