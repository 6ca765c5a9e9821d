// Bounded file reads: a regular file only (a FIFO refused without blocking), read up to a cap.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileProblem, readRegularFile } from '../../../src/bounded/read-file.ts';

describe('readRegularFile', () => {
  it('refuses a FIFO without blocking, a directory, a file over the cap; reads a regular file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'read-'));
    try {
      const fifo = path.join(dir, 'ca.fifo');
      execFileSync('mkfifo', [fifo]);
      const problem = (p: string, max = 100) => {
        try {
          readRegularFile(p, max);
          return undefined;
        } catch (error) {
          return error instanceof FileProblem ? `${error.code}: ${error.message}` : String(error);
        }
      };
      expect(problem(fifo)).toBe('not-regular: is a FIFO (named pipe), not a regular file');
      expect(problem(dir)).toMatch(/^not-regular: is a directory/);
      const big = path.join(dir, 'big');
      writeFileSync(big, 'x'.repeat(101));
      expect(problem(big)).toMatch(/^too-large/);
      expect(readRegularFile(big, 101).toString()).toBe('x'.repeat(101));
      expect(problem(path.join(dir, 'none'))).toBe('missing: does not exist');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
