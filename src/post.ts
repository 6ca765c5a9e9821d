// The action's post step (`runs.post`): stops the frontend the main step launched, if any.
// `run()` as in src/main.ts; local-action runs it with `--post src/post.ts`.

import { cleanupAction } from './action.js';
import { actionRunner } from './runner/actions.js';

export async function run(runner = actionRunner()): Promise<void> {
  try {
    await cleanupAction(runner);
  } catch (error) {
    // A post step that cannot clean up warns: it must not fail a job whose checks passed.
    runner.log.warning(`Post step: ${error instanceof Error ? error.message : String(error)}`);
  }
}
