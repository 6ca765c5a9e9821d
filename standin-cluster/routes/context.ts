// What the route modules share: the server state they read (ServerContext, implemented by
// ApiServer), the parsed resource route, and the JSON/body helpers.
/* eslint-disable @typescript-eslint/no-explicit-any -- Kubernetes objects here are arbitrary JSON */
import type http from 'node:http';
import type net from 'node:net';
import type { WebSocketServer } from 'ws';
import YAML from 'yaml';
import type { AdmissionConfig } from '../admission.ts';
import type { ResourceType } from '../resources.ts';
import { ApiError, type K8sObject, type Store } from '../store.ts';
import type { ApiServerOptions, RequestLogEntry } from '../server-options.ts';

export type AnyObj = Record<string, any>;

/** The query string as the apiserver reads it: a repeated key gives a list. */
export function queryOf(u: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of u.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return query;
}

export interface ServerContext {
  readonly opts: ApiServerOptions;
  readonly admission: AdmissionConfig;
  readonly requestLog: RequestLogEntry[];
  readonly sockets: Set<net.Socket>;
  readonly watches: Set<() => void>;
  readonly wss: WebSocketServer;
  readonly port: number;
  readonly gitVersion: string;
  versionsOf(rt: ResourceType): string[];
  served(group: string, version: string, plural: string): ResourceType | undefined;
}

export interface Route {
  rt: ResourceType;
  group: string;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** One request on a resource, as the verb handlers see it. */
export interface VerbRequest {
  s: ServerContext;
  req: http.IncomingMessage;
  res: http.ServerResponse;
  r: Route;
  rt: ResourceType;
  version: string;
  q: URLSearchParams;
  verb: string;
  entry: RequestLogEntry;
  dryRun: boolean;
  store: Store;
  accept: string | undefined;
  /** The object as the request's version shows it. */
  view: (o: K8sObject) => K8sObject;
}

export const JSON_CT = 'application/json';

export function sendJson(
  res: http.ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const data = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': JSON_CT, 'Cache-Control': 'no-cache, private', ...headers });
  res.end(data);
}

export function sendStatus(res: http.ServerResponse, err: ApiError): void {
  sendJson(res, err.code, err.toStatus());
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseBody(text: string, contentType: string): AnyObj {
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

export function isWatch(q: URLSearchParams): boolean {
  const w = q.get('watch');
  return w === 'true' || w === '1';
}
