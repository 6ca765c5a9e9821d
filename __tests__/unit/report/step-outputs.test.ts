// The Contract as step outputs, keyed by action.yml's names.
import { describe, expect, it } from '@jest/globals';
import { contractOutputs } from '../../../src/report/step-outputs.js';
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

describe('outputs', () => {
  it('maps the contract to the action outputs', () => {
    const out = contractOutputs(base());
    expect(out).toMatchObject({
      result: 'pass',
      failure: '',
      mode: 'kv',
      models: '["tiny"]',
      'latency-ms': '42',
      'env-patch': '',
      service: '',
      limitations: '["A smoke check is one chat completion."]',
      'dynamo-version': 'unknown',
    });
    expect(contractOutputs(base({ dynamoVersion: '1.3.1 (launch interpreter)' }))['dynamo-version']).toBe(
      '1.3.1 (launch interpreter)',
    );
    expect(Object.keys(out).sort()).toEqual(
      [
        'command',
        'comparison',
        'dynamo-version',
        'env-patch',
        'failure',
        'kv-events',
        'latency-ms',
        'limitations',
        'mode',
        'mode-proven-by',
        'mode-reason',
        'mode-verified',
        'model',
        'models',
        'models-count',
        'next-command',
        'result',
        'routing',
        'service',
        'trend',
        'url',
      ].sort(),
    );
    expect(out.trend).toBe('');
  });
});
