// POST /v1/chat/completions, not streamed: one attempt classified (requests.ts), and the reply
// read: a message, a tool call, or (Dynamo's mocker) generated tokens without text. In direct mode
// a rejected plain request is explained as the missing worker id it is.

import { quote } from '../runner/redact.js';
import { HttpError, type HttpClient, type HttpResponse } from './http.js';
import type { Outcome } from './retry.js';
import { authHeaders, failed, notOk, unauthorized, type Probe, type SmokeOptions } from './requests.js';

const MAX_CHAT_BYTES = 4 * 1024 * 1024;

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

export async function probeChat(
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
  const other = notOk<Reply>(what, response, 'chat-error', {
    hint:
      status === 404 ? `check the \`model\` input: "${model}" must be one of the listed models` : undefined,
  });
  if (other) return other;
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
