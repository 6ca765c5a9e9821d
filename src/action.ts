// The GitHub Action around the engine: read inputs, run, publish the Output Contract as step
// outputs, a job summary and annotations; the post step stops a launched frontend.

import { httpClient } from './check/http.js';
import { CheckFailure } from './failures.js';
import { contractOutputs, failureOf, type Contract } from './report/contract.js';
import { renderSummary, verdictText } from './report/summary.js';
import { oneLine } from './report/escape.js';
import { runCheck, toFailure, type Logger } from './run.js';
import { actionInputs, parseSettings, DEFAULT_BASE_URL } from './settings.js';
import { openTarget } from './targets/index.js';
import { stopFrontend, type LaunchedFrontend } from './targets/launch.js';
import type { Runner } from './runner/github.js';
import { guardCommands, redacting, secrets, type Redactor } from './runner/redact.js';

const LAUNCH_STATE = 'launched-frontend';

// The job summary is capped at 1 MiB per step; beyond it the runner drops the summary.
const SUMMARY_LIMIT = 1000 * 1024;

// Log lines carry outside text (model ids, error bodies, pod names): folded to one line and
// guarded so that no workflow command can start anywhere in them.
function logLine(text: string): string {
  return guardCommands(oneLine(text, 4000));
}

function logger(runner: Runner): Logger {
  return { info: (line) => runner.info(logLine(line)), warning: (line) => runner.warning(logLine(line)) };
}

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

function publish(runner: Runner, contract: Contract, redactor: Redactor): void {
  // Redact before rendering: the summary's HTML escaping would otherwise hide an echoed secret
  // (e.g. `_` becomes `&#95;`) from the runner-level redaction.
  contract = redactor.deep(contract);
  for (const [name, value] of Object.entries(contractOutputs(contract))) runner.setOutput(name, value);
  try {
    let summary = renderSummary(contract);
    if (Buffer.byteLength(summary) > SUMMARY_LIMIT)
      summary = renderSummary({ ...contract, details: [], models: contract.models.slice(0, 100) });
    runner.appendSummary(summary);
  } catch (error) {
    runner.warning(`Could not write the job summary: ${(error as Error).message}`);
  }
  const line = verdictText(contract);
  if (contract.result === 'pass') {
    runner.info(logLine(line));
  } else {
    const failure = contract.failure;
    runner.error(logLine(`${failure?.message ?? ''} Next step: ${failure?.next ?? ''}`), {
      title: `Dynamo router check failed: ${failure?.code ?? 'internal'}`,
    });
    process.exitCode = 1;
  }
}

export async function runAction(rawRunner: Runner): Promise<void> {
  const inputs = actionInputs();
  const redactor = secrets;
  const runner = redacting(rawRunner, redactor);
  // Mask the key before anything can echo it, even a rejected input.
  const apiKey = inputs('api-key');
  if (apiKey) runner.setSecret(apiKey);
  let settings;
  try {
    settings = parseSettings(inputs);
  } catch (error) {
    publish(runner, inputFailureContract(toFailure(error), DEFAULT_BASE_URL), redactor);
    return;
  }
  const log = logger(runner);
  const contract = await runCheck(settings, {
    http: httpClient,
    log,
    openTarget: (s, plan) =>
      openTarget(s, plan, {
        log,
        rememberLaunch: (launched) => runner.saveState(LAUNCH_STATE, JSON.stringify(launched)),
        mask: (secret) => runner.setSecret(secret),
      }),
  });
  publish(runner, contract, redactor);
}

export async function cleanupAction(runner: Runner): Promise<void> {
  const raw = runner.getState(LAUNCH_STATE);
  if (!raw) return;
  try {
    const launched = JSON.parse(raw) as LaunchedFrontend;
    const how = await stopFrontend(launched.pid);
    runner.info(`Launched frontend (pid ${launched.pid}): ${how}. Its log: ${launched.logPath}`);
  } catch (error) {
    runner.warning(`Could not stop the launched frontend: ${(error as Error).message}`);
  }
}
