// Decide: which mode the frontend runs or will run, and the env change that gets it there. Pure:
// reads the object as given (the first read, a fresh re-read before a write, or a recipe file)
// and the run's settings; never contacts the cluster.

import { shellJoin } from '../../../shell-words.js';
import { RunFailure } from '../../../model/failure.js';
import { judgePinned, pinnedFlags } from '../../../pins/frontend-flags.js';
import { kvEventsDecision, type Plan } from '../../../plan.js';
import { releaseLimitation, type DynamoRelease } from '../../../releases/capabilities.js';
import type { EnvPatch } from '../../../model/contract.js';
import type { Settings } from '../../../settings/settings.js';
import {
  argvOf,
  describeLocation,
  envAt,
  mergePatchFor,
  pathText,
  refuseNewContainer,
  withValueAt,
  type FrontendLocation,
  type Path,
} from '../object/dgd.js';
import {
  computeEnvChange,
  effectiveEntry,
  envTruthy,
  KV_EVENTS_VAR,
  MODE_VAR,
  type EnvChange,
  type EnvLists,
  type KvEventsWant,
} from './env-change.js';
import { gitopsLimitation, ownerLimitation, type GitOpsOwner } from './other-writers.js';
import type { JsonObject } from '../object/json.js';
import { overwrittenWarning, withRouterMark } from './router-env-annotation.js';
import { releaseOfFrontend } from '../resolve/frontend-release.js';
import { routingPins } from '../../../pins/kubernetes-env.js';
import {
  advertisedModes,
  commonAdvertisedMode,
  describeAdvertised,
  refuseWorkerModes,
} from './worker-modes.js';
import { standaloneRouters, workerSpecs } from '../object/worker-spec.js';
import { kvSettingLimitations, standaloneRouterLimitation } from '../../../releases/kv-settings.js';
import { effectiveArgv } from '../../../pins/frontend-flags.js';
import { decideKvEvents } from './kv-events.js';

export const APPROXIMATE_NOTE =
  'Approximate KV mode: the workers publish no KV events, so the router predicts cache contents from its own routing decisions (expiring after --router-ttl-secs, 120 s by default); cache-hit estimates can drift from the workers\u2019 real caches.';

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

/** Settings beside the mode that change what kv does (kv-settings.ts), and a standalone router. */
export function kvNotes(object: JsonObject, loc: FrontendLocation, mode: string | undefined): string[] {
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

export interface ModeDecision {
  mode: string;
  modeReason: string;
  kvEvents: Plan['kvEvents'];
  kvEventsReason: string;
  kvWant: KvEventsWant;
  /** DYN_ROUTER_MODE to write; undefined when the args already pin the wanted mode. */
  envMode?: string;
  limitations: string[];
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

export function decideMode(
  settings: Settings,
  plan: Plan,
  object: JsonObject,
  loc: FrontendLocation,
  mode: string,
): ModeDecision {
  const limitations: string[] = [];
  let kvEvents = plan.kvEvents;
  let kvEventsReason = plan.kvEventsReason;
  const release = releaseOfFrontend(object, loc);
  const workers = workerSpecs(object, loc.ref);
  if (mode === 'kv' && settings.kvEvents === 'auto') {
    const auto = decideKvEvents(workers, release.series);
    kvEvents = auto.kvEvents;
    kvEventsReason = auto.reason;
    if (auto.kvEvents === 'unknown') {
      limitations.push(
        'KV events were not confirmed from the worker specs: if the workers publish none, the kv router routes on load alone; set `kv-events: false` for approximate mode.',
      );
    }
  } else if (settings.kvEvents !== 'auto') {
    const stated = kvEventsDecision(settings, mode as Settings['mode']);
    kvEvents = stated.kvEvents;
    kvEventsReason = stated.kvEventsReason;
  }
  const kvWant: KvEventsWant = mode === 'kv' ? (kvEvents === 'false' ? 'off' : 'on') : 'leave';
  if (kvWant === 'off') limitations.push(APPROXIMATE_NOTE);

  // Env pins and policy files the frontend honours besides its flags (issue 11, item 5).
  const pins = routingPins(object, loc, mode, kvWant === 'off');
  if (pins.failure) throw pins.failure;
  limitations.push(...pins.limitations);

  const { command, args } = argvOf(object, loc);
  const pinned = pinnedFlags(command, args);
  const verdict = judgePinned(pinned, mode, kvWant !== 'off', pathText(loc.argsPath));
  if (!verdict.ok)
    throw new RunFailure(
      'args-pin-mode',
      verdict.message ?? 'The frontend args pin the router mode.',
      verdict.hint,
    );
  limitations.push(...kvNotes(object, loc, mode));
  // Workers that advertise a mode of their own (1.5+) override the frontend for their worker set.
  const advertised = advertisedModes(workers, release);
  // The next command shows every place a worker gets a mode: in the recipe file, else the live object.
  const pattern = ['-e', 'DYN_ROUTER_MODE', '-e', '--router-mode'];
  const show = settings.kubernetes?.recipe
    ? shellJoin(['grep', '-n', ...pattern, settings.kubernetes.recipe])
    : `${shellJoin(['kubectl', 'get', `${loc.ref.plural}.${loc.ref.group}/${loc.ref.name}`, '-n', loc.ref.namespace, '-o', 'yaml'])} | ${shellJoin(['grep', '-n', ...pattern])}`;
  const workersPin = refuseWorkerModes(advertised, [mode, ...(settings.compare?.modes ?? [])], release, show);
  if (workersPin) throw workersPin;
  if (kvWant === 'off' && advertised.advertised.length > 0)
    limitations.push(
      `The workers advertise router mode ${mode} themselves (${advertised.advertised.map((a) => a.line).join('; ')}): a worker's model card replaces the frontend's router settings for its worker set, so the frontend's ${KV_EVENTS_VAR}=false does not reach those workers unless they carry it too.`,
    );
  const eventsPinned =
    pinned.kvEvents !== undefined && (kvWant === 'leave' || (kvWant === 'on') === pinned.kvEvents);
  return {
    mode,
    modeReason: verdict.alreadyPinned
      ? `requested by the \`mode\` input; the frontend's command line already pins --router-mode ${mode}, so DYN_ROUTER_MODE is left alone`
      : `requested by the \`mode\` input; applied as ${MODE_VAR}=${mode} on ${describeLocation(loc)} only`,
    kvEvents,
    kvEventsReason,
    kvWant: eventsPinned ? 'leave' : kvWant,
    envMode: verdict.alreadyPinned ? undefined : mode,
    limitations,
  };
}

/** The frontend as the target reads it: the object, where its frontend sits, and its namespace. */
export interface FrontendObject {
  namespace: string;
  object: JsonObject;
  loc: FrontendLocation;
}

/** What the target reports about the mode, before anything is written. */
export interface Decided {
  mode: string;
  modeReason: string;
  kvEvents?: Plan['kvEvents'];
  kvEventsReason?: string;
  limitations: string[];
  /** With a requested mode: the decision, the change planned on the lists as read, and its report. */
  change?: PlannedChange;
}

export interface PlannedChange {
  decision: ModeDecision;
  planned: EnvChange;
  /** The env-patch output before anything is written (`path` is filled in by the write or dry run). */
  envPatch: EnvPatch;
}

/** The mode a frontend routes in now, for a check-only run, and what that rests on. */
export interface RoutedNow {
  mode: string;
  reason: string;
  kvEvents?: Plan['kvEvents'];
  kvEventsReason?: string;
  limitations: string[];
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
      limitations: [APPROXIMATE_NOTE, ...noted],
    };
  if (routed.mode === 'kv' && settings.kvEvents === 'auto') {
    const auto = decideKvEvents(workers, release.series);
    return { ...routed, kvEvents: auto.kvEvents, kvEventsReason: auto.reason, limitations: noted };
  }
  return { ...routed, limitations: noted };
}

/**
 * The decision for a live object: without a `mode` input the frontend's current mode (check
 * only; approximate KV and `kv-events: auto` judged from the object), else the requested mode
 * and the env change planned on `original`, the frontend's env lists as first read.
 */
export function decide(
  settings: Settings,
  plan: Plan,
  frontend: FrontendObject,
  original: EnvLists,
): Decided {
  const { object, loc, namespace } = frontend;
  if (!settings.mode) {
    const { reason, ...now } = routedNow(settings, object, loc);
    return { ...now, modeReason: `no mode requested: ${reason}; nothing was changed (check only)` };
  }
  const decision = decideMode(settings, plan, object, loc, settings.mode);
  const planned = computeEnvChange(original, decision.envMode, decision.kvWant);
  return {
    mode: decision.mode,
    modeReason: decision.modeReason,
    kvEvents: decision.kvEvents,
    kvEventsReason: decision.kvEventsReason,
    limitations: [...decision.limitations, ...planned.notes],
    change: {
      decision,
      planned,
      envPatch: {
        object: describeLocation(loc),
        namespace,
        path: '',
        set: planned.set,
        remove: planned.remove,
        changed: planned.changed,
        applied: false,
        dryRun: settings.kubernetes?.dryRun ?? false,
      },
    },
  };
}

/**
 * What a live run says before it writes: a release it cannot vouch for, a GitOps controller that
 * will put Git's version back, a change of an earlier run that an apply overwrote. `warnings`
 * (logged as warnings too) are among `limitations`.
 */
export function cautions(
  settings: Settings,
  frontend: FrontendObject & { release: DynamoRelease },
  original: EnvLists,
  gitops: GitOpsOwner | undefined,
): { limitations: string[]; warnings: string[] } {
  const where = describeLocation(frontend.loc);
  const unknownRelease = settings.mode ? releaseLimitation(frontend.release) : undefined;
  const managed = gitops && settings.mode ? gitopsLimitation(gitops, where) : undefined;
  // A DGDR or a Helm release: the change lasts only if it is made there too.
  const owned = settings.mode ? ownerLimitation(frontend.object, where, settings.mode) : undefined;
  const overwritten = overwrittenWarning(frontend.object, original, where);
  const warnings = [managed, owned, overwritten].filter((n): n is string => Boolean(n));
  return { limitations: [unknownRelease, ...warnings].filter((n): n is string => Boolean(n)), warnings };
}
