// The API version to edit a DynamoGraphDeployment in: the one its author wrote it in.
import { describe, expect, it } from '@jest/globals';
import { authoredVersion } from '../../../../../src/targets/kubernetes/resolve/authored-version.ts';

describe('authoredVersion', () => {
  it('falls back to v1alpha1 as the version every release serves, not as "the storage version"', () => {
    const picked = authoredVersion({ metadata: {} }, ['v1beta1', 'v1alpha1'], undefined);
    expect(picked.version).toBe('v1alpha1');
    expect(picked.reason).not.toMatch(/storage version/);
    expect(picked.reason).toMatch(/every operator release serves/);
  });
});
