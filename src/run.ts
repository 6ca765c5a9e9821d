// One run, as phases that return values: settings → plan → target → check → verify → compare →
// report data. Each phase's result is folded into the Contract by fold.ts (its only writer);
// effects come in through `RunEffects`, so tests swap them and the CLI shares the engine.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shellJoin } from './shell-words.js';
import { VERSION_PROBE_TIMEOUT_MS } from './bounded/limits.js';
import { smokeCheck } from './check/smoke.js';
import { compareModes } from './compare/compare-step.js';
import { RunFailure } from './model/failure.js';
import {
  baseContract,
  foldAfterCheck,
  foldAfterFailure,
  foldComparison,
  foldConclusion,
  foldDetails,
  foldPlanOnly,
  foldPreflight,
  foldSession,
  foldSmoke,
  foldThrown,
  foldVerification,
} from './build-contract.js';
import { rescue } from './last-resort.js';
import { makePlan, type Plan } from './plan.js';
import type { DynamoRelease } from './releases/capabilities.js';
import { modelPathIn } from './releases/model-path.js';
import type { Contract } from './model/contract.js';
import { nextCommand } from './report/next-command.js';
import type { AfterFailure, Logger, Reached, RunEffects, TargetSession } from './session.js';
import type { Settings } from './settings/settings.js';
import { preflightLaunch } from './targets/launch/preflight.js';
import type { EvidenceWindow } from './verify/gather.js';
import type { MetricsRead } from './verify/metrics.js';
import { verifyInEffect, type Assertion, type VerifyOutcome } from './verify/verify-step.js';
import type { OpenedHistory, RunFindings } from './canary/history-step.js';
import { concludeHistory, foldAssertions, historyStep, sampleForHistory } from './canary/canary-steps.js';

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

/** The interpreter's ai-dynamo release, asked the default way: run it, bounded (never past `launch-timeout`). */
async function askInterpreter(python: string, launchTimeoutMs: number): Promise<DynamoRelease> {
  const { askInterpreter: ask } = await import('./releases/ask-interpreter.js');
  return ask(python, Math.min(VERSION_PROBE_TIMEOUT_MS, launchTimeoutMs));
}

export async function runRouterCheck(settings: Settings, effects: RunEffects): Promise<Contract> {
  const plan = makePlan(settings);
  const contract = baseContract(settings, plan);
  // An error nothing catches still publishes this Contract (last-resort.ts).
  rescue.contract = contract;
  const log = effects.log;
  let session: TargetSession | undefined;
  // What the target did after a failed check (a rollback), reported after the session's details.
  let after: AfterFailure | undefined;
  // Where a target that failed while opening had got to (namespace, Service, frontend pods).
  let reached: Reached | undefined;
  // The history file, read before anything is contacted; what the run found for its record.
  let history: OpenedHistory | undefined;
  let found: Pick<RunFindings, 'sample' | 'workers'> = {};
  contract.expectMode = settings.expectMode;
  // The launch interpreter's release, when the target itself does not name one.
  let launchRelease: DynamoRelease | undefined;
  try {
    if (settings.history) {
      history = (await historyStep()).openHistory(settings, plan, process.env.GITHUB_WORKSPACE || undefined);
      const warning = (await historyStep()).skippedWarning(history);
      if (warning) log.warning(warning);
    }
    if (plan.target === 'launch') {
      const ask =
        effects.askRelease ?? ((python: string) => askInterpreter(python, settings.launchTimeoutMs));
      const preflight = await preflightLaunch(settings, plan, ask, log);
      launchRelease = preflight.release;
      foldPreflight(contract, preflight);
      if (preflight.refusal) throw preflight.refusal;
    }
    // A URL target does nothing worth a group of its own; launch and Kubernetes log their steps.
    session =
      plan.target === 'url'
        ? await effects.openTarget(settings, plan)
        : await log.group(targetTitle(plan), () => effects.openTarget(settings, plan));
    foldSession(contract, session);
    if (session.planOnly) {
      // What an apply of the file would change on a live cluster, for whoever has the credentials.
      const recipe = settings.kubernetes?.recipe ?? '';
      foldPlanOnly(
        contract,
        shellJoin(['kubectl', 'diff', '-n', session.namespace ?? 'default', '-f', recipe]),
      );
      foldAssertions(contract, settings, plan, session, undefined, undefined);
      if (history)
        contract.limitations.push(
          `The history (${history.read.file.input}) was read but not written: a plan from the file alone checks nothing live.`,
        );
      return contract;
    }
    const opened = session;
    const verifying = settings.verify && !settings.skipChat;
    const assertion: Assertion | undefined = settings.expectMode
      ? { mode: settings.expectMode, from: 'expect-mode' }
      : history && (await historyStep()).historyAssertion(history);
    // The evidence window opens once the frontend answered and before the smoke chat, so that
    // chat is itself the evidence; a dead frontend costs nothing extra.
    let window: EvidenceWindow | undefined;
    // It starts from the scrape the smoke check just read for the model's readiness.
    const openWindow = async (metrics: MetricsRead): Promise<void> => {
      const { openEvidenceWindow } = await import('./verify/gather.js');
      const auth: Record<string, string> = settings.apiKey
        ? { Authorization: `Bearer ${settings.apiKey}` }
        : {};
      window = await openEvidenceWindow(
        effects.http,
        opened.baseUrl,
        auth,
        settings.timeoutMs,
        opened.logs,
        metrics,
      );
    };
    const smoke = await grouped(log, 'Smoke check', smokeCheck)(
      effects.http,
      {
        baseUrl: opened.baseUrl,
        model: settings.model,
        prompt: settings.prompt,
        maxTokens: settings.maxTokens,
        skipChat: settings.skipChat,
        retries: settings.retries,
        retryDelayMs: settings.retryDelayMs,
        timeoutMs: settings.timeoutMs,
        apiKey: settings.apiKey,
        directMode: (opened.mode ?? plan.expectedMode) === 'direct',
        beforeChat: verifying ? openWindow : undefined,
      },
      (line) => log.info(line),
    );
    foldSmoke(contract, smoke);
    let verified: VerifyOutcome | undefined;
    if (smoke.ok && verifying) {
      verified = await grouped(log, 'Verification', verifyInEffect)(
        settings,
        plan,
        opened,
        smoke,
        contract.kvEvents,
        effects,
        window,
        opened.release ?? launchRelease,
        assertion,
      );
      foldVerification(contract, verified);
      foldAssertions(contract, settings, plan, opened, verified, history);
    }
    if (history && contract.result === 'pass')
      found = await grouped(log, 'Latency sample', sampleForHistory)(
        settings,
        opened,
        contract,
        smoke.workerId,
        effects,
      );
    if (contract.result === 'pass' && settings.compare) {
      const compared = await grouped(log, 'Comparison', compareModes)(
        settings,
        opened,
        contract.model,
        effects,
      );
      if (compared) foldComparison(contract, compared);
    }
    // A change that did not last (a GitOps controller put Git's version back) must not pass silently.
    if (contract.result === 'pass' && opened.afterCheck) foldAfterCheck(contract, await opened.afterCheck());
    if (contract.result === 'fail' && contract.failure && opened.onCheckFailed) {
      // The run undoes its change itself from here: the last resort must not do it twice.
      rescue.afterWrite = undefined;
      after = await opened.onCheckFailed(new RunFailure(contract.failure.code, contract.failure.message));
      foldAfterFailure(contract, after);
    }
  } catch (error) {
    reached = foldThrown(contract, error);
  } finally {
    rescue.afterWrite = undefined;
    if (session) {
      foldDetails(contract, session, after);
      await session.close();
    }
  }
  if (history && !session?.planOnly) {
    try {
      await concludeHistory(contract, settings, plan, session, history, found, log);
    } catch (error) {
      foldThrown(contract, error);
    }
  }
  foldConclusion(
    contract,
    plan,
    nextCommand({
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
    }),
  );
  return contract;
}
