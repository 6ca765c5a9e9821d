// The path checks and the atomic write every file the action writes in the workspace shares (the
// recipe, the history file). A path comes from the workflow, but the file and any symlink on its
// way may come from a pull request, so:
// - with GITHUB_WORKSPACE set, the file must lie inside the workspace;
// - nothing is ever written through a symlink: no component of the path below the workspace
//   (without a workspace: the file itself) may be one, so the file written is the file named;
// - a write is atomic: a temporary file in the same directory (opened O_EXCL, never an existing
//   file or a planted link), fsync, then a rename over the target, which replaces a directory
//   entry and never follows a link.

import {
  closeSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/** GITHUB_WORKSPACE as given and as its real path: a path may be written under either spelling. */
export interface Workspace {
  real: string;
  spellings: string[];
}

export function workspaceOf(workspace: string | undefined): Workspace | undefined {
  if (!workspace) return undefined;
  const spellings = [path.resolve(workspace)];
  try {
    const real = realpathSync(workspace);
    if (!spellings.includes(real)) spellings.push(real);
    return { real, spellings };
  } catch {
    return { real: spellings[0], spellings };
  }
}

/** A relative path that climbs out (`..` or `../x`), unlike a name that starts with dots (`..x`). */
function escapes(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${path.sep}`);
}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!escapes(rel) && !path.isAbsolute(rel));
}

/** The first symlink among the components of `absolute` that lie strictly below `from`. */
export function symlinkBelow(absolute: string, from: string): string | undefined {
  const rel = path.relative(from, absolute);
  if (escapes(rel) || path.isAbsolute(rel)) return undefined;
  let current = from;
  for (const part of rel.split(path.sep).filter(Boolean)) {
    current = path.join(current, part);
    try {
      if (lstatSync(current).isSymbolicLink()) return current;
    } catch {
      return undefined; // missing from here on: nothing below can be a link yet
    }
  }
  return undefined;
}

/**
 * Where the symlink check of a path to write starts: below the workspace every component counts
 * (the workspace's own location is the runner's); without one, only the file itself (its
 * directories are the person's own typing). Undefined: the path as written is outside the workspace.
 */
export function writeBase(absolute: string, workspace: Workspace | undefined): string | undefined {
  return workspace ? workspace.spellings.find((w) => isInside(absolute, w)) : path.dirname(absolute);
}

/** Why a path may not be written, or undefined when it may (the file itself may be missing). */
export function writeProblem(absolute: string, workspace: Workspace | undefined): string | undefined {
  const base = writeBase(absolute, workspace);
  if (base === undefined)
    return `is ${absolute} as written, outside the workspace ${workspace?.real} (GITHUB_WORKSPACE); the action writes files only inside the workspace`;
  const link = symlinkBelow(absolute, base);
  if (link) return `${link} is a symlink; the action never writes through a symlink`;
  return undefined;
}

/**
 * Replaces (or creates) the file at `real` with `text`, atomically, with permissions `mode`.
 * Throws the file system's error; the caller words it.
 */
export function replaceFileAtomically(real: string, text: string, mode: number): void {
  const dir = path.dirname(real);
  const temp = path.join(dir, `.${path.basename(real)}.${randomBytes(6).toString('hex')}.tmp`);
  // O_EXCL: never opens an existing file (or a link planted at the temporary name).
  const fd = openSync(temp, 'wx', mode);
  try {
    try {
      fchmodSync(fd, mode);
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, real);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed or never created
    }
    throw error;
  }
}
