// Writing the frontend's router env: the one conflict-safe rewrite (read fresh, compute, merge
// patch with metadata.resourceVersion, read again after a 409), used by the first write, by
// compare-modes' switches (mode-switcher.ts) and by the rollback (rollback.ts); and the run's
// first write itself, refused first under Grove's OnDelete, with its rollout in its own log group.

import { RunFailure } from '../../../model/failure.js';
import type { Plan } from '../../../plan.js';
import type { EnvPatch } from '../../../model/contract.js';
import type { Logger } from '../../../session.js';
import type { Settings } from '../../../settings/settings.js';
import { apiFailure } from '../api/api-failure.js';
import { type KubeApi } from '../api/kube-api.js';
import { revertedNow } from './after-check.js';
import { decideMode, type PlannedChange } from '../decide/mode-decision.js';
import { envPatchFor, listsOf, patchPath } from '../decide/env-patch.js';
import { describeLocation, locateFrontend, type FrontendLocation, type Path } from '../object/dgd.js';
import { computeEnvChange, describeEntries, routerExpectation, type EnvLists } from '../decide/env-change.js';
import type { JsonObject } from '../object/json.js';
import { patchCommand, watchPodsCommand, type Step } from '../kubectl-steps.js';
import type { Frontend } from '../resolve/find-frontend.js';
import { rollOut, type RolloutResult } from '../rollout/watch.js';
import { GROVE_UPDATE_STRATEGY, rollsOnlyOnDelete } from '../rollout/pod-progress.js';
import { conflictSafeUpdate } from './conflict-safe-update.js';

/** What every rewrite of the frontend's env works with. */
export interface EnvWriter {
  api: KubeApi;
  frontend: Frontend;
  /** The frontend's env lists as first read: what a restore puts back. */
  original: EnvLists;
  timeoutMs: number;
  log: (line: string) => void;
}

/** The wanted env lists, computed on lists read fresh from the server. */
export type EnvChangeOf<C> = (fresh: JsonObject, loc: FrontendLocation, before: EnvLists) => C;

export interface Rewritten<C> {
  written: boolean;
  /** Reads (and writes) it took: more than one after 409 conflicts. */
  attempts: number;
  change: C;
  /** The merge patch sent (undefined when nothing needed writing). */
  patch?: JsonObject;
  paths: Path[];
}

/**
 * Rewrites the frontend's router env conflict-safely. `doing` names what an API failure says
 * the run was doing (default: the get or the patch of the object).
 */
export async function rewriteEnv<C extends { lists: EnvLists; changed: boolean }>(
  writer: Pick<EnvWriter, 'api' | 'frontend'>,
  change: EnvChangeOf<C>,
  doing?: string,
): Promise<Rewritten<C>> {
  const { api } = writer;
  const { ref, loc, serviceName } = writer.frontend;
  const failed = (verb: string) => (error: unknown) =>
    Promise.reject(apiFailure(error, doing ?? `${verb} ${describeLocation(loc)}`, api.server));
  const updated = await conflictSafeUpdate<{ change: C; patch?: JsonObject; paths: Path[] }>(
    () => api.getObject(ref).catch(failed('get')),
    (fresh) => {
      const freshLoc = locateFrontend(fresh, ref, serviceName);
      const before = listsOf(fresh, freshLoc);
      const wanted = change(fresh, freshLoc, before);
      if (!wanted.changed) return { result: { change: wanted, paths: [] } };
      const { patch, paths } = envPatchFor(fresh, freshLoc, before, wanted.lists);
      return { patch, result: { change: wanted, patch, paths } };
    },
    // 409 maps to `conflict`, which the update loop retries; anything else ends the run.
    (patch) => api.patchObject(ref, patch).catch(failed('patch')),
    { what: describeLocation(loc) },
  );
  return { written: updated.written, attempts: updated.attempts, ...updated.result };
}

/** A rewrite after the first (a mode switch, the rollback): waits for its rollout, in no log group. */
export async function rewriteAndRollOut<C extends { lists: EnvLists; changed: boolean }>(
  writer: EnvWriter,
  change: EnvChangeOf<C>,
  doing?: string,
): Promise<Rewritten<C>> {
  const rewritten = await rewriteEnv(writer, change, doing);
  if (!rewritten.written) return rewritten;
  writer.log(`Patched ${describeLocation(writer.frontend.loc)}; waiting for the frontend pods to roll …`);
  await rollOut(writer.api, writer.frontend, rewritten.change.lists, {
    timeoutMs: writer.timeoutMs,
    log: writer.log,
  });
  return rewritten;
}

/** Under Grove's OnDelete strategy the env change would never reach the pods: say so before writing. */
async function refuseIfOnDelete(api: KubeApi, frontend: Frontend): Promise<void> {
  const { namespace, selector, ref } = frontend;
  let pods: JsonObject[];
  try {
    pods = (await api.listPods(namespace, selector)).items;
  } catch (error) {
    throw apiFailure(error, `list the frontend pods (${selector})`, api.server);
  }
  if (!rollsOnlyOnDelete(frontend.object, pods)) return;
  const name = `${ref.namespace}/${ref.name}`;
  throw new RunFailure(
    'will-not-roll',
    `DynamoGraphDeployment ${name} runs on Grove with ${GROVE_UPDATE_STRATEGY}: OnDelete, so the operator never replaces a running frontend pod: an env change would not reach the frontend until its pods are deleted. Nothing was written.`,
    `either set \`${GROVE_UPDATE_STRATEGY}: RollingRecreate\` on the DGD, or apply the change and delete the frontend pods yourself: \`kubectl delete pod -n ${namespace} -l ${selector}\` (Grove recreates them with the new env)`,
  );
}

export interface FirstWrite {
  written: boolean;
  /** The env-patch output as written (or found already in place). */
  envPatch: EnvPatch;
  /** The env lists the frontend pods must run once rolled. */
  lists: EnvLists;
  steps: Step[];
}

/** The run's own change: refused under OnDelete, else written (the args judged again on the fresh object). */
export async function applyChange(
  writer: EnvWriter,
  { decision, planned, envPatch }: PlannedChange,
  settings: Settings,
  plan: Plan,
): Promise<FirstWrite> {
  const { ref, loc, namespace, selector } = writer.frontend;
  if (planned.changed && ref.kind === 'dgd') await refuseIfOnDelete(writer.api, writer.frontend);
  const { change, paths, patch, written, attempts } = await rewriteEnv(writer, (fresh, freshLoc, before) => {
    // The args may have changed since the first read: judge them again before writing.
    decideMode(settings, plan, fresh, freshLoc, decision.mode);
    return computeEnvChange(before, decision.envMode, decision.kvWant);
  });
  const steps: Step[] = [];
  if (written && patch) {
    writer.log(
      `Patched ${describeLocation(loc)}: ${describeEntries(change.set)}${change.remove.length ? `; removed ${change.remove.join(', ')}` : ''}${attempts > 1 ? ` (after ${attempts - 1} conflict(s))` : ''}.`,
    );
    steps.push(
      {
        title: "Change the frontend's env (merge patch; the action adds metadata.resourceVersion)",
        command: patchCommand(ref, patch),
      },
      { title: 'Watch the frontend pods roll', command: watchPodsCommand(namespace, selector) },
    );
  } else {
    writer.log(
      `${describeLocation(loc)} already has ${describeEntries(change.set) || 'the wanted settings'}: nothing written; waiting until the frontend pods run it (an apply may still be rolling them).`,
    );
  }
  return {
    written,
    envPatch: {
      ...envPatch,
      changed: change.changed,
      set: change.set,
      remove: change.remove,
      applied: written,
      path: patchPath(paths, loc),
    },
    lists: change.lists,
    steps,
  };
}

/**
 * The first write's rollout, in its own log group. Also when nothing was written: after a
 * `kubectl apply` of a recipe that already carries the mode, the pods may still be rolling, so
 * the check must reach the new ones, not an old pod on its way out.
 */
export function rollOutChange(writer: EnvWriter, lists: EnvLists, log: Logger): Promise<RolloutResult> {
  const { api, frontend } = writer;
  const expected = routerExpectation(lists);
  return log
    .group('Rollout', () =>
      rollOut(api, frontend, lists, {
        timeoutMs: writer.timeoutMs,
        log: writer.log,
        // A GitOps sync that puts the old env back mid-rollout is named as the cause.
        reverted: () => revertedNow(api, frontend, expected),
      }),
    )
    .catch((error: unknown) =>
      Promise.reject(
        error instanceof RunFailure ? error : apiFailure(error, 'watch the frontend pods', api.server),
      ),
    );
}
