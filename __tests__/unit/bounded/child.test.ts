// A child process under the parent's bounds: its own group, a deadline, no stdin, capped output,
// a clean environment.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { childEnv, withheld } from '../../../src/bounded/child-env.ts';
import { runChild } from '../../../src/bounded/child.ts';

/** Running (not gone, not a zombie waiting for a reaper). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

describe('runChild', () => {
  it('kills the whole process group on the deadline, grandchildren included', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'child-'));
    try {
      const pids = path.join(dir, 'pids');
      // The child starts a grandchild and both wait: a wrapper around a hung interpreter.
      const result = await runChild('sh', ['-c', `sleep 60 & echo $! > ${pids}; exec sleep 60`], {
        timeoutMs: 300,
        maxOutputBytes: 1024,
        env: { PATH: process.env.PATH ?? '' },
        graceMs: 200,
      });
      expect(result.timedOut).toBe(true);
      expect(result.signal).toBe('SIGTERM');
      const grandchild = Number(execFileSync('cat', [pids]).toString());
      // The group's signal is sent; the kernel ends the grandchild a moment later: wait for that.
      for (let i = 0; i < 500 && alive(grandchild); i++) await new Promise((r) => setTimeout(r, 10));
      expect(alive(grandchild)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('escalates to SIGKILL for a child that ignores SIGTERM', async () => {
    const result = await runChild('sh', ['-c', "trap '' TERM; sleep 60 & wait"], {
      timeoutMs: 200,
      maxOutputBytes: 1024,
      env: { PATH: process.env.PATH ?? '' },
      graceMs: 200,
    });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
  });

  it('a child that exits leaving a helper on its pipes: its answer counts, the helper goes', async () => {
    const result = await runChild('sh', ['-c', 'sleep 60 & echo answer'], {
      timeoutMs: 30_000,
      maxOutputBytes: 1024,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(result.timedOut).toBe(false);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('answer\n');
  });

  it('gives no stdin, caps the output, reports a command that is not there', async () => {
    const stdin = await runChild('sh', ['-c', 'readlink /proc/self/fd/0; cat; head -c 100000 /dev/zero'], {
      timeoutMs: 10_000,
      maxOutputBytes: 4096,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(stdin.stdout.startsWith('/dev/null\n')).toBe(true);
    expect(Buffer.byteLength(stdin.stdout)).toBe(4096);
    expect(stdin.cut).toBe(true);
    expect(stdin.code).toBe(0);
    const missing = await runChild('/no/such/plugin', [], { timeoutMs: 1000, maxOutputBytes: 10, env: {} });
    expect(missing.spawnError?.code).toBe('ENOENT');
  });

  it('hands a child the runner environment without the action’s secrets and the runner’s channels', () => {
    const env = childEnv(
      {
        PATH: '/bin',
        HOME: '/home/runner',
        AWS_PROFILE: 'ci',
        'INPUT_API-KEY': 'k',
        STATE_isPost: 'true',
        ACTIONS_RUNTIME_TOKEN: 't',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'u',
        ACTIONS_CACHE_URL: 'u',
        ACTIONS_RESULTS_URL: 'u',
        GITHUB_TOKEN: 't',
        DYNAMO_API_KEY: 'k',
        GITHUB_ENV: '/f',
        GITHUB_PATH: '/f',
        GITHUB_OUTPUT: '/f',
        GITHUB_STATE: '/f',
        GITHUB_STEP_SUMMARY: '/f',
        GITHUB_WORKSPACE: '/w',
      },
      { KUBERNETES_EXEC_INFO: '{}' },
    );
    expect(Object.keys(env).sort()).toEqual(
      ['AWS_PROFILE', 'GITHUB_WORKSPACE', 'HOME', 'KUBERNETES_EXEC_INFO', 'PATH'].sort(),
    );
    expect(withheld('input_api-key')).toBe(true);
  });
});
