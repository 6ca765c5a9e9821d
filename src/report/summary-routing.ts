// The routing probe's part of the job summary: the pattern the requests showed, a small table of
// workers and their shares (workers /health lists that got nothing included), and per frontend
// replica the verdict. Every value escaped; one HTML block (no blank lines inside).

import { escapeHtml } from './escape.js';
import type { RoutingProbe, Routing, ReplicaRouting } from '../model/routing.js';

const esc = (text: string): string => escapeHtml(text.length > 2000 ? `${text.slice(0, 2000)}…` : text);
const cell = (text: string): string => `<td>${esc(text)}</td>`;
const percent = (share: number): string => `${Number((share * 100).toFixed(1))}%`;

const TRAFFIC: Record<RoutingProbe['otherTraffic'], string> = {
  none: 'none (the frontend counted only the run\u2019s requests)',
  seen: 'yes: other requests reached the frontend during the probe',
  unknown: 'unknown (its /metrics could not tell)',
};

function workersTable(p: RoutingProbe): string {
  const rows = p.workers
    .slice()
    .sort((a, b) => b.requests - a.requests)
    .map(
      (w) =>
        `<tr>${cell(w.label)}${cell(w.id)}${cell(String(w.requests))}${cell(percent(w.share))}${cell(w.deviceType ?? '')}</tr>`,
    );
  for (const id of p.idleWorkers.slice(0, 64))
    rows.push(
      `<tr>${cell('-')}${cell(id)}${cell('0')}${cell('0%')}${cell('listed by /health, served none')}</tr>`,
    );
  const header = ['', 'worker', 'requests', 'share', 'device'].map((h) => `<th>${esc(h)}</th>`).join('');
  return `<table><tr>${header}</tr>${rows.join('')}</table>`;
}

function probeHtml(p: RoutingProbe): string {
  const ratio = p.maxMinRatio === null ? '' : `; busiest / least busy worker: ${p.maxMinRatio}`;
  const served = p.requests.filter((r) => r.worker !== undefined).length;
  return [
    `<p><b>Pattern:</b> ${esc(p.pattern)}<br><b>Verdict:</b> <code>${esc(p.verdict)}</code>${p.observed ? ` (routes as <code>${esc(p.observed)}</code>)` : ''}: ${esc(p.reason)}<br><b>Other traffic:</b> ${esc(TRAFFIC[p.otherTraffic])}<br>${esc(`${p.requests.length} requests (${served} named their worker) in ${p.durationMs} ms${ratio}; each request's phase, worker and latency are in the \`routing\` output.`)}</p>`,
    workersTable(p),
  ].join('\n');
}

function replicaRow(r: ReplicaRouting): string {
  if (!r.probe) return `<tr>${cell(r.name)}${cell('not probed')}${cell('')}${cell(r.problem ?? '')}</tr>`;
  return `<tr>${cell(r.name)}${cell(r.probe.verdict)}${cell(r.probe.observed ?? '')}${cell(r.probe.pattern)}</tr>`;
}

/** The summary section; one HTML block. */
export function renderRouting(routing: Routing): string {
  const parts = ['<h3>Routing: which worker served each request</h3>'];
  if (routing.skipped) parts.push(`<p>No routing probe: ${esc(routing.skipped)}.</p>`);
  if (routing.probe) parts.push(probeHtml(routing.probe));
  if (routing.replicas?.length) {
    const header = ['replica', 'verdict', 'routes as', 'pattern'].map((h) => `<th>${esc(h)}</th>`).join('');
    parts.push(
      `<p>Each frontend replica, probed on its own:</p>`,
      `<table><tr>${header}</tr>${routing.replicas.map(replicaRow).join('')}</table>`,
    );
    const first = routing.replicas.find((r) => r.probe)?.probe;
    if (first)
      parts.push(
        `<p>Workers and shares seen through ${esc(routing.replicas.find((r) => r.probe)?.name ?? '')}:</p>`,
        workersTable(first),
      );
  }
  return parts.join('\n');
}
