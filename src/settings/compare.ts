// `compare-modes` and the workload it sends each mode: two or more modes, the baseline first, on a
// target the action can switch (a launch or Kubernetes); every count within its range.

import { RunFailure, badInput } from '../model/failure.js';
import { nearestMode, type RouterMode } from '../model/modes.js';
import { DEFAULTS } from './defaults.js';
import { parseMode, parseNumber, type InputSource } from './values.js';

export interface CompareInputs {
  /** The first mode is the baseline. */
  modes: RouterMode[];
  requests: number;
  concurrency: number;
  prefixGroups: number;
  prefixTokens: number;
  maxTokens: number;
  seed: number;
}

export function parseCompare(get: InputSource, canSwitch: boolean): CompareInputs | undefined {
  const raw = get('compare-modes');
  // The runner passes every input's action.yml default as if it were given (so does
  // local-action): only a value other than the default shows a setting without compare-modes.
  const extras: Record<string, number> = {
    'compare-requests': DEFAULTS.compareRequests,
    'compare-concurrency': DEFAULTS.compareConcurrency,
    'compare-prefix-groups': DEFAULTS.comparePrefixGroups,
    'compare-prefix-tokens': DEFAULTS.comparePrefixTokens,
    'compare-max-tokens': DEFAULTS.compareMaxTokens,
    'compare-seed': DEFAULTS.compareSeed,
  };
  if (raw === '') {
    const stray = Object.keys(extras).find((name) => get(name) !== '' && get(name) !== String(extras[name]));
    if (stray) throw badInput(stray, get(stray), 'empty unless `compare-modes` lists the modes to compare');
    return undefined;
  }
  const listed = raw.split(/[\s,]+/).filter(Boolean);
  const modes = listed.map((m) => {
    try {
      return parseMode('compare-modes', m) as RouterMode;
    } catch (error) {
      // The advice must be a value the input accepts: the whole list, the one mode corrected.
      const near = nearestMode(m);
      const fixed = near ? listed.map((x) => (x === m ? near : x)).join(',') : undefined;
      throw new RunFailure(
        'bad-input',
        (error as RunFailure).message,
        fixed ? `set \`compare-modes: ${fixed}\`` : 'fix `compare-modes`',
      );
    }
  });
  const duplicate = modes.find((m, i) => modes.indexOf(m) !== i);
  if (duplicate) throw badInput('compare-modes', raw, `each mode once (${duplicate} is listed twice)`);
  if (modes.length < 2)
    throw badInput(
      'compare-modes',
      raw,
      'two or more modes separated by commas, the baseline first, e.g. `round-robin,kv`',
    );
  if (!canSwitch) {
    throw badInput(
      'compare-modes',
      raw,
      'empty unless the action can switch modes: `launch: true` or a Kubernetes target',
    );
  }
  const int = (name: string, fallback: number, min: number, max: number): number =>
    parseNumber(name, get(name), fallback, { min, max, integer: true });
  return {
    modes,
    requests: int('compare-requests', DEFAULTS.compareRequests, 5, 100000),
    concurrency: int('compare-concurrency', DEFAULTS.compareConcurrency, 1, 256),
    prefixGroups: int('compare-prefix-groups', DEFAULTS.comparePrefixGroups, 1, 10000),
    prefixTokens: int('compare-prefix-tokens', DEFAULTS.comparePrefixTokens, 0, 100000),
    maxTokens: int('compare-max-tokens', DEFAULTS.compareMaxTokens, 1, 32768),
    seed: int('compare-seed', DEFAULTS.compareSeed, 0, 2147483647),
  };
}
