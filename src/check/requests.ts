// The smoke check's requests: the options they are sent with, and how one answer is classified:
// final (a wrong key, a redirect, a client error) or worth a retry (no answer yet, 5xx, 429, 408),
// each with its failure code. Shared by the model list (models.ts) and the chat (chat.ts).

import { quote } from '../runner/redact.js';
import { RunFailure, type FailureCode } from '../model/failure.js';
import type { HttpResponse } from './http.js';
import type { Outcome } from './retry.js';
import type { MetricsRead } from '../verify/metrics.js';
import type { Settings } from '../settings/settings.js';

/** The settings the smoke check reads, and where and how to send its requests. */
export interface SmokeOptions extends Pick<
  Settings,
  'model' | 'prompt' | 'maxTokens' | 'skipChat' | 'retries' | 'retryDelayMs' | 'timeoutMs' | 'apiKey'
> {
  baseUrl: string;
  /** Extra request headers for the chat request (direct mode's worker id). */
  chatHeaders?: Record<string, string>;
  /** True in direct mode: a rejected request is explained as a missing worker id. */
  directMode?: boolean;
  /**
   * Runs once the model list answered, right before the chat (the evidence window opens here),
   * with the /metrics scrape just read for the model's readiness, so it need not be read again.
   */
  beforeChat?: (metrics: MetricsRead) => Promise<void>;
}

export type Probe<T> =
  | { ok: true; value: T; status: number; elapsedMs: number }
  | { ok: false; failure: RunFailure; status?: number; elapsedMs: number };

export function failed<T>(
  code: FailureCode,
  message: string,
  elapsedMs: number,
  status?: number,
  hint?: string,
): Probe<T> {
  return { ok: false, failure: new RunFailure(code, message, hint), status, elapsedMs };
}

/** 401/403 are final: retrying cannot supply a key. */
export function unauthorized<T>(
  what: string,
  status: number,
  elapsedMs: number,
  options: SmokeOptions,
): Probe<T> {
  const hint = options.apiKey
    ? 'check that `api-key` holds the right key for this frontend'
    : 'pass the key in the `api-key` input (from a secret)';
  return failed(
    'unauthorized',
    `${what} answered ${status}: the frontend requires authorization.`,
    elapsedMs,
    status,
    hint,
  );
}

export function authHeaders(options: SmokeOptions): Record<string, string> {
  return options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {};
}

export function redirectMessage(what: string, response: HttpResponse): string {
  const location = response.headers.get('location') ?? '';
  let where = 'elsewhere';
  try {
    where = new URL(location, 'http://placeholder.invalid').host || where;
  } catch {
    /* keep "elsewhere" */
  }
  return `${what} answered ${response.status} redirecting to ${where}; redirects are not followed (they could carry the API key to another host). Point base-url at the frontend itself.`;
}

/**
 * A non-200 answer of `code`'s request: a redirect or a client error is final, a server error,
 * 429 or 408 is retried (the frontend may still be starting). `final` ends the message of a
 * final client error and may carry its hint. Undefined for a 200.
 */
export function notOk<T>(
  what: string,
  response: HttpResponse,
  code: FailureCode,
  final: { tail?: string; hint?: string } = {},
): Outcome<Probe<T>> | undefined {
  const { status, body, elapsedMs } = response;
  if (status >= 300 && status < 400)
    return { status: 'done', value: failed(code, redirectMessage(what, response), elapsedMs, status) };
  if (status >= 500 || status === 429 || status === 408)
    return {
      status: 'retry',
      value: failed(code, `${what} answered ${status}: ${quote(body) || 'no body'}.`, elapsedMs, status),
    };
  if (status !== 200)
    return {
      status: 'done',
      value: failed(
        code,
        `${what} answered ${status}: ${quote(body) || 'no body'}.${final.tail ?? ''}`,
        elapsedMs,
        status,
        final.hint,
      ),
    };
  return undefined;
}
