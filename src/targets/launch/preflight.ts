// Before a launch: the interpreter's ai-dynamo release, the pins in frontend-args and the runner's
// env, and whether the release has every mode the run will start (compare-modes included). Starts
// nothing; a refusal comes back as a value, so the release found still reaches the report.

import type { Limitation } from '../../model/findings.js';
import { RunFailure } from '../../model/failure.js';
import { shellJoin } from '../../shell-words.js';
import { kvSettingLimitations } from '../../releases/kv-settings.js';
import type { Plan } from '../../plan.js';
import {
  checkRelease,
  describeRelease,
  launchEnvLimitations,
  releaseLimitation,
  type DynamoRelease,
} from '../../releases/capabilities.js';
import { launchPins } from '../../pins/launch.js';
import type { Logger } from '../../session.js';
import type { Settings } from '../../settings/settings.js';

export interface LaunchPreflight {
  release: DynamoRelease;
  limitations: Limitation[];
  /** Why the launch must not start (`unsupported-mode`, a pin that contradicts the mode). */
  refusal?: RunFailure;
}

export async function preflightLaunch(
  settings: Settings,
  plan: Plan,
  ask: (python: string) => Promise<DynamoRelease>,
  log: Logger,
): Promise<LaunchPreflight> {
  const release = await ask(settings.python);
  if (release.version) log.info(`Dynamo release: ${describeRelease(release)}.`);
  // An interpreter without ai-dynamo cannot start a frontend: say so now, not after a launch timeout.
  if (release.unusable) {
    const check = shellJoin([settings.python, '-m', 'pip', 'show', 'ai-dynamo']);
    return {
      release,
      limitations: [],
      refusal: new RunFailure(
        'launch-failed',
        `The launch interpreter cannot start a Dynamo frontend: ${release.unknownBecause}. Nothing was launched. Check with \`${check}\`.`,
        `set \`python\` to an interpreter that has ai-dynamo (e.g. a virtualenv's bin/python), or install it there: ${shellJoin([settings.python, '-m', 'pip', 'install', 'ai-dynamo'])}`,
        [],
        { kind: 'no-ai-dynamo', check },
      ),
    };
  }
  const pins = launchPins(settings.frontendArgs, process.env, plan.expectedMode, plan.approximateKv);
  if (pins.failure) return { release, limitations: [], refusal: pins.failure };
  const modes = [plan.expectedMode, ...(settings.compare?.modes ?? [])].filter(
    (m, i, all): m is NonNullable<typeof m> => m !== undefined && all.indexOf(m) === i,
  );
  for (const mode of modes.length ? modes : [undefined]) {
    const refused = checkRelease(release, {
      mode,
      flags: pins.flags,
      env: pins.env,
      nothingDone: 'launched',
    });
    if (refused) return { release, limitations: pins.limitations, refusal: refused };
  }
  const limitations = [...pins.limitations];
  const limitation = releaseLimitation(release);
  if (limitation) limitations.push(limitation);
  for (const note of launchEnvLimitations(release, process.env)) {
    log.warning(note.text);
    limitations.push(note);
  }
  // Settings in frontend-args or the runner's env that change what kv does (the frontend inherits the env).
  const env = (name: string) => process.env[name];
  limitations.push(
    ...kvSettingLimitations(
      { env, argv: settings.frontendArgs },
      plan.expectedMode,
      "for the launched frontend (frontend-args or the runner's env)",
    ),
  );
  return { release, limitations };
}
