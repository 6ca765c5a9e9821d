// The Contract as step outputs, keyed by the names in action.yml, each under its cap
// (output-caps.ts), and the sentences that say which output a cap cut or left empty.

import type { Contract } from '../model/contract.js';
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
} from './output-caps.js';

/**
 * Sentences for the limitations, naming every output its cap (output-caps.ts) will cut or leave
 * empty, so that the summary and the `limitations` output say so (limitationTexts).
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

/**
 * The limitations as the outputs state them: the run's, then a sentence for every output its cap
 * cut or left empty (so that the summary and the `limitations` output say so too).
 */
export function limitationTexts(contract: Contract): string[] {
  return [...contract.limitations.map((l) => l.text), ...outputCutNotes(contract)];
}

/** Step outputs, keyed by the names in action.yml, each under its cap (output-caps.ts). */
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
    limitations: limitationsJson(limitationTexts(contract)),
    'next-command': capText(contract.nextCommand),
    comparison: jsonObject(contract.comparison, COMPARISON_CAP),
    routing: jsonObject(contract.routing, ROUTING_CAP),
    'dynamo-version': capText(contract.dynamoVersion ?? 'unknown'),
    trend: jsonObject(contract.history, TREND_CAP),
  };
}
