// The shape of the history's judgement as the Contract carries it (the `trend` output): this
// run's latency sample, the mode and latency against the earlier runs, what changed, the last
// runs for the chart, and what happened to the file. Types and constants only: history/ fills
// them, report/ words and renders them.

/** Where a run's latency sample came from: the routing probe's requests, or a few smoke-kind chats. */
export type LatencySource = 'probe' | 'smoke';

export interface LatencyFigures {
  source: LatencySource;
  /** Requests sent for the sample. */
  requests: number;
  /** Requests that failed (not in `samplesMs`). */
  errors: number;
  /** Each successful request's latency, ms, in the order sent. */
  samplesMs: number[];
  /** Nearest-rank median and 90th percentile of `samplesMs`. */
  p50Ms: number | null;
  p90Ms: number | null;
}

/** Fewer earlier runs than this in the baseline: latency is not judged yet. */
export const MIN_BASELINE_RUNS = 5;

/** The judged metric and its direction; anything else in the sample is shown, not judged. */
export const JUDGED_METRIC = { name: 'latency p50', direction: 'lower is better' } as const;

export type ChangeWhat = 'mode' | 'workers' | 'models' | 'kv-events' | 'latency';

export interface Change {
  what: ChangeWhat;
  /** Against the last passing run, or the first run of the baseline. */
  since: 'last' | 'baseline';
  before: string;
  after: string;
  /** This change fails the run (drift, regression, `fail-on-change`), unless `accept-change`. */
  fails: boolean;
}

export interface TrendPoint {
  /** 1-based position among this deployment's records in the file. */
  n: number;
  time: string;
  run: string | null;
  result: 'pass' | 'fail';
  failure: string | null;
  mode: string;
  p50Ms: number | null;
}

export type ModeJudgement =
  | { kind: 'no-reference' }
  | { kind: 'same'; reference: string }
  /** The mode of this run was not proven, so it was not compared. */
  | { kind: 'unverified'; reference: string }
  /** `declared`: the run's `mode` or `expect-mode` names the new mode, so the change is the user's. */
  | { kind: 'declared' | 'drift'; reference: string; found: string; referenceRun: string | null };

export interface BoundFigures {
  /** Runs in the baseline. */
  runs: number;
  /** The baseline's median run, ms. */
  medianMs: number;
  /** The one-sided prediction bound for one more run, ms. */
  boundMs: number;
  /** The log-scale spread used (after the floor). */
  spread: number;
  /** The t quantile used. */
  t: number;
}

export type LatencyJudgement =
  | { kind: 'no-sample'; why: string }
  | { kind: 'too-few'; runs: number; needed: number; medianMs: number }
  | {
      kind: 'ok' | 'regression';
      medianMs: number;
      bound: BoundFigures;
      /** This run's median / the baseline's median run. */
      ratio: number;
      /** The run links of the baseline's first and last runs. */
      firstRun: string | null;
      lastRun: string | null;
    };

/** A run as the summary's "since" columns show it. */
export interface RunBrief {
  time: string;
  run: string | null;
  mode: string;
  p50Ms: number | null;
  workers: number | null;
  kvEvents: string;
}

export interface HistoryReport {
  /** The path as the input gave it. */
  file: string;
  /** Records of this action read from the file (every deployment's). */
  records: number;
  /** Lines skipped on reading (kept in the file as they are): how many, and the first 20. */
  skippedLines: number;
  skipped: { line: number; why: string }[];
  /** Bytes at the start of an over-cap file that were not read (dropped at this write). */
  unreadBytes: number;
  /** Earlier records of this deployment. */
  subjectRuns: number;
  /** `regression-ratio`: the effect size a regression needs. */
  regressionRatio: number;
  sample?: LatencyFigures;
  mode: ModeJudgement;
  latency: LatencyJudgement;
  changes: Change[];
  /** `accept-change`: the drift, regression or change was reported, not failed. */
  accepted: boolean;
  /** This run's record starts a new baseline. */
  baseline: boolean;
  last?: RunBrief;
  baselineFirst?: RunBrief;
  trend: TrendPoint[];
  /** After the write: the file's lines and the oldest dropped to keep it under its cap. */
  written?: { lines: number; dropped: number };
  /** Why this run's record was not written. */
  notWritten?: string;
}
