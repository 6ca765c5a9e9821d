// The one HTTP effect the checks use. Node's global fetch (undici precompiled into Node) costs
// nothing to load, unlike the npm undici package; this wrapper adds what a check needs: a
// deadline over the whole exchange (headers and body), a cap on the body, and no redirects.

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Reading stops here: a model list or a chat reply is never this large. */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
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

function classify(error: unknown): { kind: HttpErrorKind; detail: string } {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code ?? '';
  if (code === 'ECONNREFUSED') return { kind: 'refused', detail: 'connection refused' };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    return { kind: 'reset', detail: 'connection reset by the server' };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'dns', detail: 'host name not found' };
  const message = cause?.message ?? (error as Error)?.message ?? String(error);
  return { kind: 'other', detail: code ? `${code}: ${message}` : message };
}

async function readCapped(response: Response, maxBytes: number, started: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new HttpError(
        'too-large',
        `response body larger than ${maxBytes} bytes; stopped reading`,
        Date.now() - started,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const fetchClient: HttpClient = {
  async request(req) {
    const started = Date.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), req.timeoutMs);
    try {
      const response = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        // A redirect could carry the API key to another host: report it, never follow it.
        redirect: 'manual',
        signal: controller.signal,
      });
      const body = await readCapped(response, req.maxBytes ?? DEFAULT_MAX_BYTES, started);
      return { status: response.status, headers: response.headers, body, elapsedMs: Date.now() - started };
    } catch (error) {
      const elapsed = Date.now() - started;
      if (error instanceof HttpError) throw error;
      if (controller.signal.aborted) {
        throw new HttpError(
          'timeout',
          `no complete answer within ${Math.round(req.timeoutMs / 100) / 10} s`,
          elapsed,
        );
      }
      const { kind, detail } = classify(error);
      throw new HttpError(kind, detail, elapsed);
    } finally {
      clearTimeout(timer);
    }
  },
};
