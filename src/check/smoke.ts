// The smoke check: GET /v1/models must list a model, then one POST /v1/chat/completions must
// answer with a message. Every attempt is classified into "retry" or "final" with a failure
// code, so a slow start is waited out while a wrong key or a broken reply fails at once.

import { RunFailure } from '../model/failure.js';
import type { CheckRecord } from '../model/contract.js';
import { seconds, type HttpClient } from './http.js';
import { retrying } from './retry.js';
import { pickDirectWorker } from './direct-worker.js';
import { MODEL_READY, readModelReady } from './model-ready.js';
import { authHeaders, type Probe, type SmokeOptions } from './requests.js';
import { probeModels } from './models.js';
import { probeChat, type Reply } from './chat.js';

export type { SmokeOptions } from './requests.js';

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

export type SmokeLog = (line: string) => void;

/** A check whose last attempt failed: its row, and its failure saying how many attempts it took. */
function failedCheck(
  name: CheckRecord['name'],
  probe: Extract<Probe<unknown>, { ok: false }>,
  attempts: number,
): { check: CheckRecord; failure: RunFailure } {
  const suffix = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  const message = probe.failure.message + suffix;
  return {
    check: { name, ok: false, attempts, status: probe.status, detail: message },
    failure: probe.failure.amended({ message }),
  };
}

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
    const { check, failure } = failedCheck('models', modelsProbe, models.attempts);
    return { ok: false, failure, models: [], checks: [...checks, check] };
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
    const { check, failure } = failedCheck('chat', chatProbe, chat.attempts);
    return { ok: false, failure, models: listed, model, checks: [...checks, check] };
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
