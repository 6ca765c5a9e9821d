// The action's main step, shaped like GitHub's actions/typescript-action template: `run()` is
// called by src/index.ts in the bundle, and by @github/local-action when debugging locally.

import { rescueAction, runAction } from './action.js';
import { actionRunner } from './runner/actions.js';

export async function run(runner = actionRunner()): Promise<void> {
  try {
    await runAction(runner);
  } catch (error) {
    // runAction reports every expected failure itself; this is a bug: still a Contract, still failed.
    try {
      await rescueAction(runner, error);
    } catch {
      runner.log.fail(`Unexpected error: ${error instanceof Error ? error.message : String(error)}`);
    }
    runner.markFailed();
  }
}
