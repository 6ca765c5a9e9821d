// The one HTTP client of the action (undici): the checks, metrics reads and the comparison's
// streamed requests all go through it, over the port-forward too. Every exchange has a deadline
// over connect, headers and body, a cap on what is read, no redirects (a redirect is reported,
// never followed: it could carry the API key to another host), and errors classified into what a
// verdict needs (refused, reset, timeout, dns, too large).

import { Agent, type Dispatcher } from 'undici';
import { quote } from '../runner/redact.js';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Reading stops here: a model list or a chat reply is never this large. */
  maxBytes?: number;
}

/** The one header operation the checks need. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  body: string;
  elapsedMs: number;
}

export type HttpErrorKind = 'timeout' | 'refused' | 'reset' | 'dns' | 'too-large' | 'other';

export class HttpError extends Error {
  readonly kind: HttpErrorKind;
  readonly elapsedMs: number;
  constructor(kind: HttpErrorKind, message: string, elapsedMs: number) {
    super(message);
    this.name = 'HttpError';
    this.kind = kind;
    this.elapsedMs = elapsedMs;
  }
}

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
}

/** A client that holds connections: close it when the run is done. */
export interface PooledHttpClient extends HttpClient {
  /** Closes every connection; later requests open a new pool. Never throws. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Sorts a socket or client error into what a verdict needs; shared with the streaming client. */
export function classifyNetworkError(error: unknown): {
  kind: 'refused' | 'reset' | 'dns' | 'timeout' | 'other';
  detail: string;
} {
  const e = error as {
    code?: string;
    message?: string;
    cause?: { code?: string };
    errors?: { code?: string }[];
  };
  // Connecting to a name with several addresses fails with an AggregateError of each attempt.
  const code = e?.code || e?.cause?.code || e?.errors?.[0]?.code || '';
  if (code === 'ECONNREFUSED') return { kind: 'refused', detail: 'connection refused' };
  if (code === 'ECONNRESET' || code === 'EPIPE')
    return { kind: 'reset', detail: 'connection reset by the server' };
  // A body cut off by the server closing the connection (a chunked stream ended by EOF).
  if (code === 'UND_ERR_SOCKET' || /Invalid EOF state/.test(e?.message ?? '')) {
    return { kind: 'reset', detail: 'connection closed by the server before the response ended' };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'dns', detail: 'host name not found' };
  if (TIMEOUT_CODES.has(code)) return { kind: 'timeout', detail: 'the server stopped answering' };
  const message = quote(e?.message ?? String(error), 200);
  return { kind: 'other', detail: code ? `${code}: ${message}` : message };
}

/** A duration for messages, in seconds with one decimal. */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/**
 * Sends one request through `dispatcher` and reads the whole body, within the request's deadline
 * and byte cap. undici's headersTimeout/bodyTimeout (idle time) are set to the deadline as well,
 * as a backstop; the deadline itself is one timer over connect, headers and body.
 */
export async function send(dispatcher: Dispatcher, req: HttpRequest): Promise<HttpResponse> {
  const started = Date.now();
  const elapsed = (): number => Date.now() - started;
  const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
  const tooLarge = (): HttpError =>
    new HttpError('too-large', `response body larger than ${maxBytes} bytes; stopped reading`, elapsed());
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), req.timeoutMs);
  let body: Dispatcher.ResponseData['body'] | undefined;
  try {
    const url = new URL(req.url);
    const response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: deadline.signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    body = response.body;
    const raw = response.headers;
    if (Number(raw['content-length']) > maxBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
    return {
      status: response.statusCode,
      headers: { get: (name) => headerValue(raw[name.toLowerCase()]) },
      body: Buffer.concat(chunks).toString('utf8'),
      elapsedMs: elapsed(),
    };
  } catch (error) {
    if (error instanceof HttpError) throw error;
    const { kind, detail } = classifyNetworkError(error);
    if (deadline.signal.aborted || kind === 'timeout')
      throw new HttpError('timeout', `no complete answer within ${seconds(req.timeoutMs)}`, elapsed());
    throw new HttpError(kind, detail, elapsed());
  } finally {
    clearTimeout(timer);
    // Unread or cut bodies release their connection (a no-op once the body ended).
    body?.destroy();
  }
}

/**
 * A client over one undici Agent, made on first use: keep-alive connections (through a
 * port-forward each new connection is a new stream to the API server), no redirect handling
 * composed in (undici follows none by default). Idle connections do not keep the process alive,
 * and close() ends them all.
 */
export function createHttpClient(options: Agent.Options = {}): PooledHttpClient {
  let agent: Agent | undefined;
  return {
    request(req) {
      agent ??= new Agent({ keepAliveTimeout: 4000, ...options });
      return send(agent, req);
    },
    async close() {
      const closing = agent;
      agent = undefined;
      await closing?.close().catch(() => closing.destroy().catch(() => undefined));
    },
  };
}

/** The process's client for checks, metrics and health reads; closed by the entry points. */
export const httpClient = createHttpClient();

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
