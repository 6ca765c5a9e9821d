// Small helpers for tests that use the stand-in cluster: async kubectl, a client-node port-forward.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Cluster } from './index.ts';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the real kubectl against the stand-in (async: the apiserver lives in this process). */
export function kubectl(
  cluster: Cluster,
  args: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'kubectl',
      ['--kubeconfig', cluster.kubeconfigPath, '--cache-dir', join(cluster.dir, 'kubectl-cache'), ...args],
      {
        timeout: opts.timeoutMs ?? 30000,
        env: { ...process.env, KUBECONFIG: cluster.kubeconfigPath },
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/**
 * Forward 127.0.0.1:<port> to a pod port with @kubernetes/client-node's PortForward (one WebSocket per
 * local connection), wiring close/error both ways. Returns the local port and a close function.
 */
export async function portForward(
  kubeconfigPath: string,
  namespace: string,
  pod: string,
  podPort: number,
): Promise<{ port: number; errors: string[]; close: () => Promise<void> }> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const pf = new k8s.PortForward(kc, true);
  const errors: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const errStream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        // client-node also writes the (stripped) 2-byte port frame here: an empty chunk
        if (chunk.length) {
          errors.push(chunk.toString('utf8'));
          socket.destroy();
        }
        cb();
      },
    });
    pf.portForward(namespace, pod, [podPort], socket, errStream, socket)
      .then((ws) => {
        const w = ws as unknown as {
          on?: (e: string, f: () => void) => void;
          close: () => void;
          readyState?: number;
        };
        w.on?.('close', () => socket.end());
        w.on?.('error', () => socket.destroy());
        socket.on('close', () => {
          try {
            w.close();
          } catch {
            /* ignore */
          }
        });
      })
      .catch((e: unknown) => {
        errors.push(String((e as Error)?.message ?? e));
        socket.destroy();
      });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    errors,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** GET a URL with a timeout; resolves { status, body } (never throws on HTTP errors). */
export async function httpGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}
