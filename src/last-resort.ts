// The last resort: an exception or rejection nothing caught (a library's event handler, a promise
// nobody awaited) would end the process with a stack trace and no Contract, or leave it running
// after a write. Instead the run fails `internal` and still publishes its Contract, built from the
// results the run registers here as its phases return them; a target that has written registers
// how to undo it (rollback-on-failure) or to say what stands.

import { buildContract, STACK } from './build-contract.js';
import { RunFailure, toFailure } from './model/failure.js';
import { failureOf } from './report/failure-guide.js';
import type { Contract } from './model/contract.js';
import type { RunResults } from './run-results.js';

export interface Rescue {
  /** What the run's phases returned so far. */
  results?: RunResults;
  /**
   * Set by a target once it has written, cleared once the run handles the aftermath itself:
   * rolls back (rollback-on-failure) or leaves the change, and returns the failure to report,
   * saying which.
   */
  afterWrite?: (failure: RunFailure) => Promise<unknown>;
}

/** One per process, like the process's uncaught-error handlers. */
export const rescue: Rescue = {};

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/** The Contract to publish after `error`: the run's own, failed `internal`, with the target's state. */
export async function rescueContract(error: unknown, fallback: () => Contract): Promise<Contract> {
  const results = rescue.results;
  const undo = rescue.afterWrite;
  rescue.afterWrite = undefined;
  const failure = new RunFailure(
    'internal',
    `Unexpected error: ${firstLine(error)}.`,
    'open an issue with the log (secrets are masked)',
  );
  let reported: unknown = failure;
  if (undo) {
    reported = await undo(failure).catch(
      (again: unknown) =>
        new RunFailure(
          'internal',
          `${failure.message} Undoing the change failed too (${firstLine(again)}): the object may still carry it (see env-patch).`,
          failure.hint,
        ),
    );
  } else if (results?.plan.target === 'kubernetes') {
    const patch = buildContract(results).envPatch;
    const state = !patch
      ? ' No change was written to the cluster.'
      : patch.rolledBack
        ? ' The env change had been rolled back.'
        : ' The env change stays applied (see env-patch).';
    reported = new RunFailure('internal', `${failure.message}${state}`, failure.hint);
  }
  // The stack of the error itself, not of the failure made from it.
  const stack = error instanceof Error ? error.stack : undefined;
  if (results)
    return buildContract({
      ...results,
      thrown: [...results.thrown, { error: reported, late: true, ...(stack ? { stack } : {}) }],
    });
  // Before a run began: the input failure's Contract, failed the same way.
  const before = fallback();
  const f = toFailure(reported);
  return {
    ...before,
    result: 'fail',
    failure: failureOf(f.code, f.message, f.hint, f.cause),
    details: [
      ...before.details.filter((d) => d.title !== STACK),
      ...f.details,
      ...(stack ? [{ title: STACK, text: stack }] : []),
    ],
  };
}

/**
 * Routes the first uncaught exception or unhandled rejection to `handle`, which publishes the
 * failed Contract (and sets the exit code with it), then exits. Later ones, while it works, are
 * left to it. After the Contract is out, `handle` only logs: the verdict stands.
 */
export function installLastResort(handle: (error: unknown) => Promise<void>): void {
  let handling = false;
  const onError = (error: unknown): void => {
    if (handling) return;
    handling = true;
    void handle(error)
      .catch(() => void (process.exitCode = 1))
      .finally(() => process.exit());
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
}
