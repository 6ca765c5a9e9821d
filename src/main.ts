// The action's main step, shaped like GitHub's actions/typescript-action template: `run()` is
// called by src/index.ts in the bundle, and by @github/local-action when debugging locally.

import { runAction } from './action.js';
import { actionRunner } from './runner/actions.js';

export async function run(): Promise<void> {
  const runner = actionRunner();
  try {
    await runAction(runner);
  } catch (error) {
    // runAction reports every expected failure itself; this is a bug, still said plainly.
    runner.log.fail(`Unexpected error: ${error instanceof Error ? error.message : String(error)}`);
  }
}
