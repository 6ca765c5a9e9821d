// Settings → Plan: which mode and why, how KV events are handled, which command or env change
// selects the mode, and what the run cannot promise. Pure: no effects, fully unit-tested.

import { shellJoin } from './shell-words.js';
import type { KvEventsVerdict, TargetKind } from './model/contract.js';
import { limitation, type Limitation } from './model/findings.js';
import { MODE_CATALOGUE, type RouterMode } from './model/modes.js';
import { DEFAULT_BASE_URL } from './settings/defaults.js';
import { isLoopbackHost, type Settings } from './settings/settings.js';

export interface Plan {
  target: TargetKind;
  /** The mode the user asked for; undefined means "leave it alone". */
  requestedMode?: RouterMode;
  /** The mode the frontend should run after this run, when the run decides it. */
  expectedMode?: RouterMode;
  modeReason: string;
  /** Approximate KV mode: kv routing without worker KV events. */
  approximateKv: boolean;
  kvEvents: KvEventsVerdict;
  kvEventsReason: string;
  /** argv of the frontend the action launches, or of the command a person would run. */
  command?: string[];
  baseUrl: string;
  limitations: Limitation[];
}

/** kv routing without worker KV events: what it gives up (the plan and the Kubernetes target say it). */
export const APPROXIMATE_KV = limitation(
  'approximate-kv',
  'Approximate KV mode: the workers publish no KV events, so the router predicts cache contents from its own routing decisions (expiring after --router-ttl-secs, 120 s by default); cache-hit estimates can drift from the workers\u2019 real caches.',
);

export const DEFAULT_FRONTEND_PORT = '8000';

export function portOf(baseUrl: string): string {
  const url = new URL(baseUrl);
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** The frontend command line for a mode, as in Dynamo's docs: flags win over DYN_* env. */
export function frontendCommand(
  python: string,
  mode: RouterMode | undefined,
  approximateKv: boolean,
  baseUrl: string,
  extraArgs: readonly string[],
): string[] {
  const argv = [python, '-m', 'dynamo.frontend'];
  if (mode) argv.push('--router-mode', mode);
  if (approximateKv) argv.push('--no-router-kv-events');
  argv.push('--http-port', portOf(baseUrl));
  // Bind where the check will connect: a launched frontend on a loopback URL need not listen on
  // every interface of the runner.
  const host = new URL(baseUrl).hostname;
  if (!extraArgs.some((a) => a.split('=')[0] === '--http-host') && isLoopbackHost(host)) {
    argv.push('--http-host', host === 'localhost' ? '127.0.0.1' : host.replace(/^\[|\]$/g, ''));
  }
  return [...argv, ...extraArgs];
}

export function kvEventsDecision(
  settings: Settings,
  mode: RouterMode | undefined,
): Pick<Plan, 'approximateKv' | 'kvEvents' | 'kvEventsReason'> {
  if (settings.kvEvents === 'false') {
    return {
      approximateKv: mode === 'kv',
      kvEvents: 'false',
      kvEventsReason: 'stated by the `kv-events: false` input: the workers do not publish KV cache events',
    };
  }
  if (settings.kvEvents === 'true') {
    return {
      approximateKv: false,
      kvEvents: 'true',
      kvEventsReason: 'stated by the `kv-events: true` input',
    };
  }
  if (mode && !MODE_CATALOGUE[mode].usesKvCache) {
    return {
      approximateKv: false,
      kvEvents: 'unknown',
      kvEventsReason: `not needed: ${mode} mode does not use KV cache events`,
    };
  }
  return {
    approximateKv: false,
    kvEvents: 'unknown',
    kvEventsReason:
      'kv-events: auto: the workers were not inspected from here, so the router keeps its default (expects KV events)',
  };
}

export function makePlan(settings: Settings): Plan {
  const target: TargetKind = settings.kubernetes ? 'kubernetes' : settings.launch ? 'launch' : 'url';
  const requestedMode = settings.mode;
  const kv = kvEventsDecision(settings, requestedMode ?? (target === 'launch' ? 'round-robin' : undefined));
  const baseUrl = settings.baseUrl ?? DEFAULT_BASE_URL;
  const limitations: Limitation[] = [];
  let expectedMode: RouterMode | undefined;
  let modeReason: string;
  let command: string[] | undefined;

  if (target === 'launch') {
    expectedMode = requestedMode ?? 'round-robin';
    command = frontendCommand(
      settings.python,
      requestedMode,
      kv.approximateKv,
      baseUrl,
      settings.frontendArgs,
    );
    modeReason = requestedMode
      ? `requested by the \`mode\` input; the action launches the frontend with --router-mode ${requestedMode}`
      : "no mode requested: the frontend is launched with Dynamo's default, round-robin";
  } else if (target === 'url') {
    if (requestedMode) {
      expectedMode = undefined;
      command = frontendCommand('python3', requestedMode, kv.approximateKv, baseUrl, []);
      modeReason = `requested by the \`mode\` input; a frontend reached by URL is not restarted by this action: the run checks that it already runs ${requestedMode} (start it with the command shown)`;
      // `launch: true` takes only a loopback base-url: advise it only where the input allows it.
      const apply = isLoopbackHost(new URL(baseUrl).hostname)
        ? 'Use `launch: true` or a Kubernetes target to apply it.'
        : 'Use a Kubernetes target (`namespace` and `deployment`, or `recipe`) to apply it.';
      limitations.push(
        limitation(
          'url-not-applied',
          `The frontend at ${baseUrl} was not started by this run, so the ${requestedMode} mode was not applied here, only checked. ${apply}`,
        ),
      );
    } else {
      modeReason = "no mode requested: the frontend's current mode is left alone (check only)";
    }
  } else {
    expectedMode = requestedMode;
    modeReason = requestedMode
      ? `requested by the \`mode\` input; applied as DYN_ROUTER_MODE on the frontend component only`
      : "no mode requested: the frontend's current mode is read and left alone (check only)";
  }

  const effective = requestedMode ?? expectedMode;
  if (effective === 'kv' && kv.approximateKv) {
    limitations.push(APPROXIMATE_KV);
  }
  if (effective === 'kv' && settings.kvEvents === 'auto' && target !== 'kubernetes') {
    limitations.push(
      limitation(
        'kv-events-unconfirmed',
        'KV events were not confirmed: kv mode expects the workers to publish KV cache events (vLLM/SGLang need --kv-events-config, TensorRT-LLM --publish-kv-events, before Dynamo 1.3 --publish-events-and-metrics; mocker workers publish by default). If they do not, the router silently routes on load alone: set `kv-events: false` for approximate mode.',
      ),
    );
  }
  if (effective === 'direct') {
    limitations.push(
      limitation(
        'direct-needs-header',
        'Direct mode serves only requests that name a worker in the x-dynamo-worker-instance-id header; clients must send it.',
      ),
    );
  }
  const probing = settings.verify && !settings.skipChat && settings.probeRequests !== 0;
  limitations.push(
    limitation(
      'smoke-scope',
      probing
        ? 'A smoke check is one chat completion: it proves the endpoint answers, not which mode is faster; the routing probe after it shows which worker served each of its requests, not how fast (evidence, not a benchmark). Compare modes with matched, repeated runs.'
        : 'A smoke check is one chat completion: it proves the endpoint answers, not which mode is faster. Compare modes with matched, repeated runs.',
    ),
  );

  return { target, requestedMode, expectedMode, modeReason, ...kv, command, baseUrl, limitations };
}

export function displayCommand(argv: readonly string[] | undefined): string {
  return argv ? shellJoin(argv) : '';
}
