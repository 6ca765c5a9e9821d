// GET /v1/models: the model ids a frontend lists, each attempt classified (requests.ts); an empty
// list is retried, since workers register after the frontend starts.

import { quote } from '../runner/redact.js';
import { HttpError, type HttpClient, type HttpResponse } from './http.js';
import type { Outcome } from './retry.js';
import { authHeaders, failed, notOk, unauthorized, type Probe, type SmokeOptions } from './requests.js';

export const MAX_MODELS_BYTES = 4 * 1024 * 1024;

/** The model ids of a `/v1/models` body; undefined when it is not a model list. */
export function parseModels(body: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const data = (parsed as { data?: unknown })?.data;
  if (!Array.isArray(data)) return undefined;
  return data
    .map((entry) => (entry as { id?: unknown })?.id)
    .filter((id): id is string => typeof id === 'string' && id !== '');
}

export async function probeModels(
  http: HttpClient,
  options: SmokeOptions,
): Promise<Outcome<Probe<string[]>>> {
  const what = 'GET /v1/models';
  let response: HttpResponse;
  try {
    response = await http.request({
      method: 'GET',
      url: `${options.baseUrl}/v1/models`,
      headers: { Accept: 'application/json', ...authHeaders(options) },
      timeoutMs: options.timeoutMs,
      maxBytes: MAX_MODELS_BYTES,
    });
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    if (error.kind === 'too-large') {
      return {
        status: 'done',
        value: failed(
          'models-error',
          `${what}: ${error.message}; this is not a model list.`,
          error.elapsedMs,
        ),
      };
    }
    return {
      status: 'retry',
      value: failed(
        'frontend-unreachable',
        `${what}: ${error.message} at ${options.baseUrl}.`,
        error.elapsedMs,
      ),
    };
  }
  const { status, body, elapsedMs } = response;
  if (status === 401 || status === 403)
    return { status: 'done', value: unauthorized(what, status, elapsedMs, options) };
  const other = notOk<string[]>(what, response, 'models-error', {
    tail: ' Is this a Dynamo frontend (OpenAI-compatible API)?',
  });
  if (other) return other;
  const models = parseModels(body);
  if (!models) {
    return {
      status: 'done',
      value: failed(
        'models-error',
        `${what} answered 200 but not with an OpenAI model list ({"data": [...]}): ${quote(body) || 'empty body'}.`,
        elapsedMs,
        status,
      ),
    };
  }
  if (models.length === 0) {
    return {
      status: 'retry',
      value: failed(
        'no-models',
        `${what} lists no model: no worker has registered with the frontend yet.`,
        elapsedMs,
        status,
      ),
    };
  }
  return { status: 'done', value: { ok: true, value: models, status, elapsedMs } };
}
