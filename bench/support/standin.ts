// Starts bench/support/standin-child.ts (the stand-in cluster with a mocker DGD, in its own Node
// process) and waits for its Ready line. stop() ends it gracefully, and then proves that no process
// of the cluster is left (every pod process carries the cluster's work dir in its environment).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { firstJsonLine } from './child-ready.ts';
import { processesMatching } from '../../__tests__/support/dynamo.ts';

export interface Standin {
  kubeconfig: string;
  namespace: string;
  deployment: string;
  service: string;
  pod: string;
  /** Host port the frontend pod's container port 8000 is mapped to (the physical limit). */
  podPort: number;
  dir: string;
  stop(): Promise<void>;
}

/** A timer that does not keep the process alive once everything else is done. */
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

const root = path.resolve(import.meta.dirname, '../..');
const node = path.join(root, 'node_modules/.bin/node');

export async function startStandin(
  namespace = 'bench',
  speedupRatio = 0,
  timeoutMs = 300_000,
): Promise<Standin> {
  const child = spawn(
    node,
    [path.join(root, 'bench/support/standin-child.ts'), namespace, String(speedupRatio)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const info = await firstJsonLine<Omit<Standin, 'stop'>>(child, 'stand-in', timeoutMs, () => stderr).catch(
    async (error) => {
      child.kill('SIGTERM');
      await Promise.race([exited, delay(30_000)]);
      throw error;
    },
  );
  let stopped: Promise<void> | undefined;
  return {
    ...info,
    stop: () =>
      (stopped ??= (async () => {
        const t = Date.now();
        child.stdin.end();
        child.kill('SIGTERM');
        await Promise.race([exited, delay(40_000)]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        if (process.env.BENCH_DEBUG) console.error(`stand-in stop took ${Date.now() - t} ms\n${stderr}`);
        const left = processesMatching(info.dir);
        if (left.length) {
          for (const pid of left) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              /* gone */
            }
          }
          console.error(`stand-in left ${left.length} process(es) behind; killed ${left.join(', ')}`);
        }
      })()),
  };
}
