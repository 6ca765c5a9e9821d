// Reads a file the run was pointed at (a kubeconfig, a certificate it names, the recipe) without
// ever blocking or reading without end: the file is opened non-blocking (a FIFO does not wait
// for a writer), must be a regular file (not a FIFO, device or directory, whatever a symlink to it
// says), and is read up to a byte cap. The check and the read use one handle.

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/** Why a file could not be read, in words that follow its path ("… is a FIFO"). */
export class FileProblem extends Error {
  readonly code: 'missing' | 'not-regular' | 'too-large' | 'unreadable';
  constructor(code: FileProblem['code'], message: string) {
    super(message);
    this.name = 'FileProblem';
    this.code = code;
  }
}

function kindOf(stat: ReturnType<typeof fstatSync>): string {
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function readRegularFile(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FileProblem('missing', 'does not exist');
    throw new FileProblem('unreadable', `cannot be read (${code ?? (error as Error).message})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileProblem('not-regular', `is ${kindOf(stat)}, not a regular file`);
    if (stat.size > maxBytes)
      throw new FileProblem('too-large', `is ${stat.size} bytes, more than the ${maxBytes} read`);
    // A file may grow after fstat: read to its end, never past one byte over the cap.
    let buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let total = 0;
    for (;;) {
      if (total === buffer.length) {
        if (total > maxBytes)
          throw new FileProblem('too-large', `holds more than the ${maxBytes} bytes read`);
        const bigger = Buffer.alloc(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(bigger);
        buffer = bigger;
      }
      const read = readSync(fd, buffer, total, buffer.length - total, null);
      if (read === 0) break;
      total += read;
    }
    return buffer.subarray(0, total);
  } catch (error) {
    if (error instanceof FileProblem) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new FileProblem('unreadable', `cannot be read (${code ?? (error as Error).message})`);
  } finally {
    closeSync(fd);
  }
}
