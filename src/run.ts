// One run, as phases that return values: settings → plan → target → check → verify → compare →
// history. Each phase's result is kept as it returned it (run-results.ts), and the Contract is
// built from them once, at the end (build-contract.ts); which phases still run is asked of the
// same rule. Effects come in through `RunEffects`, so tests swap them and the CLI shares the engine.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VERSION_PROBE_TIMEOUT_MS } from './bounded/limits.js';
import { buildContract, decidingFailure } from './build-contract.js';
import { checkAssertions, concludeHistory, historyStep, sampleForHistory } from './canary/canary-steps.js';
import type { OpenedHistory, RunFindings } from './canary/history-step.js';
import { smokeCheck } from './check/smoke.js';
import { compareModes } from './compare/compare-step.js';
import type { Contract } from './model/contract.js';
import { RunFailure } from './model/failure.js';
import { rescue } from './last-resort.js';
import { makePlan, type Plan } from './plan.js';
import type { DynamoRelease } from './releases/capabilities.js';
import { modelPathIn } from './releases/model-path.js';
import type { RunResults } from './run-results.js';
import type { Logger, RunEffects, TargetSession } from './session.js';
import type { Settings } from './settings/settings.js';
import { shellJoin } from './shell-words.js';
import { preflightLaunch } from './targets/launch/preflight.js';
import type { EvidenceWindow } from './verify/gather.js';
import type { MetricsRead } from './verify/metrics.js';
import { verifyInEffect, type Assertion } from './verify/verify-step.js';

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

/** The interpreter's ai-dynamo release, asked the default way: run it, bounded (never past `launch-timeout`). */
async function askInterpreter(python: string, launchTimeoutMs: number): Promise<DynamoRelease> {
  const { askInterpreter: ask } = await import('./releases/ask-interpreter.js');
  return ask(python, Math.min(VERSION_PROBE_TIMEOUT_MS, launchTimeoutMs));
}

const passing = (r: RunResults): boolean => decidingFailure(r).pass;

/** The check, the evidence of the mode, the latency sample, the comparison and the re-read, in order. */
async function checkPhases(
  r: RunResults,
  session: TargetSession,
  effects: RunEffects,
  history: OpenedHistory | undefined,
  launchRelease: DynamoRelease | undefined,
): Promise<Pick<RunFindings, 'sample' | 'workers'>> {
  const { settings, plan } = r;
  const log = effects.log;
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
    window = await openEvidenceWindow(effects.http, {
      baseUrl: session.baseUrl,
      headers: auth,
      timeoutMs: settings.timeoutMs,
      logs: session.logs,
      metrics,
    });
  };
  r.smoke = await grouped(log, 'Smoke check', smokeCheck)(
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
    (line) => log.info(line),
  );
  const smoke = r.smoke;
  if (smoke.ok && verifying) {
    r.verified = await grouped(
      log,
      'Verification',
      verifyInEffect,
    )({
      settings,
      plan,
      session,
      smoke,
      kvEvents: session.kvEvents || plan.kvEvents,
      effects,
      window,
      release: session.release ?? launchRelease,
      assertion,
    });
    r.assertions = checkAssertions(r, session, history);
  }
  let found: Pick<RunFindings, 'sample' | 'workers'> = {};
  if (history && passing(r))
    found = await grouped(
      log,
      'Latency sample',
      sampleForHistory,
    )({
      settings,
      session,
      routing: r.verified?.routing,
      model: smoke.model ?? settings.model ?? '',
      workerId: smoke.workerId,
      effects,
    });
  if (passing(r) && settings.compare) {
    const model = smoke.model ?? settings.model ?? '';
    r.compared = await grouped(log, 'Comparison', compareModes)(settings, session, model, effects);
  }
  // A change that did not last (a GitOps controller put Git's version back) must not pass silently.
  if (passing(r) && session.afterCheck) r.afterCheck = await session.afterCheck();
  const { failure } = decidingFailure(r);
  if (failure && session.onCheckFailed) {
    // The run undoes its change itself from here: the last resort must not do it twice.
    rescue.afterWrite = undefined;
    r.afterFailure = await session.onCheckFailed(new RunFailure(failure.code, failure.message));
  }
  return found;
}

export async function runRouterCheck(settings: Settings, effects: RunEffects): Promise<Contract> {
  const plan = makePlan(settings);
  const r: RunResults = { settings, plan, thrown: [] };
  // An error nothing catches still publishes a Contract built from these (last-resort.ts).
  rescue.results = r;
  const log = effects.log;
  // The history file, read before anything is contacted; what the run found for its record.
  let history: OpenedHistory | undefined;
  let found: Pick<RunFindings, 'sample' | 'workers'> = {};
  try {
    if (settings.history) {
      history = (await historyStep()).openHistory(settings, plan, process.env.GITHUB_WORKSPACE || undefined);
      const warning = (await historyStep()).skippedWarning(history);
      if (warning) log.warning(warning);
    }
    // The launch interpreter's release, when the target itself does not name one.
    let launchRelease: DynamoRelease | undefined;
    if (plan.target === 'launch') {
      const ask =
        effects.askRelease ?? ((python: string) => askInterpreter(python, settings.launchTimeoutMs));
      r.preflight = await preflightLaunch(settings, plan, ask, log);
      launchRelease = r.preflight.release;
      if (r.preflight.refusal) throw r.preflight.refusal;
    }
    // A URL target does nothing worth a group of its own; launch and Kubernetes log their steps.
    const session =
      plan.target === 'url'
        ? await effects.openTarget(settings, plan)
        : await log.group(targetTitle(plan), () => effects.openTarget(settings, plan));
    r.session = session;
    if (session.planOnly) {
      // What an apply of the file would change on a live cluster, for whoever has the credentials.
      const recipe = settings.kubernetes?.recipe ?? '';
      r.planOnlyNext = shellJoin(['kubectl', 'diff', '-n', session.namespace ?? 'default', '-f', recipe]);
      r.assertions = checkAssertions(r, session, undefined);
      if (history) r.history = { kind: 'read-only', file: history.read.file.input };
    } else {
      found = await checkPhases(r, session, effects, history, launchRelease);
    }
  } catch (error) {
    r.thrown.push({ error });
  } finally {
    rescue.afterWrite = undefined;
    await r.session?.close();
  }
  if (history && !r.session?.planOnly) {
    try {
      r.history = await concludeHistory({ results: r, opened: history, found, log });
    } catch (error) {
      r.thrown.push({ error, late: true });
    }
  }
  const model = r.smoke?.model ?? settings.model ?? '';
  r.tokenizer = r.session?.modelPath ?? modelPathIn(settings.frontendArgs) ?? localTokenizer(model);
  return buildContract(r);
}
