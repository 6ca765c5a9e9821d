// The CLI's wording (flags, not inputs) and its JSON document.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cliDocument, cliVerdict, cliWording, v1SuffixHint } from '../../../src/cli/document.js';
import { failureOf } from '../../../src/report/failure-guide.js';
import { type Contract } from '../../../src/model/contract.js';
import type { HistoryReport } from '../../../src/model/history.js';
import { contractWith } from '../../support/contract.ts';
import { VERSION } from '../../../src/version.js';
import { ROOT } from '../../support/action.ts';

const HISTORY: HistoryReport = {
  file: '.router-history/canary.jsonl',
  records: 6,
  skippedLines: 0,
  skipped: [],
  unreadBytes: 0,
  subjectRuns: 6,
  regressionRatio: 1.5,
  sample: { source: 'smoke', requests: 8, errors: 0, samplesMs: [40.04], p50Ms: 40.04, p90Ms: 40.04 },
  mode: { kind: 'same', reference: 'kv' },
  latency: {
    kind: 'ok',
    medianMs: 40.04,
    bound: { runs: 6, medianMs: 39.5, boundMs: 52.06, spread: 0.05, t: 5.9 },
    ratio: 1.0137,
    firstRun: null,
    lastRun: null,
  },
  changes: [],
  accepted: false,
  baseline: false,
  trend: [],
  written: { lines: 7, dropped: 0 },
};

function contract(over: Partial<Contract> = {}): Contract {
  return contractWith({
    model: 'tiny-model',
    models: ['tiny-model'],
    latencyMs: 12,
    checks: [{ name: 'models', ok: true, attempts: 1, detail: '' }],
    ...over,
  });
}

describe('CLI wording', () => {
  it.each([
    [
      'check the `model` input: "x" must be one of the listed models',
      'check `--model`: "x" must be one of the listed models',
    ],
    ['pass the key in the `api-key` input (from a secret)', 'pass the key in `--api-key` (from a secret)'],
    ['Input `retry-delay` has "x"; allowed: a number.', 'Flag `--retry-delay` has "x"; allowed: a number.'],
    ['raise `retries` if workers register slowly', 'raise `--retries` if workers register slowly'],
    ['set `kv-events: false` for approximate mode', 'set `--kv-events false` for approximate mode'],
    ['the `service` input', 'the `service` input'],
  ])('%s', (from, to) => {
    expect(cliWording(from)).toBe(to);
  });
});

describe('CLI document', () => {
  it('has version, mode and limitations, and no mode claim when none was checked', () => {
    const doc = cliDocument(contract(), VERSION);
    expect(doc.version).toBe(VERSION);
    expect(doc.mode).toBeNull();
    expect(cliVerdict(doc)).toBe('PASS at http://127.0.0.1:8000: model tiny-model, chat 12 ms');
    expect(cliVerdict(doc)).not.toMatch(/unchanged/);
  });

  it('names the checked mode and its verdict', () => {
    const doc = cliDocument(contract({ mode: 'kv', modeVerified: 'verified' }), VERSION);
    expect(cliVerdict(doc)).toMatch(/^PASS kv \(verified\) at /);
  });

  it('hints at a /v1 suffix on a models-error', () => {
    const c = contract({
      result: 'fail',
      url: 'http://127.0.0.1:8000/v1',
      failure: failureOf('models-error', 'GET /v1/v1/models answered 404: not found.'),
    });
    expect(v1SuffixHint(c)).toMatch(/--base-url http:\/\/127\.0\.0\.1:8000`/);
    expect(cliDocument(c, VERSION).failure?.next).toMatch(/drop the \/v1 suffix/);
    expect(
      v1SuffixHint(contract({ result: 'fail', failure: failureOf('models-error', 'x') })),
    ).toBeUndefined();
  });

  it('documents exactly the keys it prints (README "The command-line tool")', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.split('<!-- cli-json:start -->')[1].split('<!-- cli-json:end -->')[0];
    const documented = [...section.matchAll(/^\| `([a-z0-9_.[\]]+)`/gm)].map((m) => m[1]).sort();
    const doc = cliDocument(
      contract({
        result: 'fail',
        failure: failureOf('chat-error', 'x'),
        checks: [{ name: 'chat', ok: false, attempts: 1, status: 404, latencyMs: 3, detail: 'x' }],
      }),
      VERSION,
    );
    const withHistory = cliDocument(contract({ history: HISTORY }), VERSION);
    const printed = [
      ...Object.keys(doc),
      ...Object.keys(doc.checks[0]).map((k) => `checks[].${k}`),
      ...Object.keys(doc.failure ?? {}).map((k) => `failure.${k}`),
      ...Object.keys(withHistory.history ?? {}).map((k) => `history.${k}`),
    ].sort();
    expect(documented).toEqual(printed);
  });

  it('summarises the history in snake case, rounded', () => {
    expect(cliDocument(contract({ history: HISTORY, expectMode: 'kv' }), VERSION)).toMatchObject({
      expect_mode: 'kv',
      history: {
        file: '.router-history/canary.jsonl',
        mode: 'same',
        reference_mode: 'kv',
        latency: 'ok',
        latency_p50_ms: 40,
        baseline_p50_ms: 39.5,
        bound_ms: 52.1,
        ratio: 1.01,
        baseline_runs: 6,
        written: true,
      },
    });
  });

  it('names boolean flags without a value', () => {
    expect(cliWording('run once with `accept-change: true`')).toBe('run once with `--accept-change`');
  });

  it('reports the package version', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
