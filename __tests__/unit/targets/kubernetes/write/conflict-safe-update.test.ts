// The conflict-safe update: read fresh, compute, patch with resourceVersion, read again after a 409.
import { describe, expect, it } from '@jest/globals';
import { ApiException } from '@kubernetes/client-node';
import { conflictSafeUpdate } from '../../../../../src/targets/kubernetes/write/conflict-safe-update.ts';
import type { JsonObject } from '../../../../../src/targets/kubernetes/object/json.ts';

const noSleep = { sleep: async () => undefined, what: 'the DGD' };

describe('conflictSafeUpdate', () => {
  it('re-reads and recomputes after a 409, then writes', async () => {
    let version = 1;
    const writes: JsonObject[] = [];
    const result = await conflictSafeUpdate(
      async () => ({ metadata: { resourceVersion: String(version) } }),
      (fresh) => ({
        patch: { metadata: fresh.metadata },
        result: (fresh.metadata as JsonObject).resourceVersion,
      }),
      async (patch) => {
        writes.push(patch);
        if (writes.length === 1) {
          version = 2; // someone else wrote in between
          throw new ApiException(409, 'Conflict', '{"kind":"Status","reason":"Conflict"}', {});
        }
        return patch;
      },
      noSleep,
    );
    expect(result).toMatchObject({ written: true, attempts: 2, result: '2' });
    expect(writes.map((w) => (w.metadata as JsonObject).resourceVersion)).toEqual(['1', '2']);
  });

  it('does not write when nothing changes', async () => {
    let wrote = false;
    const result = await conflictSafeUpdate(
      async () => ({}),
      () => ({ result: 'same' }),
      async () => {
        wrote = true;
        return {};
      },
      noSleep,
    );
    expect(result.written).toBe(false);
    expect(wrote).toBe(false);
  });

  it('gives up with `conflict` after the budget', async () => {
    let writes = 0;
    await expect(
      conflictSafeUpdate(
        async () => ({}),
        () => ({ patch: {}, result: 0 }),
        async () => {
          writes++;
          throw new ApiException(409, 'Conflict', '', {});
        },
        { ...noSleep, attempts: 3 },
      ),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(writes).toBe(3);
  });

  it('passes other errors straight through', async () => {
    await expect(
      conflictSafeUpdate(
        async () => ({}),
        () => ({ patch: {}, result: 0 }),
        async () => Promise.reject(new Error('boom')),
        noSleep,
      ),
    ).rejects.toThrow('boom');
  });
});
