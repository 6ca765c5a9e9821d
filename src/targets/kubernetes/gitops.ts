// GitOps controllers (Argo CD, Flux) put an object back to what Git says: an env change written
// straight to the cluster is reverted at their next sync or self-heal. Pure: reads the object's
// tracking signals and managedFields, and says whether this run's router entries are still there.

import type { EnvEntry } from '../../report/contract.js';
import { FIELD_MANAGER } from './dgd.js';
import { envMatches, type EnvLists, type RouterExpectation } from './env-change.js';
import { asArray, asObject, asString, dig, isObject, type JsonObject } from './json.js';
import { quote } from '../../runner/redact.js';

export interface GitOpsOwner {
  /** `Argo CD`, `Flux (kustomize-controller)`, `Flux (helm-controller)`. */
  controller: string;
  /** What gave it away, for the report: `annotation argocd.argoproj.io/tracking-id`. */
  signal: string;
}

const FLUX_LABELS: Record<string, string> = {
  'kustomize.toolkit.fluxcd.io/name': 'Flux (kustomize-controller)',
  'helm.toolkit.fluxcd.io/name': 'Flux (helm-controller)',
};

/** managedFields managers of GitOps controllers, by name prefix. */
const MANAGERS: [RegExp, string][] = [
  [/^argocd/, 'Argo CD'],
  [/^kustomize-controller$/, 'Flux (kustomize-controller)'],
  [/^helm-controller$/, 'Flux (helm-controller)'],
];

function managersOf(object: JsonObject): JsonObject[] {
  return (asArray(dig(object, 'metadata', 'managedFields')) ?? []).filter(isObject);
}

/** The GitOps controller that tracks the object, when a signal says one does. */
export function gitopsOwner(object: JsonObject): GitOpsOwner | undefined {
  const annotations = asObject(dig(object, 'metadata', 'annotations')) ?? {};
  const labels = asObject(dig(object, 'metadata', 'labels')) ?? {};
  if (typeof annotations['argocd.argoproj.io/tracking-id'] === 'string')
    return { controller: 'Argo CD', signal: 'annotation argocd.argoproj.io/tracking-id' };
  for (const [label, controller] of Object.entries(FLUX_LABELS))
    if (typeof labels[label] === 'string') return { controller, signal: `label ${label}` };
  for (const entry of managersOf(object)) {
    const manager = String(entry.manager ?? '');
    const known = MANAGERS.find(([pattern]) => pattern.test(manager));
    if (known)
      return { controller: known[1], signal: `field manager ${quote(manager, 80)} in managedFields` };
  }
  // `app.kubernetes.io/instance` is Argo CD's default tracking label, but Helm sets it too: it
  // counts only beside another Argo CD mark.
  const argoMark = Object.keys(annotations).some((k) => k.startsWith('argocd.argoproj.io/'));
  if (typeof labels['app.kubernetes.io/instance'] === 'string' && argoMark)
    return { controller: 'Argo CD', signal: 'label app.kubernetes.io/instance with Argo CD annotations' };
  return undefined;
}

/** The limitation a tracked object gets before anything is written. */
export function gitopsLimitation(owner: GitOpsOwner, what: string): string {
  return `${what} is managed by ${owner.controller} (${owner.signal}): its next sync or self-heal puts back what Git says, so a change written to the cluster does not last. Commit the change to Git: point \`recipe\` at the manifest ${owner.controller} deploys and set \`write-recipe: true\`, then commit the file.`;
}

/** The effective env of the frontend, lowest layer first (graph, component, container). */
function layered(lists: EnvLists): EnvEntry[] {
  return [...(lists.graph ?? []), ...(lists.component ?? []), ...lists.container];
}

export interface Reverted {
  manager: string;
  time?: string;
}

/**
 * Undefined while `lists` (read back from the server) still give the router entries the run
 * set; else who wrote the object last (not this action), from managedFields.
 */
export function revertedBy(
  object: JsonObject,
  lists: EnvLists,
  expected: RouterExpectation,
): Reverted | undefined {
  if (envMatches(layered(lists), expected)) return undefined;
  const writers = managersOf(object)
    .filter((f) => !f.subresource && f.manager !== FIELD_MANAGER)
    .map((f) => ({ manager: String(f.manager ?? 'unknown'), time: asString(f.time) }))
    .sort((a, b) => (Date.parse(b.time ?? '') || 0) - (Date.parse(a.time ?? '') || 0));
  return writers[0] ?? { manager: 'another writer' };
}

export function describeRevert(reverted: Reverted): string {
  return `reverted by ${quote(reverted.manager, 80)}${reverted.time ? ` at ${quote(reverted.time, 40)}` : ''}`;
}
