// The frontend's own word on whether it can route a model: the gauge `dynamo_frontend_model_ready`
// ("Whether the frontend can route at least one inference request for the model", 1.6+;
// releases.json `modelReadyGauge`). A model can be listed before it can be served (a
// disaggregated graph whose decode workers have not registered yet), so the smoke check waits on
// the gauge where the frontend exposes it, and its value becomes evidence in the models check.
// Where GET /metrics has no such series (older releases, a gateway), nothing is waited for.

import type { HttpClient } from './http.js';
import { parseSamples, readMetrics, type MetricsRead } from '../verify/metrics.js';

export const MODEL_READY = 'dynamo_frontend_model_ready';

/** `absent`: no gauge for this model (or no metrics); else its value. */
export type ModelReady = 'absent' | 'ready' | 'not-ready';

/** The gauge's value for `model` in a Prometheus text body. */
export function modelReadyIn(text: string, model: string): ModelReady {
  const sample = parseSamples(text).find((s) => s.name === MODEL_READY && s.labels.model === model);
  if (!sample) return 'absent';
  return sample.value === 1 ? 'ready' : 'not-ready';
}

/** The gauge for `model`, and the scrape it came from (the evidence window's first read reuses it). */
export async function readModelReady(
  http: HttpClient,
  baseUrl: string,
  headers: Record<string, string>,
  timeoutMs: number,
  model: string,
): Promise<{ state: ModelReady; read: MetricsRead }> {
  const read = await readMetrics(http, baseUrl, headers, timeoutMs);
  return { state: read.ok ? modelReadyIn(read.text, model) : 'absent', read };
}
