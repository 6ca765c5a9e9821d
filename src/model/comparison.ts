// The shape of a comparison as the Contract carries it (the `comparison` output): per-mode
// numbers, the label rule's constants, and the whole result. Types and constants only:
// compare/analysis.ts fills them, report/ words and renders them.

export const MIN_MEASURED_SAMPLES = 100;
export const COMPARISON_LABELS = ['smoke comparison', 'measured difference'] as const;
export type ComparisonLabel = (typeof COMPARISON_LABELS)[number];

export interface ModeSummary {
  mode: string;
  /** Requests sent. */
  requests: number;
  /** Successful samples (the ones in the TTFT and latency numbers). */
  samples: number;
  errors: number;
  /** Failed requests by kind, e.g. { "HTTP 503": 2, "timeout": 1 }. */
  errorKinds: Record<string, number>;
  /** The first failure's message, for the report. */
  firstError?: string;
  /** Milliseconds, nearest-rank percentiles over successful samples. */
  ttftP50?: number;
  ttftP95?: number;
  latencyP50?: number;
  latencyP95?: number;
  /**
   * Inter-token latency, ms: per successful request (latency − TTFT) / (output tokens − 1), as
   * aiperf defines it; nearest-rank percentiles over requests with at least two output tokens.
   */
  itlP50?: number;
  itlP95?: number;
  /** Output tokens of successful samples / wall time of the whole run (first start to last end). */
  outputTokensPerSec?: number;
  /** Successful requests / the same wall time, as aiperf's request throughput. */
  requestsPerSec?: number;
  /** Σ usage cached_tokens / Σ usage prompt_tokens over successful samples. */
  cachedTokenRatio?: number;
  kvHitRate?: number;
  promptTokens: number;
  cachedTokens: number;
  outputTokens: number;
  /** Distinct workers that served successful samples (from nvext.worker_id). */
  workers: number;
  /** Successful samples per worker id (decimal u64 text); empty when the release names none. */
  workerRequests?: Record<string, number>;
}

export interface TtftDifference {
  /** median TTFT of this mode − median TTFT of the baseline, ms (negative: this mode lower). */
  diff: number;
  low: number;
  high: number;
  confidence: number;
  iterations: number;
}

export interface ModeResult extends ModeSummary {
  baseline: boolean;
  /** Unset for the baseline itself. */
  label?: ComparisonLabel;
  /** Unset for the baseline, and when either side has too few samples for an interval. */
  ttftDiff?: TtftDifference;
  /** Why the label is what it is (non-baseline modes). */
  why?: string;
  /** One plain sentence, honest about the label. */
  conclusion: string;
}

export interface CompareSettings {
  requests?: number;
  concurrency?: number;
  prefixGroups?: number;
  prefixTokens?: number;
  maxTokens?: number;
  model?: string;
}

export interface Comparison {
  baseline: string;
  label: ComparisonLabel;
  minSamples: number;
  seed: number;
  settings?: CompareSettings;
  modes: ModeResult[];
  definitions: Record<string, string>;
}
