// The comparison step: run compare-modes on the target's mode switcher and fold the result
// (and its honest label) into the contract.

import { RunFailure } from '../failures.js';
import { failureOf, type Contract } from '../report/contract.js';
import type { RunEffects, TargetSession } from '../session.js';
import type { Settings } from '../settings.js';

export async function compareModes(
  settings: Settings,
  session: TargetSession,
  contract: Contract,
  effects: RunEffects,
): Promise<void> {
  const compare = settings.compare;
  if (!compare) return;
  if (!session.switcher) {
    throw new RunFailure(
      'compare-failed',
      'This target cannot switch router modes, so modes cannot be compared on it.',
    );
  }
  const { runComparison } = await import('./compare-run.js');
  const { comparisonText } = await import('../report/comparison.js');
  const comparison = await runComparison(effects.http, session.switcher, {
    compare,
    model: contract.model,
    apiKey: settings.apiKey,
    timeoutMs: settings.timeoutMs,
    retries: settings.retries,
    retryDelayMs: settings.retryDelayMs,
    log: effects.log,
  });
  contract.comparison = comparison;
  for (const line of comparisonText(comparison).split('\n')) effects.log.info(line);
  contract.limitations.push(
    comparison.label === 'measured difference'
      ? 'The comparison is a measured difference on this deployment and workload; other prompts, loads and hardware can differ.'
      : `The comparison is a smoke comparison: it shows the modes work on a matched workload, not which is faster (${comparison.modes.find((m) => m.why)?.why ?? 'too few samples'}).`,
  );
  const failed = comparison.modes.filter((m) => m.samples === 0);
  if (failed.length > 0) {
    contract.result = 'fail';
    contract.failure = failureOf(
      'compare-failed',
      `No request succeeded in ${failed.map((m) => m.mode).join(', ')} during the comparison${failed[0].firstError ? ` (first error: ${failed[0].firstError})` : ''}.`,
    );
  }
}
