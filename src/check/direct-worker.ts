// Finds the worker instance ids a frontend knows, for direct mode (which routes only requests
// that name a worker in x-dynamo-worker-instance-id). Dynamo 1.6 lists them in GET /health as
// `instances[]` entries of the `generate` endpoint. Ids are u64: above 2^53 a JSON number
// loses precision, so they are taken from the source text (JSON.parse source access).

import type { HttpClient } from './http.js';
import { parseKeepingIds } from './u64-json.js';

/**
 * The headers that name the worker in direct mode: 1.3 and later read
 * x-dynamo-worker-instance-id, 1.0–1.2 read x-worker-instance-id (src/releases/releases.json).
 * Both are sent, so the request names its worker whatever release serves it.
 */
export function directWorkerHeaders(id: string): Record<string, string> {
  return { 'x-dynamo-worker-instance-id': id, 'x-worker-instance-id': id };
}

/** One worker instance of the `generate` endpoint, as GET /health lists it. */
export interface ListedInstance {
  id: string;
  namespace?: string;
  component?: string;
  /** e.g. `cuda` or `cpu` (device-aware-weighted routing reads it). */
  deviceType?: string;
}

/** The `generate` instances GET /health lists, ids kept exact; [] for anything else. */
export function parseInstances(body: string): ListedInstance[] {
  let parsed: unknown;
  try {
    parsed = parseKeepingIds(body, (key) => key === 'instance_id');
  } catch {
    return [];
  }
  const instances = (parsed as { instances?: unknown })?.instances;
  if (!Array.isArray(instances)) return [];
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const seen = new Map<string, ListedInstance>();
  for (const raw of instances) {
    const i = raw as Record<string, unknown>;
    const id = String(i?.instance_id ?? '');
    if (i?.endpoint !== 'generate' || !/^\d+$/.test(id) || seen.has(id)) continue;
    seen.set(id, {
      id,
      namespace: text(i.namespace),
      component: text(i.component),
      deviceType: text(i.device_type),
    });
  }
  return [...seen.values()];
}

export function parseInstanceIds(body: string): string[] {
  return parseInstances(body).map((i) => i.id);
}

/** The worker instances GET /health lists; [] when it lists none or cannot be read. */
export async function listedInstances(
  http: HttpClient,
  baseUrl: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<ListedInstance[]> {
  try {
    const response = await http.request({
      method: 'GET',
      url: `${baseUrl}/health`,
      headers,
      timeoutMs,
      maxBytes: 4 * 1024 * 1024,
    });
    return response.status === 200 ? parseInstances(response.body) : [];
  } catch {
    return [];
  }
}

export async function workerInstanceIds(
  http: HttpClient,
  baseUrl: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<string[]> {
  return (await listedInstances(http, baseUrl, headers, timeoutMs)).map((i) => i.id);
}

/**
 * The first listed worker that direct mode accepts. /health lists every instance the frontend's
 * discovery sees, which can include other graphs' workers in a shared discovery scope; naming
 * one of those is rejected (400), so each candidate is tried with a one-token request.
 */
export async function pickDirectWorker(
  http: HttpClient,
  baseUrl: string,
  model: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ id?: string; listed: number; rejected: number }> {
  const ids = await workerInstanceIds(http, baseUrl, headers, timeoutMs);
  let rejected = 0;
  for (const id of ids.slice(0, 16)) {
    let status: number;
    try {
      const response = await http.request({
        method: 'POST',
        url: `${baseUrl}/v1/chat/completions`,
        headers: { 'Content-Type': 'application/json', ...headers, ...directWorkerHeaders(id) },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 }),
        timeoutMs,
        maxBytes: 1024 * 1024,
      });
      status = response.status;
    } catch {
      status = 0;
    }
    if (status === 200) return { id, listed: ids.length, rejected };
    // Anything but a rejection of the id (a timeout, a 5xx) is for the check itself to report.
    if (status < 400 || status >= 500) return { id, listed: ids.length, rejected };
    rejected++;
  }
  return { listed: ids.length, rejected };
}
