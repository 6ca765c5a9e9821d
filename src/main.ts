// Entry point of the action. One bundle serves the main and the post step (as actions/checkout
// does): the main step leaves a state flag behind that tells the post step apart.

import * as core from '@actions/core';
import { cleanupAction, runAction } from './action.js';

if (core.getState('isPost') === 'true') {
  await cleanupAction();
} else {
  core.saveState('isPost', 'true');
  await runAction();
}
