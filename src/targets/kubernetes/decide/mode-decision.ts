// Decide: which mode the frontend will run and the env change that gets it there, refused when
// something else pins the mode (its flags, env pins, the workers' own mode); and what a live run
// says before it writes. Pure: reads the object as given (the first read, a fresh re-read before
// a write, or a recipe file) and the run's settings; never contacts the cluster.

import { limitation, type Limitation } from '../../../model/findings.js';
import { shellJoin } from '../../../shell-words.js';
import { RunFailure } from '../../../model/failure.js';
import { judgePinned, pinnedFlags } from '../../../pins/frontend-flags.js';
import { APPROXIMATE_KV, kvEventsDecision, type Plan } from '../../../plan.js';
import { releaseLimitation, type DynamoRelease } from '../../../releases/capabilities.js';
import type { EnvPatch } from '../../../model/contract.js';
import type { Settings } from '../../../settings/settings.js';
import { argvOf, describeLocation, pathText, type FrontendLocation } from '../object/dgd.js';
import {
  computeEnvChange,
  KV_EVENTS_VAR,
  MODE_VAR,
  type EnvChange,
  type EnvLists,
  type KvEventsWant,
} from './env-change.js';
import { gitopsLimitation, ownerLimitation, type GitOpsOwner } from './other-writers.js';
import type { JsonObject } from '../object/json.js';
import { overwrittenWarning } from './router-env-annotation.js';
import { releaseOfFrontend } from '../resolve/frontend-release.js';
import { routingPins } from '../../../pins/kubernetes-env.js';
import { advertisedModes, refuseWorkerModes } from './worker-modes.js';
import { workerSpecs } from '../object/worker-spec.js';
import { decideKvEvents } from './kv-events.js';
import { kvNotes, routedNow } from './current-mode.js';

export interface ModeDecision {
  mode: string;
  modeReason: string;
  kvEvents: Plan['kvEvents'];
  kvEventsReason: string;
  kvWant: KvEventsWant;
  /** DYN_ROUTER_MODE to write; undefined when the args already pin the wanted mode. */
  envMode?: string;
  /** `DYN_ROUTER_MODE=kv on <the frontend>`: how the mode is applied; undefined when the args pin it. */
  appliedAs?: string;
  limitations: Limitation[];
}

export function decideMode(
  settings: Settings,
  plan: Plan,
  object: JsonObject,
  loc: FrontendLocation,
  mode: string,
): ModeDecision {
  const limitations: Limitation[] = [];
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
        limitation(
          'kv-events-unconfirmed',
          'KV events were not confirmed from the worker specs: if the workers publish none, the kv router routes on load alone; set `kv-events: false` for approximate mode.',
        ),
      );
    }
  } else if (settings.kvEvents !== 'auto') {
    const stated = kvEventsDecision(settings, mode as Settings['mode']);
    kvEvents = stated.kvEvents;
    kvEventsReason = stated.kvEventsReason;
  }
  const kvWant: KvEventsWant = mode === 'kv' ? (kvEvents === 'false' ? 'off' : 'on') : 'leave';
  if (kvWant === 'off') limitations.push(APPROXIMATE_KV);

  // Env pins and policy files the frontend honours besides its flags (pins/kubernetes-env.ts).
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
      limitation(
        'workers-advertise',
        `The workers advertise router mode ${mode} themselves (${advertised.advertised.map((a) => a.line).join('; ')}): a worker's model card replaces the frontend's router settings for its worker set, so the frontend's ${KV_EVENTS_VAR}=false does not reach those workers unless they carry it too.`,
      ),
    );
  const appliedAs = `${MODE_VAR}=${mode} on ${describeLocation(loc)}`;
  const eventsPinned =
    pinned.kvEvents !== undefined && (kvWant === 'leave' || (kvWant === 'on') === pinned.kvEvents);
  return {
    mode,
    modeReason: verdict.alreadyPinned
      ? `requested by the \`mode\` input; the frontend's command line already pins --router-mode ${mode}, so DYN_ROUTER_MODE is left alone`
      : `requested by the \`mode\` input; applied as ${appliedAs} only`,
    appliedAs: verdict.alreadyPinned ? undefined : appliedAs,
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
  /** Where the mode is set, in words (the spec the run read, or the change it makes). */
  modeSetAt: string;
  kvEvents?: Plan['kvEvents'];
  kvEventsReason?: string;
  limitations: Limitation[];
  /** With a requested mode: the decision, the change planned on the lists as read, and its report. */
  change?: PlannedChange;
}

export interface PlannedChange {
  decision: ModeDecision;
  planned: EnvChange;
  /** The env-patch output before anything is written (`path` is filled in by the write or dry run). */
  envPatch: EnvPatch;
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
    return {
      ...now,
      modeReason: `no mode requested: ${reason}; nothing was changed (check only)`,
      modeSetAt: reason,
    };
  }
  const decision = decideMode(settings, plan, object, loc, settings.mode);
  const planned = computeEnvChange(original, decision.envMode, decision.kvWant);
  return {
    mode: decision.mode,
    modeReason: decision.modeReason,
    modeSetAt: decision.modeReason,
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
): { limitations: Limitation[]; warnings: Limitation[] } {
  const where = describeLocation(frontend.loc);
  const unknownRelease = settings.mode ? releaseLimitation(frontend.release) : undefined;
  const managed = gitops && settings.mode ? gitopsLimitation(gitops, where) : undefined;
  // A DGDR or a Helm release: the change lasts only if it is made there too.
  const owned = settings.mode ? ownerLimitation(frontend.object, where, settings.mode) : undefined;
  const overwritten = overwrittenWarning(frontend.object, original, where);
  const warnings = [managed, owned, overwritten].filter((n): n is Limitation => Boolean(n));
  return {
    limitations: [unknownRelease, ...warnings].filter((n): n is Limitation => Boolean(n)),
    warnings,
  };
}
