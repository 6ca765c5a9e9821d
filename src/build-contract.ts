// The Output Contract, built once, at the end of a run, from what each phase returned
// (run-results.ts): nothing is written into it as the run goes, nothing flipped or deleted
// afterwards. Which failure decides the run, and whether it passes, is one rule over those
// results (decidingFailure), which run.ts also asks to know which phases still run. Limitations
// a later finding settled (KV events seen, the mode proven) are left out by their id. Pure.

import type { SmokeResult } from './check/smoke.js';
import type { Contract, EnvPatch, FrontendCoordinates, ReportDetail } from './model/contract.js';
import { toFailure, type RunFailure } from './model/failure.js';
import { limitation, withNew, type Limitation } from './model/findings.js';
import { displayCommand } from './plan.js';
import { describeRelease } from './releases/capabilities.js';
import { rolloutAdvice } from './report/failure-command.js';
import { failureOf, noModelsNext } from './report/failure-guide.js';
import { nextCommand } from './report/next-command.js';
import { subjectOf } from './report/target-name.js';
import type { RunResults, Thrown } from './run-results.js';
import { TargetFailure } from './targets/target-failure.js';

type Failure = NonNullable<Contract['failure']>;

/** The detail that carries an unexpected error's stack. */
export const STACK = 'Stack trace (unexpected error)';

/** The contract of a run that stopped before planning (bad input): nothing was contacted. */
export function inputFailureContract(failure: RunFailure, baseUrl: string): Contract {
  return {
    result: 'fail',
    failure: failureOf(failure.code, failure.message, failure.hint, failure.cause),
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

function smokeFailure(smoke: SmokeResult, r: RunResults): Failure | undefined {
  const f = smoke.failure;
  if (smoke.ok || !f) return undefined;
  // The generic no-models advice, in the terms of the run's target.
  const next = f.code === 'no-models' && f.hint === undefined ? noModelsNext(r.plan.target) : f.hint;
  return failureOf(f.code, f.message, next, f.cause);
}

/**
 * The failure that decides the run, of the phases up to the history: an error thrown (the last),
 * the comparison's, `require-verified`'s, an asserted mode's drift (it replaces the verification's
 * contradiction of that mode), the verification's, the smoke check's. A phase runs only while the
 * run passes, so at most one of the later ones is there.
 */
function phaseFailure(r: RunResults, thrown: readonly Thrown[]): Failure | undefined {
  const last = thrown.at(-1);
  if (last) {
    const f = toFailure(last.error);
    return failureOf(f.code, f.message, f.hint, f.cause);
  }
  const compared = r.compared?.failure;
  if (compared) return failureOf(compared.code, compared.message);
  const unverified = r.assertions?.unverified;
  if (unverified) return failureOf(unverified.code, unverified.message);
  const drift = r.assertions?.expectation.failure;
  if (drift) return failureOf(drift.code, drift.message);
  const verified = r.verified?.failure;
  if (verified) return failureOf(verified.code, verified.message, verified.next, verified.cause);
  return r.smoke ? smokeFailure(r.smoke, r) : undefined;
}

function passes(r: RunResults, failure: Failure | undefined): boolean {
  return !failure && (r.planOnlyNext !== undefined || r.smoke?.ok === true);
}

/** What decides the run so far: the failure, and whether it passes (run.ts gates phases on it). */
export function decidingFailure(r: RunResults): { failure?: Failure; pass: boolean } {
  const failure = phaseFailure(r, r.thrown);
  return { failure, pass: passes(r, failure) };
}

/** The history's word: its failure when the run passed so far, unless `accept-change` takes it. */
function historyVerdict(r: RunResults, passedBefore: boolean) {
  const judged = r.history?.kind === 'judged' ? r.history : undefined;
  const failure = passedBefore ? judged?.judgement.failure : undefined;
  return {
    judged,
    accepted: failure && judged?.judgement.accepted ? failure : undefined,
    fails: failure && !judged?.judgement.accepted ? failure : undefined,
  };
}

/** A thrown error's own details, and its stack when it was unexpected. */
function thrownDetails(t: Thrown): ReportDetail[] {
  const failure = toFailure(t.error);
  const original = t.error instanceof TargetFailure ? t.error.original : t.error;
  const stack = t.stack ?? (original instanceof Error ? original.stack : undefined);
  return [
    ...failure.details,
    ...(failure.code === 'internal' && stack ? [{ title: STACK, text: stack }] : []),
  ];
}

/** What the targets that failed said about themselves: their change, release, where they got to. */
function targetState(thrown: readonly Thrown[]) {
  const failures = thrown.map((t) => t.error).filter((e): e is TargetFailure => e instanceof TargetFailure);
  return {
    envPatch: failures.findLast((f) => f.envPatch)?.envPatch,
    release: failures.findLast((f) => f.release)?.release,
    service: failures.find((f) => f.where?.service)?.where?.service,
  };
}

/** Whether a limitation still holds against the Contract's outputs (a later finding may settle it). */
export function stillHolds(l: Limitation, c: Contract): boolean {
  switch (l.id) {
    case 'kv-events-unconfirmed':
      return c.kvEvents === 'unknown';
    case 'kv-events-missing':
      return c.kvEvents !== 'true';
    case 'approximate-kv':
      return !(c.kvEvents === 'true' || (c.mode !== '' && c.mode !== 'kv'));
    case 'mode-unproven':
      return c.modeVerified !== 'verified';
    default:
      return true;
  }
}

function limitationsOf(r: RunResults, accepted: { message: string } | undefined): Limitation[] {
  const { plan, session, smoke, verified, compared, history } = r;
  let found: Limitation[] = [...plan.limitations, ...(r.preflight?.limitations ?? [])];
  found = withNew(found, session?.limitations ?? []);
  if (smoke?.textless)
    found.push(
      limitation(
        'textless-reply',
        `The chat reply carried ${smoke.textless.completionTokens} generated tokens but no text (Dynamo's mocker engine returns none): the check proves the request was routed and served, not what a model would say.`,
      ),
    );
  found.push(...(verified?.limitations ?? []));
  found = withNew(found, r.assertions?.expectation.limitations ?? []);
  if (history?.kind === 'read-only')
    found.push(
      limitation(
        'history-not-written',
        `The history (${history.file}) was read but not written: a plan from the file alone checks nothing live.`,
      ),
    );
  if (compared) found.push(compared.scope, ...compared.balance);
  found = withNew(found, r.afterCheck ?? []);
  found = withNew(found, r.afterFailure?.limitations ?? []);
  if (accepted)
    found.push(
      limitation(
        'change-accepted',
        `Accepted (\`accept-change: true\`), not failed: ${accepted.message} Later runs are judged against this one.`,
      ),
    );
  if (history?.kind === 'judged' && history.notWritten)
    found.push(
      limitation(
        'history-not-written',
        `This run's record was not added to the history: ${history.notWritten} The next run judges against the earlier records only.`,
      ),
    );
  return found;
}

/** The Contract of a run, from what its phases returned. */
export function buildContract(r: RunResults): Contract {
  const { settings, plan, session, smoke, verified } = r;
  const planOnly = r.planOnlyNext !== undefined;
  const early = r.thrown.filter((t) => !t.late);
  const late = r.thrown.filter((t) => t.late);

  const beforeHistory = phaseFailure(r, early);
  const history = historyVerdict(r, passes(r, beforeHistory));
  const failure =
    phaseFailure(r, r.thrown) ??
    (history.fails ? failureOf(history.fails.code, history.fails.message) : undefined);
  const pass = passes(r, failure);

  const failed = targetState(r.thrown);
  const envPatch: EnvPatch | undefined = failed.envPatch ?? r.afterFailure?.envPatch ?? session?.envPatch;
  const release = failed.release ?? session?.release ?? r.preflight?.release;

  let modeReason = session?.modeReason || plan.modeReason;
  if (verified?.observed)
    modeReason = `${modeReason}; observed ${verified.observed} from ${verified.provenBy.includes('behaviour') ? 'what the router did to requests' : "the frontend's own evidence"}`;

  let details: ReportDetail[] = [
    ...early.flatMap(thrownDetails),
    ...(session?.details ?? []),
    ...(r.afterFailure?.details ?? []),
    ...late.flatMap(thrownDetails),
  ];
  // The last resort reports the stack of the error itself, once.
  const rescued = r.thrown.findLast((t) => t.stack !== undefined);
  if (rescued?.stack)
    details = [...details.filter((d) => d.title !== STACK), { title: STACK, text: rescued.stack }];

  const judged = history.judged;
  const contract: Contract = {
    result: pass ? 'pass' : 'fail',
    ...(failure ? { failure } : {}),
    target: plan.target,
    // A URL run reports the mode it checks (verified or not), as the `mode` output promises.
    mode: verified?.observed || (session?.mode ?? plan.expectedMode ?? plan.requestedMode ?? ''),
    modeReason,
    modeVerified: verified?.verdict ?? (planOnly ? 'unverifiable' : ''),
    modeEvidence:
      verified?.evidence ?? (planOnly ? 'planned from the file alone: nothing was checked live' : ''),
    modeProvenBy: verified?.provenBy.join(',') ?? '',
    kvEvents: verified?.kvEvents?.value ?? (session?.kvEvents || plan.kvEvents),
    kvEventsReason: verified?.kvEvents
      ? `runtime evidence: ${verified.kvEvents.reason}`
      : session?.kvEventsReason || plan.kvEventsReason,
    command: displayCommand(plan.command),
    ...(envPatch ? { envPatch: { ...envPatch } } : {}),
    url: planOnly ? '' : (session?.baseUrl ?? plan.baseUrl),
    subject: subjectOf(settings),
    service: session?.service || failed.service || '',
    model: smoke?.model ?? settings.model ?? '',
    models: smoke?.models ?? [],
    latencyMs: smoke?.latencyMs,
    checks: smoke?.checks ?? [],
    limitations: limitationsOf(r, history.accepted),
    nextCommand: r.planOnlyNext ?? '',
    details,
    ...(r.compared ? { comparison: r.compared.comparison } : {}),
    ...(verified?.routing ? { routing: verified.routing } : {}),
    dynamoVersion: release ? describeRelease(release) : 'unknown',
    expectMode: settings.expectMode,
    ...(judged
      ? {
          history: {
            ...judged.report,
            baseline: judged.judgement.baseline && !history.fails && passes(r, beforeHistory),
            written: judged.written,
            ...(judged.notWritten ? { notWritten: judged.notWritten } : {}),
          },
        }
      : {}),
  };
  // A plan from the file alone is the result as it stands: its next command is the diff to run.
  return planOnly ? contract : concluded(contract, r, early);
}

/**
 * The last word: leave out the limitations the outputs settled, name the next command, and make
 * the failure rows agree with each other (no "applied" for a change never written).
 */
function concluded(contract: Contract, r: RunResults, early: readonly Thrown[]): Contract {
  const { settings, plan, session } = r;
  const reached: FrontendCoordinates | undefined = early
    .map((t) => t.error)
    .filter((e): e is TargetFailure => e instanceof TargetFailure)
    .findLast((e) => e.where)?.where;
  const command = nextCommand({
    contract,
    at: {
      namespace: session?.namespace ?? reached?.namespace ?? settings.kubernetes?.namespace,
      frontendSelector: session?.frontendSelector ?? reached?.frontendSelector,
      workerSelector: session?.workerSelector,
      logPath: session?.logPath,
    },
    tokenizer: r.tokenizer,
    compare: settings.compare,
    apiKeySet: Boolean(settings.apiKey),
  });
  const out: Contract = {
    ...contract,
    limitations: contract.limitations.filter((l) => stillHolds(l, contract)),
    nextCommand: command,
  };
  const failure = contract.failure;
  if (!failure) return out;
  if (plan.target === 'kubernetes' && plan.requestedMode && !contract.envPatch)
    out.modeReason = `requested by the \`mode\` input; not applied: the run stopped before writing DYN_ROUTER_MODE (${failure.code})`;
  const advice = failure.code === 'rollout-timeout' ? rolloutAdvice(failure.cause) : undefined;
  const next = advice ?? failure.next;
  // The annotation and the summary name the exact command for this deployment, not only advice.
  out.failure = { ...failure, next: command ? `${next}; run: ${command}` : next };
  return out;
}
