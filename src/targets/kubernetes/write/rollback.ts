// Roll back: with rollback-on-failure, put the frontend's router env (and the recipe file) back
// as they were found, after a failed check or a failure after the write. Comes back as values:
// the env patch with its rollback recorded and what to report, never a change to the session.

import { limitation } from '../../../model/findings.js';
import { RunFailure } from '../../../model/failure.js';
import type { EnvPatch, ReportDetail } from '../../../model/contract.js';
import type { AfterFailure } from '../../../session.js';
import { TargetFailure } from '../../target-failure.js';
import { rewriteAndRollOut, type EnvWriter } from './env-write.js';
import { apiFailure } from '../api/api-failure.js';
import { listsOf } from '../decide/env-patch.js';
import { describeLocation, locateFrontend } from '../object/dgd.js';
import {
  describeEntries,
  effectiveEntry,
  KV_EVENTS_VAR,
  MODE_VAR,
  restoreLists,
  type EnvLists,
} from '../decide/env-change.js';
import type { GitOpsOwner } from '../decide/other-writers.js';
import { patchCommand } from '../kubectl-steps.js';
import type { RecipeTarget } from '../recipe/read.js';
import { writeRecipeFile } from '../recipe/file-path.js';

/** The recipe file as it was before this run wrote the change into it. */
export interface RecipeBefore {
  recipe: RecipeTarget;
  text: string;
}

/** Restores the env the frontend was found with, then the recipe file; never throws for the env. */
export async function rollBack(
  writer: EnvWriter,
  envPatch: EnvPatch,
  recipe?: RecipeBefore,
): Promise<AfterFailure & { envPatch: EnvPatch }> {
  const { api, original, log } = writer;
  const { ref, loc } = writer.frontend;
  const where = describeLocation(loc);
  log(`Check failed: restoring the previous env of ${where} (rollback-on-failure).`);
  let after: AfterFailure & { envPatch: EnvPatch };
  try {
    const restored = await rewriteAndRollOut(
      writer,
      (_fresh, _loc, before) => restoreLists(before, original),
      `restore ${where}`,
    );
    const routerEntries = original.container
      .concat(original.component ?? [])
      .filter((e) => e.name === MODE_VAR || e.name === KV_EVENTS_VAR);
    after = {
      envPatch: { ...envPatch, rolledBack: true },
      details: [
        {
          title: 'Rollback',
          text: `Restored ${describeEntries(routerEntries) || 'the absence of router env entries'} on ${where}.${
            restored.patch ? `\n${patchCommand(ref, restored.patch)}` : ''
          }`,
        },
      ],
      limitations: [
        limitation(
          'rolled-back',
          'The check failed, so the previous router env was restored (rollback-on-failure); the change is reported together with its rollback.',
        ),
      ],
    };
    log('Rollback finished.');
  } catch (error) {
    const failure = error instanceof RunFailure ? error : apiFailure(error, `restore ${where}`, api.server);
    after = {
      envPatch: { ...envPatch, rolledBack: false },
      details: [{ title: 'Rollback failed', text: `${failure.code}: ${failure.message}` }],
      limitations: [
        limitation(
          'rollback-failed',
          `Rollback failed (${failure.code}): the frontend may still run the new mode. ${failure.message}`,
        ),
      ],
    };
    log(`Rollback failed: ${failure.message}`);
  }
  if (recipe) return { ...after, ...restoreRecipe(recipe, after, log) };
  return after;
}

const RECIPE_NOT_RESTORED = 'Recipe not restored';

/**
 * The recipe file put back as it was. A file that cannot be written (a read-only checkout) costs
 * neither the env rollback's record nor the run's own failure: it is reported beside them.
 */
function restoreRecipe(
  { recipe, text }: RecipeBefore,
  after: AfterFailure,
  log: (line: string) => void,
): Pick<AfterFailure, 'details' | 'limitations'> {
  try {
    writeRecipeFile(recipe.file, text);
    log(`Recipe ${recipe.path} restored.`);
    return after;
  } catch (error) {
    const failure = error instanceof RunFailure ? error : new RunFailure('internal', String(error));
    log(`Recipe ${recipe.path} not restored: ${failure.message}`);
    return {
      details: [...after.details, { title: RECIPE_NOT_RESTORED, text: failure.message }],
      limitations: [
        ...after.limitations,
        limitation(
          'recipe-not-restored',
          `The recipe ${recipe.path} could not be restored and still carries this run's change (${failure.message}); revert it before committing.`,
        ),
      ],
    };
  }
}

/**
 * Whether the frontend's router env on the cluster differs from `original` (a write whose answer
 * never arrived may or may not have landed); true when the object cannot be read (assume it did).
 */
export async function routerEnvChanged(
  api: EnvWriter['api'],
  frontend: EnvWriter['frontend'],
  original: EnvLists,
): Promise<boolean> {
  const now = await api.getObject(frontend.ref).catch(() => undefined);
  if (!now) return true;
  const lists = listsOf(now, locateFrontend(now, frontend.ref, frontend.serviceName));
  return [MODE_VAR, KV_EVENTS_VAR].some(
    (name) => effectiveEntry(lists, name)?.value !== effectiveEntry(original, name)?.value,
  );
}

/** What a run that failed after its write had written, and what it may do about it. */
export interface Written {
  envPatch: EnvPatch;
  recipe?: RecipeBefore;
  /** rollback-on-failure. */
  rollBack: boolean;
  gitops?: GitOpsOwner;
}

/**
 * A failure after the env was written (rollout stall, no Ready pod, forward refused) is still
 * a run that changed the object: report the change with the failure, and with
 * rollback-on-failure restore the previous env first, as after a failed check.
 */
export async function failedAfterWrite(
  error: unknown,
  writer: EnvWriter,
  written: Written,
): Promise<TargetFailure> {
  const { api } = writer;
  const { ref, loc, serviceName } = writer.frontend;
  const where = describeLocation(loc);
  const failure =
    error instanceof RunFailure ? error : apiFailure(error, `finish the change of ${where}`, api.server);
  // Superseded: another writer changed the router env since (two pipelines racing). Its
  // change stands (no rollback over it) and the run says so instead of blaming the rollout.
  const patched = written.envPatch;
  const now = await api.getObject(ref).catch(() => undefined);
  if (now) {
    const lists = listsOf(now, locateFrontend(now, ref, serviceName));
    const ours =
      patched.set.every((e) => effectiveEntry(lists, e.name)?.value === e.value) &&
      // A removed entry is gone from the frontend's own lists (the graph layer is not written).
      patched.remove.every((name) => effectiveEntry({ ...lists, graph: undefined }, name) === undefined);
    if (!ours) {
      const theirs = effectiveEntry(lists, MODE_VAR)?.value ?? 'unset';
      const gitops = written.gitops;
      const superseded = new RunFailure(
        'conflict',
        `${failure.message} Another writer changed ${where} meanwhile (${MODE_VAR} is now ${theirs}): this run's change was superseded and is left as the other writer set it.`,
        gitops
          ? `${gitops.controller} manages this object and put Git's version back: commit the change to Git (\`recipe\` with \`write-recipe: true\`) and let ${gitops.controller} sync it`
          : 'run again once the other writer has finished; use a `concurrency` group in the workflow',
        [...failure.details],
      );
      return TargetFailure.of(superseded, { envPatch: patched });
    }
  }
  let note = ` The env change to ${where} stays applied (see the env-patch output).`;
  let envPatch = patched;
  let details: ReportDetail[] = [];
  if (written.rollBack) {
    const after = await rollBack(writer, patched, written.recipe);
    ({ envPatch, details } = after);
    note = envPatch.rolledBack
      ? ' The previous env was restored (rollback-on-failure).'
      : ` Rollback failed, so the change may still be applied: ${details.find((d) => d.title === 'Rollback failed')?.text ?? 'see the log'}.`;
    if (details.some((d) => d.title === RECIPE_NOT_RESTORED))
      note += ` The recipe ${written.recipe?.recipe.path} was not restored and still carries the change.`;
  }
  const reported = failure.amended({
    message: `${failure.message}${note}`,
    details: [...failure.details, ...details],
  });
  return TargetFailure.of(reported, { envPatch });
}
