// Every input is read and validated here, once, into one typed Settings object. Nothing is
// contacted before this succeeds, so bad input never leaves a half-done run behind.

import { badInput, RunFailure } from '../model/failure.js';
import type { RouterMode } from '../model/modes.js';
import { splitArgs } from '../shell-words.js';
import { parseCanary, type CanarySettings } from './canary.js';
import { parseCompare, type CompareInputs } from './compare.js';
import { DEFAULTS } from './defaults.js';
import { parseKubernetes, type KubernetesSettings } from './kubernetes.js';
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
  /**
   * Gather evidence that the mode is in effect after a passing check: the action always, the CLI
   * when a flag asks about the mode (--mode, --probe-requests, --expect-mode, --require-verified,
   * --history).
   */
  verify: boolean;
  /** Requests of the routing probe: `auto` (sized by the workers), or a count; 0 turns it off. */
  probeRequests: 'auto' | number;
  /** Present when the run targets a Kubernetes deployment. */
  kubernetes?: KubernetesSettings;
  /** Present when the run compares router modes on a matched workload. */
  compare?: CompareInputs;
}

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
