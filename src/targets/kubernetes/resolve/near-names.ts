// A deployment name that does not exist: say that (not "the Service does not exist") and list
// the near names, so a typo (`mocker-agx`) is one look away from its fix (`mocker-agg`).

import { RunFailure } from '../../../model/failure.js';
import type { KubeApi } from '../api/kube-api.js';
import { DGD_GROUP, DGD_PLURAL } from '../object/dgd.js';
import { asString, dig } from '../object/json.js';
import { listCandidatesCommand } from '../kubectl-steps.js';
import { editDistance } from '../../../model/modes.js';

/** Names within a few edits of `wanted` (or sharing its stem), nearest first. */
export function nearNames(wanted: string, names: readonly string[], limit = 3): string[] {
  const budget = Math.max(2, Math.floor(wanted.length / 4));
  return names
    .map((name) => ({ name, d: editDistance(wanted, name) }))
    .filter(({ name, d }) => d <= budget || name.startsWith(wanted) || wanted.startsWith(name))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map(({ name }) => name);
}

/**
 * The failure for a `deployment` whose DGD does not exist, with the near names; undefined when
 * it exists or the DGDs cannot be listed (then the caller's own message stands).
 */
export async function missingDeployment(
  api: KubeApi,
  namespace: string,
  deployment: string,
  versions: readonly string[],
): Promise<RunFailure | undefined> {
  if (versions.length === 0) return undefined;
  let names: string[];
  try {
    const items = await api.listObjects(DGD_GROUP, versions[0], namespace, DGD_PLURAL);
    names = items.map((i) => asString(dig(i, 'metadata', 'name')) ?? '').filter(Boolean);
  } catch {
    return undefined;
  }
  if (names.includes(deployment)) return undefined;
  const near = nearNames(deployment, names);
  const list = listCandidatesCommand(namespace, 'dgd');
  const known =
    names.length === 0
      ? ` Namespace ${namespace} has no DynamoGraphDeployment.`
      : near.length
        ? ` Did you mean ${near.join(' or ')}?`
        : ` It has: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}.`;
  return new RunFailure(
    'not-found',
    `DynamoGraphDeployment ${namespace}/${deployment} does not exist.${known} List them with \`${list}\`.`,
    near.length
      ? `set \`deployment: ${near[0]}\``
      : 'set `deployment` (and `namespace`) to where the DGD runs',
    [],
    { kind: 'missing', list },
  );
}
