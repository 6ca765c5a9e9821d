// The compare-modes section of the job summary (an HTML table, every value escaped, and a
// Mermaid bar chart of TTFT p50) and its short text form for the log. The label is shown
// before any number, so a smoke comparison is never read as a measurement.

import type { Comparison, ModeResult } from '../model/comparison.js';
import { formatMs } from './comparison-sentences.js';
import { escapeHtml, mermaidLabel, oneLine } from './escape.js';
import { measuredPrompts, tokenLengths } from './next-command.js';

const ms = (value: number | undefined): string => (value === undefined ? 'n/a' : formatMs(value));
// Inter-token latencies of fast engines are well under a millisecond: keep two decimals there.
const itlMs = (value: number | undefined): string =>
  value === undefined ? 'n/a' : Math.abs(value) < 1 ? `${Number(value.toFixed(2))} ms` : formatMs(value);
const percent = (ratio: number | undefined): string =>
  ratio === undefined ? 'n/a' : `${Number((ratio * 100).toFixed(1))}%`;
const signed = (value: number): string => (value > 0 ? `+${formatMs(value)}` : formatMs(value));

function diffText(m: ModeResult): string {
  if (m.baseline) return 'baseline';
  if (!m.ttftDiff) return 'no interval';
  const d = m.ttftDiff;
  return `${signed(d.diff)} [${signed(d.low)}, ${signed(d.high)}]`;
}

/** e.g. `3 (40%)`: workers that served the mode's requests and the busiest one's share. */
function workersText(m: ModeResult): string {
  const counts = Object.values(m.workerRequests ?? {});
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return m.workers > 0 ? String(m.workers) : 'n/a';
  return `${counts.length} (${percent(Math.max(...counts) / total)})`;
}

function errorsText(m: ModeResult): string {
  if (m.errors === 0) return '0';
  const kinds = Object.entries(m.errorKinds).map(([kind, n]) => `${kind} ×${n}`);
  return `${m.errors} (${kinds.join(', ')})`;
}

const cell = (text: string): string => `<td>${escapeHtml(text)}</td>`;

const HEADERS = [
  'mode',
  'samples',
  'errors',
  'TTFT p50',
  'TTFT p95',
  'latency p50',
  'latency p95',
  'ITL p50',
  'ITL p95',
  'output tok/s',
  'requests/s',
  'cached-token ratio',
  'router KV hit rate',
  'workers (busiest share)',
  'TTFT p50 vs baseline [95% interval]',
  'label',
];

function modeRow(m: ModeResult): string {
  const cells = [
    m.baseline ? `${m.mode} (baseline)` : m.mode,
    `${m.samples}/${m.requests}`,
    errorsText(m),
    ms(m.ttftP50),
    ms(m.ttftP95),
    ms(m.latencyP50),
    ms(m.latencyP95),
    itlMs(m.itlP50),
    itlMs(m.itlP95),
    m.outputTokensPerSec === undefined ? 'n/a' : `${m.outputTokensPerSec}`,
    m.requestsPerSec === undefined ? 'n/a' : `${m.requestsPerSec}`,
    percent(m.cachedTokenRatio),
    percent(m.kvHitRate),
    workersText(m),
    diffText(m),
    m.label ?? '',
  ];
  return `<tr>${cells.map(cell).join('')}</tr>`;
}

/**
 * The prefix length as the next command states it: the workload's words, and the tokens the
 * frontend counted for them when the run measured any (a small tokenizer splits words further).
 */
function prefixText(c: Comparison, words: number): string {
  const lengths = tokenLengths(words, measuredPrompts({ comparison: c }));
  return lengths.from === 'measured'
    ? `of ${words} words (about ${lengths.prefix} tokens as the frontend counted them)`
    : `of about ${words} tokens`;
}

function settingsLine(c: Comparison): string {
  const s = c.settings;
  if (!s) return `seed ${c.seed}`;
  const parts = [
    s.model !== undefined ? `model ${s.model}` : undefined,
    s.requests !== undefined ? `${s.requests} requests per mode` : undefined,
    s.concurrency !== undefined ? `concurrency ${s.concurrency}` : undefined,
    s.prefixGroups !== undefined ? `${s.prefixGroups} shared prefixes` : undefined,
    s.prefixTokens !== undefined ? prefixText(c, s.prefixTokens) : undefined,
    s.maxTokens !== undefined ? `max_tokens ${s.maxTokens}` : undefined,
    `seed ${c.seed}`,
  ];
  return parts.filter((p) => p !== undefined).join(', ');
}

function labelSentence(c: Comparison): string {
  return c.label === 'measured difference'
    ? `Every mode has at least ${c.minSamples} successful samples and each 95% interval excludes zero.`
    : `Not a measurement: a difference is only claimed when every mode has at least ${c.minSamples} successful samples and the 95% interval of the median TTFT difference excludes zero.`;
}

/** The HTML part (one block, no blank lines inside: a blank line would end the HTML block). */
export function renderComparisonHtml(c: Comparison): string {
  const header = `<tr>${HEADERS.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const conclusions = c.modes.map((m) => `<li>${escapeHtml(m.conclusion)}</li>`).join('');
  const notes = Object.entries(c.definitions)
    .map(([term, text]) => `<li><b>${escapeHtml(term)}</b>: ${escapeHtml(text)}</li>`)
    .join('');
  return [
    `<h3>Mode comparison: ${escapeHtml(c.label)}</h3>`,
    `<p>${escapeHtml(labelSentence(c))}<br>${escapeHtml(settingsLine(c))}</p>`,
    `<table>${header}${c.modes.map(modeRow).join('')}</table>`,
    `<ul>${conclusions}</ul>`,
    `<details><summary>Definitions</summary><ul>${notes}</ul></details>`,
  ].join('\n');
}

/** A Mermaid bar chart of TTFT p50 per mode; undefined when no mode has a TTFT. */
export function renderComparisonChart(c: Comparison): string | undefined {
  const shown = c.modes.filter((m) => m.ttftP50 !== undefined);
  if (shown.length === 0) return undefined;
  const values = shown.map((m) => m.ttftP50 as number);
  // The axis starts at zero: an automatic range would make small differences look large.
  const top = Math.max(1, Math.ceil(Math.max(...values) * 1.1));
  const labels = shown.map((m) => `"${mermaidLabel(m.mode)}"`).join(', ');
  return [
    '```mermaid',
    'xychart-beta',
    `    title "${mermaidLabel(`TTFT p50 (ms), ${c.label}`)}"`,
    `    x-axis [${labels}]`,
    `    y-axis "${mermaidLabel('TTFT p50 (ms)')}" 0 --> ${top}`,
    `    bar [${values.map((v) => String(v)).join(', ')}]`,
    '```',
  ].join('\n');
}

/** The whole summary section: HTML, then the chart as Markdown, separated by blank lines. */
export function renderComparison(c: Comparison): string {
  const chart = renderComparisonChart(c);
  return [renderComparisonHtml(c), chart].filter((part) => part !== undefined).join('\n\n') + '\n';
}

/** A few plain lines for the log; each outside value is kept on its own line (no injected newline). */
export function comparisonText(c: Comparison): string {
  const lines = [oneLine(`compare-modes: ${c.label} (${settingsLine(c)})`)];
  for (const m of c.modes) {
    lines.push(
      `  ${oneLine(m.mode)}: ${m.samples}/${m.requests} ok, TTFT p50/p95 ${ms(m.ttftP50)}/${ms(m.ttftP95)}, latency p50/p95 ${ms(
        m.latencyP50,
      )}/${ms(m.latencyP95)}, ITL p50/p95 ${itlMs(m.itlP50)}/${itlMs(m.itlP95)}, ${m.outputTokensPerSec ?? 'n/a'} tok/s, ${
        m.requestsPerSec ?? 'n/a'
      } req/s, cached ${percent(
        m.cachedTokenRatio,
      )}, router KV hit ${percent(m.kvHitRate)}${m.baseline ? '' : `, vs baseline ${diffText(m)}`}`,
    );
  }
  for (const m of c.modes) lines.push(`  ${oneLine(m.conclusion)}`);
  return lines.join('\n');
}
