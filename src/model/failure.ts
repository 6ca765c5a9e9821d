// Failure codes: short, machine-readable, stable (workflows branch on them), each with the
// likely cause and the next step a person should take.

export const FAILURE_CODES = [
  'bad-input',
  'launch-failed',
  'frontend-unreachable',
  'unauthorized',
  'models-error',
  'no-models',
  'chat-error',
  'chat-invalid',
  'chat-timeout',
  'direct-needs-worker-id',
  'cluster-unreachable',
  'cluster-unauthorized',
  'cluster-forbidden',
  'cluster-response-too-large',
  'rejected-by-cluster',
  'not-found',
  'args-pin-mode',
  'workers-pin-mode',
  'unsupported-mode',
  'conflict',
  'rollout-timeout',
  'will-not-roll',
  'port-forward-failed',
  'mode-not-applied',
  'replica-mismatch',
  'compare-failed',
  'mode-drift',
  'mode-unverified',
  'regression',
  'deployment-changed',
  'internal',
] as const;

export type FailureCode = (typeof FAILURE_CODES)[number];

/** An expected failure: carries its code and a one-line human message, never a stack trace. */
export class RunFailure extends Error {
  readonly code: FailureCode;
  /** The next step for this failure; undefined: the code's generic one (report/failure-guide.ts). */
  readonly hint?: string;
  /** Folded extras for the summary, e.g. the tail of a log. */
  readonly details: { title: string; text: string }[];
  constructor(
    code: FailureCode,
    message: string,
    hint?: string,
    details: { title: string; text: string }[] = [],
  ) {
    super(message);
    this.name = 'RunFailure';
    this.code = code;
    this.hint = hint;
    this.details = details;
  }
}

/** Any thrown value as a RunFailure: an unexpected one becomes `internal`. */
export function toFailure(error: unknown): RunFailure {
  if (error instanceof RunFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RunFailure('internal', `Unexpected error: ${message}`);
}

export function badInput(input: string, value: string, allowed: string): RunFailure {
  const shown = value === '' ? 'an empty value' : `"${value}"`;
  return new RunFailure(
    'bad-input',
    `Input \`${input}\` has ${shown}; allowed: ${allowed}.`,
    `fix \`${input}\``,
  );
}
