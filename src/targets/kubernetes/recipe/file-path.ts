// Where the recipe file really is, and the only way the action writes it. A recipe path comes
// from the workflow but the file (and any symlink on its way) may come from a pull request, so:
// - with GITHUB_WORKSPACE set, the real path (symlinks resolved) must lie inside the workspace;
// - `write-recipe` never writes through a symlink: no component of the path below the workspace
//   (without a workspace: the file itself) may be one, so the file rewritten is the file named;
// - writes are atomic (a temporary file in the same directory, renamed over the recipe) and keep
//   the file's mode; rename replaces a directory entry and never follows a link.
// The checks and the write are files/workspace-file.ts's, shared with the history file.

import { lstatSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { RunFailure } from '../../../model/failure.js';
import {
  isInside,
  replaceFileAtomically,
  symlinkBelow,
  workspaceOf,
  writeBase,
} from '../../../files/workspace-file.js';

export interface RecipeFile {
  /** The path as the input gave it (for messages). */
  input: string;
  /** The real path: every symlink resolved. Reads and writes use this. */
  real: string;
  /** The real path of GITHUB_WORKSPACE when set. */
  workspace?: string;
}

export interface RecipePolicy {
  /** GITHUB_WORKSPACE, when the run has one (the action always does). */
  workspace?: string;
  /** `write-recipe: true`: the path must name the file itself, not a link to it. */
  write: boolean;
}

const HINT = 'point `recipe` at a deploy.yaml holding exactly one DynamoGraphDeployment';

function pathFailure(input: string, problem: string, hint: string): RunFailure {
  return new RunFailure('bad-input', `Input \`recipe\` (${input}): ${problem}`, hint);
}

/**
 * Resolves and checks the recipe path before anything is contacted. Relative paths are read
 * from the working directory (the workspace in a workflow step).
 */
export function resolveRecipeFile(input: string, policy: RecipePolicy): RecipeFile {
  const absolute = path.resolve(input);
  const ws = workspaceOf(policy.workspace);
  const workspace = ws?.real;
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw pathFailure(
      input,
      code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`,
      HINT,
    );
  }
  if (workspace && !isInside(real, workspace)) {
    throw pathFailure(
      input,
      `resolves to ${real}, outside the workspace ${workspace} (GITHUB_WORKSPACE); the action reads and writes recipes only inside the workspace`,
      'point `recipe` at a file in the checked-out repository (no `../` or symlink leading out of it)',
    );
  }
  if (policy.write) {
    const base = writeBase(absolute, ws);
    if (base === undefined) {
      throw pathFailure(
        input,
        `is ${absolute} as written, outside the workspace ${workspace} (it leads there only through a symlink); \`write-recipe\` writes only paths inside the workspace`,
        'point `recipe` at the real file inside the checkout, or set `write-recipe: false`',
      );
    }
    const link = symlinkBelow(absolute, base);
    if (link) {
      throw pathFailure(
        input,
        `${link} is a symlink (the file is really ${real}); \`write-recipe\` never writes through a symlink`,
        'point `recipe` at the real file, or set `write-recipe: false`',
      );
    }
  }
  if (!statSync(real).isFile()) throw pathFailure(input, `${real} is not a regular file`, HINT);
  return { input, real, workspace };
}

/**
 * Replaces the file's content atomically, keeping its mode. Refuses when the path has become a
 * symlink since it was checked (the rename would replace the link, not write through it, but the
 * recipe would then no longer be the file the user named).
 */
export function writeRecipeFile(file: RecipeFile, text: string): void {
  try {
    replaceFile(file, text);
  } catch (error) {
    if (error instanceof RunFailure) throw error;
    // A file-system error (read-only checkout, full disk) is about the file, not the cluster.
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw pathFailure(
      file.input,
      `${file.real} could not be written (${code}); nothing was written to it`,
      'check that the runner user may write the checkout',
    );
  }
}

function replaceFile(file: RecipeFile, text: string): void {
  const stat = lstatSync(file.real);
  if (stat.isSymbolicLink() || !stat.isFile()) {
    throw pathFailure(
      file.input,
      `${file.real} changed into ${stat.isSymbolicLink() ? 'a symlink' : 'something other than a file'} during the run; not written`,
      'check what else writes the checkout',
    );
  }
  replaceFileAtomically(file.real, text, stat.mode & 0o7777);
}
