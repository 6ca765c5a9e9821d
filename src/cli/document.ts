// What the CLI prints and how it exits, kept apart from the entry point so it can be tested.
// The JSON document's keys are documented in README.md ("The command-line tool"); a unit test
// keeps the two in step.

import type { Contract } from '../model/contract.js';
import { MIN_BASELINE_RUNS, type HistoryReport } from '../model/history.js';
import type { Routing } from '../model/routing.js';

/** Exit codes, as documented in the usage text and the README. */
export const EXIT = {
  ok: 0,
  usage: 1,
  modelsFailed: 2,
  noModels: 3,
  chatFailed: 4,
  modeNotApplied: 5,
  modeDrift: 6,
  regression: 7,
  modeUnverified: 8,
  deploymentChanged: 9,
} as const;

export function exitCodeFor(contract: Contract): number {
  if (contract.result === 'pass') return EXIT.ok;
  const code = contract.failure?.code;
  if (code === 'bad-input') return EXIT.usage;
  if (code === 'no-models') return EXIT.noModels;
  if (code === 'mode-not-applied') return EXIT.modeNotApplied;
  if (code === 'mode-drift') return EXIT.modeDrift;
  if (code === 'regression') return EXIT.regression;
  if (code === 'mode-unverified') return EXIT.modeUnverified;
  if (code === 'deployment-changed') return EXIT.deploymentChanged;
  const chatFailed = contract.checks.some((c) => c.name === 'chat' && !c.ok);
  return chatFailed ? EXIT.chatFailed : EXIT.modelsFailed;
}

// Action inputs the CLI has as flags. The engine's texts name inputs; the CLI's user typed flags.
const FLAG_OF: Record<string, string> = {
  'base-url': '--base-url',
  model: '--model',
  prompt: '--prompt',
  'max-tokens': '--max-tokens',
  'skip-chat': '--skip-chat',
  retries: '--retries',
  'retry-delay': '--retry-delay',
  timeout: '--timeout',
  'api-key': '--api-key',
  mode: '--mode',
  'kv-events': '--kv-events',
  'expect-mode': '--expect-mode',
  'require-verified': '--require-verified',
  history: '--history',
  'history-window': '--history-window',
  'regression-ratio': '--regression-ratio',
  'fail-on-change': '--fail-on-change',
  'accept-change': '--accept-change',
  'probe-requests': '--probe-requests',
};

const BOOLEAN_FLAGS = new Set(['skip-chat', 'require-verified', 'accept-change']);

/** Rewrites "the `model` input", "Input `retries`", "`kv-events: false`" into the CLI's flag names. */
export function cliWording(text: string): string {
  // Boolean flags take no value: `accept-change: true` is `--accept-change`.
  const flag = (name: string, value?: string): string | undefined =>
    FLAG_OF[name]
      ? `\`${FLAG_OF[name]}${value && !(BOOLEAN_FLAGS.has(name) && value === 'true') ? ` ${value}` : ''}\``
      : undefined;
  return (
    text
      .replace(/Input `([a-z-]+)`/g, (all, name: string) => (FLAG_OF[name] ? `Flag ${flag(name)}` : all))
      .replace(
        /(?:the )?`([a-z-]+)(?:: ([^`]+))?` input/g,
        (all, name: string, value?: string) => flag(name, value) ?? all,
      )
      .replace(/`([a-z-]+)(?:: ([^`]+))?`/g, (all, name: string, value?: string) => flag(name, value) ?? all)
      // The CLI never applies a mode: point at the action for that.
      .replace(
        /Use `launch: true` or a Kubernetes target to apply it\./,
        'Use the GitHub Action (`launch: true` or a Kubernetes target) to apply it.',
      )
      .replace(
        /Use a Kubernetes target \(`namespace` and `deployment`, or `recipe`\) to apply it\./,
        'Use the GitHub Action with a Kubernetes target to apply it.',
      )
  );
}

/** A base URL ending in /v1 makes every path /v1/v1/…: say so instead of only "404". */
export function v1SuffixHint(contract: Contract): string | undefined {
  if (contract.failure?.code !== 'models-error') return undefined;
  let url: URL;
  try {
    url = new URL(contract.url);
  } catch {
    return undefined;
  }
  if (!/\/v1\/?$/.test(url.pathname)) return undefined;
  url.pathname = url.pathname.replace(/\/v1\/?$/, '') || '/';
  return `drop the /v1 suffix: the tool adds /v1/models itself, so pass \`--base-url ${url.toString().replace(/\/$/, '')}\``;
}

export interface CliDocument {
  version: string;
  base_url: string;
  ok: boolean;
  mode: string | null;
  mode_verified: string | null;
  mode_evidence: string | null;
  mode_proven_by: string[];
  routing: Routing | null;
  model: string | null;
  models: string[];
  latency_ms: number | null;
  checks: {
    name: string;
    ok: boolean;
    attempts: number;
    status: number | null;
    latency_ms: number | null;
    detail: string;
  }[];
  limitations: string[];
  failure: { code: string; message: string; next: string } | null;
  expect_mode: string | null;
  history: CliHistory | null;
}

/** The history's judgement, for the CLI's JSON (the action's `trend` output has the whole of it). */
export interface CliHistory {
  file: string;
  records: number;
  skipped_lines: number;
  mode: string;
  reference_mode: string | null;
  latency: string;
  latency_p50_ms: number | null;
  baseline_p50_ms: number | null;
  bound_ms: number | null;
  ratio: number | null;
  baseline_runs: number;
  changes: { what: string; since: string; before: string; after: string; fails: boolean }[];
  written: boolean;
}

const round = (ms: number | null): number | null => (ms === null ? null : Math.round(ms * 10) / 10);

function cliHistory(h: HistoryReport): CliHistory {
  const m = h.mode;
  const l = h.latency;
  const judged = l.kind === 'ok' || l.kind === 'regression' ? l : undefined;
  return {
    file: h.file,
    records: h.records,
    skipped_lines: h.skippedLines,
    mode: m.kind,
    reference_mode: m.kind === 'no-reference' ? null : m.reference,
    latency: l.kind,
    latency_p50_ms: round(h.sample?.p50Ms ?? null),
    baseline_p50_ms: round(judged?.bound.medianMs ?? null),
    bound_ms: round(judged?.bound.boundMs ?? null),
    ratio: judged ? Math.round(judged.ratio * 100) / 100 : null,
    baseline_runs: judged?.bound.runs ?? (l.kind === 'too-few' ? l.runs : 0),
    changes: h.changes.map((c) => ({ ...c })),
    written: h.written !== undefined,
  };
}

export function cliDocument(contract: Contract, version: string): CliDocument {
  const hint = v1SuffixHint(contract);
  return {
    version,
    base_url: contract.url,
    ok: contract.result === 'pass',
    mode: contract.mode || null,
    mode_verified: contract.modeVerified || null,
    mode_evidence: contract.modeEvidence || null,
    mode_proven_by: contract.modeProvenBy ? contract.modeProvenBy.split(',') : [],
    routing: contract.routing ?? null,
    model: contract.model || null,
    models: contract.models,
    latency_ms: contract.latencyMs ?? null,
    checks: contract.checks.map((c) => ({
      name: c.name,
      ok: c.ok,
      attempts: c.attempts,
      status: c.status ?? null,
      latency_ms: c.latencyMs ?? null,
      detail: c.detail,
    })),
    limitations: contract.limitations.map((l) => cliWording(l.text)),
    failure: contract.failure
      ? {
          code: contract.failure.code,
          message: cliWording(contract.failure.message),
          next: hint ?? cliWording(contract.failure.next),
        }
      : null,
    expect_mode: contract.expectMode ?? null,
    history: contract.history ? cliHistory(contract.history) : null,
  };
}

/** How the run stands against the history, for the verdict line. */
function historyNote(h: CliHistory | null): string {
  if (!h) return '';
  if (h.ratio !== null) return `; history: p50 ${h.latency_p50_ms} ms, ${h.ratio}× the baseline`;
  if (h.latency === 'too-few')
    return `; history: ${h.baseline_runs} of ${MIN_BASELINE_RUNS} runs before latency is judged`;
  return '';
}

/** The one stderr line of a run: the verdict, naming the mode only when one was checked. */
export function cliVerdict(doc: CliDocument): string {
  if (doc.ok) {
    const mode = doc.mode ? ` ${doc.mode} (${doc.mode_verified ?? 'not checked'})` : '';
    const latency = doc.latency_ms !== null ? `, chat ${doc.latency_ms} ms` : '';
    const caveats = doc.limitations.length ? ` [${doc.limitations.length} limitation(s) in the JSON]` : '';
    return `PASS${mode} at ${doc.base_url}: model ${doc.model ?? '-'}${latency}${historyNote(doc.history)}${caveats}`;
  }
  const f = doc.failure;
  return `FAIL ${f?.code ?? 'internal'} at ${doc.base_url}: ${f?.message ?? ''} Next: ${f?.next ?? ''}`;
}
