// The one HTTP effect the checks use: a deadline over the whole exchange (connect, headers and
// body), a cap on the body, no redirects (a redirect is reported, never followed), and errors
// classified into what a verdict needs (refused, reset, timeout, too large).

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Reading stops here: a model list or a chat reply is never this large. */
  maxBytes?: number;
}

/** The one header operation the checks need; WHATWG Headers satisfies it too. */
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

export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

/** Sorts a socket or fetch error into what a verdict needs; shared with the streaming client. */
export function classifyNetworkError(error: unknown): {
  kind: 'refused' | 'reset' | 'dns' | 'other';
  detail: string;
} {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code ?? '';
  if (code === 'ECONNREFUSED') return { kind: 'refused', detail: 'connection refused' };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    return { kind: 'reset', detail: 'connection reset by the server' };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'dns', detail: 'host name not found' };
  // fetch's "terminated": the body ended early; without keep-alive the cause is a parser error
  // (a chunked body cut off by EOF) rather than a socket code.
  if ((error as Error)?.message === 'terminated') {
    return { kind: 'reset', detail: 'connection closed by the server before the response ended' };
  }
  const message = cause?.message ?? (error as Error)?.message ?? String(error);
  return { kind: 'other', detail: code ? `${code}: ${message}` : message };
}

/**
 * node:http rather than the global fetch: fetch initialises Node's bundled undici on first use,
 * measured ~40 ms of every run's start on Node 24 (bench/README.md); node:http is loaded with
 * Node itself. A fresh connection per request (no keep-alive agent) leaves nothing open at exit.
 */
export const httpClient: HttpClient = {
  request(req) {
    const started = Date.now();
    const url = new URL(req.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const maxBytes = req.maxBytes ?? DEFAULT_MAX_BYTES;
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const fail = (error: HttpError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        reject(error);
      };
      const headers: Record<string, string> = { ...req.headers };
      if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
      const request = send(url, { method: req.method, headers, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        let total = 0;
        response.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes) {
            fail(
              new HttpError(
                'too-large',
                `response body larger than ${maxBytes} bytes; stopped reading`,
                Date.now() - started,
              ),
            );
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const raw = response.headers;
          resolve({
            status: response.statusCode ?? 0,
            headers: { get: (name) => headerValue(raw[name.toLowerCase()]) },
            body: Buffer.concat(chunks).toString('utf8'),
            elapsedMs: Date.now() - started,
          });
        });
        response.on('error', (error) => {
          const { kind, detail } = classifyNetworkError(error);
          fail(new HttpError(kind, detail, Date.now() - started));
        });
        // A reset after the headers ends the body early without an error event on some paths.
        response.on('aborted', () =>
          fail(new HttpError('reset', 'connection reset by the server', Date.now() - started)),
        );
      });
      // One deadline for the whole exchange: connect, headers and body.
      const timer = setTimeout(
        () =>
          fail(
            new HttpError(
              'timeout',
              `no complete answer within ${Math.round(req.timeoutMs / 100) / 10} s`,
              Date.now() - started,
            ),
          ),
        req.timeoutMs,
      );
      request.on('error', (error) => {
        const { kind, detail } = classifyNetworkError(error);
        fail(new HttpError(kind, detail, Date.now() - started));
      });
      request.end(req.body);
    });
  },
};

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}
