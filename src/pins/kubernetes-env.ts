// Pins besides `--router-mode` that a Kubernetes frontend honours and an env patch of
// DYN_ROUTER_MODE cannot beat: DYN_ROUTER_LOAD_AWARE (forces kv with KV events off) in the
// container env, the component `envs` or the graph-level env, and a router policy file
// (`--router-policy-config` or DYN_ROUTER_POLICY_CONFIG), whose `router:` settings win over flags
// in 1.6. Found before any write; each is reported with where it sits and what to change. Pure.

import { limitation, type Limitation } from '../model/findings.js';
import { RunFailure } from '../model/failure.js';
import type { EnvEntry } from '../model/contract.js';
import {
  argvOf,
  envAt,
  pathText,
  type FrontendLocation,
  type Path,
} from '../targets/kubernetes/object/dgd.js';
import type { JsonObject } from '../targets/kubernetes/object/json.js';
import { effectiveArgv, pinnedFlags } from './frontend-flags.js';

const LOAD_AWARE = 'DYN_ROUTER_LOAD_AWARE';
const POLICY = 'DYN_ROUTER_POLICY_CONFIG';
const truthy = (value: string | undefined): boolean =>
  value !== undefined && ['true', '1', 'yes', 'on'].includes(value.trim().toLowerCase());

/** Env lists that reach the frontend container, strongest first, with their paths. */
function envSources(
  object: JsonObject,
  loc: FrontendLocation,
): { path: Path; entries: EnvEntry[]; graph: boolean }[] {
  const out = [{ path: loc.containerEnvPath, entries: envAt(object, loc.containerEnvPath), graph: false }];
  if (loc.componentEnvPath)
    out.push({ path: loc.componentEnvPath, entries: envAt(object, loc.componentEnvPath), graph: false });
  if (loc.ref.kind === 'dgd') {
    // Graph-level env applies to every service: v1alpha1 `spec.envs`, v1beta1 `spec.env`.
    const graph: Path = loc.ref.version === 'v1alpha1' ? ['spec', 'envs'] : ['spec', 'env'];
    out.push({ path: graph, entries: envAt(object, graph), graph: true });
  }
  return out;
}

/** The entry the container sees for `name` (last one in the strongest list), with where it sits. */
function effective(
  object: JsonObject,
  loc: FrontendLocation,
  name: string,
): { entry: EnvEntry; where: string; graph: boolean } | undefined {
  for (const source of envSources(object, loc)) {
    const entry = [...source.entries].reverse().find((e) => e.name === name);
    if (entry) return { entry, where: pathText(source.path), graph: source.graph };
  }
  return undefined;
}

export interface RoutingPins {
  failure?: RunFailure;
  limitations: Limitation[];
}

/**
 * `mode` is the mode the run writes; `kvEventsOff` true when it writes approximate kv mode
 * (which is what load-aware selects, so that one pin agrees).
 */
export function routingPins(
  object: JsonObject,
  loc: FrontendLocation,
  mode: string,
  kvEventsOff: boolean,
): RoutingPins {
  const out: RoutingPins = { limitations: [] };
  // A `--no-load-aware` flag wins over the env (flags beat DYN_* env): then the env pins nothing.
  const { command: cmd, args: argl } = argvOf(object, loc);
  const loadAware = pinnedFlags(cmd, argl).noLoadAware ? undefined : effective(object, loc, LOAD_AWARE);
  if (loadAware?.entry.valueFrom !== undefined) {
    out.limitations.push(
      limitation(
        'pin-unresolved',
        `${LOAD_AWARE} on the frontend comes from valueFrom in ${loadAware.where}, which this action does not resolve: if it is true, the frontend routes in kv mode with KV events off whatever DYN_ROUTER_MODE says.`,
      ),
    );
  } else if (loadAware && truthy(loadAware.entry.value) && !(mode === 'kv' && kvEventsOff)) {
    const scope = loadAware.graph ? ' (graph-level env: it applies to every service)' : '';
    out.failure = new RunFailure(
      'args-pin-mode',
      `${LOAD_AWARE}=${loadAware.entry.value} in ${loadAware.where}${scope} makes the frontend route in kv mode with KV events off whatever DYN_ROUTER_MODE says; the change to ${mode}${mode === 'kv' ? ' with KV events' : ''} would have no effect.`,
      `remove ${LOAD_AWARE} from ${loadAware.where} (or set it to "false")${mode === 'kv' ? ', or set `kv-events: false` (approximate kv is what it selects)' : ''}, then run again`,
    );
    return out;
  }

  const { command, args } = argvOf(object, loc);
  const argv = effectiveArgv(command, args);
  const at = argv.findIndex((a) => a.split('=')[0] === '--router-policy-config');
  const policyEnv = effective(object, loc, POLICY);
  if (at >= 0 || policyEnv) {
    const file =
      at >= 0 ? (argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1]) : policyEnv?.entry.value;
    const where =
      at >= 0
        ? `\`--router-policy-config ${file ?? ''}\` in ${pathText(loc.argsPath)}`
        : `${POLICY} in ${policyEnv?.where}`;
    out.limitations.push(
      limitation(
        'router-policy-file',
        `The frontend reads a router policy file (${where}). From Dynamo 1.6 its \`router:\` settings win over flags and env, KV events included; the file lives in the container, so its content was not visible to this run: check it does not set use_kv_events against the \`kv-events\` input.`,
      ),
    );
  }
  return out;
}
