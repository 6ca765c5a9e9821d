// The CLI's JSON document and exit codes, per failure code.
import { describe, expect, it } from '@jest/globals';
import { cliDocument, exitCodeFor } from '../../../src/cli/document.js';
import { failureOf } from '../../../src/report/failure-guide.js';
import { type Contract } from '../../../src/model/contract.js';
import { contractWith } from '../../support/contract.ts';

const base = (over: Partial<Contract> = {}): Contract =>
  contractWith({
    target: 'launch',
    mode: 'kv',
    modeReason: 'requested by the `mode` input',
    kvEventsReason: 'not inspected',
    command: 'python3 -m dynamo.frontend --router-mode kv --http-port 8000',
    model: 'tiny',
    models: ['tiny'],
    latencyMs: 42,
    checks: [
      { name: 'models', ok: true, attempts: 1, status: 200, latencyMs: 3, detail: '1 model listed' },
      { name: 'chat', ok: true, attempts: 1, status: 200, latencyMs: 42, detail: 'model "tiny" answered' },
    ],
    limitations: [{ id: 'smoke-scope', text: 'A smoke check is one chat completion.' }],
    nextCommand: 'aiperf profile --model tiny',
    ...over,
  });

describe('CLI document and exit codes', () => {
  it('prints the smoke-script document', () => {
    const doc = cliDocument(base(), '0.1.0');
    expect(doc).toMatchObject({ base_url: 'http://127.0.0.1:8000', ok: true, failure: null });
    expect((doc.checks as unknown[]).length).toBe(2);
  });

  it.each([
    ['frontend-unreachable', [{ name: 'models', ok: false }], 2],
    ['models-error', [{ name: 'models', ok: false }], 2],
    ['unauthorized', [{ name: 'models', ok: false }], 2],
    ['no-models', [{ name: 'models', ok: false }], 3],
    [
      'chat-timeout',
      [
        { name: 'models', ok: true },
        { name: 'chat', ok: false },
      ],
      4,
    ],
    [
      'chat-invalid',
      [
        { name: 'models', ok: true },
        { name: 'chat', ok: false },
      ],
      4,
    ],
    [
      'mode-not-applied',
      [
        { name: 'models', ok: true },
        { name: 'chat', ok: true },
      ],
      5,
    ],
    ['bad-input', [], 1],
  ] as const)('maps %s (checks %j) to exit code %i', (code, checks, exit) => {
    const c = base({
      result: 'fail',
      failure: failureOf(code, 'x'),
      checks: checks.map((k) => ({ ...k, attempts: 1, detail: '' })),
    });
    expect(exitCodeFor(c)).toBe(exit);
  });
});
