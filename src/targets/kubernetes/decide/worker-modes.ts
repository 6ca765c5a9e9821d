// Workers can set the router mode themselves (Dynamo 1.5+): a worker started with `--router-mode`
// or DYN_ROUTER_MODE advertises it in its model card, and the frontend routes that worker set in
// that mode whatever its own (common/configuration/groups/router_args.py: "Declared in this
// worker's model card to override the frontend's routing for this worker set only"). The
// graph-level env reaches every component, workers included. Found from the spec before any
// write: a mode the workers pin that differs from the run's is `workers-pin-mode`. Pure.

import { limitation, type Limitation } from '../../../model/findings.js';
import { RunFailure } from '../../../model/failure.js';
import { isRouterMode } from '../../../model/modes.js';
import { effectiveArgv } from '../../../pins/frontend-flags.js';
import { seriesOf } from '../../../releases/catalogue.js';
import { versionFromImage, type DynamoRelease } from '../../../releases/capabilities.js';
import { describeEnvAt, workerEnv, type WorkerSpec } from '../object/worker-spec.js';

const MODE_ENV = 'DYN_ROUTER_MODE';

/** A place that gives workers a router mode, and the workers it reaches. */
export interface Advertisement {
  /** The mode, or undefined when it comes from valueFrom. */
  mode?: string;
  /** `DYN_ROUTER_MODE=kv in spec.envs (…)` or `--router-mode kv in spec.…args`: what to change. */
  line: string;
  /** The setting alone (`DYN_ROUTER_MODE=kv`, `--router-mode kv`) and the list or args it sits in. */
  setting: string;
  path: string;
  /** In the graph-level env, which the operator gives every component. */
  graph: boolean;
  workers: string[];
  /** Two operator generations would give this worker different values (worker-spec.ts). */
  uncertain: boolean;
}

export interface WorkerModes {
  advertised: Advertisement[];
  /** Why nothing was checked (a release without advertisement), when so. */
  skipped?: string;
}

/** Does a release honour worker advertisement? undefined when unknown. */
function honours(version: string | undefined): boolean | undefined {
  const series = version ? seriesOf(version) : undefined;
  return series ? series.workerRouterAdvertisement : undefined;
}

/** The router modes the workers advertise, by the line that sets each; the frontend's release decides. */
export function advertisedModes(
  workers: readonly WorkerSpec[],
  release: DynamoRelease | undefined,
): WorkerModes {
  if (honours(release?.version) === false)
    return {
      advertised: [],
      skipped: `Dynamo ${release?.version} workers do not advertise a router mode (1.5 and later do)`,
    };
  const byLine = new Map<string, Advertisement>();
  const add = (
    worker: string,
    at: { line: string; setting: string; path: string; graph: boolean },
    mode: string | undefined,
    uncertain: boolean,
  ) => {
    const line = at.line;
    const found = byLine.get(line) ?? { ...at, mode, workers: [], uncertain };
    if (!found.workers.includes(worker)) found.workers.push(worker);
    found.uncertain ||= uncertain;
    byLine.set(line, found);
  };
  for (const worker of workers) {
    // A worker image of a release without advertisement ignores the setting.
    const own = worker.image ? versionFromImage(worker.image) : undefined;
    if (own && honours(own) === false) continue;
    // Flags beat env: the last --router-mode on the command line is the one argparse keeps.
    const argv = effectiveArgv(worker.command, worker.args);
    let flag: string | undefined;
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === '--router-mode') flag = argv[i + 1] ?? '';
      else if (argv[i].startsWith('--router-mode=')) flag = argv[i].slice('--router-mode='.length);
    }
    if (flag !== undefined) {
      const setting = `--router-mode ${flag}`;
      add(
        worker.component,
        { line: `${setting} in ${worker.argsPath}`, setting, path: worker.argsPath, graph: false },
        flag,
        false,
      );
      continue;
    }
    const env = workerEnv(worker, MODE_ENV);
    for (const e of env) {
      const literal = e.entry.valueFrom === undefined;
      const setting = literal ? `${MODE_ENV}=${e.entry.value ?? ''}` : `${MODE_ENV} (valueFrom)`;
      add(
        worker.component,
        { line: describeEnvAt(e), setting, path: e.path, graph: e.layer === 'graph' },
        literal ? (e.entry.value ?? '') : undefined,
        env.length > 1,
      );
    }
  }
  return { advertised: [...byLine.values()] };
}

function workersText(a: Advertisement): string {
  return `worker${a.workers.length === 1 ? '' : 's'} ${a.workers.join(', ')}`;
}

/**
 * `workers-pin-mode` when a place gives workers a mode other than one the run would set
 * (`modes`: the `mode` input and any compare-modes); `release` words the message.
 */
export function refuseWorkerModes(
  found: WorkerModes,
  modes: readonly (string | undefined)[],
  release: DynamoRelease | undefined,
  /** A command that shows the settings (the next command after the failure). */
  show?: string,
): RunFailure | undefined {
  const wanted = modes.filter((m): m is string => Boolean(m));
  const against = found.advertised.filter((a) => a.mode !== undefined && wanted.some((m) => m !== a.mode));
  if (wanted.length === 0 || against.length === 0) return undefined;
  const releaseText = release?.version
    ? `Dynamo ${release.version} routes`
    : 'Dynamo 1.5 and later route (the release is unknown here)';
  const listed = against
    .map(
      (a) =>
        `${a.line} (${workersText(a)}${a.uncertain ? '; which of the merged entries wins depends on the operator release' : ''})`,
    )
    .join('; ');
  const modesText =
    wanted.length === 1 ? `\`mode: ${wanted[0]}\`` : `\`compare-modes\`/\`mode\` (${wanted.join(', ')})`;
  const first = against.find((a) => a.graph) ?? against[0];
  return new RunFailure(
    'workers-pin-mode',
    `The workers advertise their own router mode: ${listed}. ${releaseText} a worker set in the mode its workers advertise, whatever the frontend's DYN_ROUTER_MODE, so ${modesText} would have no effect on them. Nothing was written.${show ? ` See them with \`${show}\`.` : ''}`,
    // Offer `mode: X` only where the input would accept X.
    (first.graph
      ? `remove ${first.setting} from ${first.path} (set the frontend's mode on the frontend component instead)`
      : `change or remove ${first.setting} in ${first.path}`) +
      (first.mode && isRouterMode(first.mode) ? `, or set \`mode: ${first.mode}\`` : ''),
    [],
    { kind: 'workers-advertise', show },
  );
}

/** For a check-only run: what the workers advertise, in words (empty when nothing). */
export function describeAdvertised(found: WorkerModes): Limitation[] {
  return found.advertised.map((a) =>
    limitation(
      'workers-advertise',
      `${workersText(a)} advertise${a.workers.length === 1 ? 's' : ''} router mode ${a.mode ?? '(from valueFrom, not resolved)'} in the model card (${a.line}): on Dynamo 1.5 and later the frontend routes ${a.workers.length === 1 ? 'it' : 'them'} in that mode whatever its own.`,
    ),
  );
}

/** The one mode every worker advertises, when they all advertise the same literal mode. */
export function commonAdvertisedMode(
  found: WorkerModes,
  workers: readonly WorkerSpec[],
): Advertisement | undefined {
  const modes = new Set(found.advertised.map((a) => a.mode));
  if (modes.size !== 1 || found.advertised.some((a) => a.uncertain || a.mode === undefined)) return undefined;
  const covered = new Set(found.advertised.flatMap((a) => a.workers));
  return workers.length > 0 && workers.every((w) => covered.has(w.component))
    ? found.advertised[0]
    : undefined;
}
