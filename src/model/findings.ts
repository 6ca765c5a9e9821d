// A limitation as data: what the run cannot promise, with an id from a closed list set where it
// is found, and its sentence. The Contract carries them as found; the `limitations` output and
// the summary show the sentences. Whatever decides about a limitation (a later finding settles
// it, a warning leaves it out) reads its id, never its words.

export const LIMITATION_IDS = [
  // What any run proves: one chat answers; a textless reply (Dynamo's mocker) proves less still.
  'smoke-scope',
  'textless-reply',
  // The mode and KV events as planned.
  'url-not-applied',
  'approximate-kv',
  'kv-events-unconfirmed',
  'direct-needs-header',
  // The frontend's release and its settings beside the mode.
  'release-unknown',
  'launch-env',
  'kv-setting',
  'standalone-router',
  'router-policy-file',
  'pin-unresolved',
  'workers-advertise',
  'env-value-from',
  // The launch target.
  'launched-keeps-running',
  // The Kubernetes target: who else writes the object, what was written where, how it was reached.
  'gitops-managed',
  'owned-elsewhere',
  'router-env-overwritten',
  'dry-run',
  'planned-from-file',
  'recipe-updated',
  'base-url-instead-of-forward',
  'replicas-capped',
  'rolled-back',
  'rollback-failed',
  'recipe-not-restored',
  'change-reverted',
  'change-not-reread',
  // The evidence of the mode.
  'mode-unproven',
  'replica-unproven',
  'kv-spread',
  'kv-events-missing',
  'no-worker-ids',
  'probe-stopped',
  'worker-hotspot',
  'spec-disagrees',
  // The comparison.
  'comparison-scope',
  'one-worker',
  // The history.
  'change-accepted',
  'history-not-written',
] as const;

export type LimitationId = (typeof LIMITATION_IDS)[number];

export interface Limitation {
  id: LimitationId;
  /** One sentence or two, for the `limitations` output and the summary. */
  text: string;
}

export function limitation(id: LimitationId, text: string): Limitation {
  return { id, text };
}

/** `found` with those of `more` that are not there yet (the same finding twice is one). */
export function withNew(found: readonly Limitation[], more: readonly Limitation[]): Limitation[] {
  const out = [...found];
  for (const l of more) if (!out.some((o) => o.id === l.id && o.text === l.text)) out.push(l);
  return out;
}
