// Starts a Dynamo frontend on the runner, waits until it is live, and stops it later (the post
// step). The process is detached with its output in a log file so the step can end while the
// frontend keeps serving later steps; it is always stopped by process group.

import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckFailure } from '../failures.js';
import { shellJoin } from '../args.js';
import { sleep } from '../check/retry.js';
import { httpClient } from '../check/http.js';

export interface LaunchedFrontend {
  pid: number;
  logPath: string;
}

export interface LaunchOptions {
  baseUrl: string;
  timeoutMs: number;
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  logDir?: string;
}

/** Tail of the frontend log, for failure details. */
export function logTail(logPath: string, lines = 40): string {
  try {
    const text = readFileSync(logPath, 'utf8');
    return text.split('\n').slice(-lines).join('\n').trim();
  } catch {
    return '';
  }
}

function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (inUse: boolean): void => {
      socket.destroy();
      resolve(inUse);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The runner's env minus what must not reach a child: the action's inputs carry the API key. */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (
      /^(INPUT_|STATE_)/.test(key) ||
      /^ACTIONS_(RUNTIME|ID_TOKEN|CACHE)/.test(key) ||
      key === 'GITHUB_TOKEN'
    )
      continue;
    out[key] = value;
  }
  return out;
}

function exited(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export async function launchFrontend(
  argv: readonly string[],
  options: LaunchOptions,
): Promise<LaunchedFrontend> {
  const url = new URL(options.baseUrl);
  const host =
    url.hostname.replace(/^\[|\]$/g, '') === 'localhost' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (await portInUse(host, port)) {
    throw new CheckFailure(
      'launch-failed',
      `Something already listens on ${host}:${port}, so the check would test that server instead of the launched frontend.`,
      'stop the other server or pick a free port in `base-url`',
    );
  }

  const logPath = join(
    options.logDir ?? process.env.RUNNER_TEMP ?? tmpdir(),
    `dynamo-frontend-${process.pid}-${Date.now()}.log`,
  );
  const fd = openSync(logPath, 'a');
  options.log(`Launching: ${shellJoin(argv)} (log: ${logPath})`);
  const child = spawn(argv[0], argv.slice(1), {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: childEnv(options.env ?? process.env),
  });
  closeSync(fd);
  let spawnError: NodeJS.ErrnoException | undefined;
  let exitCode: number | null | undefined;
  let exitSignal: NodeJS.Signals | null = null;
  child.once('error', (error) => (spawnError = error));
  child.once('exit', (codeValue, signal) => {
    exitCode = codeValue;
    exitSignal = signal;
  });
  // Let the event loop settle so an immediate spawn error (ENOENT) is seen.
  await sleep(50);
  if (spawnError || !child.pid) {
    const reason =
      spawnError?.code === 'ENOENT' ? `"${argv[0]}" was not found` : (spawnError?.message ?? 'no process id');
    throw new CheckFailure(
      'launch-failed',
      `Could not start the frontend: ${reason}.`,
      'set the `python` input to an interpreter with ai-dynamo installed',
    );
  }
  const pid = child.pid;
  const deadline = Date.now() + options.timeoutMs;
  let lastReport = Date.now();
  try {
    for (;;) {
      if (exitCode !== undefined || exitSignal) {
        const how = exitSignal ? `was killed by ${exitSignal}` : `exited with code ${exitCode}`;
        throw new CheckFailure(
          'launch-failed',
          `The frontend ${how} before it answered on ${options.baseUrl}.`,
          'read the frontend log in the details; check that `python` has ai-dynamo installed and the arguments are valid',
        );
      }
      if (await isLive(options.baseUrl)) break;
      if (Date.now() > deadline) {
        throw new CheckFailure(
          'launch-failed',
          `The frontend did not answer GET /live on ${options.baseUrl} within ${Math.round(options.timeoutMs / 1000)} s.`,
          'read the frontend log in the details; raise `launch-timeout` on a slow runner',
        );
      }
      if (Date.now() - lastReport > 10_000) {
        options.log(`Waiting for the frontend to answer on ${options.baseUrl} …`);
        lastReport = Date.now();
      }
      await sleep(200);
    }
  } catch (error) {
    await stopFrontend(pid);
    if (error instanceof CheckFailure) {
      const detail = {
        title: `Frontend log (last lines of ${logPath})`,
        text: logTail(logPath) || '(empty)',
      };
      throw new CheckFailure(error.code, error.message, error.hint, [...error.details, detail]);
    }
    throw error;
  }
  child.unref();
  return { pid, logPath };
}

async function isLive(baseUrl: string): Promise<boolean> {
  try {
    const response = await httpClient.request({
      method: 'GET',
      url: `${baseUrl}/live`,
      timeoutMs: 1000,
      maxBytes: 64 * 1024,
    });
    return response.status === 200;
  } catch {
    return false;
  }
}

/** SIGTERM to the whole process group, then SIGKILL after the grace period. Idempotent. */
export async function stopFrontend(pid: number, graceMs = 10_000): Promise<'stopped' | 'killed' | 'gone'> {
  const signalGroup = (signal: NodeJS.Signals): boolean => {
    try {
      process.kill(-pid, signal);
      return true;
    } catch {
      try {
        process.kill(pid, signal);
        return true;
      } catch {
        return false;
      }
    }
  };
  if (exited(pid) || !signalGroup('SIGTERM')) return 'gone';
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (exited(pid)) {
      // Children of the frontend share its group; make sure none outlive it.
      signalGroup('SIGKILL');
      return 'stopped';
    }
    await sleep(100);
  }
  signalGroup('SIGKILL');
  return 'killed';
}
