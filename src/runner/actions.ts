// The action's side of the runner, through @actions/core: inputs, outputs, secrets, state, the job
// summary and the log. Printing goes through the one wrapper (print.ts); outputs and the summary
// are redacted here, since the runner masks the log but not the output and summary files, and
// their control characters made visible (a model id's ESC or CR must not reach a later step raw).

import * as core from '@actions/core';
import { printer, safeText, type Printer, type Sink } from './print.js';
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
  /**
   * A new runner that alone prints from now on: after an error nothing caught, the last resort
   * reports while the run it interrupted may still go on in the background, silently.
   */
  takeOver(): ActionRunner;
}

export function actionRunner(): ActionRunner {
  let speaking = true;
  const say =
    <A extends unknown[]>(print: (...args: A) => void) =>
    (...args: A) => {
      if (speaking) print(...args);
    };
  const sink: Sink = {
    info: say(core.info),
    warning: say(core.warning),
    error: say(core.error),
    notice: say(core.notice),
    startGroup: say(core.startGroup),
    endGroup: say(core.endGroup),
    setFailed: say(core.setFailed),
  };
  const log = printer(sink);
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
    takeOver() {
      speaking = false;
      // The interrupted run may have a log group open; the runner does not nest them.
      core.endGroup();
      return actionRunner();
    },
  };
}
