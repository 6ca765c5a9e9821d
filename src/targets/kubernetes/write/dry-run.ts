// A dry run: the env patch computed on the object as read and shown (with its kubectl command), the
// mode as the frontend runs it now, and, with write-recipe, the recipe file written (the file is
// the GitOps change itself); nothing is sent to the cluster.

import { limitation, type Limitation } from '../../../model/findings.js';
import type { EnvPatch } from '../../../model/contract.js';
import type { Settings } from '../../../settings/settings.js';
import { currentMode } from '../decide/current-mode.js';
import { envPatchFor, patchPath } from '../decide/env-patch.js';
import { type PlannedChange } from '../decide/mode-decision.js';
import { describeEntries, type EnvLists } from '../decide/env-change.js';
import { patchCommand, type Step } from '../kubectl-steps.js';
import type { RecipeTarget } from '../recipe/read.js';
import { recipeChange } from '../recipe/write.js';
import type { Frontend } from '../resolve/find-frontend.js';

export interface DryRun {
  mode: string;
  modeReason: string;
  modeSetAt: string;
  envPatch: EnvPatch;
  steps: Step[];
  limitations: Limitation[];
}

/** A dry run: the patch computed and shown, the mode as it is, the recipe written if asked; nothing sent. */
/** What a dry run works from: the frontend as read, its env as first read, the change planned on it. */
export interface DryRunInput {
  frontend: Frontend;
  original: EnvLists;
  change: PlannedChange;
  settings: Settings;
  recipe?: RecipeTarget;
  log: (line: string) => void;
}

export function planDryRun(input: DryRunInput): DryRun {
  const { frontend, original, settings, recipe, log } = input;
  const { decision, planned, envPatch } = input.change;
  const { object, loc, ref } = frontend;
  const { patch, paths } = envPatchFor(object, loc, original, planned.lists);
  const now = currentMode(object, loc);
  const steps: Step[] = planned.changed
    ? [{ title: 'The change (dry run: not applied)', command: patchCommand(ref, patch) }]
    : [];
  // The recipe file is the GitOps change itself: write-recipe edits it even in a dry run.
  const edit =
    settings.kubernetes?.writeRecipe && recipe
      ? recipeChange(recipe, decision, frontend.serviceName, true, log)
      : undefined;
  return {
    mode: now.mode,
    modeReason: `dry run: ${now.reason}; the change to ${settings.mode} was computed but not written`,
    modeSetAt: now.reason,
    envPatch: { ...envPatch, path: patchPath(paths, loc) },
    steps,
    limitations: [
      ...(edit?.limitations ?? []),
      limitation(
        'dry-run',
        planned.changed
          ? `Dry run: nothing was written; the check ran against the frontend as it is (${now.mode || 'unknown mode'}). The patch is shown in the details.`
          : `Dry run: the frontend already has ${describeEntries(planned.set) || 'the wanted settings'}; nothing would change.`,
      ),
    ],
  };
}
