// write-recipe: the router env change written back into the recipe file, on the frontend's own
// entry (never the graph-level env), only the changed entries' lines rewritten (splice.ts), the
// file replaced atomically (file-path.ts); what the run then says about the file.

import { limitation, type Limitation } from '../../../model/findings.js';
import type { EnvEntry } from '../../../model/contract.js';
import { computeEnvChange, type EnvLists, type KvEventsWant } from '../decide/env-change.js';
import type { ModeDecision } from '../decide/mode-decision.js';
import { dgdRef, envAt, locateDgdFrontend } from '../object/dgd.js';
import { writeRecipeFile } from './file-path.js';
import { loadText, readRecipe, type RecipeTarget } from './read.js';
import { spliceEnvLists, type ListEdit } from './splice.js';

export interface RecipeChange {
  /** The file's text before this run changed it (for the rollback); undefined when unchanged. */
  before?: string;
  limitations: Limitation[];
}

/** write-recipe: the same router env change written into the recipe file (comments kept). */
export function recipeChange(
  recipe: RecipeTarget,
  decision: ModeDecision,
  serviceName: string,
  dryRun: boolean,
  log: (line: string) => void,
): RecipeChange {
  const before = dryRun ? undefined : loadText(recipe.path, recipe.file);
  const edit = writeRecipe(recipe, decision.envMode, decision.kvWant, serviceName);
  if (dryRun) {
    if (!edit.changed) return { limitations: [] };
    log(`Recipe ${recipe.path}: frontend env written (comments kept); the cluster was not touched.`);
    return {
      limitations: [
        limitation(
          'recipe-updated',
          `The recipe ${recipe.path} was updated on disk (dry run: the cluster was not touched); apply or commit it.`,
        ),
      ],
    };
  }
  log(
    edit.changed
      ? `Recipe ${recipe.path}: frontend env updated (only the changed entries rewritten).`
      : `Recipe ${recipe.path} already has the change.`,
  );
  return {
    before: edit.changed ? before : undefined,
    limitations: [
      limitation(
        'recipe-updated',
        edit.changed
          ? `The recipe ${recipe.path} was updated on disk; commit it to keep Git and the cluster in step.`
          : `The recipe ${recipe.path} already had the change.`,
      ),
    ],
  };
}

export interface RecipeEdit {
  changed: boolean;
  set: EnvEntry[];
  remove: string[];
}

/**
 * Applies the router env change to the recipe's frontend entry (never the graph-level env),
 * rewriting only the changed entries' lines, atomically. A plain path is checked as a write
 * without a workspace (the file itself must not be a symlink).
 */
export function writeRecipe(
  recipe: string | RecipeTarget,
  mode: string | undefined,
  kvEvents: KvEventsWant,
  service?: string,
): RecipeEdit {
  const given = typeof recipe === 'string' ? readRecipe(recipe, { write: true }) : recipe;
  // Read again: the file on disk now, not the one read at the start of the run.
  const target = readRecipe(given.path, { workspace: given.file.workspace, write: true });
  const loc = locateDgdFrontend(
    target.object,
    dgdRef(target.namespace ?? 'default', target.name, target.version),
    service,
  );
  const lists: EnvLists = { container: envAt(target.object, loc.containerEnvPath) };
  if (loc.componentEnvPath) lists.component = envAt(target.object, loc.componentEnvPath);
  const change = computeEnvChange(lists, mode, kvEvents);
  if (!change.changed) return { changed: false, set: change.set, remove: change.remove };
  const edits: ListEdit[] = [];
  if (
    loc.componentEnvPath &&
    change.lists.component &&
    JSON.stringify(change.lists.component) !== JSON.stringify(lists.component)
  ) {
    edits.push({ path: loc.componentEnvPath, next: change.lists.component });
  }
  if (JSON.stringify(change.lists.container) !== JSON.stringify(lists.container))
    edits.push({ path: loc.containerEnvPath, next: change.lists.container });
  writeRecipeFile(target.file, spliceEnvLists(target.text, target.docIndex, edits));
  return { changed: true, set: change.set, remove: change.remove };
}
