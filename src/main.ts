// Entry point of the action. One bundle serves the main and the post step (as actions/checkout
// does): the main step leaves a state flag behind that tells the post step apart.

import { cleanupAction, runAction } from './action.js';
import { githubRunner } from './runner/github.js';

const runner = githubRunner();
if (runner.getState('isPost') === 'true') {
  await cleanupAction(runner);
} else {
  runner.saveState('isPost', 'true');
  await runAction(runner);
}
