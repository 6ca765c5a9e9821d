// The stand-in kube-apiserver: its request log, and the dispatcher that hands each request to
// routes/ (discovery, access, resources and verbs, watch, logs, port-forward). Faults on the wire
// are not its business: tests put the fault proxy (__tests__/support/fault-proxy.ts) in front of it.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { WebSocketServer } from 'ws';
import type { AdmissionConfig } from './admission.ts';
import { findByPlural, type ResourceType } from './resources.ts';
import type { ApiServerOptions, RbacConfig, RequestLogEntry } from './server-options.ts';
import { ApiError } from './store.ts';
import { authenticate, selfSubjectAccessReview } from './routes/access.ts';
import { isWatch, queryOf, sendJson, sendStatus, type ServerContext } from './routes/context.ts';
import { serveDiscovery } from './routes/discovery.ts';
import { handleUpgrade, pickProtocol } from './routes/portforward.ts';
import { serveResource } from './routes/resources.ts';

export type {
  ApiServerOptions,
  DenyRule,
  RbacConfig,
  RequestLogEntry,
  ServerHooks,
} from './server-options.ts';

export class ApiServer implements ServerContext {
  readonly requestLog: RequestLogEntry[] = [];
  url = '';
  port = 0;
  private server!: http.Server | https.Server;
  readonly sockets = new Set<net.Socket>();
  readonly watches = new Set<() => void>();
  readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => pickProtocol(protocols),
  });
  readonly opts: ApiServerOptions;

  constructor(opts: ApiServerOptions) {
    this.opts = opts;
  }

  /** Versions of `rt` this server serves: DGD versions follow the installed operator release. */
  versionsOf(rt: ResourceType): string[] {
    const only = this.opts.dgdVersions;
    return rt.kind === 'DynamoGraphDeployment' && only
      ? rt.versions.filter((v) => only.includes(v))
      : rt.versions;
  }

  served(group: string, version: string, plural: string): ResourceType | undefined {
    const rt = findByPlural(group, version, plural);
    return rt && this.versionsOf(rt).includes(version) ? rt : undefined;
  }

  readonly admission: AdmissionConfig = { webhookDown: false };

  get rbac(): RbacConfig {
    return this.opts.rbac;
  }

  async listen(): Promise<void> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.handle(req, res).catch((err) => {
        console.error('[stand-in] request failed', err);
        if (!res.headersSent)
          sendStatus(
            res,
            new ApiError(500, 'InternalError', `Internal error occurred: ${String(err?.message ?? err)}`),
          );
        else res.destroy();
      });
    };
    this.server = this.opts.http
      ? http.createServer(handler)
      : https.createServer({ cert: this.opts.tls!.certPem, key: this.opts.tls!.keyPem }, handler);
    this.server.keepAliveTimeout = 30000;
    const track = (s: net.Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    };
    this.server.on('connection', track);
    this.server.on('upgrade', (req, socket, head) => {
      handleUpgrade(this, req, socket as net.Socket, head).catch((err) => {
        console.error('[stand-in] upgrade failed', err);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const addr = this.server.address() as net.AddressInfo;
    this.port = addr.port;
    this.url = `${this.opts.http ? 'http' : 'https'}://127.0.0.1:${addr.port}`;
  }

  /** End every open watch stream (clients see the connection close, as after an apiserver restart). */
  closeWatches(): void {
    for (const close of [...this.watches]) close();
  }

  async close(): Promise<void> {
    this.closeWatches();
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
    this.wss.close();
  }

  get gitVersion(): string {
    return this.opts.kubernetesVersion ?? 'v1.32.0-standin';
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const u = new URL(req.url ?? '/', 'http://x');
    const query = queryOf(u);
    const method = (req.method ?? 'GET').toUpperCase();
    const entry: RequestLogEntry = {
      time: new Date().toISOString(),
      method,
      path: u.pathname,
      query,
      rawQuery: u.search.replace(/^\?/, ''),
      contentType: req.headers['content-type'],
      status: 0,
      dryRun: u.searchParams.get('dryRun') === 'All',
      watch: isWatch(u.searchParams),
      durationMs: 0,
    };
    this.requestLog.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
      entry.durationMs = Date.now() - started;
    });
    res.on('close', () => {
      if (!entry.status) entry.status = res.headersSent ? res.statusCode : 0;
      entry.durationMs = Date.now() - started;
    });

    if (['/healthz', '/livez', '/readyz'].includes(u.pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    const user = authenticate(this, req);
    const reqCt = String(req.headers['content-type'] ?? '');
    if (user && /protobuf|cbor/.test(reqCt)) {
      // only JSON (and YAML) bodies are understood
      sendStatus(
        res,
        new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
        ),
      );
      entry.user = user;
      return;
    }
    if (!user) {
      sendJson(res, 401, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
      return;
    }
    entry.user = user;
    try {
      await this.route(req, res, u, method, user, entry);
    } catch (e) {
      if (e instanceof ApiError) {
        if (!res.headersSent) sendStatus(res, e);
        return;
      }
      throw e;
    }
  }

  /** Discovery, then access reviews, then resources and their verbs (watch, logs included). */
  private async route(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    u: URL,
    method: string,
    user: string,
    entry: RequestLogEntry,
  ): Promise<void> {
    const p = u.pathname.replace(/\/+$/, '') || '/';
    const segs = p.split('/').filter(Boolean).map(decodeURIComponent);
    if (serveDiscovery(this, p, segs, res)) return;
    if (p === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews' && method === 'POST')
      return selfSubjectAccessReview(this, req, res, user);
    await serveResource(this, req, res, u, method, user, entry, segs);
  }
}
