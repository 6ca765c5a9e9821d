// The history file on disk: where it may be (the recipe's rules, files/workspace-file.ts), how
// it is read (bounded, line by line, skipping what is not a record) and how a run's record is
// added (the whole file rewritten atomically, capped, oldest lines dropped first).
//
// Lines that are not records of this action (a line cut short, another tool's JSON, a newer
// schema) are skipped with a warning and kept in the file as they are: the action never
// deletes what it cannot read, except the oldest lines when the file is over its cap.

import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { RunFailure } from '../model/failure.js';
import { replaceFileAtomically, workspaceOf, writeProblem, type Workspace } from '../files/workspace-file.js';
import { readLine, type HistoryRecord } from './record.js';

/** The file keeps at most this many lines; the oldest go first. */
export const HISTORY_MAX_LINES = 1000;
/** … and at most this many bytes (a record is 1–8 KiB; 1000 typical records fit well inside). */
export const HISTORY_MAX_BYTES = 4 * 1024 * 1024;
/** The most read of the file: a larger one is read from its last 8 MiB (the older lines are dropped at the next write). */
export const HISTORY_READ_MAX_BYTES = 8 * 1024 * 1024;
/** A line longer than this is skipped (and kept): no record of ours comes near it. */
export const HISTORY_LINE_MAX_BYTES = 64 * 1024;

export interface HistoryFile {
  /** The path as the input gave it (for messages). */
  input: string;
  /** The absolute path written (no symlink on the way below the workspace). */
  absolute: string;
  workspace?: Workspace;
}

export interface SkippedLine {
  /** 1-based, in the file as read. */
  line: number;
  why: string;
}

export interface HistoryRead {
  file: HistoryFile;
  /** Every non-blank line as read, verbatim (records and skipped lines alike), oldest first. */
  lines: string[];
  /** The records, oldest first, with their index in `lines`. */
  records: { index: number; record: HistoryRecord }[];
  skipped: SkippedLine[];
  /** The file was over the read cap: this many bytes at its start were not read. */
  unreadBytes: number;
  /** The file did not exist yet. */
  created: boolean;
  /** Permissions to keep when the file is rewritten. */
  mode: number;
}

function pathFailure(input: string, problem: string, hint: string): RunFailure {
  return new RunFailure('bad-input', `Input \`history\` (${input}): ${problem}`, hint);
}

const HINT =
  'point `history` at a file (or a new file name) inside the checked-out workspace, e.g. `.router-history/canary.jsonl`';

/** Checks the path before anything is contacted: inside the workspace, no symlink on the way. */
export function historyFile(input: string, workspaceEnv: string | undefined): HistoryFile {
  const absolute = path.resolve(input);
  const workspace = workspaceOf(workspaceEnv);
  const problem = writeProblem(absolute, workspace);
  if (problem) throw pathFailure(input, problem, HINT);
  return { input, absolute, workspace };
}

/** Reads the file (missing: an empty history), bounded; never through a symlink. */
export function readHistory(file: HistoryFile): HistoryRead {
  let fd: number;
  try {
    // O_NOFOLLOW: a link planted after the check is refused; O_NONBLOCK: a FIFO does not wait for a writer.
    fd = openSync(file.absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      return { file, lines: [], records: [], skipped: [], unreadBytes: 0, created: true, mode: 0o644 };
    throw pathFailure(
      file.input,
      code === 'ELOOP'
        ? `${file.absolute} is a symlink; the action never reads or writes the history through one`
        : `cannot be read (${code ?? 'error'})`,
      HINT,
    );
  }
  let buffer: Buffer;
  let unreadBytes: number;
  let mode: number;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw pathFailure(file.input, `${file.absolute} is not a regular file`, HINT);
    mode = stat.mode & 0o7777;
    unreadBytes = Math.max(0, stat.size - HISTORY_READ_MAX_BYTES);
    buffer = Buffer.alloc(Math.min(stat.size, HISTORY_READ_MAX_BYTES));
    let total = 0;
    while (total < buffer.length) {
      const read = readSync(fd, buffer, total, buffer.length - total, unreadBytes + total);
      if (read === 0) break;
      total += read;
    }
    buffer = buffer.subarray(0, total);
  } catch (error) {
    if (error instanceof RunFailure) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw pathFailure(file.input, `cannot be read (${code ?? (error as Error).message})`, HINT);
  } finally {
    closeSync(fd);
  }
  return { ...parseLines(buffer.toString('utf8'), unreadBytes > 0), file, unreadBytes, created: false, mode };
}

/** The lines of the text read; with `cut`, the first (partial) line is dropped. */
export function parseLines(text: string, cut: boolean): Pick<HistoryRead, 'lines' | 'records' | 'skipped'> {
  const raw = text.split('\n');
  if (cut) raw.shift();
  const lines: string[] = [];
  const records: HistoryRead['records'] = [];
  const skipped: SkippedLine[] = [];
  raw.forEach((line, i) => {
    if (line.trim() === '') return;
    const index = lines.push(line) - 1;
    if (Buffer.byteLength(line) > HISTORY_LINE_MAX_BYTES) {
      skipped.push({ line: i + 1, why: `longer than ${HISTORY_LINE_MAX_BYTES / 1024} KiB` });
      return;
    }
    const reading = readLine(line);
    if (reading.ok) records.push({ index, record: reading.record });
    else skipped.push({ line: i + 1, why: reading.why });
  });
  return { lines, records, skipped };
}

export interface HistoryWrite {
  /** Lines in the file after the write, this run's record included. */
  lines: number;
  /** The oldest lines dropped to keep the file under its cap. */
  dropped: number;
}

/** The file's new text: the lines read plus `line`, the oldest dropped beyond either cap. */
export function cappedText(lines: readonly string[], line: string): { text: string; dropped: number } {
  const all = [...lines, line];
  let start = Math.max(0, all.length - HISTORY_MAX_LINES);
  let bytes = all.slice(start).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  while (bytes > HISTORY_MAX_BYTES && start < all.length - 1) {
    bytes -= Buffer.byteLength(all[start]) + 1;
    start++;
  }
  return { text: `${all.slice(start).join('\n')}\n`, dropped: start };
}

/** Adds the record: the whole file rewritten atomically (temporary file, rename), capped. */
export function appendRecord(read: HistoryRead, record: HistoryRecord): HistoryWrite {
  const { file } = read;
  // Checked again: a link planted during the run must not be written through.
  const problem = writeProblem(file.absolute, file.workspace);
  if (problem) throw pathFailure(file.input, problem, HINT);
  try {
    if (lstatSync(file.absolute).isSymbolicLink())
      throw pathFailure(file.input, `${file.absolute} became a symlink during the run; not written`, HINT);
  } catch (error) {
    if (error instanceof RunFailure) throw error;
    // Missing: created below.
  }
  const { text, dropped } = cappedText(read.lines, JSON.stringify(record));
  try {
    mkdirSync(path.dirname(file.absolute), { recursive: true });
    replaceFileAtomically(file.absolute, text, read.mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw pathFailure(
      file.input,
      `${file.absolute} could not be written (${code}); it is as it was`,
      'check that the runner user may write the workspace',
    );
  }
  return { lines: read.lines.length + 1 - dropped, dropped };
}
