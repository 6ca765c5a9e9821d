// The defaults of the inputs left empty (action.yml shows the same values), shared by the action,
// the CLI's usage text and the parsers.

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
