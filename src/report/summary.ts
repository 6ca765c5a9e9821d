// The job summary: a verdict line first, then the six parts of the Output Contract in one table,
// then folded details. Written as HTML so that every outside value is escaped in one way and
// no value can start Markdown (a model id with `|` or `**` renders as text).

import { escapeHtml } from './escape.js';
import type { Contract } from '../model/contract.js';
import { renderComparison } from './summary-comparison.js';
import { renderTrend } from './summary-history.js';
import { renderRouting } from './summary-routing.js';
import { fittingCount, MODELS_CAP } from './output-caps.js';
import { limitationTexts } from './step-outputs.js';
import { dryRunNote, reachedTarget } from './target-name.js';

// Each outside value is cut before it is escaped, so one huge value (a 1.5 MB model id) cannot
// push the whole summary over the runner's 1 MiB limit. Secrets were redacted before rendering.
const FIELD_MAX = 2000;
const BLOCK_MAX = 64 * 1024;
const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);
const esc = (text: string): string => escapeHtml(cut(text, FIELD_MAX));
const code = (text: string): string => `<code>${esc(text)}</code>`;
const pre = (text: string): string => `<pre>${escapeHtml(cut(text, BLOCK_MAX)).replace(/<br>/g, '\n')}</pre>`;

function row(label: string, html: string): string {
  return `<tr><th align="left">${esc(label)}</th><td>${html}</td></tr>`;
}

function fold(title: string, html: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${esc(title)}</summary>\n\n${html}\n\n</details>`;
}

function verdictLine(c: Contract): string {
  const where = reachedTarget(c);
  if (c.result === 'pass') {
    const mode = c.mode ? `${c.mode} mode` : 'mode unchanged';
    return `<h3>✅ Dynamo router check passed: ${esc(mode)} at ${esc(where)}${esc(dryRunNote(c))}</h3>`;
  }
  return `<h3>❌ Dynamo router check failed: ${code(c.failure?.code ?? 'internal')} at ${esc(where)}</h3>`;
}

function changeCell(c: Contract): string {
  if (c.envPatch) {
    const p = c.envPatch;
    const entries = [
      ...p.set.map((e) => `${e.name}=${e.value ?? ''}`),
      ...p.remove.map((name) => `remove ${name}`),
    ];
    const state = p.dryRun
      ? 'dry run: not written'
      : !p.changed
        ? 'already in place: nothing written'
        : p.rolledBack
          ? 'applied, then rolled back'
          : p.applied
            ? 'applied'
            : 'not applied';
    return `Kubernetes env patch on ${esc(p.object)} in ${code(p.namespace)} at ${code(p.path)}: ${
      entries.length ? entries.map(code).join(' ') : 'no change'
    } (${esc(state)})`;
  }
  if (c.command) return `Local command: ${code(c.command)}`;
  // A Kubernetes run that asked for a mode and stopped before writing changed nothing: say so.
  if (c.target === 'kubernetes' && c.failure && c.checks.length === 0)
    return `None: nothing was written; the run stopped first (${code(c.failure.code)}).`;
  return 'None: the mode was left as it is (check only).';
}

function smokeCell(c: Contract): string {
  if (c.result === 'pass' && c.checks.length === 0)
    return 'Not run: planned from the file alone (no cluster configured); nothing was checked live.';
  const f = c.failure;
  // The smoke check passed and the run failed later, on what the evidence or the history showed.
  const later = f && c.checks.length > 0 && c.checks.every((k) => k.ok);
  if (c.result === 'pass' || later) {
    const chat = c.checks.find((k) => k.name === 'chat');
    const latency = c.latencyMs !== undefined ? ` in ${c.latencyMs} ms` : '';
    const passed = chat
      ? `Passed: ${code(c.model)} answered a chat completion${esc(latency)}; ${c.models.length} model(s) listed.`
      : `Passed: ${c.models.length} model(s) listed; chat skipped.`;
    return later && f ? `${passed} The run failed afterwards (${code(f.code)}): see above.` : passed;
  }
  // A run that stopped before the check (a 403 on the patch, a stalled rollout) did not fail it.
  if (f && c.checks.length === 0) return `Not run: the run stopped before the check (${code(f.code)}).`;
  return f ? `Failed (${code(f.code)}): ${esc(f.message)}` : 'Failed.';
}

export interface SummaryOptions {
  /** Fewer model ids than the `models` output holds, when the summary itself runs out of room. */
  maxModels?: number;
}

export function renderSummary(c: Contract, options: SummaryOptions = {}): string {
  const parts: string[] = [verdictLine(c)];
  const limitations = limitationTexts(c);
  if (c.failure) {
    parts.push(
      `<p><b>Why:</b> ${esc(c.failure.message)}<br><b>Likely cause:</b> ${esc(c.failure.likelyCause)}<br><b>Next step:</b> ${esc(c.failure.next)}</p>`,
    );
  }
  const modeHtml = c.mode ? `${code(c.mode)}: ${esc(c.modeReason)}` : esc(c.modeReason);
  const provenBy = c.modeProvenBy ? ` (proven by ${esc(c.modeProvenBy.split(',').join(', '))})` : '';
  const verified = c.modeVerified
    ? `<br>Verification: ${code(c.modeVerified)}${provenBy} ${esc(c.modeEvidence)}`
    : '';
  const kv = `<br>KV events: ${code(c.kvEvents)} (${esc(c.kvEventsReason)})`;
  const frontend =
    !c.url && c.service
      ? `Service ${code(c.service)} (not contacted: planned from the file)`
      : c.service
        ? `Service ${code(c.service)}, checked at ${code(c.url)}${c.target === 'kubernetes' && !c.checks.length ? ' (not reached)' : ''}`
        : c.target === 'kubernetes'
          ? `${esc(reachedTarget(c))}: the Service was not found or not reached`
          : code(c.url);
  parts.push(
    [
      '<table>',
      row('1. Mode and why', modeHtml + verified + kv),
      row('2. Command or env patch', changeCell(c)),
      row('3. Frontend', frontend),
      row('4. Smoke test', smokeCell(c)),
      row(
        '5. Limitations',
        limitations.length
          ? `<ul>${limitations.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`
          : 'None found.',
      ),
      row('6. Next command', c.nextCommand ? code(c.nextCommand) : 'None.'),
      '</table>',
    ].join('\n'),
  );
  if (c.routing) parts.push(renderRouting(c.routing));
  if (c.history) parts.push(renderTrend(c.history, c.mode));
  if (c.comparison) parts.push(renderComparison(c.comparison));
  if (c.checks.length) {
    const header =
      '<tr><th>check</th><th>result</th><th>attempts</th><th>HTTP</th><th>latency</th><th>detail</th></tr>';
    const rows = c.checks.map(
      (k) =>
        `<tr><td>${esc(k.name)}</td><td>${k.ok ? 'pass' : 'fail'}</td><td>${k.attempts}</td><td>${k.status ?? ''}</td><td>${
          k.latencyMs !== undefined ? `${k.latencyMs} ms` : ''
        }</td><td>${esc(k.detail)}</td></tr>`,
    );
    parts.push(fold('Checks', `<table>${header}${rows.join('')}</table>`));
  }
  if (c.models.length) {
    // The same ids as the `models` output (capped), or fewer when the summary is short of room.
    const shown = Math.min(fittingCount(c.models, MODELS_CAP), options.maxModels ?? Infinity);
    const title =
      shown < c.models.length
        ? `Models (the first ${shown} of ${c.models.length}: the list was cut)`
        : `Models (${c.models.length})`;
    parts.push(
      fold(
        title,
        `<ul>${c.models
          .slice(0, shown)
          .map((m) => `<li>${code(m)}</li>`)
          .join('')}</ul>`,
      ),
    );
  }
  if (c.envPatch) parts.push(fold('Env patch (JSON)', pre(JSON.stringify(c.envPatch, null, 2))));
  for (const detail of c.details) parts.push(fold(detail.title, pre(detail.text)));
  return parts.join('\n\n') + '\n';
}

/** The readable one-liner for logs and the CLI's stderr. */
export function verdictText(c: Contract): string {
  const where = reachedTarget(c);
  if (c.result === 'pass') {
    const latency = c.latencyMs !== undefined ? `, chat ${c.latencyMs} ms` : '';
    // A plan from a file sent no request: no model to name.
    const model = c.model ? `: model ${c.model}${latency}` : '';
    return `PASS ${c.mode || 'mode unchanged'} at ${where}${dryRunNote(c)}${model}`;
  }
  return `FAIL ${c.failure?.code ?? 'internal'} at ${where}: ${c.failure?.message ?? ''} Next: ${c.failure?.next ?? ''}`;
}
