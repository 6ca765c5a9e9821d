// Starts bench/support/proxy-child.ts (a fault proxy in front of a frontend, in its own process)
// and waits for its URL; stop() ends it and waits for it to exit.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { firstJsonLine } from './child-ready.ts';
import type { FaultRule } from '../../__tests__/support/fault-proxy.ts';

const root = path.resolve(import.meta.dirname, '../..');
const node = path.join(root, 'node_modules/.bin/node');

export async function startProxy(
  upstream: string,
  rules: FaultRule[],
  timeoutMs = 30_000,
): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(
    node,
    [path.join(root, 'bench/support/proxy-child.ts'), upstream, JSON.stringify(rules)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    child.stdin.end();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const { url } = await firstJsonLine<{ url: string }>(child, 'proxy', timeoutMs, () => stderr);
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
