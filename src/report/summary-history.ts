// The history in the job summary: what this run is against the earlier ones (mode, latency), the
// last runs as a Mermaid xychart (numbers only; it renders on GitHub), and what changed since
// the last run and since the baseline. Every outside value is escaped; the chart carries none.

import { escapeHtml, mermaidLabel } from './escape.js';
import type { Change, ChangeWhat, HistoryReport, LatencyJudgement, ModeJudgement } from '../model/history.js';
import { JUDGED_METRIC } from '../model/history.js';

const esc = (text: string): string => escapeHtml(text.length > 500 ? `${text.slice(0, 500)}…` : text);
const code = (text: string): string => `<code>${esc(text)}</code>`;
const ms = (v: number): string => `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`;

export function modeText(m: ModeJudgement, mode: string): string {
  switch (m.kind) {
    case 'no-reference':
      return mode
        ? `no verified mode in the history yet; ${mode} is the reference once verified`
        : 'no verified mode in the history yet';
    case 'same':
      return `${m.reference}, as the recent runs`;
    case 'unverified':
      return `not compared: this run did not prove its mode (the recent runs: ${m.reference})`;
    case 'declared':
      return `${m.reference} → ${m.found}, as this run's \`mode\` or \`expect-mode\` says: a new baseline starts`;
    case 'drift':
      return `${m.reference} → ${m.found}: drift`;
  }
}

/** The level above which a run counts as a regression: the bound and the effect size both. */
export function thresholdMs(l: LatencyJudgement, ratio: number): number | undefined {
  return l.kind === 'ok' || l.kind === 'regression'
    ? Math.max(l.bound.boundMs, ratio * l.bound.medianMs)
    : undefined;
}

export function latencyText(l: LatencyJudgement, ratio: number): string {
  switch (l.kind) {
    case 'no-sample':
      return `not judged: ${l.why}`;
    case 'too-few':
      return `${ms(l.medianMs)}; not judged yet: ${l.runs} of the ${l.needed} earlier passing runs of this mode and sample it needs`;
    default: {
      const b = l.bound;
      const verdict = l.kind === 'regression' ? 'a regression' : 'within the baseline';
      return `${ms(l.medianMs)}, ${l.ratio.toFixed(2)}× the baseline's ${ms(b.medianMs)} (median of ${b.runs} runs): ${verdict}. A regression is above ${ms(thresholdMs(l, ratio) as number)}: the 99.9% prediction bound (${ms(b.boundMs)}) and ${ratio}× the baseline, both`;
    }
  }
}

/** The chart: each run's median latency (0 where a run had none) and the current threshold. */
export function trendChart(h: HistoryReport, ratio: number): string | undefined {
  const points = h.trend;
  if (points.length < 2) return undefined;
  const values = points.map((p) => (p.p50Ms === null ? 0 : Math.round(p.p50Ms * 10) / 10));
  const threshold = thresholdMs(h.latency, ratio);
  const top = Math.max(1, Math.ceil(Math.max(...values, threshold ?? 0) * 1.1));
  const lines = [
    '```mermaid',
    'xychart-beta',
    `    title "${mermaidLabel(`Latency p50 (ms) of the last ${points.length} runs`)}"`,
    `    x-axis [${points.map((p) => String(p.n)).join(', ')}]`,
    `    y-axis "${mermaidLabel('ms')}" 0 --> ${top}`,
    `    bar [${values.join(', ')}]`,
  ];
  if (threshold !== undefined)
    lines.push(`    line [${points.map(() => String(Math.round(threshold * 10) / 10)).join(', ')}]`);
  lines.push('```');
  return lines.join('\n');
}

const WHAT_LABEL: Record<ChangeWhat, string> = {
  mode: 'mode',
  workers: 'workers',
  models: 'models',
  'kv-events': 'KV events',
  latency: JUDGED_METRIC.name,
};

function changeCell(changes: Change[], what: ChangeWhat, since: Change['since'], has: boolean): string {
  if (!has) return 'no earlier run';
  const c = changes.find((x) => x.what === what && x.since === since);
  if (!c) return what === 'latency' ? 'no sample to compare' : 'same';
  const mark = c.fails ? ' <b>(fails)</b>' : '';
  return `${esc(c.before)} → ${esc(c.after)}${mark}`;
}

function runHeader(label: string, r: HistoryReport['last']): string {
  if (!r) return esc(label);
  const when = esc(r.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
  // A record's run link comes from the file, which a pull request may have touched: http(s) only.
  return r.run && /^https?:\/\/[^\s"<>]+$/.test(r.run)
    ? `${esc(label)}<br><a href="${esc(r.run)}">${when}</a>`
    : `${esc(label)}<br>${when}`;
}

export function renderTrend(h: HistoryReport, mode: string): string {
  const ratio = h.regressionRatio;
  const parts: string[] = [];
  const latest = h.trend[h.trend.length - 1];
  parts.push(
    `<h4>History: ${h.subjectRuns} earlier run(s) of this deployment in ${code(h.file)}</h4>`,
    `<p><b>Mode:</b> ${esc(modeText(h.mode, mode))}<br><b>${esc(JUDGED_METRIC.name)}</b> (${esc(JUDGED_METRIC.direction)}): ${esc(latencyText(h.latency, ratio))}${
      h.sample
        ? `<br>Sample: ${h.sample.samplesMs.length} of ${h.sample.requests} ${h.sample.source === 'probe' ? 'routing-probe requests' : 'smoke-kind chats'} answered; p90 ${h.sample.p90Ms === null ? 'n/a' : ms(h.sample.p90Ms)} (shown, not judged)`
        : ''
    }${h.accepted ? '<br><b>accept-change:</b> this run starts a new baseline; nothing it changed fails it' : ''}</p>`,
  );
  const chart = trendChart(h, ratio);
  const rows = (['mode', 'workers', 'models', 'kv-events', 'latency'] as ChangeWhat[]).map(
    (what) =>
      `<tr><th align="left">${esc(WHAT_LABEL[what])}</th><td>${changeCell(h.changes, what, 'last', Boolean(h.last))}</td><td>${changeCell(h.changes, what, 'baseline', Boolean(h.baselineFirst))}</td></tr>`,
  );
  parts.push(
    `<table><tr><th>what changed</th><th>${runHeader('since the last passing run', h.last)}</th><th>${runHeader('since the baseline', h.baselineFirst)}</th></tr>${rows.join('')}</table>`,
  );
  const notes: string[] = [];
  if (chart)
    notes.push(
      `Chart: bars are each run's ${JUDGED_METRIC.name} (0: no sample, e.g. a failed run), runs numbered as in the file${latest ? ` (this run: ${latest.n})` : ''}; the line is this run's regression threshold.`,
    );
  if (h.skippedLines)
    notes.push(
      `${h.skippedLines} line(s) of the file are not records of this action and were skipped (kept as they are): ${h.skipped
        .slice(0, 5)
        .map((s) => `line ${s.line}, ${s.why}`)
        .join('; ')}${h.skippedLines > 5 ? '; …' : ''}.`,
    );
  if (h.written)
    notes.push(
      `This run's record was added: ${h.written.lines} line(s) in the file${h.written.dropped ? `, the oldest ${h.written.dropped} dropped (cap)` : ''}.`,
    );
  if (h.notWritten) notes.push(`This run's record was not added: ${h.notWritten}`);
  if (notes.length) parts.push(`<p>${notes.map(esc).join('<br>')}</p>`);
  return [parts.join('\n'), chart].filter(Boolean).join('\n\n');
}
