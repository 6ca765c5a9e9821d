// Streaming chat requests for compare-modes: one request gives one Sample (time to first
// token, end-to-end latency, token counts, cached prefix tokens, serving worker, or the
// error), and runWorkload sends a whole workload through a fixed-size pool. Over undici: a pool
// sized by the concurrency, a deadline per request, caps on every response (StreamLimits), no
// redirects. The events are read by sse.ts (pure), which also defines TTFT.

import type { WorkloadRequest } from './workload.js';
import { Agent, type Dispatcher } from 'undici';
import { classifyNetworkError } from '../check/http.js';
import { applyEvent, createSseParser, StreamTooLarge, type SseEvent, type StreamState } from './sse.js';
import { quote } from '../runner/redact.js';

export type SampleErrorKind =
  'http' | 'timeout' | 'refused' | 'reset' | 'dns' | 'stream' | 'stream-too-large' | 'aborted' | 'other';

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

/**
 * What one streamed response may cost, scaled to what the request asked for. Measured on Dynamo
 * 1.6.1 (mocker, `ignore_eos`): a stream of max_tokens N has N + 3 events (a role event, one per
 * token, usage, `[DONE]`), each at most 332 bytes with worker ids on; at N = 32,768 (the input's
 * maximum) 32,771 events and 10.3 MB. The caps give twice the events and ~3× the bytes per event
 * (room for long model names and escaped multi-byte text), so a real stream never meets them,
 * while an endless one ends after work proportional to the request.
 */
export interface StreamLimits {
  /** Characters of one event while it is assembled (its unfinished line plus data so far). */
  eventChars: number;
  /** Bytes of one response body. */
  streamBytes: number;
  /** Events of one response. */
  events: number;
  /** Bytes read of a non-stream (error) body, for its message. */
  errorBodyBytes: number;
}

export function streamLimits(maxTokens: number): StreamLimits {
  return {
    eventChars: 256 * 1024,
    streamBytes: 64 * 1024 + 1024 * maxTokens,
    events: 64 + 2 * maxTokens,
    errorBodyBytes: 4096,
  };
}

export interface StreamOptions {
  apiKey?: string;
  /** Deadline for the whole exchange, connect and headers through the last event. */
  timeoutMs: number;
  headers?: Record<string, string>;
  /** Stops the request early (the run's own deadline). */
  signal?: AbortSignal;
  /** performance.now() value that startMs is measured from. Default: this call's start. */
  epoch?: number;
  /**
   * Reuse keep-alive connections. Default false: each request opens its own connection
   * (`Connection: close`), through the run's pool. Measured with bench/comparison-fidelity.ts
   * (fresh and keep-alive interleaved, Dynamo 1.6.1, 2026-11-29): with keep-alive the first
   * chunk of a short prefill waits ~20 ms more (client − frontend TTFT 21.8 ms vs 2.4 ms at a
   * 25 ms TTFT; 20.0 vs 5.4 ms at concurrency 4): the frontend's small writes are held back
   * until the client's delayed ACK, which a fresh connection (in quick-ACK mode) does not
   * delay. From ~85 ms TTFT up the two agree within ~1–4 ms. A connect costs the same in every
   * mode, so fresh connections keep differences between modes the frontend's own.
   */
  keepAlive?: boolean;
  /** The connection pool to send through (runWorkload's); default: one made for this request. */
  dispatcher?: Dispatcher;
  /** Caps on the response; default streamLimits(request.maxTokens). */
  limits?: Partial<StreamLimits>;
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

type Body = Dispatcher.ResponseData['body'];

/** The start of a body, at most maxBytes of it; the rest is never read. */
async function readSome(body: Body, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= maxBytes) break;
    }
  } catch {
    /* a partial body is still worth showing */
  }
  // Streaming decode drops a character the byte cap cut in half instead of leaving U+FFFD, so
  // the text ends where the cut was (where quote() looks for a secret's cut-off start).
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes), { stream: true });
}

/**
 * The pool for a workload: at most `concurrency` connections per origin, so the client never
 * queues a request behind its own slots; idle connections close after keepAliveTimeout.
 */
export function createStreamAgent(concurrency: number): Agent {
  return new Agent({ connections: Math.max(1, Math.floor(concurrency)), keepAliveTimeout: 10_000 });
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
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
  let endMs: number | undefined;
  const fail = (kind: SampleErrorKind, message: string, status?: number, state?: StreamState): Sample => ({
    ...base,
    ok: false,
    latencyMs: endMs ?? since(),
    ttftMs: state?.ttftMs,
    workerId: state?.workerId,
    status,
    error: { kind, message },
  });
  if (options.signal?.aborted) return fail('aborted', 'the run was stopped before this request was sent');

  const limits = { ...streamLimits(request.maxTokens), ...options.limits };
  const own = options.dispatcher ? undefined : createStreamAgent(1);
  const dispatcher = options.dispatcher ?? (own as Agent);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout.signal, options.signal]) : timeout.signal;
  const state: StreamState = { done: false };
  let status: number | undefined;
  let body: Body | undefined;
  try {
    const url = new URL(`${baseUrl}/v1/chat/completions`);
    const response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'text/event-stream',
        ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}),
        ...options.headers,
      },
      // Connection: close on a fresh connection per request (see StreamOptions.keepAlive).
      reset: !options.keepAlive,
      body: JSON.stringify(chatBody(request)),
      signal,
      // Backstops under the deadline: undici's own idle timers for headers and between chunks.
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    body = response.body;
    status = response.statusCode;
    // Redirects are never followed (undici follows none unless told): a 3xx is an error here,
    // so the API key never goes to another host.
    if (status !== 200) {
      const text = quote(await readSome(body, limits.errorBodyBytes));
      return fail('http', `HTTP ${status}: ${text || 'no body'}`, status);
    }
    const type = header(response.headers, 'content-type');
    if (!type.includes('text/event-stream')) {
      const text = quote(await readSome(body, limits.errorBodyBytes));
      return fail(
        'stream',
        `expected an event stream, got ${quote(type, 100) || 'no content-type'}: ${text}`,
        status,
      );
    }
    const parser = createSseParser(limits.eventChars);
    const decoder = new TextDecoder();
    let bytes = 0;
    let events = 0;
    const apply = (batch: SseEvent[]): void => {
      events += batch.length;
      if (events > limits.events)
        throw new StreamTooLarge(`the stream sent more than ${limits.events} events`);
      const at = since();
      for (const event of batch) applyEvent(state, event, at);
    };
    let finished = false;
    // One iterator for the events and the drain below (leaving a for-await loop would destroy
    // the body, and with it a connection worth keeping).
    const chunks = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      const chunk = next.value;
      bytes += chunk.length;
      if (bytes > limits.streamBytes)
        throw new StreamTooLarge(`the stream exceeded ${limits.streamBytes} bytes`);
      apply(parser.push(decoder.decode(chunk, { stream: true })));
      if (state.error || state.done) {
        finished = true;
        break;
      }
    }
    if (!finished) apply([...parser.push(decoder.decode()), ...parser.end()]);
    endMs = since();
    // On a kept-alive connection, read the (empty) end of the body so the connection can be
    // reused; bounded like the rest, and never longer than the deadline.
    if (finished && options.keepAlive && !state.error) {
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        bytes += next.value.length;
        if (bytes > limits.streamBytes) break;
      }
    }
  } catch (error) {
    if (endMs !== undefined && state.done) {
      // Only the drain after [DONE] failed: the sample is complete.
    } else if (error instanceof StreamTooLarge) {
      return fail('stream-too-large', error.message, status, state);
    } else if (timeout.signal.aborted) {
      return fail(
        'timeout',
        `no complete stream within ${Math.round(options.timeoutMs / 100) / 10} s`,
        status,
        state,
      );
    } else if (options.signal?.aborted) {
      return fail('aborted', 'the run was stopped during this request', status, state);
    } else {
      const { kind, detail } = classifyNetworkError(error);
      // A socket closed mid-stream: name it, the first events may have counted already.
      return fail(kind, state.ttftMs === undefined ? detail : `${detail} (mid-stream)`, status, state);
    }
  } finally {
    clearTimeout(timer);
    // A body left unread (an error, a cap, a stop) releases its connection; no-op once ended.
    body?.destroy();
    if (own) await own.destroy().catch(() => undefined);
  }
  if (state.error) return fail('stream', state.error, status, state);
  if (!state.done && !state.finishReason)
    return fail('stream', 'the stream ended before a finish_reason or [DONE]', status, state);
  return {
    ...base,
    ok: true,
    latencyMs: endMs ?? since(),
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
 * ceil(n / concurrency) · timeoutMs. Samples come back in request order. Without a dispatcher
 * in the options, the connections are a pool of `concurrency` made for this run and closed
 * at its end.
 */
export async function runWorkload(
  baseUrl: string,
  requests: readonly WorkloadRequest[],
  options: RunOptions,
): Promise<Sample[]> {
  const slots = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, requests.length));
  const samples: Sample[] = new Array(requests.length);
  const own = options.dispatcher ? undefined : createStreamAgent(slots);
  const dispatcher = options.dispatcher ?? own;
  const epoch = performance.now();
  let next = 0;
  let completed = 0;
  const slot = async (): Promise<void> => {
    while (next < requests.length) {
      const position = next++;
      const sample = await streamChat(baseUrl, requests[position], { ...options, dispatcher, epoch });
      samples[position] = sample;
      completed++;
      options.onProgress?.(completed, requests.length, sample);
    }
  };
  try {
    await Promise.all(Array.from({ length: slots }, slot));
  } finally {
    await own?.close().catch(() => own.destroy().catch(() => undefined));
  }
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
