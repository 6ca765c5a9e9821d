// The Output Contract as plain data: what every run reports, whatever its target. Rendered
// once to step outputs, once to the job summary and once to the CLI's JSON.

import type { CheckRecord } from '../check/smoke.js';
import { FAILURE_GUIDE, type FailureCode } from '../failures.js';
import type { KvEventsVerdict, TargetKind } from '../plan.js';
import type { Comparison } from '../evidence/comparison.js';

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
  failure?: { code: FailureCode; message: string; cause: string; next: string };
  target: TargetKind;
  /** The mode selected (or observed); '' when neither is known. */
  mode: string;
  modeReason: string;
  modeVerified: ModeVerified;
  modeEvidence: string;
  kvEvents: KvEventsVerdict;
  kvEventsReason: string;
  /** The local command line (launch, or the one to run), shell-quoted; '' when none. */
  command: string;
  envPatch?: EnvPatch;
  url: string;
  service: string;
  model: string;
  models: string[];
  latencyMs?: number;
  checks: CheckRecord[];
  limitations: string[];
  nextCommand: string;
  /** Folded extras: frontend log tail, kubectl commands, pod events. */
  details: ReportDetail[];
  /** The mode comparison, when compare-modes asked for one. */
  comparison?: Comparison;
}

export function failureOf(code: FailureCode, message: string, next?: string): Contract['failure'] {
  return { code, message, cause: FAILURE_GUIDE[code].cause, next: next ?? FAILURE_GUIDE[code].next };
}

/** Step outputs, keyed by the names in action.yml. */
export function contractOutputs(contract: Contract): Record<string, string> {
  return {
    result: contract.result,
    failure: contract.failure?.code ?? '',
    mode: contract.mode,
    'mode-reason': contract.modeReason,
    'mode-verified': contract.modeVerified,
    'kv-events': contract.kvEvents,
    command: contract.command,
    'env-patch': contract.envPatch ? JSON.stringify(contract.envPatch) : '',
    url: contract.url,
    service: contract.service,
    model: contract.model,
    models: JSON.stringify(contract.models),
    'latency-ms': contract.latencyMs === undefined ? '' : String(contract.latencyMs),
    limitations: JSON.stringify(contract.limitations),
    'next-command': contract.nextCommand,
    comparison: contract.comparison ? JSON.stringify(contract.comparison) : '',
  };
}
