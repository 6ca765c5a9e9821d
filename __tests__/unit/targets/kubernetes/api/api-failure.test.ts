// API errors as failures: 401, 403, 404, 409, admission refusals, connection and TLS problems.
import { describe, expect, it } from '@jest/globals';
import { ApiException } from '@kubernetes/client-node';
import { apiFailure } from '../../../../../src/targets/kubernetes/api/api-failure.ts';

describe('apiFailure', () => {
  const server = 'https://k8s.example';
  const status = (code: number, reason: string, message: string) =>
    new ApiException(
      code,
      'x',
      JSON.stringify({ kind: 'Status', status: 'Failure', reason, message, code }),
      { authorization: 'Bearer nope' },
    );

  it('maps status codes to failure codes, with the Status message', () => {
    expect(apiFailure(status(401, 'Unauthorized', 'Unauthorized'), 'get x', server).code).toBe(
      'cluster-unauthorized',
    );
    const forbidden = apiFailure(
      status(
        403,
        'Forbidden',
        'dynamographdeployments.nvidia.com "g" is forbidden: User "ci" cannot patch resource "dynamographdeployments" in API group "nvidia.com" in the namespace "ns"',
      ),
      'patch g',
      server,
    );
    expect(forbidden.code).toBe('cluster-forbidden');
    expect(forbidden.message).toContain('cannot patch resource "dynamographdeployments"');
    expect(forbidden.message).not.toContain('Bearer');
    expect(apiFailure(status(404, 'NotFound', 'services "x" not found'), 'get x', server).code).toBe(
      'not-found',
    );
    expect(apiFailure(status(409, 'Conflict', 'the object has been modified'), 'patch', server).code).toBe(
      'conflict',
    );
  });

  it('maps network, TLS and timeout errors to cluster-unreachable', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(apiFailure(refused, 'get x', server)).toMatchObject({
      code: 'cluster-unreachable',
      message: expect.stringContaining('ECONNREFUSED'),
    });
    const tls = new TypeError('fetch failed', {
      cause: Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
    });
    expect(apiFailure(tls, 'get x', server).message).toMatch(/TLS verification/);
    expect(apiFailure(new DOMException('timed out', 'TimeoutError'), 'get x', server).message).toMatch(
      /did not answer in time/,
    );
  });
});

describe('a denial, read once where it arrives', () => {
  const denied = (message: string) =>
    apiFailure(
      new ApiException(
        403,
        'x',
        JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Forbidden', message, code: 403 }),
        {},
      ),
      'patch it',
      'https://k8s.example',
    );

  it('carries the verb, resource, group and namespace the API server named', () => {
    const failure = denied(
      'dynamographdeployments.nvidia.com "g" is forbidden: User "system:serviceaccount:ci:deployer" cannot patch resource "dynamographdeployments" in API group "nvidia.com" in the namespace "dynamo"',
    );
    expect(failure.code).toBe('cluster-forbidden');
    expect(failure.cause).toEqual({
      kind: 'forbidden',
      verb: 'patch',
      resource: 'dynamographdeployments',
      group: 'nvidia.com',
      namespace: 'dynamo',
    });
    expect(
      denied(
        'pods "p" is forbidden: User "u" cannot get resource "pods/log" in API group "" at the cluster scope',
      ).cause,
    ).toEqual({ kind: 'forbidden', verb: 'get', resource: 'pods/log', group: '', namespace: undefined });
  });

  it('a denial whose Status names nothing has no cause (the report then lists what is allowed)', () => {
    expect(denied('forbidden').cause).toBeUndefined();
  });
});
