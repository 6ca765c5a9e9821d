// Did the change last? A GitOps controller's sync or self-heal puts Git's version back: the
// first rollout asks while it waits, and the run asks once more after a passing check.

import { limitation, type Limitation } from '../../../model/findings.js';
import { apiFailure } from '../api/api-failure.js';
import { type KubeApi } from '../api/kube-api.js';
import { describeLocation, locateFrontend } from '../object/dgd.js';
import { listsOf } from '../decide/env-patch.js';
import type { RouterExpectation } from '../decide/env-change.js';
import { describeRevert, revertedBy, type GitOpsOwner } from '../decide/other-writers.js';
import type { ResolvedTarget } from '../resolve/find-frontend.js';

/** Re-reads the object: who took the written router entries off it, when they are gone. */
export async function revertedNow(
  api: KubeApi,
  target: ResolvedTarget,
  expected: RouterExpectation,
): Promise<string | undefined> {
  const now = await api.getObject(target.ref);
  const gone = revertedBy(now, listsOf(now, locateFrontend(now, target.ref, target.serviceName)), expected);
  return gone ? describeRevert(gone) : undefined;
}

/** The session's after-check: the limitations to add when the written change is gone again. */
export function afterCheck(
  api: KubeApi,
  target: ResolvedTarget,
  expected: RouterExpectation,
  gitops: GitOpsOwner | undefined,
  warn: (line: string) => void,
): () => Promise<Limitation[]> {
  const where = describeLocation(target.loc);
  return async () => {
    let gone: string | undefined;
    try {
      gone = await revertedNow(api, target, expected);
    } catch (error) {
      const failure = apiFailure(error, `re-read ${where}`, api.server);
      return [
        limitation(
          'change-not-reread',
          `The object was not re-read after the check (${failure.message}), so whether the change lasted is unknown.`,
        ),
      ];
    }
    if (!gone) return [];
    const note = `The router env this run set on ${where} is gone: ${gone}. The check passed against the frontend before that; the frontend rolls back to the previous mode.${gitops ? ` ${gitops.controller} restores what Git says: commit the change to Git (\`recipe\` with \`write-recipe: true\`).` : ''}`;
    warn(note);
    return [limitation('change-reverted', note)];
  };
}
