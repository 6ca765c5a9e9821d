// Reads the frontend's Prometheus /metrics and reduces it to what the evidence needs: the total
// of each sample name over its label sets (histograms appear as their _count, _sum and _bucket
// samples). Written here rather than taken from npm: the one standalone parser there
// (parse-prometheus-text-format) merges all series of a labelled histogram into one and drops
// their _count and _sum, which is exactly what Dynamo's router histograms are. The exposition
// format's sample line is small: name, optional {labels} with escaped quoted values, value.

import type { HttpClient } from '../check/http.js';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Sample name → total over all label sets. Presence in the map means the release exposes it. */
export type MetricTotals = Map<string, number>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;

function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

/** Parses the sample lines of the Prometheus text format; malformed lines are skipped. */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const name = NAME.exec(line)?.[0];
    if (!name) continue;
    let rest = line.slice(name.length);
    const labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      const end = labelsEnd(rest);
      if (end < 0) continue;
      const body = rest.slice(1, end);
      LABEL.lastIndex = 0;
      let match: RegExpExecArray | null;
      while (LABEL.lastIndex < body.length && (match = LABEL.exec(body)))
        labels[match[1]] = unescapeLabel(match[2]);
      rest = rest.slice(end + 1);
    }
    const token = rest.trim().split(/\s+/)[0];
    const value = token === '+Inf' ? Infinity : token === '-Inf' ? -Infinity : Number(token);
    if (token === undefined || token === '' || (Number.isNaN(value) && token !== 'NaN')) continue;
    samples.push({ name, labels, value });
  }
  return samples;
}

/** Index of the closing brace of a label set, skipping braces inside quoted values. */
function labelsEnd(rest: string): number {
  let quoted = false;
  for (let i = 1; i < rest.length; i++) {
    const c = rest[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === '}' && !quoted) return i;
  }
  return -1;
}

export function parseMetrics(text: string): MetricTotals {
  const totals: MetricTotals = new Map();
  for (const s of parseSamples(text)) {
    if (Number.isFinite(s.value)) totals.set(s.name, (totals.get(s.name) ?? 0) + s.value);
    else if (!totals.has(s.name)) totals.set(s.name, 0);
  }
  return totals;
}

export type MetricsRead = { ok: true; text: string; totals: MetricTotals } | { ok: false; problem: string };

export async function readMetrics(
  http: HttpClient,
  baseUrl: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<MetricsRead> {
  try {
    const response = await http.request({
      method: 'GET',
      url: `${baseUrl}/metrics`,
      headers,
      timeoutMs,
      maxBytes: 16 * 1024 * 1024,
    });
    if (response.status !== 200) return { ok: false, problem: `GET /metrics answered ${response.status}` };
    const totals = parseMetrics(response.body);
    if (totals.size === 0) return { ok: false, problem: 'GET /metrics returned no Prometheus metrics' };
    return { ok: true, text: response.body, totals };
  } catch (error) {
    return { ok: false, problem: `GET /metrics failed: ${(error as Error).message}` };
  }
}

export function delta(before: MetricTotals, after: MetricTotals, name: string): number | undefined {
  if (!after.has(name)) return undefined;
  return (after.get(name) ?? 0) - (before.get(name) ?? 0);
}
