// The CLI as a user runs it: the package bin executed directly (shebang and run bit), through npx
// in a checkout without node_modules, under an older Node (one line naming the Node it needs), and
// its usage errors (the JSON document on stdout and one line on stderr).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { accessSync, constants, cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI, ROOT } from '../support/action.ts';

const BIN = path.join(ROOT, 'node_modules', '.bin');
/** PATH with the project's Node 24 first, as the README asks. */
const PATH24 = `${BIN}${path.delimiter}${process.env.PATH ?? ''}`;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], options: { cwd?: string; PATH?: string } = {}): Promise<Ran> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({
    ...process.env,
    NODE_OPTIONS: undefined,
    PATH: options.PATH ?? PATH24,
  }))
    if (v !== undefined) env[k] = v;
  return new Promise((resolve) => {
    execFile(file, args, { cwd: options.cwd ?? ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A Node older than 24 on this machine, if there is one (the system Node of many machines). */
function oldNode(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    return candidate;
  }
  return undefined;
}

/** A port with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('the package bin', () => {
  it('is an executable with a shebang: ./dist/cli/index.js --help runs', async () => {
    expect(readFileSync(CLI, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(statSync(CLI).mode & 0o111).not.toBe(0);
    const r = await run(CLI, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: dynamo-router-check \[options\]/);
    expect(r.stdout).toMatch(/--retry-delay S/);
  });

  it('on a Node older than 24: one line naming the Node it needs, nothing else', async () => {
    const node = oldNode();
    const version = node ? (await run(node, ['--version'])).stdout.trim() : '';
    if (!node || Number(version.replace(/^v/, '').split('.')[0]) >= 24) {
      console.warn('no Node older than 24 on this machine: the old-Node case is not exercised');
      return;
    }
    for (const r of [
      await run(node, [CLI, '--help']),
      // As a shell runs the bin when the old Node comes first on PATH.
      await run(CLI, ['--help'], { PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` }),
    ]) {
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toEqual([
        `dynamo-router-check needs Node 24 or later; this is Node ${version.replace(/^v/, '')} (${node}).`,
      ]);
    }
  });

  describe('npx in a checkout with nothing installed', () => {
    let clone: string;
    beforeAll(() => {
      // What a clone holds for the CLI: the package manifest and the committed dist/.
      clone = mkdtempSync(path.join(tmpdir(), 'cli-clone-'));
      cpSync(path.join(ROOT, 'package.json'), path.join(clone, 'package.json'));
      cpSync(path.join(ROOT, 'dist'), path.join(clone, 'dist'), { recursive: true });
    });
    afterAll(() => rmSync(clone, { recursive: true, force: true }));

    it('npx dynamo-router-check --version', async () => {
      const r = await run('npx', ['dynamo-router-check', '--version'], { cwd: clone });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toMatch(/^dynamo-router-check \d+\.\d+\.\d+$/);
      expect(r.code).toBe(0);
    });
  });
});

describe('usage errors', () => {
  it('an unknown option: the JSON document on stdout and one line on stderr, not the help', async () => {
    const r = await run(CLI, ['--bogus']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      ok: boolean;
      failure: { code: string; message: string; next: string };
    };
    expect(doc.ok).toBe(false);
    expect(doc.failure.code).toBe('bad-input');
    expect(doc.failure.message).toMatch(/Unknown option '--bogus'/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^dynamo-router-check: Unknown option '--bogus'.* Next: run `dynamo-router-check --help`/,
    );
  });

  it('a bad value names the flag as typed, in the JSON document too', async () => {
    const r = await run(CLI, ['--retries', 'many']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).failure.message).toBe(
      'Flag `--retries` has "many"; allowed: a whole number from 1 to 100.',
    );
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--skip-chat with --mode is refused: the mode is proven from the chat', async () => {
    const r = await run(CLI, ['--skip-chat', '--mode', 'kv']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).failure.message).toMatch(
      /--skip-chat.*--mode kv.*check nothing about the mode/,
    );
    expect(r.stderr).not.toMatch(/PASS/);
  });

  it('--retry-delay is the flag (as the action’s retry-delay); --retry-sleep is still accepted', async () => {
    const port = await closedPort();
    for (const flag of ['--retry-delay', '--retry-sleep']) {
      const r = await run(CLI, ['--base-url', `http://127.0.0.1:${port}`, '--retries', '2', flag, '0.1']);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout).failure.code).toBe('frontend-unreachable');
    }
  });
});
