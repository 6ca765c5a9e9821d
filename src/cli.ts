// dynamo-router-check: the same engine as a command-line smoke check. Prints a JSON document on
// stdout and a readable line on stderr. Exit codes: 0 ok; 1 usage error; 2 /v1/models never
// answered 200; 3 no model discovered; 4 the chat request failed or was invalid.

import { parseArgs } from 'node:util';
import { httpClient } from './check/http.js';
import { cliDocument, exitCodeFor } from './cli-document.js';
import { verdictText } from './report/summary.js';
import { cliPrinter, jsonDocument } from './runner/print.js';
import { secrets } from './runner/redact.js';
import { runCheck, toFailure } from './run.js';
import { DEFAULT_BASE_URL, DEFAULTS, parseSettings } from './settings.js';
// The CLI checks a URL only: importing the target chooser would bundle the Kubernetes chunk.
import { urlSession } from './targets/url.js';

const USAGE = `Usage: dynamo-router-check [options]

Checks a Dynamo frontend: GET /v1/models must list a model, then one chat completion must answer.

  --base-url URL      frontend URL (default ${DEFAULT_BASE_URL})
  --model NAME        model for the chat request (default: the first listed)
  --prompt TEXT       chat prompt (default "${DEFAULTS.prompt}")
  --max-tokens N      max tokens of the reply (default ${DEFAULTS.maxTokens})
  --skip-chat         only check /v1/models
  --retries N         attempts per check (default ${DEFAULTS.retries})
  --retry-sleep S     seconds before the first retry, doubling after (default ${DEFAULTS.retryDelay})
  --timeout S         seconds per request (default ${DEFAULTS.timeout})
  --api-key KEY       bearer token (default: $DYNAMO_API_KEY; prefer the variable, argv is visible)
  -h, --help          this text

Exit codes: 0 ok, 1 usage error, 2 /v1/models never answered 200, 3 no model discovered,
4 the chat request failed or was invalid.`;

// The CLI may run inside a workflow step: its stderr lines are guarded like the action's log.
const stderr = cliPrinter();

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
        'retry-sleep': { type: 'string' },
        timeout: { type: 'string' },
        'api-key': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    stderr.say(`dynamo-router-check: ${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const flags: Record<string, string> = {
    'base-url': (values['base-url'] as string | undefined) ?? DEFAULT_BASE_URL,
    model: (values.model as string | undefined) ?? '',
    prompt: (values.prompt as string | undefined) ?? '',
    'max-tokens': (values['max-tokens'] as string | undefined) ?? '',
    'skip-chat': values['skip-chat'] ? 'true' : 'false',
    retries: (values.retries as string | undefined) ?? '',
    'retry-delay': (values['retry-sleep'] as string | undefined) ?? '',
    timeout: (values.timeout as string | undefined) ?? '',
    'api-key': (values['api-key'] as string | undefined) ?? process.env.DYNAMO_API_KEY ?? '',
  };
  let settings;
  try {
    // The CLI is a drop-in for the two-request smoke script: no extra verification requests.
    settings = { ...parseSettings((name) => (flags[name] ?? '').trim()), verify: false };
  } catch (error) {
    // Same validation as the action; name the flag, not the input.
    const message = toFailure(error)
      .message.replace(/Input `retry-delay`/, 'Flag `--retry-sleep`')
      .replace(/Input `([^`]+)`/, 'Flag `--$1`');
    stderr.say(`dynamo-router-check: ${message}`);
    return 1;
  }
  // A server can echo the key back into an error body: nothing printed may carry it.
  if (settings.apiKey) secrets.add(settings.apiKey);
  const contract = await runCheck(settings, {
    http: httpClient,
    log: stderr,
    openTarget: async (_s, plan) => urlSession(plan.baseUrl),
  }).finally(() => httpClient.close());
  process.stdout.write(`${jsonDocument(cliDocument(contract))}\n`);
  stderr.say(verdictText(contract));
  return exitCodeFor(contract);
}

process.exitCode = await main(process.argv.slice(2));
