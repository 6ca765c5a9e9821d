// The verdict line of a plan from a file: no request, so no model named.
import { describe, expect, it } from '@jest/globals';
import { type Contract } from '../../../src/model/contract.js';
import { contractWith } from '../../support/contract.ts';
import { verdictText } from '../../../src/report/summary.js';

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

describe('the verdict line of a plan', () => {
  it('a plan from a file sent no request: no "model -"', () => {
    expect(verdictText(base({ model: '', latencyMs: undefined }))).not.toMatch(/model -/);
    expect(verdictText(base({ model: 'tiny-model', latencyMs: 12 }))).toMatch(
      /: model tiny-model, chat 12 ms$/,
    );
  });
});
