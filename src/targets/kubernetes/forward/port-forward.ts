// In-process port-forward (no kubectl): 127.0.0.1:<free port> → a Ready pod behind the Service,
// or one pinned pod (a frontend replica proven on its own). One PortForward WebSocket per client
// connection; behind the Service the pod is re-resolved for each, so a pod replaced between check
// attempts is picked up. client-node surfaces no error or close after the socket opens, so both
// directions are wired here. Every WebSocket has a handshake deadline (a proxy that holds the
// upgrade) and is tracked, so close() ends pending ones too.

import { limitation, type Limitation } from '../../../model/findings.js';
import { WS_HANDSHAKE_TIMEOUT_MS } from '../../../bounded/limits.js';
import { quote } from '../../../runner/redact.js';
import net from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { PortForward, WebSocketHandler, type KubeConfig } from '../api/client.js';
import WebSocket from 'ws';
import { RunFailure, type FailureCause } from '../../../model/failure.js';
import type { Logger } from '../../../session.js';
import { apiFailure, forbiddenCause } from '../api/api-failure.js';
import { type KubeApi } from '../api/kube-api.js';
import type { JsonObject } from '../object/json.js';
import { portForwardCommand, type Step } from '../kubectl-steps.js';
import { pickPod, type ServicePort } from '../object/service-port.js';

export interface Forward {
  url: string;
  localPort: number;
  /** The pod the last connection went to. */
  lastPod(): string | undefined;
  /** The pods behind the Service as listed when the forward opened (none for a pinned pod). */
  listed: JsonObject[];
  close(): Promise<void>;
}

/** One pod every connection goes to, and the container port the Service's targetPort is there. */
export interface PinnedPod {
  pod: string;
  port: number;
}

export interface ForwardTarget {
  namespace: string;
  service: string;
  selector: string;
  port: ServicePort;
}

/** Upgrade requests the API server refused (401, 403, 400 …), by socket: status and Status body. */
type Rejections = WeakMap<object, { status: number; body: string }>;

function portForwarder(kc: KubeConfig, rejections: Rejections, open: Set<WebSocket>): PortForward {
  // Our own `ws` factory: the library's isomorphic-ws default import breaks once bundled. Our own
  // streams: the handler otherwise ends process.stdout when the server closes a stream.
  const streams = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  const handler = new WebSocketHandler(
    kc,
    (uri, protocols, opts) => {
      // An upgrade nobody answers fails after the deadline instead of holding the run open.
      const ws = new WebSocket(uri, protocols, { ...opts, handshakeTimeout: WS_HANDSHAKE_TIMEOUT_MS });
      open.add(ws);
      ws.once('close', () => open.delete(ws));
      // Keep the refusal's Status body (it names the verb and resource a 403 lacks); `ws` would
      // only say "Unexpected server response: 403".
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        let done = false;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 8192) body += chunk;
        });
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(cap);
          rejections.set(ws, { status: res.statusCode ?? 0, body });
          ws.terminate();
        };
        // A refusal whose body never ends is read no longer than an upgrade is waited for.
        const cap = setTimeout(finish, WS_HANDSHAKE_TIMEOUT_MS);
        res.once('end', finish);
        res.once('close', finish);
        res.once('error', finish);
      });
      return ws;
    },
    streams,
  );
  return new PortForward(kc, true, handler);
}

interface Problem {
  code: 'cluster-forbidden' | 'cluster-unauthorized' | 'port-forward-failed';
  message: string;
  hint?: string;
  cause?: FailureCause;
}

function statusMessage(body: string): string | undefined {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' && message ? message : undefined;
  } catch {
    return quote(body, 300) || undefined;
  }
}

/** What went wrong opening one forwarded connection, as the failure to report. */
function problemOf(error: unknown, rejections: Rejections, where: string): Problem {
  if (error instanceof RunFailure)
    return { code: 'port-forward-failed', message: error.message, hint: error.hint };
  const target = error && typeof error === 'object' ? (error as { target?: unknown }).target : undefined;
  const rejected = target && typeof target === 'object' ? rejections.get(target) : undefined;
  if (rejected) {
    const message = statusMessage(rejected.body);
    const detail = message ? `: ${message}` : '';
    if (rejected.status === 403)
      return {
        code: 'cluster-forbidden',
        message: `Forbidden (403) while trying to open a port-forward to ${where} (pods/portforward: a WebSocket upgrade, authorized as get, and from Kubernetes 1.35 create as well)${detail}.`,
        hint: 'grant `get` and `create` on `pods/portforward` in the namespace (deploy/rbac.yaml), or set `base-url` to an ingress',
        cause: forbiddenCause(message),
      };
    if (rejected.status === 401)
      return {
        code: 'cluster-unauthorized',
        message: `The API server rejected the credentials (401) for the port-forward to ${where}.`,
      };
    return {
      code: 'port-forward-failed',
      message: `The API server refused the port-forward to ${where} (${rejected.status}${detail}).`,
    };
  }
  return {
    code: 'port-forward-failed',
    message: `The port-forward to ${where} failed: ${describeWsError(error)}.`,
  };
}

/**
 * One request through a fresh forwarded connection: any HTTP answer proves the path to the pod.
 * Resolves false when the connection closed unanswered, true when answered or still pending
 * after `waitMs` once `upgraded()` (a slow frontend is the check's business, not the forward's);
 * an upgrade still pending then is waited for (its handshake deadline ends it).
 */
function probe(port: number, waitMs: number, upgraded: () => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    let timer: NodeJS.Timeout;
    const wait = (ms: number) => {
      timer = setTimeout(() => (upgraded() ? settle(true) : wait(100)), ms);
    };
    wait(waitMs);
    socket.on('connect', () =>
      socket.write('GET /live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
    );
    socket.once('data', () => settle(true));
    socket.on('error', () => settle(false));
    socket.on('close', () => settle(false));
  });
}

/** How long the start-up probe waits for an answer before leaving the judgement to the check. */
export const PROBE_WAIT_MS = 5000;

export async function resolvePod(
  api: KubeApi,
  target: ForwardTarget,
): Promise<PinnedPod & { listed: JsonObject[] }> {
  const pods = await api.listPods(target.namespace, target.selector);
  const picked = pickPod(pods.items, target.port.targetPort);
  if (!picked) {
    throw new RunFailure(
      'port-forward-failed',
      pods.items.length === 0
        ? `No pod matches the selector ${target.selector} of Service ${target.namespace}/${target.service}.`
        : `None of the ${pods.items.length} pod(s) behind Service ${target.namespace}/${target.service} is Ready${typeof target.port.targetPort === 'string' ? ` with a container port named ${target.port.targetPort}` : ''}.`,
    );
  }
  return { ...picked, listed: pods.items };
}

/** Where the check goes: a port-forward, or the URL `base-url` gave instead. */
export interface Forwarding {
  baseUrl: string;
  /** Releases the forward's port and sockets; never throws. */
  close(): Promise<void>;
  limitations: Limitation[];
  steps: Step[];
  /** The pods behind the Service as the forward listed them (none with `base-url`). */
  listed: JsonObject[];
}

/** The forward phase: a local port to a Ready frontend pod, in its own log group, unless `baseUrl` is given. */
export async function openForward(
  api: KubeApi,
  kc: KubeConfig,
  target: ForwardTarget,
  baseUrl: string | undefined,
  log: Logger,
): Promise<Forwarding> {
  if (baseUrl) {
    return {
      baseUrl,
      close: async () => undefined,
      limitations: [
        limitation(
          'base-url-instead-of-forward',
          `The check used ${baseUrl} (base-url) instead of a port-forward; it reaches whatever that URL routes to.`,
        ),
      ],
      steps: [],
      listed: [],
    };
  }
  let forward: Forward;
  try {
    forward = await log.group('Port-forward', () => startForward(api, kc, target, (line) => log.info(line)));
  } catch (error) {
    throw error instanceof RunFailure
      ? error
      : apiFailure(
          error,
          `find a Ready pod behind Service ${target.namespace}/${target.service}`,
          api.server,
        );
  }
  return {
    baseUrl: forward.url,
    close: () => forward.close().catch(() => undefined),
    limitations: [],
    steps: [
      {
        title: 'Forward a local port to the frontend',
        command: portForwardCommand(target.namespace, target.service, target.port.port),
      },
    ],
    listed: forward.listed,
  };
}

/**
 * Forwards a local port to the Service's newest Ready pod, resolved afresh per connection, or,
 * with `pinned`, to that one pod for every connection (a replica; nothing is listed then).
 */
export async function startForward(
  api: KubeApi,
  kc: KubeConfig,
  target: ForwardTarget,
  log: (line: string) => void,
  pinned?: PinnedPod,
): Promise<Forward> {
  // Resolve once up front so a missing pod fails the run here, with its reason. The first
  // connection (the probe's, a moment later) goes to that pod instead of listing the pods again.
  const behind = pinned ? undefined : await resolvePod(api, target);
  let upFront: PinnedPod | undefined = pinned ?? behind;
  let last: string | undefined = upFront?.pod;
  const where = pinned
    ? `pod ${target.namespace}/${pinned.pod}`
    : `Service ${target.namespace}/${target.service}`;
  const rejections: Rejections = new WeakMap();
  const webSockets = new Set<WebSocket>();
  const forwarder = portForwarder(kc, rejections, webSockets);
  let upgrades = 0;
  let closed = false;
  let lastProblem: Problem | undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.pause();
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    void (async () => {
      try {
        const resolved = upFront ?? pinned ?? (await resolvePod(api, target));
        upFront = undefined;
        const { pod, port } = resolved;
        last = pod;
        let failed = false;
        const errors = new Writable({
          write(chunk: Buffer, _encoding, callback) {
            // The first frame only carries the port; any text after it is a pod-side failure.
            const text = chunk.toString('utf8').trim();
            if (text && !failed) {
              failed = true;
              lastProblem = {
                code: 'port-forward-failed',
                message: `The port-forward to pod ${target.namespace}/${pod} port ${port} failed: ${text}`,
                hint: `check that Service ${target.namespace}/${target.service} targets the port the frontend listens on (its containerPort and --http-port / DYN_HTTP_PORT)`,
              };
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
        upgrades++;
        ws.on('close', () => socket.end());
        ws.on('error', () => socket.destroy());
        socket.on('close', () => {
          if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
        });
        if (socket.destroyed) ws.close();
        else socket.resume();
      } catch (error) {
        socket.destroy();
        if (closed) return; // ended by close(), not by the cluster
        lastProblem = problemOf(error, rejections, `pod ${target.namespace}/${last ?? '?'}`);
        log(`Port-forward connection failed: ${lastProblem.message}`);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  const close = async () => {
    closed = true;
    // Pending upgrades too: a WebSocket still connecting holds a socket of its own.
    for (const ws of webSockets) ws.terminate();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  // Prove the path once before the check: a refused upgrade (403 on pods/portforward) or text on
  // the error channel (nothing listening on the target port) fails here with its real cause,
  // instead of as an unreachable frontend after every retry.
  if (!(await probe(address.port, PROBE_WAIT_MS, () => upgrades > 0))) {
    await close();
    const problem = lastProblem ?? {
      code: 'port-forward-failed' as const,
      message: `The port-forward to ${where} closed before the frontend answered.`,
    };
    throw new RunFailure(problem.code, problem.message, problem.hint, [], problem.cause);
  }
  log(
    `Port-forward: 127.0.0.1:${address.port} → ${where} (pod port ${String(pinned?.port ?? target.port.targetPort)}), one connection per request.`,
  );
  return {
    url: `http://127.0.0.1:${address.port}`,
    localPort: address.port,
    lastPod: () => last,
    listed: behind?.listed ?? [],
    close,
  };
}

function describeWsError(error: unknown): string {
  const message =
    error && typeof error === 'object' && 'message' in error
      ? String((error as { message: unknown }).message).split('\n')[0]
      : String(error);
  if (/handshake has timed out/i.test(message))
    return `the API server did not answer its WebSocket upgrade within ${WS_HANDSHAKE_TIMEOUT_MS / 1000} s (a proxy or load balancer in between may hold upgrades)`;
  return message;
}
