// Credential plugins' token paths, including the legacy auth-provider's.
import { describe, expect, it } from '@jest/globals';
import { valueAt } from '../../../../../src/targets/kubernetes/api/credential-plugins.ts';

describe('legacy auth-provider token paths', () => {
  it('reads the {.a.b} paths gcloud and az print, nothing fancier', () => {
    const out = {
      credential: { access_token: 'tok', token_expiry: '2099-01-01T00:00:00Z' },
      access_token: 'top',
    };
    expect(valueAt(out, '{.credential.access_token}')).toBe('tok');
    expect(valueAt(out, '{.access_token}')).toBe('top');
    expect(valueAt(out, '{.credential.missing}')).toBeUndefined();
    expect(valueAt(out, '{$..access_token}')).toBeUndefined();
  });
});
