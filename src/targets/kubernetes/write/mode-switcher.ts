// compare-modes on Kubernetes: each switch, and the final restore (the requested mode, or the env
// exactly as it was found), goes through the one conflict-safe rewrite and waits for its rollout.

import type { Plan } from '../../../plan.js';
import type { ModeSwitcher } from '../../../session.js';
import type { Settings } from '../../../settings/settings.js';
import { decideMode } from '../decide/mode-decision.js';
import { computeEnvChange, restoreLists } from '../decide/env-change.js';
import { rewriteAndRollOut, type EnvWriter } from './env-write.js';

/** compare-modes: each switch and the final restore go through the same rewrite and rollout wait. */
export function modeSwitcher(
  writer: EnvWriter,
  settings: Settings,
  plan: Plan,
  baseUrl: string,
): ModeSwitcher {
  const setMode = async (mode: string): Promise<void> => {
    await rewriteAndRollOut(writer, (fresh, loc, before) => {
      const decision = decideMode(settings, plan, fresh, loc, mode);
      return computeEnvChange(before, decision.envMode, decision.kvWant);
    });
  };
  return {
    async switchTo(mode) {
      await setMode(mode);
      // The forward resolves a Ready pod for each new connection, so its URL stays valid.
      return baseUrl;
    },
    // Leave the frontend as the inputs asked: the requested mode, or exactly as it was found.
    async restore() {
      if (settings.mode) await setMode(settings.mode);
      else await rewriteAndRollOut(writer, (_fresh, _loc, before) => restoreLists(before, writer.original));
    },
  };
}
