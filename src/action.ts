// The GitHub Action around the engine: read inputs, run, publish the Output Contract as step
// outputs, a job summary and annotations; the post step stops a launched frontend.

import { httpClient } from './check/http.js';
import { toFailure } from './model/failure.js';
import { contractOutputs } from './report/step-outputs.js';
import { type Contract } from './model/contract.js';
import { renderSummary, verdictText } from './report/summary.js';
import { inputFailureContract } from './build-contract.js';
import { rescueContract } from './last-resort.js';
import { runRouterCheck } from './run.js';
import { actionInputs, parseSettings, type Settings } from './settings/settings.js';
import { DEFAULT_BASE_URL } from './settings/defaults.js';
import { bannerLine, dryRunLines, passWarning } from './report/log-lines.js';
import { VERSION } from './version.js';
import { openTarget } from './targets/open-target.js';
import { clusterConfigured } from './targets/cluster-configured.js';
import { stopFrontend } from './targets/launch/process.js';
import { LAUNCH_STATE, launchRecordText, parseLaunchRecord } from './targets/launch/identity.js';
import type { ActionRunner } from './runner/actions.js';
import { secrets } from './runner/redact.js';

// The job summary is capped at 1 MiB per step; beyond it the runner drops the summary.
const SUMMARY_LIMIT = 1000 * 1024;

function summaryFor(contract: Contract): string {
  let summary = renderSummary(contract);
  if (Buffer.byteLength(summary) > SUMMARY_LIMIT)
    summary = renderSummary({ ...contract, details: [] }, { maxModels: 100 });
  if (Buffer.byteLength(summary) > SUMMARY_LIMIT)
    summary = `<p>The summary was over GitHub's 1 MiB limit and is left out; the step outputs and the log carry the result.</p>\n`;
  return summary;
}

/** Set once the Contract is published: the last resort and the run never both publish. */
let published = false;

async function publish(runner: ActionRunner, contract: Contract): Promise<void> {
  if (published) return;
  published = true;
  // Redact before rendering: the summary's HTML escaping would otherwise hide an echoed secret
  // (e.g. `_` becomes `&#95;`) from the runner-level redaction.
  // Outputs are capped (report/output-caps.ts); the summary and `limitations` say what was cut.
  contract = secrets.deep(contract);
  for (const [name, value] of Object.entries(contractOutputs(contract))) runner.setOutput(name, value);
  // Rendering can throw; writeSummary cannot (it warns once itself). A summary that cannot be
  // rendered costs neither the outputs above nor the verdict and annotation below.
  let summary: string | undefined;
  try {
    summary = summaryFor(contract);
  } catch (error) {
    runner.log.warning(`Could not write the job summary: ${(error as Error).message}`);
  }
  if (summary !== undefined) await runner.writeSummary(summary);
  const line = verdictText(contract);
  for (const dry of dryRunLines(contract)) runner.log.info(dry);
  if (contract.result === 'pass') {
    runner.log.info(line);
    // A pass that proves less than it seems gets an annotation, not only a log line.
    const warning = passWarning(contract);
    if (warning) runner.log.warning(warning.message, warning.title);
  } else {
    const failure = contract.failure;
    runner.log.error(
      `${failure?.message ?? ''} Next step: ${failure?.next ?? ''}`,
      `Dynamo router check failed: ${failure?.code ?? 'internal'}`,
    );
    runner.markFailed();
  }
}

export async function runAction(runner: ActionRunner): Promise<void> {
  const inputs = actionInputs(runner.getInput);
  // Mask the key before anything can echo it, even a rejected input.
  const apiKey = inputs('api-key');
  if (apiKey) runner.setSecret(apiKey);
  const log = runner.log;
  let settings: Settings;
  try {
    settings = await log.group('Settings', async () => {
      const parsed = parseSettings(inputs, { clusterConfigured: clusterConfigured() });
      // The first line: the version and the inputs in effect (the key only as ***).
      log.info(bannerLine(parsed, VERSION));
      return parsed;
    });
  } catch (error) {
    await log.group('Report', () =>
      publish(runner, inputFailureContract(toFailure(error), DEFAULT_BASE_URL)),
    );
    return;
  }
  let contract: Contract;
  try {
    contract = await runRouterCheck(settings, {
      http: httpClient,
      log,
      openTarget: (s, plan) =>
        openTarget(s, plan, {
          log,
          rememberLaunch: (launched) => runner.saveState(LAUNCH_STATE, launchRecordText(launched)),
          mask: (secret) => runner.setSecret(secret),
        }),
    });
  } finally {
    // Nothing stays open at exit: the checks' keep-alive connections end here.
    await httpClient.close();
  }
  await log.group('Report', () => publish(runner, contract));
}

/**
 * The last resort (an error nothing caught, see last-resort.ts): the run's Contract, failed
 * `internal` after the target undid or described its change, published like any other; once
 * published, the error is only logged.
 */
export async function rescueAction(interrupted: ActionRunner, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  if (published) {
    interrupted.log.warning(`Unexpected error after the report: ${message}`);
    return;
  }
  const runner = interrupted.takeOver();
  runner.log.warning(`Unexpected error: ${message}; publishing what the run found.`);
  const contract = await rescueContract(error, () =>
    inputFailureContract(toFailure(error), DEFAULT_BASE_URL),
  );
  await httpClient.close();
  await runner.log.group('Report', () => publish(runner, contract));
}

/** The post step: stops the frontend this run launched, and nothing it cannot prove it launched. */
export async function cleanupAction(runner: ActionRunner): Promise<void> {
  const raw = runner.getState(LAUNCH_STATE);
  if (!raw) return;
  const parsed = parseLaunchRecord(raw);
  if (!parsed.ok) {
    runner.log.warning(`Post step: no process was signalled, because ${parsed.reason}.`);
    return;
  }
  const launched = parsed.record;
  try {
    const stopped = await stopFrontend(launched);
    if (stopped.outcome === 'left alone')
      runner.log.warning(`Post step: pid ${launched.pid} was left alone: ${stopped.reason}.`);
    else
      runner.log.info(
        `Launched frontend (pid ${launched.pid}): ${stopped.outcome}. Its log: ${launched.logPath}`,
      );
  } catch (error) {
    runner.log.warning(`Could not stop the launched frontend: ${(error as Error).message}`);
  }
}
