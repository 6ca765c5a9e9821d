// The log of a frontend this run launched: a file it appends to; a mark is a byte offset.

import { openSync, readSync, closeSync, statSync } from 'node:fs';
import type { LogSource } from '../session.js';

const MAX_READ = 8 * 1024 * 1024;

export function fileLogSource(path: string): LogSource {
  return {
    mark: async () => statSync(path).size,
    async since(mark) {
      try {
        const size = statSync(path).size;
        const length = Math.min(Math.max(size - mark, 0), MAX_READ);
        const buffer = Buffer.alloc(length);
        const fd = openSync(path, 'r');
        try {
          readSync(fd, buffer, 0, length, mark);
        } finally {
          closeSync(fd);
        }
        return { text: buffer.toString('utf8') };
      } catch (error) {
        return { problem: `the frontend log could not be read: ${(error as Error).message}` };
      }
    },
  };
}
