// What each phase of a run returned, kept as it returned it: run.ts sets each field once, when
// its phase ends, and build-contract.ts turns the whole into the Contract once, at the end. Types
// only, so every phase can name its own result without importing another phase's code.

import type { SmokeResult } from './check/smoke.js';
import type { ExpectationResult } from './canary/expectation.js';
import type { CompareOutcome } from './compare/compare-step.js';
import type { HistoryJudgement } from './history/judge.js';
import type { Limitation } from './model/findings.js';
import type { HistoryReport } from './model/history.js';
import type { Plan } from './plan.js';
import type { AfterFailure, TargetSession } from './session.js';
import type { Settings } from './settings/settings.js';
import type { LaunchPreflight } from './targets/launch/preflight.js';
import type { VerifyOutcome } from './verify/verify-step.js';

/** An error a phase threw (a TargetFailure carries what the target had done). */
export interface Thrown {
  error: unknown;
  /** The stack to report for an `internal` failure, when not the error's own (the last resort's). */
  stack?: string;
  /** Thrown after the main phases (the history step, the last resort): reported after their details. */
  late?: boolean;
}

/** What `expect-mode`, `require-verified` and the history's mode made of the evidence. */
export interface Assertions {
  expectation: ExpectationResult;
  /** `require-verified: true` and a mode that was not proven. */
  unverified?: { code: 'mode-unverified'; message: string };
}

/** The history phase: this run judged against the earlier ones, and its record written or not. */
export type HistoryOutcome =
  /** A plan from the file alone: the file was read, nothing was judged or written. */
  | { kind: 'read-only'; file: string }
  | {
      kind: 'judged';
      judgement: HistoryJudgement;
      report: HistoryReport;
      written?: { lines: number; dropped: number };
      notWritten?: string;
    };

export interface RunResults {
  settings: Settings;
  plan: Plan;
  /** A launch: the interpreter's release and what the launch may not promise. */
  preflight?: LaunchPreflight;
  /** The target, opened (built once by the target). */
  session?: TargetSession;
  /** The command that shows what a plan from the file alone would change on a live cluster. */
  planOnlyNext?: string;
  smoke?: SmokeResult;
  verified?: VerifyOutcome;
  assertions?: Assertions;
  compared?: CompareOutcome;
  /** A passing run's re-read of its change. */
  afterCheck?: Limitation[];
  /** What the target did after a failed check (a rollback). */
  afterFailure?: AfterFailure;
  /** Errors the phases threw, in order; the last decides the failure. */
  thrown: Thrown[];
  history?: HistoryOutcome;
  /** The workers' model path or hub id, for aiperf's tokenizer in the next command. */
  tokenizer?: string;
}
