// The post step stops only what this run launched: the saved state is untrusted (validated JSON
// shape), and a process is signalled only when its start time and launch token match; its group
// only when it leads that group. Real processes (`sleep`) stand in for the frontend.
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cleanupAction } from '../../src/action.js';
import type { ActionRunner } from '../../src/runner/actions.js';
import {
  checkIdentity,
  newToken,
  parseLaunchRecord,
  startTimeOf,
  TOKEN_VAR,
  type LaunchedFrontend,
} from '../../src/targets/launch/identity.js';
import { stopFrontend } from '../../src/targets/launch/process.js';

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

describe('parseLaunchRecord: the saved state is untrusted input', () => {
  const token = newToken();
  const valid = { pid: 4242, startTime: '123456', token, logPath: '/var/log/dynamo/x.log' };

  it('accepts the shape the launch saves', () => {
    expect(parseLaunchRecord(JSON.stringify(valid))).toEqual({ ok: true, record: valid });
  });

  it.each([
    ['not JSON', 'not json {', /not JSON/],
    ['an array', '[1]', /not a JSON object/],
    ['null', 'null', /not a JSON object/],
    [
      'pid 1 (kill(-1) would hit every process of the user)',
      JSON.stringify({ ...valid, pid: 1 }),
      /pid 1 cannot be/,
    ],
    ['pid 0', JSON.stringify({ ...valid, pid: 0 }), /pid 0 cannot be/],
    ['a negative pid', JSON.stringify({ ...valid, pid: -4242 }), /pid -4242 cannot be/],
    ['a pid over pid_max', JSON.stringify({ ...valid, pid: 2 ** 30 }), /cannot be/],
    ['a string pid', JSON.stringify({ ...valid, pid: '4242' }), /no whole-number pid/],
    ['a fractional pid', JSON.stringify({ ...valid, pid: 42.5 }), /no whole-number pid/],
    [
      'the old shape (pid and log only)',
      JSON.stringify({ pid: 4242, logPath: '/x' }),
      /no process start time/,
    ],
    [
      'a start time that is not a number',
      JSON.stringify({ ...valid, startTime: '1; rm' }),
      /no process start time/,
    ],
    ['no token', JSON.stringify({ ...valid, token: undefined }), /no launch token/],
    ['a token of another form', JSON.stringify({ ...valid, token: 'x'.repeat(32) }), /no launch token/],
    ['no log path', JSON.stringify({ ...valid, logPath: 7 }), /no log path/],
  ])('refuses %s', (_name, raw, reason) => {
    const parsed = parseLaunchRecord(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

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

describe('the post step (cleanupAction)', () => {
  function fakeRunner(state: string) {
    const lines: string[] = [];
    const runner = {
      log: {
        info: (l: string) => lines.push(`info: ${l}`),
        warning: (l: string) => lines.push(`warning: ${l}`),
      },
      getState: (name: string) => (name === 'launched-frontend' ? state : ''),
    } as unknown as ActionRunner;
    return { runner, lines };
  }

  it('says why and signals nothing when the state is not JSON', async () => {
    const { runner, lines } = fakeRunner('x ##[save-state');
    await cleanupAction(runner);
    expect(lines).toEqual([
      'warning: Post step: no process was signalled, because the saved launch state is not JSON.',
    ]);
  });

  it('refuses a forged state naming pid 1', async () => {
    const { runner, lines } = fakeRunner('{"pid":1,"logPath":"/x"}');
    await cleanupAction(runner);
    expect(lines).toEqual([
      'warning: Post step: no process was signalled, because the saved pid 1 cannot be a frontend this run started (allowed: 2 to 4194304).',
    ]);
  });

  it('warns and leaves a foreign pid alone', async () => {
    const child = await sleeper();
    const pid = child.pid as number;
    const { runner, lines } = fakeRunner(
      JSON.stringify({ pid, startTime: startTimeOf(pid), token: newToken(), logPath: '/x' }),
    );
    await cleanupAction(runner);
    expect(lines).toEqual([
      `warning: Post step: pid ${pid} was left alone: pid ${pid} does not carry this run's launch token in its environment.`,
    ]);
    expect(alive(pid)).toBe(true);
  });

  it('stops its own frontend and says so', async () => {
    const token = newToken();
    const child = await sleeper({ token });
    const record = recordOf(child, token);
    const { runner, lines } = fakeRunner(JSON.stringify(record));
    await cleanupAction(runner);
    expect(lines).toEqual([
      `info: Launched frontend (pid ${record.pid}): stopped. Its log: /var/log/dynamo/frontend.log`,
    ]);
    expect(alive(record.pid)).toBe(false);
  });
});
