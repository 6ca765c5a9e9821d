// Every input is read and validated here, once, into one typed Settings object. Nothing is
// contacted before this succeeds, so bad input never leaves a half-done run behind.

import { badInput, RunFailure } from '../model/failure.js';
import { nearestMode, type RouterMode } from '../model/modes.js';
import { splitArgs } from '../shell-words.js';
import { parseCanary, type CanarySettings } from './canary.js';
import {
  parseBoolean,
  parseMode,
  parseNumber,
  parseText,
  type InputSource,
  type KvEventsSetting,
} from './values.js';

export { parseMode } from './values.js';
export type { InputSource, KvEventsSetting } from './values.js';

export interface KubernetesSettings {
  /**
   * No target was named, but a cluster is configured: the kubeconfig context's namespace and its
   * one DynamoGraphDeployment (targets/kubernetes/resolve/find-frontend.ts), never a silent try of the default URL.
   */
  implicit?: boolean;
  namespace?: string;
  deployment?: string;
  service?: string;
  recipe?: string;
  writeRecipe: boolean;
  dryRun: boolean;
  rolloutTimeoutMs: number;
  rollbackOnFailure: boolean;
}

export interface CompareInputs {
  /** The first mode is the baseline. */
  modes: RouterMode[];
  requests: number;
  concurrency: number;
  prefixGroups: number;
  prefixTokens: number;
  maxTokens: number;
  seed: number;
}

export interface Settings extends CanarySettings {
  /** Undefined: leave the mode alone and only check (and report) it. */
  mode?: RouterMode;
  kvEvents: KvEventsSetting;
  /** Normalised, without a trailing slash. Undefined when not given. */
  baseUrl?: string;
  launch: boolean;
  launchTimeoutMs: number;
  frontendArgs: string[];
  python: string;
  model?: string;
  prompt: string;
  maxTokens: number;
  skipChat: boolean;
  /** Attempts per check, at least 1. */
  retries: number;
  retryDelayMs: number;
  timeoutMs: number;
  apiKey?: string;
  /** Gather evidence that the mode is in effect after a passing check (the action does; the CLI with --mode or --probe-requests). */
  verify: boolean;
  /** Requests of the routing probe: `auto` (sized by the workers), or a count; 0 turns it off. */
  probeRequests: 'auto' | number;
  /** Present when the run targets a Kubernetes deployment. */
  kubernetes?: KubernetesSettings;
  /** Present when the run compares router modes on a matched workload. */
  compare?: CompareInputs;
}

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8000';
export const DEFAULTS = {
  prompt: 'Say hello in one short sentence.',
  maxTokens: 32,
  retries: 5,
  retryDelay: 2,
  timeout: 20,
  launchTimeout: 120,
  rolloutTimeout: 300,
  compareRequests: 20,
  compareConcurrency: 4,
  comparePrefixGroups: 4,
  comparePrefixTokens: 512,
  compareMaxTokens: 32,
  compareSeed: 42,
  python: 'python3',
  probeRequests: 'auto',
};

/** The most requests `probe-requests` may ask for. */
export const MAX_PROBE_REQUESTS = 1000;
/** The fewest, besides 0 (off): fewer cannot show any pattern. */
export const MIN_PROBE_REQUESTS = 8;

export function parseProbeRequests(input: string, raw: string): 'auto' | number {
  if (raw === '' || raw.toLowerCase() === 'auto') return 'auto';
  const allowed = `\`auto\` (sized by the number of workers), 0 (no probe), or a whole number from ${MIN_PROBE_REQUESTS} to ${MAX_PROBE_REQUESTS}`;
  if (!/^\d+$/.test(raw)) throw badInput(input, raw, allowed);
  const n = Number(raw);
  if (n !== 0 && (n < MIN_PROBE_REQUESTS || n > MAX_PROBE_REQUESTS)) throw badInput(input, raw, allowed);
  return n;
}

/**
 * The action's inputs, read with @actions/core's `getInput` (handed in by the action, so that the
 * CLI, which shares this parser, does not bundle the toolkit). Trimmed as `getInput` does; local
 * runners that stand in for the toolkit (local-action) may not trim.
 */
export function actionInputs(
  getInput: (name: string, options?: { trimWhitespace?: boolean }) => string,
): InputSource {
  return (name) => getInput(name, { trimWhitespace: true }).trim();
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

// Flags the action owns when it launches the frontend: a second copy in frontend-args would
// silently override (argparse keeps the last) what the action reports.
const OWNED_FRONTEND_FLAGS = [
  '--router-mode',
  '--http-port',
  '--router-kv-events',
  '--no-router-kv-events',
  '--kv-events',
  '--no-kv-events',
];

export function parseBaseUrl(input: string, raw: string): string | undefined {
  if (raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput(input, raw, 'an http:// or https:// URL such as http://127.0.0.1:8000');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badInput(input, `${url.protocol}…`, 'an http:// or https:// URL such as http://127.0.0.1:8000');
  }
  if (url.username || url.password) {
    // Never echo the credentials back: they would land in the log.
    throw new RunFailure(
      'bad-input',
      `Input \`${input}\` carries credentials in the URL; allowed: a URL without user:password@ (pass a bearer token in \`api-key\`).`,
      `remove the credentials from \`${input}\` and pass the secret in \`api-key\``,
    );
  }
  if (url.search || url.hash) {
    throw badInput(
      input,
      `${url.origin}${url.pathname}${url.search ? '?…' : ''}${url.hash ? '#…' : ''}`,
      'a URL without query or fragment',
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function parseKvEvents(raw: string): KvEventsSetting {
  const value = raw.toLowerCase();
  if (value === '' || value === 'auto') return 'auto';
  if (value === 'true' || value === 'false') return value;
  throw badInput('kv-events', raw, '`auto`, `true` or `false`');
}

function parseName(
  input: string,
  raw: string,
  pattern: RegExp,
  what: string,
  maxLength: number,
): string | undefined {
  if (raw === '') return undefined;
  if (raw.length > maxLength || !pattern.test(raw)) {
    throw badInput(
      input,
      raw,
      `${what} (lower-case letters, digits and '-', at most ${maxLength} characters)`,
    );
  }
  return raw;
}

/**
 * A bearer token goes into an HTTP header: whitespace, control or non-ASCII characters cannot be
 * sent (fetch would throw an error quoting the header, key included). The value is never echoed.
 */
function parseApiKey(input: string, raw: string): string | undefined {
  if (raw === '') return undefined;
  if (!/^[\x21-\x7e]+$/.test(raw)) {
    throw new RunFailure(
      'bad-input',
      `Input \`${input}\` holds whitespace, a control character or a non-ASCII character (the value is not shown); allowed: a bearer token of printable ASCII characters without spaces.`,
      `fix the secret passed to \`${input}\``,
    );
  }
  return raw;
}

export function isLoopbackHost(hostname: string): boolean {
  return (
    ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname)
  );
}

/** Facts about the machine that decide what an input left empty means (the action asks them). */
export interface Environment {
  /** A kubeconfig or in-cluster credentials exist (targets/cluster-configured.ts). */
  clusterConfigured?: boolean;
}

export function parseSettings(get: InputSource, environment: Environment = {}): Settings {
  const mode = parseMode('mode', get('mode'));
  const kvEvents = parseKvEvents(get('kv-events'));
  const baseUrl = parseBaseUrl('base-url', get('base-url'));
  const launch = parseBoolean('launch', get('launch'), false);
  const python = get('python') || DEFAULTS.python;
  const frontendArgsRaw = get('frontend-args');
  let frontendArgs: string[];
  try {
    frontendArgs = splitArgs(frontendArgsRaw);
  } catch (error) {
    throw badInput(
      'frontend-args',
      frontendArgsRaw,
      `arguments separated by spaces, with balanced quotes (${(error as Error).message})`,
    );
  }
  const owned = frontendArgs.find((arg) => OWNED_FRONTEND_FLAGS.includes(arg.split('=')[0]));
  if (owned) {
    throw badInput(
      'frontend-args',
      owned,
      'extra frontend arguments other than the router mode, kv-events and port flags, which the action sets from `mode`, `kv-events` and `base-url`',
    );
  }
  if (frontendArgs.length > 0 && !launch) {
    throw badInput(
      'frontend-args',
      frontendArgsRaw,
      'empty unless `launch: true` (it only applies to a frontend the action starts)',
    );
  }

  // With a cluster configured and nothing named, the cluster is the target (not the default URL).
  const kubernetes = parseKubernetes(get, Boolean(environment.clusterConfigured && !launch && !baseUrl));
  if (launch && kubernetes) {
    throw badInput(
      'launch',
      'true',
      '`false` when a Kubernetes target (namespace, deployment, service or recipe) is given',
    );
  }
  if (launch && baseUrl && !isLoopbackHost(new URL(baseUrl).hostname)) {
    throw badInput(
      'base-url',
      baseUrl,
      'a loopback URL (127.0.0.1 or localhost) when `launch: true`: the frontend starts on this runner',
    );
  }
  if (kvEvents === 'false' && mode && mode !== 'kv') {
    throw badInput(
      'kv-events',
      'false',
      '`auto` or `true` unless `mode: kv` (approximate KV mode only exists for the kv router)',
    );
  }

  const compare = parseCompare(get, Boolean(launch || kubernetes));
  if (compare && kubernetes?.dryRun) {
    throw badInput(
      'dry-run',
      'true',
      '`false` with `compare-modes`: a comparison switches the deployment between modes',
    );
  }
  const apiKey = parseApiKey('api-key', get('api-key'));
  const skipChat = parseBoolean('skip-chat', get('skip-chat'), false);
  const canary = parseCanary(get, { mode, launch, skipChat, kvEvents });
  return {
    ...canary,
    mode,
    kvEvents,
    baseUrl,
    launch,
    launchTimeoutMs:
      parseNumber('launch-timeout', get('launch-timeout'), DEFAULTS.launchTimeout, {
        min: 1,
        max: 3600,
        integer: false,
      }) * 1000,
    frontendArgs,
    python,
    model: parseText('model', get('model'), undefined),
    prompt: parseText('prompt', get('prompt'), DEFAULTS.prompt) as string,
    maxTokens: parseNumber('max-tokens', get('max-tokens'), DEFAULTS.maxTokens, {
      min: 1,
      max: 32768,
      integer: true,
    }),
    skipChat,
    retries: parseNumber('retries', get('retries'), DEFAULTS.retries, { min: 1, max: 100, integer: true }),
    retryDelayMs:
      parseNumber('retry-delay', get('retry-delay'), DEFAULTS.retryDelay, {
        min: 0,
        max: 600,
        integer: false,
      }) * 1000,
    timeoutMs:
      parseNumber('timeout', get('timeout'), DEFAULTS.timeout, { min: 0.1, max: 3600, integer: false }) *
      1000,
    apiKey,
    verify: true,
    probeRequests: parseProbeRequests('probe-requests', get('probe-requests')),
    kubernetes,
    compare,
  };
}

function parseKubernetes(get: InputSource, implicit: boolean): KubernetesSettings | undefined {
  const namespace = parseName(
    'namespace',
    get('namespace'),
    DNS1123_LABEL,
    'a Kubernetes namespace name',
    63,
  );
  const deployment = parseName(
    'deployment',
    get('deployment'),
    DNS1123_SUBDOMAIN,
    'a Kubernetes object name',
    253,
  );
  const service = parseName(
    'service',
    get('service'),
    DNS1035_LABEL,
    'a Kubernetes Service name starting with a letter',
    63,
  );
  const recipe = get('recipe') || undefined;
  const writeRecipe = parseBoolean('write-recipe', get('write-recipe'), false);
  const dryRun = parseBoolean('dry-run', get('dry-run'), false);
  const rollbackOnFailure = parseBoolean('rollback-on-failure', get('rollback-on-failure'), false);
  const rolloutTimeoutMs =
    parseNumber('rollout-timeout', get('rollout-timeout'), DEFAULTS.rolloutTimeout, {
      min: 1,
      max: 7200,
      integer: false,
    }) * 1000;
  const named = Boolean(namespace || deployment || service || recipe);
  if (!named && !implicit) {
    for (const [input, on] of [
      ['write-recipe', writeRecipe],
      ['dry-run', dryRun],
      ['rollback-on-failure', rollbackOnFailure],
    ] as const) {
      if (on)
        throw badInput(
          input,
          'true',
          '`false` unless a Kubernetes target (namespace, deployment, service or recipe) is given',
        );
    }
    return undefined;
  }
  if (writeRecipe && !recipe)
    throw badInput('write-recipe', 'true', '`false` unless `recipe` names the deploy.yaml to update');
  return {
    ...(named ? {} : { implicit: true }),
    namespace,
    deployment,
    service,
    recipe,
    writeRecipe,
    dryRun,
    rolloutTimeoutMs,
    rollbackOnFailure,
  };
}

function parseCompare(get: InputSource, canSwitch: boolean): CompareInputs | undefined {
  const raw = get('compare-modes');
  // The runner passes every input's action.yml default as if it were given (so does
  // local-action): only a value other than the default shows a setting without compare-modes.
  const extras: Record<string, number> = {
    'compare-requests': DEFAULTS.compareRequests,
    'compare-concurrency': DEFAULTS.compareConcurrency,
    'compare-prefix-groups': DEFAULTS.comparePrefixGroups,
    'compare-prefix-tokens': DEFAULTS.comparePrefixTokens,
    'compare-max-tokens': DEFAULTS.compareMaxTokens,
    'compare-seed': DEFAULTS.compareSeed,
  };
  if (raw === '') {
    const stray = Object.keys(extras).find((name) => get(name) !== '' && get(name) !== String(extras[name]));
    if (stray) throw badInput(stray, get(stray), 'empty unless `compare-modes` lists the modes to compare');
    return undefined;
  }
  const listed = raw.split(/[\s,]+/).filter(Boolean);
  const modes = listed.map((m) => {
    try {
      return parseMode('compare-modes', m) as RouterMode;
    } catch (error) {
      // The advice must be a value the input accepts: the whole list, the one mode corrected.
      const near = nearestMode(m);
      const fixed = near ? listed.map((x) => (x === m ? near : x)).join(',') : undefined;
      throw new RunFailure(
        'bad-input',
        (error as RunFailure).message,
        fixed ? `set \`compare-modes: ${fixed}\`` : 'fix `compare-modes`',
      );
    }
  });
  const duplicate = modes.find((m, i) => modes.indexOf(m) !== i);
  if (duplicate) throw badInput('compare-modes', raw, `each mode once (${duplicate} is listed twice)`);
  if (modes.length < 2)
    throw badInput(
      'compare-modes',
      raw,
      'two or more modes separated by commas, the baseline first, e.g. `round-robin,kv`',
    );
  if (!canSwitch) {
    throw badInput(
      'compare-modes',
      raw,
      'empty unless the action can switch modes: `launch: true` or a Kubernetes target',
    );
  }
  const int = (name: string, fallback: number, min: number, max: number): number =>
    parseNumber(name, get(name), fallback, { min, max, integer: true });
  return {
    modes,
    requests: int('compare-requests', DEFAULTS.compareRequests, 5, 100000),
    concurrency: int('compare-concurrency', DEFAULTS.compareConcurrency, 1, 256),
    prefixGroups: int('compare-prefix-groups', DEFAULTS.comparePrefixGroups, 1, 10000),
    prefixTokens: int('compare-prefix-tokens', DEFAULTS.comparePrefixTokens, 0, 100000),
    maxTokens: int('compare-max-tokens', DEFAULTS.compareMaxTokens, 1, 32768),
    seed: int('compare-seed', DEFAULTS.compareSeed, 0, 2147483647),
  };
}
