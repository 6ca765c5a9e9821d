// The action's side of the runner, through @actions/core: inputs, outputs, secrets, state, the job
// summary and the log. Printing goes through the one wrapper (print.ts); outputs and the summary
// are redacted here, since the runner masks the log but not the output and summary files, and
// their control characters made visible (a model id's ESC or CR must not reach a later step raw).

import * as core from '@actions/core';
import { printer, safeText, type Printer } from './print.js';
import { secrets } from './redact.js';

export interface ActionRunner {
  log: Printer;
  getInput(name: string, options?: { trimWhitespace?: boolean }): string;
  /** Masks a secret in the runner's log and in everything this action writes. */
  setSecret(secret: string): void;
  setOutput(name: string, value: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** Appends HTML to the job summary; false (with one warning per run) when it cannot. */
  writeSummary(html: string): Promise<boolean>;
  /** Fails the step (exit code 1) after the caller printed its own titled error annotation. */
  markFailed(): void;
}

export function actionRunner(): ActionRunner {
  const log = printer(core);
  let summaryWarned = false;
  return {
    log,
    getInput: (name, options) => core.getInput(name, options),
    setSecret(secret) {
      secrets.add(secret);
      core.setSecret(secret);
    },
    setOutput: (name, value) => core.setOutput(name, safeText(value)),
    saveState: (name, value) => core.saveState(name, value),
    getState: (name) => core.getState(name),
    async writeSummary(html) {
      try {
        await core.summary.addRaw(safeText(html)).write();
        return true;
      } catch (error) {
        // No GITHUB_STEP_SUMMARY (a runner without summaries, a local run): the outputs and the
        // log still carry the verdict, so say it once and go on.
        core.summary.emptyBuffer();
        if (!summaryWarned) log.warning(`Could not write the job summary: ${(error as Error).message}`);
        summaryWarned = true;
        return false;
      }
    },
    // Not core.setFailed: that prints a second, untitled error. (core.ExitCode is 1; the constant is
    // not read from the module, which local-action replaces with stubs that lack it.)
    markFailed: () => void (process.exitCode = 1),
  };
}
