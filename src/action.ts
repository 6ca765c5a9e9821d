// The GitHub Action around the engine: read inputs, run, publish the Output Contract as step
// outputs, a job summary and annotations; the post step stops a launched frontend.

import * as core from '@actions/core';
import { fetchClient } from './check/http.js';
import { CheckFailure } from './failures.js';
import { contractOutputs, failureOf, type Contract } from './report/contract.js';
import { renderSummary, verdictText } from './report/summary.js';
import { oneLine } from './report/escape.js';
import { runCheck, toFailure, type Logger } from './run.js';
import { actionInputs, parseSettings, DEFAULT_BASE_URL } from './settings.js';
import { openTarget } from './targets/index.js';
import { stopFrontend, type LaunchedFrontend } from './targets/launch.js';

const LAUNCH_STATE = 'launched-frontend';

const log: Logger = {
  info: (line) => core.info(line),
  warning: (line) => core.warning(oneLine(line)),
};

/** The contract of a run that stopped before planning (bad input): nothing was contacted. */
function inputFailureContract(failure: CheckFailure, baseUrl: string): Contract {
  return {
    result: 'fail',
    failure: failureOf(failure.code, failure.message, failure.hint),
    target: 'url',
    mode: '',
    modeReason: 'not decided: the inputs were rejected before anything ran',
    modeVerified: '',
    modeEvidence: '',
    kvEvents: 'unknown',
    kvEventsReason: 'not decided',
    command: '',
    url: baseUrl,
    service: '',
    model: '',
    models: [],
    checks: [],
    limitations: [],
    nextCommand: '',
    details: [],
  };
}

async function publish(contract: Contract): Promise<void> {
  for (const [name, value] of Object.entries(contractOutputs(contract))) core.setOutput(name, value);
  if (process.env.GITHUB_STEP_SUMMARY) {
    try {
      await core.summary.addRaw(renderSummary(contract)).write();
    } catch (error) {
      core.warning(`Could not write the job summary: ${(error as Error).message}`);
    }
  }
  const line = verdictText(contract);
  if (contract.result === 'pass') {
    core.info(line);
  } else {
    const failure = contract.failure;
    core.error(oneLine(`${failure?.message ?? ''} Next step: ${failure?.next ?? ''}`), {
      title: `Dynamo router check failed: ${failure?.code ?? 'internal'}`,
    });
    process.exitCode = 1;
  }
}

export async function runAction(): Promise<void> {
  const inputs = actionInputs();
  // Mask the key before anything can echo it, even a rejected input.
  const apiKey = inputs('api-key');
  if (apiKey) core.setSecret(apiKey);
  let settings;
  try {
    settings = parseSettings(inputs);
  } catch (error) {
    const failure = toFailure(error);
    await publish(inputFailureContract(failure, DEFAULT_BASE_URL));
    return;
  }
  const contract = await runCheck(settings, {
    http: fetchClient,
    log,
    openTarget: (s, plan) =>
      openTarget(s, plan, {
        log,
        rememberLaunch: (launched) => core.saveState(LAUNCH_STATE, JSON.stringify(launched)),
        mask: (secret) => core.setSecret(secret),
      }),
  });
  await publish(contract);
}

export async function cleanupAction(): Promise<void> {
  const raw = core.getState(LAUNCH_STATE);
  if (!raw) return;
  try {
    const launched = JSON.parse(raw) as LaunchedFrontend;
    const how = await stopFrontend(launched.pid);
    core.info(`Launched frontend (pid ${launched.pid}): ${how}. Its log: ${launched.logPath}`);
  } catch (error) {
    core.warning(`Could not stop the launched frontend: ${(error as Error).message}`);
  }
}
