// Entry point of the bundle (dist/index.js), which serves both `main` and `post` in action.yml,
// as actions/checkout does: the main step leaves a flag in the step state for the post step.

import * as core from '@actions/core';
import { run as runMain } from './main.js';
import { run as runPost } from './post.js';

if (core.getState('isPost') === 'true') {
  await runPost();
} else {
  core.saveState('isPost', 'true');
  await runMain();
}
