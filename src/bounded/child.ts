// Runs a short-lived child process under the parent's control: its own process group, no stdin,
// capped stdout and stderr, a deadline after which the whole group gets SIGTERM and, after a
// grace, SIGKILL. The child cannot bound itself (a Python that never reaches its own alarm, a
// credential plugin waiting for a person), so the parent does.
//
// Not @actions/exec: it gives no handle on the child (nothing to kill on a deadline), cannot
// start it in a new process group (a wrapper's grandchildren would survive a kill), and keeps
// stdin open unless given input. node:child_process can do all three.

import { spawn } from 'node:child_process';
import { CHILD_KILL_GRACE_MS } from './limits.js';

/** After the child exits, how long what it left in its group may keep its output open. */
const LEFTOVER_GRACE_MS = 500;

export interface ChildOptions {
  timeoutMs: number;
  /** Bytes kept of stdout and of stderr each; the rest is read and dropped. */
  maxOutputBytes: number;
  env: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string;
  graceMs?: number;
}

export interface ChildResult {
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The deadline passed and the group was killed. */
  timedOut: boolean;
  /** It could not be started (not found, not executable). */
  spawnError?: NodeJS.ErrnoException;
  /** stdout or stderr went over maxOutputBytes. */
  cut: boolean;
}

/** Sends `signal` to the group led by `pid` (falls back to the pid alone); false when gone. */
function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
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
}

export function runChild(
  command: string,
  args: readonly string[],
  options: ChildOptions,
): Promise<ChildResult> {
  const grace = options.graceMs ?? CHILD_KILL_GRACE_MS;
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let cut = false;
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(command, [...args], {
      // A new session and process group: the kill reaches whatever the child started.
      detached: true,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: options.env,
    });
    const keep = (chunks: Buffer[], used: number, chunk: Buffer): number => {
      const room = options.maxOutputBytes - used;
      if (room <= 0) {
        cut = true;
        return used;
      }
      if (chunk.length > room) cut = true;
      chunks.push(chunk.subarray(0, room));
      return used + Math.min(room, chunk.length);
    };
    child.stdout?.on('data', (chunk: Buffer) => (outBytes = keep(out, outBytes, chunk)));
    child.stderr?.on('data', (chunk: Buffer) => (errBytes = keep(err, errBytes, chunk)));
    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // a child that never reads stdin
      child.stdin.end(options.input);
    }
    const deadline = setTimeout(() => {
      if (!child.pid) return;
      timedOut = true;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => child.pid && signalGroup(child.pid, 'SIGKILL'), grace);
    }, options.timeoutMs);
    child.once('error', (error) => {
      spawnError = error;
      // No process was started: 'close' still follows for the pipes.
    });
    // The child is done; something it left in its group (a helper it started) may still hold
    // the pipes open and hold 'close' back: it goes, shortly, and is not counted as a timeout.
    child.once('exit', () => {
      const pid = child.pid;
      if (!pid) return;
      setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // nothing left
        }
      }, LEFTOVER_GRACE_MS).unref();
    });
    // 'close', not 'exit': the output is complete then. A grandchild that keeps the pipes open
    // holds 'close' back, so the deadline (which kills the whole group) still ends the wait.
    child.once('close', (code, signal) => {
      clearTimeout(deadline);
      // The child is gone; whatever it left in its group goes too. The group only: the pid alone
      // is reaped now and could belong to another process.
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // nothing left
        }
      }
      clearTimeout(killTimer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        spawnError,
        cut,
      });
    });
  });
}
