// The routing probe's transport over HTTP: short chats through the run's one HTTP client, and
// streams held open through undici (the comparison's SSE reader), each with a deadline and caps.

import { listedInstances } from '../../check/direct-worker.js';
import type { HttpClient } from '../../check/http.js';
import { isWorkerIdKey, parseKeepingIds } from '../../check/u64-json.js';
import { applyEvent, createSseParser, type StreamState } from '../../compare/sse.js';
import { chatBody, streamLimits } from '../../compare/stream.js';
import { Agent } from 'undici';
import { readMetrics } from '../metrics.js';
import type { ChatReply, HeldStream, ProbeTransport } from './transport.js';

export interface HttpTransportOptions {
  baseUrl: string;
  model: string;
  headers: Record<string, string>;
  /** Deadline of one request (and of a held stream's first chunk). */
  timeoutMs: number;
  /** The longest a held stream may stay open if nobody closes it. */
  holdLifetimeMs: number;
}

/** Tokens a held stream asks for: enough to keep a worker busy for the probe (a fast GPU: seconds). */
export const HOLD_TOKENS = 4000;
/** Asked for instead when a model's context is too short for HOLD_TOKENS (a 4xx on the first try). */
export const HOLD_TOKENS_SHORT = 512;
const MAX_REPLY_BYTES = 1024 * 1024;

/** The worker and prompt tokens of a non-streamed reply. */
export function readReply(body: string): { worker?: string; promptTokens?: number } {
  try {
    const reply = parseKeepingIds(body, isWorkerIdKey) as {
      nvext?: { worker_id?: { decode_worker_id?: unknown; prefill_worker_id?: unknown } };
      usage?: { prompt_tokens?: unknown };
    };
    const ids = reply?.nvext?.worker_id;
    const id = typeof ids?.decode_worker_id === 'string' ? ids.decode_worker_id : ids?.prefill_worker_id;
    const tokens = reply?.usage?.prompt_tokens;
    return {
      worker: typeof id === 'string' && /^\d+$/.test(id) ? id : undefined,
      promptTokens: typeof tokens === 'number' && Number.isFinite(tokens) ? tokens : undefined,
    };
  } catch {
    return {};
  }
}

export function httpTransport(http: HttpClient, o: HttpTransportOptions): ProbeTransport {
  // One connection per held stream: they stay open side by side.
  const agent = new Agent({ connections: 16, keepAliveTimeout: 1000 });
  const open = new Set<HeldStream>();
  const transport: ProbeTransport & { dispose(): Promise<void> } = {
    async chat(content, headers = {}): Promise<ChatReply> {
      const started = performance.now();
      try {
        const response = await http.request({
          method: 'POST',
          url: `${o.baseUrl}/v1/chat/completions`,
          headers: { 'Content-Type': 'application/json', ...o.headers, ...headers },
          body: JSON.stringify({
            model: o.model,
            messages: [{ role: 'user', content }],
            max_tokens: 1,
            stream: false,
            nvext: { extra_fields: ['worker_id'] },
          }),
          timeoutMs: o.timeoutMs,
          maxBytes: MAX_REPLY_BYTES,
        });
        const latencyMs = Math.round(performance.now() - started);
        if (response.status !== 200)
          return { status: response.status, latencyMs, error: `HTTP ${response.status}` };
        return { status: 200, latencyMs, ...readReply(response.body) };
      } catch (error) {
        return {
          status: 0,
          latencyMs: Math.round(performance.now() - started),
          error: (error as Error).message,
        };
      }
    },
    async hold(content) {
      let held = await holdStream(agent, o, content, HOLD_TOKENS);
      if (held.status >= 400 && held.status < 500) {
        await held.close();
        held = await holdStream(agent, o, content, HOLD_TOKENS_SHORT);
      }
      open.add(held);
      return held;
    },
    instances: () => listedInstances(http, o.baseUrl, o.headers, o.timeoutMs),
    async metrics() {
      const read = await readMetrics(http, o.baseUrl, o.headers, o.timeoutMs);
      return read.ok ? read.text : undefined;
    },
    async dispose() {
      await Promise.all([...open].map((h) => h.close()));
      await agent.close().catch(() => agent.destroy().catch(() => undefined));
    },
  };
  return transport;
}

/** Closes the transport's held streams and connections (the probe does it when done). */
export async function disposeTransport(t: ProbeTransport): Promise<void> {
  await (t as { dispose?: () => Promise<void> }).dispose?.();
}

/**
 * A streamed request that generates `maxTokens` tokens (ignore_eos), read in the background and
 * discarded: its first chunk names the worker; it counts as ended when it finishes, fails, passes
 * the comparison's caps for that many tokens, or outlives holdLifetimeMs.
 */
async function holdStream(
  agent: Agent,
  o: HttpTransportOptions,
  content: string,
  maxTokens: number,
): Promise<HeldStream> {
  const started = performance.now();
  const stop = new AbortController();
  const lifetime = setTimeout(() => stop.abort(), o.holdLifetimeMs);
  const state: StreamState = { done: false };
  let ended = false;
  let firstChunk: (() => void) | undefined;
  const named = new Promise<void>((resolve) => (firstChunk = resolve));
  let status = 0;
  let latencyMs = 0;
  const limits = streamLimits(maxTokens);
  const reading = (async () => {
    try {
      const url = new URL(`${o.baseUrl}/v1/chat/completions`);
      const response = await agent.request({
        origin: url.origin,
        path: url.pathname,
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...o.headers },
        body: JSON.stringify(
          chatBody({ index: 0, group: 0, model: o.model, messages: [{ role: 'user', content }], maxTokens }),
        ),
        signal: stop.signal,
        headersTimeout: o.timeoutMs,
        bodyTimeout: o.holdLifetimeMs,
      });
      status = response.statusCode;
      if (status !== 200) {
        response.body.destroy();
        return;
      }
      const parser = createSseParser(limits.eventChars);
      const decoder = new TextDecoder();
      let bytes = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > limits.streamBytes) break;
        for (const event of parser.push(decoder.decode(chunk, { stream: true }))) applyEvent(state, event, 0);
        if (state.workerId !== undefined && latencyMs === 0) {
          latencyMs = Math.round(performance.now() - started);
          firstChunk?.();
        }
        if (state.done || state.error || state.finishReason) break;
      }
      response.body.destroy();
    } catch {
      /* aborted, reset or timed out: it ended */
    } finally {
      ended = true;
      clearTimeout(lifetime);
      firstChunk?.();
    }
  })();
  // The first chunk comes with the first generated token; past the request deadline, give up.
  const deadline = setTimeout(() => stop.abort(), o.timeoutMs);
  await named;
  clearTimeout(deadline);
  if (latencyMs === 0) latencyMs = Math.round(performance.now() - started);
  return {
    status,
    worker: state.workerId,
    latencyMs,
    ended: () => ended,
    async close() {
      stop.abort();
      await reading;
    },
  };
}
