// A failure while opening a target, with what the report still needs from the target: the env
// change it had written (and whether it was rolled back), the Dynamo release it found, and how
// far it got. A typed error, so the run reads these fields instead of guessing at extras.

import { RunFailure, toFailure } from '../model/failure.js';
import type { DynamoRelease } from '../releases/capabilities.js';
import type { EnvPatch, FrontendCoordinates } from '../model/contract.js';

export interface TargetState {
  /** The env change this run wrote before it failed (rollback recorded in `rolledBack`). */
  envPatch?: EnvPatch;
  /** The frontend's release, when the target refused on the release's account. */
  release?: DynamoRelease;
  /** Where on the cluster the target had got to: the report points its next command there. */
  where?: FrontendCoordinates;
}

export class TargetFailure extends RunFailure {
  readonly envPatch?: EnvPatch;
  readonly release?: DynamoRelease;
  readonly where?: FrontendCoordinates;
  /** The error as first thrown (an `internal` failure puts its stack in the details). */
  readonly original?: unknown;

  constructor(failure: RunFailure, state: TargetState, original?: unknown) {
    super(failure.code, failure.message, failure.hint, failure.details, failure.cause);
    this.name = 'TargetFailure';
    this.envPatch = state.envPatch;
    this.release = state.release;
    this.where = state.where;
    this.original = original;
  }

  /** `error` as a TargetFailure carrying `state` (added to what it already carries). */
  static of(error: unknown, state: TargetState): TargetFailure {
    if (error instanceof TargetFailure) {
      return new TargetFailure(
        error,
        {
          envPatch: state.envPatch ?? error.envPatch,
          release: state.release ?? error.release,
          where: state.where ?? error.where,
        },
        error.original,
      );
    }
    return new TargetFailure(toFailure(error), state, error);
  }
}
