// The pod portforward subresource: GET upgraded to a WebSocket (v4.channel.k8s.io), one data and
// one error channel per port, bridged to the pod's mapped loopback port.
import http from 'node:http';
import type net from 'node:net';
import { WebSocket } from 'ws';
import { portForwardVerbs } from '../rbac.ts';
import { ApiError, notFound } from '../store.ts';
import type { RequestLogEntry } from '../server-options.ts';
import { authenticate, authorizePortForward } from './access.ts';
import { queryOf, type ServerContext } from './context.ts';
import { parseRoute } from './resources.ts';

export function rejectUpgrade(socket: net.Socket, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(
    `HTTP/1.1 ${err.code} ${http.STATUS_CODES[err.code] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export async function handleUpgrade(
  s: ServerContext,
  req: http.IncomingMessage,
  socket: net.Socket,
  head: Buffer,
): Promise<void> {
  const started = Date.now();
  const u = new URL(req.url ?? '/', 'http://x');
  const query = queryOf(u);
  const entry: RequestLogEntry = {
    time: new Date().toISOString(),
    method: req.method ?? 'GET',
    path: u.pathname,
    query,
    rawQuery: u.search.replace(/^\?/, ''),
    contentType: req.headers['content-type'],
    status: 0,
    dryRun: false,
    watch: false,
    durationMs: 0,
  };
  s.requestLog.push(entry);
  s.sockets.add(socket);
  socket.on('close', () => s.sockets.delete(socket));
  const reject = (err: ApiError) => {
    entry.status = err.code;
    entry.durationMs = Date.now() - started;
    rejectUpgrade(socket, err);
  };
  const user = authenticate(s, req);
  if (!user) return reject(new ApiError(401, 'Unauthorized', 'Unauthorized'));
  entry.user = user;
  const segs = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const r = parseRoute(s, segs);
  if (!r || r.rt.plural !== 'pods' || r.subresource !== 'portforward' || !r.name || !r.namespace) {
    return reject(new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}));
  }
  Object.assign(entry, {
    verb: portForwardVerbs(s.gitVersion).join('+'),
    resource: 'pods/portforward',
    group: '',
    version: 'v1',
    namespace: r.namespace,
    name: r.name,
  });
  try {
    authorizePortForward(s, user, r.rt, r.namespace, r.name);
  } catch (e) {
    return reject(e as ApiError);
  }
  const pod = s.opts.store.get(r.rt, r.namespace, r.name);
  if (!pod) return reject(notFound(r.rt, r.name));
  if (!pod.spec?.nodeName)
    return reject(new ApiError(400, 'BadRequest', `pod ${r.name} does not have a host assigned`));
  if (pod.status?.phase !== 'Running') {
    return reject(new ApiError(400, 'BadRequest', `unable to upgrade connection: pod not running`));
  }
  const portsRaw = u.searchParams.getAll('ports').flatMap((p) => p.split(','));
  const ports = portsRaw.map((p) => Number(p.trim())).filter((n) => Number.isInteger(n));
  if (!ports.length || ports.some((p) => p <= 0 || p > 65535)) {
    return reject(new ApiError(400, 'BadRequest', `invalid port`));
  }
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!pickProtocol(new Set(offered))) {
    return reject(
      new ApiError(
        400,
        'BadRequest',
        `unable to upgrade connection: subprotocols offered (${offered.join(', ')}) are not supported; use v4.channel.k8s.io`,
      ),
    );
  }
  entry.status = 101;
  entry.durationMs = Date.now() - started;
  s.wss.handleUpgrade(req, socket, head, (ws) => bridge(s, ws, r.namespace!, r.name!, ports));
}

export function bridge(s: ServerContext, ws: WebSocket, ns: string, pod: string, ports: number[]): void {
  const portBytes = (ch: number, port: number) => Buffer.from([ch, port & 0xff, (port >> 8) & 0xff]);
  const sockets: (net.Socket | undefined)[] = [];
  const pending: Buffer[][] = ports.map(() => []);
  let closed = false;
  const closeAll = () => {
    if (closed) return;
    closed = true;
    for (const s of sockets) s?.destroy();
    if (ws.readyState === WebSocket.OPEN) ws.close(1000);
  };
  ports.forEach((port, i) => {
    ws.send(portBytes(2 * i, port));
    ws.send(portBytes(2 * i + 1, port));
  });
  ports.forEach((port, i) => {
    s.opts.hooks
      .dialPod(ns, pod, port)
      .then((sock) => {
        if (closed) {
          sock.destroy();
          return;
        }
        sockets[i] = sock;
        for (const b of pending[i]) sock.write(b);
        pending[i] = [];
        sock.on('data', (d: Buffer) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.concat([Buffer.from([2 * i]), d]));
        });
        sock.on('error', () => {});
        sock.on('close', () => closeAll());
      })
      .catch((err: Error) => {
        if (ws.readyState === WebSocket.OPEN)
          ws.send(Buffer.concat([Buffer.from([2 * i + 1]), Buffer.from(err.message)]));
        setTimeout(closeAll, 20);
      });
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const buf = isBinary ? data : Buffer.from(data);
    if (buf.length < 1) return;
    const ch = buf[0];
    if (ch % 2 === 1) return; // clients do not write on error channels
    const i = ch / 2;
    if (i >= ports.length) return;
    const payload = buf.subarray(1);
    if (!payload.length) return;
    const s = sockets[i];
    if (s) s.write(payload);
    else pending[i].push(Buffer.from(payload));
  });
  ws.on('close', () => closeAll());
  ws.on('error', () => closeAll());
}

export function pickProtocol(protocols: Set<string>): string | false {
  for (const p of ['v4.channel.k8s.io']) if (protocols.has(p)) return p;
  return false;
}
