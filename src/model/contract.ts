// The Output Contract as plain data: what every run reports, whatever its target. Rendered
// once to step outputs, once to the job summary and once to the CLI's JSON.

import type { CheckRecord } from '../check/smoke.js';
import { FAILURE_GUIDE, type FailureCode } from './failure.js';
import type { KvEventsVerdict, TargetKind } from '../plan.js';
import type { Comparison } from './comparison.js';
import type { HistoryReport } from './history.js';
import type { Routing } from './routing.js';
import {
  capText,
  COMPARISON_CAP,
  ENV_PATCH_CAP,
  fittingCount,
  jsonList,
  jsonObject,
  kib,
  LIMITATIONS_CAP,
  MODELS_CAP,
  ROUTING_CAP,
  TEXT_CAP,
  TREND_CAP,
} from '../report/output-caps.js';

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
  limitations: string[];
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

export function failureOf(code: FailureCode, message: string, next?: string): Contract['failure'] {
  return { code, message, cause: FAILURE_GUIDE[code].cause, next: next ?? FAILURE_GUIDE[code].next };
}

/**
 * Sentences for the limitations, naming every output its cap (report/output-caps.ts) will cut or leave
 * empty, so that the summary and the `limitations` output say so. Added before rendering.
 */
export function outputCutNotes(contract: Contract): string[] {
  const notes: string[] = [];
  const kept = fittingCount(contract.models, MODELS_CAP);
  if (kept < contract.models.length)
    notes.push(
      `The \`models\` output lists only the first ${kept} of ${contract.models.length} model ids: it is capped at ${kib(MODELS_CAP)} (GitHub refuses an output over 1 MiB); \`models-count\` has the total.`,
    );
  const objects: [string, unknown, number][] = [
    ['env-patch', contract.envPatch, ENV_PATCH_CAP],
    ['comparison', contract.comparison, COMPARISON_CAP],
    ['trend', contract.history, TREND_CAP],
    ['routing', contract.routing, ROUTING_CAP],
  ];
  for (const [name, value, cap] of objects)
    if (value !== undefined && jsonObject(value, cap) === '')
      notes.push(
        `The \`${name}\` output is empty: its JSON is over its ${kib(cap)} cap; the job summary shows it.`,
      );
  const texts: [string, string][] = [
    ['mode-reason', contract.modeReason],
    ['command', contract.command],
    ['url', contract.url],
    ['service', contract.service],
    ['model', contract.model],
    ['next-command', contract.nextCommand],
  ];
  for (const [name, value] of texts)
    if (capText(value) !== value) notes.push(`The \`${name}\` output was cut at ${kib(TEXT_CAP)}.`);
  return notes;
}

/** The limitations as a JSON array under its cap; a cut list ends by saying how many are left out. */
function limitationsJson(limitations: string[]): string {
  const kept = fittingCount(limitations, LIMITATIONS_CAP);
  if (kept === limitations.length) return JSON.stringify(limitations);
  const room = fittingCount(limitations, LIMITATIONS_CAP - 200);
  return JSON.stringify([
    ...limitations.slice(0, room),
    `(${limitations.length - room} more in the job summary: this output is capped at ${kib(LIMITATIONS_CAP)})`,
  ]);
}

/** Step outputs, keyed by the names in action.yml, each under its cap (report/output-caps.ts). */
export function contractOutputs(contract: Contract): Record<string, string> {
  return {
    result: contract.result,
    failure: contract.failure?.code ?? '',
    mode: capText(contract.mode),
    'mode-reason': capText(contract.modeReason),
    'mode-verified': contract.modeVerified,
    'mode-proven-by': contract.modeProvenBy ?? '',
    'kv-events': contract.kvEvents,
    command: capText(contract.command),
    'env-patch': jsonObject(contract.envPatch, ENV_PATCH_CAP),
    url: capText(contract.url),
    service: capText(contract.service),
    model: capText(contract.model),
    models: jsonList(contract.models, MODELS_CAP),
    'models-count': String(contract.models.length),
    'latency-ms': contract.latencyMs === undefined ? '' : String(contract.latencyMs),
    limitations: limitationsJson(contract.limitations),
    'next-command': capText(contract.nextCommand),
    comparison: jsonObject(contract.comparison, COMPARISON_CAP),
    routing: jsonObject(contract.routing, ROUTING_CAP),
    'dynamo-version': capText(contract.dynamoVersion ?? 'unknown'),
    trend: jsonObject(contract.history, TREND_CAP),
  };
}
