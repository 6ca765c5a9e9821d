// What a run was pointed at and what it reached, for headings and verdict lines: on Kubernetes the
// Service (or the object named in the inputs), never the ephemeral port-forward URL.

import type { Settings } from '../settings/settings.js';
import type { Contract } from '../model/contract.js';

/** The object the inputs name, before anything is resolved (for failures before the Service is known). */
export function subjectOf(settings: Settings): string | undefined {
  const k = settings.kubernetes;
  if (!k) return undefined;
  const ns = k.namespace ? ` in namespace ${k.namespace}` : '';
  if (k.service) return `Service ${k.service}${ns}`;
  if (k.deployment) return `deployment ${k.deployment}${ns}`;
  if (k.recipe) return `recipe ${k.recipe}${ns}`;
  return k.namespace ? `namespace ${k.namespace}` : 'the kubeconfig context';
}

export function reachedTarget(c: Contract): string {
  if (c.target === 'kubernetes') {
    if (c.service) return `Service ${c.service}`;
    return c.subject ?? 'the Kubernetes target';
  }
  return c.url;
}

/** A dry run says so in every verdict line: "PASS kv" alone would read as a change made. */
export function dryRunNote(c: Contract): string {
  if (!c.envPatch?.dryRun) return '';
  return c.checks.length === 0 && c.result === 'pass'
    ? ' (dry run planned from the file: nothing written, nothing checked live)'
    : ' (dry run: nothing written)';
}
