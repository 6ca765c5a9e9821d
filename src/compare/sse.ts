// A streamed chat's server-sent events, read: the event-stream grammar (eventsource-parser, with
// a bound on each event), then each chat chunk folded into the state a Sample is made of (the
// time to the first event, token counts, cached tokens, the serving worker, an error). Pure.
//
// TTFT definition: the time from sending the request to the first SSE event that carries a
// choice (any delta, even a role-only one, or a finish_reason) or usage. Observed on Dynamo
// 1.6.1: response headers arrive within ~10 ms, and the first event (`delta: {role}`) arrives
// only once the engine produced its first token: its arrival tracks prefill time (≈670 ms for
// a cold 6,500-token prompt vs ≈90 ms for 70 tokens at mocker speedup 0.2), and for
// max_tokens 1 it arrives together with the finish chunk. So skipping the role-only event would
// measure the second token. The mocker sends no text at all (every delta is empty), so
// "first non-empty content" would never fire there.

import { createParser } from 'eventsource-parser';
import { isWorkerIdKey, parseKeepingIds } from '../check/u64-json.js';
import { quote } from '../runner/redact.js';

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

/** A stream over one of the caps of StreamLimits: the request ends as `stream-too-large`. */
export class StreamTooLarge extends Error {}

/**
 * The WHATWG event-stream grammar (LF, CRLF or CR line ends, also split across chunks; `:`
 * comments; data lines joined by LF; dispatch on a blank line) from eventsource-parser, with one
 * bound: an event may hold at most maxEventChars characters while it is being assembled (the
 * parser's maxBufferSize: its unfinished line plus the event's data so far), so a `data:` line
 * or an event that never ends costs at most that much memory; beyond it, StreamTooLarge.
 * Lines the grammar ignores (unknown fields, comments) are skipped without being buffered.
 */
export function createSseParser(maxEventChars = 256 * 1024): SseParser {
  let events: SseEvent[] = [];
  let overflow = false;
  const parser = createParser({
    maxBufferSize: maxEventChars,
    onEvent: (e) => {
      // The buffer bound holds only while an event is incomplete; one that arrived whole in a
      // chunk is measured here, so the cap means the same however the bytes were split.
      if (e.data.length > maxEventChars) overflow = true;
      else events.push(e.event === undefined ? { data: e.data } : { event: e.event, data: e.data });
    },
    onError: (e) => {
      if (e.type === 'max-buffer-size-exceeded') overflow = true;
    },
  });
  const take = (): SseEvent[] => {
    if (overflow) throw new StreamTooLarge(`an SSE event exceeded ${maxEventChars} characters`);
    const out = events;
    events = [];
    return out;
  };
  return {
    push(text) {
      parser.feed(text);
      return take();
    },
    // The spec drops an event left without its blank line at the end of the stream; a frontend
    // that closes right after `data: [DONE]` still finished, so the end completes it.
    end() {
      parser.feed('\n\n');
      return take();
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

/** A chunk, with worker ids kept as decimal text (u64, see check/u64-json.ts). */
export function parseChunk(text: string): unknown {
  return parseKeepingIds(text, isWorkerIdKey);
}

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
    state.error = `error event: ${quote(event.data) || 'no detail'}`;
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
    // The reviver (worker ids kept exact) costs most of the parse; the id does not change
    // within a stream, so later chunks parse plainly.
    chunk = (state.workerId === undefined ? parseChunk(data) : JSON.parse(data)) as typeof chunk;
  } catch {
    state.error = `a chunk is not JSON: ${quote(data) || 'empty'}`;
    return;
  }
  if (!chunk || typeof chunk !== 'object') {
    state.error = `a chunk is not a JSON object: ${quote(data)}`;
    return;
  }
  if (chunk.error !== undefined && chunk.error !== null) {
    state.error = `error in stream: ${quote(errorText(chunk.error))}`;
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
