// One run, in the order a person would do it: plan → target → check → report data.
// Effects come in through `RunEffects`, so tests swap them and the CLI shares the engine.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shellJoin } from './args.js';
import { smokeCheck, type SmokeResult } from './check/smoke.js';
import { RunFailure } from './failures.js';
import { displayCommand, makePlan, type Plan } from './plan.js';
import { failureOf, type Contract, type EnvPatch } from './report/contract.js';
import { nextCommand } from './report/next-command.js';
import { dropContradicted } from './report/truths.js';
import { rolloutAdvice } from './report/failure-command.js';
import { subjectOf } from './report/where.js';
import type { Settings } from './settings.js';
import type { EvidenceWindow } from './verify/gather.js';
import type { Logger, RunEffects, TargetSession } from './session.js';
import { compareModes } from './compare/compare-step.js';
import { verifyInEffect } from './verify/verify-step.js';
import {
  checkRelease,
  describeRelease,
  launchEnvLimitations,
  releaseLimitation,
  type DynamoRelease,
} from './releases/capabilities.js';
import { launchPins } from './releases/launch-pins.js';
import { modelPathIn } from './releases/model-path.js';

function baseContract(settings: Settings, plan: Plan): Contract {
  return {
    result: 'fail',
    target: plan.target,
    // A URL run reports the mode it checks (verified or not), as the `mode` output promises.
    mode: plan.expectedMode ?? plan.requestedMode ?? '',
    modeReason: plan.modeReason,
    modeVerified: '',
    modeEvidence: '',
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

function applySession(contract: Contract, session: TargetSession): void {
  contract.url = session.baseUrl;
  contract.service = session.service;
  if (session.mode !== undefined) contract.mode = session.mode;
  if (session.modeReason) contract.modeReason = session.modeReason;
  if (session.kvEvents) contract.kvEvents = session.kvEvents;
  if (session.kvEventsReason) contract.kvEventsReason = session.kvEventsReason;
  if (session.envPatch) contract.envPatch = session.envPatch;
  if (session.release) contract.dynamoVersion = describeRelease(session.release);
  contract.limitations.push(...session.limitations.filter((l) => !contract.limitations.includes(l)));
}

function applySmoke(contract: Contract, smoke: SmokeResult): void {
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
    contract.failure = failureOf(smoke.failure.code, smoke.failure.message, smoke.failure.hint);
  }
}

/** `step`, run inside a log group when called. */
function grouped<A extends unknown[], R>(log: Logger, title: string, step: (...args: A) => Promise<R>) {
  return (...args: A): Promise<R> => log.group(title, () => step(...args));
}

function targetTitle(plan: Plan): string {
  return plan.target === 'kubernetes' ? 'Target: Kubernetes' : 'Target: launch a frontend';
}

/** A model id that is a local directory holding a tokenizer (a launch over local workers). */
function localTokenizer(model: string): string | undefined {
  if (!model || model.includes('\n')) return undefined;
  try {
    return existsSync(join(model, 'tokenizer.json')) ? resolve(model) : undefined;
  } catch {
    return undefined;
  }
}

/** The frontend's own mean prompt length over the comparison's successful requests. */
function measuredPrompts(contract: Contract): { promptTokensMean: number } | undefined {
  const modes = contract.comparison?.modes ?? [];
  const samples = modes.reduce((n, m) => n + m.samples, 0);
  const tokens = modes.reduce((n, m) => n + m.promptTokens, 0);
  return samples > 0 && tokens > 0 ? { promptTokensMean: tokens / samples } : undefined;
}

export function toFailure(error: unknown): RunFailure {
  if (error instanceof RunFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RunFailure('internal', `Unexpected error: ${message}`);
}

/**
 * Before a launch: the interpreter's ai-dynamo release, the pins in frontend-args and the
 * runner's env, and whether the release has every mode the run will start (compare-modes
 * included). Throws RunFailure before anything starts; an unknown release goes ahead with a
 * limitation.
 */
async function checkLaunch(
  settings: Settings,
  plan: Plan,
  contract: Contract,
  effects: RunEffects,
): Promise<void> {
  const ask =
    effects.askRelease ??
    (async (python: string) => (await import('./releases/ask-interpreter.js')).askInterpreter(python));
  const release = await ask(settings.python);
  contract.dynamoVersion = describeRelease(release);
  if (release.version) effects.log.info(`Dynamo release: ${contract.dynamoVersion}.`);
  const pins = launchPins(settings.frontendArgs, process.env, plan.expectedMode, plan.approximateKv);
  if (pins.failure) throw pins.failure;
  contract.limitations.push(...pins.limitations);
  const modes = [plan.expectedMode, ...(settings.compare?.modes ?? [])].filter(
    (m, i, all): m is NonNullable<typeof m> => m !== undefined && all.indexOf(m) === i,
  );
  for (const mode of modes.length ? modes : [undefined]) {
    const refused = checkRelease(release, {
      mode,
      flags: pins.flags,
      env: pins.env,
      nothingDone: 'launched',
    });
    if (refused) throw refused;
  }
  const limitation = releaseLimitation(release);
  if (limitation) contract.limitations.push(limitation);
  for (const note of launchEnvLimitations(release, process.env)) {
    effects.log.warning(note);
    contract.limitations.push(note);
  }
}

/** Rows that agree with each other after a failure: no "applied" for a change never written. */
function reconcileFailure(contract: Contract, plan: Plan): void {
  const failure = contract.failure;
  if (!failure) return;
  if (plan.target === 'kubernetes' && plan.requestedMode && !contract.envPatch) {
    contract.modeReason = `requested by the \`mode\` input; not applied: the run stopped before writing DYN_ROUTER_MODE (${failure.code})`;
  }
  if (failure.code === 'rollout-timeout') {
    const advice = rolloutAdvice(failure.message);
    if (advice) failure.next = advice;
  }
}

export async function runRouterCheck(settings: Settings, effects: RunEffects): Promise<Contract> {
  const plan = makePlan(settings);
  const contract = baseContract(settings, plan);
  let session: TargetSession | undefined;
  // Where a target that failed while opening had got to (namespace, Service, frontend pods).
  let reached: { namespace?: string; frontendSelector?: string; service?: string } | undefined;
  try {
    if (plan.target === 'launch') await checkLaunch(settings, plan, contract, effects);
    // A URL target does nothing worth a group of its own; launch and Kubernetes log their steps.
    const opened =
      plan.target === 'url'
        ? await effects.openTarget(settings, plan)
        : await effects.log.group(targetTitle(plan), () => effects.openTarget(settings, plan));
    session = opened;
    applySession(contract, opened);
    if (opened.planOnly) {
      // The plan is the result: the file decided the mode and the patch; nothing was reachable.
      contract.result = 'pass';
      contract.modeVerified = 'unverifiable';
      contract.modeEvidence = 'planned from the file alone: nothing was checked live';
      contract.url = '';
      // What an apply of the file would change on a live cluster, for whoever has the credentials.
      const recipe = settings.kubernetes?.recipe ?? '';
      contract.nextCommand = shellJoin([
        'kubectl',
        'diff',
        '-n',
        opened.namespace ?? 'default',
        '-f',
        recipe,
      ]);
      return contract;
    }
    const verifying = settings.verify && !settings.skipChat;
    // The evidence window opens once the frontend answered and before the smoke chat, so that
    // chat is itself the evidence; a dead frontend costs nothing extra.
    let window: EvidenceWindow | undefined;
    const openWindow = async (): Promise<void> => {
      const { openEvidenceWindow } = await import('./verify/gather.js');
      const auth: Record<string, string> = settings.apiKey
        ? { Authorization: `Bearer ${settings.apiKey}` }
        : {};
      window = await openEvidenceWindow(effects.http, opened.baseUrl, auth, settings.timeoutMs, opened.logs);
    };
    const smoke = await grouped(effects.log, 'Smoke check', smokeCheck)(
      effects.http,
      {
        baseUrl: session.baseUrl,
        model: settings.model,
        prompt: settings.prompt,
        maxTokens: settings.maxTokens,
        skipChat: settings.skipChat,
        retries: settings.retries,
        retryDelayMs: settings.retryDelayMs,
        timeoutMs: settings.timeoutMs,
        apiKey: settings.apiKey,
        directMode: (session.mode ?? plan.expectedMode) === 'direct',
        beforeChat: verifying ? openWindow : undefined,
      },
      (line) => effects.log.info(line),
    );
    applySmoke(contract, smoke);
    if (smoke.ok && verifying) {
      await grouped(effects.log, 'Verification', verifyInEffect)(
        settings,
        plan,
        session,
        smoke,
        contract,
        effects,
        window,
      );
    }
    if (contract.result === 'pass' && settings.compare) {
      await grouped(effects.log, 'Comparison', compareModes)(settings, session, contract, effects);
    }
    // A change that did not last (a GitOps controller put Git's version back) must not pass silently.
    if (contract.result === 'pass' && session.afterCheck) {
      const notes = await session.afterCheck();
      contract.limitations.push(...notes.filter((l) => !contract.limitations.includes(l)));
    }
    if (contract.result === 'fail' && contract.failure && session.onCheckFailed) {
      await session.onCheckFailed(new RunFailure(contract.failure.code, contract.failure.message));
      if (session.envPatch) contract.envPatch = session.envPatch;
    }
  } catch (error) {
    const failure = toFailure(error);
    contract.result = 'fail';
    contract.failure = failureOf(failure.code, failure.message, failure.hint);
    contract.details.push(...failure.details);
    // A target that failed after changing something reports the change with the failure.
    const changed = (error as { envPatch?: EnvPatch } | undefined)?.envPatch;
    if (changed) contract.envPatch = changed;
    // A target that refused on the release's account still says which release it found.
    const release = (error as { release?: DynamoRelease } | undefined)?.release;
    if (release) contract.dynamoVersion = describeRelease(release);
    reached = (error as { where?: typeof reached } | undefined)?.where;
    if (reached?.service && !contract.service) contract.service = reached.service;
    if (failure.code === 'internal' && error instanceof Error && error.stack) {
      contract.details.push({ title: 'Stack trace (unexpected error)', text: error.stack });
    }
  } finally {
    if (session) {
      contract.details.push(...session.details);
      await session.close();
    }
  }
  dropContradicted(contract);
  contract.nextCommand = nextCommand({
    result: contract.result,
    failure: contract.failure?.code,
    target: plan.target,
    tokenizer: session?.modelPath ?? modelPathIn(settings.frontendArgs) ?? localTokenizer(contract.model),
    compare: settings.compare,
    measured: measuredPrompts(contract),
    url: contract.url,
    model: contract.model,
    mode: contract.mode,
    namespace: session?.namespace ?? reached?.namespace ?? settings.kubernetes?.namespace,
    service: contract.service,
    frontendSelector: session?.frontendSelector ?? reached?.frontendSelector,
    workerSelector: session?.workerSelector,
    logPath: session?.logPath,
    apiKeySet: Boolean(settings.apiKey),
    message: contract.failure?.message,
    kubernetes: plan.target === 'kubernetes',
  });
  reconcileFailure(contract, plan);
  // The annotation and the summary name the exact command for this deployment, not only advice.
  if (contract.failure && contract.nextCommand && !contract.failure.next.includes(contract.nextCommand)) {
    contract.failure.next = `${contract.failure.next}; run: ${contract.nextCommand}`;
  }
  return contract;
}
