// In-process port-forward (no kubectl): 127.0.0.1:<free port> → a Ready pod behind the Service.
// One PortForward WebSocket per client connection, the pod re-resolved for each, so a pod
// replaced between check attempts is picked up. client-node surfaces no error or close after
// the socket opens, so both directions are wired here.

import net from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import WebSocket from 'ws';
import { CheckFailure } from '../../failures.js';
import type { KubeApi } from './cluster.js';
import { pickPod, type ServicePort } from './service-port.js';

export interface Forward {
  url: string;
  localPort: number;
  /** The pod the last connection went to. */
  lastPod(): string | undefined;
  close(): Promise<void>;
}

export interface ForwardTarget {
  namespace: string;
  service: string;
  selector: string;
  port: ServicePort;
}

function portForwarder(kc: KubeConfig): PortForward {
  // Our own `ws` factory: the library's isomorphic-ws default import breaks once bundled. Our own
  // streams: the handler otherwise ends process.stdout when the server closes a stream.
  const streams = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  const handler = new WebSocketHandler(
    kc,
    (uri, protocols, opts) => new WebSocket(uri, protocols, opts),
    streams,
  );
  return new PortForward(kc, true, handler);
}

export async function resolvePod(
  api: KubeApi,
  target: ForwardTarget,
): Promise<{ pod: string; port: number }> {
  const pods = await api.listPods(target.namespace, target.selector);
  const picked = pickPod(pods.items, target.port.targetPort);
  if (!picked) {
    throw new CheckFailure(
      'port-forward-failed',
      pods.items.length === 0
        ? `No pod matches the selector ${target.selector} of Service ${target.namespace}/${target.service}.`
        : `None of the ${pods.items.length} pod(s) behind Service ${target.namespace}/${target.service} is Ready${typeof target.port.targetPort === 'string' ? ` with a container port named ${target.port.targetPort}` : ''}.`,
    );
  }
  return picked;
}

export async function startForward(
  api: KubeApi,
  kc: KubeConfig,
  target: ForwardTarget,
  log: (line: string) => void,
): Promise<Forward> {
  // Resolve once up front so a missing pod fails the run here, with its reason.
  let last: string | undefined = (await resolvePod(api, target)).pod;
  const forwarder = portForwarder(kc);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.pause();
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    void (async () => {
      try {
        const { pod, port } = await resolvePod(api, target);
        last = pod;
        let failed = false;
        const errors = new Writable({
          write(chunk: Buffer, _encoding, callback) {
            // The first frame only carries the port; any text after it is a pod-side failure.
            const text = chunk.toString('utf8').trim();
            if (text && !failed) {
              failed = true;
              log(`Port-forward to ${target.namespace}/${pod}:${port} failed: ${text}`);
              socket.destroy();
            }
            callback();
          },
        });
        const ws = (await forwarder.portForward(
          target.namespace,
          pod,
          [port],
          socket,
          errors,
          socket,
        )) as WebSocket;
        ws.on('close', () => socket.end());
        ws.on('error', () => socket.destroy());
        socket.on('close', () => {
          if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
        });
        if (socket.destroyed) ws.close();
        else socket.resume();
      } catch (error) {
        log(
          `Port-forward connection failed: ${error instanceof CheckFailure ? error.message : describeWsError(error)}`,
        );
        socket.destroy();
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  log(
    `Port-forward: 127.0.0.1:${address.port} → Service ${target.namespace}/${target.service} (pod port ${String(target.port.targetPort)}), one connection per request.`,
  );
  return {
    url: `http://127.0.0.1:${address.port}`,
    localPort: address.port,
    lastPod: () => last,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function describeWsError(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error)
    return String((error as { message: unknown }).message).split('\n')[0];
  return String(error);
}
