// Lines that make the action's log scannable: a first line with the version and the inputs in
// effect, a warning for a pass that proves less than it seems, and what a dry run would have changed.
// Pure: the action prints them (secrets are masked by the runner and never appear here).

import type { Settings } from '../settings/settings.js';
import type { Contract } from '../model/contract.js';
import { outputCutNotes } from './step-outputs.js';

/** `dynamo-router-starter 0.1.0: target kubernetes; mode kv; …` with only the inputs that matter. */
export function bannerLine(settings: Settings, version: string): string {
  const k = settings.kubernetes;
  const target = k
    ? k.implicit
      ? "kubernetes (none named: the kubeconfig context's namespace)"
      : 'kubernetes'
    : settings.launch
      ? 'launch'
      : 'url';
  const parts: string[] = [`target ${target}`, `mode ${settings.mode ?? '(unchanged: check only)'}`];
  if (settings.expectMode) parts.push(`expect-mode ${settings.expectMode}`);
  if (settings.requireVerified) parts.push('require-verified');
  const h = settings.history;
  if (h)
    parts.push(
      `history ${h.path} (window ${h.window}, regression-ratio ${h.regressionRatio}${h.failOnChange.length ? `, fail-on-change ${h.failOnChange.join(',')}` : ''}${h.acceptChange ? ', accept-change' : ''})`,
    );
  if (settings.kvEvents !== 'auto') parts.push(`kv-events ${settings.kvEvents}`);
  if (k) {
    if (k.recipe) parts.push(`recipe ${k.recipe}`);
    if (k.namespace) parts.push(`namespace ${k.namespace}`);
    if (k.deployment) parts.push(`deployment ${k.deployment}`);
    if (k.service) parts.push(`service ${k.service}`);
    if (k.dryRun) parts.push('dry-run');
    if (k.writeRecipe) parts.push('write-recipe');
    if (k.rollbackOnFailure) parts.push('rollback-on-failure');
    parts.push(`rollout-timeout ${Math.round(k.rolloutTimeoutMs / 1000)} s`);
  }
  if (settings.baseUrl) parts.push(`base-url ${settings.baseUrl}`);
  if (settings.model) parts.push(`model ${settings.model}`);
  if (settings.compare) parts.push(`compare-modes ${settings.compare.modes.join(',')}`);
  parts.push(`retries ${settings.retries}`, `timeout ${Math.round(settings.timeoutMs / 1000)} s`);
  // The key itself never: only whether one is set.
  parts.push(`api-key ${settings.apiKey ? '***' : '(none)'}`);
  return `dynamo-router-starter ${version}: ${parts.join('; ')}`;
}

/** A pass that could not prove the mode, or carries limitations, deserves a warning annotation. */
export function passWarning(c: Contract): { title: string; message: string } | undefined {
  if (c.result !== 'pass') return undefined;
  // The generic smoke-check caveat is always there; it alone is no reason to warn.
  const notable = [
    ...c.limitations.filter((l) => l.id !== 'smoke-scope').map((l) => l.text),
    ...outputCutNotes(c),
  ];
  if (c.modeVerified !== 'unverifiable' && notable.length === 0) return undefined;
  // The unverifiable verdict is among the limitations already ("could not be proven: …").
  const why = notable.length ? '' : `mode ${c.mode || 'unknown'} unverifiable: ${c.modeEvidence}`;
  const title =
    c.modeVerified === 'unverifiable'
      ? 'Dynamo router check passed, mode not proven'
      : 'Dynamo router check passed with limitations';
  return { title, message: [why, ...notable].filter(Boolean).join(' | ') };
}

/** What a dry run would have written, as lines for the log. */
export function dryRunLines(c: Contract): string[] {
  const p = c.envPatch;
  if (!p?.dryRun) return [];
  if (!p.changed) return [`Dry run: ${p.object} already has the router env; nothing would change.`];
  const set = p.set.map((e) => `${e.name}=${e.value ?? ''}`).join(' ');
  const removed = p.remove.length ? `; remove ${p.remove.join(', ')}` : '';
  return [
    `Dry run, nothing written: would set ${set}${removed} at ${p.path} of ${p.object} in ${p.namespace}.`,
  ];
}
