// The log's first line, the warning for a pass that proves less than it seems, and a dry run's lines.
import { describe, expect, it } from '@jest/globals';
import { failureOf } from '../../../src/report/failure-guide.js';
import { type Contract } from '../../../src/model/contract.js';
import { contractWith } from '../../support/contract.ts';
import { bannerLine, dryRunLines, passWarning } from '../../../src/report/log-lines.js';
import { parseSettings } from '../../../src/settings/settings.js';

const settings = (inputs: Record<string, string>) => parseSettings((name) => inputs[name] ?? '');

function contract(over: Partial<Contract> = {}): Contract {
  return contractWith({
    target: 'kubernetes',
    mode: 'kv',
    modeVerified: 'verified',
    modeEvidence: 'kv router metrics moved',
    kvEvents: 'true',
    url: 'http://127.0.0.1:41234',
    service: 'dynamo/x-frontend',
    model: 'm',
    models: ['m'],
    limitations: [
      { id: 'smoke-scope', text: 'A smoke check is one chat completion: it proves the endpoint answers.' },
    ],
    ...over,
  });
}

describe('log lines', () => {
  it('opens with the version and the inputs in effect, never the key', () => {
    const line = bannerLine(
      settings({
        namespace: 'dynamo',
        deployment: 'x',
        mode: 'kv',
        'dry-run': 'true',
        'api-key': 'sk-secret-123',
      }),
      '0.1.0',
    );
    expect(line).toMatch(
      /^dynamo-router-starter 0\.1\.0: target kubernetes; mode kv; namespace dynamo; deployment x; dry-run;/,
    );
    expect(line).toContain('api-key ***');
    expect(line).not.toContain('sk-secret-123');
  });

  it('warns on a pass that is unverifiable or has limitations beyond the smoke caveat, not otherwise', () => {
    expect(passWarning(contract())).toBeUndefined();
    expect(passWarning(contract({ modeVerified: 'unverifiable', modeEvidence: 'no log' }))?.title).toMatch(
      /mode not proven/,
    );
    expect(
      passWarning(contract({ limitations: [{ id: 'approximate-kv', text: 'Approximate KV mode: …' }] }))
        ?.message,
    ).toMatch(/Approximate/);
    expect(passWarning(contract({ result: 'fail', failure: failureOf('no-models', 'x') }))).toBeUndefined();
  });

  it('a dry run prints the patch it would have written', () => {
    const lines = dryRunLines(
      contract({
        envPatch: {
          object: 'dynamographdeployment.nvidia.com/x (v1alpha1), component Frontend',
          namespace: 'dynamo',
          path: 'spec.services.Frontend.envs',
          set: [{ name: 'DYN_ROUTER_MODE', value: 'kv' }],
          remove: [],
          changed: true,
          applied: false,
          dryRun: true,
        },
      }),
    );
    expect(lines).toEqual([
      'Dry run, nothing written: would set DYN_ROUTER_MODE=kv at spec.services.Frontend.envs of dynamographdeployment.nvidia.com/x (v1alpha1), component Frontend in dynamo.',
    ]);
    expect(dryRunLines(contract())).toEqual([]);
  });
});
