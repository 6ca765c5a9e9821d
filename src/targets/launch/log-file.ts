// The log of a frontend this run launched. The file lives in a private directory (mkdtemp: a
// random name, mode 0700) and is created exclusively (O_EXCL with O_NOFOLLOW: never an existing
// file, never through a symlink planted at its name), so no other user of the runner can point it
// elsewhere or read it before the summary publishes its tail. Every read goes through the handle
// that created it, by position, and reads only what it needs. A mark is a byte offset.

import { closeSync, constants, fstatSync, mkdtempSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_EVIDENCE_MAX_BYTES, LOG_TAIL_BYTES } from '../../bounded/limits.js';
import type { LogSource } from '../../session.js';

export interface FrontendLog {
  /** Where it is, for people (the log line, the post step). */
  path: string;
  /** The handle it was created with: the child writes through a copy, the run reads through this. */
  fd: number;
}

const CREATE =
  constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND | constants.O_NOFOLLOW;

/** A new, empty log file in a new private directory under `parent`. */
export function createFrontendLog(parent: string): FrontendLog {
  const dir = mkdtempSync(join(parent, 'dynamo-frontend-'));
  const path = join(dir, 'frontend.log');
  return { path, fd: openSync(path, CREATE, 0o600) };
}

/** Bytes `from`…`from + length` of the log, through its handle. */
function readAt(log: FrontendLog, from: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = readSync(log.fd, buffer, 0, length, from);
  return buffer.subarray(0, read);
}

/** The end of the log for a failure report: its last LOG_TAIL_BYTES, whole lines only. */
export function logTail(log: FrontendLog, lines = 40): string {
  try {
    const size = fstatSync(log.fd).size;
    const from = Math.max(0, size - LOG_TAIL_BYTES);
    let text = readAt(log, from, size - from).toString('utf8');
    // Cut mid-file: the first line is a fragment (and may start inside a character).
    if (from > 0) text = text.slice(text.indexOf('\n') + 1);
    return text.split('\n').slice(-lines).join('\n').trim();
  } catch {
    return '';
  }
}

/** The log as evidence: what was written since a mark, at most LOG_EVIDENCE_MAX_BYTES of it. */
export function fileLogSource(log: FrontendLog): LogSource {
  return {
    mark: async () => fstatSync(log.fd).size,
    async since(mark) {
      try {
        const size = fstatSync(log.fd).size;
        const length = Math.min(Math.max(size - mark, 0), LOG_EVIDENCE_MAX_BYTES);
        return { text: readAt(log, mark, length).toString('utf8') };
      } catch (error) {
        return { problem: `the frontend log could not be read: ${(error as Error).message}` };
      }
    },
  };
}

/** Closes the run's handle (the launched frontend keeps writing through its own). */
export function closeFrontendLog(log: FrontendLog): void {
  try {
    closeSync(log.fd);
  } catch {
    // already closed
  }
}
