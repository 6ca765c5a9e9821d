import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cliDocument, cliVerdict, cliWording, v1SuffixHint } from '../../src/cli-document.js';
import { failureOf, type Contract } from '../../src/report/contract.js';
import { contractWith } from '../support/contract.ts';
import { VERSION } from '../../src/version.js';
import { ROOT } from '../support/action.ts';

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
    const documented = [...section.matchAll(/^\| `([a-z_.[\]]+)`/gm)].map((m) => m[1]).sort();
    const doc = cliDocument(
      contract({
        result: 'fail',
        failure: failureOf('chat-error', 'x'),
        checks: [{ name: 'chat', ok: false, attempts: 1, status: 404, latencyMs: 3, detail: 'x' }],
      }),
      VERSION,
    );
    const printed = [
      ...Object.keys(doc),
      ...Object.keys(doc.checks[0]).map((k) => `checks[].${k}`),
      ...Object.keys(doc.failure ?? {}).map((k) => `failure.${k}`),
    ].sort();
    expect(documented).toEqual(printed);
  });

  it('reports the package version', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
