// Frontend settings that change what kv routing does without changing the mode (Dynamo 1.6,
// common/configuration/groups/kv_router_args.py and router_args.py): a run that proves "kv" on
// such a frontend proves less than it seems, so each one set is reported as a limitation. Read
// from the frontend's command line (flags win) and env. Pure.

import { limitation, type Limitation } from '../model/findings.js';

/** The frontend's settings as its process sees them. */
export interface FrontendSettings {
  /** The effective value of an env var, undefined when unset (or from an unresolved valueFrom). */
  env: (name: string) => string | undefined;
  /** The frontend's argv. */
  argv: readonly string[];
  /** Frontend replicas, when known (Kubernetes). */
  replicas?: number;
}

/** The last occurrence of a flag or of its `--no-` form, as a value and as written. */
function flag(argv: readonly string[], name: string): { value: string; as: string } | undefined {
  let found: { value: string; as: string } | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    if (arg === name)
      found =
        next !== undefined && !next.startsWith('--')
          ? { value: next, as: `${name} ${next}` }
          : { value: 'true', as: name };
    else if (arg.startsWith(`${name}=`)) found = { value: arg.slice(name.length + 1), as: arg };
    else if (arg === `--no-${name.slice(2)}`) found = { value: 'false', as: arg };
  }
  return found;
}

/** Dynamo's parse_bool truth values. */
const truthy = (v: string | undefined) => ['1', 'true', 'yes', 'on'].includes((v ?? '').trim().toLowerCase());

/** One setting: the flag beats the env var, as for every Dynamo flag. */
function setting(
  s: FrontendSettings,
  flagName: string,
  envName: string,
): { value: string; as: string } | undefined {
  const f = flag(s.argv, flagName);
  if (f) return f;
  const e = s.env(envName);
  return e !== undefined ? { value: e, as: `${envName}=${e}` } : undefined;
}

/**
 * Limitations for a frontend that runs (or will run) kv; empty for another mode. `where` names
 * the frontend for the message (e.g. "on the frontend component").
 */
export function kvSettingLimitations(
  s: FrontendSettings,
  mode: string | undefined,
  where: string,
): Limitation[] {
  if (mode !== 'kv') return [];
  const out: Limitation[] = [];
  const push = (text: string) => out.push(limitation('kv-setting', text));
  const credit = setting(s, '--router-kv-overlap-score-credit', 'DYN_ROUTER_KV_OVERLAP_SCORE_CREDIT');
  if (credit && Number(credit.value) === 0)
    push(
      `${credit.as} ${where}: kv then gives no credit for cached prefix overlap and routes on load alone, so "kv" here does not reuse the KV cache.`,
    );
  const ttl = setting(s, '--router-session-affinity-ttl-secs', 'DYN_ROUTER_SESSION_AFFINITY_TTL_SECS');
  const affinity = setting(s, '--router-session-affinity-mode', 'DYN_ROUTER_SESSION_AFFINITY_MODE');
  if (ttl && Number(ttl.value) > 0 && (affinity?.value ?? 'hard').trim() === 'hard')
    push(
      `${ttl.as}${affinity ? ` and ${affinity.as}` : ' (hard affinity, the default)'} ${where}: a request of a session already bound to a worker goes to that worker for ${ttl.value} s whatever kv would choose.`,
    );
  const sync = setting(s, '--router-replica-sync', 'DYN_ROUTER_REPLICA_SYNC');
  if (sync && truthy(sync.value) && (s.replicas ?? 1) > 1)
    push(
      `${sync.as} ${where} with ${s.replicas} replicas: each replica's kv scores include the others' in-flight requests, synchronised best-effort over the event plane, so routing depends on traffic through every replica, not only this run's.`,
    );
  const temperature = setting(s, '--router-temperature', 'DYN_ROUTER_TEMPERATURE');
  if (temperature && Number(temperature.value) > 0)
    push(
      `${temperature.as} ${where}: kv samples among workers (softmax at that temperature) instead of always taking the best score, so identical prompts can go to different workers.`,
    );
  return out;
}

/** The standalone KV router (`python -m dynamo.router`) among the graph's components, by name. */
export function standaloneRouterLimitation(components: readonly string[]): Limitation | undefined {
  if (components.length === 0) return undefined;
  return limitation(
    'standalone-router',
    `The graph runs a standalone KV router (python -m dynamo.router: ${components.join(', ')}): requests that reach workers through it are routed by its own settings, not by the frontend's DYN_ROUTER_MODE, so this run's change and evidence cover only the frontend's own routing.`,
  );
}
