// The stand-in kube-apiserver: REST, discovery, watch, Status errors, auth, RBAC-style denials,
// fault hooks, request log and the pod portforward subresource (WebSocket, v4.channel.k8s.io).
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import YAML from 'yaml';
import { schemaErrors, webhookDownError, webhookErrors, type AdmissionConfig } from './admission.ts';
import { applyDefaults } from './defaults.ts';
import type { LogOptions } from './kubelet.ts';
import { differs, managerOf, nextManagedFields, type Operation, type Write } from './managed.ts';
import { jsonPatch, mergePatch, strategicMergePatch, PatchError, clone } from './patch.ts';
import {
  RESOURCES,
  convertTo,
  compareKubeVersions,
  findByPlural,
  groupVersion,
  qualified,
  type ResourceType,
} from './resources.ts';
import {
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  SUPPORTED_FIELDS,
} from './selectors.ts';
import { ApiError, details, notFound, type K8sObject, type Store, type StoreEvent } from './store.ts';
import { tableVersion, toTable, wantsTable } from './tables.ts';
import { allowedBy, minorOf, portForwardVerbs, type PolicyRule } from './rbac.ts';

type AnyObj = Record<string, any>;

export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  rawQuery: string;
  contentType?: string;
  status: number;
  user?: string;
  verb?: string;
  resource?: string; // plural or plural/subresource
  group?: string;
  version?: string;
  namespace?: string;
  name?: string;
  dryRun: boolean;
  watch: boolean;
  durationMs: number;
  body?: unknown; // parsed request body for writes
}

export interface DenyRule {
  verbs?: string[]; // e.g. ['patch'], '*' if absent
  resources?: string[]; // plural or plural/subresource ('dynamographdeployments', 'pods/portforward')
  groups?: string[];
  namespaces?: string[];
  names?: string[];
  users?: string[];
}

export interface RbacConfig {
  deny: DenyRule[];
  /** A Role's rules (rbac.ts): when set, everything they do not grant is Forbidden. */
  allow?: PolicyRule[];
}

export interface Fault {
  method?: string;
  path: RegExp | string; // regex (string form) matched against the path (no query)
  query?: RegExp | string; // optional regex on the raw query string
  times?: number; // how many requests it applies to (default: unlimited)
  status?: number;
  body?: unknown; // object -> JSON, string -> as is
  headers?: Record<string, string>;
  delayMs?: number; // wait, then respond with status/body if given, else pass through
  hang?: boolean; // never answer (socket closed at stop)
  drop?: boolean; // destroy the connection without a response
}

export interface FaultHandle {
  readonly hits: number;
  remove(): void;
}

export class Faults {
  private list: (Fault & { hitsCount: number; re: RegExp; qre?: RegExp })[] = [];
  add(f: Fault): FaultHandle {
    const entry = {
      ...f,
      hitsCount: 0,
      re: typeof f.path === 'string' ? new RegExp(f.path) : f.path,
      qre: f.query === undefined ? undefined : typeof f.query === 'string' ? new RegExp(f.query) : f.query,
    };
    this.list.push(entry);
    return {
      get hits() {
        return entry.hitsCount;
      },
      remove: () => {
        this.list = this.list.filter((x) => x !== entry);
      },
    };
  }
  clear(): void {
    this.list = [];
  }
  /** @internal */
  take(method: string, path: string, rawQuery: string): Fault | undefined {
    for (const f of this.list) {
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (!f.re.test(path)) continue;
      if (f.qre && !f.qre.test(rawQuery)) continue;
      if (f.times !== undefined && f.hitsCount >= f.times) continue;
      f.hitsCount++;
      return f;
    }
    return undefined;
  }
}

export interface ServerHooks {
  /** Delete with Kubernetes semantics (graceful pods, cascading, namespaces). Returns the response object. */
  deleteObject(
    rt: ResourceType,
    ns: string | undefined,
    name: string,
    opts: { gracePeriodSeconds?: number; propagationPolicy?: string; dryRun?: boolean },
  ): K8sObject;
  /** Connect to a pod's port; rejects with the kubelet's error text. */
  dialPod(ns: string, pod: string, port: number): Promise<net.Socket>;
  podLog(ns: string, pod: string, container: string | undefined, opts: LogOptions): string;
}

export interface ApiServerOptions {
  store: Store;
  token: string;
  user: string;
  http?: boolean;
  tls?: { certPem: string; keyPem: string };
  rbac: RbacConfig;
  /** The Kubernetes version the stand-in pretends to be (`/version`, port-forward authorization). */
  kubernetesVersion?: string;
  hooks: ServerHooks;
  bookmarkIntervalMs?: number;
  /** The operator's admission webhooks (mutable: `cluster.admission.webhookDown = true`). */
  admission?: AdmissionConfig;
  logBodies?: boolean;
  /** The DGD versions this cluster's CRD serves (an operator release); default: all. */
  dgdVersions?: string[];
}

interface Route {
  rt: ResourceType;
  group: string;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const JSON_CT = 'application/json';
const OPENAPI_HASH = 'STANDIN0000000000000000000000000000000000000000000000000000000000';

export class ApiServer {
  readonly requestLog: RequestLogEntry[] = [];
  readonly faults = new Faults();
  url = '';
  port = 0;
  private server!: http.Server | https.Server;
  private sockets = new Set<net.Socket>();
  private watches = new Set<() => void>();
  private wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => pickProtocol(protocols),
  });
  private opts: ApiServerOptions;

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

  private served(group: string, version: string, plural: string): ResourceType | undefined {
    const rt = findByPlural(group, version, plural);
    return rt && this.versionsOf(rt).includes(version) ? rt : undefined;
  }

  readonly admission: AdmissionConfig = { webhookDown: false };

  /** Admission for DGD writes, on the v1beta1 form the operator validates; throws the API error. */
  private admit(rt: ResourceType, obj: AnyObj, version: string): void {
    if (rt.kind !== 'DynamoGraphDeployment') return;
    const beta = convertTo(obj, rt, 'v1beta1');
    // Mutating webhooks run first (a dead one fails the request), then schema, then validating.
    if (this.admission.webhookDown) throw webhookDownError(version);
    const schema = schemaErrors(beta);
    if (schema) throw schema;
    const denied = webhookErrors(beta);
    if (denied) throw denied;
  }

  get rbac(): RbacConfig {
    return this.opts.rbac;
  }

  async listen(): Promise<void> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.handle(req, res).catch((err) => {
        console.error('[stand-in] request failed', err);
        if (!res.headersSent)
          this.sendStatus(
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
      this.handleUpgrade(req, socket as net.Socket, head).catch((err) => {
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

  // ---- helpers -----------------------------------------------------------------------------
  private sendJson(
    res: http.ServerResponse,
    code: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    const data = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': JSON_CT, 'Cache-Control': 'no-cache, private', ...headers });
    res.end(data);
  }

  private sendStatus(res: http.ServerResponse, err: ApiError): void {
    this.sendJson(res, err.code, err.toStatus());
  }

  private authenticate(req: http.IncomingMessage): string | undefined {
    const h = req.headers.authorization ?? '';
    const m = h.match(/^Bearer\s+(.+)$/i);
    if (m && m[1].trim() === this.opts.token) return this.opts.user;
    return undefined;
  }

  private authorize(
    user: string,
    verb: string,
    rt: ResourceType,
    resource: string,
    ns: string | undefined,
    name: string | undefined,
  ): void {
    for (const r of this.opts.rbac.deny) {
      if (r.users && !r.users.includes(user)) continue;
      if (r.verbs && !r.verbs.includes(verb) && !r.verbs.includes('*')) continue;
      if (r.resources && !r.resources.includes(resource) && !r.resources.includes('*')) continue;
      if (r.groups && !r.groups.includes(rt.group) && !r.groups.includes('*')) continue;
      if (r.namespaces && !(ns && r.namespaces.includes(ns))) continue;
      if (r.names && !(name && r.names.includes(name))) continue;
      throw forbidden(user, verb, rt, resource, ns, name);
    }
    const allow = this.opts.rbac.allow;
    if (allow && !allowedBy(allow, verb, rt.group, resource, name))
      throw forbidden(user, verb, rt, resource, ns, name);
  }

  private get gitVersion(): string {
    return this.opts.kubernetesVersion ?? 'v1.32.0-standin';
  }

  /** A WebSocket port-forward (GET upgrade) is authorized with these verbs on this version. */
  private authorizePortForward(user: string, rt: ResourceType, ns: string, name: string): void {
    for (const verb of portForwardVerbs(this.gitVersion))
      this.authorize(user, verb, rt, 'pods/portforward', ns, name);
  }

  private async readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private parseBody(text: string, contentType: string): AnyObj {
    try {
      if (/yaml/.test(contentType)) return YAML.parse(text) as AnyObj;
      return JSON.parse(text) as AnyObj;
    } catch (e) {
      throw new ApiError(
        400,
        'BadRequest',
        `the object provided is unrecognized (must be of type ...): couldn't get version/kind; json parse error: ${(e as Error).message}`,
      );
    }
  }

  // ---- discovery ---------------------------------------------------------------------------
  private groups(): { name: string; versions: string[] }[] {
    const m = new Map<string, string[]>();
    for (const rt of RESOURCES) {
      if (!rt.group) continue;
      const vs = m.get(rt.group) ?? [];
      for (const v of this.versionsOf(rt)) if (!vs.includes(v)) vs.push(v);
      m.set(rt.group, vs.sort(compareKubeVersions));
    }
    m.set('authorization.k8s.io', ['v1']);
    return [...m.entries()].map(([name, versions]) => ({ name, versions }));
  }

  private groupVersions(): string[] {
    const out = ['v1'];
    for (const g of this.groups()) for (const v of g.versions) out.push(`${g.name}/${v}`);
    return out;
  }

  /**
   * A minimal OpenAPI v3 document per group-version: paths with their operations, the
   * x-kubernetes-group-version-kind extension and the query parameters (enough for kubectl to see
   * that the server validates fields itself, so `kubectl apply/create` work). Schemas are open.
   */
  private openapiV3(gv: string): AnyObj {
    const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
    const q = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
    const paths: AnyObj = {};
    const schemas: AnyObj = {};
    for (const rt of RESOURCES) {
      if (rt.group !== group || !this.versionsOf(rt).includes(version)) continue;
      const gvk = { group: rt.group, version, kind: rt.kind };
      const ref = `${rt.group || 'core'}.${version}.${rt.kind}`;
      schemas[ref] = {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
        'x-kubernetes-group-version-kind': [gvk],
      };
      const body = { content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } };
      const resp = {
        responses: {
          '200': {
            description: 'OK',
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
          },
        },
      };
      const op = (action: string, extra: AnyObj = {}) => ({
        ...resp,
        'x-kubernetes-action': action,
        'x-kubernetes-group-version-kind': gvk,
        ...extra,
      });
      const prefix = `/${gv === 'v1' ? 'api/v1' : `apis/${gv}`}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}`;
      const writeParams = [q('dryRun'), q('fieldManager'), q('fieldValidation')];
      paths[prefix] = {
        get: op('list', {
          parameters: [
            q('labelSelector'),
            q('fieldSelector'),
            q('limit'),
            q('continue'),
            q('resourceVersion'),
            q('watch'),
            q('timeoutSeconds'),
          ],
        }),
        post: op('post', { requestBody: body, parameters: writeParams }),
        delete: op('deletecollection'),
      };
      paths[`${prefix}/{name}`] = {
        get: op('get'),
        put: op('put', { requestBody: body, parameters: writeParams }),
        patch: op('patch', {
          requestBody: {
            content: {
              'application/merge-patch+json': { schema: { type: 'object' } },
              'application/json-patch+json': { schema: { type: 'object' } },
            },
          },
          parameters: [...writeParams, q('force')],
        }),
        delete: op('delete', { parameters: [q('dryRun'), q('gracePeriodSeconds'), q('propagationPolicy')] }),
      };
      if (rt.subresources.includes('status')) {
        paths[`${prefix}/{name}/status`] = {
          get: op('get'),
          put: op('put', { requestBody: body, parameters: writeParams }),
          patch: op('patch', { parameters: [...writeParams, q('force')] }),
        };
      }
    }
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'v1.32.0-standin' },
      paths,
      components: { schemas },
    };
  }

  private apiGroup(g: { name: string; versions: string[] }): AnyObj {
    const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
    return { name: g.name, versions, preferredVersion: versions[0] };
  }

  private resourceList(group: string, version: string): AnyObj | undefined {
    const gv = groupVersion(group, version);
    const resources: AnyObj[] = [];
    if (group === 'authorization.k8s.io' && version === 'v1') {
      resources.push({
        name: 'selfsubjectaccessreviews',
        singularName: 'selfsubjectaccessreview',
        namespaced: false,
        kind: 'SelfSubjectAccessReview',
        verbs: ['create'],
      });
    }
    for (const rt of RESOURCES) {
      if (rt.group !== group || !this.versionsOf(rt).includes(version)) continue;
      const r: AnyObj = {
        name: rt.plural,
        singularName: rt.singular,
        namespaced: rt.namespaced,
        kind: rt.kind,
        verbs: [
          ...(rt.plural === 'events' || rt.plural === 'pods'
            ? ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
            : ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']),
        ],
      };
      if (rt.shortNames) r.shortNames = rt.shortNames;
      if (rt.categories) r.categories = rt.categories;
      r.storageVersionHash = Buffer.from(`${rt.group}/${rt.plural}`).toString('base64').slice(0, 11);
      resources.push(r);
      for (const sub of rt.subresources) {
        const verbs =
          sub === 'status' || sub === 'scale'
            ? ['get', 'patch', 'update']
            : sub === 'log'
              ? ['get']
              : ['create', 'get'];
        const kind = sub === 'scale' ? 'Scale' : sub === 'portforward' ? 'PodPortForwardOptions' : rt.kind;
        const sr: AnyObj = {
          name: `${rt.plural}/${sub}`,
          singularName: '',
          namespaced: rt.namespaced,
          kind,
          verbs,
        };
        if (sub === 'scale') {
          sr.group = 'autoscaling';
          sr.version = 'v1';
        }
        resources.push(sr);
      }
    }
    if (!resources.length) return undefined;
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
  }

  // ---- routing -----------------------------------------------------------------------------
  private parseRoute(segs: string[]): Route | undefined {
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api' && segs[1] === 'v1') {
      group = '';
      version = 'v1';
      rest = segs.slice(2);
    } else if (segs[0] === 'apis' && segs.length >= 3) {
      group = segs[1];
      version = segs[2];
      rest = segs.slice(3);
    } else return undefined;
    if (rest.length === 0) return undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const rt = this.served(group, version, rest[2]);
      if (rt && rt.namespaced) {
        return { rt, group, version, namespace: rest[1], name: rest[3], subresource: rest[4] };
      }
      if (group === '' && (rest[2] === 'status' || rest[2] === 'finalize') && rest.length === 3) {
        return {
          rt: findByPlural('', 'v1', 'namespaces')!,
          group,
          version,
          name: rest[1],
          subresource: rest[2],
        };
      }
      if (!rt) return undefined;
    }
    const rt = this.served(group, version, rest[0]);
    if (!rt) return undefined;
    if (rt.namespaced) return { rt, group, version, name: rest[1], subresource: rest[2] }; // all-namespaces list/watch
    return { rt, group, version, name: rest[1], subresource: rest[2] };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const u = new URL(req.url ?? '/', 'http://x');
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of u.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
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

    const fault = this.faults.take(method, u.pathname, entry.rawQuery);
    if (fault) {
      if (fault.drop) {
        req.socket.destroy();
        return;
      }
      if (fault.hang) return;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.status !== undefined) {
        const body =
          fault.body === undefined
            ? ''
            : typeof fault.body === 'string'
              ? fault.body
              : JSON.stringify(fault.body);
        res.writeHead(fault.status, {
          'Content-Type': typeof fault.body === 'string' ? 'text/plain' : JSON_CT,
          ...(fault.headers ?? {}),
        });
        res.end(body);
        return;
      }
    }

    if (['/healthz', '/livez', '/readyz'].includes(u.pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    const user = this.authenticate(req);
    const reqCt = String(req.headers['content-type'] ?? '');
    if (user && /protobuf|cbor/.test(reqCt)) {
      // only JSON (and YAML) bodies are understood
      this.sendStatus(
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
      this.sendJson(res, 401, {
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
        if (!res.headersSent) this.sendStatus(res, e);
        return;
      }
      throw e;
    }
  }

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
    if (p === '/version') {
      this.sendJson(res, 200, {
        major: '1',
        minor: String(minorOf(this.gitVersion)),
        gitVersion: this.gitVersion,
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2025-01-01T00:00:00Z',
        goVersion: 'go1.23.4',
        compiler: 'gc',
        platform: 'linux/amd64',
      });
      return;
    }
    if (p === '/openapi/v3') {
      const paths: AnyObj = {};
      for (const gv of this.groupVersions())
        paths[gv === 'v1' ? 'api/v1' : `apis/${gv}`] = {
          serverRelativeURL: `/openapi/v3/${gv === 'v1' ? 'api/v1' : `apis/${gv}`}?hash=${OPENAPI_HASH}`,
        };
      this.sendJson(res, 200, { paths });
      return;
    }
    if (p.startsWith('/openapi/v3/')) {
      const rest = p.slice('/openapi/v3/'.length);
      const gv = rest === 'api/v1' ? 'v1' : rest.startsWith('apis/') ? rest.slice(5) : '';
      if (!this.groupVersions().includes(gv))
        throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
      this.sendJson(res, 200, this.openapiV3(gv));
      return;
    }
    if (p === '/api') {
      this.sendJson(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${this.port}` }],
      });
      return;
    }
    if (p === '/apis') {
      this.sendJson(res, 200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: this.groups().map((g) => this.apiGroup(g)),
      });
      return;
    }
    if (segs[0] === 'apis' && segs.length === 2) {
      const g = this.groups().find((x) => x.name === segs[1]);
      if (!g) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
      this.sendJson(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...this.apiGroup(g) });
      return;
    }
    if ((segs[0] === 'api' && segs.length === 2) || (segs[0] === 'apis' && segs.length === 3)) {
      const rl =
        segs[0] === 'api'
          ? segs[1] === 'v1'
            ? this.resourceList('', 'v1')
            : undefined
          : this.resourceList(segs[1], segs[2]);
      if (!rl) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
      this.sendJson(res, 200, rl);
      return;
    }
    if (p === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews' && method === 'POST') {
      const body = this.parseBody(await this.readBody(req), req.headers['content-type'] ?? JSON_CT);
      const ra = body?.spec?.resourceAttributes ?? {};
      let allowed = true;
      let reason = '';
      const rt = RESOURCES.find((r) => r.plural === ra.resource && r.group === (ra.group ?? ''));
      if (rt) {
        try {
          this.authorize(
            user,
            ra.verb ?? 'get',
            rt,
            ra.subresource ? `${ra.resource}/${ra.subresource}` : ra.resource,
            ra.namespace || undefined,
            ra.name || undefined,
          );
        } catch (e) {
          allowed = false;
          reason = (e as Error).message;
        }
      }
      this.sendJson(res, 201, {
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: body.spec ?? {},
        status: allowed ? { allowed: true } : { allowed: false, denied: true, reason },
      });
      return;
    }
    const r = this.parseRoute(segs);
    if (!r) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    const { rt, version } = r;
    const q = u.searchParams;
    const watch = isWatch(q);
    const resource = r.subresource ? `${rt.plural}/${r.subresource}` : rt.plural;
    const verb = verbOf(method, r, watch);
    Object.assign(entry, { verb, resource, group: rt.group, version, namespace: r.namespace, name: r.name });
    if (r.subresource && !rt.subresources.includes(r.subresource)) {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
    }
    if (r.subresource === 'portforward' && method === 'GET' && r.namespace && r.name)
      this.authorizePortForward(user, rt, r.namespace, r.name);
    else
      this.authorize(
        user,
        r.subresource === 'portforward' ? 'create' : verb,
        rt,
        resource,
        r.namespace,
        r.name,
      );
    const warn = rt.deprecatedVersions?.[version];
    if (warn) res.setHeader('Warning', `299 - "${warn}"`);
    const dryRun = q.get('dryRun') === 'All';
    const store = this.opts.store;
    const accept = req.headers.accept;

    const view = (o: K8sObject): K8sObject => {
      const v = convertTo(o, rt, version);
      return { ...v, apiVersion: groupVersion(rt.group, version), kind: rt.kind } as K8sObject;
    };

    switch (verb) {
      case 'get': {
        if (r.subresource === 'log') {
          const num = (name: string) => (q.get(name) !== null ? Number(q.get(name)) : undefined);
          for (const name of ['sinceSeconds', 'limitBytes']) {
            const v = num(name);
            if (v !== undefined && !(Number.isInteger(v) && v > 0))
              throw new ApiError(
                422,
                'Invalid',
                `PodLogOptions "${r.name}" is invalid: ${name}: Invalid value: ${q.get(name)}: must be greater than 0`,
              );
          }
          if (q.get('sinceSeconds') !== null && q.get('sinceTime') !== null)
            throw new ApiError(
              422,
              'Invalid',
              `PodLogOptions "${r.name}" is invalid: sinceSeconds: Forbidden: at most one of sinceTime or sinceSeconds may be specified`,
            );
          const text = this.opts.hooks.podLog(r.namespace!, r.name!, q.get('container') ?? undefined, {
            tailLines: num('tailLines'),
            previous: q.get('previous') === 'true',
            sinceSeconds: num('sinceSeconds'),
            sinceTime: q.get('sinceTime') ?? undefined,
            timestamps: q.get('timestamps') === 'true',
            limitBytes: num('limitBytes'),
          });
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.end(text);
          return;
        }
        if (r.subresource === 'portforward') {
          throw new ApiError(400, 'BadRequest', 'Upgrade request required');
        }
        const o = store.get(rt, r.namespace, r.name!);
        if (!o) throw notFound(rt, r.name!);
        const out = view(o);
        if (wantsTable(accept) && !r.subresource) {
          this.sendJson(
            res,
            200,
            toTable(
              rt,
              [out],
              { resourceVersion: out.metadata.resourceVersion },
              q.get('includeObject') ?? 'Metadata',
              tableVersion(accept),
            ),
          );
        } else this.sendJson(res, 200, out);
        return;
      }
      case 'list':
      case 'watch': {
        let labelReqs;
        let fieldReqs;
        try {
          labelReqs = parseLabelSelector(q.get('labelSelector'));
          fieldReqs = parseFieldSelector(q.get('fieldSelector'));
        } catch (e) {
          if (e instanceof SelectorError) throw new ApiError(400, 'BadRequest', e.message);
          throw e;
        }
        const allowedFields = SUPPORTED_FIELDS[rt.plural] ?? ['metadata.name', 'metadata.namespace'];
        for (const f of fieldReqs) {
          if (!allowedFields.includes(f.path)) {
            throw new ApiError(
              400,
              'BadRequest',
              `"${f.path}" is not a known field selector: only "${allowedFields.join('", "')}"`,
            );
          }
        }
        if (r.name) fieldReqs.push({ path: 'metadata.name', op: '=', value: r.name });
        const matches = (o: K8sObject) =>
          (!r.namespace || o.metadata.namespace === r.namespace) &&
          matchLabels(labelReqs, o.metadata.labels) &&
          matchFields(fieldReqs, o);
        if (verb === 'watch') {
          this.serveWatch(req, res, rt, version, matches, q, accept, view);
          return;
        }
        const all = store.list(rt, r.namespace).filter(matches);
        const limit = Number(q.get('limit') ?? 0);
        let start = 0;
        const cont = q.get('continue');
        if (cont) {
          try {
            start = JSON.parse(Buffer.from(cont, 'base64').toString('utf8')).start;
          } catch {
            throw new ApiError(
              400,
              'BadRequest',
              'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
            );
          }
        }
        const items = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
        const meta: AnyObj = { resourceVersion: String(store.currentRV()) };
        if (limit > 0 && start + limit < all.length) {
          meta.continue = Buffer.from(
            JSON.stringify({ v: 'meta.k8s.io/v1', rv: store.currentRV(), start: start + limit }),
          ).toString('base64');
          meta.remainingItemCount = all.length - start - limit;
        }
        const viewed = items.map(view);
        if (wantsTable(accept)) {
          this.sendJson(
            res,
            200,
            toTable(rt, viewed, meta, q.get('includeObject') ?? 'Metadata', tableVersion(accept)),
          );
          return;
        }
        this.sendJson(res, 200, {
          kind: rt.listKind,
          apiVersion: groupVersion(rt.group, version),
          metadata: meta,
          items: rt.custom
            ? viewed
            : viewed.map((o) => {
                const c = { ...o } as AnyObj;
                delete c.kind;
                delete c.apiVersion;
                return c;
              }),
        });
        return;
      }
      case 'create': {
        const text = await this.readBody(req);
        const body = this.parseBody(text, req.headers['content-type'] ?? JSON_CT);
        entry.body = body;
        if (!body || typeof body !== 'object')
          throw new ApiError(400, 'BadRequest', 'the body of the request was in an unknown format');
        const gv = groupVersion(rt.group, version);
        if (body.kind && body.kind !== rt.kind) {
          throw new ApiError(
            400,
            'BadRequest',
            `the API version in the data (${body.apiVersion}) does not match the expected API version (${gv})`,
          );
        }
        if (body.apiVersion && body.apiVersion !== gv) {
          throw new ApiError(
            400,
            'BadRequest',
            `the API version in the data (${body.apiVersion}) does not match the expected API version (${gv})`,
          );
        }
        body.apiVersion = gv;
        body.kind = rt.kind;
        body.metadata ??= {};
        if (rt.namespaced) {
          if (body.metadata.namespace && body.metadata.namespace !== r.namespace) {
            throw new ApiError(
              400,
              'BadRequest',
              'the namespace of the provided object does not match the namespace sent on the request',
            );
          }
          body.metadata.namespace = r.namespace;
        }
        delete body.metadata.resourceVersion;
        if (rt.subresources.includes('status') && rt.custom) delete body.status;
        applyDefaults(rt, body, store, true);
        this.admit(rt, body, version);
        body.metadata.managedFields = nextManagedFields(
          [],
          undefined,
          body,
          this.writer(req, q, 'Update', gv),
          (o, v) => this.inVersion(rt, o, v),
        );
        const created = store.create(rt, body as K8sObject, { dryRun });
        this.sendJson(res, 201, view(created));
        return;
      }
      case 'update': {
        const text = await this.readBody(req);
        const body = this.parseBody(text, req.headers['content-type'] ?? JSON_CT);
        entry.body = body;
        const cur = store.get(rt, r.namespace, r.name!);
        if (!cur) throw notFound(rt, r.name!);
        if (body?.metadata?.name && body.metadata.name !== r.name) {
          throw new ApiError(
            400,
            'BadRequest',
            `the name of the object (${body.metadata.name}) does not match the name on the URL (${r.name})`,
          );
        }
        body.metadata ??= {};
        body.metadata.name = r.name;
        if (rt.namespaced) body.metadata.namespace = r.namespace;
        body.apiVersion = groupVersion(rt.group, version);
        body.kind = rt.kind;
        const updated = this.write(
          rt,
          cur,
          body as K8sObject,
          r.subresource,
          dryRun,
          this.writer(req, q, 'Update', body.apiVersion, r.subresource),
        );
        this.sendJson(res, 200, view(updated));
        return;
      }
      case 'patch': {
        const ct = String(req.headers['content-type'] ?? '')
          .split(';')[0]
          .trim();
        const text = await this.readBody(req);
        const cur = store.get(rt, r.namespace, r.name!);
        const accepted = rt.custom
          ? ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']
          : [
              'application/json-patch+json',
              'application/merge-patch+json',
              'application/strategic-merge-patch+json',
              'application/apply-patch+yaml',
            ];
        if (!accepted.includes(ct)) {
          throw new ApiError(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
          );
        }
        let patchBody: unknown;
        try {
          patchBody = ct === 'application/apply-patch+yaml' ? YAML.parse(text) : JSON.parse(text);
        } catch (e) {
          throw new ApiError(400, 'BadRequest', `error decoding patch: ${(e as Error).message}`);
        }
        entry.body = patchBody;
        if (!cur) {
          if (ct === 'application/apply-patch+yaml') {
            // server-side apply on a missing object creates it
            const body = clone(patchBody) as AnyObj;
            body.metadata ??= {};
            body.metadata.name = r.name;
            if (rt.namespaced) body.metadata.namespace = r.namespace;
            body.apiVersion = groupVersion(rt.group, version);
            body.kind = rt.kind;
            applyDefaults(rt, body, store, true);
            this.admit(rt, body, version);
            body.metadata.managedFields = nextManagedFields(
              [],
              undefined,
              body,
              { ...this.writer(req, q, 'Apply', body.apiVersion), applied: patchBody as AnyObj },
              (o, v) => this.inVersion(rt, o, v),
            );
            const created = store.create(rt, body as K8sObject, { dryRun });
            this.sendJson(res, 201, view(created));
            return;
          }
          throw notFound(rt, r.name!);
        }
        const before = view(cur);
        let patched: AnyObj;
        try {
          if (ct === 'application/json-patch+json') patched = jsonPatch(before, patchBody) as AnyObj;
          else if (ct === 'application/strategic-merge-patch+json')
            patched = strategicMergePatch(before, patchBody) as AnyObj;
          else patched = mergePatch(before, patchBody) as AnyObj;
        } catch (e) {
          if (e instanceof PatchError) {
            throw new ApiError(
              422,
              'Invalid',
              'the server rejected our request due to an error in our request',
              { causes: [{ message: e.message }] },
            );
          }
          throw e;
        }
        if (!patched || typeof patched !== 'object' || Array.isArray(patched)) {
          throw new ApiError(400, 'BadRequest', 'the patch produced an object that is not a JSON object');
        }
        patched.metadata ??= {};
        if (patched.metadata.name !== r.name) {
          throw new ApiError(
            422,
            'Invalid',
            `${rt.kind}${rt.group ? '.' + rt.group : ''} "${r.name}" is invalid: metadata.name: Invalid value: "${patched.metadata.name}": field is immutable`,
            details(rt, r.name),
          );
        }
        patched.apiVersion = groupVersion(rt.group, version);
        patched.kind = rt.kind;
        const apply = ct === 'application/apply-patch+yaml';
        const updated = this.write(rt, cur, patched as K8sObject, r.subresource, dryRun, {
          ...this.writer(req, q, apply ? 'Apply' : 'Update', patched.apiVersion, r.subresource),
          applied: apply ? (patchBody as AnyObj) : undefined,
        });
        this.sendJson(res, 200, view(updated));
        return;
      }
      case 'delete': {
        const text = await this.readBody(req);
        let opts: AnyObj = {};
        if (text.trim()) {
          try {
            opts = JSON.parse(text);
          } catch {
            opts = {};
          }
        }
        const cur = store.get(rt, r.namespace, r.name!);
        if (!cur) throw notFound(rt, r.name!);
        const pre = opts.preconditions ?? {};
        if (pre.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
          throw new ApiError(
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${qualified(rt)} "${r.name}": the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${cur.metadata.resourceVersion}). The object might have been modified`,
            details(rt, r.name),
          );
        }
        if (pre.uid && pre.uid !== cur.metadata.uid) {
          throw new ApiError(
            409,
            'Conflict',
            `Operation cannot be fulfilled on ${qualified(rt)} "${r.name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`,
            details(rt, r.name),
          );
        }
        const grace = q.get('gracePeriodSeconds') ?? opts.gracePeriodSeconds;
        const out = this.opts.hooks.deleteObject(rt, r.namespace, r.name!, {
          gracePeriodSeconds: grace === undefined || grace === null ? undefined : Number(grace),
          propagationPolicy: q.get('propagationPolicy') ?? opts.propagationPolicy,
          dryRun,
        });
        if (rt.custom) {
          this.sendJson(res, 200, view(out));
        } else if (
          rt.plural === 'pods' ||
          rt.plural === 'namespaces' ||
          rt.plural === 'deployments' ||
          rt.plural === 'replicasets' ||
          rt.plural === 'services'
        ) {
          this.sendJson(res, 200, view(out));
        } else {
          this.sendJson(res, 200, {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Success',
            details: { ...details(rt, r.name), uid: cur.metadata.uid },
          });
        }
        return;
      }
      case 'deletecollection': {
        let labelReqs;
        try {
          labelReqs = parseLabelSelector(q.get('labelSelector'));
        } catch (e) {
          throw new ApiError(400, 'BadRequest', (e as Error).message);
        }
        const fieldReqs = parseFieldSelector(q.get('fieldSelector'));
        const victims = store
          .list(rt, r.namespace)
          .filter((o) => matchLabels(labelReqs, o.metadata.labels) && matchFields(fieldReqs, o));
        const deleted = victims.map((o) =>
          this.opts.hooks.deleteObject(rt, o.metadata.namespace, o.metadata.name, { dryRun }),
        );
        this.sendJson(res, 200, {
          kind: rt.listKind,
          apiVersion: groupVersion(rt.group, version),
          metadata: { resourceVersion: String(store.currentRV()) },
          items: deleted.map(view),
        });
        return;
      }
      default:
        throw new ApiError(
          405,
          'MethodNotAllowed',
          `the server does not allow this method on the requested resource`,
        );
    }
  }

  /** Common path of PUT and PATCH: convert to the storage version, check the resourceVersion precondition, store. */
  private write(
    rt: ResourceType,
    cur: K8sObject,
    incoming: K8sObject,
    subresource: string | undefined,
    dryRun: boolean,
    writer: Write,
  ): K8sObject {
    const store = this.opts.store;
    const rv = incoming.metadata?.resourceVersion;
    // convert back to the storage version of this object
    let stored = incoming;
    if (incoming.apiVersion !== cur.apiVersion) {
      const [, v] = cur.apiVersion.includes('/') ? cur.apiVersion.split('/') : ['', cur.apiVersion];
      stored = convertTo(incoming, rt, v, cur) as K8sObject;
      stored.apiVersion = cur.apiVersion;
    }
    if (subresource !== 'status') {
      applyDefaults(rt, stored, store, false);
      // Admission sees the object in the request's version (schema rules are per version).
      this.admit(rt, incoming, writer.apiVersion.split('/').pop()!);
    }
    const after =
      subresource === 'status' ? { ...cur, status: stored.status } : { ...stored, status: cur.status };
    const managedFields = differs(cur, after, subresource)
      ? nextManagedFields(cur.metadata.managedFields ?? [], cur, after, writer, (o, v) =>
          this.inVersion(rt, o, v),
        )
      : undefined;
    return store.update(rt, stored, { expectedRV: rv, subresource, dryRun, managedFields });
  }

  /** Who writes, how and in which version: the managedFields key of this request. */
  private writer(
    req: http.IncomingMessage,
    q: URLSearchParams,
    operation: Operation,
    apiVersion: string,
    subresource?: string,
  ): Write {
    return {
      manager: managerOf(q.get('fieldManager'), req.headers['user-agent']),
      operation,
      apiVersion,
      subresource: subresource === 'status' ? 'status' : undefined,
    };
  }

  private inVersion(rt: ResourceType, obj: AnyObj, apiVersion: string): AnyObj {
    const version = apiVersion.split('/').pop()!;
    return convertTo(
      obj,
      rt,
      this.versionsOf(rt).includes(version) ? version : obj.apiVersion.split('/').pop(),
    );
  }

  private serveWatch(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    rt: ResourceType,
    version: string,
    matches: (o: K8sObject) => boolean,
    q: URLSearchParams,
    accept: string | undefined,
    view: (o: K8sObject) => AnyObj,
  ): void {
    const store = this.opts.store;
    const table = wantsTable(accept);
    const tv = tableVersion(accept);
    const includeObject = q.get('includeObject') ?? 'Metadata';
    res.writeHead(200, {
      'Content-Type': JSON_CT,
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    let closed = false;
    const send = (type: string, object: AnyObj) => {
      if (closed) return;
      const obj =
        table && type !== 'ERROR' && type !== 'BOOKMARK'
          ? toTable(rt, [object], { resourceVersion: object.metadata?.resourceVersion }, includeObject, tv)
          : object;
      res.write(JSON.stringify({ type, object: obj }) + '\n');
    };
    const rvParam = q.get('resourceVersion');
    const bookmarks = q.get('allowWatchBookmarks') === 'true';
    const sendInitial = q.get('sendInitialEvents') === 'true';
    const timeout = q.get('timeoutSeconds');
    const timers: NodeJS.Timeout[] = [];
    let unsubscribe = () => {};
    const finish = () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      for (const t of timers) clearTimeout(t);
      this.watches.delete(finish);
      res.end();
    };
    this.watches.add(finish);
    req.on('close', finish);
    res.on('close', finish);

    const handleEvent = (e: StoreEvent) => {
      if (e.rt !== rt) return;
      const nowMatch = e.type !== 'DELETED' && matches(e.object);
      const wasMatch = e.old ? matches(e.old) : false;
      if (e.type === 'ADDED') {
        if (nowMatch) send('ADDED', view(e.object));
      } else if (e.type === 'MODIFIED') {
        if (nowMatch && wasMatch) send('MODIFIED', view(e.object));
        else if (nowMatch) send('ADDED', view(e.object));
        else if (wasMatch) send('DELETED', view(e.object));
      } else if (e.type === 'DELETED') {
        if (matches(e.object) || wasMatch) send('DELETED', view(e.object));
      }
    };

    if (!rvParam || rvParam === '0' || sendInitial) {
      for (const o of store.list(rt)) if (matches(o)) send('ADDED', view(o));
      if (sendInitial && bookmarks) {
        send('BOOKMARK', {
          kind: rt.kind,
          apiVersion: groupVersion(rt.group, version),
          metadata: {
            resourceVersion: String(store.currentRV()),
            annotations: { 'k8s.io/initial-events-end': 'true' },
          },
        });
      }
    } else {
      const n = Number(rvParam);
      if (!Number.isFinite(n)) {
        send('ERROR', {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `invalid resource version: ${rvParam}`,
          reason: 'BadRequest',
          code: 400,
        });
        finish();
        return;
      }
      if (n < store.oldestRV()) {
        send('ERROR', {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: ${n} (${store.oldestRV() + 1})`,
          reason: 'Expired',
          code: 410,
        });
        finish();
        return;
      }
      for (const e of store.history) if (e.rv > n) handleEvent(e);
    }
    unsubscribe = store.onEvent(handleEvent);
    if (timeout) timers.push(setTimeout(finish, Number(timeout) * 1000));
    if (bookmarks) {
      const iv = setInterval(() => {
        if (closed) return clearInterval(iv);
        send('BOOKMARK', {
          kind: rt.kind,
          apiVersion: groupVersion(rt.group, version),
          metadata: { resourceVersion: String(store.currentRV()) },
        });
      }, this.opts.bookmarkIntervalMs ?? 5000);
      timers.push(iv as unknown as NodeJS.Timeout);
    }
  }

  // ---- portforward -------------------------------------------------------------------------
  private rejectUpgrade(socket: net.Socket, err: ApiError): void {
    const body = JSON.stringify(err.toStatus());
    socket.end(
      `HTTP/1.1 ${err.code} ${http.STATUS_CODES[err.code] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  private async handleUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): Promise<void> {
    const started = Date.now();
    const u = new URL(req.url ?? '/', 'http://x');
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of u.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
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
    this.requestLog.push(entry);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const reject = (err: ApiError) => {
      entry.status = err.code;
      entry.durationMs = Date.now() - started;
      this.rejectUpgrade(socket, err);
    };
    const fault = this.faults.take(entry.method.toUpperCase(), u.pathname, entry.rawQuery);
    if (fault) {
      if (fault.drop) return void socket.destroy();
      if (fault.hang) return;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.status !== undefined) {
        entry.status = fault.status;
        const body =
          fault.body === undefined
            ? ''
            : typeof fault.body === 'string'
              ? fault.body
              : JSON.stringify(fault.body);
        socket.end(
          `HTTP/1.1 ${fault.status} ${http.STATUS_CODES[fault.status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
    }
    const user = this.authenticate(req);
    if (!user) return reject(new ApiError(401, 'Unauthorized', 'Unauthorized'));
    entry.user = user;
    const segs = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const r = this.parseRoute(segs);
    if (!r || r.rt.plural !== 'pods' || r.subresource !== 'portforward' || !r.name || !r.namespace) {
      return reject(new ApiError(404, 'NotFound', 'the server could not find the requested resource', {}));
    }
    Object.assign(entry, {
      verb: portForwardVerbs(this.gitVersion).join('+'),
      resource: 'pods/portforward',
      group: '',
      version: 'v1',
      namespace: r.namespace,
      name: r.name,
    });
    try {
      this.authorizePortForward(user, r.rt, r.namespace, r.name);
    } catch (e) {
      return reject(e as ApiError);
    }
    const pod = this.opts.store.get(r.rt, r.namespace, r.name);
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
    this.wss.handleUpgrade(req, socket, head, (ws) => this.bridge(ws, r.namespace!, r.name!, ports));
  }

  private bridge(ws: WebSocket, ns: string, pod: string, ports: number[]): void {
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
      this.opts.hooks
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
}

function pickProtocol(protocols: Set<string>): string | false {
  for (const p of ['v4.channel.k8s.io']) if (protocols.has(p)) return p;
  return false;
}

function isWatch(q: URLSearchParams): boolean {
  const w = q.get('watch');
  return w === 'true' || w === '1';
}

function verbOf(method: string, r: Route, watch: boolean): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (r.subresource === 'log' || r.subresource === 'portforward') return 'get';
      if (watch) return 'watch';
      return r.name ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return r.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** The API server's Forbidden status for one verb on one resource. */
function forbidden(
  user: string,
  verb: string,
  rt: ResourceType,
  resource: string,
  ns: string | undefined,
  name: string | undefined,
): ApiError {
  const subject = name ? `${qualified(rt)} "${name}"` : qualified(rt);
  const scope = ns ? `in the namespace "${ns}"` : 'at the cluster scope';
  return new ApiError(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${rt.group}" ${scope}`,
    details(rt, name),
  );
}
