// A small, bounded latency sample of the smoke kind, for the history: the same chat as the smoke
// check (model, prompt, max_tokens, headers), sent a fixed number of times one after the other,
// each within `timeout`. Used when the routing probe gives no per-request latencies. Also the
// worker instances GET /health lists, when no probe named the workers that served.

import { performance } from 'node:perf_hooks';
import { percentile } from '../compare/bootstrap.js';
import type { LatencyFigures } from '../model/history.js';
import { directWorkerHeaders, workerInstanceIds } from './direct-worker.js';
import type { HttpClient } from './http.js';

/** Requests in a smoke-kind sample: enough for a median that one slow request cannot move. */
export const SMOKE_SAMPLE_REQUESTS = 8;
/** Two failures in a row end the sample: the frontend is failing, not slow. */
const STOP_AFTER_ERRORS = 2;
const MAX_REPLY_BYTES = 4 * 1024 * 1024;

export interface SampleOptions {
  baseUrl: string;
  model: string;
  prompt: string;
  maxTokens: number;
  timeoutMs: number;
  headers: Record<string, string>;
  /** Direct mode: the worker every request names. */
  workerId?: string;
  requests?: number;
}

/** Figures of a list of successful latencies, with how many requests were sent and failed. */
export function latencyFigures(
  source: LatencyFigures['source'],
  samplesMs: number[],
  requests: number,
  errors: number,
): LatencyFigures {
  return {
    source,
    requests,
    errors,
    samplesMs,
    p50Ms: percentile(samplesMs, 50) ?? null,
    p90Ms: percentile(samplesMs, 90) ?? null,
  };
}

export async function sampleLatency(http: HttpClient, o: SampleOptions): Promise<LatencyFigures> {
  const requests = o.requests ?? SMOKE_SAMPLE_REQUESTS;
  const samples: number[] = [];
  let errors = 0;
  let inARow = 0;
  let sent = 0;
  const headers = {
    'Content-Type': 'application/json',
    ...o.headers,
    ...(o.workerId ? directWorkerHeaders(o.workerId) : {}),
  };
  const body = JSON.stringify({
    model: o.model,
    messages: [{ role: 'user', content: o.prompt }],
    max_tokens: o.maxTokens,
  });
  while (sent < requests && inARow < STOP_AFTER_ERRORS) {
    sent++;
    const started = performance.now();
    let ok: boolean;
    try {
      const response = await http.request({
        method: 'POST',
        url: `${o.baseUrl}/v1/chat/completions`,
        headers,
        body,
        timeoutMs: o.timeoutMs,
        maxBytes: MAX_REPLY_BYTES,
      });
      ok = response.status === 200;
    } catch {
      ok = false;
    }
    if (ok) {
      samples.push(performance.now() - started);
      inARow = 0;
    } else {
      errors++;
      inARow++;
    }
  }
  return latencyFigures('smoke', samples, sent, errors);
}

/** The worker instances the frontend lists in GET /health (sorted; empty when it lists none). */
export async function listedWorkers(
  http: HttpClient,
  baseUrl: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<string[]> {
  return [...(await workerInstanceIds(http, baseUrl, headers, timeoutMs))].sort();
}
