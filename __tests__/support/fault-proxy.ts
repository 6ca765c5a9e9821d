// The one fault injector of the tests: an HTTP proxy on 127.0.0.1 put in front of a real server (a
// Dynamo frontend, the stand-in Kubernetes API server) or of nothing, to break the exchange in the
// ways a deployment breaks: 5xx bursts, a server that accepts and never answers, a slow answer,
// headers then a stalled body, a reset mid-body, a huge body, not-JSON with 200, a redirect to
// another host, a chat reply without content, an empty model list for the first attempts. The
// servers behind it stay real and fault-free: what a product test breaks is the wire, as a proxy,
// load balancer or overloaded server would.
//
//   const proxy = await startFaultProxy({ upstream: frontend.url });
//   proxy.setRules([{ path: '/v1/models', times: 2, fault: { kind: 'status', status: 503 } }]);
//   ... run the action with base-url = proxy.url ...
//   await proxy.stop();   // closes every socket, including hung and stalled ones
//
// Rules are matched in order on method (optional) and path; a rule with `times` applies to that many
// matching requests, then falls through (to the next rule, finally to the upstream). Requests no rule
// claims are passed through unchanged. Every request is recorded (method, path, query, Authorization,
// the fault and the status sent back).
//
// Also here: a recording server (`startRecorder`) that answers everything with a fixed reply and
// remembers who called it, used as "another host" for redirects and as a tripwire for runs that must
// contact nothing.
//
// In front of the stand-in Kubernetes API server (a man in the middle, as a proxy or load balancer
// in front of a real one would be): `startApiFaultProxy(cluster)` serves the stand-in's own
// certificate (so the kubeconfig's CA still verifies), trusts its CA upstream, and writes a copy of
// its kubeconfig that points at the proxy. Rules can also match the query (`query: { watch: 'true' }`
// tells a watch from a list), and WebSocket upgrades (a port-forward) pass through unless a rule
// claims them (`hang`: never answered).

import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, request as httpsRequest } from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export type Fault =
  /** Answer with this status (and body); e.g. 503 bursts. */
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Answer 200 (or `status`) with this body, e.g. not-JSON, an empty model list, a chat reply without content. */
  | { kind: 'body'; status?: number; body: string; contentType?: string }
  /** Accept the connection and the request, never answer. */
  | { kind: 'hang' }
  /** Hold the request `ms`, then pass it to the upstream unchanged (a slow server or network). */
  | { kind: 'delay'; ms: number }
  /** Send the status line and headers (and a first chunk), then never send the rest. */
  | { kind: 'stall-body'; status?: number; firstChunk?: string }
  /** Send headers announcing `length` bytes and `sendBytes` of them, then reset the connection. */
  | { kind: 'reset-mid-body'; length?: number; sendBytes?: number }
  /** A 200 JSON-looking body of `bytes` bytes (streamed, never buffered), e.g. 64 MiB for /v1/models. */
  | { kind: 'huge'; bytes: number }
  /** Redirect (302 by default) to `location`, typically a recorder on another port. */
  | { kind: 'redirect'; location: string; status?: number }
  /**
   * Answer `status` with a body that echoes the request's Authorization header back (a hostile
   * frontend); with `offset`, the header's value starts at that character of the body.
   */
  | { kind: 'echo-auth'; status: number; offset?: number }
  /**
   * A 200 body without a length that never ends: `head`, then `chunk` again and again (as fast as
   * the client reads), e.g. a list whose items never stop or a watch line that never ends.
   */
  | { kind: 'endless'; head: string; chunk: string; contentType?: string }
  /** A 200 body of lines: `line(i)` for i = 0, 1, … until it returns undefined, then the body stays open. */
  | { kind: 'lines'; line: (i: number) => string | undefined; contentType?: string };

export interface FaultRule {
  /** The path, exactly, or a pattern (a pod's port-forward path names the pod). */
  path: string | RegExp;
  method?: string;
  /** Query parameters the request must carry with these values (e.g. `{ watch: 'true' }`). */
  query?: Record<string, string>;
  /** How many matching requests this rule handles; default: all of them. */
  times?: number;
  fault: Fault;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The raw query string, without the `?`. */
  query: string;
  authorization?: string;
  /** The fault kind applied, or 'pass' for a pass-through. */
  handled: string;
  /** The status the client got (the fault's or the upstream's); unset while none was sent. */
  status?: number;
  at: number;
}

export interface FaultProxy {
  url: string;
  port: number;
  /** Replaces the rules and resets their counters; the request log is kept (see reset()). */
  setRules(rules: FaultRule[]): void;
  /** Forgets recorded requests. */
  reset(): void;
  requests(): RecordedRequest[];
  /** Requests for one path. */
  hits(path: string): RecordedRequest[];
  /** Client connections currently open to the proxy. */
  openSockets(): number;
  /** Resolves once no client connection is open (or after timeoutMs); returns the count left. */
  waitIdle(timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x20);

function listen(server: ReturnType<typeof createServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

function trackSockets(server: ReturnType<typeof createServer>): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that vanishes mid-reply must not crash the test process.
    socket.on('error', () => undefined);
  });
  return sockets;
}

async function closeServer(server: ReturnType<typeof createServer>, sockets: Set<Socket>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  server.closeAllConnections();
  await closed;
  // 'close' events of destroyed sockets arrive on a later tick.
  const deadline = Date.now() + 2000;
  while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://x').pathname;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

async function streamHuge(res: ServerResponse, bytes: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes) });
  // A JSON-looking start, then spaces: a client that buffers it all would need `bytes` of memory.
  let sent = 0;
  const head = Buffer.from('{"object":"list","data":[');
  res.write(head);
  sent += head.length;
  while (sent < bytes && !res.destroyed) {
    const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, bytes - sent));
    sent += chunk.length;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end();
}

/** Writes `next()` until it returns undefined or the client goes, waiting for drain. */
async function pump(res: ServerResponse, next: () => string | Buffer | undefined): Promise<void> {
  for (let data = next(); data !== undefined && !res.destroyed; data = next()) {
    if (!res.write(data)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
}

function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse): void {
  switch (fault.kind) {
    case 'status':
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(
        fault.body ??
          JSON.stringify({
            message: 'Service temporarily unavailable',
            type: 'Injected',
            code: fault.status,
          }),
      );
      return;
    case 'body':
      res.writeHead(fault.status ?? 200, { 'content-type': fault.contentType ?? 'application/json' });
      res.end(fault.body);
      return;
    case 'hang':
      return; // the socket stays open until the client gives up or stop() destroys it
    case 'delay':
      return; // handled before: it passes the request on
    case 'stall-body':
      res.writeHead(fault.status ?? 200, { 'content-type': 'application/json', 'content-length': '100000' });
      res.write(fault.firstChunk ?? '{"object":"list","data":[');
      return;
    case 'reset-mid-body': {
      const length = fault.length ?? 4096;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(length) });
      res.write('{"object":"list","data":[' + ' '.repeat(Math.max(0, (fault.sendBytes ?? 512) - 25)));
      // Let the first bytes leave, then send a TCP RST.
      setTimeout(() => req.socket.resetAndDestroy(), 50);
      return;
    }
    case 'huge':
      void streamHuge(res, fault.bytes).catch(() => undefined);
      return;
    case 'endless': {
      res.writeHead(200, { 'content-type': fault.contentType ?? 'application/json' });
      res.write(fault.head);
      const chunk = Buffer.from(fault.chunk.repeat(Math.max(1, Math.floor(65536 / fault.chunk.length))));
      void pump(res, () => chunk).catch(() => undefined);
      return;
    }
    case 'lines': {
      res.writeHead(200, { 'content-type': fault.contentType ?? 'application/json' });
      let i = 0;
      void pump(res, () => {
        const line = fault.line(i++);
        return line === undefined ? undefined : `${line}\n`;
      }).catch(() => undefined);
      return; // then the body stays open until the client or stop() ends it
    }
    case 'redirect':
      res.writeHead(fault.status ?? 302, { location: fault.location, 'content-type': 'text/plain' });
      res.end(`Moved to ${fault.location}`);
      return;
    case 'echo-auth': {
      const auth = header(req, 'authorization') ?? '';
      if (fault.offset !== undefined) {
        const before = '{"message":"upstream failed; request headers: ';
        const label = 'Authorization: ';
        const filler = '-'.repeat(Math.max(0, fault.offset - before.length - label.length));
        res.writeHead(fault.status, { 'content-type': 'application/json' });
        res.end(`${before}${filler}${label}${auth}","code":${fault.status}}`);
        return;
      }
      res.writeHead(fault.status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          message: `request rejected; you sent Authorization: ${auth}`,
          type: 'Echo',
          code: fault.status,
          headers: { authorization: auth },
        }),
      );
      return;
    }
  }
}

function passThrough(
  upstream: URL | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  ca?: string,
): void {
  if (!upstream) {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end('{"message":"fault proxy: no upstream","code":502}');
    return;
  }
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  const out = send(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
      // In front of an API server: no kept-alive upstream connection outlives its request.
      ...(ca ? { ca, agent: false } : {}),
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
      up.on('error', () => res.destroy());
    },
  );
  out.on('error', () => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"message":"fault proxy: upstream failed","code":502}');
    } else res.destroy();
  });
  res.on('close', () => out.destroy());
  req.pipe(out);
}

/** Whether `rule` claims a request for `path` with this method and query. */
function claims(rule: FaultRule, req: IncomingMessage, path: string): boolean {
  const pathMatches = typeof rule.path === 'string' ? rule.path === path : rule.path.test(path);
  if (!pathMatches || (rule.method && rule.method !== req.method)) return false;
  const query = new URL(req.url ?? '/', 'http://x').searchParams;
  return Object.entries(rule.query ?? {}).every(([k, v]) => query.get(k) === v);
}

/** An upgrade (a WebSocket) passed to the upstream as raw bytes, both ways. */
function passUpgrade(
  upstream: URL | undefined,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  ca?: string,
) {
  if (!upstream) {
    socket.destroy();
    return;
  }
  const port = Number(upstream.port || (upstream.protocol === 'https:' ? 443 : 80));
  const out =
    upstream.protocol === 'https:'
      ? tlsConnect({ host: upstream.hostname, port, ca })
      : netConnect({ host: upstream.hostname, port });
  out.on('error', () => socket.destroy());
  socket.on('error', () => out.destroy());
  out.once(upstream.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i];
      lines.push(`${name}: ${name.toLowerCase() === 'host' ? upstream.host : req.rawHeaders[i + 1]}`);
    }
    out.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) out.write(head);
    out.pipe(socket);
    socket.pipe(out);
  });
  socket.on('close', () => out.destroy());
  out.on('close', () => socket.destroy());
}

export async function startFaultProxy(
  options: {
    upstream?: string;
    rules?: FaultRule[];
    /** Serve TLS with this certificate and key; trust `ca` for an https upstream. */
    tls?: { cert: string; key: string; ca?: string };
  } = {},
): Promise<FaultProxy> {
  const upstream = options.upstream ? new URL(options.upstream) : undefined;
  const ca = options.tls?.ca;
  let rules: { rule: FaultRule; used: number }[] = [];
  let log: RecordedRequest[] = [];
  const setRules = (next: FaultRule[]) => {
    rules = next.map((rule) => ({ rule, used: 0 }));
  };
  setRules(options.rules ?? []);

  const record = (req: IncomingMessage, handled: string): RecordedRequest => {
    const entry: RecordedRequest = {
      method: req.method ?? '',
      path: pathOf(req),
      query: new URL(req.url ?? '/', 'http://x').search.replace(/^\?/, ''),
      authorization: header(req, 'authorization'),
      handled,
      at: Date.now(),
    };
    log.push(entry);
    return entry;
  };
  const delays = new Set<NodeJS.Timeout>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req);
    const match = rules.find(({ rule, used }) => claims(rule, req, path) && used < (rule.times ?? Infinity));
    const entry = record(req, match ? match.rule.fault.kind : 'pass');
    const sent = () => {
      if (res.headersSent) entry.status = res.statusCode;
    };
    res.on('finish', sent);
    res.on('close', sent);
    if (!match) {
      passThrough(upstream, req, res, ca);
      return;
    }
    match.used++;
    const fault = match.rule.fault;
    if (fault.kind === 'delay') {
      const timer = setTimeout(() => {
        delays.delete(timer);
        passThrough(upstream, req, res, ca);
      }, fault.ms);
      delays.add(timer);
      return;
    }
    // Read (and drop) the request body so the client is never blocked writing it.
    req.resume();
    applyFault(fault, req, res);
  };
  const server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, handle)
    : createServer(handle);
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = pathOf(req);
    const match = rules.find(({ rule, used }) => claims(rule, req, path) && used < (rule.times ?? Infinity));
    record(req, match ? `upgrade ${match.rule.fault.kind}` : 'upgrade pass');
    socket.on('error', () => undefined);
    if (!match) {
      passUpgrade(upstream, req, socket, head, ca);
      return;
    }
    match.used++;
    // Only `hang` means something for an upgrade: accepted, never answered.
    if (match.rule.fault.kind !== 'hang') socket.destroy();
  });
  server.keepAliveTimeout = 1000;
  const sockets = trackSockets(server);
  const port = await listen(server);
  let stopped: Promise<void> | undefined;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    setRules,
    reset: () => {
      log = [];
    },
    requests: () => [...log],
    hits: (path) => log.filter((r) => r.path === path),
    openSockets: () => sockets.size,
    async waitIdle(timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return sockets.size;
    },
    stop() {
      for (const timer of delays) clearTimeout(timer);
      delays.clear();
      stopped ??= closeServer(server, sockets);
      return stopped;
    },
  };
}

/** A fault proxy in front of an API server, and a kubeconfig like the server's whose server is the proxy. */
export interface ApiFaultProxy extends FaultProxy {
  kubeconfigPath: string;
}

/**
 * A fault proxy in front of the stand-in cluster's API server (or any whose work dir holds the
 * `server.crt` and `server.key` it serves): clients keep verifying the server's own certificate,
 * and `kubeconfigPath` is a copy of the cluster's kubeconfig that points at the proxy.
 */
export async function startApiFaultProxy(cluster: {
  url: string;
  dir: string;
  caPem?: string;
  kubeconfigPath: string;
}): Promise<ApiFaultProxy> {
  const proxy = await startFaultProxy({
    upstream: cluster.url,
    tls: {
      cert: readFileSync(join(cluster.dir, 'server.crt'), 'utf8'),
      key: readFileSync(join(cluster.dir, 'server.key'), 'utf8'),
      ca: cluster.caPem,
    },
  });
  const kubeconfigPath = join(cluster.dir, `kubeconfig-via-proxy-${proxy.port}`);
  const original = readFileSync(cluster.kubeconfigPath, 'utf8');
  if (!original.includes(`server: ${cluster.url}`)) throw new Error('the kubeconfig names another server');
  writeFileSync(kubeconfigPath, original.replace(`server: ${cluster.url}`, `server: ${proxy.url}`), {
    mode: 0o600,
  });
  return Object.assign(proxy, { kubeconfigPath });
}

export interface Recorder {
  url: string;
  port: number;
  requests(): RecordedRequest[];
  /** TCP connections accepted so far (a client may connect without completing a request). */
  connections(): number;
  reset(): void;
  stop(): Promise<void>;
}

/** A server that answers every request with `reply` (default 200 `{}`) and records it. */
export async function startRecorder(
  reply: { status: number; body: string } = { status: 200, body: '{}' },
): Promise<Recorder> {
  let log: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    log.push({
      method: req.method ?? '',
      path: pathOf(req),
      query: new URL(req.url ?? '/', 'http://x').search.replace(/^\?/, ''),
      authorization: header(req, 'authorization'),
      handled: 'recorded',
      status: reply.status,
      at: Date.now(),
    });
    req.resume();
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(reply.body);
  });
  const sockets = trackSockets(server);
  let connections = 0;
  server.on('connection', () => connections++);
  const port = await listen(server);
  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => [...log],
    connections: () => connections,
    reset: () => {
      log = [];
      connections = 0;
    },
    stop() {
      stopped ??= closeServer(server, sockets);
      return stopped;
    },
  };
}
