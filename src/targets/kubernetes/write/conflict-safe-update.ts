// Conflict-safe write: read fresh, compute, merge-patch with metadata.resourceVersion; a 409
// means someone wrote in between, so read again and recompute, a bounded number of times.

import { ApiException } from '../api/client.js';
import { RunFailure } from '../../../model/failure.js';
import type { JsonObject } from '../object/json.js';

export interface Computed<T> {
  /** Undefined when the fresh object is already as wanted: nothing to write. */
  patch?: JsonObject;
  result: T;
}

export interface UpdateOptions {
  attempts?: number;
  /** Delay before retry `n` (1-based); small and jittered so two writers do not collide again. */
  delayMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
  what: string;
}

export interface Updated<T> {
  result: T;
  written: boolean;
  attempts: number;
  object?: JsonObject;
}

export function isConflict(error: unknown): boolean {
  return (
    (error instanceof ApiException && error.code === 409) ||
    (error instanceof RunFailure && error.code === 'conflict')
  );
}

export const DEFAULT_ATTEMPTS = 5;

export async function conflictSafeUpdate<T>(
  read: () => Promise<JsonObject>,
  compute: (fresh: JsonObject) => Computed<T>,
  write: (patch: JsonObject) => Promise<JsonObject>,
  options: UpdateOptions,
): Promise<Updated<T>> {
  const attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  const delay = options.delayMs ?? ((n: number) => 100 * 2 ** (n - 1) + Math.random() * 100);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    const fresh = await read();
    const computed = compute(fresh);
    if (!computed.patch) return { result: computed.result, written: false, attempts: attempt, object: fresh };
    try {
      const object = await write(computed.patch);
      return { result: computed.result, written: true, attempts: attempt, object };
    } catch (error) {
      if (!isConflict(error)) throw error;
      if (attempt >= attempts) {
        throw new RunFailure(
          'conflict',
          `${options.what} kept changing while this run tried to write it: ${attempts} attempts each met a newer version (409 Conflict). Nothing was written.`,
        );
      }
      await sleep(delay(attempt));
    }
  }
}
