// Pins a launched frontend would honour besides the action's own `--router-mode`: extra
// `frontend-args` and the runner's DYN_* env, which the launched frontend inherits. Found before
// launch so a contradiction is refused instead of reported as a wrong mode later. Pure.

import { limitation, type Limitation } from '../model/findings.js';
import { RunFailure } from '../model/failure.js';
import { pinnedFlags } from './frontend-flags.js';

/** Dynamo's boolean env rule: true only for true/1/yes/on, any case. */
const truthy = (value: string | undefined): boolean =>
  value !== undefined && ['true', '1', 'yes', 'on'].includes(value.trim().toLowerCase());

export interface LaunchPins {
  failure?: RunFailure;
  limitations: Limitation[];
  /** Routing flags found in frontend-args, for the release check. */
  flags: string[];
  /** Routing env set in the runner's environment, for the release check. */
  env: string[];
}

export function launchPins(
  frontendArgs: readonly string[],
  env: NodeJS.ProcessEnv,
  mode: string | undefined,
  approximateKv: boolean,
): LaunchPins {
  const out: LaunchPins = { limitations: [], flags: [], env: [] };
  const pinned = pinnedFlags([], [...frontendArgs]);
  const loadAwareArg = pinned.flags.find((f) => f.flag === '--load-aware');
  const policyArg = frontendArgs.find((a) => a.split('=')[0] === '--router-policy-config');
  if (loadAwareArg) out.flags.push('--load-aware');
  if (policyArg) out.flags.push('--router-policy-config');
  // `--no-load-aware` in the args beats the env (flags win over DYN_* env).
  const loadAwareEnv = truthy(env.DYN_ROUTER_LOAD_AWARE) && !pinned.noLoadAware;
  if (loadAwareEnv) out.env.push('DYN_ROUTER_LOAD_AWARE');
  if (env.DYN_ROUTER_POLICY_CONFIG) out.env.push('DYN_ROUTER_POLICY_CONFIG');

  // --load-aware (flag or env) forces kv routing with KV events off, whatever --router-mode says.
  const wanted = mode ?? 'round-robin';
  const fitsLoadAware = wanted === 'kv' && approximateKv;
  if ((loadAwareArg || loadAwareEnv) && !fitsLoadAware) {
    const where = loadAwareArg
      ? '`--load-aware` in `frontend-args`'
      : `DYN_ROUTER_LOAD_AWARE=${env.DYN_ROUTER_LOAD_AWARE} in the runner's environment (the launched frontend inherits it)`;
    out.failure = loadAwareArg
      ? new RunFailure(
          'bad-input',
          `Input \`frontend-args\` has \`--load-aware\`, which makes the frontend route in kv mode with KV events off whatever --router-mode says; that contradicts \`mode: ${wanted}\`${wanted === 'kv' ? ' with KV events on' : ''}.`,
          wanted === 'kv'
            ? 'remove `--load-aware` from `frontend-args`, or set `kv-events: false` (approximate kv is what it selects)'
            : 'remove `--load-aware` from `frontend-args`',
        )
      : new RunFailure(
          'args-pin-mode',
          `${where} makes the frontend route in kv mode with KV events off whatever --router-mode says; \`mode: ${wanted}\` would not take effect.`,
          'unset DYN_ROUTER_LOAD_AWARE for this step (env: DYN_ROUTER_LOAD_AWARE: "") or use `mode: kv` with `kv-events: false`',
        );
    return out;
  }
  if (policyArg || env.DYN_ROUTER_POLICY_CONFIG) {
    const where = policyArg
      ? `\`${policyArg}\` in \`frontend-args\``
      : `DYN_ROUTER_POLICY_CONFIG=${env.DYN_ROUTER_POLICY_CONFIG} in the runner's environment`;
    out.limitations.push(
      limitation(
        'router-policy-file',
        `The frontend is given a router policy file (${where}); in Dynamo 1.6 its \`router:\` settings win over flags (including KV events), and the action does not read the file, so what it sets was not checked.`,
      ),
    );
  }
  return out;
}
