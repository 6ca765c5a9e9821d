// The compare-modes summary section: escaped HTML, a safe Mermaid chart, and the log text.
import { describe, expect, it } from '@jest/globals';
import { compare } from '../../../src/compare/analysis.js';
import type { ModeRun } from '../../../src/compare/analysis.js';
import type { Sample } from '../../../src/compare/stream.js';
import {
  comparisonText,
  renderComparison,
  renderComparisonChart,
  renderComparisonHtml,
} from '../../../src/report/summary-comparison.js';

const samples = (n: number, ttft: number): Sample[] =>
  Array.from({ length: n }, (_, i) => ({
    index: i,
    group: 0,
    ok: true,
    startMs: i,
    latencyMs: 50,
    ttftMs: ttft + (i % 7),
    outputTokens: 4,
    promptTokens: 10,
    cachedTokens: 5,
  }));

const HOSTILE = '<img src=x onerror=alert(1)>|**bold**`code`"]\n    bar [999]\n```';

function comparison(modes: string[], model = 'tiny-model') {
  const runs: ModeRun[] = modes.map((mode, i) => ({
    mode,
    samples: samples(20, 100 - i * 10),
    kvHitRate: i ? 0.5 : undefined,
  }));
  return compare(runs, { seed: 1, settings: { requests: 20, concurrency: 2, model } });
}

describe('renderComparisonHtml', () => {
  it('shows the label first, the table and each conclusion', () => {
    const html = renderComparisonHtml(comparison(['round-robin', 'kv']));
    expect(html.indexOf('Mode comparison: smoke comparison')).toBeLessThan(html.indexOf('<table>'));
    expect(html).toMatch(/Not a measurement/);
    for (const h of [
      'TTFT p50',
      'TTFT p95',
      'latency p50',
      'latency p95',
      'output tok/s',
      'cached-token ratio',
      'router KV hit rate',
    ])
      expect(html).toContain(h);
    expect(html).toContain('<td>round-robin (baseline)</td>');
    expect(html).toContain('<td>20/20</td>');
    expect(html).toContain('<td>50%</td>'); // cached-token ratio
    expect(html).toContain('<td>n/a</td>'); // no router hit rate for round-robin
    expect(html).not.toMatch(/\n\s*\n/); // one HTML block
  });

  it('escapes a hostile mode and model', () => {
    const html = renderComparisonHtml(comparison(['round-robin', HOSTILE], `${HOSTILE}model`));
    expect(html).not.toContain('<img');
    expect(html).not.toContain('**bold**');
    expect(html).not.toContain('`');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&#124;&#42;&#42;bold');
    expect(html).not.toMatch(/\n\s*\n/);
  });
});

describe('renderComparisonChart', () => {
  it('draws a TTFT p50 bar per mode from zero', () => {
    const chart = renderComparisonChart(comparison(['round-robin', 'kv']))!;
    const lines = chart.split('\n');
    expect(lines[0]).toBe('```mermaid');
    expect(lines[1]).toBe('xychart-beta');
    expect(chart).toContain('x-axis ["round-robin", "kv"]');
    expect(chart).toMatch(/y-axis "TTFT p50 \(ms\)" 0 --> \d+/);
    expect(chart).toMatch(/bar \[\d+(\.\d)?, \d+(\.\d)?\]/);
    expect(lines[lines.length - 1]).toBe('```');
  });

  it('keeps hostile labels inside their quotes', () => {
    const chart = renderComparisonChart(comparison(['round-robin', HOSTILE]))!;
    const lines = chart.split('\n');
    expect(lines).toHaveLength(7); // no injected line
    expect(chart.match(/```/g)).toHaveLength(2);
    const axis = lines.find((l) => l.includes('x-axis'))!;
    // Only the delimiting quotes remain; every label is made of safe characters.
    const labels = /\[(.*)\]/.exec(axis)![1].split(', ');
    expect(labels).toHaveLength(2);
    for (const label of labels) expect(label).toMatch(/^"[A-Za-z0-9 .,:%()+/_-]*"$/);
    expect(lines.filter((l) => l.trim().startsWith('bar'))).toHaveLength(1);
  });

  it('is left out when no mode has a TTFT', () => {
    const c = compare([{ mode: 'kv', samples: [] }], { seed: 1 });
    expect(renderComparisonChart(c)).toBeUndefined();
    expect(renderComparison(c)).not.toContain('mermaid');
  });
});

describe('renderComparison and comparisonText', () => {
  it('separates the HTML block and the Mermaid block with a blank line', () => {
    const out = renderComparison(comparison(['round-robin', 'kv']));
    expect(out).toMatch(/<\/details>\n\n```mermaid\n/);
  });

  it('keeps the log text to one line per entry and says what kind of comparison it is', () => {
    const text = comparisonText(comparison(['round-robin', `kv\n::error::injected`]));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^compare-modes: smoke comparison \(model tiny-model, 20 requests per mode, concurrency 2, seed 1\)$/,
    );
    expect(lines).toHaveLength(5);
    expect(lines.every((l) => !l.startsWith('::'))).toBe(true);
    expect(text).not.toMatch(/faster|slower/);
  });
});

describe('the comparison header states the prefix length as the next command does', () => {
  it('words, and the tokens the frontend counted for them when the run measured any', () => {
    const runs: ModeRun[] = ['round-robin', 'kv'].map((mode) => ({ mode, samples: samples(10, 100) }));
    const measured = compare(runs, {
      seed: 1,
      settings: { requests: 10, prefixGroups: 4, prefixTokens: 512 },
    });
    // promptTokens 10 per sample: 10 × 512 / (512 + 8) ≈ 10 tokens of prefix, as tokenLengths says.
    expect(renderComparisonHtml(measured)).toContain(
      '4 shared prefixes, of 512 words (about 10 tokens as the frontend counted them)',
    );
    const none = compare(
      runs.map((r) => ({ ...r, samples: r.samples.map((x) => ({ ...x, promptTokens: 0 })) })),
      { seed: 1, settings: { requests: 10, prefixGroups: 4, prefixTokens: 512 } },
    );
    expect(renderComparisonHtml(none)).toContain('4 shared prefixes, of about 512 tokens');
  });
});
