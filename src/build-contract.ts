// The one place the Contract is written; the action and the CLI only redact and render it. Each
// phase of a run returns what it found (the launch preflight, the target's session, the smoke
// check, verification, the comparison, what the target did after the check); these functions
// fold it in, in the order run.ts calls them.

import type { SmokeResult } from './check/smoke.js';
import type { CompareOutcome } from './compare/compare-step.js';
import { toFailure, type RunFailure } from './model/failure.js';
import { displayCommand, type Plan } from './plan.js';
import { describeRelease } from './releases/capabilities.js';
import { failureOf } from './report/failure-guide.js';
import { type Contract } from './model/contract.js';
import { rolloutAdvice } from './report/failure-command.js';
import { contradictedLimitations } from './report/truths.js';
import { subjectOf } from './report/target-name.js';
import type { AfterFailure, Reached, TargetSession } from './session.js';
import type { Settings } from './settings/settings.js';
import type { LaunchPreflight } from './targets/launch/preflight.js';
import { TargetFailure } from './targets/target-failure.js';
import type { VerifyOutcome } from './verify/verify-step.js';
import type { ExpectationResult } from './canary/expectation.js';
import type { HistoryJudgement } from './history/judge.js';
import type { HistoryReport } from './model/history.js';

/** The contract of a run that stopped before planning (bad input): nothing was contacted. */
export function inputFailureContract(failure: RunFailure, baseUrl: string): Contract {
  return {
    result: 'fail',
    failure: failureOf(failure.code, failure.message, failure.hint),
    target: 'url',
    mode: '',
    modeReason: 'not decided: the inputs were rejected before anything ran',
    modeVerified: '',
    modeEvidence: '',
    modeProvenBy: '',
    kvEvents: 'unknown',
    kvEventsReason: 'not decided',
    command: '',
    url: baseUrl,
    service: '',
    model: '',
    models: [],
    checks: [],
    limitations: [],
    nextCommand: '',
    details: [],
    dynamoVersion: 'unknown',
  };
}

/** The Contract before anything ran: what the plan knows, and `fail` until a check passes. */
export function baseContract(settings: Settings, plan: Plan): Contract {
  return {
    result: 'fail',
    target: plan.target,
    // A URL run reports the mode it checks (verified or not), as the `mode` output promises.
    mode: plan.expectedMode ?? plan.requestedMode ?? '',
    modeReason: plan.modeReason,
    modeVerified: '',
    modeEvidence: '',
    modeProvenBy: '',
    kvEvents: plan.kvEvents,
    kvEventsReason: plan.kvEventsReason,
    command: displayCommand(plan.command),
    url: plan.baseUrl,
    subject: subjectOf(settings),
    service: '',
    model: settings.model ?? '',
    models: [],
    checks: [],
    limitations: [...plan.limitations],
    nextCommand: '',
    details: [],
    dynamoVersion: 'unknown',
  };
}

function addLimitations(contract: Contract, notes: readonly string[]): void {
  contract.limitations.push(...notes.filter((l) => !contract.limitations.includes(l)));
}

export function foldPreflight(contract: Contract, preflight: LaunchPreflight): void {
  contract.dynamoVersion = describeRelease(preflight.release);
  contract.limitations.push(...preflight.limitations);
}

export function foldSession(contract: Contract, session: TargetSession): void {
  contract.url = session.baseUrl;
  contract.service = session.service;
  if (session.mode !== undefined) contract.mode = session.mode;
  if (session.modeReason) contract.modeReason = session.modeReason;
  if (session.kvEvents) contract.kvEvents = session.kvEvents;
  if (session.kvEventsReason) contract.kvEventsReason = session.kvEventsReason;
  if (session.envPatch) contract.envPatch = { ...session.envPatch };
  if (session.release) contract.dynamoVersion = describeRelease(session.release);
  addLimitations(contract, session.limitations);
}

/** A plan from a file alone is the result: the file decided the mode and the patch. */
export function foldPlanOnly(contract: Contract, nextCommand: string): void {
  contract.result = 'pass';
  contract.modeVerified = 'unverifiable';
  contract.modeEvidence = 'planned from the file alone: nothing was checked live';
  contract.url = '';
  contract.nextCommand = nextCommand;
}

export function foldSmoke(contract: Contract, smoke: SmokeResult): void {
  contract.models = smoke.models;
  contract.model = smoke.model ?? contract.model;
  contract.latencyMs = smoke.latencyMs;
  contract.checks = smoke.checks;
  if (smoke.textless) {
    contract.limitations.push(
      `The chat reply carried ${smoke.textless.completionTokens} generated tokens but no text (Dynamo's mocker engine returns none): the check proves the request was routed and served, not what a model would say.`,
    );
  }
  if (smoke.ok) {
    contract.result = 'pass';
    contract.failure = undefined;
  } else if (smoke.failure) {
    const generic = smoke.failure.hint === undefined;
    const hint =
      smoke.failure.code === 'no-models' && generic ? noModelsNext(contract.target) : smoke.failure.hint;
    contract.failure = failureOf(smoke.failure.code, smoke.failure.message, hint);
  }
}

/** Where the workers a frontend lists nothing from are, in the terms of the run's target. */
function noModelsNext(target: Contract['target']): string {
  if (target === 'kubernetes')
    return 'check the worker pods are Ready and use the same discovery backend as the frontend; raise `retries` if workers register slowly';
  if (target === 'launch')
    return "check the workers on this runner are running and registered with the launched frontend's discovery backend (e.g. `--discovery-backend file` in `frontend-args`, with the workers' DYN_FILE_KV); raise `retries` if they register slowly";
  return 'check the workers behind that frontend are running and registered with its discovery backend; raise `retries` if they register slowly';
}

export function foldVerification(contract: Contract, outcome: VerifyOutcome): void {
  contract.modeVerified = outcome.verdict;
  contract.modeEvidence = outcome.evidence;
  contract.modeProvenBy = outcome.provenBy.join(',');
  if (outcome.routing) contract.routing = outcome.routing;
  if (outcome.observed) {
    contract.mode = outcome.observed;
    contract.modeReason = `${contract.modeReason}; observed ${outcome.observed} from ${outcome.provenBy.includes('behaviour') ? 'what the router did to requests' : "the frontend's own evidence"}`;
  }
  if (outcome.failure) {
    contract.result = 'fail';
    contract.failure = failureOf(outcome.failure.code, outcome.failure.message, outcome.failure.next);
  }
  if (outcome.kvEvents) {
    contract.kvEvents = outcome.kvEvents.value;
    contract.kvEventsReason = `runtime evidence: ${outcome.kvEvents.reason}`;
  }
  contract.limitations.push(...outcome.limitations);
}

/** `expect-mode`, or the history's mode, against the evidence: a contradiction is `mode-drift`. */
export function foldExpectation(contract: Contract, result: ExpectationResult): void {
  addLimitations(contract, result.limitations);
  if (!result.failure) return;
  contract.result = 'fail';
  contract.failure = failureOf(result.failure.code, result.failure.message);
}

/** `require-verified: true` and a mode that was not proven. */
export function foldUnverified(
  contract: Contract,
  failure: { code: 'mode-unverified'; message: string } | undefined,
): void {
  if (!failure) return;
  contract.result = 'fail';
  contract.failure = failureOf(failure.code, failure.message);
}

/**
 * This run against the history: the report for the summary and the `trend` output, and the
 * failure it gives, unless `accept-change` turns it into a limitation.
 */
export function foldHistory(contract: Contract, judgement: HistoryJudgement, report: HistoryReport): void {
  contract.history = report;
  const failure = judgement.failure;
  if (failure && contract.result === 'pass') {
    if (judgement.accepted)
      contract.limitations.push(
        `Accepted (\`accept-change: true\`), not failed: ${failure.message} Later runs are judged against this one.`,
      );
    else {
      contract.result = 'fail';
      contract.failure = failureOf(failure.code, failure.message);
    }
  }
  // Only a passing run starts a baseline: a failed one is in no baseline at all.
  report.baseline = judgement.baseline && contract.result === 'pass';
}

/** Whether this run's record reached the file; a record that did not is a limitation, not a failure. */
export function foldHistoryWrite(
  contract: Contract,
  outcome: { written?: { lines: number; dropped: number }; notWritten?: string },
): void {
  if (!contract.history) return;
  contract.history.written = outcome.written;
  if (outcome.notWritten) {
    contract.history.notWritten = outcome.notWritten;
    contract.limitations.push(
      `This run's record was not added to the history: ${outcome.notWritten} The next run judges against the earlier records only.`,
    );
  }
}

export function foldComparison(contract: Contract, outcome: CompareOutcome): void {
  contract.comparison = outcome.comparison;
  contract.limitations.push(outcome.limitation, ...outcome.balance);
  if (outcome.failure) {
    contract.result = 'fail';
    contract.failure = failureOf(outcome.failure.code, outcome.failure.message);
  }
}

/** What a passing run found when it re-read its change (a GitOps controller put Git's back). */
export function foldAfterCheck(contract: Contract, notes: readonly string[]): void {
  addLimitations(contract, notes);
}

/** What the target did after a failed check: the rollback, recorded on the env patch. */
export function foldAfterFailure(contract: Contract, after: AfterFailure): void {
  if (after.envPatch) contract.envPatch = { ...after.envPatch };
  addLimitations(contract, after.limitations);
}

/**
 * A phase threw: the run fails with its code. A target that failed after changing something
 * reports the change; one that refused on the release's account still names the release. Returns
 * where the target had got to, for the next command.
 */
export function foldThrown(contract: Contract, error: unknown): Reached | undefined {
  const failure = toFailure(error);
  contract.result = 'fail';
  contract.failure = failureOf(failure.code, failure.message, failure.hint);
  contract.details.push(...failure.details);
  const target = error instanceof TargetFailure ? error : undefined;
  if (target?.envPatch) contract.envPatch = { ...target.envPatch };
  if (target?.release) contract.dynamoVersion = describeRelease(target.release);
  if (target?.where?.service && !contract.service) contract.service = target.where.service;
  const thrown = target ? target.original : error;
  if (failure.code === 'internal' && thrown instanceof Error && thrown.stack) {
    contract.details.push({ title: 'Stack trace (unexpected error)', text: thrown.stack });
  }
  return target?.where;
}

/** The session's own details (kubectl steps, log tails), then what came after a failed check. */
export function foldDetails(contract: Contract, session: TargetSession, after?: AfterFailure): void {
  contract.details.push(...session.details, ...(after?.details ?? []));
}

/**
 * The last word: drop limitations the outputs contradict, name the next command, and make the
 * failure rows agree with each other (no "applied" for a change never written).
 */
export function foldConclusion(contract: Contract, plan: Plan, nextCommand: string): void {
  const contradicted = contradictedLimitations(contract);
  contract.limitations = contract.limitations.filter((l) => !contradicted.includes(l));
  contract.nextCommand = nextCommand;
  const failure = contract.failure;
  if (!failure) return;
  if (plan.target === 'kubernetes' && plan.requestedMode && !contract.envPatch) {
    contract.modeReason = `requested by the \`mode\` input; not applied: the run stopped before writing DYN_ROUTER_MODE (${failure.code})`;
  }
  if (failure.code === 'rollout-timeout') {
    const advice = rolloutAdvice(failure.message);
    if (advice) failure.next = advice;
  }
  // The annotation and the summary name the exact command for this deployment, not only advice.
  if (nextCommand && !failure.next.includes(nextCommand))
    failure.next = `${failure.next}; run: ${nextCommand}`;
}
