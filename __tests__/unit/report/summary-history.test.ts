// The history in the summary: chart numbers only, every value escaped, run links http(s) only.
import { describe, expect, it } from '@jest/globals';
import { renderTrend, trendChart } from '../../../src/report/summary-history.js';
import { historyReport } from '../../support/history.ts';

const report = historyReport;

describe('the trend in the summary', () => {
  it('draws the runs as numbers only, with the threshold as a line', () => {
    const chart = trendChart(report(), 1.5) as string;
    expect(chart).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '    title "Latency p50 (ms) of the last 7 runs"',
        '    x-axis [1, 2, 3, 4, 5, 6, 7]',
        '    y-axis "ms" 0 --> 881',
        '    bar [40.1, 40.2, 40.3, 0, 40.5, 40.6, 800]',
        '    line [60, 60, 60, 60, 60, 60, 60]',
        '```',
      ].join('\n'),
    );
    expect(chart).not.toContain('img');
  });

  it('has no chart for a single run, and no threshold line before latency is judged', () => {
    expect(trendChart(report({ trend: report().trend.slice(0, 1) }), 1.5)).toBeUndefined();
    const early = trendChart(report({ latency: { kind: 'too-few', runs: 2, needed: 5, medianMs: 40 } }), 1.5);
    expect(early).not.toMatch(/line \[/);
  });

  it('escapes every value, marks what fails, and links runs only over http(s)', () => {
    const html = renderTrend(report(), 'kv');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&#42;&#42;x&#42;&#42;&#124;&#96;y&#96;');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<a href="https://github.com/o/r/actions/runs/1">');
    expect(html).toMatch(
      /latency p50<\/th><td>no sample to compare<\/td><td>40 ms → 800 ms \(20\.00×\) <b>\(fails\)<\/b>/,
    );
    expect(html).toMatch(
      /800 ms, 20\.00× the baseline&#39;s 40 ms \(median of 6 runs\): a regression\. A regression is above 60 ms/,
    );
    expect(html).toMatch(/1 line\(s\) of the file are not records of this action/);
    expect(html).toMatch(
      /<h4>History: 6 earlier run\(s\) of this deployment in <code>\.router-history\/canary\.jsonl<\/code><\/h4>/,
    );
  });
});
