// The Kubernetes target as named phases, in the order a person would work, one folder each:
// resolve (api/ for credentials and calls, resolve/ for the frontend and the release refusal),
// decide (decide/, pure), write (write/: one conflict-safe write; recipe/ for the file), roll out
// (rollout/), forward (forward/); roll back comes later, from the session, after a failed check.
// State stays in locals and the session is built once, at the end.

import { RunFailure } from '../../model/failure.js';
import { rescue } from '../../last-resort.js';
import type { Plan } from '../../plan.js';
import type { EnvPatch } from '../../model/contract.js';
import type { TargetDeps, TargetSession } from '../../session.js';
import type { Settings } from '../../settings/settings.js';
import { TargetFailure } from '../target-failure.js';
import { afterCheck } from './write/after-check.js';
import { applyChange, rollOutChange, type EnvWriter } from './write/env-write.js';
import { modeSwitcher } from './write/mode-switcher.js';
import { planDryRun } from './write/dry-run.js';
import { recipeChange } from './recipe/write.js';
import { cautions, decide } from './decide/mode-decision.js';
import { listsOf } from './decide/env-patch.js';
import { workerSpecs } from './object/worker-spec.js';
import { routerExpectation, type EnvLists } from './decide/env-change.js';
import { podLogSource } from './forward/pod-logs.js';
import { openForward } from './forward/port-forward.js';
import { gitopsOwner } from './decide/other-writers.js';
import { curlCommands, getCommand, reproduce, type Step } from './kubectl-steps.js';
import { clusterConfigured } from '../cluster-configured.js';
import { recipePlanSession } from './recipe/plan-from-file.js';
import { readRecipe } from './recipe/read.js';
import { workersTokenizer } from './resolve/frontend-release.js';
import { frontendReplicas } from './forward/replica-forwards.js';
import { connect, findFrontend, type Cluster } from './resolve/find-frontend.js';
import { failedAfterWrite, rollBack, routerEnvChanged, type RecipeBefore } from './write/rollback.js';

export async function openKubernetesTarget(
  settings: Settings,
  plan: Plan,
  deps: TargetDeps,
  /** The cluster to work on (tests pass an in-memory API). */
  connectTo: (deps: TargetDeps) => Promise<Cluster> = connect,
): Promise<TargetSession> {
  const k = settings.kubernetes;
  if (!k) throw new RunFailure('internal', 'Kubernetes target opened without Kubernetes settings.');
  const log = (line: string) => deps.log.info(line);
  // Local problems first: a bad recipe fails before any cluster is contacted.
  // The runner's checkout: recipe paths must stay inside it (a PR controls the files and links there).
  const recipe = k.recipe
    ? readRecipe(k.recipe, { workspace: process.env.GITHUB_WORKSPACE || undefined, write: k.writeRecipe })
    : undefined;
  // A dry run of a recipe without a cluster (a fork's PR): plan from the file, contact nothing.
  if (recipe && k.dryRun && !clusterConfigured()) return recipePlanSession(settings, plan, recipe, log);

  // Resolve; before any write, a mode the frontend's release lacks is refused (it would crash-loop).
  const { creds, api } = await connectTo(deps);
  const modes = [settings.mode, ...(settings.compare?.modes ?? [])];
  const frontend = await findFrontend(api, { k, modes, recipe, contextNamespace: creds.namespace, log });
  const { namespace, serviceName, ref, loc, selector } = frontend;
  const service = `${namespace}/${serviceName}`;
  const original: EnvLists = listsOf(frontend.object, loc);
  // Argo CD / Flux put back what Git says: a change written only to the cluster does not last.
  const gitops = gitopsOwner(frontend.object);
  const noted = cautions(settings, frontend, original, gitops);
  for (const warning of noted.warnings) deps.log.warning(warning.text);
  const limitations = [...noted.limitations];
  const steps: Step[] = [{ title: "Read the frontend's object", command: getCommand(ref) }];
  const writer: EnvWriter = { api, frontend, original, timeoutMs: k.rolloutTimeoutMs, log };
  /** The env change once this run has written it, and the recipe text it replaced. */
  let written: { envPatch: EnvPatch; lists: EnvLists; recipe?: RecipeBefore } | undefined;
  // What an error nothing catches (last-resort.ts) does about the write: what a failure here
  // does. Registered before the write is sent: the error may come while its answer is in flight.
  const rescueWrite = (planned: EnvPatch) => {
    rescue.afterWrite = async (failure) => {
      const now = written;
      if (now) return failedAfterWrite(failure, writer, { ...now, rollBack: k.rollbackOnFailure, gitops });
      if (!(await routerEnvChanged(api, frontend, original)))
        return failure.amended({ message: `${failure.message} No change was written to the cluster.` });
      return failedAfterWrite(failure, writer, { envPatch: planned, rollBack: k.rollbackOnFailure, gitops });
    };
  };

  try {
    // Decide (pure): the mode, and the env change a requested mode needs.
    const decided = decide(settings, plan, frontend, original);
    limitations.push(...decided.limitations);
    const change = decided.change;
    /** What the session reports: a dry run shows the mode as it is, and the patch it would send. */
    let shown: { mode: string; modeReason: string; modeSetAt: string; envPatch?: EnvPatch } = decided;
    if (change && k.dryRun) {
      const dry = planDryRun({ frontend, original, change, settings, recipe, log });
      shown = dry;
      steps.push(...dry.steps);
      limitations.push(...dry.limitations);
    } else if (change) {
      // Apply, then roll out (in the 'Rollout' group), then the same change in the recipe file.
      rescueWrite(change.envPatch);
      const write = await applyChange(writer, change, settings, plan);
      shown = { ...decided, envPatch: write.envPatch };
      steps.push(...write.steps);
      if (write.written) written = write;
      await rollOutChange(writer, write.lists, deps.log);
      if (k.writeRecipe && recipe) {
        const edit = recipeChange(recipe, change.decision, serviceName, false, log);
        if (written && edit.before !== undefined)
          written = { ...written, recipe: { recipe, text: edit.before } };
        limitations.push(...edit.limitations);
      }
    } else if (settings.expectMode && !k.dryRun) {
      // expect-mode writes nothing, but right after a deploy the frontend pods may still be rolling:
      // wait (rollout-timeout) until they run the router env the object has now, then assert.
      await rollOutChange(writer, original, deps.log);
    }

    // Forward: a local port to a Ready frontend pod, or the `base-url` the inputs gave.
    const port = frontend.servicePort;
    const forward = await openForward(
      api,
      creds.kc,
      { namespace, service: serviceName, selector, port },
      settings.baseUrl,
      deps.log,
    );
    limitations.push(...forward.limitations);
    // Each Ready frontend pod on its own, from the pods the forward just listed (after the rollout).
    const replicated = frontendReplicas({
      api,
      kc: creds.kc,
      target: { namespace, service: serviceName, selector, port },
      listed: forward.listed,
      containerName: loc.containerName,
      log,
    });
    limitations.push(...replicated.limitations);
    steps.push(...forward.steps, {
      title: 'Check it',
      command: curlCommands(settings.baseUrl ?? 'http://127.0.0.1:8000', settings.model).join('\n'),
    });

    const wrote = written;
    return {
      baseUrl: forward.baseUrl,
      service,
      mode: shown.mode,
      modeReason: shown.modeReason,
      modeSetAt: shown.modeSetAt,
      kvEvents: decided.kvEvents,
      kvEventsReason: decided.kvEventsReason,
      envPatch: shown.envPatch,
      limitations,
      details: [{ title: 'Reproduce with kubectl', text: reproduce(steps) }],
      namespace,
      frontendSelector: selector,
      workerSelector: frontend.workerSelector,
      release: frontend.release,
      modelPath: workersTokenizer(workerSpecs(frontend.object, ref), settings.model),
      logs: podLogSource(api, namespace, selector, loc.containerName),
      replicaLogs: (pod) => podLogSource(api, namespace, selector, loc.containerName, pod),
      replicas: replicated.replicas.length ? replicated.replicas : undefined,
      switcher: k.dryRun ? undefined : modeSwitcher(writer, settings, plan, forward.baseUrl),
      afterCheck: wrote
        ? afterCheck(api, frontend, routerExpectation(wrote.lists), gitops, (l) => deps.log.warning(l))
        : undefined,
      onCheckFailed:
        wrote && k.rollbackOnFailure ? () => rollBack(writer, wrote.envPatch, wrote.recipe) : undefined,
      close: forward.close,
    };
  } catch (error) {
    rescue.afterWrite = undefined; // handled here
    const failed = written
      ? await failedAfterWrite(error, writer, { ...written, rollBack: k.rollbackOnFailure, gitops })
      : error;
    // The report names the Service and points its next command at these pods, not at a URL.
    throw TargetFailure.of(failed, { where: { namespace, frontendSelector: selector, service } });
  }
}
