// What the frontend routes in now, read from the object: its command line (flags win), else its
// env, else the mode every worker advertises (1.5+), which overrides the frontend's own; and the
// settings beside the mode that change what kv does. Pure.

import type { Limitation } from '../../../model/findings.js';
import { pinnedFlags } from '../../../pins/frontend-flags.js';
import { APPROXIMATE_KV, type Plan } from '../../../plan.js';
import type { Settings } from '../../../settings/settings.js';
import { argvOf, describeLocation, pathText, type FrontendLocation } from '../object/dgd.js';
import { effectiveEntry, envTruthy, KV_EVENTS_VAR, MODE_VAR } from './env-change.js';
import type { JsonObject } from '../object/json.js';
import { releaseOfFrontend } from '../resolve/frontend-release.js';
import { advertisedModes, commonAdvertisedMode, describeAdvertised } from './worker-modes.js';
import { standaloneRouters, workerSpecs } from '../object/worker-spec.js';
import { kvSettingLimitations, standaloneRouterLimitation } from '../../../releases/kv-settings.js';
import { effectiveArgv } from '../../../pins/frontend-flags.js';
import { decideKvEvents } from './kv-events.js';
import { listsOf } from './env-patch.js';

/** Settings beside the mode that change what kv does (kv-settings.ts), and a standalone router. */
export function kvNotes(object: JsonObject, loc: FrontendLocation, mode: string | undefined): Limitation[] {
  const lists = listsOf(object, loc);
  const env = (name: string): string | undefined => {
    const entry = effectiveEntry(lists, name);
    return entry && entry.valueFrom === undefined ? (entry.value ?? '') : undefined;
  };
  const { command, args } = argvOf(object, loc);
  const notes = kvSettingLimitations(
    { env, argv: effectiveArgv(command, args), replicas: loc.replicas },
    mode,
    `on ${describeLocation(loc)}`,
  );
  const router = standaloneRouterLimitation(standaloneRouters(object, loc.ref));
  return router ? [...notes, router] : notes;
}

/** What the frontend runs now, from its args (which win) or its env. */
export function currentMode(
  object: JsonObject,
  loc: FrontendLocation,
): { mode: string; reason: string; approximate: boolean } {
  const { command, args } = argvOf(object, loc);
  const pinned = pinnedFlags(command, args);
  const lists = listsOf(object, loc);
  const entry = effectiveEntry(lists, MODE_VAR);
  const events = effectiveEntry(lists, KV_EVENTS_VAR);
  const approximate =
    pinned.kvEvents === false ||
    (pinned.kvEvents === undefined &&
      events !== undefined &&
      events.valueFrom === undefined &&
      !envTruthy(events.value));
  if (pinned.mode) {
    return {
      mode: pinned.mode,
      reason: `read from the frontend's command line (\`${pinned.flags.map((f) => f.text).join(' ')}\` in ${pathText(loc.argsPath)}), which wins over env`,
      approximate,
    };
  }
  if (entry?.valueFrom !== undefined)
    return {
      mode: '',
      reason: `${MODE_VAR} on the frontend comes from valueFrom, which this action does not resolve`,
      approximate,
    };
  if (entry)
    return {
      mode: entry.value ?? '',
      reason: `read from ${MODE_VAR}=${entry.value ?? ''} on ${describeLocation(loc)}`,
      approximate,
    };
  return {
    mode: 'round-robin',
    reason: `${MODE_VAR} is not set on ${describeLocation(loc)} and no flag pins the mode: Dynamo's default, round-robin`,
    approximate,
  };
}

/** The mode a frontend routes in now, for a check-only run, and what that rests on. */
export interface RoutedNow {
  mode: string;
  reason: string;
  kvEvents?: Plan['kvEvents'];
  kvEventsReason?: string;
  limitations: Limitation[];
}

/**
 * Check only: the mode the frontend routes in, from its own args or env, or the mode every worker
 * advertises (1.5+), which overrides it; approximate KV and `kv-events: auto` judged from the object.
 */
export function routedNow(settings: Settings, object: JsonObject, loc: FrontendLocation): RoutedNow {
  const now = currentMode(object, loc);
  const workers = workerSpecs(object, loc.ref);
  const release = releaseOfFrontend(object, loc);
  const advertised = advertisedModes(workers, release);
  const common = commonAdvertisedMode(advertised, workers);
  // Every worker advertising one mode (1.5+) is the mode requests are routed in.
  const routed =
    common?.mode && common.mode !== now.mode && advertised.skipped === undefined
      ? {
          mode: common.mode,
          reason: `the workers advertise ${common.mode} in their model cards (${common.line}), which overrides the frontend's own ${now.mode || 'mode'} (${now.reason})`,
        }
      : { mode: now.mode, reason: now.reason };
  const noted = [...describeAdvertised(advertised), ...kvNotes(object, loc, routed.mode)];
  if (routed.mode === 'kv' && now.mode === 'kv' && now.approximate)
    return {
      ...routed,
      kvEvents: 'false',
      kvEventsReason: `the frontend runs approximate KV mode (${KV_EVENTS_VAR} false or --no-router-kv-events)`,
      limitations: [APPROXIMATE_KV, ...noted],
    };
  if (routed.mode === 'kv' && settings.kvEvents === 'auto') {
    const auto = decideKvEvents(workers, release.series);
    return { ...routed, kvEvents: auto.kvEvents, kvEventsReason: auto.reason, limitations: noted };
  }
  return { ...routed, limitations: noted };
}
