// Starts a Dynamo frontend on the runner, waits until it is live, and stops it later (the post
// step). The process is detached with its output in a log file so the step can end while the
// frontend keeps serving later steps. It is stopped only once proven to be the one launched
// (identity.ts), and by process group only when it leads its own group.

import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { RunFailure } from '../../model/failure.js';
import { shellJoin } from '../../shell-words.js';
import { sleep } from '../../check/retry.js';
import { httpClient } from '../../check/http.js';
import { childEnv } from '../../bounded/child-env.js';
import { createFrontendLog, logTail, type FrontendLog } from './log-file.js';
import {
  checkIdentity,
  newToken,
  readStat,
  startTimeOf,
  TOKEN_VAR,
  type LaunchedFrontend,
} from './identity.js';

export type { LaunchedFrontend } from './identity.js';

export interface LaunchOptions {
  baseUrl: string;
  timeoutMs: number;
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  logDir?: string;
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

/** Gone or a zombie: nothing left to stop. */
function exited(pid: number): boolean {
  const stat = readStat(pid);
  return !stat || stat.state === 'Z';
}

/** A frontend this run started, with the handle of its log (the record alone goes to the post step). */
export type RunningFrontend = LaunchedFrontend & { log: FrontendLog };

export async function launchFrontend(
  argv: readonly string[],
  options: LaunchOptions,
): Promise<RunningFrontend> {
  const url = new URL(options.baseUrl);
  const host =
    url.hostname.replace(/^\[|\]$/g, '') === 'localhost' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (await portInUse(host, port)) {
    throw new RunFailure(
      'launch-failed',
      `Something already listens on ${host}:${port}, so the check would test that server instead of the launched frontend.`,
      'stop the other server or pick a free port in `base-url`',
    );
  }

  const log = createFrontendLog(options.logDir ?? process.env.RUNNER_TEMP ?? tmpdir());
  const logPath = log.path;
  options.log(`Launching: ${shellJoin(argv)} (log: ${logPath})`);
  const token = newToken();
  // child_process, not @actions/exec: exec waits for the process to exit, and this one must outlive the step.
  const child = spawn(argv[0], argv.slice(1), {
    detached: true,
    stdio: ['ignore', log.fd, log.fd],
    env: childEnv(options.env ?? process.env, { [TOKEN_VAR]: token }),
  });
  // The start time is fixed at fork: read it at once, before the pid could ever be reused.
  const startTime = child.pid ? startTimeOf(child.pid) : '';
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
    throw new RunFailure(
      'launch-failed',
      `Could not start the frontend: ${reason}.`,
      'set the `python` input to an interpreter with ai-dynamo installed',
    );
  }
  const pid = child.pid;
  const launched: RunningFrontend = { pid, startTime, token, logPath, log };
  const deadline = Date.now() + options.timeoutMs;
  let lastReport = Date.now();
  try {
    for (;;) {
      if (exitCode !== undefined || exitSignal) {
        const how = exitSignal ? `was killed by ${exitSignal}` : `exited with code ${exitCode}`;
        throw new RunFailure(
          'launch-failed',
          `The frontend ${how} before it answered on ${options.baseUrl}.`,
          'read the frontend log in the details; check that `python` has ai-dynamo installed and the arguments are valid',
        );
      }
      if (await isLive(options.baseUrl)) break;
      if (Date.now() > deadline) {
        throw new RunFailure(
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
    await stopFrontend(launched);
    if (error instanceof RunFailure) {
      const detail = {
        title: `Frontend log (last lines of ${logPath})`,
        text: logTail(log) || '(empty)',
      };
      throw error.amended({ details: [...error.details, detail] });
    }
    throw error;
  }
  child.unref();
  return launched;
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

export type StopResult =
  { outcome: 'stopped' | 'killed' | 'gone' } | { outcome: 'left alone'; reason: string };

/**
 * SIGTERM, then SIGKILL after the grace period, to the launched frontend: to its whole process
 * group when it leads one (its children share it), else to the process alone. Nothing is
 * signalled unless the process is proven to be the one launched (start time and token), and
 * the proof is taken again before the SIGKILL. Idempotent.
 */
export async function stopFrontend(launched: LaunchedFrontend, graceMs = 10_000): Promise<StopResult> {
  const identity = checkIdentity(launched);
  if (identity.kind === 'gone') return { outcome: 'gone' };
  if (identity.kind === 'foreign') return { outcome: 'left alone', reason: identity.reason };
  const { pid } = launched;
  // While any member is left, the kernel does not reuse the group's id, so -pid stays ours.
  const target = identity.ownGroup ? -pid : pid;
  const signal = (name: NodeJS.Signals): boolean => {
    try {
      process.kill(target, name);
      return true;
    } catch {
      return false;
    }
  };
  if (!signal('SIGTERM')) return { outcome: 'gone' };
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (exited(pid)) {
      // Children of the frontend share its group; make sure none outlive it.
      if (identity.ownGroup) signal('SIGKILL');
      return { outcome: 'stopped' };
    }
    await sleep(100);
  }
  const again = checkIdentity(launched);
  if (again.kind === 'gone') return { outcome: 'stopped' };
  if (again.kind === 'foreign') return { outcome: 'left alone', reason: again.reason };
  signal('SIGKILL');
  return { outcome: 'killed' };
}
