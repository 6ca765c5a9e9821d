// The comparison step: run compare-modes on the target's mode switcher and say what the result
// means (its honest label; a mode with no successful request fails the run). It returns that;
// build-contract.ts puts it into the Contract.

import { limitation, type Limitation } from '../model/findings.js';
import { RunFailure } from '../model/failure.js';
import type { Comparison } from '../model/comparison.js';
import type { RunEffects, TargetSession } from '../session.js';
import type { Settings } from '../settings/settings.js';

/** What the comparison found, for the Contract. */
export interface CompareOutcome {
  comparison: Comparison;
  /** What the comparison can and cannot show. */
  scope: Limitation;
  /** How the requests spread over workers, when that limits what the comparison shows. */
  balance: Limitation[];
  /** `compare-failed`, when a mode served no request. */
  failure?: { code: 'compare-failed'; message: string };
}

/** Undefined without compare-modes. `model` is the one the smoke check used. */
export async function compareModes(
  settings: Settings,
  session: TargetSession,
  model: string,
  effects: RunEffects,
): Promise<CompareOutcome | undefined> {
  const compare = settings.compare;
  if (!compare) return undefined;
  if (!session.switcher) {
    throw new RunFailure(
      'compare-failed',
      'This target cannot switch router modes, so modes cannot be compared on it.',
    );
  }
  const { runComparison } = await import('./compare-run.js');
  const { comparisonText } = await import('../report/summary-comparison.js');
  const { comparisonBalance } = await import('../verify/probe/balance.js');
  const { listedInstances } = await import('../check/direct-worker.js');
  const auth: Record<string, string> = settings.apiKey ? { Authorization: `Bearer ${settings.apiKey}` } : {};
  // The workers the frontend lists, so that workers no mode used are named too.
  const listed = await listedInstances(effects.http, session.baseUrl, auth, settings.timeoutMs);
  const comparison = await runComparison(effects.http, session.switcher, {
    compare,
    model,
    apiKey: settings.apiKey,
    timeoutMs: settings.timeoutMs,
    retries: settings.retries,
    retryDelayMs: settings.retryDelayMs,
    log: effects.log,
  });
  for (const line of comparisonText(comparison).split('\n')) effects.log.info(line);
  const scope = limitation(
    'comparison-scope',
    comparison.label === 'measured difference'
      ? 'The comparison is a measured difference on this deployment and workload; other prompts, loads and hardware can differ.'
      : `The comparison is a smoke comparison: it shows the modes work on a matched workload, not which is faster (${comparison.modes.find((m) => m.why)?.why ?? 'too few samples'}).`,
  );
  const balance = comparisonBalance(comparison.modes, listed);
  const failed = comparison.modes.filter((m) => m.samples === 0);
  if (failed.length === 0) return { comparison, scope, balance };
  return {
    comparison,
    scope,
    balance,
    failure: {
      code: 'compare-failed',
      message: `No request succeeded in ${failed.map((m) => m.mode).join(', ')} during the comparison${failed[0].firstError ? ` (first error: ${failed[0].firstError})` : ''}.`,
    },
  };
}
