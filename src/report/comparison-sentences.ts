// The sentences a comparison states per mode: numbers in milliseconds and a conclusion that
// never claims more than its label allows (compare/analysis.ts decides the label).

import type { ModeResult, ModeSummary } from '../model/comparison.js';

export function formatMs(ms: number): string {
  const abs = Math.abs(ms);
  return `${abs < 100 ? Number(ms.toFixed(1)) : Math.round(ms)} ms`;
}

const signed = (ms: number): string => (ms > 0 ? `+${formatMs(ms)}` : formatMs(ms));
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function failedNote(s: ModeSummary): string {
  return s.errors > 0 ? ` (${plural(s.errors, 'failed request')}, not in the numbers)` : '';
}

export function conclusionFor(
  result: Omit<ModeResult, 'conclusion'>,
  base: ModeSummary,
  lowSampleModes: string[],
  minSamples: number,
): string {
  if (result.baseline) {
    return result.ttftP50 === undefined
      ? `${result.mode} (baseline): no successful request${failedNote(result)}.`
      : `${result.mode} (baseline): TTFT p50 ${formatMs(result.ttftP50)} over ${plural(result.samples, 'successful request')}${failedNote(result)}.`;
  }
  if (result.ttftP50 === undefined)
    return `${result.mode}: no successful request${failedNote(result)}, nothing to compare.`;
  if (base.ttftP50 === undefined)
    return `${result.mode}: TTFT p50 ${formatMs(result.ttftP50)}; the baseline ${base.mode} has no successful request, nothing to compare.`;
  const d = result.ttftDiff;
  const numbers = `TTFT p50 ${formatMs(result.ttftP50)} vs ${formatMs(base.ttftP50)} for ${base.mode}`;
  if (!d)
    return `${result.mode}: smoke comparison: ${numbers}; too few successful samples for an interval, so no difference is shown.`;
  const interval = `95% interval ${signed(d.low)} to ${signed(d.high)}`;
  if (result.label === 'measured difference') {
    const direction = d.diff < 0 ? 'lower' : 'higher';
    return `${result.mode}: measured difference: median TTFT ${formatMs(Math.abs(d.diff))} ${direction} than ${base.mode} (difference ${signed(d.diff)}, ${interval}; ${result.samples} and ${base.samples} successful samples).`;
  }
  // Too few samples: the interval may exclude zero, but the rule does not let it count.
  const reason =
    lowSampleModes.length > 0
      ? `fewer than ${minSamples} successful samples in ${lowSampleModes.join(', ')}, so no difference is claimed`
      : 'the interval includes zero, so no difference is shown';
  return `${result.mode}: smoke comparison: ${numbers} (difference ${signed(d.diff)}, ${interval}); ${reason}.`;
}
