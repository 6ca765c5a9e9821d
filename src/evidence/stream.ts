// Streaming chat requests for compare-modes: one request gives one Sample (time to first
// token, end-to-end latency, token counts, cached prefix tokens, serving worker, or the
// error), and runWorkload sends a whole workload through a fixed-size pool.
//
// TTFT definition: the time from sending the request to the first SSE event that carries a
// choice (any delta, even a role-only one, or a finish_reason) or usage. Observed on Dynamo
// 1.6.1: response headers arrive within ~10 ms, and the first event (`delta: {role}`) arrives
// only once the engine produced its first token: its arrival tracks prefill time (≈670 ms for
// a cold 6,500-token prompt vs ≈90 ms for 70 tokens at mocker speedup 0.2), and for
// max_tokens 1 it arrives together with the finish chunk. So skipping the role-only event would
// measure the second token. The mocker sends no text at all (every delta is empty), so
// "first non-empty content" would never fire there.
//
// The SSE parser and the event reducer are pure; streamChat and runWorkload are the effects.

import type { WorkloadRequest } from './workload.js';
import { classifyNetworkError } from '../check/http.js';
import { quote } from '../runner/redact.js';

// ---------------------------------------------------------------------------------------------
// SSE parsing (pure)

export interface SseEvent {
  /** The `event:` field; undefined means the default "message". */
  event?: string;
  data: string;
}

export interface SseParser {
  /** Feed decoded text (split anywhere); returns the events completed by it. */
  push(text: string): SseEvent[];
  /** End of stream: returns a last event that had no blank line after it, if any. */
  end(): SseEvent[];
}

export class SseLineTooLong extends Error {}

/**
 * A WHATWG-style event-stream parser: lines end in LF, CRLF or CR (also when the CR and LF
 * arrive in different chunks), `:` starts a comment, data lines are joined by LF, and an event
 * is dispatched on a blank line. A line longer than maxLineChars throws SseLineTooLong.
 */
export function createSseParser(maxLineChars = 1024 * 1024): SseParser {
  let buffer = '';
  let skipLf = false;
  let data: string[] = [];
  let event: string | undefined;
  let hasData = false;

  const line = (text: string, out: SseEvent[]): void => {
    if (text === '') {
      if (hasData) out.push({ event, data: data.join('\n') });
      data = [];
      event = undefined;
      hasData = false;
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      data.push(value);
      hasData = true;
    } else if (field === 'event') {
      event = value;
    }
    // id and retry do not matter for a single response stream.
  };

  return {
    push(text) {
      const out: SseEvent[] = [];
      let start = 0;
      let i = 0;
      if (skipLf && text.startsWith('\n')) start = i = 1;
      skipLf = false;
      for (; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c !== 10 && c !== 13) continue;
        line(buffer + text.slice(start, i), out);
        buffer = '';
        if (c === 13) {
          if (i + 1 < text.length) {
            if (text.charCodeAt(i + 1) === 10) i++;
          } else {
            skipLf = true;
          }
        }
        start = i + 1;
      }
      buffer += text.slice(start);
      if (buffer.length > maxLineChars)
        throw new SseLineTooLong(`an SSE line exceeded ${maxLineChars} characters`);
      return out;
    },
    end() {
      const out: SseEvent[] = [];
      if (buffer !== '') line(buffer, out);
      buffer = '';
      line('', out);
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Reading the chat chunks (pure)

export interface StreamState {
  ttftMs?: number;
  finishReason?: string;
  outputTokens?: number;
  promptTokens?: number;
  cachedTokens?: number;
  workerId?: string;
  /** `data: [DONE]` seen. */
  done: boolean;
  /** Set by an error event or an unreadable chunk: the stream failed. */
  error?: string;
}

type ReviverContext = { source?: string };

/**
 * JSON.parse that keeps worker ids as decimal text: they are u64 and lose precision as JS
 * numbers above 2^53 (JSON.parse source access, as in check/workers.ts).
 */
export function parseChunk(text: string): unknown {
  return JSON.parse(text, function (this: unknown, key: string, value: unknown, context?: ReviverContext) {
    return key.endsWith('worker_id') && typeof value === 'number' && context?.source !== undefined
      ? context.source
      : value;
  } as (key: string, value: unknown) => unknown);
}

// Redacted before it is cut: a key echoed across the cut point must not survive in part.
const excerpt = quote;

const count = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;

function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  const message = (error as { message?: unknown })?.message;
  return typeof message === 'string' ? message : JSON.stringify(error);
}

/** Folds one SSE event into the state; atMs is when it arrived (ms since the request was sent). */
export function applyEvent(state: StreamState, event: SseEvent, atMs: number): void {
  if (state.error || state.done) return;
  if (event.event === 'error') {
    state.error = `error event: ${excerpt(event.data) || 'no detail'}`;
    return;
  }
  const data = event.data.trim();
  if (data === '[DONE]') {
    state.done = true;
    return;
  }
  let chunk: {
    choices?: unknown;
    usage?: Record<string, unknown> | null;
    nvext?: { worker_id?: { decode_worker_id?: unknown } };
    error?: unknown;
  };
  try {
    chunk = parseChunk(data) as typeof chunk;
  } catch {
    state.error = `a chunk is not JSON: ${excerpt(data) || 'empty'}`;
    return;
  }
  if (!chunk || typeof chunk !== 'object') {
    state.error = `a chunk is not a JSON object: ${excerpt(data)}`;
    return;
  }
  if (chunk.error !== undefined && chunk.error !== null) {
    state.error = `error in stream: ${excerpt(errorText(chunk.error))}`;
    return;
  }
  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  const usage = chunk.usage && typeof chunk.usage === 'object' ? chunk.usage : undefined;
  if (state.ttftMs === undefined && (choices.length > 0 || usage)) state.ttftMs = atMs;
  const finish = (choices[0] as { finish_reason?: unknown } | undefined)?.finish_reason;
  if (typeof finish === 'string' && finish !== '') state.finishReason = finish;
  const worker = chunk.nvext?.worker_id?.decode_worker_id;
  if (typeof worker === 'string' && /^\d+$/.test(worker)) state.workerId = worker;
  if (usage) {
    state.promptTokens = count(usage.prompt_tokens) ?? state.promptTokens;
    state.outputTokens = count(usage.completion_tokens) ?? state.outputTokens;
    const details = usage.prompt_tokens_details as { cached_tokens?: unknown } | undefined;
    state.cachedTokens = count(details?.cached_tokens) ?? state.cachedTokens;
  }
}

// ---------------------------------------------------------------------------------------------
// Effects

export type SampleErrorKind =
  'http' | 'timeout' | 'refused' | 'reset' | 'dns' | 'stream' | 'aborted' | 'other';

export interface Sample {
  /** The request's position in the workload. */
  index: number;
  group: number;
  ok: boolean;
  /** When the request was sent, in ms after the run started (0 for a single streamChat). */
  startMs: number;
  /** From sending the request to the end of the stream (or to the failure). */
  latencyMs: number;
  /** Time to first token, as defined at the top of this file. */
  ttftMs?: number;
  /** usage.completion_tokens */
  outputTokens?: number;
  /** usage.prompt_tokens: the frontend tokenizer's count. */
  promptTokens?: number;
  /** usage.prompt_tokens_details.cached_tokens: the serving worker's prefix-cache hit. */
  cachedTokens?: number;
  /** nvext.worker_id.decode_worker_id, decimal u64 text. */
  workerId?: string;
  finishReason?: string;
  /** HTTP status of the response, when one arrived. */
  status?: number;
  error?: { kind: SampleErrorKind; message: string };
}

export interface StreamOptions {
  apiKey?: string;
  /** Deadline for the whole exchange, headers through the last event. */
  timeoutMs: number;
  headers?: Record<string, string>;
  /** Stops the request early (the run's own deadline). */
  signal?: AbortSignal;
  /** performance.now() value that startMs is measured from. Default: this call's start. */
  epoch?: number;
  /**
   * Reuse keep-alive connections. Default false: each request opens its own connection
   * (`Connection: close`). Observed on Dynamo 1.6.1 with concurrent requests over reused
   * connections: the first chunk often waits ~30–40 ms and arrives together with the rest
   * (small writes held back until the client's delayed ACK), so client TTFT was ~45 ms while
   * the frontend's own TTFT metric said ~15 ms. Fresh connections stream chunk by chunk; their
   * cost (one connect, plus TLS on https) is the same in every mode.
   */
  keepAlive?: boolean;
}

/** The request body: the same sampling settings in every mode. */
export function chatBody(request: WorkloadRequest): Record<string, unknown> {
  return {
    model: request.model,
    messages: request.messages,
    max_tokens: request.maxTokens,
    temperature: 0,
    // Real engines may stop at an end-of-sequence token, which would make output lengths
    // (and latency) differ between modes for reasons that are not routing. Dynamo 1.6.1
    // accepts this top-level extension; nvext.ignore_eos is rejected there.
    ignore_eos: true,
    stream: true,
    stream_options: { include_usage: true },
    nvext: { extra_fields: ['worker_id'] },
  };
}

const MAX_ERROR_BODY_BYTES = 4096;

async function readSome(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } catch {
    /* a partial body is still worth showing */
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, maxBytes);
}

// The checks' classification (fetch reports the socket error in `cause.code`).
function classify(error: unknown): { kind: SampleErrorKind; message: string } {
  const { kind, detail } = classifyNetworkError(error);
  return { kind, message: detail };
}

/** Sends one streaming chat request and measures it. Never throws: failures are in the Sample. */
export async function streamChat(
  baseUrl: string,
  request: WorkloadRequest,
  options: StreamOptions,
): Promise<Sample> {
  const started = performance.now();
  // Unrounded, so that start + latency of one request never passes the start of the next one
  // in the same slot; reports round.
  const since = (): number => performance.now() - started;
  const base = { index: request.index, group: request.group, startMs: started - (options.epoch ?? started) };
  const fail = (kind: SampleErrorKind, message: string, status?: number, state?: StreamState): Sample => ({
    ...base,
    ok: false,
    latencyMs: since(),
    ttftMs: state?.ttftMs,
    workerId: state?.workerId,
    status,
    error: { kind, message },
  });
  if (options.signal?.aborted) return fail('aborted', 'the run was stopped before this request was sent');

  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout.signal, options.signal]) : timeout.signal;
  const state: StreamState = { done: false };
  let status: number | undefined;
  try {
    const response = await fetch(`${baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'text/event-stream',
        ...(options.keepAlive ? {} : { Connection: 'close' }),
        ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}),
        ...options.headers,
      },
      body: JSON.stringify(chatBody(request)),
      // A redirect could carry the API key to another host: it counts as an error.
      redirect: 'manual',
      signal,
    });
    status = response.status;
    if (status !== 200) {
      const body = excerpt(await readSome(response, MAX_ERROR_BODY_BYTES));
      return fail('http', `HTTP ${status}: ${body || 'no body'}`, status);
    }
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('text/event-stream')) {
      const body = excerpt(await readSome(response, MAX_ERROR_BODY_BYTES));
      return fail('stream', `expected an event stream, got ${type || 'no content-type'}: ${body}`, status);
    }
    if (!response.body) return fail('stream', 'the response has no body', status);
    const parser = createSseParser();
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
        const events = done ? [...parser.push(text), ...parser.end()] : parser.push(text);
        const at = since();
        for (const event of events) applyEvent(state, event, at);
        if (state.error || state.done || done) break;
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  } catch (error) {
    if (timeout.signal.aborted)
      return fail(
        'timeout',
        `no complete stream within ${Math.round(options.timeoutMs / 100) / 10} s`,
        status,
        state,
      );
    if (options.signal?.aborted)
      return fail('aborted', 'the run was stopped during this request', status, state);
    if (error instanceof SseLineTooLong) return fail('stream', error.message, status, state);
    const { kind, message } = classify(error);
    // A socket closed mid-stream surfaces as "terminated" with the socket error as cause.
    return fail(kind, state.ttftMs === undefined ? message : `${message} (mid-stream)`, status, state);
  } finally {
    clearTimeout(timer);
  }
  if (state.error) return fail('stream', state.error, status, state);
  if (!state.done && !state.finishReason)
    return fail('stream', 'the stream ended before a finish_reason or [DONE]', status, state);
  return {
    ...base,
    ok: true,
    latencyMs: since(),
    ttftMs: state.ttftMs,
    outputTokens: state.outputTokens,
    promptTokens: state.promptTokens,
    cachedTokens: state.cachedTokens,
    workerId: state.workerId,
    finishReason: state.finishReason,
    status,
  };
}

export interface RunOptions extends Omit<StreamOptions, 'epoch'> {
  /** Requests in flight at once, at least 1. */
  concurrency: number;
  /** Called after each request completes (in completion order). */
  onProgress?: (completed: number, total: number, sample: Sample) => void;
}

/**
 * Sends the requests through a fixed pool of `concurrency` slots: requests start in list order,
 * a slot takes the next request only when its previous one finished, so at most `concurrency`
 * are in flight. Each request is bounded by timeoutMs, so the run is bounded by
 * ceil(n / concurrency) · timeoutMs. Samples come back in request order.
 */
export async function runWorkload(
  baseUrl: string,
  requests: readonly WorkloadRequest[],
  options: RunOptions,
): Promise<Sample[]> {
  const slots = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, requests.length));
  const samples: Sample[] = new Array(requests.length);
  const epoch = performance.now();
  let next = 0;
  let completed = 0;
  const slot = async (): Promise<void> => {
    while (next < requests.length) {
      const position = next++;
      const sample = await streamChat(baseUrl, requests[position], { ...options, epoch });
      samples[position] = sample;
      completed++;
      options.onProgress?.(completed, requests.length, sample);
    }
  };
  await Promise.all(Array.from({ length: slots }, slot));
  return samples;
}

/** The most requests that were in flight at one time, from the samples' own timings. */
export function peakInFlight(samples: readonly Sample[]): number {
  const edges: [number, number][] = [];
  for (const s of samples) {
    edges.push([s.startMs, 1], [s.startMs + s.latencyMs, -1]);
  }
  // Ends sort before starts at the same instant: back-to-back requests do not overlap.
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let current = 0;
  let peak = 0;
  for (const [, delta] of edges) {
    current += delta;
    peak = Math.max(peak, current);
  }
  return peak;
}
