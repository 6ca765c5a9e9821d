// stopFrontend signals only a process it proves it launched, and its group only when it leads it.
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  checkIdentity,
  newToken,
  startTimeOf,
  TOKEN_VAR,
  type LaunchedFrontend,
} from '../../../../src/targets/launch/identity.js';
import { stopFrontend } from '../../../../src/targets/launch/process.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
});

function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** A `sleep` with (or without) a token, in its own process group (detached) or in ours. */
async function sleeper(options: { token?: string; detached?: boolean } = {}): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  if (options.token) env[TOKEN_VAR] = options.token;
  const child = spawn('sleep', ['30'], { detached: options.detached ?? true, stdio: 'ignore', env });
  started.push(child);
  const pid = child.pid as number;
  // Until exec, /proc shows the parent's environment: wait for the sleep itself.
  const deadline = Date.now() + 5000;
  while (!readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith('sleep')) {
    if (Date.now() > deadline) throw new Error('sleep did not start');
    await new Promise((r) => setTimeout(r, 10));
  }
  return child;
}

function recordOf(child: ChildProcess, token: string): LaunchedFrontend {
  const pid = child.pid as number;
  return { pid, startTime: startTimeOf(pid), token, logPath: '/var/log/dynamo/frontend.log' };
}

describe('stopFrontend signals only a process it proves it launched', () => {
  it('stops its own frontend (token and start time match) with its whole process group', async () => {
    const token = newToken();
    const child = await sleeper({ token });
    const record = recordOf(child, token);
    expect(checkIdentity(record)).toEqual({ kind: 'ours', ownGroup: true });
    expect(await stopFrontend(record, 2000)).toEqual({ outcome: 'stopped' });
    expect(alive(record.pid)).toBe(false);
    // Idempotent: a second stop finds it gone.
    expect(await stopFrontend(record, 2000)).toEqual({ outcome: 'gone' });
  });

  it("leaves a foreign process alone: the same pid without this run's token", async () => {
    const child = await sleeper();
    const record = recordOf(child, newToken());
    const result = await stopFrontend(record, 500);
    expect(result).toEqual({
      outcome: 'left alone',
      reason: `pid ${record.pid} does not carry this run's launch token in its environment`,
    });
    expect(alive(record.pid)).toBe(true);
  });

  it('leaves a process alone whose token differs', async () => {
    const child = await sleeper({ token: newToken() });
    const result = await stopFrontend(recordOf(child, newToken()), 500);
    expect(result.outcome).toBe('left alone');
    expect(alive(child.pid as number)).toBe(true);
  });

  it('leaves a process alone whose start time differs (a reused pid)', async () => {
    const token = newToken();
    const child = await sleeper({ token });
    const record = {
      ...recordOf(child, token),
      startTime: String(Number(startTimeOf(child.pid as number)) - 1),
    };
    const result = await stopFrontend(record, 500);
    expect(result.outcome).toBe('left alone');
    if (result.outcome === 'left alone') expect(result.reason).toMatch(/another process has that pid now/);
    expect(alive(record.pid)).toBe(true);
  });

  it('never signals pid 1, nor a pid ≤ 1 handed in directly', async () => {
    for (const pid of [1, 0, -1]) {
      const result = await stopFrontend(
        { pid, startTime: startTimeOf(1), token: newToken(), logPath: '' },
        100,
      );
      expect(result.outcome).toBe('left alone');
    }
  });

  it('a process of its own that does not lead its group is signalled alone, never the group', async () => {
    const token = newToken();
    const child = await sleeper({ token, detached: false }); // in this test process's group
    const record = recordOf(child, token);
    expect(checkIdentity(record)).toEqual({ kind: 'ours', ownGroup: false });
    expect(await stopFrontend(record, 2000)).toEqual({ outcome: 'stopped' });
    expect(alive(record.pid)).toBe(false);
    expect(alive(process.pid)).toBe(true); // still here: the group was not signalled
  });

  it('reports a pid that has exited as gone', async () => {
    const token = newToken();
    const child = await sleeper({ token });
    const record = recordOf(child, token);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(await stopFrontend(record, 500)).toEqual({ outcome: 'gone' });
  });
});
