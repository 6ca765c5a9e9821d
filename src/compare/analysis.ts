// Turns the samples of each mode into the `comparison` output: per-mode numbers, then for every
// mode after the first a bootstrap interval of its median TTFT difference against the first.
// Pure: the caller runs the workload and reads the router metrics; report/comparison-sentences.ts words
// each mode's conclusion.
//
// Labelling (never claims more than the data carries):
// - `measured difference` only when every mode has at least MIN_MEASURED_SAMPLES successful
//   samples AND the 95% interval of median(mode) − median(baseline) excludes zero;
// - `smoke comparison` otherwise. A smoke comparison states the numbers and says that no
//   difference is shown; it never says a mode is faster or slower.
// The overall label is `measured difference` only when every comparison is one.

import { bootstrapMedianDiff, excludesZero, percentile } from './bootstrap.js';
import type { Sample } from './stream.js';
import { conclusionFor } from '../report/comparison-sentences.js';
import {
  MIN_MEASURED_SAMPLES,
  type ComparisonLabel,
  type CompareSettings,
  type Comparison,
  type ModeResult,
  type ModeSummary,
} from '../model/comparison.js';

export interface ModeRun {
  mode: string;
  samples: readonly Sample[];
  /**
   * Mean per-request KV hit rate the router recorded for this mode's requests (0–1), from the
   * frontend's /metrics (see routerKvHitRate). Undefined when the router records none (modes
   * other than kv) or the metric is missing.
   */
  kvHitRate?: number;
}

export interface CompareOptions {
  seed: number;
  iterations?: number;
  minSamples?: number;
  /** Echoed into the output so the numbers can be reproduced. */
  settings?: CompareSettings;
}

export const definitions = (minSamples: number): Record<string, string> => ({
  ttft: 'time from sending the request to the first streamed chunk carrying a choice or usage (Dynamo sends it with the first generated token)',
  latency: 'time from sending the request to the end of the stream',
  itl: 'inter-token latency per request: (latency - TTFT) / (output tokens - 1), as aiperf defines it; percentiles over requests with at least two output tokens',
  throughput:
    'output tokens and successful requests per second of wall time (first request sent to last stream ended)',
  percentiles: 'nearest-rank over successful requests; p50 is the median',
  interval:
    '95% percentile-bootstrap interval of median TTFT(mode) - median TTFT(baseline), resampling both modes, seeded',
  label: `"measured difference" only when every mode has at least ${minSamples} successful samples and the interval excludes zero; otherwise "smoke comparison"`,
  cachedTokenRatio: 'sum of usage.prompt_tokens_details.cached_tokens / sum of usage.prompt_tokens',
  kvHitRate: "router's mean per-request KV hit rate from /metrics; recorded by the kv router only",
});

const round = (value: number | undefined, digits: number): number | undefined =>
  value === undefined || !Number.isFinite(value) ? undefined : Number(value.toFixed(digits));

function errorKey(sample: Sample): string {
  const error = sample.error;
  if (!error) return 'unknown';
  return error.kind === 'http' && sample.status !== undefined ? `HTTP ${sample.status}` : error.kind;
}

/** aiperf's inter-token latency of one request; undefined without a TTFT or two output tokens. */
export function interTokenLatency(sample: Sample): number | undefined {
  const tokens = sample.outputTokens;
  if (sample.ttftMs === undefined || tokens === undefined || tokens < 2) return undefined;
  return (sample.latencyMs - sample.ttftMs) / (tokens - 1);
}

/** Successful samples per serving worker (samples whose stream named one). */
function perWorker(samples: readonly Sample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of samples) if (s.workerId !== undefined) counts[s.workerId] = (counts[s.workerId] ?? 0) + 1;
  return counts;
}

/** Per-mode numbers from its samples (pure). */
export function summarizeMode(run: ModeRun): ModeSummary {
  const ok = run.samples.filter((s) => s.ok);
  const failed = run.samples.filter((s) => !s.ok);
  const errorKinds: Record<string, number> = {};
  for (const s of failed) errorKinds[errorKey(s)] = (errorKinds[errorKey(s)] ?? 0) + 1;
  const ttft = ok.map((s) => s.ttftMs).filter((v): v is number => v !== undefined);
  const latency = ok.map((s) => s.latencyMs);
  const itl = ok.map(interTokenLatency).filter((v): v is number => v !== undefined);
  const sum = (pick: (s: Sample) => number | undefined, from: readonly Sample[] = ok): number =>
    from.reduce((total, s) => total + (pick(s) ?? 0), 0);
  const outputTokens = sum((s) => s.outputTokens);
  // Only samples that report both counts enter the ratio: a missing count is not a zero.
  const withCache = ok.filter((s) => s.promptTokens !== undefined && s.cachedTokens !== undefined);
  const promptForRatio = sum((s) => s.promptTokens, withCache);
  const starts = run.samples.map((s) => s.startMs);
  const ends = run.samples.map((s) => s.startMs + s.latencyMs);
  const wallMs = run.samples.length ? Math.max(...ends) - Math.min(...starts) : 0;
  return {
    mode: run.mode,
    requests: run.samples.length,
    samples: ok.length,
    errors: failed.length,
    errorKinds,
    firstError: failed[0]?.error?.message,
    ttftP50: round(percentile(ttft, 50), 1),
    ttftP95: round(percentile(ttft, 95), 1),
    latencyP50: round(percentile(latency, 50), 1),
    latencyP95: round(percentile(latency, 95), 1),
    itlP50: round(percentile(itl, 50), 2),
    itlP95: round(percentile(itl, 95), 2),
    outputTokensPerSec: wallMs > 0 && ok.length > 0 ? round(outputTokens / (wallMs / 1000), 1) : undefined,
    requestsPerSec: wallMs > 0 && ok.length > 0 ? round(ok.length / (wallMs / 1000), 2) : undefined,
    cachedTokenRatio:
      promptForRatio > 0 ? round(sum((s) => s.cachedTokens, withCache) / promptForRatio, 3) : undefined,
    kvHitRate: round(run.kvHitRate, 3),
    promptTokens: sum((s) => s.promptTokens),
    cachedTokens: sum((s) => s.cachedTokens),
    outputTokens,
    workers: new Set(ok.map((s) => s.workerId).filter((id) => id !== undefined)).size,
    workerRequests: perWorker(ok),
  };
}

/**
 * The router's mean per-request KV hit rate between two /metrics reads, from the
 * `dynamo_component_router_kv_hit_rate` histogram's _sum and _count (summed over label sets).
 * Undefined when the count did not move: the router recorded no hit rate (any mode but kv).
 */
export function routerKvHitRate(
  before: { sum: number; count: number } | undefined,
  after: { sum: number; count: number } | undefined,
): number | undefined {
  if (!after) return undefined;
  const count = after.count - (before?.count ?? 0);
  const sum = after.sum - (before?.sum ?? 0);
  if (!(count > 0) || !Number.isFinite(sum)) return undefined;
  return Math.min(1, Math.max(0, sum / count));
}

/** Compares every mode with the first one. `runs` in the order they were run; the first is the baseline. */
export function compare(runs: readonly ModeRun[], options: CompareOptions): Comparison {
  if (runs.length === 0) throw new RangeError('compare needs at least one mode');
  const minSamples = options.minSamples ?? MIN_MEASURED_SAMPLES;
  const summaries = runs.map(summarizeMode);
  const base = summaries[0];
  const lowSampleModes = summaries.filter((s) => s.samples < minSamples).map((s) => s.mode);
  const ttftOf = (run: ModeRun): number[] =>
    run.samples.filter((s) => s.ok && s.ttftMs !== undefined).map((s) => s.ttftMs as number);
  const baseTtft = ttftOf(runs[0]);

  const modes = summaries.map((summary, i): ModeResult => {
    if (i === 0) {
      const partial = { ...summary, baseline: true };
      return { ...partial, conclusion: conclusionFor(partial, base, lowSampleModes, minSamples) };
    }
    // A different seed per comparison: each interval stands on its own resampling.
    const interval = bootstrapMedianDiff(baseTtft, ttftOf(runs[i]), {
      iterations: options.iterations,
      seed: (options.seed + i) >>> 0,
    });
    const ttftDiff = interval && {
      diff: round(interval.diff, 1) as number,
      low: round(interval.low, 1) as number,
      high: round(interval.high, 1) as number,
      confidence: interval.confidence,
      iterations: interval.iterations,
    };
    // Decided on the rounded interval: the label must agree with the numbers shown.
    const measured = lowSampleModes.length === 0 && ttftDiff !== undefined && excludesZero(ttftDiff);
    const why = measured
      ? `every mode has at least ${minSamples} successful samples and the 95% interval excludes zero`
      : lowSampleModes.length > 0
        ? `fewer than ${minSamples} successful samples in ${lowSampleModes.join(', ')}`
        : interval
          ? 'the 95% interval includes zero'
          : 'too few successful samples for an interval';
    const partial: Omit<ModeResult, 'conclusion'> = {
      ...summary,
      baseline: false,
      label: measured ? 'measured difference' : 'smoke comparison',
      ttftDiff,
      why,
    };
    return { ...partial, conclusion: conclusionFor(partial, base, lowSampleModes, minSamples) };
  });

  const compared = modes.slice(1);
  const label: ComparisonLabel =
    compared.length > 0 && compared.every((m) => m.label === 'measured difference')
      ? 'measured difference'
      : 'smoke comparison';
  return {
    baseline: base.mode,
    label,
    minSamples,
    seed: options.seed,
    settings: options.settings,
    modes,
    definitions: definitions(minSamples),
  };
}
