// Bounded retries with capped exponential backoff. Each attempt returns an outcome (not an
// exception) saying whether it is final, so the last outcome, not a generic error, decides
// the verdict. Hand-written because the retry libraries model failures as exceptions only.

export const MAX_RETRY_DELAY_MS = 30_000;

/** Delay before attempt n+1 (n from 1): first delay, then doubling, capped. */
export function backoffDelay(attempt: number, firstDelayMs: number, capMs = MAX_RETRY_DELAY_MS): number {
  if (firstDelayMs <= 0) return 0;
  return Math.min(firstDelayMs * 2 ** (attempt - 1), Math.max(capMs, firstDelayMs));
}

/** The longest a retried check can wait in total between its attempts. */
export function totalBackoff(attempts: number, firstDelayMs: number): number {
  let sum = 0;
  for (let n = 1; n < attempts; n++) sum += backoffDelay(n, firstDelayMs);
  return sum;
}

export interface Outcome<T> {
  /** 'done' ends the loop (success or a failure retrying cannot fix); 'retry' tries again. */
  status: 'done' | 'retry';
  value: T;
}

export interface RetryOptions<T> {
  attempts: number;
  firstDelayMs: number;
  onRetry?: (attempt: number, value: T, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function retrying<T>(
  attemptOnce: (attempt: number) => Promise<Outcome<T>>,
  options: RetryOptions<T>,
): Promise<{ value: T; attempts: number }> {
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(attempt);
    if (outcome.status === 'done' || attempt >= options.attempts)
      return { value: outcome.value, attempts: attempt };
    const delay = backoffDelay(attempt, options.firstDelayMs);
    options.onRetry?.(attempt, outcome.value, delay);
    await wait(delay);
  }
}
