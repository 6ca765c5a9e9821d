// The last resort: an error nothing caught still publishes the run's Contract, failed internal,
// after the target undid or described its change.
import { describe, expect, it } from '@jest/globals';
import { RunFailure } from '../../src/model/failure.ts';
import { rescue, rescueContract } from '../../src/last-resort.ts';
import { makePlan } from '../../src/plan.ts';
import { parseSettings } from '../../src/settings/settings.ts';

describe('the last resort', () => {
  const settings = () =>
    parseSettings((name) => ({ namespace: 'ns', deployment: 'g', mode: 'kv' })[name] ?? '');

  it('fails the run internal, undoes the write through the target, and keeps the real stack', async () => {
    const s = settings();
    rescue.results = { settings: s, plan: makePlan(s), thrown: [] };
    rescue.afterWrite = async (failure) =>
      new RunFailure(failure.code, `${failure.message} The previous env was restored (rollback-on-failure).`);
    const contract = await rescueContract(new RangeError('Invalid string length'), () => {
      throw new Error('not used');
    });
    expect(contract.result).toBe('fail');
    expect(contract.failure?.code).toBe('internal');
    expect(contract.failure?.message).toBe(
      'Unexpected error: Invalid string length. The previous env was restored (rollback-on-failure).',
    );
    expect(contract.details.filter((d) => d.title.startsWith('Stack trace'))).toHaveLength(1);
    expect(contract.details.find((d) => d.title.startsWith('Stack trace'))?.text).toMatch(/^RangeError/);
    expect(rescue.afterWrite).toBeUndefined();
  });

  it('says nothing was written when the Kubernetes run had not written', async () => {
    const s = settings();
    rescue.results = { settings: s, plan: makePlan(s), thrown: [] };
    const contract = await rescueContract('boom', () => {
      throw new Error('not used');
    });
    expect(contract.failure?.message).toBe('Unexpected error: boom. No change was written to the cluster.');
    rescue.results = undefined;
  });
});
