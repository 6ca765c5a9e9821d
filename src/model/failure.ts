// Failures as data: a short, machine-readable, stable code (workflows branch on them), a one-line
// message, and where the detector knows it, a structured cause (the pod in a crash loop, the verb
// the cluster denied) that report/ reads to pick the next command; never the message's words.
// Each code's likely cause and generic next step, in words: report/failure-guide.ts.

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

/** Why a pod is not serving, as the rollout found it. */
export type PodProblem =
  | { kind: 'crash-loop'; pod: string; container: string }
  | { kind: 'image-pull'; pod: string; reason: string }
  | { kind: 'unschedulable'; pod: string }
  | { kind: 'not-ready'; pod: string };

/** What a failure's detector knows about its cause, beyond the code. */
export type FailureCause =
  | PodProblem
  /** The cluster denied a request (its Status names the verb, resource, API group, namespace). */
  | { kind: 'forbidden'; verb: string; resource: string; group: string; namespace?: string }
  /** No kubeconfig was found (or KUBECONFIG names files that do not exist). */
  | { kind: 'no-kubeconfig' }
  /** Something does not exist; `list` lists what does. */
  | { kind: 'missing'; list: string }
  /** Workers advertise their own mode; `show` prints every place a worker gets one. */
  | { kind: 'workers-advertise'; show?: string }
  /** The launch interpreter has no ai-dynamo; `check` asks it. */
  | { kind: 'no-ai-dynamo'; check: string }
  /** Frontend replicas that do not run the mode (the others do, or none does). */
  | { kind: 'replicas-differ'; pods: string[] };

/** Folded extras for the summary, e.g. the tail of a log. */
export interface FailureDetail {
  title: string;
  text: string;
}

/** An expected failure: carries its code and a one-line human message, never a stack trace. */
export class RunFailure extends Error {
  readonly code: FailureCode;
  /** The next step for this failure; undefined: the code's generic one (report/failure-guide.ts). */
  readonly hint?: string;
  readonly details: FailureDetail[];
  /** What the detector knows about the cause; report/ picks the next command from it. */
  override readonly cause?: FailureCause;
  constructor(
    code: FailureCode,
    message: string,
    hint?: string,
    details: FailureDetail[] = [],
    cause?: FailureCause,
  ) {
    super(message);
    this.name = 'RunFailure';
    this.code = code;
    this.hint = hint;
    this.details = details;
    this.cause = cause;
  }

  /** The same failure (code, hint, cause) with more said: a longer message, more details. */
  amended(more: { message?: string; details?: FailureDetail[] }): RunFailure {
    return new RunFailure(
      this.code,
      more.message ?? this.message,
      this.hint,
      more.details ?? this.details,
      this.cause,
    );
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
