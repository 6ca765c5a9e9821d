// dynamo-router-check: the engine's URL path as a command. Prints a JSON document on stdout and
// exactly one verdict line on stderr (progress lines too with --verbose). Exit codes: 0 ok; 1 usage
// error; 2 /v1/models never answered 200; 3 no model discovered; 4 the chat request failed or was
// invalid; 5 --mode given and the evidence shows another mode (mode-not-applied); 6 mode-drift;
// 7 regression; 8 mode-unverified; 9 deployment-changed.

import { parseArgs } from 'node:util';
import { httpClient } from '../check/http.js';
import { cliDocument, cliVerdict, EXIT, exitCodeFor } from './document.js';
import { cliPrinter, jsonDocument } from '../runner/print.js';
import { secrets } from '../runner/redact.js';
import { RunFailure, toFailure } from '../model/failure.js';
import { exitAfterGrace } from '../bounded/exit-watchdog.js';
import { inputFailureContract } from '../build-contract.js';
import { installLastResort, rescueContract } from '../last-resort.js';
import type { Contract } from '../model/contract.js';
import { runRouterCheck } from '../run.js';
import { DEFAULT_BASE_URL, DEFAULTS } from '../settings/defaults.js';
import { parseSettings } from '../settings/settings.js';
import { CANARY_DEFAULTS } from '../settings/canary.js';
import { VERSION } from '../version.js';
// The CLI checks a URL only: importing the target chooser would bundle the Kubernetes chunk.
import { urlSession } from '../targets/url-target.js';

const USAGE = `Usage: dynamo-router-check [options]

Checks a Dynamo frontend: GET /v1/models must list a model, then one chat completion must answer.
With --mode, also proves the frontend runs that router mode (which worker served each request of a
short routing probe, and the router's metrics around the chat).

  --base-url URL      frontend URL without /v1 (default ${DEFAULT_BASE_URL})
  --mode MODE         router mode the frontend must run: round-robin, random, power-of-two,
                      least-loaded, device-aware-weighted, kv, direct (default: not checked)
  --kv-events V       auto, true or false (false: approximate KV mode, kv without worker events)
  --probe-requests N  routing probe after the chat (which worker serves each request): auto (sized
                      by the workers), 8 to 1000, or 0 for none (default: auto with --mode; given
                      without --mode, it reports the mode it observes)
  --expect-mode MODE  the mode the frontend must already run; another fails mode-drift (exit 6)
  --require-verified  a mode the evidence cannot prove fails mode-unverified (exit 8)
  --history FILE      JSON Lines file of earlier runs: adds this run's record and fails
                      mode-drift (exit 6) or regression (exit 7) against the earlier runs
  --history-window N  earlier passing runs in the latency baseline (default ${CANARY_DEFAULTS.historyWindow})
  --regression-ratio R  a regression is at least R times the baseline (default ${CANARY_DEFAULTS.regressionRatio})
  --fail-on-change K  workers, models, kv-events (comma-separated): changes since the last
                      run that fail deployment-changed (exit 9)
  --accept-change     report a drift, regression or change instead of failing; a new baseline starts
  --model NAME        model for the chat request (default: the first listed)
  --prompt TEXT       chat prompt (default "${DEFAULTS.prompt}")
  --max-tokens N      max tokens of the reply (default ${DEFAULTS.maxTokens})
  --skip-chat         only check /v1/models
  --retries N         attempts per check (default ${DEFAULTS.retries})
  --retry-delay S     seconds before the first retry, doubling after (default ${DEFAULTS.retryDelay})
  --timeout S         seconds per request (default ${DEFAULTS.timeout})
  --api-key KEY       bearer token (default: $DYNAMO_API_KEY; prefer the variable, argv is visible)
  -v, --verbose       also print progress lines on stderr (default: only the verdict line)
  -V, --version       print the version
  -h, --help          this text

Prints a JSON document on stdout and one verdict line on stderr. Needs Node 24 or later.
Exit codes: 0 ok, 1 usage error, 2 /v1/models never answered 200, 3 no model discovered,
4 the chat request failed or was invalid, 5 the frontend runs another mode than --mode,
6 mode-drift, 7 regression, 8 mode-unverified, 9 deployment-changed.`;

// The CLI may run inside a workflow step: its stderr lines are guarded like the action's log.
const stderr = cliPrinter();

/** Set once the JSON document is out: the last resort and the run never both print one. */
let printed = false;

/** The one JSON document on stdout and the verdict line on stderr; the exit code. */
function report(contract: Contract): number {
  if (printed) return exitCodeFor(contract);
  printed = true;
  const doc = cliDocument(contract, VERSION);
  process.stdout.write(`${jsonDocument(doc)}\n`);
  stderr.say(cliVerdict(doc).replace(/\s*\n\s*/g, ' '));
  return exitCodeFor(contract);
}

// An error nothing caught still prints the document (failed `internal`), then the process exits.
installLastResort(async (error) => {
  if (printed) return;
  const contract = await rescueContract(error, () =>
    inputFailureContract(toFailure(error), DEFAULT_BASE_URL),
  );
  await httpClient.close();
  process.exitCode = report(contract);
});

/**
 * A usage error: the same JSON document as any run (stdout) and one line on stderr, naming the
 * flag and how to see the others, never the whole help text.
 */
function usageError(failure: RunFailure, baseUrl: string): number {
  printed = true;
  const doc = cliDocument(inputFailureContract(failure, baseUrl), VERSION);
  process.stdout.write(`${jsonDocument(doc)}\n`);
  stderr.say(`dynamo-router-check: ${doc.failure?.message ?? ''} Next: ${doc.failure?.next ?? ''}`);
  return EXIT.usage;
}

async function main(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'base-url': { type: 'string' },
        model: { type: 'string' },
        prompt: { type: 'string' },
        'max-tokens': { type: 'string' },
        'skip-chat': { type: 'boolean' },
        retries: { type: 'string' },
        'retry-delay': { type: 'string' },
        // The earlier name of --retry-delay, still accepted.
        'retry-sleep': { type: 'string' },
        timeout: { type: 'string' },
        'api-key': { type: 'string' },
        mode: { type: 'string' },
        'kv-events': { type: 'string' },
        'expect-mode': { type: 'string' },
        'require-verified': { type: 'boolean' },
        history: { type: 'string' },
        'history-window': { type: 'string' },
        'regression-ratio': { type: 'string' },
        'fail-on-change': { type: 'string' },
        'accept-change': { type: 'boolean' },
        'probe-requests': { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        version: { type: 'boolean', short: 'V' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return usageError(
      new RunFailure(
        'bad-input',
        (error as Error).message.replace(/\.?$/, '.'),
        'run `dynamo-router-check --help` for the options',
      ),
      DEFAULT_BASE_URL,
    );
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (values.version) {
    process.stdout.write(`dynamo-router-check ${VERSION}\n`);
    return EXIT.ok;
  }
  const flags: Record<string, string> = {
    'base-url': (values['base-url'] as string | undefined) ?? DEFAULT_BASE_URL,
    model: (values.model as string | undefined) ?? '',
    prompt: (values.prompt as string | undefined) ?? '',
    'max-tokens': (values['max-tokens'] as string | undefined) ?? '',
    'skip-chat': values['skip-chat'] ? 'true' : 'false',
    retries: (values.retries as string | undefined) ?? '',
    'retry-delay':
      (values['retry-delay'] as string | undefined) ?? (values['retry-sleep'] as string | undefined) ?? '',
    timeout: (values.timeout as string | undefined) ?? '',
    'api-key': (values['api-key'] as string | undefined) ?? process.env.DYNAMO_API_KEY ?? '',
    mode: (values.mode as string | undefined) ?? '',
    'kv-events': (values['kv-events'] as string | undefined) ?? '',
    'expect-mode': (values['expect-mode'] as string | undefined) ?? '',
    'require-verified': values['require-verified'] ? 'true' : '',
    history: (values.history as string | undefined) ?? '',
    'history-window': (values['history-window'] as string | undefined) ?? '',
    'regression-ratio': (values['regression-ratio'] as string | undefined) ?? '',
    'fail-on-change': (values['fail-on-change'] as string | undefined) ?? '',
    'accept-change': values['accept-change'] ? 'true' : '',
    'probe-requests': (values['probe-requests'] as string | undefined) ?? '',
  };
  let settings;
  try {
    const parsed = parseSettings((name) => (flags[name] ?? '').trim());
    // The mode is proven from what the router did with the chat request: without one, nothing is.
    if (parsed.mode && parsed.skipChat)
      throw new RunFailure(
        'bad-input',
        `Flags \`--skip-chat\` and \`--mode ${parsed.mode}\` together check nothing about the mode: its evidence comes from the chat request --skip-chat leaves out.`,
        'drop `--skip-chat` to check the mode, or drop `--mode` to check only /v1/models',
      );
    // Without --mode the CLI stays a drop-in for the two-request smoke script; with it (or with
    // --probe-requests other than 0, or an assertion about the mode, or a history), it gathers the
    // same evidence as the action's URL path.
    const probing = values['probe-requests'] !== undefined && parsed.probeRequests !== 0;
    const verify = Boolean(
      parsed.mode || probing || parsed.expectMode || parsed.requireVerified || parsed.history,
    );
    settings = { ...parsed, verify };
  } catch (error) {
    // Same validation as the action; cliDocument names the flag, not the input.
    return usageError(toFailure(error), flags['base-url']);
  }
  // A server can echo the key back into an error body: nothing printed may carry it.
  if (settings.apiKey) secrets.add(settings.apiKey);
  // Progress lines only with --verbose: by default stderr carries exactly one line, the verdict.
  const progress = values.verbose ? stderr : cliPrinter(() => undefined);
  const contract = await runRouterCheck(settings, {
    http: httpClient,
    log: progress,
    openTarget: async (_s, plan) => urlSession(plan.baseUrl),
  }).finally(() => httpClient.close());
  return report(contract);
}

process.exitCode = await main(process.argv.slice(2));
// Silent: stderr carries exactly one line, the verdict.
exitAfterGrace();
