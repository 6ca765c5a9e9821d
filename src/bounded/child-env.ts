// The environment every child process gets: the runner's, minus what the runner hands the
// action for itself. A deny list, not an allow list, on purpose: the children are the user's own
// tools (a Python with its PYTHONPATH and venv, the cloud SDK behind a credential plugin with its
// AWS_* / AZURE_* / CLOUDSDK_* settings, proxies, CA bundles), whose needs the action cannot
// enumerate; the version probe must also see exactly what the launched frontend will see. What is
// removed is what no child needs and every child could misuse: the inputs (the API key), the
// post step's state, the runner's tokens, and the files the runner acts on (a write to GITHUB_ENV
// or GITHUB_PATH would change every later step).

const REMOVED_PREFIXES = ['INPUT_', 'STATE_', 'ACTIONS_RUNTIME_', 'ACTIONS_ID_TOKEN_REQUEST_'];
const REMOVED = new Set([
  'ACTIONS_CACHE_URL',
  'ACTIONS_RESULTS_URL',
  'GITHUB_TOKEN',
  // The CLI's key variable.
  'DYNAMO_API_KEY',
  // Runner file commands.
  'GITHUB_ENV',
  'GITHUB_PATH',
  'GITHUB_OUTPUT',
  'GITHUB_STATE',
  'GITHUB_STEP_SUMMARY',
]);

/** Whether a variable stays out of every child's environment. */
export function withheld(name: string): boolean {
  const upper = name.toUpperCase();
  return REMOVED.has(upper) || REMOVED_PREFIXES.some((p) => upper.startsWith(p));
}

/** `env` without the variables no child may see; `extra` is added after (it is ours). */
export function childEnv(env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && !withheld(key)) out[key] = value;
  return { ...out, ...extra };
}
