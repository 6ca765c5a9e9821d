// The Kubernetes target, in the order a person would work: find the frontend, decide the env
// change, write it conflict-safely, wait for the rollout, forward a port, hand over for the check.

import { readFileSync } from 'node:fs';
import { RunFailure } from '../../failures.js';
import { kvEventsDecision, type Plan } from '../../plan.js';
import type { EnvPatch, ReportDetail } from '../../report/contract.js';
import type { TargetDeps, TargetSession } from '../../session.js';
import type { Settings } from '../../settings.js';
import { apiFailure, kubeApi, loadCredentials, maskSecrets, type KubeApi } from './cluster.js';
import {
  argvOf,
  describeLocation,
  envAt,
  locateFrontend,
  mergePatchFor,
  pathText,
  refuseNewContainer,
  withValueAt,
  workerSpecs,
  type FrontendLocation,
  type Path,
} from './dgd.js';
import {
  computeEnvChange,
  describeEntries,
  effectiveEntry,
  envTruthy,
  KV_EVENTS_VAR,
  MODE_VAR,
  restoreLists,
  routerExpectation,
  type EnvLists,
  type KvEventsWant,
} from './env-change.js';
import { startForward, type Forward } from './forward.js';
import type { JsonObject } from './json.js';
import { curlCommands, getCommand, patchCommand, portForwardCommand, watchPodsCommand } from './kubectl.js';
import { judgePinned, pinnedFlags } from '../../pinned-args.js';
import { refuseUnsupported, releaseOfFrontend, workersTokenizer } from './release.js';
import { routingPins } from './routing-pins.js';
import { releaseLimitation } from '../../releases/capabilities.js';
import { readRecipe, writeRecipe } from './recipe.js';
import { writeRecipeFile } from './recipe-file.js';
import { resolveNamespace, resolveTarget, type ResolvedTarget } from './resolve.js';
import { waitForRollout } from './rollout-wait.js';
import { GROVE_UPDATE_STRATEGY, rollsOnlyOnDelete } from './rollout.js';
import { frontendServicePort, selectorOf, serviceSelector } from './service-port.js';
import { conflictSafeUpdate } from './write.js';
import { kubernetesSwitcher, podLogSource } from './evidence.js';
import { decideKvEvents } from './workers.js';
import { clusterConfigured, recipePlanSession } from './offline.js';
import { overwrittenWarning, withRouterMark } from './marker.js';
import { describeRevert, gitopsLimitation, gitopsOwner, revertedBy } from './gitops.js';
import type { RouterExpectation } from './env-change.js';

const APPROXIMATE_NOTE =
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
  // The mark lets a later run see that an apply overwrote this change (marker.ts).
  return { patch: withRouterMark(mergePatchFor(changed, paths, metadataVersion(fresh)), after), paths };
}

function withList(object: JsonObject, path: Path, list: unknown[]): JsonObject {
  refuseNewContainer(object, path);
  return withValueAt(object, path, list);
}

function metadataVersion(object: JsonObject): string | undefined {
  const meta = object.metadata as JsonObject | undefined;
  return typeof meta?.resourceVersion === 'string' ? meta.resourceVersion : undefined;
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
  if (mode === 'kv' && settings.kvEvents === 'auto') {
    const auto = decideKvEvents(workerSpecs(object, loc.ref));
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

/** Under Grove's OnDelete strategy the env change would never reach the pods: say so before writing. */
async function refuseIfOnDelete(api: KubeApi, target: ResolvedTarget, selector: string): Promise<void> {
  let pods: JsonObject[];
  try {
    pods = (await api.listPods(target.namespace, selector)).items;
  } catch (error) {
    throw apiFailure(error, `list the frontend pods (${selector})`, api.server);
  }
  if (!rollsOnlyOnDelete(target.object, pods)) return;
  const name = `${target.ref.namespace}/${target.ref.name}`;
  throw new RunFailure(
    'will-not-roll',
    `DynamoGraphDeployment ${name} runs on Grove with ${GROVE_UPDATE_STRATEGY}: OnDelete, so the operator never replaces a running frontend pod: an env change would not reach the frontend until its pods are deleted. Nothing was written.`,
    `either set \`${GROVE_UPDATE_STRATEGY}: RollingRecreate\` on the DGD, or apply the change and delete the frontend pods yourself: \`kubectl delete pod -n ${target.namespace} -l ${selector}\` (Grove recreates them with the new env)`,
  );
}

export async function openKubernetesTarget(
  settings: Settings,
  plan: Plan,
  deps: TargetDeps,
): Promise<TargetSession> {
  const k = settings.kubernetes;
  if (!k) throw new RunFailure('internal', 'Kubernetes target opened without Kubernetes settings.');
  const log = (line: string) => deps.log.info(line);
  // The rollout and the port-forward each fold into a log group of their own.
  const grouped =
    <A extends unknown[], R>(title: string, step: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      deps.log.group(title, () => step(...args));
  // Local problems first: a bad recipe fails before any cluster is contacted.
  // The runner's checkout: recipe paths must stay inside it (a PR controls the files and links there).
  const recipe = k.recipe
    ? readRecipe(k.recipe, { workspace: process.env.GITHUB_WORKSPACE || undefined, write: k.writeRecipe })
    : undefined;
  // A dry run of a recipe without a cluster (a fork's PR): plan from the file, contact nothing.
  if (recipe && k.dryRun && !clusterConfigured())
    return recipePlanSession(settings, plan, recipe, log, { currentMode, decideMode, listsOf });
  const creds = loadCredentials();
  await maskSecrets(creds, deps.mask ?? (() => undefined));
  log(`Kubernetes: context ${creds.context} from ${creds.source}, API server ${creds.server}.`);
  const api = kubeApi(creds);
  const namespace = resolveNamespace(k, recipe, creds.namespace);
  const target = await resolveTarget(api, namespace, k, recipe);
  const { ref, loc, serviceName, service } = target;
  log(
    `Frontend: ${describeLocation(loc)}; Service ${namespace}/${serviceName}.${target.versionReason ? ` API version ${ref.version} (${target.versionReason}).` : ''}`,
  );
  // Before any write: a mode the frontend's release lacks would crash-loop the rollout.
  const release = releaseOfFrontend(target.object, loc);
  refuseUnsupported(release, [settings.mode, ...(settings.compare?.modes ?? [])]);

  const selector = serviceSelector(service) || selectorOf(loc.podLabels);
  const workerSelector =
    ref.kind === 'dgd'
      ? `nvidia.com/dynamo-graph-deployment-name=${ref.name},nvidia.com/dynamo-component-type!=frontend`
      : undefined;
  const servicePort = frontendServicePort(service);
  const steps: string[] = [`# 1. Read the frontend's object\n${getCommand(ref)}`];
  const details: ReportDetail[] = [];
  const limitations: string[] = [];
  const session: TargetSession = {
    baseUrl: '',
    service: `${namespace}/${serviceName}`,
    limitations,
    details,
    namespace,
    frontendSelector: selector,
    workerSelector,
    release,
    modelPath: workersTokenizer(workerSpecs(target.object, ref), settings.model),
    close: async () => undefined,
  };
  const unknownNote = settings.mode ? releaseLimitation(release) : undefined;
  if (unknownNote) limitations.push(unknownNote);
  // Argo CD / Flux put back what Git says: a change written only to the cluster does not last.
  const gitops = gitopsOwner(target.object);
  if (gitops && settings.mode) {
    const note = gitopsLimitation(gitops, describeLocation(loc));
    limitations.push(note);
    deps.log.warning(note);
  }
  /** What the object must still give once written (undefined: nothing written). */
  let expectedAfter: RouterExpectation | undefined;
  /** Who took the written router entries off the object, when they are gone. */
  const revertedNow = async (expected: RouterExpectation): Promise<string | undefined> => {
    const now = await api.getObject(ref);
    const gone = revertedBy(now, listsOf(now, locateFrontend(now, ref, serviceName)), expected);
    return gone ? describeRevert(gone) : undefined;
  };

  /** Waits until the frontend pods behind the Service run `lists` and the old ones are gone. */
  const rolledOut = (lists: EnvLists): Promise<unknown> =>
    grouped('Rollout', waitForRollout)(
      api,
      {
        namespace,
        selector,
        containerName: loc.containerName,
        expected: routerExpectation(lists),
        // A GitOps sync that puts the old env back mid-rollout is named as the cause.
        reverted: () => revertedNow(routerExpectation(lists)),
        replicas: loc.replicas,
        controller: ref.kind === 'dgd' ? 'the Dynamo operator' : 'the Deployment controller',
        watchCommand: watchPodsCommand(namespace, selector),
      },
      { timeoutMs: k.rolloutTimeoutMs, log },
    ).catch((error: unknown) =>
      Promise.reject(
        error instanceof RunFailure ? error : apiFailure(error, 'watch the frontend pods', api.server),
      ),
    );

  const original = listsOf(target.object, loc);
  const overwritten = overwrittenWarning(target.object, original, describeLocation(loc));
  if (overwritten) {
    deps.log.warning(overwritten);
    limitations.push(overwritten);
  }
  let written = false;
  let recipeBefore: string | undefined;

  try {
    if (!settings.mode) {
      const now = currentMode(target.object, loc);
      session.mode = now.mode;
      session.modeReason = `no mode requested: ${now.reason}; nothing was changed (check only)`;
      if (now.mode === 'kv' && now.approximate) {
        session.kvEvents = 'false';
        session.kvEventsReason = `the frontend runs approximate KV mode (${KV_EVENTS_VAR} false or --no-router-kv-events)`;
        limitations.push(APPROXIMATE_NOTE);
      } else if (now.mode === 'kv' && settings.kvEvents === 'auto') {
        const auto = decideKvEvents(workerSpecs(target.object, ref));
        session.kvEvents = auto.kvEvents;
        session.kvEventsReason = auto.reason;
      }
    } else {
      const decision = decideMode(settings, plan, target.object, loc, settings.mode);
      session.mode = decision.mode;
      session.modeReason = decision.modeReason;
      session.kvEvents = decision.kvEvents;
      session.kvEventsReason = decision.kvEventsReason;
      limitations.push(...decision.limitations);
      const planned = computeEnvChange(original, decision.envMode, decision.kvWant);
      limitations.push(...planned.notes);
      const envPatch: EnvPatch = {
        object: describeLocation(loc),
        namespace,
        path: '',
        set: planned.set,
        remove: planned.remove,
        changed: planned.changed,
        applied: false,
        dryRun: k.dryRun,
      };
      session.envPatch = envPatch;

      if (k.dryRun) {
        const { patch, paths } = envPatchFor(target.object, loc, original, planned.lists);
        envPatch.path =
          paths.map(pathText).join(' and ') || pathText(loc.componentEnvPath ?? loc.containerEnvPath);
        const now = currentMode(target.object, loc);
        session.mode = now.mode;
        session.modeReason = `dry run: ${now.reason}; the change to ${settings.mode} was computed but not written`;
        if (planned.changed)
          steps.push(`# 2. The change (dry run: not applied)\n${patchCommand(ref, patch)}`);
        // The recipe file is the GitOps change itself: write-recipe edits it even in a dry run.
        if (k.writeRecipe && k.recipe) {
          const edit = writeRecipe(recipe ?? k.recipe, decision.envMode, decision.kvWant, serviceName);
          if (edit.changed) {
            log(`Recipe ${k.recipe}: frontend env written (comments kept); the cluster was not touched.`);
            limitations.push(
              `The recipe ${k.recipe} was updated on disk (dry run: the cluster was not touched); apply or commit it.`,
            );
          }
        }
        limitations.push(
          planned.changed
            ? `Dry run: nothing was written; the check ran against the frontend as it is (${now.mode || 'unknown mode'}). The patch is shown in the details.`
            : `Dry run: the frontend already has ${describeEntries(planned.set) || 'the wanted settings'}; nothing would change.`,
        );
      } else {
        const wanted = decision;
        if (planned.changed && ref.kind === 'dgd') await refuseIfOnDelete(api, target, selector);
        const updated = await conflictSafeUpdate(
          () =>
            api
              .getObject(ref)
              .catch((error: unknown) =>
                Promise.reject(apiFailure(error, `get ${describeLocation(loc)}`, api.server)),
              ),
          (fresh) => {
            const freshLoc = locateFrontend(fresh, ref, serviceName);
            // The args may have changed since the first read: judge them again before writing.
            decideMode(settings, plan, fresh, freshLoc, wanted.mode);
            const before = listsOf(fresh, freshLoc);
            const change = computeEnvChange(before, wanted.envMode, wanted.kvWant);
            if (!change.changed)
              return {
                result: {
                  change,
                  paths: [] as Path[],
                  patch: undefined as JsonObject | undefined,
                  loc: freshLoc,
                },
              };
            const { patch, paths } = envPatchFor(fresh, freshLoc, before, change.lists);
            return { patch, result: { change, paths, patch, loc: freshLoc } };
          },
          // 409 maps to `conflict`, which the update loop retries; anything else ends the run.
          (patch) =>
            api
              .patchObject(ref, patch)
              .catch((error: unknown) =>
                Promise.reject(apiFailure(error, `patch ${describeLocation(loc)}`, api.server)),
              ),
          { what: describeLocation(loc) },
        );
        const { change, paths, patch } = updated.result;
        written = updated.written;
        envPatch.changed = change.changed;
        envPatch.set = change.set;
        envPatch.remove = change.remove;
        envPatch.applied = written;
        envPatch.path =
          paths.map(pathText).join(' and ') || pathText(loc.componentEnvPath ?? loc.containerEnvPath);
        if (written && patch) {
          log(
            `Patched ${describeLocation(loc)}: ${describeEntries(change.set)}${change.remove.length ? `; removed ${change.remove.join(', ')}` : ''}${updated.attempts > 1 ? ` (after ${updated.attempts - 1} conflict(s))` : ''}.`,
          );
          steps.push(
            `# 2. Change the frontend's env (merge patch; the action adds metadata.resourceVersion)\n${patchCommand(ref, patch)}`,
          );
          steps.push(`# 3. Watch the frontend pods roll\n${watchPodsCommand(namespace, selector)}`);
          expectedAfter = routerExpectation(change.lists);
          await rolledOut(change.lists);
        } else {
          log(
            `${describeLocation(loc)} already has ${describeEntries(change.set) || 'the wanted settings'}: nothing written; waiting until the frontend pods run it (an apply may still be rolling them).`,
          );
          // After a `kubectl apply` of a recipe that already carries the mode, the pods may still be
          // rolling: check the new ones, not an old pod on its way out.
          await rolledOut(change.lists);
        }
        if (k.writeRecipe && recipe) {
          recipeBefore = readFileSync(recipe.file.real, 'utf8');
          const edit = writeRecipe(recipe, wanted.envMode, wanted.kvWant, serviceName);
          if (!edit.changed) recipeBefore = undefined;
          log(
            edit.changed
              ? `Recipe ${k.recipe}: frontend env updated (only the changed entries rewritten).`
              : `Recipe ${k.recipe} already has the change.`,
          );
          limitations.push(
            edit.changed
              ? `The recipe ${k.recipe} was updated on disk; commit it to keep Git and the cluster in step.`
              : `The recipe ${k.recipe} already had the change.`,
          );
        }
      }
    }

    let forward: Forward | undefined;
    if (settings.baseUrl) {
      session.baseUrl = settings.baseUrl;
      limitations.push(
        `The check used ${settings.baseUrl} (base-url) instead of a port-forward; it reaches whatever that URL routes to.`,
      );
    } else {
      try {
        forward = await grouped('Port-forward', startForward)(
          api,
          creds.kc,
          { namespace, service: serviceName, selector, port: servicePort },
          log,
        );
      } catch (error) {
        throw error instanceof RunFailure
          ? error
          : apiFailure(error, `find a Ready pod behind Service ${namespace}/${serviceName}`, api.server);
      }
      session.baseUrl = forward.url;
      steps.push(
        `# ${steps.length + 1}. Forward a local port to the frontend\n${portForwardCommand(namespace, serviceName, servicePort.port)}`,
      );
    }
    const checkUrl = settings.baseUrl ?? 'http://127.0.0.1:8000';
    steps.push(`# ${steps.length + 1}. Check it\n${curlCommands(checkUrl, settings.model).join('\n')}`);
    details.push({ title: 'Reproduce with kubectl', text: steps.join('\n\n') });

    session.close = async () => {
      await forward?.close().catch(() => undefined);
    };
    session.logs = podLogSource(api, namespace, selector, loc.containerName);
    if (!k.dryRun) {
      const rewrite = (
        change: (
          fresh: JsonObject,
          freshLoc: FrontendLocation,
          before: EnvLists,
        ) => { lists: EnvLists; changed: boolean },
      ) => rewriteRouterEnv(api, target, serviceName, selector, change, k.rolloutTimeoutMs, log);
      const setMode = async (mode: string): Promise<void> => {
        await rewrite((fresh, freshLoc, before) => {
          const decision = decideMode(settings, plan, fresh, freshLoc, mode);
          return computeEnvChange(before, decision.envMode, decision.kvWant);
        });
      };
      session.switcher = kubernetesSwitcher(
        () => session.baseUrl,
        setMode,
        // Leave the frontend as the inputs asked: the requested mode, or exactly as it was found.
        async () => {
          if (settings.mode) await setMode(settings.mode);
          else await rewrite((_fresh, _loc, before) => restoreLists(before, original));
        },
      );
    }
    if (written && expectedAfter) {
      const expected = expectedAfter;
      session.afterCheck = async () => {
        let gone: string | undefined;
        try {
          gone = await revertedNow(expected);
        } catch (error) {
          const failure = apiFailure(error, `re-read ${describeLocation(loc)}`, api.server);
          return [
            `The object was not re-read after the check (${failure.message}), so whether the change lasted is unknown.`,
          ];
        }
        if (!gone) return [];
        const note = `The router env this run set on ${describeLocation(loc)} is gone: ${gone}. The check passed against the frontend before that; the frontend rolls back to the previous mode.${gitops ? ` ${gitops.controller} restores what Git says: commit the change to Git (\`recipe\` with \`write-recipe: true\`).` : ''}`;
        deps.log.warning(note);
        return [note];
      };
    }
    if (k.rollbackOnFailure && written) {
      session.onCheckFailed = async () => {
        await rollBack(api, target, serviceName, selector, original, k.rolloutTimeoutMs, session, log);
        if (recipeBefore !== undefined && recipe) {
          writeRecipeFile(recipe.file, recipeBefore);
          log(`Recipe ${k.recipe} restored.`);
        }
      };
    }
    return session;
  } catch (error) {
    const reported = await failedAfterWrite(error);
    // The report names the Service and points its next command at these pods, not at a URL.
    if (reported instanceof Error)
      Object.assign(reported, { where: { namespace, frontendSelector: selector, service: session.service } });
    throw reported;
  }

  /**
   * A failure after the env was written (rollout stall, no Ready pod, forward refused) is still
   * a run that changed the object: report the change with the failure, and with
   * rollback-on-failure restore the previous env first, as after a failed check.
   */
  async function failedAfterWrite(error: unknown): Promise<unknown> {
    if (!written || !session.envPatch) return error;
    const failure =
      error instanceof RunFailure
        ? error
        : apiFailure(error, `finish the change of ${describeLocation(loc)}`, api.server);
    // Superseded: another writer changed the router env since (two pipelines racing). Its
    // change stands (no rollback over it) and the run says so instead of blaming the rollout.
    const patched = session.envPatch;
    const now = await api.getObject(ref).catch(() => undefined);
    if (now) {
      const lists = listsOf(now, locateFrontend(now, ref, serviceName));
      const ours =
        patched.set.every((e) => effectiveEntry(lists, e.name)?.value === e.value) &&
        // A removed entry is gone from the frontend's own lists (the graph layer is not written).
        patched.remove.every((name) => effectiveEntry({ ...lists, graph: undefined }, name) === undefined);
      if (!ours) {
        const theirs = effectiveEntry(lists, MODE_VAR)?.value ?? 'unset';
        return Object.assign(
          new RunFailure(
            'conflict',
            `${failure.message} Another writer changed ${describeLocation(loc)} meanwhile (${MODE_VAR} is now ${theirs}): this run's change was superseded and is left as the other writer set it.`,
            gitops
              ? `${gitops.controller} manages this object and put Git's version back: commit the change to Git (\`recipe\` with \`write-recipe: true\`) and let ${gitops.controller} sync it`
              : 'run again once the other writer has finished; use a `concurrency` group in the workflow',
            [...failure.details, ...session.details],
          ),
          { envPatch: patched },
        );
      }
    }
    let note = ` The env change to ${describeLocation(loc)} stays applied (see the env-patch output).`;
    if (k?.rollbackOnFailure) {
      await rollBack(api, target, serviceName, selector, original, k.rolloutTimeoutMs, session, log);
      if (recipeBefore !== undefined && recipe) {
        writeRecipeFile(recipe.file, recipeBefore);
        log(`Recipe ${k.recipe} restored.`);
      }
      note = session.envPatch.rolledBack
        ? ' The previous env was restored (rollback-on-failure).'
        : ` Rollback failed, so the change may still be applied: ${session.details.find((d) => d.title === 'Rollback failed')?.text ?? 'see the log'}.`;
    }
    const reported = new RunFailure(failure.code, `${failure.message}${note}`, failure.hint, [
      ...failure.details,
      ...session.details,
    ]);
    return Object.assign(reported, { envPatch: session.envPatch });
  }
}

/** Rewrites the frontend's router env with a conflict-safe write and waits for the rollout. */
async function rewriteRouterEnv(
  api: KubeApi,
  target: ResolvedTarget,
  serviceName: string,
  selector: string,
  change: (
    fresh: JsonObject,
    loc: FrontendLocation,
    before: EnvLists,
  ) => { lists: EnvLists; changed: boolean },
  timeoutMs: number,
  log: (line: string) => void,
  /** What an API failure says the run was doing (default: the get or the patch). */
  doing?: string,
): Promise<{ written: boolean; patch?: JsonObject }> {
  const { ref, loc, namespace } = target;
  const updated = await conflictSafeUpdate(
    () =>
      api
        .getObject(ref)
        .catch((error: unknown) =>
          Promise.reject(apiFailure(error, doing ?? `get ${describeLocation(loc)}`, api.server)),
        ),
    (fresh) => {
      const freshLoc = locateFrontend(fresh, ref, serviceName);
      const before = listsOf(fresh, freshLoc);
      const wanted = change(fresh, freshLoc, before);
      if (!wanted.changed)
        return { result: { lists: wanted.lists, patch: undefined as JsonObject | undefined } };
      const { patch } = envPatchFor(fresh, freshLoc, before, wanted.lists);
      return { patch, result: { lists: wanted.lists, patch } };
    },
    (patch) =>
      api
        .patchObject(ref, patch)
        .catch((error: unknown) =>
          Promise.reject(apiFailure(error, doing ?? `patch ${describeLocation(loc)}`, api.server)),
        ),
    { what: describeLocation(loc) },
  );
  if (!updated.written) return { written: false };
  log(`Patched ${describeLocation(loc)}; waiting for the frontend pods to roll …`);
  await waitForRollout(
    api,
    {
      namespace,
      selector,
      containerName: loc.containerName,
      expected: routerExpectation(updated.result.lists),
      replicas: loc.replicas,
      controller: ref.kind === 'dgd' ? 'the Dynamo operator' : 'the Deployment controller',
      watchCommand: watchPodsCommand(namespace, selector),
    },
    { timeoutMs, log },
  );
  return { written: true, patch: updated.result.patch };
}

async function rollBack(
  api: KubeApi,
  target: ResolvedTarget,
  serviceName: string,
  selector: string,
  original: EnvLists,
  timeoutMs: number,
  session: TargetSession,
  log: (line: string) => void,
): Promise<void> {
  const { ref, loc } = target;
  log(`Check failed: restoring the previous env of ${describeLocation(loc)} (rollback-on-failure).`);
  try {
    const restored = await rewriteRouterEnv(
      api,
      target,
      serviceName,
      selector,
      (_fresh, _loc, before) => restoreLists(before, original),
      timeoutMs,
      log,
      `restore ${describeLocation(loc)}`,
    );
    if (session.envPatch) session.envPatch.rolledBack = true;
    session.details.push({
      title: 'Rollback',
      text: `Restored ${describeEntries(original.container.concat(original.component ?? []).filter((e) => e.name === MODE_VAR || e.name === KV_EVENTS_VAR)) || 'the absence of router env entries'} on ${describeLocation(loc)}.${
        restored.patch ? `\n${patchCommand(ref, restored.patch)}` : ''
      }`,
    });
    session.limitations.push(
      'The check failed, so the previous router env was restored (rollback-on-failure); the change is reported together with its rollback.',
    );
    log('Rollback finished.');
  } catch (error) {
    const failure =
      error instanceof RunFailure ? error : apiFailure(error, `restore ${describeLocation(loc)}`, api.server);
    if (session.envPatch) session.envPatch.rolledBack = false;
    session.details.push({ title: 'Rollback failed', text: `${failure.code}: ${failure.message}` });
    session.limitations.push(
      `Rollback failed (${failure.code}): the frontend may still run the new mode. ${failure.message}`,
    );
    log(`Rollback failed: ${failure.message}`);
  }
}
