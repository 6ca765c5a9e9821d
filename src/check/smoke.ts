// The smoke check: GET /v1/models must list a model, then one POST /v1/chat/completions must
// answer with a message. Every attempt is classified into "retry" or "final" with a failure
// code, so a slow start is waited out while a wrong key or a broken reply fails at once.

import { quote } from '../runner/redact.js';
import { RunFailure, type FailureCode } from '../model/failure.js';
import { HttpError, seconds, type HttpClient, type HttpResponse } from './http.js';
import { retrying, type Outcome } from './retry.js';
import { pickDirectWorker } from './direct-worker.js';
import { MODEL_READY, readModelReady } from './model-ready.js';
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

export interface CheckRecord {
  name: 'models' | 'chat';
  ok: boolean;
  attempts: number;
  status?: number;
  latencyMs?: number;
  detail: string;
}

export interface SmokeResult {
  ok: boolean;
  failure?: RunFailure;
  models: string[];
  model?: string;
  latencyMs?: number;
  reply?: string;
  /** Set when the reply carried generated tokens but no text. */
  textless?: { completionTokens: number; finishReason: string };
  /** The worker the request was sent to (direct mode). */
  workerId?: string;
  checks: CheckRecord[];
}

type Probe<T> =
  | { ok: true; value: T; status: number; elapsedMs: number }
  | { ok: false; failure: RunFailure; status?: number; elapsedMs: number };

export const MAX_MODELS_BYTES = 4 * 1024 * 1024;
const MAX_CHAT_BYTES = 4 * 1024 * 1024;

function failed<T>(
  code: FailureCode,
  message: string,
  elapsedMs: number,
  status?: number,
  hint?: string,
): Probe<T> {
  return { ok: false, failure: new RunFailure(code, message, hint), status, elapsedMs };
}

/** 401/403 are final: retrying cannot supply a key. */
function unauthorized<T>(what: string, status: number, elapsedMs: number, options: SmokeOptions): Probe<T> {
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

function authHeaders(options: SmokeOptions): Record<string, string> {
  return options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {};
}

function redirectMessage(what: string, response: HttpResponse): string {
  const location = response.headers.get('location') ?? '';
  let where = 'elsewhere';
  try {
    where = new URL(location, 'http://placeholder.invalid').host || where;
  } catch {
    /* keep "elsewhere" */
  }
  return `${what} answered ${response.status} redirecting to ${where}; redirects are not followed (they could carry the API key to another host). Point base-url at the frontend itself.`;
}

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

async function probeModels(http: HttpClient, options: SmokeOptions): Promise<Outcome<Probe<string[]>>> {
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
  if (status >= 300 && status < 400)
    return {
      status: 'done',
      value: failed('models-error', redirectMessage(what, response), elapsedMs, status),
    };
  if (status >= 500 || status === 429 || status === 408) {
    return {
      status: 'retry',
      value: failed(
        'models-error',
        `${what} answered ${status}: ${quote(body) || 'no body'}.`,
        elapsedMs,
        status,
      ),
    };
  }
  if (status !== 200) {
    return {
      status: 'done',
      value: failed(
        'models-error',
        `${what} answered ${status}: ${quote(body) || 'no body'}. Is this a Dynamo frontend (OpenAI-compatible API)?`,
        elapsedMs,
        status,
      ),
    };
  }
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

export interface Reply {
  content?: string;
  /** Tokens were generated but no text came back (Dynamo's mocker engine does this). */
  textless?: { completionTokens: number; finishReason: string };
  problem?: string;
}

export function parseReply(body: string): Reply {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { problem: `the body is not JSON: ${quote(body) || 'empty body'}` };
  }
  const choices = (parsed as { choices?: unknown })?.choices;
  if (!Array.isArray(choices) || choices.length === 0) return { problem: 'the reply has no choices' };
  const choice = choices[0] as {
    message?: { content?: unknown; reasoning_content?: unknown; tool_calls?: unknown };
    finish_reason?: unknown;
  };
  const message = choice?.message;
  if (!message || typeof message !== 'object') return { problem: 'the first choice has no message' };
  const content = typeof message.content === 'string' ? message.content : '';
  const reasoning = typeof message.reasoning_content === 'string' ? message.reasoning_content : '';
  if (content || reasoning) return { content: content || reasoning };
  if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) return { content: '(tool call)' };
  // An engine that generated tokens but returned no text (Dynamo's mocker) still proves the
  // request was routed and served; a reply with neither text nor tokens proves nothing.
  const completionTokens = (parsed as { usage?: { completion_tokens?: unknown } })?.usage?.completion_tokens;
  const finishReason = typeof choice.finish_reason === 'string' ? choice.finish_reason : '';
  if (
    typeof completionTokens === 'number' &&
    completionTokens > 0 &&
    (finishReason === 'length' || finishReason === 'stop')
  ) {
    return { content: '', textless: { completionTokens, finishReason } };
  }
  return { problem: 'the first choice has no message content and no generated tokens' };
}

const WORKER_ID_PATTERN = /worker[ _-]?(instance[ _-]?)?id|x-dynamo-worker-instance-id|direct routing/i;

async function probeChat(
  http: HttpClient,
  options: SmokeOptions,
  model: string,
): Promise<Outcome<Probe<Reply>>> {
  const what = 'POST /v1/chat/completions';
  let response: HttpResponse;
  try {
    response = await http.request({
      method: 'POST',
      url: `${options.baseUrl}/v1/chat/completions`,
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        ...authHeaders(options),
        ...options.chatHeaders,
      },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: options.prompt }],
        max_tokens: options.maxTokens,
        stream: false,
      }),
      timeoutMs: options.timeoutMs,
      maxBytes: MAX_CHAT_BYTES,
    });
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    if (error.kind === 'timeout') {
      return {
        status: 'retry',
        value: failed('chat-timeout', `${what} for model "${model}": ${error.message}.`, error.elapsedMs),
      };
    }
    if (error.kind === 'too-large')
      return { status: 'done', value: failed('chat-invalid', `${what}: ${error.message}.`, error.elapsedMs) };
    const code = error.kind === 'refused' || error.kind === 'dns' ? 'frontend-unreachable' : 'chat-error';
    return { status: 'retry', value: failed(code, `${what}: ${error.message}.`, error.elapsedMs) };
  }
  const { status, body, elapsedMs } = response;
  if (status === 401 || status === 403)
    return { status: 'done', value: unauthorized(what, status, elapsedMs, options) };
  if (
    status !== 200 &&
    options.directMode &&
    !options.chatHeaders?.['x-dynamo-worker-instance-id'] &&
    (status < 500 || WORKER_ID_PATTERN.test(body))
  ) {
    return {
      status: 'done',
      value: failed(
        'direct-needs-worker-id',
        `${what} answered ${status} in direct mode: ${quote(body) || 'no body'}. Direct mode routes only requests that name a worker in x-dynamo-worker-instance-id, so a plain request is rejected by design.`,
        elapsedMs,
        status,
      ),
    };
  }
  if (status >= 300 && status < 400)
    return {
      status: 'done',
      value: failed('chat-error', redirectMessage(what, response), elapsedMs, status),
    };
  if (status >= 500 || status === 429 || status === 408) {
    return {
      status: 'retry',
      value: failed(
        'chat-error',
        `${what} answered ${status}: ${quote(body) || 'no body'}.`,
        elapsedMs,
        status,
      ),
    };
  }
  if (status !== 200) {
    const hint =
      status === 404 ? `check the \`model\` input: "${model}" must be one of the listed models` : undefined;
    return {
      status: 'done',
      value: failed(
        'chat-error',
        `${what} answered ${status}: ${quote(body) || 'no body'}.`,
        elapsedMs,
        status,
        hint,
      ),
    };
  }
  const reply = parseReply(body);
  if (reply.problem) {
    return {
      status: 'done',
      value: failed(
        'chat-invalid',
        `${what} answered 200 but ${reply.problem}; that is not a working completion.`,
        elapsedMs,
        status,
      ),
    };
  }
  return { status: 'done', value: { ok: true, value: reply, status, elapsedMs } };
}

export type SmokeLog = (line: string) => void;

export async function smokeCheck(
  http: HttpClient,
  options: SmokeOptions,
  log: SmokeLog = () => undefined,
): Promise<SmokeResult> {
  const checks: CheckRecord[] = [];
  const retry = <T>(name: string) => ({
    attempts: options.retries,
    firstDelayMs: options.retryDelayMs,
    onRetry: (attempt: number, probe: Probe<T>, delay: number) => {
      const why = probe.ok ? 'unexpected' : probe.failure.message;
      log(`${name}: attempt ${attempt}/${options.retries} failed: ${why} Retrying in ${seconds(delay)}.`);
    },
  });

  const models = await retrying((_attempt) => probeModels(http, options), retry<string[]>('models'));
  const modelsProbe = models.value;
  if (!modelsProbe.ok) {
    const failure = modelsProbe.failure;
    const suffix = models.attempts > 1 ? ` (after ${models.attempts} attempts)` : '';
    checks.push({
      name: 'models',
      ok: false,
      attempts: models.attempts,
      status: modelsProbe.status,
      detail: failure.message + suffix,
    });
    return {
      ok: false,
      failure: new RunFailure(failure.code, failure.message + suffix, failure.hint),
      models: [],
      checks,
    };
  }
  const listed = modelsProbe.value;
  const model = options.model ?? listed[0];
  // Listed is not yet routable: where the frontend says so itself (1.6+), wait for it.
  const ready = await retrying(
    async () => {
      const got = await readModelReady(http, options.baseUrl, authHeaders(options), options.timeoutMs, model);
      return { status: got.state === 'not-ready' ? 'retry' : 'done', value: got } as const;
    },
    {
      attempts: options.retries,
      firstDelayMs: options.retryDelayMs,
      onRetry: (attempt, _state, delay) =>
        log(
          `models: ${model} is listed but ${MODEL_READY} is 0 (the frontend cannot route it yet); attempt ${attempt}/${options.retries}, retrying in ${seconds(delay)}.`,
        ),
    },
  );
  const readiness =
    ready.value.state === 'ready'
      ? `; the frontend reports "${model}" routable (${MODEL_READY} 1)`
      : ready.value.state === 'not-ready'
        ? `; ${MODEL_READY} for "${model}" was still 0 after ${ready.attempts} reads (the frontend says it cannot route it yet)`
        : '';
  checks.push({
    name: 'models',
    ok: true,
    attempts: models.attempts,
    status: 200,
    latencyMs: modelsProbe.elapsedMs,
    detail: `${listed.length} model${listed.length === 1 ? '' : 's'} listed${readiness}`,
  });
  log(`models: ${listed.join(', ')}${readiness}`);

  if (options.skipChat) return { ok: true, models: listed, model, checks };

  await options.beforeChat?.(ready.value.read);

  if (options.directMode && !options.chatHeaders?.['x-dynamo-worker-instance-id']) {
    const pick = await pickDirectWorker(
      http,
      options.baseUrl,
      model,
      authHeaders(options),
      options.timeoutMs,
    );
    if (!pick.id) {
      const message =
        pick.listed === 0
          ? 'Direct mode routes only requests that name a worker in x-dynamo-worker-instance-id, and GET /health listed no worker instance of the generate endpoint to name.'
          : `Direct mode routes only requests that name a worker in x-dynamo-worker-instance-id, and none of the ${pick.listed} worker ids GET /health listed was accepted (${pick.rejected} rejected).`;
      checks.push({ name: 'chat', ok: false, attempts: 0, detail: message });
      return {
        ok: false,
        failure: new RunFailure('direct-needs-worker-id', message),
        models: listed,
        model,
        checks,
      };
    }
    log(`direct mode: sending the chat request to worker ${pick.id} (of ${pick.listed} listed by /health)`);
    options = { ...options, chatHeaders: { ...options.chatHeaders, 'x-dynamo-worker-instance-id': pick.id } };
  }

  const chat = await retrying((_attempt) => probeChat(http, options, model), retry<Reply>('chat'));
  const chatProbe = chat.value;
  if (!chatProbe.ok) {
    const failure = chatProbe.failure;
    const suffix = chat.attempts > 1 ? ` (after ${chat.attempts} attempts)` : '';
    checks.push({
      name: 'chat',
      ok: false,
      attempts: chat.attempts,
      status: chatProbe.status,
      detail: failure.message + suffix,
    });
    return {
      ok: false,
      failure: new RunFailure(failure.code, failure.message + suffix, failure.hint),
      models: listed,
      model,
      checks,
    };
  }
  const reply = chatProbe.value;
  const what = reply.textless
    ? `model "${model}" answered with ${reply.textless.completionTokens} generated tokens but no text (finish_reason ${reply.textless.finishReason})`
    : `model "${model}" answered`;
  const via = options.chatHeaders?.['x-dynamo-worker-instance-id'];
  const detail = via ? `${what}, sent to worker ${via}` : what;
  checks.push({
    name: 'chat',
    ok: true,
    attempts: chat.attempts,
    status: 200,
    latencyMs: chatProbe.elapsedMs,
    detail,
  });
  log(`chat: ${detail} in ${chatProbe.elapsedMs} ms`);
  return {
    ok: true,
    models: listed,
    model,
    latencyMs: chatProbe.elapsedMs,
    reply: reply.content,
    textless: reply.textless,
    workerId: via,
    checks,
  };
}
