// Entry point of the bundle (dist/index.js), which serves both `main` and `post` in action.yml,
// as actions/checkout does: the main step leaves a flag in the step state for the post step.
// Here, not in main.ts (which local-action runs in its own process): an error nothing caught
// still publishes the Contract, and once the step is done nothing keeps the process alive.

import * as core from '@actions/core';
import { rescueAction } from './action.js';
import { exitAfterGrace } from './bounded/exit-watchdog.js';
import { installLastResort } from './last-resort.js';
import { run as runMain } from './main.js';
import { run as runPost } from './post.js';
import { actionRunner } from './runner/actions.js';

const runner = actionRunner();
if (core.getState('isPost') === 'true') {
  await runPost(runner);
} else {
  core.saveState('isPost', 'true');
  installLastResort((error) => rescueAction(runner, error));
  await runMain(runner);
}
exitAfterGrace((line) => runner.log.info(line));
