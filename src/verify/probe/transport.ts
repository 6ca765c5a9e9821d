// What the routing probe needs from a frontend, behind one small interface so tests can put a
// simulated router behind it: a short chat that names its worker, a stream held open on a worker,
// the worker list of GET /health, and the frontend's /metrics. http-transport.ts is the real one.

import type { ListedInstance } from '../../check/direct-worker.js';

export interface ChatReply {
  /** HTTP status; 0 when nothing answered. */
  status: number;
  /** nvext.worker_id.decode_worker_id, decimal u64 text; absent when the reply named none. */
  worker?: string;
  /** usage.prompt_tokens, when reported. */
  promptTokens?: number;
  latencyMs: number;
  /** Why it failed, in a few words. */
  error?: string;
}

/** A stream held open on the worker that serves it, loading that worker until closed. */
export interface HeldStream {
  status: number;
  /** The worker its first chunk named; absent when it failed or named none. */
  worker?: string;
  /** Time to its first chunk, ms. */
  latencyMs: number;
  /** True once the stream ended by itself (finished, failed, or over its caps): it no longer loads the worker. */
  ended(): boolean;
  /** Stops it (the frontend cancels it on the worker); never throws. */
  close(): Promise<void>;
}

export interface ProbeTransport {
  /** One non-streamed request, max_tokens 1, asking for the worker id; extra headers name a worker (direct). */
  chat(content: string, headers?: Record<string, string>): Promise<ChatReply>;
  /** Opens a long stream and resolves once its first chunk names the worker (or it failed). */
  hold(content: string): Promise<HeldStream>;
  /** The worker instances GET /health lists ([] when none or unreadable). */
  instances(): Promise<ListedInstance[]>;
  /** The frontend's /metrics text, or undefined when it cannot be read. */
  metrics(): Promise<string | undefined>;
}
