// The launch target: a Dynamo frontend this run starts on the runner (process.ts), its log as
// the evidence of the mode (log-file.ts), and for compare-modes a switcher that restarts it in
// each mode on the same port, ending in the mode the run was asked for.

import { limitation } from '../../model/findings.js';
import type { Plan } from '../../plan.js';
import type { LogSource, ModeSwitcher, TargetDeps, TargetSession } from '../../session.js';
import type { Settings } from '../../settings/settings.js';
import { frontendCommand } from '../../plan.js';
import { urlSession } from '../url-target.js';
import { launchFrontend, stopFrontend, type RunningFrontend } from './process.js';
import { fileLogSource, logTail } from './log-file.js';

/** The frontend process a launch session currently runs: a mode switch replaces it. */
interface LaunchState {
  current: RunningFrontend;
}

export async function launchSession(
  settings: Settings,
  plan: Plan,
  deps: TargetDeps,
): Promise<TargetSession> {
  const argv = plan.command as string[];
  const launched = await launchFrontend(argv, {
    baseUrl: plan.baseUrl,
    timeoutMs: settings.launchTimeoutMs,
    log: (l) => deps.log.info(l),
  });
  deps.rememberLaunch?.(launched);
  const state: LaunchState = { current: launched };
  // Reads the current process's log, so evidence after a switch comes from the frontend running now.
  const logs: LogSource = {
    mark: () => fileLogSource(state.current.log).mark(),
    since: (mark) => fileLogSource(state.current.log).since(mark),
  };
  return {
    ...urlSession(plan.baseUrl),
    // No pid here: a comparison restarts the frontend, and the log names each process it starts.
    limitations: [
      limitation(
        'launched-keeps-running',
        'The launched frontend keeps running for later steps of this job (in the mode the run ended in) and is stopped by the post step.',
      ),
    ],
    get logPath() {
      return state.current.logPath;
    },
    logs,
    switcher: launchSwitcher(settings, plan, deps, state),
    onCheckFailed: async () => ({
      details: [{ title: 'Frontend log (last lines)', text: logTail(launched.log) || '(empty)' }],
      limitations: [],
    }),
  };
}

/**
 * For compare-modes: restarts the launched frontend in each mode on the same port, and at the end
 * in the mode the run was asked for, so later steps find what the inputs said.
 */
function launchSwitcher(settings: Settings, plan: Plan, deps: TargetDeps, state: LaunchState): ModeSwitcher {
  const relaunch = async (argv: string[]): Promise<void> => {
    const stopped = await stopFrontend(state.current);
    if (stopped.outcome === 'left alone')
      deps.log.warning(`The launched frontend was left running: ${stopped.reason}.`);
    state.current = await launchFrontend(argv, {
      baseUrl: plan.baseUrl,
      timeoutMs: settings.launchTimeoutMs,
      log: (l) => deps.log.info(l),
    });
    deps.rememberLaunch?.(state.current);
  };
  return {
    async switchTo(mode) {
      const approximate = mode === 'kv' && settings.kvEvents === 'false';
      await relaunch(
        frontendCommand(settings.python, mode, approximate, plan.baseUrl, settings.frontendArgs),
      );
      return plan.baseUrl;
    },
    async restore() {
      await relaunch(plan.command as string[]);
    },
  };
}
