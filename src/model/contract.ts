// The Output Contract as plain data: what every run reports, whatever its target. Built once, at
// the end of a run, from what its phases returned (build-contract.ts); rendered by report/ to
// step outputs, the job summary and the CLI's JSON.

import type { FailureCause, FailureCode } from './failure.js';
import type { Limitation } from './findings.js';
import type { Comparison } from './comparison.js';
import type { HistoryReport } from './history.js';
import type { Routing } from './routing.js';

export type TargetKind = 'url' | 'launch' | 'kubernetes';
export type KvEventsVerdict = 'true' | 'false' | 'unknown';

/** One request of the smoke check, as the summary's Checks table shows it. */
export interface CheckRecord {
  name: 'models' | 'chat';
  ok: boolean;
  attempts: number;
  status?: number;
  latencyMs?: number;
  detail: string;
}

/** Where the frontend is on a cluster, as far as the run got: where a next command points. */
export interface FrontendCoordinates {
  namespace?: string;
  /** `namespace/name` of the frontend Service, once found. */
  service?: string;
  /** Label selector of the frontend pods. */
  frontendSelector?: string;
}

export interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

/** The Kubernetes env change, as applied (or as it would be, in a dry run). */
export interface EnvPatch {
  /** e.g. `dynamographdeployment.nvidia.com/vllm-agg (v1alpha1), component Frontend`. */
  object: string;
  namespace: string;
  /** Where in the object the env lives, e.g. `spec.services.Frontend.envs`. */
  path: string;
  set: EnvEntry[];
  remove: string[];
  /** False when the object already had the wanted entries: nothing was written. */
  changed: boolean;
  applied: boolean;
  dryRun: boolean;
  rolledBack?: boolean;
}

export interface ReportDetail {
  title: string;
  /** Plain text; escaped and shown in a <pre> block. */
  text: string;
}

export type ModeVerified = 'verified' | 'contradicted' | 'unverifiable' | '';

export interface Contract {
  result: 'pass' | 'fail';
  failure?: {
    code: FailureCode;
    message: string;
    /** What the code usually means, in words (report/failure-guide.ts). */
    likelyCause: string;
    next: string;
    /** What the detector knew about the cause (the pod, the verb denied), when it knew. */
    cause?: FailureCause;
  };
  target: TargetKind;
  /** The mode selected (or observed); '' when neither is known. */
  mode: string;
  modeReason: string;
  modeVerified: ModeVerified;
  modeEvidence: string;
  /** The evidence the verdict rests on: `behaviour`, `log`, `metrics`, comma-separated ('' when none). */
  modeProvenBy?: string;
  kvEvents: KvEventsVerdict;
  kvEventsReason: string;
  /** The local command line (launch, or the one to run), shell-quoted; '' when none. */
  command: string;
  envPatch?: EnvPatch;
  url: string;
  /** On Kubernetes: the object the inputs named, for reports written before the Service was found. */
  subject?: string;
  service: string;
  model: string;
  models: string[];
  latencyMs?: number;
  checks: CheckRecord[];
  limitations: Limitation[];
  nextCommand: string;
  /** Folded extras: frontend log tail, kubectl commands, pod events. */
  details: ReportDetail[];
  /** The mode comparison, when compare-modes asked for one. */
  comparison?: Comparison;
  /** Which worker served each routing-probe request, the pattern, the shares, per replica. */
  routing?: Routing;
  /** The Dynamo release and how it was known, e.g. `1.3.1 (launch interpreter)`, or `unknown`. */
  dynamoVersion?: string;
  /** The mode `expect-mode` asserted, when it was set. */
  expectMode?: string;
  /** This run against the earlier runs in the `history` file, when it was set. */
  history?: HistoryReport;
}
