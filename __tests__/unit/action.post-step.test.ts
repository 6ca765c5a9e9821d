// The post step (cleanupAction): it stops the frontend this run launched, and says why it left
// one alone.
import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cleanupAction } from '../../src/action.js';
import type { ActionRunner } from '../../src/runner/actions.js';
import {
  newToken,
  startTimeOf,
  TOKEN_VAR,
  type LaunchedFrontend,
} from '../../src/targets/launch/identity.js';

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
